"""Django's model registry for the roi app.

Each domain keeps its models in its own package (``roi.tenancy``, ``roi.projects``,
``roi.review``…); they are imported here so that Django and the migrations find them. Code
imports a model from its domain, not from here.
"""

from roi.assumptions.models import AssumptionRecord
from roi.documents.models import BundleStatus, DossierBundle
from roi.options.models import Decision, DecisionOption
from roi.projects.models import (
    AnswerStatus,
    ChecklistAnswer,
    KpiEntry,
    KpiMeasurement,
    LineItem,
    LineKind,
    ProjectStatus,
    QualitativeBenefit,
    RoiProject,
)
from roi.review.models import Comment, CommentKind, ProjectVersion
from roi.tenancy.models import Client, Invitation, Membership, Role
from roi.tracking.models import (
    LineActual,
    ReviewAction,
    ReviewDecision,
    ReviewReminder,
    TrackingReview,
)

__all__ = [
    "AnswerStatus", "AssumptionRecord", "ChecklistAnswer", "Client", "Comment", "CommentKind",
    "BundleStatus", "Decision", "DecisionOption", "DossierBundle", "Invitation", "KpiEntry", "KpiMeasurement", "LineActual",
    "LineItem", "LineKind", "Membership", "ProjectStatus", "ProjectVersion",
    "QualitativeBenefit", "ReviewAction", "ReviewDecision", "ReviewReminder", "Role",
    "RoiProject", "TrackingReview",
]
