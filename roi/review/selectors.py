"""Reads of the review: the approval a document vouches for, the comment threads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from roi.projects.models import LineItem, RoiProject
from roi.review.models import Comment, CommentKind, ProjectVersion


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


def approved_figures(project: RoiProject) -> dict:
    """The last approved version and its headline figures (Decimals, None where its frozen
    results document has none), for the tracking's "approved" side."""
    version = latest_version(project)
    results = (version.results or {}) if version is not None else {}

    def number(key):
        try:
            return None if results.get(key) is None else Decimal(results[key])
        except (InvalidOperation, TypeError):
            return None

    return {"version": version, "number": version.number if version else None,
            "roi_percent": number("roi_percent"), "payback_months": number("payback_months"),
            "net_gain": number("net_gain"), "total_costs": number("total_costs")}


def project_versions(project: RoiProject) -> list[ProjectVersion]:
    """The approved versions, newest first, without their inputs nor their PDF bytes."""
    return list(ProjectVersion.objects.filter(project=project).select_related(
        "approved_by").defer("pdf", "case", "results", "lines", "frozen"))


@dataclass
class Thread:
    """The comments of one line (or the general ones), oldest first. Resolved when every
    comment in it is; a new comment opens it again."""

    comments: list[Comment] = field(default_factory=list)

    def __iter__(self):
        return iter(self.comments)

    def __len__(self) -> int:
        return len(self.comments)

    def __bool__(self) -> bool:
        return bool(self.comments)

    @property
    def open_count(self) -> int:
        return sum(1 for comment in self.comments if comment.resolved_at is None)

    @property
    def resolved(self) -> bool:
        return bool(self.comments) and not self.open_count

    @property
    def resolution(self) -> Comment | None:
        """The comment whose resolution closed the thread (who and when), if it is resolved."""
        if not self.resolved:
            return None
        return max(self.comments, key=lambda c: c.resolved_at)


@dataclass
class Threads:
    by_line: dict[int, Thread]
    general: Thread
    orphans: Thread  # their line was deleted: shown apart, under the line's label

    def of(self, line: LineItem) -> Thread:
        return self.by_line.get(line.pk) or Thread()

    @property
    def latest_request(self) -> Comment | None:
        """The CFO's last "changes requested" (a general comment)."""
        requests = [c for c in self.general if c.kind == CommentKind.REQUEST]
        return requests[-1] if requests else None

    @property
    def open_count(self) -> int:
        """Open comments in every thread, the general one and the deleted lines' included."""
        return (sum(t.open_count for t in self.by_line.values()) + self.general.open_count
                + self.orphans.open_count)

    @property
    def signature(self) -> str:
        """Short, and different whenever a line's badge could be: which comment is on which
        line, and whether it is open (a key part of what is cached with the badges)."""
        marks = sorted((c.pk, c.line_id or 0, c.resolved_at is None)
                       for thread in (*self.by_line.values(), self.general, self.orphans)
                       for c in thread)
        if not marks:
            return "0"
        return hashlib.blake2b(repr(marks).encode(), digest_size=8).hexdigest()

    def open_by_category(self, lines: list[LineItem]) -> dict[str, int]:
        """Post code -> open comments on its lines (the wizard's badges)."""
        counts: dict[str, int] = {}
        for line in lines:
            thread = self.by_line.get(line.pk)
            if thread is not None and thread.open_count:
                counts[line.category] = counts.get(line.category, 0) + thread.open_count
        return counts


def comment_threads(project: RoiProject) -> Threads:
    """Every comment of the project, grouped by line (one query)."""
    by_line: dict[int, Thread] = {}
    general, orphans = Thread(), Thread()
    for comment in Comment.objects.filter(project=project).select_related(
            "author", "resolved_by"):
        if comment.line_id is not None:
            by_line.setdefault(comment.line_id, Thread()).comments.append(comment)
        elif comment.line_label:
            orphans.comments.append(comment)
        else:
            general.comments.append(comment)
    return Threads(by_line, general, orphans)


# --- what a frozen version shows besides its case ------------------------------------------


def frozen_inputs(project: RoiProject, *, not_applicable: dict[str, str]) -> dict:
    """What the dossier of a version shows besides its case, as it is at approval (JSON)."""
    return {
        "not_applicable": dict(not_applicable),
        "client_name": project.client.name,
        "crm_solution": project.crm_solution,
        "users_count": project.users_count,
        "start_date": project.start_date.isoformat() if project.start_date else None,
        "language": project.language,
    }


@dataclass(frozen=True)
class VersionInputs:
    """:func:`frozen_inputs` read back; a version frozen before they were recorded falls back
    on the project as it is now."""

    not_applicable: dict[str, str] | None  # None: not recorded (an older version)
    client_name: str
    crm_solution: str
    users_count: int | None
    start_date: date | None
    language: str


def version_inputs(version: ProjectVersion) -> VersionInputs:
    frozen, project = version.frozen or {}, version.project
    start = frozen.get("start_date", project.start_date)
    if isinstance(start, str):
        start = date.fromisoformat(start)
    return VersionInputs(
        not_applicable=frozen.get("not_applicable"),
        client_name=frozen.get("client_name", project.client.name),
        crm_solution=frozen.get("crm_solution", project.crm_solution),
        users_count=frozen.get("users_count", project.users_count),
        start_date=start,
        language=frozen.get("language", project.language),
    )
