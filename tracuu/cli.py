"""The ``tracuu`` command: wires settings, the corpus and the output together."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from corpus.agencies import agency_key
from corpus.loader import Corpus, load_corpus
from tracuu.report import chunks_text, documents_table, tasks_table, tree_text
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


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(prog="tracuu", description="Tra cứu văn bản cải cách hành chính")
    parser.add_argument("--corpus", dest="corpus_dir", help="thư mục văn bản (mặc định: kho đi kèm)")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, build Settings once, run the command."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    overrides = {"corpus_dir": args.corpus_dir} if args.corpus_dir else {}
    settings = Settings(**overrides)
    if args.command == "corpus" and args.action == "show" and not args.doc_id:
        print("Cần mã văn bản: tracuu corpus show <mã>", file=sys.stderr)
        return 2
    return int(args.func(args, settings))


if __name__ == "__main__":
    raise SystemExit(main())
