"""Access-matrix rows for the document downloads (read by tests/roi/test_access.py)."""

from roi.access import Action

# url name -> (kwarg kind, method, action needed, POST data), as in tests/roi/test_access.py.
MATRIX: dict = {
    "documents:project_dossier": ("project", "get", Action.VIEW, None),
    "documents:project_checklist": ("project", "get", Action.VIEW, None),
    "documents:project_dossier_status": ("project", "get", Action.VIEW, None),
    "documents:project_checklist_status": ("project", "get", Action.VIEW, None),
    "documents:project_xlsx_status": ("project", "get", Action.VIEW, None),
    "documents:version_pdf_status": (lambda project: version_status_url(project), "get",
                                     Action.VIEW, None),
}


def version_status_url(project) -> str:
    from django.urls import reverse
    from django.utils import timezone

    from roi.models import ProjectVersion

    version = ProjectVersion.objects.create(project=project, number=1, case={}, results={},
                                            pdf=b"%PDF-1.7 frozen", approved_at=timezone.now())
    return reverse("documents:version_pdf_status", args=[project.pk, version.number])
