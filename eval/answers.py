"""Answer evaluation: lead accuracy, partners F1, deadlines, citation at rank 1, abstention, lists."""

from __future__ import annotations

from collections import defaultdict

from bot.answerer import Answerer
from bot.models import Answer, Quote, Status
from eval.judge import GoldQuestion, agency_set, judge_normalize, named_agency_set, quotes_found, strip_diacritics


def _main_quote(answer: Answer) -> Quote | None:
    return answer.task.quote if answer.task else answer.primary


def _all_quotes(answer: Answer) -> list[Quote]:
    quotes = [q for q in (_main_quote(answer),) if q]
    quotes += [t.quote for g in answer.groups for t in g.tasks]
    quotes += [i.quote if hasattr(i, "quote") else i for i in answer.by_province]  # type: ignore[union-attr]
    return quotes


def _shown(quote: Quote) -> str:
    """The quote as the user sees it: the article heading above the quoted unit."""
    return f"{quote.heading}\n{quote.text}" if quote.heading else quote.text


def _f1(predicted: set[str], gold: set[str]) -> float:
    if not predicted and not gold:
        return 1.0
    hits = len(predicted & gold)
    if not hits:
        return 0.0
    precision, recall = hits / len(predicted), hits / len(gold)
    return 2 * precision * recall / (precision + recall)


def judge_answer(gold: GoldQuestion, answer: Answer) -> dict:
    """Every answer figure this question contributes to (absent keys: not applicable)."""
    out: dict = {"declined": answer.status != Status.ANSWERED, "oos": gold.type == "out_of_scope"}
    out["related_shown"] = bool(answer.related)
    if gold.type == "out_of_scope" or answer.status != Status.ANSWERED:
        if gold.lead and gold.type != "list":
            out["lead"] = 0.0
        if answer.status == Status.DECLINED and gold.type != "out_of_scope":
            out["related_found"] = any(quotes_found(q.doc_id, _shown(q), gold) for q in answer.related)
        return out
    main = _main_quote(answer)
    if gold.lead and gold.type != "list":
        predicted = named_agency_set(answer.task.lead) if answer.task else set()
        out["lead"] = float(predicted == named_agency_set(gold.lead))
    if gold.partners:
        predicted = {p for p in (answer.task.partners if answer.task else []) if "liên quan" not in p.lower()}
        out["partners_f1"] = _f1(agency_set(list(predicted)), agency_set(gold.partners))
    if gold.deadline:
        predicted = answer.deadline or ""
        out["deadline"] = float(bool(predicted) and judge_normalize(gold.deadline) in judge_normalize(predicted))
    if gold.type == "list":
        found = {q for quote in _all_quotes(answer) for q in quotes_found(quote.doc_id, _shown(quote), gold)}
        out["list_recall"] = len(found) / len(gold.quotes or [1])
    elif main is not None:
        out["citation@1"] = float(bool(quotes_found(main.doc_id, _shown(main), gold)))
    else:
        out["citation@1"] = 0.0
    return out


def _summary(rows: list[dict]) -> dict:
    def mean(key: str) -> float | None:
        values = [r[key] for r in rows if key in r]
        return round(sum(values) / len(values), 4) if values else None

    declined = [r for r in rows if r["declined"]]
    oos = [r for r in rows if r["oos"]]
    true_declines = [r for r in declined if r["oos"]]
    return {
        "lead_accuracy": mean("lead"),
        "partners_f1": mean("partners_f1"),
        "deadline_accuracy": mean("deadline"),
        "citation@1": mean("citation@1"),
        "abstain_precision": round(len(true_declines) / len(declined), 4) if declined else None,
        "abstain_recall": round(len(true_declines) / len(oos), 4) if oos else None,
        "in_scope_declined": sum(1 for r in declined if not r["oos"]),
        "declined_with_answer_related": sum(1 for r in declined if r.get("related_found")),
        "oos_with_related": sum(1 for r in true_declines if r.get("related_shown")),
        "list_recall": mean("list_recall"),
    }


def evaluate_answers(answerer: Answerer, questions: list[GoldQuestion], mode: str, strip: bool = False) -> dict:
    """Answer figures overall and per question type, with each question's outcome."""
    rows, by_type, details = [], defaultdict(list), []
    for gold in questions:
        question = strip_diacritics(gold.question) if strip else gold.question
        answer = answerer.answer(question, mode=mode)
        row = judge_answer(gold, answer)
        rows.append(row)
        by_type[gold.type].append(row)
        main = _main_quote(answer)
        details.append(
            {
                "id": gold.id,
                "type": gold.type,
                "mode": mode,
                "status": answer.status.value,
                "confidence": answer.confidence,
                "intent": answer.intent.value,
                "citation": main.citation if main else None,
                "answer_lead": answer.task.lead if answer.task else None,
                **{k: v for k, v in row.items() if k not in ("declined", "oos")},
            }
        )
    summary = _summary(rows)
    summary["by_type"] = {t: _summary(r) for t, r in sorted(by_type.items())}
    return {"summary": summary, "details": details}


def operating_point(answerer: Answerer, details: list[dict], mode: str = "hybrid") -> str:
    """The abstention threshold and where the questions fall around it (in the product's mode)."""
    threshold = answerer.settings.decline_below
    rows = [d for d in details if d["mode"] == mode and d["intent"] not in ("agency_tasks", "period", "document")]
    in_scope = [d["confidence"] for d in rows if d["type"] != "out_of_scope"]
    out_of_scope = [d["confidence"] for d in rows if d["type"] == "out_of_scope"]
    return (
        f"Abstention operating point ({mode}): an answer whose confidence (idf-weighted share of the question's "
        f"terms found in the cited passage and its document title) is below {threshold:.2f} is declined. "
        f"In-scope questions: lowest confidence {min(in_scope, default=None)}; out-of-scope questions: highest "
        f"confidence {max(out_of_scope, default=None)}."
    )
