"""Light imports of underthesea and lightgbm, so a one-question command starts fast.

underthesea's package ``__init__`` imports its translator, which loads torch and transformers:
two to four seconds before ``tracuu ask`` can answer, for two functions (``word_tokenize``,
``text_normalize``) that need neither. The package is registered without running its
``__init__``; those two load from their own modules on first use, and any other name runs the
real ``__init__`` once, so nothing of underthesea is lost.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

LIGHT = {
    "text_normalize": "underthesea.pipeline.text_normalize",
    "word_tokenize": "underthesea.pipeline.word_tokenize",
}


def register_light_underthesea() -> bool:
    """Register the light package (no-op when underthesea is already imported or absent)."""
    if "underthesea" in sys.modules:
        return False
    spec = importlib.util.find_spec("underthesea")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return False
    module = types.ModuleType("underthesea")
    module.__spec__ = spec
    module.__path__ = list(spec.submodule_search_locations)
    module.__file__ = spec.origin
    module.__loader__ = spec.loader
    state = {"full": False}

    def __getattr__(name: str):
        if name in LIGHT and not state["full"]:
            # text_normalize first: the two pipelines import each other, in the order the package uses.
            importlib.import_module(LIGHT["text_normalize"])
            value = getattr(importlib.import_module(LIGHT[name]), name)
            setattr(module, name, value)
            return value
        if (name.startswith("__") and name not in ("__version__", "__all__")) or state["full"]:
            raise AttributeError(name)
        state["full"] = True
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        return getattr(module, name)

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules["underthesea"] = module
    return True


def import_lightgbm():
    """Import LightGBM without its scikit-learn wrappers: the ranker only needs ``Booster``.

    lightgbm imports scikit-learn when it is installed (sentence-transformers installs it), which
    costs about 0.7 s of every one-question command. scikit-learn is hidden for that one import
    only; it stays importable afterwards.
    """
    if "lightgbm" in sys.modules or "sklearn" in sys.modules:
        return importlib.import_module("lightgbm")
    sys.modules["sklearn"] = None  # type: ignore[assignment]  # makes 'import sklearn' raise ImportError
    try:
        return importlib.import_module("lightgbm")
    finally:
        del sys.modules["sklearn"]
