"""A KPI over time, as SVG: baseline → target with the dated measurements.

Same conventions as :mod:`roi.documents.charts` (a complete ``<svg>`` string, no database
access, every text escaped, a wide and a compact layout that CSS picks from): the baseline and
the target are two dashed horizontal lines, the measurements a line of dots placed by date
(days apart, not evenly spaced), and the latest one is labelled with its value.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from roi.documents.charts import (
    COMPACT_WIDTH,
    GREEN,
    GRID,
    MUTED,
    NAVY,
    WIDTH,
    _num,
    _svg,
    _text,
    nice_ticks,
)

__all__ = ["kpi_svg"]

Point = tuple[datetime.date, Decimal]


def kpi_svg(*, name: str, baseline: Decimal | None, target: Decimal | None,
            measurements: Sequence[Point], label: Callable[[Decimal], str],
            lang: str = "fr", compact: bool = False) -> str:
    """The KPI ``name``: its ``baseline`` and ``target`` (each may be None) and its
    ``measurements`` as (date, value) pairs in any order; ``label`` writes a value in the
    KPI's unit (``1 200,00 €``, ``12,00 %``)."""
    with override(lang):
        return _kpi_svg(name=name, baseline=baseline, target=target,
                        measurements=sorted(measurements), label=label, lang=lang,
                        compact=compact)


def _kpi_svg(*, name: str, baseline: Decimal | None, target: Decimal | None,
             measurements: list[Point], label: Callable[[Decimal], str], lang: str,
             compact: bool) -> str:
    if compact:
        width, height = COMPACT_WIDTH, 220
        left, right, top, bottom = 60.0, 14.0, 40.0, 34.0
    else:
        width, height = WIDTH, 220
        left, right, top, bottom = 96.0, 120.0, 24.0, 34.0
    plot_width = width - left - right
    plot_height = height - top - bottom
    tick_size = 11 if compact else None

    values = [v for v in (baseline, target) if v is not None] + [v for _, v in measurements]
    if not values:
        values = [Decimal(0)]
    ticks = nice_ticks(min(values), max(values), count=4)
    y_min, y_max = float(ticks[0]), float(ticks[-1])

    def y_of(value: Decimal) -> float:
        return top + (y_max - float(value)) / (y_max - y_min) * plot_height

    first = measurements[0][0] if measurements else None
    last = measurements[-1][0] if measurements else None
    span = (last - first).days if first and last else 0

    def x_of(day: datetime.date) -> float:
        if not span:
            return left + plot_width / 2
        return left + (day - first).days / span * plot_width

    body: list[str] = []
    for tick in ticks:
        y = y_of(tick)
        body.append(f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_width)}" '
                    f'y2="{_num(y)}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(left - 6, y + 4, label(tick), anchor="end", fill=MUTED,
                          size=tick_size, css_class="y-tick"))

    # Baseline and target: where the KPI started and where it should go.
    references = [(baseline, _("Départ"), MUTED, "baseline"), (target, _("Cible"), GREEN,
                                                                  "target")]
    for value, title, colour, css in references:
        if value is None:
            continue
        y = y_of(value)
        body.append(f'<line class="kpi-{css}" x1="{_num(left)}" y1="{_num(y)}" '
                    f'x2="{_num(left + plot_width)}" y2="{_num(y)}" stroke="{colour}" '
                    f'stroke-width="1.6" stroke-dasharray="6 4"/>')
        text = f"{title} : {label(value)}"
        if compact:
            body.append(_text(left + 4, y - 4, text, fill=colour, size=11, halo=True,
                              css_class=f"kpi-{css}-label"))
        else:
            body.append(_text(left + plot_width + 6, y + 4, text, fill=colour, weight="600",
                              css_class=f"kpi-{css}-label"))

    if measurements:
        coordinates = " ".join(f"{_num(x_of(day))},{_num(y_of(value))}"
                               for day, value in measurements)
        if len(measurements) > 1:
            body.append(f'<polyline points="{coordinates}" fill="none" stroke="{NAVY}" '
                        f'stroke-width="2.2" stroke-linejoin="round" stroke-linecap="round"/>')
        for day, value in measurements:
            body.append(f'<circle class="kpi-measurement" cx="{_num(x_of(day))}" '
                        f'cy="{_num(y_of(value))}" r="3.2" fill="{NAVY}" '
                        f'data-date="{day.isoformat()}"/>')
        # Dates of the first and last measurements under the plot.
        for day, anchor in ((first, "start"), (last, "end")) if span else ((first, "middle"),):
            body.append(_text(x_of(day), top + plot_height + 17,
                              date_format(day, "SHORT_DATE_FORMAT"), anchor=anchor,
                              fill=MUTED, size=tick_size, css_class="x-tick"))
        latest_day, latest = measurements[-1]
        body.append(_text(0 if compact else left, 15,
                          _("Dernière mesure (%(date)s) : %(value)s") % {
                              "date": date_format(latest_day, "SHORT_DATE_FORMAT"),
                              "value": label(latest)},
                          weight="600", fill=NAVY, css_class="kpi-latest"))
    else:
        body.append(_text(left + plot_width / 2, top + plot_height / 2,
                          _("Aucune mesure pour l’instant"), anchor="middle", fill=MUTED,
                          italic=True, css_class="kpi-empty"))

    aria = _("%(name)s : départ, cible et %(count)s mesure(s)") % {
        "name": name, "count": len(measurements)}
    return _svg(height, aria, body, css_class="roi-chart-kpi", compact=compact)
