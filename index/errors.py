"""Index errors with messages a maintainer can act on."""


class IndexError_(Exception):
    """The index is missing, stale, mismatched or corrupt; the message says which and what to run."""


class ConfigError(Exception):
    """A setting is invalid (for instance a model path that does not exist)."""
