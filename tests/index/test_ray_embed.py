"""`tracuu index --ray` on a local 2-worker cluster (127.0.0.1): killed half way, resumed, same vectors.

Bounded in time; every Ray process of the test runs under its own session folder and is ended
by process id afterwards, whatever happened.
"""

import contextlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from corpus.loader import BUNDLED_CORPUS, load_corpus
from index.builder import passage_text, read_manifest
from index.store import EmbeddingCache, text_hash
from tests.conftest import MODEL_CACHE, REPO

pytestmark = pytest.mark.slow
pytest.importorskip("ray")
GROUP = 4


def _cached(cache: Path) -> int:
    if not cache.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM vectors").fetchone()[0])
    except sqlite3.OperationalError:  # the table is not there yet
        return 0


def _processes_using(marker: str) -> list[int]:
    """Processes (other than this one) whose command line names the test's Ray session folder."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _end(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def ray_session():
    folder = Path(tempfile.mkdtemp(prefix="tr-ray-", dir="/tmp"))  # Ray's socket paths must stay short
    try:
        yield folder
    finally:
        deadline = time.monotonic() + 20
        while (left := _processes_using(str(folder))) and time.monotonic() < deadline:
            _end(left)
            time.sleep(0.5)
        assert not _processes_using(str(folder)), "Ray processes were left behind"


SEEDS = (
    "kien-giang-qd-925-quy-che-phoi-hop-cchc.md",
    "tin-ke-hoach-cchc-2007.txt",
    "tin-trien-khai-ke-hoach-cchc-2019.txt",
)


def test_killed_ray_job_resumes_without_re_embedding(tmp_path, ray_session, e5_embedder, e5_model_id):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    for name in SEEDS:  # three of the seeds: 34 chunks, enough groups to stop half way
        shutil.copy(BUNDLED_CORPUS / name, corpus / name)
    chunks = load_corpus(corpus).chunks
    data = tmp_path / "data"
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRACUU_MODEL_CACHE_DIR": str(MODEL_CACHE),
        "TRACUU_EMBED_GROUP": str(GROUP),
        "TRACUU_RAY_TEMP_DIR": str(ray_session),
        "PYTHONPATH": str(REPO),
    }
    env.pop("RAY_ADDRESS", None)
    command = [sys.executable, "-m", "tracuu.cli", "--corpus", str(corpus), "--data-dir", str(data), "index", "--ray"]
    command += ["--ray-workers", "2"]
    cache = data / "cache" / "embeddings.sqlite"
    job = subprocess.Popen(
        command, cwd=REPO, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 240
    while job.poll() is None and _cached(cache) < 2 * GROUP and time.monotonic() < deadline:
        time.sleep(0.1)
    assert job.poll() is None, "the job ended before it could be killed"
    os.killpg(job.pid, signal.SIGKILL)  # the driver and every process of its session
    job.wait(30)
    _end(_processes_using(str(ray_session)))
    done = _cached(cache)
    total = len({text_hash(passage_text(c)) for c in chunks})
    assert 0 < done < total and not (data / "current").exists()

    rerun = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    embedded, reused = map(int, re.search(r"\((\d+) đoạn nhúng mới, (\d+) dùng lại\)", rerun.stdout).groups())
    assert embedded == total - done and embedded + reused == len(chunks)
    assert "cụm Ray cục bộ (127.0.0.1): 2 tiến trình" in rerun.stderr
    assert read_manifest(data / "current").model == e5_model_id

    # The vectors Ray made are those one process makes.
    texts = [passage_text(c) for c in chunks[::3]]
    store = EmbeddingCache(cache)
    got = store.get_many(e5_model_id, [text_hash(t) for t in texts])
    store.close()
    ours = np.stack([got[text_hash(t)] for t in texts])
    cosines = (ours * e5_embedder.embed_passages(texts)).sum(axis=1)
    assert cosines.min() >= 0.9999, float(cosines.min())
