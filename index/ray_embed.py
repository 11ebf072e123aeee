"""Embed new or changed chunks as a Ray Data job over an actor pool: one model per worker.

``tracuu index --ray [ADDRESS]`` hands the builder this runner. Parsing, the embedding cache and
the final assembly stay in the driver; only the groups of texts the cache lacks travel to the
workers, and each group's vectors are written to the cache as soon as they come back, so a
killed job resumes where it stopped. The groups are the builder's own (longest texts first, a
fixed size), so the vectors are those a single process makes.

Without an address a local cluster is started on 127.0.0.1 with one worker per core; with one,
the job joins that cluster, whose nodes need ``pip install 'tracuu-cchc[cluster]'``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from index.embedder import EmbedderSpec

log = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parents[1]


class EmbedActor:
    """A Ray actor holding one loaded embedder; each call embeds whole groups as planned."""

    def __init__(self, spec_json: str, batch_size: int) -> None:
        self.embedder = EmbedderSpec.model_validate_json(spec_json).load()
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Rows of (hash, vector) for every text of the groups in this batch."""
        hashes: list[str] = []
        vectors: list[np.ndarray] = []
        for group_hashes, texts in zip(batch["hashes"], batch["texts"], strict=True):
            hashes.extend(str(h) for h in group_hashes)
            vectors.append(self.embedder.embed_passages([str(t) for t in texts], self.batch_size))
        return {"hash": np.array(hashes), "vector": np.concatenate(vectors).astype(np.float32)}


class RayEmbedRunner:
    """Starts or joins a Ray cluster, and embeds the builder's groups there (a context manager)."""

    def __init__(
        self,
        spec: EmbedderSpec,
        address: str | None = None,
        *,
        workers: int | None = None,
        batch_size: int = 32,
        temp_dir: Path | None = None,
    ) -> None:
        self.spec = spec
        self.address = address
        self.workers = workers
        self.batch_size = batch_size
        self.temp_dir = temp_dir
        self._started = False

    def __enter__(self) -> RayEmbedRunner:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # never report usage to the outside
        import ray

        env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "RAY_USAGE_STATS_ENABLED": "0"}
        if self.address is None:
            cpus = self.workers or os.cpu_count() or 1
            ray.init(
                num_cpus=cpus,
                include_dashboard=False,
                _node_ip_address="127.0.0.1",
                object_store_memory=1 << 30,
                log_to_driver=False,
                configure_logging=False,
                _temp_dir=str(self.temp_dir) if self.temp_dir else None,
                runtime_env={"env_vars": {**env, "PYTHONPATH": str(REPO)}},
            )
        else:
            ray.init(
                address=self.address,
                log_to_driver=False,
                configure_logging=False,
                runtime_env={"env_vars": env, "py_modules": [str(REPO / "index")]},
            )
        self._started = True
        cluster_cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = max(1, self.workers or cluster_cpus)
        self.cpus_per_worker = max(1, cluster_cpus // self.workers)
        if self.spec.threads is None:
            self.spec = self.spec.model_copy(update={"threads": self.cpus_per_worker})
        import ray.data

        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._started:
            import ray

            ray.shutdown()
            self._started = False

    def describe(self) -> str:
        """One line for the person running `tracuu index --ray`."""
        where = "cụm Ray cục bộ (127.0.0.1)" if self.address is None else f"cụm Ray {self.address}"
        return f"Nhúng trên {where}: {self.workers} tiến trình, mỗi tiến trình {self.cpus_per_worker} CPU."

    def __call__(self, groups: list[tuple[list[str], list[str]]]) -> Iterator[tuple[list[str], np.ndarray]]:
        """Vectors of every group, yielded as the workers finish them."""
        if not groups:
            return
        import ray.data

        items = [{"hashes": hashes, "texts": texts} for hashes, texts in groups]
        dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            EmbedActor,
            batch_size=1,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=min(self.workers, len(items))),
            num_cpus=self.cpus_per_worker,
            fn_constructor_kwargs={"spec_json": self.spec.model_dump_json(), "batch_size": self.batch_size},
        )
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            yield [str(h) for h in batch["hash"]], np.asarray(batch["vector"], dtype=np.float32)
