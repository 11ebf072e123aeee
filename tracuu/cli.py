"""The ``tracuu`` command: wires settings, the corpus and the output together."""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.answerer import Answerer
from bot.render import render_text
from corpus.agencies import agency_key
from corpus.loader import Corpus, load_corpus
from eval.answers import evaluate_answers, operating_point
from eval.judge import DEFAULT_QUESTIONS, load_questions
from eval.report import summary_text, write_report
from eval.retrieval import evaluate_retrieval
from index.builder import EmbedRunner, build_index, index_summary, stale_reason
from index.embedder import Embedder
from index.errors import ConfigError, IndexError_
from index.heal import corpus_present, open_index
from index.light_imports import register_light_underthesea
from index.models import Filters
from index.searcher import EVAL_MODES, MODES, Searcher
from tracuu.report import chunks_text, coverage_text, documents_table, hits_text, tasks_table, tree_text
from tracuu.settings import Settings

log = logging.getLogger("tracuu")
LOCAL_RAY = "local"


def _load(settings: Settings) -> Corpus:
    return load_corpus(settings.corpus_dir, settings.max_chunk_tokens)


def cmd_corpus(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu corpus`, `tracuu corpus --report [--json]` and `tracuu corpus show ID`."""
    corpus = _load(settings)
    if args.report:
        from corpus.coverage import coverage_report

        report = coverage_report(corpus)
        print(report.model_dump_json(indent=1) if args.json else coverage_text(report))
        return 0
    if args.action != "show":
        print(documents_table(corpus))
        return 0
    loaded = corpus.get(args.doc_id)
    if loaded is None:
        ids = ", ".join(d.document.id for d in corpus.documents)
        print(f"Không có văn bản mã '{args.doc_id}'. Các mã hiện có: {ids}", file=sys.stderr)
        return 2
    if args.json:
        for chunk in loaded.chunks:
            print(chunk.model_dump_json())
    else:
        print(tree_text(loaded))
        print()
        print(chunks_text(loaded))
    return 0


def cmd_tasks(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu tasks [--agency NAME] [--json | --xlsx FILE]`."""
    corpus = _load(settings)
    tasks = corpus.tasks
    if args.agency:
        wanted = agency_key(args.agency)
        tasks = [t for t in tasks if any(wanted in agency_key(a.name) for a in t.lead)]
    if args.xlsx:
        from bot.export import rows_from_records, write_workbook

        facts = {d.document.id: d.document.facts for d in corpus.documents}
        write_workbook(rows_from_records(tasks, facts), Path(args.xlsx))
        print(f"Đã ghi {len(tasks)} nhiệm vụ vào {args.xlsx}")
    elif args.json:
        for task in tasks:
            print(task.model_dump_json())
    else:
        print(tasks_table(tasks))
        print(f"\n{len(tasks)} nhiệm vụ")
    return 0


SAMPLE_QUESTION = "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh Quảng Ngãi?"


def open_answerer(settings: Settings) -> Answerer:
    """The answering service over a fresh index."""
    return Answerer(open_searcher(settings))


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """The main job: the bot when a Telegram token is set, otherwise answers in the terminal."""
    if os.environ.get("TELEGRAM_BOT_TOKEN"):
        return cmd_bot(args, settings)
    corpus = _load(settings)
    print(documents_table(corpus))
    print(f"\n{len(corpus.documents)} văn bản, {len(corpus.chunks)} đoạn, {len(corpus.tasks)} nhiệm vụ\n")
    answerer = open_answerer(settings)
    print(f"Hỏi: {SAMPLE_QUESTION}")
    print(render_text(answerer.answer(SAMPLE_QUESTION)))
    if sys.stdin.isatty():
        return _chat(answerer)
    print('\n(Chưa đặt TELEGRAM_BOT_TOKEN: trả lời trong terminal. Hỏi tiếp: tracuu chat hoặc tracuu ask "…")')
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu ask "…" [--json]`: one answer.

    The query model loads in a thread while the index opens: one question needs both, and
    reading the tokenizer and the ONNX graph overlaps with reading the index (about 0.5 s).
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        model = pool.submit(settings.embedder)
        answer = Answerer(open_searcher(settings, embedder_factory=model.result)).answer(args.question)
    print(answer.model_dump_json(indent=1) if args.json else render_text(answer))
    return 0


def _chat(answerer: Answerer) -> int:
    print("Nhập câu hỏi (Enter trống hoặc Ctrl-D để thoát).")
    while True:
        try:
            question = input("\nHỏi: ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            return 0
        print(render_text(answerer.answer(question)))


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu chat`: interactive questions in the terminal."""
    return _chat(open_answerer(settings))


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu index [--ray [ADDRESS]]`: build or refresh the index, with a progress bar and a summary."""
    if args.ray is None:
        report = build_index(settings.index_config(), settings.embedder, force=args.force, progress=sys.stderr.isatty())
    else:
        from index.ray_embed import RayEmbedRunner

        address = None if args.ray == LOCAL_RAY else args.ray
        workers = args.ray_workers or settings.ray_workers
        with RayEmbedRunner(settings.embedder_spec(), address, workers=workers, temp_dir=settings.ray_temp_dir) as run:
            print(run.describe(), file=sys.stderr)
            report = build_index(
                settings.index_config(), settings.embedder, force=args.force, progress=sys.stderr.isatty(), runner=run
            )
    print(index_summary(report))
    for problem in report.problems:
        print(f"  - không nạp được {problem}")
    return 0


def open_searcher(
    settings: Settings, runner: EmbedRunner | None = None, embedder_factory: Callable[[], Embedder] | None = None
) -> Searcher:
    """The searcher over a fresh index: a stale, mismatched, damaged or missing index is rebuilt first."""
    return open_index(
        settings.index_config(),
        embedder_factory or settings.embedder,
        settings.model_id,
        lambda m: print(m, file=sys.stderr),
        runner,
    )


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu search "…"`: ranked chunks with citations and per-retriever scores."""
    searcher = open_searcher(settings)
    filters = Filters(provinces=args.province or [], doc_ids=args.doc or [])
    result = searcher.search(args.query, mode=args.mode, k=args.k, filters=filters)
    if args.json:
        for hit in result.hits:
            print(hit.model_dump_json())
    else:
        print(hits_text(result.hits))
    return 0


def eval_data_dir(settings: Settings, corpus_dir: Path) -> Path:
    """A separate data dir per evaluated corpus, so `eval --corpus` never touches the main index."""
    digest = hashlib.sha256(str(corpus_dir.resolve()).encode()).hexdigest()[:8]
    return settings.data_dir / "eval" / f"{corpus_dir.resolve().name}-{digest}"


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu eval`: retrieval figures per mode and question type, JSON and Markdown outputs."""
    if args.eval_corpus:
        corpus_dir = Path(args.eval_corpus)
        overrides = {"corpus_dir": corpus_dir, "data_dir": eval_data_dir(settings, corpus_dir)}
        settings = settings.model_copy(update=overrides)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    bad = [m for m in modes if m not in MODES]
    if bad:
        print(f"Chế độ không hợp lệ: {', '.join(bad)} (chọn trong {', '.join(MODES)})", file=sys.stderr)
        return 2
    questions = load_questions(Path(args.questions))
    searcher = open_searcher(settings)
    if "learned" in modes and searcher.ranker is None:
        print("Chưa có mô hình xếp hạng (index/data/ranker.txt): bỏ chế độ learned.", file=sys.stderr)
        modes = [m for m in modes if m != "learned"]
    result = evaluate_retrieval(searcher, questions, modes, strip=args.strip_diacritics)
    if not args.no_answers:
        answerer = Answerer(searcher)
        result["answers"] = []
        for mode in modes:
            judged = evaluate_answers(answerer, questions, mode, strip=args.strip_diacritics)
            summary = judged["summary"]
            result["modes"][mode].update({k: v for k, v in summary.items() if k != "by_type"})
            result["modes"][mode]["answers_by_type"] = summary["by_type"]
            result["answers"].extend(judged["details"])
        result["notes"] = [operating_point(answerer, result["answers"])]
    title = f"tracuu eval: {Path(args.questions).name} on {settings.corpus_dir.name}"
    if args.strip_diacritics:
        title += " (questions without diacritics)"
    result["meta"] = {"questions": str(args.questions), "corpus": str(settings.corpus_dir),
                      "strip_diacritics": args.strip_diacritics, "model": settings.model_id,
                      "ranker": searcher.ranker.name if searcher.ranker else None}  # fmt: skip
    print(summary_text(result, title))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.report:
        chart = write_report(result, Path(args.report), title)
        print(f"Báo cáo: {args.report} (biểu đồ {chart})")
    return 0


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu bot`: the Telegram bot, polling by default or behind a webhook."""
    from telegram import Update

    from bot.telegram_bot import RedactToken, TracuuBot, build_application

    config = settings.bot_config()
    redact = RedactToken(config.token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from bot.rebuilding import RebuildingAnswerer, rebuild_in_background

    started = time.perf_counter()
    index_config = settings.index_config()
    reason = stale_reason(index_config)
    answerer: Answerer | RebuildingAnswerer | None = None
    if reason is None:
        try:
            answerer = Answerer(Searcher(index_config.current, settings.embedder, settings.model_id))
            answerer.answer("khởi động")  # loads the query model before the first user waits for it
        except IndexError_ as exc:
            reason = str(exc)
    if reason is not None:
        if not corpus_present(index_config):
            raise IndexError_(f"{reason}; and {index_config.corpus_dir} holds no document to rebuild from")
        log.warning("index not usable (%s): rebuilding in the background", reason)
        answerer = RebuildingAnswerer()
    assert answerer is not None
    tracuu = TracuuBot(config, answerer, reload=lambda: open_answerer(settings))  # type: ignore[arg-type]
    if isinstance(answerer, RebuildingAnswerer):

        def rebuild() -> Answerer:
            fresh = open_answerer(settings)
            fresh.answer("khởi động")
            return fresh

        rebuild_in_background(tracuu, rebuild)
        log.info("answering with a rebuilding notice, ready in %.1fs", time.perf_counter() - started)
    else:
        chunks = len(answerer.searcher.chunks)
        log.info("index loaded: %d chunks, ready in %.1fs", chunks, time.perf_counter() - started)
    app = build_application(config, tracuu)
    if getattr(args, "webhook_url", None):
        app.run_webhook(
            listen=args.listen,
            port=args.port,
            url_path=args.url_path,
            webhook_url=args.webhook_url,
            secret_token=args.secret_token,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=config.poll_timeout)
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu feedback [--csv]`: export 👍/👎 votes with their questions and citations."""
    from bot.feedback import FeedbackStore

    rows = FeedbackStore(settings.data_dir / "feedback.sqlite").rows()
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["at", "user", "chat_type", "vote", "question", "citations"])
        for r in rows:
            writer.writerow([r.at, r.user, r.chat_type, r.vote, r.question, " | ".join(r.citations)])
    else:
        for r in rows:
            print(r.model_dump_json())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(prog="tracuu", description="Tra cứu văn bản cải cách hành chính")
    parser.add_argument("--corpus", dest="corpus_dir", help="thư mục văn bản (mặc định: kho đi kèm)")
    parser.add_argument("--data-dir", dest="data_dir", help="thư mục chỉ mục (mặc định: ./data)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("corpus", help="danh sách văn bản đã nạp")
    p.add_argument("action", nargs="?", choices=["show"], help="show: cây cấu trúc và các đoạn")
    p.add_argument("doc_id", nargs="?", help="mã văn bản")
    p.add_argument("--json", action="store_true", help="in các đoạn (hoặc báo cáo) dạng JSON")
    p.add_argument("--report", action="store_true", help="báo cáo độ bao phủ: dòng giữ lại, thông tin, trách nhiệm")
    p.set_defaults(func=cmd_corpus)
    p = sub.add_parser("tasks", help="bảng nhiệm vụ: chủ trì, phối hợp, thời hạn")
    p.add_argument("--agency", help="lọc theo cơ quan chủ trì")
    p.add_argument("--json", action="store_true")
    p.add_argument("--xlsx", metavar="FILE", help="ghi bảng nhiệm vụ ra tệp Excel (.xlsx)")
    p.set_defaults(func=cmd_tasks)
    p = sub.add_parser("start", help="chạy việc chính trên kho văn bản")
    p.set_defaults(func=cmd_start)
    p = sub.add_parser("ask", help="hỏi một câu")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="in mô hình Answer dạng JSON")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("bot", help="chạy Telegram bot (cần TELEGRAM_BOT_TOKEN)")
    p.add_argument("--webhook-url", help="URL công khai cho webhook (mặc định: polling)")
    p.add_argument("--listen", default="0.0.0.0", help="địa chỉ lắng nghe của webhook")
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--url-path", default="telegram")
    p.add_argument("--secret-token", help="secret token Telegram gửi kèm mỗi webhook")
    p.set_defaults(func=cmd_bot)
    p = sub.add_parser("feedback", help="xuất phản hồi 👍/👎")
    p.add_argument("--csv", action="store_true")
    p.set_defaults(func=cmd_feedback)
    p = sub.add_parser("chat", help="hỏi đáp liên tục trong terminal")
    p.set_defaults(func=cmd_chat)
    p = sub.add_parser("index", help="dựng hoặc cập nhật chỉ mục tìm kiếm")
    p.add_argument("--force", action="store_true", help="dựng lại toàn bộ")
    p.add_argument(
        "--ray",
        nargs="?",
        const=LOCAL_RAY,
        metavar="ĐỊA_CHỈ",
        help="nhúng các đoạn mới trên Ray (không có địa chỉ: một cụm Ray cục bộ trên máy này)",
    )
    p.add_argument("--ray-workers", type=int, help="số tiến trình nhúng trên Ray (mặc định: mỗi CPU một tiến trình)")
    p.set_defaults(func=cmd_index)
    p = sub.add_parser("search", help="tìm các đoạn liên quan, kèm trích dẫn và điểm từng bộ tìm")
    p.add_argument("query")
    p.add_argument("--mode", choices=MODES, default="hybrid")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--province", action="append", help="lọc theo tỉnh (lặp lại được)")
    p.add_argument("--doc", action="append", help="lọc theo mã văn bản")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("eval", help="đo chất lượng tìm kiếm trên bộ câu hỏi mẫu")
    p.add_argument("--questions", default=str(DEFAULT_QUESTIONS), help="tệp câu hỏi .jsonl")
    p.add_argument("--corpus", dest="eval_corpus", help="đánh giá trên một thư mục văn bản khác")
    p.add_argument("--modes", default=",".join(EVAL_MODES), help=f"trong {', '.join(MODES)}")
    p.add_argument("--strip-diacritics", action="store_true", help="bỏ dấu mọi câu hỏi")
    p.add_argument("--json", help="ghi kết quả JSON vào tệp")
    p.add_argument("--report", help="ghi báo cáo Markdown (kèm biểu đồ PNG) vào tệp")
    p.add_argument("--no-answers", action="store_true", help="chỉ đo tìm kiếm, không đo câu trả lời")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, build Settings once, run the command."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    register_light_underthesea()  # word segmentation without underthesea's torch-loading translator
    args = build_parser().parse_args(argv)
    overrides: dict[str, object] = {"corpus_dir": args.corpus_dir} if args.corpus_dir else {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    settings = Settings(**overrides)
    if args.command == "corpus" and args.action == "show" and not args.doc_id:
        print("Cần mã văn bản: tracuu corpus show <mã>", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, settings))
    except (IndexError_, ConfigError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
