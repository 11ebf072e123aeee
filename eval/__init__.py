"""Measure retrieval and answers on gold questions."""
