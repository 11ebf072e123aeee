"""Question rewriting from index/data/synonyms.tsv: fillers, shorthand, colloquial wording."""

import pytest

from index.query import analyse_query
from index.synonyms import KINDS, LEXICON_PATH, LexiconEntry, QueryLexicon


@pytest.fixture(scope="module")
def lexicon():
    return QueryLexicon.load()


def test_the_shipped_list_is_well_formed(lexicon):
    assert lexicon.entries and {e.kind for e in lexicon.entries} == set(KINDS)
    phrases = [(e.kind, e.phrase.lower()) for e in lexicon.entries]
    assert len(phrases) == len(set(phrases)), "a phrase is listed twice"
    for entry in lexicon.entries:
        assert entry.kind == "filler" or entry.expansions, entry


def test_greetings_and_politeness_are_dropped(lexicon):
    out = lexicon.rewrite("Xin chào, cho em hỏi thời hiệu khởi kiện là bao lâu ạ?", accented=True)
    assert out.text == "thời hiệu khởi kiện là bao lâu?" and out.changed


def test_shorthand_is_spelled_out_in_place(lexicon):
    out = lexicon.rewrite("hdld het han ma cty ko ky tiep thi sao", accented=False)
    assert out.text == "hợp đồng lao động het han ma công ty không ky tiep thi sao"


def test_colloquial_wording_gets_the_legal_wording_beside_it(lexicon):
    out = lexicon.rewrite("Bị đuổi việc khi đang có bầu thì sao?", accented=True)
    assert out.text == "Bị đuổi việc khi đang có bầu thì sao?"
    assert "sa thải" in out.expansions and "mang thai" in out.expansions


def test_without_accents_only_unambiguous_phrases_match(lexicon):
    # 'cuoi' may be 'cưới' (marry) or 'cuối' (end): a single folded syllable is not rewritten.
    assert lexicon.rewrite("cuoi nam nay", accented=False).expansions == []
    assert "ly hôn" in lexicon.rewrite("vo chong ly di thi chia tai san the nao", accented=False).expansions


def test_an_expansion_already_in_the_question_is_not_repeated(lexicon):
    assert "sa thải" not in lexicon.rewrite("đuổi việc tức là sa thải phải không", accented=True).expansions


def test_a_question_made_only_of_fillers_stays_as_typed(lexicon):
    assert lexicon.rewrite("dạ", accented=True).text == "dạ"


def test_analysis_keeps_plain_fields_and_adds_rewritten_ones():
    analysis = analyse_query("Cho em hỏi bị sếp đuổi việc thì có được bồi thường không ạ?")
    assert "cho" in analysis.folded and "cho" not in analysis.rewritten_folded
    assert "sa_thải" in analysis.expansion_words and analysis.dense_text.endswith(")")
    plain = analyse_query("Cho em hỏi bị sếp đuổi việc thì sao ạ?", lexicon=QueryLexicon.empty())
    assert plain.expansions == [] and plain.rewritten_folded == plain.folded


def test_a_bad_line_is_reported_with_its_number(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("# comment\nsynonym\tfoo\tbar\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:2"):
        QueryLexicon.load(path)


def test_phrases_longer_than_the_matcher_reads_are_refused():
    with pytest.raises(ValueError, match="1-6 words"):
        QueryLexicon([LexiconEntry(kind="filler", phrase="một hai ba bốn năm sáu bảy")])


def test_list_path_is_inside_the_package():
    assert LEXICON_PATH.parent.name == "data" and LEXICON_PATH.parent.parent.name == "index"
