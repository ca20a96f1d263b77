"""Bounds shared by the interchange format and the database models.

One place, so that a value accepted by the web forms is accepted by ``roi_import`` and the
reverse. The bounds are generous for any real CRM project and stop absurd or hostile input
(a 10^30 € licence, a 10 000-year horizon) before it reaches the engine.
"""

from decimal import Decimal

MAX_AMOUNT = Decimal("1000000000000")  # 10^12 per unit
MAX_QUANTITY = Decimal("10000000")  # 10^7 units (users, hours…)
MAX_HORIZON_MONTHS = 120  # ten years
MAX_MONTH = 600  # start/end months may lie beyond the horizon; fifty years is the cap
MIN_DISCOUNT_RATE = Decimal("0")
MAX_DISCOUNT_RATE = Decimal("1")  # 100 % a year
MAX_LABEL_LENGTH = 200
MAX_ITEMS_PER_LIST = 2000
# A line's actual of one month (method §6) is a whole monthly value, so it is bounded by the
# largest monthly value a line can have: amount × quantity (10^19).
MAX_ACTUAL = MAX_AMOUNT * MAX_QUANTITY
# Lines (costs and gains together) in one project: the web wizard, the import and the
# engine's interchange format all stop there. Measured (docs/benchmarks.md, issue 11): the
# renderers scale with the lines, 4 000 lines took 38 s for the dossier, 28 s for the
# checklist PDF, 13 s for the workbook and a 4.3 MB review page; 1 000 lines stay a few
# seconds of a worker's time, well inside the render timeout, for any real CRM project
# (the demo's largest has some thirty lines).
MAX_LINES_PER_PROJECT = 1000
