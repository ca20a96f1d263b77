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


def _bundle_of(owner, world):
    from roi.models import BundleStatus, DossierBundle

    return DossierBundle.objects.create(user=owner, project_ids=[world.project.pk], total=1,
                                        done=1, status=BundleStatus.DONE,
                                        content=b"PK\x05\x06" + b"\0" * 18)


def _bundle_url(name: str):
    def url(owner, world) -> str:
        from django.urls import reverse

        return reverse(name, args=[_bundle_of(owner, world).pk])
    return url


def _create_url(owner, world) -> str:
    from django.urls import reverse

    return reverse("documents:bundle_create")


# User-level URLs (the portfolio's zip of dossiers): no client or project in the address.
# url name -> (builder(owner, world) -> URL, method, POST data, owner-only). Anonymous ->
# login; any user -> 200/302 on what is theirs; an owner-only URL -> 404 to anybody else.
USER_MATRIX: dict = {
    "documents:bundle_create": (_create_url, "post", {}, False),
    "documents:bundle_detail": (_bundle_url("documents:bundle_detail"), "get", None, True),
    "documents:bundle_status": (_bundle_url("documents:bundle_status"), "get", None, True),
    "documents:bundle_zip": (_bundle_url("documents:bundle_zip"), "get", None, True),
}
