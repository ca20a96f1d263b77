"""The portfolio's zip of dossiers: which projects go in (those the user may view that the
filter keeps, at most :data:`MAX_PROJECTS`), the names of its files, and the bundle a user
owns. The zip itself is built by a worker (:mod:`roi.tasks.bundles`)."""

from __future__ import annotations

from django.utils.text import slugify

from roi.documents.models import DossierBundle
from roi.projects.models import RoiProject
from roi.projects.selectors import PortfolioFilter, portfolio_projects

MAX_PROJECTS = 50
ZIP_FILENAME = "dossiers-codir.zip"


def bundle_project_ids(user, selection: PortfolioFilter) -> list[int]:
    """The ids of the projects the bundle would hold, at most ``MAX_PROJECTS + 1`` (one more
    says the filter keeps too many). One query."""
    return list(portfolio_projects(user, selection).values_list("pk", flat=True)
                [:MAX_PROJECTS + 1])


def owned_bundle(user, bundle_id: int, *, with_content: bool = False) -> DossierBundle | None:
    """The user's own bundle (``None`` for anybody else's: a 404, never a 403)."""
    bundles = DossierBundle.objects.filter(pk=bundle_id, user=user) \
        if user.is_authenticated else DossierBundle.objects.none()
    if not with_content:
        bundles = bundles.defer("content")
    return bundles.first()


def member_name(project: RoiProject, dossier_filename: str, taken: set[str]) -> str:
    """``client-projet-v2.pdf`` (an approved version) or ``client-projet-brouillon.pdf``,
    made unique inside the zip (``-2``, ``-3``… when two projects share a name)."""
    edition = dossier_filename.rsplit("-", 1)[-1].removesuffix(".pdf") or "brouillon"
    stem = f"{slugify(project.client.name) or 'client'}-{slugify(project.name) or 'projet'}"
    name, counter = f"{stem}-{edition}.pdf", 1
    while name in taken:
        counter += 1
        name = f"{stem}-{edition}-{counter}.pdf"
    taken.add(name)
    return name
