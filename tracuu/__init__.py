"""Entry point wiring: settings and the ``tracuu`` command line."""
