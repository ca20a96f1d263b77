"""Access-matrix rows for the document downloads (read by tests/roi/test_access.py)."""

from roi.access import Action

# url name -> (kwarg kind, method, action needed, POST data), as in tests/roi/test_access.py.
MATRIX: dict = {
    "documents:project_dossier": ("project", "get", Action.VIEW, None),
    "documents:project_checklist": ("project", "get", Action.VIEW, None),
}
