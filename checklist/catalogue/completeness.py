"""How complete a business case is against its checklist: the one rule, used by the wizard,
the results page, the dossier, the review, the comparison of options and the exports.

Each sub-item of the catalogue is *counted* (at least one line of the project answers it),
*not applicable* (the project says so, with a reason) or still *to do*. The share addressed is
rounded down, so that "100 %" is only ever printed when every sub-item really is addressed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from checklist.catalogue.reader import CatalogueInfo

COUNTED, NOT_APPLICABLE, TODO = "counted", "not_applicable", "todo"
STATUSES = (COUNTED, NOT_APPLICABLE, TODO)
# More than this share of sub-items still to do (numerator, denominator): less reliable.
LESS_RELIABLE_TODO_SHARE = (1, 3)

__all__ = ["COUNTED", "NOT_APPLICABLE", "STATUSES", "TODO", "Completeness", "PostCompleteness",
           "SubItemStatus", "completeness", "less_reliable", "percent_addressed",
           "subitem_status"]


def subitem_status(code: str, *, counted: Iterable[str] | set[str],
                   not_applicable: Mapping[str, str] | set[str]) -> str:
    """``counted`` wins over ``not_applicable`` (a sub-item that has an amount is counted)."""
    if code in counted:
        return COUNTED
    if code in not_applicable:
        return NOT_APPLICABLE
    return TODO


def percent_addressed(addressed: int, total: int) -> int:
    """The share of sub-items addressed, in whole percent, rounded down (0 without any)."""
    return addressed * 100 // total if total else 0


def less_reliable(todo: int, total: int) -> bool:
    """More than a third of the checklist's sub-items still to do: figures built on a
    checklist that far from addressed are flagged as less reliable."""
    numerator, denominator = LESS_RELIABLE_TODO_SHARE
    return total > 0 and todo * denominator > total * numerator


@dataclass(frozen=True)
class SubItemStatus:
    code: str
    title: str
    status: str
    reason: str = ""
    pk: int | None = None  # the stored sub-item, for links to it


@dataclass(frozen=True)
class PostCompleteness:
    code: str
    kind: str
    order: int
    title: str
    items: tuple[SubItemStatus, ...]

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def counted(self) -> int:
        return self.count(COUNTED)

    @property
    def not_applicable(self) -> int:
        return self.count(NOT_APPLICABLE)

    @property
    def todo(self) -> int:
        return self.count(TODO)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def addressed(self) -> bool:
        return self.todo == 0


@dataclass(frozen=True)
class Completeness:
    posts: tuple[PostCompleteness, ...]

    def _sum(self, status: str) -> int:
        return sum(post.count(status) for post in self.posts)

    @property
    def counted(self) -> int:
        return self._sum(COUNTED)

    @property
    def not_applicable(self) -> int:
        return self._sum(NOT_APPLICABLE)

    @property
    def todo(self) -> int:
        return self._sum(TODO)

    @property
    def total(self) -> int:
        return sum(post.total for post in self.posts)

    @property
    def percent(self) -> int:
        return percent_addressed(self.total - self.todo, self.total)

    def items_with(self, status: str) -> list[tuple[PostCompleteness, SubItemStatus]]:
        return [(post, item) for post in self.posts for item in post.items
                if item.status == status]

    @property
    def todo_items(self) -> list[tuple[PostCompleteness, SubItemStatus]]:
        return self.items_with(TODO)

    @property
    def less_reliable(self) -> bool:
        """Many sub-items still to do (see :func:`less_reliable`)."""
        return less_reliable(self.todo, self.total)

    def as_dict(self) -> dict:
        """JSON-ready, as a frozen version records it."""
        return {"counted": self.counted, "not_applicable": self.not_applicable,
                "todo": self.todo, "total": self.total, "percent": self.percent}


def completeness(catalogue: CatalogueInfo, *, counted: Iterable[str],
                 not_applicable: Mapping[str, str]) -> Completeness:
    """The status of every sub-item of ``catalogue``.

    ``counted``: the codes of the sub-items at least one line answers; ``not_applicable``:
    sub-item code -> the reason given.
    """
    counted = set(counted)
    posts = []
    for post in catalogue.posts:
        items = []
        for item in post.items:
            status = subitem_status(item.code, counted=counted, not_applicable=not_applicable)
            reason = not_applicable.get(item.code, "") if status == NOT_APPLICABLE else ""
            items.append(SubItemStatus(item.code, item.title, status, reason, item.pk))
        posts.append(PostCompleteness(post.code, post.kind, post.order, post.title,
                                      tuple(items)))
    return Completeness(tuple(posts))
