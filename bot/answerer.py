"""Compose answers: quote and cite the clause, and answer "who leads this task?" from task records.

Shared by the terminal and the Telegram bot; it knows nothing about either.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable

from pydantic import BaseModel

from bot.intent import article_number, detect_intent, without_who
from bot.models import Answer, DocumentTasks, Intent, Quote, Status, TaskAnswer
from bot.quote import evidence_quote, quote_from, select_quote, whole_unit
from corpus.agencies import agency_key
from corpus.deadlines import deadline_phrase, parse_period
from corpus.kinds import KIND_NOTES, DocumentKind, is_question_line
from corpus.models import Chunk, DocumentFacts, NodeKind, TaskRecord
from corpus.normalize import fold_accents, normalize_inline
from corpus.relations import source_phrase
from corpus.tasks import PHOI_HOP, THI_HANH
from index.analysis import ABBREVIATIONS, folded_tokens, word_tokens
from index.models import Hit
from index.query import QueryAnalysis, analyse_query
from index.searcher import Searcher, SearchResult

MAX_QUESTION_CHARS = 1000
OFFICIAL_RATIO = 0.7  # an official text this close to a news item or Q&A article is cited first …
OFFICIAL_SLACK = 0.05  # … when it covers the question's terms about as well
RECORD_QUOTE_RATIO = 0.8  # another unit must score 1/0.8 times the record's own to be quoted instead
QUESTION_WEIGHT = 0.2  # a Q&A article's question line is quoted only when its answer says nothing relevant
RANK_PENALTY = 0.1  # after a table chunk, a later hit's record must cover the question 1/0.9 times better
NEAR_TIE = 0.95  # fused scores this close to the first hit's count as a tie for the confidence check
TITLE_WEIGHT = 0.2
LEAD_TERMS = ("chu_tri", "trach_nhiem", "dau_moi")
PREFERRED_TERM_WEIGHT = 2.0
LINE_TOKENS = 120  # typical clause length in folded tokens (syllables and bigrams)
_DEADLINE_PARTS = re.compile(r"(?<=[;.])\s+|\n|\s(?=\(\d+\)\s)|\s(?=[a-zđ]\)\s)")
_ENFORCING = re.compile(
    r"\b(?:chiu|co) trach nhiem thi hanh\b|\bthi hanh (?:quyet dinh|chi thi|nghi quyet|thong tu|qd|ct|nq)\b"
)
_THIS_TEXT = re.compile(r"(?i)\b(?:Quyết định|Chỉ thị|Nghị quyết|Thông tư) này\b")
_ASKS_DOCUMENT = re.compile(r"\b(?:ke hoach|quyet dinh|quy che|quy dinh|chi thi|nghi quyet|van ban|cong van)\b")
_TAG = re.compile(r"<[^>]{0,200}>")
_COMPARE_WORDS = re.compile(
    r"(?i)\b(?:so sánh|(?:những |các )?(?:tỉnh|tỉnh thành|địa phương) nào|các tỉnh|giữa các tỉnh)\b"
)
_SUGGESTIONS = [
    "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật của tỉnh?",
    "Sở Nội vụ chủ trì những nhiệm vụ nào?",
    "Những việc gì hạn Quý I năm 2018?",
]


def _promote(hits: list[Hit], ratio: float, value: Callable[[Hit], float], floor: float) -> float | None:
    """Promote the first of the next four hits (within ``ratio`` of the first's score) whose value reaches ``floor``.

    Returns that value, or None when no hit qualifies and the order is left as it was.
    """
    for i, hit in enumerate(hits[1:5], start=1):
        if hit.score < ratio * hits[0].score:
            return None
        if (found := value(hit)) >= floor:
            hits.insert(0, hits.pop(i))
            return found
    return None


def _hit_of(chunk: Chunk, like: Hit) -> Hit:
    """A chunk found by lookup rather than search, as a hit ranked with the first one."""
    return Hit(chunk=chunk, score=like.score, rank=like.rank)


def _close_in_meaning(hit: Hit, floor: float) -> bool:
    """The hit was found by dense search with an e5 cosine of at least ``floor``."""
    dense = hit.retrievers.get("dense")
    return dense is not None and dense.score >= floor


class AnswerSettings(BaseModel):
    """Calibrated on the in-scope and out-of-scope questions of the seeds' and the real documents' sets."""

    decline_below: float = 0.45
    partial_coverage: float = 0.6  # below this coverage the passage must also be close in meaning …
    semantic_floor: float = 0.895  # … an e5 cosine with the question of at least this
    dead_heat: float = 0.99  # who-question hits this close to the first are ordered by how much of the task they cover
    related_floor: float = 0.85  # a declined question still shows passages at least this close in meaning
    related_count: int = 3
    ambiguity_ratio: float = 0.92
    task_score_ratio: float = 0.8
    more_sources: int = 2
    max_list: int = 500
    compare_candidates: int = 40
    compare_provinces: int = 8


def clean_question(raw: str) -> str:
    """The question as text: HTML tags and entities dropped, normalised, on one line."""
    text = html.unescape(_TAG.sub(" ", raw or ""))
    return normalize_inline(text)


class Answerer:
    """Answers questions over one searcher's index."""

    def __init__(self, searcher: Searcher, settings: AnswerSettings | None = None) -> None:
        self.searcher = searcher
        self.settings = settings or AnswerSettings()
        names = searcher.tasks.lead_names  # looked up in the index, not gathered from every task
        self.agency_keys = sorted(((agency_key(n), n) for n in names), key=lambda kv: -len(kv[0]))

    # ------------------------------------------------------------------ helpers
    def _scorer(self, analysis: QueryAnalysis, title: str | None = None, prefer: tuple[str, ...] = ()):
        """Score lines against the question; words of the document's own title count little.

        Those words say which document is meant ("Quy chế phối hợp … Kiên Giang"), not which
        clause answers, so they must not pull the quote towards the clause that repeats them.
        """
        terms = list(dict.fromkeys(analysis.folded))
        weights = dict(zip(terms, self.searcher.lexical.idf("folded", terms), strict=True)) if terms else {}
        if title:
            in_title = set(folded_tokens(title))
            folded_title = fold_accents(title).lower()
            in_title |= {
                fold_accents(abbr).lower()
                for abbr, expansion in ABBREVIATIONS.items()
                if fold_accents(expansion) in folded_title
            }
            weights = {t: w * (TITLE_WEIGHT if t in in_title else 1.0) for t, w in weights.items()}
        for term in prefer:
            weights[term] = weights.get(term, 0.0) + PREFERRED_TERM_WEIGHT

        def score(text: str) -> float:
            """BM25 of one line against the question: matched idf, saturated and length-normalised."""
            tokens = folded_tokens(text)
            counts: dict[str, int] = {}
            for t in tokens:
                counts[t] = counts.get(t, 0) + 1
            norm = 1.2 * (0.5 + 0.5 * len(tokens) / LINE_TOKENS)
            return sum(w * counts[t] * 2.2 / (counts[t] + norm) for t, w in weights.items() if t in counts)

        return score

    def _quote(self, chunk: Chunk, analysis: QueryAnalysis, intent: Intent = Intent.GENERAL) -> Quote:
        """The unit of a chunk that answers, scored without the document's title words.

        For "who leads?" the clause that says who leads ("chủ trì", "chịu trách nhiệm") is preferred.
        """
        prefer = LEAD_TERMS if intent == Intent.LEAD else ()
        score = self._scorer(analysis, chunk.facts.trich_yeu, prefer)
        if chunk.facts.kind == DocumentKind.QA:
            return select_quote(chunk, lambda line: score(line) * (QUESTION_WEIGHT if is_question_line(line) else 1.0))
        return select_quote(chunk, score)

    def _task_answer(self, record: TaskRecord, chunk: Chunk, coordinating_with: str | None = None) -> TaskAnswer:
        """The record as an answer; asked who works with an agency the record names as partner, the roles turn.

        'Các cơ quan … phối hợp với Sở Nội vụ … gồm: a) …' answers "who coordinates with Sở Nội
        vụ?" with the listed bodies as partners; asked who does the task, the subject leads.
        """
        quote = whole_unit(chunk) if record.chunk_id == chunk.id and chunk.kind in ("task", "subtask") else None
        if quote is None:
            quote = quote_from(chunk, record.task if record.task in chunk.text else chunk.text)
        lead, partners = record.lead, record.partners
        asked = fold_accents(coordinating_with or "").lower()
        if record.role == PHOI_HOP and asked and any(fold_accents(a.name).lower() in asked for a in partners):
            lead, partners = partners, lead
        return TaskAnswer(
            task=record.task,
            lead=[a.wording for a in lead],
            partners=[a.wording for a in partners],
            appraiser=[a.wording for a in record.appraiser],
            deadline=record.deadline,
            period=record.period,
            product=record.product,
            quote=quote,
        )

    def _record_quote(self, chunk: Chunk, record: TaskRecord, analysis: QueryAnalysis, intent: Intent) -> Quote:
        """The unit the record was read from, unless another unit of the chunk answers clearly better.

        A heading line such as '1. Chủ trì hướng dẫn … gồm:' states the duty asked about but is no
        record of its own (its points are); it is quoted, under the record's lead.
        """
        scorer = self._scorer(analysis, chunk.facts.trich_yeu, LEAD_TERMS if intent == Intent.LEAD else ())
        stated = evidence_quote(chunk, record.evidence or record.task, scorer)
        best = select_quote(chunk, scorer)
        return best if scorer(best.text) * RECORD_QUOTE_RATIO > scorer(stated.text) else stated

    def _best_record(self, chunk: Chunk, analysis: QueryAnalysis) -> TaskRecord | None:
        records = self.searcher.tasks.for_chunk(chunk.id)
        if not records:
            return None
        score = self._scorer(analysis)
        return max(records, key=lambda r: (score(r.task), -records.index(r)))

    def _confidence(self, analysis: QueryAnalysis, hit: Hit) -> float:
        chunk = hit.chunk
        facts = chunk.facts
        context = " ".join(x for x in (facts.trich_yeu, facts.tinh, facts.so_hieu, chunk.path_display, chunk.text) if x)
        return round(self.searcher.term_coverage(analysis, context), 3)

    def _more(self, hits: list[Hit], used: set[str], analysis: QueryAnalysis) -> list[Quote]:
        out: list[Quote] = []
        for hit in hits:
            if hit.chunk.id in used or len(out) >= self.settings.more_sources:
                continue
            used.add(hit.chunk.id)
            out.append(self._quote(hit.chunk, analysis))
        return out

    # ------------------------------------------------------------------ intents
    def _lead_record(self, result: SearchResult) -> tuple[Hit, TaskRecord] | None:
        """The record that answers "who?": the first hit's best, unless that hit is a table chunk.

        A table chunk is ranked for all its rows together, so its best row may be a neighbour of
        the task asked about: then a later hit's record that covers the question better wins.
        """
        hits = result.hits
        chosen: tuple[Hit, TaskRecord] | None = None
        best = 0.0
        for i, hit in enumerate(hits[:3]):
            if hit.score < self.settings.task_score_ratio * hits[0].score:
                break
            record = self._best_record(hit.chunk, result.analysis)
            if record is None:
                continue
            value = self.searcher.term_coverage(result.analysis, record.task) * (1.0 - RANK_PENALTY * i)
            if chosen is None:
                chosen, best = (hit, record), value
                if hit.chunk.kind != NodeKind.TABLE:
                    break
            elif value > best:
                chosen, best = (hit, record), value
        return chosen

    def _enforcing(self, question: str, result: SearchResult) -> tuple[Chunk, TaskRecord] | None:
        """'Ai chịu trách nhiệm thi hành Quyết định …?': the document's own 'thi hành' clause.

        That clause is a short last article; the article a question's other words match (the
        decision's title, its first article) ranks above it, yet holds no answer.
        """
        if not _ENFORCING.search(fold_accents(question).lower()):
            return None
        for doc_id in dict.fromkeys(hit.chunk.doc_id for hit in result.hits[:3]):
            records = [r for r in self.searcher.tasks.of_document(doc_id) if r.role == THI_HANH]
            if records:  # the issuing text's own clause ('… thi hành Quyết định này') before an instrument's
                record = next((r for r in records if _THIS_TEXT.search(r.task)), records[-1])
                return self.searcher.by_id[record.chunk_id], record
        return None

    def _lead_like(self, answer: Answer, result: SearchResult) -> None:
        top = result.hits[0]
        enforcing = self._enforcing(answer.question, result)
        chosen = (_hit_of(enforcing[0], top), enforcing[1]) if enforcing else self._lead_record(result)
        used: set[str] = set()
        if chosen:
            hit, record = chosen
            asked = answer.question if answer.intent == Intent.PARTNERS else None
            answer.task = self._task_answer(record, hit.chunk, asked)
            if hit.chunk.kind not in ("task", "subtask"):
                answer.task.quote = self._record_quote(hit.chunk, record, result.analysis, answer.intent)
            used.add(hit.chunk.id)
        else:
            answer.primary = self._quote(top.chunk, result.analysis)
            used.add(top.chunk.id)
        self._ambiguity(answer, result, used)
        answer.more_sources = self._more(result.hits, used, result.analysis)

    def _ambiguity(self, answer: Answer, result: SearchResult, used: set[str]) -> None:
        """Strong answers from other provinces are shown beside the first, each with its source."""
        if result.analysis.provinces or not result.hits:
            return
        top = result.hits[0]
        provinces = {top.chunk.facts.tinh}
        for hit in result.hits[1:6]:
            tinh = hit.chunk.facts.tinh
            if not tinh or tinh in provinces or hit.score < self.settings.ambiguity_ratio * top.score:
                continue
            provinces.add(tinh)
            record = self._best_record(hit.chunk, result.analysis) if answer.task else None
            item = self._task_answer(record, hit.chunk) if record else self._quote(hit.chunk, result.analysis)
            answer.by_province.append(item)
            used.add(hit.chunk.id)

    def _agency_tasks(self, answer: Answer, question: str, analysis: QueryAnalysis) -> bool:
        folded = " " + re.sub(r"[^a-z0-9]+", " ", fold_accents(question).lower()) + " "
        wanted = next((name for key, name in self.agency_keys if f" {key} " in folded), None)
        if wanted is None:
            return False
        key = agency_key(wanted)
        records = self.searcher.tasks.led_by(key, analysis.provinces, self.settings.max_list)
        self._group(answer, records)
        answer.message = f"Các nhiệm vụ do {wanted} chủ trì"
        return bool(records)

    def _period(self, answer: Answer, question: str, analysis: QueryAnalysis) -> bool:
        wanted = parse_period(question, self.searcher.tasks.common_year)
        if wanted is None or wanted.start is None or wanted.end is None:
            return False
        records = self.searcher.tasks.due_between(wanted.start, wanted.end, analysis.provinces, self.settings.max_list)
        self._group(answer, records)
        answer.message = f"Các nhiệm vụ có thời hạn từ {wanted.start:%d/%m/%Y} đến {wanted.end:%d/%m/%Y}"
        return bool(records)

    def task_list(self, records: list[TaskRecord], message: str) -> Answer:
        """An answer that lists tasks by document, as /nhiemvu shows them (used for followed tasks)."""
        answer = Answer(question=message, intent=Intent.AGENCY_TASKS, status=Status.ANSWERED, message=message)
        self._group(answer, records)
        answer.confidence = 1.0
        self._status_notes(answer)
        return answer

    def _compare(self, answer: Answer, question: str, mode: str) -> bool:
        """The matching task of each province, most similar first, each with lead, partners, deadline, source."""
        text = normalize_inline(_COMPARE_WORDS.sub(" ", question)) or question
        result = self.searcher.search(text, mode=mode, k=self.settings.compare_candidates)
        seen: set[str] = set()
        for hit in result.hits:
            tinh = hit.chunk.facts.tinh
            if not tinh or tinh in seen or len(seen) >= self.settings.compare_provinces:
                continue
            record = self._best_record(hit.chunk, result.analysis)
            if record is None or self._confidence(result.analysis, hit) < self.settings.decline_below:
                continue
            seen.add(tinh)
            answer.comparison.append(self._task_answer(record, hit.chunk))
        if not answer.comparison:
            return False
        answer.confidence = self._confidence(result.analysis, result.hits[0])
        answer.message = f"Nhiệm vụ này ở {len(answer.comparison)} tỉnh (giống nhất trước)"
        return True

    def _status_notes(self, answer: Answer) -> None:
        """Say when a quoted document is no longer (wholly) in force, and which document changed it."""
        quotes = [answer.task.quote if answer.task else answer.primary]
        if quotes[0] is not None and quotes[0].kind != DocumentKind.OFFICIAL:
            answer.status_notes.append(KIND_NOTES[DocumentKind(quotes[0].kind)])
        quotes += [item.quote if isinstance(item, TaskAnswer) else item for item in answer.by_province]
        quotes += [t.quote for t in answer.comparison] + [t.quote for g in answer.groups for t in g.tasks]
        for doc_id in dict.fromkeys(q.doc_id for q in quotes if q is not None):
            status = self.searcher.statuses.get(doc_id)
            if status is None or not status.notes:
                continue
            name = source_phrase(DocumentFacts.model_validate(self.searcher.documents[doc_id]["facts"]))
            if status.in_force:
                answer.status_notes.append(f"Lưu ý: {name} {status.notes[0]}.")
            else:
                answer.status_notes.append(f"{name} đã {status.label}; hãy đối chiếu văn bản mới.")

    def _group(self, answer: Answer, records: list[TaskRecord]) -> None:
        by_doc: dict[str, list[TaskRecord]] = defaultdict(list)
        for record in records[: self.settings.max_list]:
            by_doc[record.doc_id].append(record)
        for doc_id, items in by_doc.items():
            chunk = self.searcher.by_id[items[0].chunk_id]
            title = " ".join(x for x in (chunk.facts.loai, chunk.facts.so_hieu, chunk.facts.trich_yeu) if x)
            answer.groups.append(
                DocumentTasks(
                    doc_id=doc_id,
                    title=title,
                    province=chunk.facts.tinh,
                    tasks=[self._task_answer(r, self.searcher.by_id[r.chunk_id]) for r in items],
                )
            )

    def _document(self, answer: Answer, question: str, analysis: QueryAnalysis) -> bool:
        number = article_number(question)
        if not number or not analysis.doc_numbers:
            return False
        folded = fold_accents(question).lower()
        part = "qd" if "quyet dinh" in folded and not re.search(r"quy che|quy dinh|ke hoach", folded) else "kt"
        pattern = re.compile(rf":(?:{part}|vb)/dieu-{number}(?:/|$)")
        chunk = self.searcher.chunks.first_row_matching(list(analysis.doc_numbers), pattern)
        if chunk is None:
            return False
        answer.primary = whole_unit(chunk)
        answer.confidence = 1.0
        return True

    # ------------------------------------------------------------------ entry
    def answer(self, raw_question: str, mode: str = "hybrid") -> Answer:
        """The answer to one question, or a clear message why there is none."""
        question = clean_question(raw_question)
        if not question or not re.search(r"\w", question):
            return Answer(question=question, intent=Intent.GENERAL, status=Status.INVALID,
                          message="Vui lòng nhập câu hỏi bằng chữ, ví dụ: «Ai chủ trì kế hoạch tuyên truyền CCHC?»",
                          suggestions=_SUGGESTIONS)  # fmt: skip
        if len(question) > MAX_QUESTION_CHARS:
            return Answer(question=question[:200], intent=Intent.GENERAL, status=Status.INVALID,
                          message=f"Câu hỏi quá dài ({len(question)} ký tự). Vui lòng rút gọn dưới "
                                  f"{MAX_QUESTION_CHARS} ký tự và hỏi từng ý một.")  # fmt: skip
        intent = detect_intent(question)
        answer = Answer(question=question, intent=intent, status=Status.ANSWERED)
        analysis = analyse_query(question, self.searcher.restorer)
        if intent == Intent.AGENCY_TASKS and self._agency_tasks(answer, question, analysis):
            answer.confidence = 1.0
            self._status_notes(answer)
            return answer
        if intent == Intent.PERIOD and self._period(answer, question, analysis):
            answer.confidence = 1.0
            self._status_notes(answer)
            return answer
        if intent == Intent.DOCUMENT and self._document(answer, question, analysis):
            self._status_notes(answer)
            return answer
        if intent == Intent.COMPARE:
            if self._compare(answer, question, mode):
                self._status_notes(answer)
                return answer
            return self._decline(answer)
        answer.groups, answer.message = [], None
        result = self.searcher.search(question, mode=mode, k=10, analysis=analysis)
        if not result.hits:
            return self._decline(answer)
        if intent in (Intent.LEAD, Intent.PARTNERS):
            self._break_dead_heat(result, question)
        self._official_first(result)
        if missing := self._missing_provinces(question, result):
            return self._decline(answer, f"Kho văn bản chưa có văn bản nào của {', '.join(missing)}. ")
        answer.confidence = self._confident_first(result)
        if answer.confidence < self.settings.decline_below or not self._close_enough(answer.confidence, result, mode):
            return self._decline(answer, related=self._related(result))
        if intent in (Intent.LEAD, Intent.PARTNERS):
            self._lead_like(answer, result)
        else:
            top = result.hits[0].chunk
            record = self._best_record(top, result.analysis) if top.kind in ("task", "subtask") else None
            if record is not None:
                answer.task = self._task_answer(record, top)
            else:
                answer.primary = self._quote(top, result.analysis)
            used = {top.id}
            self._ambiguity(answer, result, used)
            answer.more_sources = self._more(result.hits, used, result.analysis)
        main = answer.task.quote if answer.task else answer.primary
        answer.deadline = (answer.task.deadline if answer.task else None) or self._deadline_near(
            main.text if main else "", result.analysis
        )
        self._news_second(answer)
        self._status_notes(answer)
        return answer

    def _missing_provinces(self, question: str, result: SearchResult) -> list[str]:
        """Provinces whose own document the question asks about but which no loaded document is from.

        'Kế hoạch CCHC năm 2026 của tỉnh Tuyên Quang …' must not be answered from a central decree
        just because central texts pass the province filter.
        """
        named = result.analysis.provinces
        if not named or not _ASKS_DOCUMENT.search(fold_accents(question).lower()):
            return []
        return [p for p in named if p not in self.searcher.provinces]

    def _confident_first(self, result: SearchResult) -> float:
        """The first hit's confidence, after a near-tied hit that covers the question replaces a weak first.

        Fused scores of the first hits are often within a few percent; declining because the
        first of them misses the question's terms while the second covers them would be wrong.
        """
        confidence = self._confidence(result.analysis, result.hits[0])
        if confidence >= self.settings.decline_below:
            return confidence
        promoted = _promote(
            result.hits, NEAR_TIE, lambda hit: self._confidence(result.analysis, hit), self.settings.decline_below
        )
        return confidence if promoted is None else promoted

    def _close_enough(self, confidence: float, result: SearchResult, mode: str) -> bool:
        """A passage that covers the question's words only in part must also mean what it asks.

        Out-of-scope questions reach a partial coverage through common words ('thủ tục', 'giấy tờ',
        'cấp xã'); the passage then lies outside the dense retriever's nearest or far from the
        question in the embedding space. Without dense search (bm25 mode) coverage alone decides.
        """
        if confidence >= self.settings.partial_coverage or mode == "bm25":
            return True
        return _close_in_meaning(result.hits[0], self.settings.semantic_floor)

    def _break_dead_heat(self, result: SearchResult, question: str) -> None:
        """Hits of a who-question whose scores differ by under 1% are ordered by how much of the task they cover.

        Such a margin says nothing. The task is the question without its "cơ quan nào chịu trách
        nhiệm" phrase, weighed by word (underthesea's 'thể_chế'; folded syllables would read 'thể' as
        the function word 'thế'): the article that holds 'cải cách thể chế' answers, not the general
        article on lead agencies that shares only the asking words.
        """
        hits = result.hits
        tied = [h for h in hits[:5] if h.score >= self.settings.dead_heat * hits[0].score] if hits else []
        if len(tied) < 2:
            return
        terms = list(dict.fromkeys(analyse_query(without_who(question), self.searcher.restorer).words))
        if not terms:
            return
        weights = self.searcher.lexical.idf("words", terms)
        total = float(weights.sum()) or 1.0

        def covered(hit: Hit) -> float:
            present = set(word_tokens(f"{hit.chunk.path_display}\n{hit.chunk.text}"))
            return float(sum(w for t, w in zip(terms, weights, strict=True) if t in present)) / total

        hits[: len(tied)] = sorted(tied, key=lambda h: -covered(h))

    def _official_first(self, result: SearchResult) -> None:
        """An official text that answers as well as a news item or Q&A article above it is cited first.

        'As well' is the share of the question's terms it covers; a news item that is the only
        source of what is asked (a 2007 plan known only from its retelling) stays first.
        """
        hits = result.hits
        if not hits or hits[0].chunk.facts.is_official or result.analysis.news:
            return
        floor = max(self.settings.decline_below, self._confidence(result.analysis, hits[0]) - OFFICIAL_SLACK)
        _promote(
            hits,
            OFFICIAL_RATIO,
            lambda hit: self._confidence(result.analysis, hit) if hit.chunk.facts.is_official else -1.0,
            floor,
        )

    def _deadline_near(self, text: str, analysis: QueryAnalysis) -> str | None:
        """The deadline of the part of a quote the question is about.

        'Thanh tra Chính phủ ban hành trước ngày 25/11; …; (3) … gửi Bộ Công an trước ngày 10/12':
        the first date is not the one asked for.
        """
        parts = [p for p in _DEADLINE_PARTS.split(text) if p.strip()]
        stated = [(p, phrase) for p in parts if (phrase := deadline_phrase(p))]
        if not stated:
            return None
        score = self._scorer(analysis)
        return max(stated, key=lambda item: score(item[0]))[1]

    def _news_second(self, answer: Answer) -> None:
        """A news item retelling the cited decision is mentioned only as a secondary source."""
        main = answer.task.quote if answer.task else answer.primary
        if main is None or main.is_news:
            return
        for quote in list(answer.more_sources):
            if quote.is_news:
                answer.secondary_news = quote
                answer.more_sources.remove(quote)
                return

    def _related(self, result: SearchResult) -> list[Quote]:
        """Passages near a declined question in meaning, for the reader to check.

        People ask in their own words ('cây xăng có được đóng cửa trước 6h chiều không'); the
        clause may hold the answer while sharing too few of those words to be quoted as one.
        Saying only "not covered" would then be wrong; the nearest clauses are shown as leads.
        """
        return [
            self._quote(hit.chunk, result.analysis)
            for hit in result.hits[: self.settings.related_count]
            if _close_in_meaning(hit, self.settings.related_floor)
        ]

    def _decline(self, answer: Answer, reason: str = "", related: list[Quote] | None = None) -> Answer:
        answer.status = Status.DECLINED
        answer.related = related or []
        if answer.related:
            answer.message = reason + (
                "Chưa tìm thấy điều khoản trả lời chắc chắn câu hỏi này. Các điều khoản gần nhất dưới đây có thể "
                "liên quan: hãy đọc để kiểm tra trước khi trích dẫn."
            )
        else:
            answer.message = reason + (
                "Các văn bản đã nạp không đề cập nội dung này. Bạn có thể hỏi về nhiệm vụ, cơ quan chủ trì, "
                "thời hạn hoặc điều khoản trong các quyết định, kế hoạch, quy chế cải cách hành chính; "
                "dùng lệnh /vanban (hoặc `tracuu corpus`) để xem danh sách văn bản."
            )
        answer.suggestions = [] if answer.related else _SUGGESTIONS
        answer.primary = None
        answer.task = None
        answer.more_sources = []
        answer.by_province = []
        return answer
