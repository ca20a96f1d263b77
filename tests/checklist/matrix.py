"""Access-matrix rows for the checklist's URLs (read by tests/roi/test_access.py)."""

MATRIX: dict = {}
