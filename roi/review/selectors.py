"""Reads of the review: the approval a document vouches for, the comment threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from roi.projects.models import LineItem, RoiProject
from roi.review.models import Comment, ProjectVersion


@dataclass(frozen=True)
class Approval:
    """An approved, frozen version of the project, as the approval block prints it.

    ``current`` is False when the document no longer shows what was approved (an earlier
    version, the figures have changed since): the block then says so instead of vouching.
    """

    number: int
    approved_by: str
    approved_at: datetime
    comment: str = ""
    current: bool = True

    def key(self) -> list:
        return [self.number, self.approved_by, self.approved_at.isoformat(), self.comment,
                self.current]


def approval_from_version(version: ProjectVersion, *, current: bool = True) -> Approval:
    """The approval block of a :class:`ProjectVersion`."""
    user = version.approved_by
    name = (user.get_full_name() or user.email or user.get_username()) if user else ""
    return Approval(version.number, name, version.approved_at, version.comment, current)


def latest_version(project: RoiProject) -> ProjectVersion | None:
    """The last approved version, without its PDF bytes."""
    return project.versions.select_related("approved_by").defer("pdf").order_by(
        "-number").first()


def project_versions(project: RoiProject) -> list[ProjectVersion]:
    return list(ProjectVersion.objects.filter(project=project).select_related(
        "approved_by").defer("pdf", "case", "results", "lines"))


@dataclass
class Threads:
    by_line: dict[int, list[Comment]]
    general: list[Comment]
    orphans: list[Comment]  # their line was deleted: shown apart, under the line's label

    def of(self, line: LineItem) -> list[Comment]:
        return self.by_line.get(line.pk, [])


def comment_threads(project: RoiProject) -> Threads:
    """Every comment of the project, grouped by line (one query)."""
    by_line: dict[int, list[Comment]] = {}
    general: list[Comment] = []
    orphans: list[Comment] = []
    for comment in Comment.objects.filter(project=project).select_related("author"):
        if comment.line_id is not None:
            by_line.setdefault(comment.line_id, []).append(comment)
        elif comment.line_label:
            orphans.append(comment)
        else:
            general.append(comment)
    return Threads(by_line, general, orphans)
