"""Django's model registry for the roi app.

Each domain keeps its models in its own package (``roi.tenancy``, ``roi.projects``,
``roi.review``…); they are imported here so that Django and the migrations find them. Code
imports a model from its domain, not from here.
"""

from roi.options.models import Decision, DecisionOption
from roi.projects.models import (
    AnswerStatus,
    ChecklistAnswer,
    KpiEntry,
    LineItem,
    LineKind,
    ProjectStatus,
    QualitativeBenefit,
    RoiProject,
)
from roi.review.models import Comment, CommentKind, ProjectVersion
from roi.tenancy.models import Client, Invitation, Membership, Role

__all__ = [
    "AnswerStatus", "ChecklistAnswer", "Client", "Comment", "CommentKind", "Decision",
    "DecisionOption", "Invitation",
    "KpiEntry", "LineItem", "LineKind", "Membership", "ProjectStatus", "ProjectVersion",
    "QualitativeBenefit", "Role", "RoiProject",
]
