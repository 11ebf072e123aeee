"""Property tests over the question path and the Telegram rendering."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answerer import Answerer
from bot.models import Answer, DocumentTasks, Intent, Quote, Status, TaskAnswer
from bot.render import TELEGRAM_LIMIT, render_telegram, render_text
from tests.bot.telegram_html import telegram_html_problems

SPECIAL = st.sampled_from(
    [*list("<>&\"'*_[]()~`#+-=|{}.!\\/ \n\t"), "&amp;", "<b>", "</i>", "<a href='x'>", "ạ", "Đ", "ủ", "🙂"]
)
QUESTIONS = st.one_of(
    st.text(max_size=200),
    st.lists(SPECIAL, max_size=80).map("".join),
    st.builds(
        lambda a, b: a + " " + b,
        st.sampled_from(
            ["Ai chủ trì", "co quan nao chu tri", "Điều 5 Quy chế 925", "Sở Nội vụ chủ trì những việc gì?"]
        ),
        st.text(max_size=60),
    ),
    st.integers(min_value=900, max_value=12_000).map(lambda n: "Ai chủ trì <b>kế hoạch</b> & " * (n // 28)),
)


def _check_messages(messages: list[str]) -> None:
    assert messages
    for message in messages:
        assert len(message) <= TELEGRAM_LIMIT
        assert telegram_html_problems(message) == []


@pytest.mark.slow
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(question=QUESTIONS)
def test_question_path_never_raises_and_renders_valid_html(seed_searcher, question):
    answer = Answerer(seed_searcher).answer(question)
    assert isinstance(render_text(answer), str)
    _check_messages(render_telegram(answer))


def _quote(text: str, citation: str = "Điều 1 Quy chế <số> & kèm theo") -> Quote:
    return Quote(text=text, citation=citation, heading="Điều 1. <Tiêu đề> & mục", doc_id="d", chunk_id="d:1")


@settings(max_examples=150, deadline=None)
@given(
    quote=st.text(min_size=1, max_size=12_000),
    lines=st.integers(min_value=1, max_value=400),
    leads=st.lists(st.text(max_size=80), max_size=5),
)
def test_every_rendering_is_valid_and_small_enough(quote, lines, leads):
    text = "\n".join([quote] * 1 if lines == 1 else [quote[: len(quote) // lines + 1]] * lines)
    task = TaskAnswer(
        task=quote[:200], lead=leads, partners=leads, deadline=quote[:50], product=quote[:300], quote=_quote(text)
    )
    answer = Answer(
        question=quote[:100],
        intent=Intent.LEAD,
        status=Status.ANSWERED,
        confidence=0.7,
        task=task,
        by_province=[_quote(text[:3000])],
        groups=[DocumentTasks(doc_id="d", title=quote[:300], tasks=[task] * 3)],
        more_sources=[_quote(text[:500]), _quote(text[:500])],
    )
    messages = render_telegram(answer)
    _check_messages(messages)
    citations = [m for m in messages if "<blockquote>" in m]
    assert all("<i>Điều 1 Quy chế &lt;số&gt; &amp; kèm theo</i>" in m for m in citations)


def test_a_long_quote_keeps_its_citation_in_every_part():
    text = "\n".join(f"{i}. Khoản dài & có <ký tự> đặc biệt " + "x" * 300 for i in range(1, 60))
    answer = Answer(question="q", intent=Intent.GENERAL, status=Status.ANSWERED, primary=_quote(text))
    messages = render_telegram(answer)
    assert len(messages) > 3
    for message in messages:
        if "<blockquote>" in message:
            assert message.count("<blockquote>") == message.count("<i>Điều 1 Quy chế &lt;số&gt; &amp; kèm theo</i>")
    _check_messages(messages)
