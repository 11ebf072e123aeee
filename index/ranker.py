"""The learned ranker: a small LightGBM LambdaRank model over the features of ``index.features``.

The model file (``index/data/ranker.txt``) is LightGBM's own text format, committed in the repo
and rebuilt by ``python -m eval.train_ranker``. Without it, or when it was trained on other
features, search falls back to reciprocal-rank fusion.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from index.features import FEATURES
from index.light_imports import import_lightgbm

DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "ranker.txt"
log = logging.getLogger(__name__)


class LearnedRanker:
    """Scores candidates; higher is better. Columns are selected by name, so a model may use a subset."""

    def __init__(self, booster, name: str = "lightgbm") -> None:  # booster: lightgbm.Booster
        self.booster = booster
        self.name = name
        used = list(booster.feature_name())
        unknown = [f for f in used if f not in FEATURES]
        if unknown:
            raise ValueError(f"ranker uses features this code does not compute: {', '.join(unknown)}")
        self.columns = np.array([FEATURES.index(f) for f in used], dtype=np.int64)
        self.features = used

    @classmethod
    def from_file(cls, path: Path) -> LearnedRanker:
        """Read a LightGBM text model."""
        lightgbm = import_lightgbm()
        return cls(lightgbm.Booster(model_file=str(path)), name=path.name)

    @classmethod
    def load_default(cls, path: Path = DEFAULT_MODEL_PATH) -> LearnedRanker | None:
        """The shipped model, or None (search then uses RRF) when it is missing or unusable."""
        if not path.exists():
            return None
        try:
            return cls.from_file(path)
        except (ValueError, ImportError, OSError) as exc:  # OSError: no OpenMP runtime
            log.warning("learned ranker %s not used (%s); falling back to RRF", path, exc)
            return None

    def score(self, features: np.ndarray) -> np.ndarray:
        """One score per candidate row."""
        if not len(features):
            return np.zeros(0, dtype=np.float64)
        return np.asarray(self.booster.predict(features[:, self.columns], num_threads=1), dtype=np.float64)
