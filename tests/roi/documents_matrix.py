"""Access-matrix rows for the document downloads (read by tests/roi/test_access.py)."""

MATRIX: dict = {}
