"""The adapter carries a tracked project's last closed month and actuals to the engine."""

from decimal import Decimal

from roi.calculation import compute
from roi.projects.cases import project_case
from roi.projects.models import LineItem
from roi.tracking.models import LineActual
from tests.conftest import add_line


def test_untracked_project_has_no_tracking(apogea):
    case = project_case(apogea)
    assert case.as_of_month is None
    assert compute(case).tracking is None


def test_worked_example_from_the_database(apogea):
    """Method §6: the integration cost 21 500 instead of 18 000, the rest to plan."""
    apogea.as_of_month = 6
    apogea.save()
    integration = LineItem.objects.get(project=apogea, category="integration")
    LineActual.objects.create(line=integration, month=1, amount=Decimal("21500"))
    tracking = compute(project_case(apogea)).tracking
    assert tracking.as_of_month == 6
    assert tracking.cost_variance == Decimal("3500")
    assert round(tracking.reforecast.roi_percent, 2) == Decimal("13.40")


def test_unplanned_line_and_months_beyond_the_horizon(apogea):
    apogea.as_of_month = 2
    apogea.save()
    extra = add_line(apogea, "cost", "support", "0", "monthly", planned=False, label="Hotline")
    LineActual.objects.create(line=extra, month=2, amount=Decimal("400.50"))
    LineActual.objects.create(line=extra, month=3, amount=Decimal("999"))  # not closed: ignored
    tracking = compute(project_case(apogea)).tracking
    assert tracking.cost_variance == Decimal("400.5")
    apogea.as_of_month = 40  # beyond H = 12: capped
    assert project_case(apogea).as_of_month == 12
