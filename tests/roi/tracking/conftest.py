import datetime

import pytest

from roi.review import services as review
from roi.tracking import services

LINK = "https://roi.example/review/"


@pytest.fixture
def approved(world, apogea):
    """Apogea (seed 000) submitted and approved as v1 by the CFO."""
    review.project_submit(project=apogea, user=world.users["consultant"], link=LINK,
                          confirm_incomplete=True)
    review.project_approve(project=apogea, user=world.users["cfo"], link=LINK,
                           confirm_incomplete=True)
    apogea.refresh_from_db()
    return apogea


@pytest.fixture
def tracked(world, approved):
    """Approved Apogea in tracking since 1 January 2026, six months closed."""
    services.tracking_start(project=approved, user=world.users["consultant"],
                            go_live_date=datetime.date(2026, 1, 1), as_of_month=6)
    approved.refresh_from_db()
    return approved
