"""A damaged index with the corpus present is rebuilt, by `open_index` and by `tracuu ask`."""

import shutil

import pytest

from index.heal import open_index
from tracuu.cli import main

pytestmark = pytest.mark.slow
QUESTION = "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm của tỉnh Quảng Ngãi?"


@pytest.fixture
def copy(seed_index, tmp_path):
    """A private copy of the seed index (with its embedding cache, so a rebuild embeds nothing)."""
    data = tmp_path / "data"
    shutil.copytree(seed_index.data_dir, data, symlinks=True)
    return seed_index.model_copy(update={"data_dir": data})


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _scramble_header(path):
    data = bytearray(path.read_bytes())
    data[:100] = bytes(100)  # same size, unreadable: only opening it tells
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("name", "damage"),
    [("vectors.faiss", _truncate), ("chunks.sqlite", _truncate), ("chunks.sqlite", _scramble_header)],
)
def test_open_index_rebuilds_a_damaged_index(copy, e5_embedder, e5_model_id, name, damage):
    old = copy.current.resolve()
    damage(old / name)
    notices: list[str] = []
    searcher = open_index(copy, lambda: e5_embedder, e5_model_id, notices.append)
    assert copy.current.resolve() != old
    assert any("đang dựng lại" in n for n in notices) and any("Đã dựng chỉ mục" in n for n in notices)
    assert any("0 đoạn nhúng mới" in n for n in notices)  # the cached vectors were reused
    assert searcher.search(QUESTION).hits[0].chunk.id == "qn-2548-2017:kt/muc-ii/khoan-1/diem-c"


def test_tracuu_ask_recovers_from_a_truncated_faiss_file(copy, capsys):
    _truncate(copy.current / "vectors.faiss")
    assert main(["--data-dir", str(copy.data_dir), "ask", QUESTION]) == 0
    out, err = capsys.readouterr()
    assert "Sở Tư pháp" in out and "2548/QĐ-UBND" in out
    assert "đang dựng lại từ kho văn bản" in err and "vectors.faiss" in err


def test_without_a_corpus_the_damage_is_reported(copy, e5_embedder, e5_model_id, tmp_path):
    from index.errors import IndexError_

    empty = tmp_path / "no-corpus"
    empty.mkdir()
    config = copy.model_copy(update={"corpus_dir": empty})
    _scramble_header(config.current / "chunks.sqlite")
    with pytest.raises(IndexError_):
        open_index(config, lambda: e5_embedder, e5_model_id, lambda _: None)
