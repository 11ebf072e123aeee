"""The ``tracuu`` command: wires settings, the corpus and the output together."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from corpus.agencies import agency_key
from corpus.loader import Corpus, load_corpus
from index.builder import build_index, index_summary
from index.errors import ConfigError, IndexError_
from index.models import Filters
from index.searcher import MODES, Searcher
from tracuu.report import chunks_text, documents_table, hits_text, tasks_table, tree_text
from tracuu.settings import Settings


def _load(settings: Settings) -> Corpus:
    return load_corpus(settings.corpus_dir, settings.max_chunk_tokens)


def cmd_corpus(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu corpus` and `tracuu corpus show ID`."""
    corpus = _load(settings)
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
    """`tracuu tasks [--agency NAME] [--json]`."""
    tasks = _load(settings).tasks
    if args.agency:
        wanted = agency_key(args.agency)
        tasks = [t for t in tasks if any(wanted in agency_key(a.name) for a in t.lead)]
    if args.json:
        for task in tasks:
            print(task.model_dump_json())
    else:
        print(tasks_table(tasks))
        print(f"\n{len(tasks)} nhiệm vụ")
    return 0


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """The main job on the configured corpus: documents and their task table."""
    corpus = _load(settings)
    print(documents_table(corpus))
    print()
    print(tasks_table(corpus.tasks))
    print(f"\n{len(corpus.documents)} văn bản, {len(corpus.chunks)} đoạn, {len(corpus.tasks)} nhiệm vụ")
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """`tracuu index`: build or refresh the index, with a progress bar and a summary."""
    report = build_index(settings.index_config(), settings.embedder, force=args.force, progress=sys.stderr.isatty())
    print(index_summary(report))
    for problem in report.problems:
        print(f"  - không nạp được {problem}")
    return 0


def open_searcher(settings: Settings) -> Searcher:
    """The searcher over a fresh index: a stale, mismatched or corrupt index is rebuilt first."""
    config = settings.index_config()
    report = build_index(config, settings.embedder)
    if report.rebuilt:
        print(index_summary(report), file=sys.stderr)
    return Searcher(config.current, settings.embedder, settings.model)


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


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(prog="tracuu", description="Tra cứu văn bản cải cách hành chính")
    parser.add_argument("--corpus", dest="corpus_dir", help="thư mục văn bản (mặc định: kho đi kèm)")
    parser.add_argument("--data-dir", dest="data_dir", help="thư mục chỉ mục (mặc định: ./data)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("corpus", help="danh sách văn bản đã nạp")
    p.add_argument("action", nargs="?", choices=["show"], help="show: cây cấu trúc và các đoạn")
    p.add_argument("doc_id", nargs="?", help="mã văn bản")
    p.add_argument("--json", action="store_true", help="in các đoạn dạng JSON, mỗi dòng một đối tượng")
    p.set_defaults(func=cmd_corpus)
    p = sub.add_parser("tasks", help="bảng nhiệm vụ: chủ trì, phối hợp, thời hạn")
    p.add_argument("--agency", help="lọc theo cơ quan chủ trì")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tasks)
    p = sub.add_parser("start", help="chạy việc chính trên kho văn bản")
    p.set_defaults(func=cmd_start)
    p = sub.add_parser("index", help="dựng hoặc cập nhật chỉ mục tìm kiếm")
    p.add_argument("--force", action="store_true", help="dựng lại toàn bộ")
    p.set_defaults(func=cmd_index)
    p = sub.add_parser("search", help="tìm các đoạn liên quan, kèm trích dẫn và điểm từng bộ tìm")
    p.add_argument("query")
    p.add_argument("--mode", choices=MODES, default="hybrid")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--province", action="append", help="lọc theo tỉnh (lặp lại được)")
    p.add_argument("--doc", action="append", help="lọc theo mã văn bản")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, build Settings once, run the command."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
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
