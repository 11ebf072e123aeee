"""Chunks in, vectors and search out."""
