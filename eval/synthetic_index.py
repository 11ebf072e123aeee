"""A synthetic index of N chunks made from a real one, in the product's own format.

Documents are copied (``doc~1``, ``doc~2``… with their chunks, tasks and facts), vectors are the
real chunk vectors plus noise, BM25 tokens are resampled from the real chunk's tokens. Nothing is
embedded with the model except the benchmark questions, so a million chunks fit in minutes and in
memory; the searcher, the answerer and the bot then run on it exactly as on a real index.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np

from index.analysis import folded_tokens
from index.builder import MANIFEST, file_sizes, read_manifest
from index.dense import DenseIndex
from index.features import HEADING, ROW_FEATURES
from index.lexical import LexicalIndex
from index.models import IndexManifest
from index.store import ChunkStore
from index.tables import RowFacts

BLOCK = 50_000
EXACT = "synthetic.json"


def _copy_id(doc_id: str, copy: int) -> str:
    return doc_id if copy == 0 else f"{doc_id}~{copy}"


def _renamed(data: str, doc_id: str, new_doc: str, fields: tuple[str, ...]) -> tuple[dict, str]:
    """A chunk's or task's JSON with its ids moved to the copied document."""
    record = json.loads(data)
    for field in fields:
        if isinstance(record.get(field), str) and record[field].startswith(doc_id):
            record[field] = new_doc + record[field][len(doc_id) :]
    if "facts" in record:
        record["facts"]["id"] = new_doc
    return record, json.dumps(record, ensure_ascii=False)


def _source_vectors(index_dir: Path, n: int) -> np.ndarray:
    import faiss

    index = faiss.read_index(str(index_dir / "vectors.faiss"))
    if (index_dir / "vectors.npy").exists():
        return np.load(index_dir / "vectors.npy")
    base = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    return base.reconstruct_n(0, n)


def _bm25(sources: list[list[str]], size: int, rng: np.random.Generator):  # -> bm25s.BM25
    """BM25 over resampled token ids: 90% of the source chunk's tokens for every copy after the first."""
    import bm25s

    vocab: dict[str, int] = {}
    arrays = [np.array([vocab.setdefault(t, len(vocab)) for t in toks] or [vocab.setdefault("∅", len(vocab))],
                       dtype=np.int32) for toks in sources]  # fmt: skip
    n = len(sources)
    corpus = []
    for i in range(size):
        ids = arrays[i % n]
        corpus.append(ids if i < n else ids[rng.random(len(ids)) < 0.9] if len(ids) > 1 else ids)
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index((corpus, vocab), show_progress=False)
    return retriever


def _copy_row_features(source: Path, build: Path, doc_of_row: list[str], n: int) -> None:
    """The ranker's row features of every copy: its document, a distinct article per copy, the source's length."""
    with np.load(source / ROW_FEATURES) as src:
        article_of, length = src["article_of"], src["length"]
    rows = np.arange(len(doc_of_row))
    ordinal: dict[str, int] = {}
    np.savez(
        build / ROW_FEATURES,
        doc_of=np.array([ordinal.setdefault(d, len(ordinal)) for d in doc_of_row], dtype=np.int64),
        article_of=article_of[rows % n] + (rows // n) * (int(article_of.max()) + 1),
        length=length[rows % n],
    )


def make_synthetic(
    source: Path,
    target: Path,
    size: int,
    questions: list[str],
    embed_query,
    hnsw_threshold: int = 50_000,
    ivf_threshold: int = 300_000,
    noise: float = 0.02,
) -> dict:
    """Write ``target/current`` with ``size`` chunks copied from the index at ``source``; return timings."""
    rng = np.random.default_rng(7)
    manifest = read_manifest(source)
    db = sqlite3.connect(f"file:{source / 'chunks.sqlite'}?mode=ro", uri=True)
    chunks = db.execute(
        "SELECT chunk_id, doc_id, data, text_hash, so_hieu_number, words, folded FROM chunks ORDER BY row"
    )
    rows = chunks.fetchall()
    tasks = db.execute("SELECT id, doc_id, chunk_id, data, tinh, period_kind, period_start, period_end FROM tasks "
                       "ORDER BY rowid").fetchall()  # fmt: skip
    leads = db.execute("SELECT task_id, agency_key, name, generic FROM task_leads").fetchall()
    documents = db.execute("SELECT doc_id, content_hash, data FROM documents").fetchall()
    db.close()
    n = len(rows)
    copies = -(-size // n)
    target.mkdir(parents=True, exist_ok=True)
    build = target / f"index-synthetic-{size}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir()
    timings: dict = {"source_chunks": n, "copies": copies}

    started = time.perf_counter()
    store = ChunkStore.create(build / "chunks.sqlite")
    doc_of_row: list[str] = []
    for start in range(0, size, BLOCK):
        batch = []
        for i in range(start, min(size, start + BLOCK)):
            copy, (chunk_id, doc_id, data, text_hash, number, _, _) = i // n, rows[i % n]
            new_doc = _copy_id(doc_id, copy)
            _, text = _renamed(data, doc_id, new_doc, ("id", "doc_id"))
            batch.append((i, new_doc + chunk_id[len(doc_id) :], new_doc, text, text_hash, "[]", "[]", number))
            doc_of_row.append(new_doc)
        store.db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
    kept_docs = set(doc_of_row)
    for copy in range(copies):
        task_rows, lead_rows = [], []
        for task_id, doc_id, chunk_id, data, tinh, kind, p_start, p_end in tasks:
            new_doc = _copy_id(doc_id, copy)
            if new_doc not in kept_docs:
                continue
            _, text = _renamed(data, doc_id, new_doc, ("id", "doc_id", "chunk_id"))
            new_task = f"{task_id}~{copy}" if copy else task_id
            task_rows.append((new_task, new_doc, new_doc + chunk_id[len(doc_id) :], text, tinh, kind, p_start, p_end))
        copied = {t[0] for t in task_rows}
        for task_id, key, name, generic in leads:
            new_task = f"{task_id}~{copy}" if copy else task_id
            if new_task in copied:
                lead_rows.append((new_task, key, name, generic))
        store.db.executemany("INSERT OR REPLACE INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", task_rows)
        store.db.executemany("INSERT INTO task_leads VALUES (?, ?, ?, ?)", lead_rows)
        doc_rows = []
        for doc_id, content_hash, data in documents:
            new_doc = _copy_id(doc_id, copy)
            if new_doc in kept_docs:
                record = json.loads(data)
                record["facts"]["id"] = new_doc
                doc_rows.append((new_doc, content_hash, json.dumps(record, ensure_ascii=False)))
        store.db.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?)", doc_rows)
    store.create_lookups()
    store.commit()
    store.close()
    RowFacts.save(build, doc_of_row)
    timings["store_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    words = [json.loads(r[5]) for r in rows]
    folded = [json.loads(r[6]) for r in rows]
    headings = []
    for r in rows:
        chunk = json.loads(r[2])
        headings.append(folded_tokens(chunk.get("heading") or (chunk.get("path") or [""])[-1]))
    fields = {"words": _bm25(words, size, rng), "folded": _bm25(folded, size, rng), HEADING: _bm25(headings, size, rng)}
    LexicalIndex(fields).save(build)
    del fields, words, folded, headings
    _copy_row_features(source, build, doc_of_row, n)
    timings["bm25_s"] = round(time.perf_counter() - started, 1)

    real = _source_vectors(source, n).astype(np.float32)
    vectors = np.empty((size, real.shape[1]), dtype=np.float32)
    for start in range(0, size, BLOCK):
        part = np.arange(start, min(size, start + BLOCK))
        block = real[part % n] + (part >= n)[:, None] * rng.normal(0, noise, (len(part), real.shape[1]))
        vectors[part] = block / np.linalg.norm(block, axis=1, keepdims=True)
    qvecs = np.stack([embed_query(q) for q in questions]).astype(np.float32)
    exact = []
    for q in qvecs:  # the exact top-10 (brute force) that recall is measured against
        scores = vectors @ q
        top = np.argpartition(-scores, 10)[:10]
        exact.append([int(i) for i in top[np.argsort(-scores[top])]])
    started = time.perf_counter()
    dense = DenseIndex.build(vectors, np.arange(size), hnsw_threshold, ivf_threshold=ivf_threshold)
    timings["faiss_s"] = round(time.perf_counter() - started, 1)
    dense.save(build / "vectors.faiss")
    kind, params = dense.kind, dense.params
    del dense, vectors
    shutil.copy(source / "accents.json", build / "accents.json")
    (build / EXACT).write_text(json.dumps({"questions": questions, "exact_top10": exact, "noise": noise}))
    new = IndexManifest(
        **{
            **manifest.model_dump(),
            "corpus_dir": f"synthetic:{size}:{manifest.corpus_dir}",
            "documents": {d: "" for d in dict.fromkeys(doc_of_row)},
            "files": {},
            "chunks": size,
            "index_type": kind,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "dense": params,
            "sizes": {},
        }
    )
    new.sizes = file_sizes(build)
    (build / MANIFEST).write_text(new.model_dump_json(indent=1), encoding="utf-8")
    link = target / "current"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(build.name, link)
    timings["disk_mb"] = {k: round(v / 2**20, 1) for k, v in new.sizes.items()}
    timings["disk_total_mb"] = round(sum(new.sizes.values()) / 2**20)
    timings["index_type"] = new.index_type
    timings["dense"] = new.dense
    return timings
