"""Facts read from printed headers, checked against what a document states elsewhere.

    python -m eval.bench_facts [--docs ../shared/realdocs/documents] [--show]

Legal-document websites print the số hiệu and the issuing date in a metadata table beside the
document; the loader treats that table as furniture and reads its facts from the document's own
header. Where the table exists it is an independent check of the header reading. The check also
counts central documents given a province (there must be none), and parse speed.
"""

from __future__ import annotations

import argparse
import re
import resource
import time
from pathlib import Path

from corpus.facts import read_so_hieu
from corpus.furniture import site_chrome
from corpus.layout import strip_emphasis
from corpus.loader import header_facts, load_corpus

DEFAULT_DOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "documents"
_CENTRAL = re.compile(r"/(?:\d{4}/)?(?:NĐ-CP|QĐ-TTg|NQ-CP|TT-|TB-VPCP|NQ-UBTVQH|VBHN-B|QĐ-B|CT-TTg|NQ-QH|QH)")


def site_number(text: str) -> str | None:
    """The 'Số hiệu:' value of a legal website's metadata table, if the page has one."""
    chrome = site_chrome(text)
    lines = [strip_emphasis(line).strip(" |") for i, line in enumerate(text.split("\n")) if i in chrome]
    lines = [ln for ln in lines if ln]
    for i, line in enumerate(lines):
        if line.startswith("Số hiệu") and i + 1 < len(lines):
            return read_so_hieu(line.split(":", 1)[1] or lines[i + 1]) or read_so_hieu(lines[i + 1])
    return None


def main() -> None:
    """Print the agreement of header facts with the website metadata, provinces of central documents, speed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--show", action="store_true", help="print every disagreement")
    args = parser.parse_args()
    files = sorted(args.docs.glob("*.md"))
    checked = agree = missing = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        expected = site_number(text)
        if not expected or not re.match(r"\d", expected):
            continue
        checked += 1
        got = header_facts(text).get("so_hieu")
        if got is None:
            missing += 1
        agree += got == expected
        if args.show and got != expected:
            print(f"  {path.stem}: header {got!r}, website {expected!r}")
    print(f"số hiệu: {agree}/{checked} documents agree with the website's metadata ({agree / checked:.1%}); "
          f"{missing} with no number read from the header")  # fmt: skip
    started = time.perf_counter()
    corpus = load_corpus(args.docs)
    seconds = time.perf_counter() - started
    facts = [d.document.facts for d in corpus.documents]
    central = [f for f in facts if f.cap_ban_hanh == "trung ương"]
    by_number = [f for f in facts if f.so_hieu and _CENTRAL.search(f.so_hieu)]
    wrong = [f.id for f in central + by_number if f.tinh]
    print(f"central documents: {len(central)} by issuer, {len(by_number)} by number; with a province: {len(wrong)}")
    if args.show and wrong:
        print("  " + ", ".join(sorted(set(wrong))))
    with_number = sum(1 for f in facts if f.so_hieu)
    print(f"số hiệu found for {with_number}/{len(facts)} documents; province for {sum(1 for f in facts if f.tinh)}")
    chunks = corpus.chunks
    print(
        f"parse: {len(corpus.documents)} documents, {len(chunks)} chunks, {len(corpus.tasks)} responsibility records "
        f"in {seconds:.1f} s ({len(corpus.documents) / seconds:.1f} docs/s), peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
