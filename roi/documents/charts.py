"""Server-side SVG charts: one code path for the results page and the CODIR dossier.

Each function takes a :class:`~roi.calculation.CaseResult` and returns a complete ``<svg>``
string (no database access). The SVG is made to render the same way in a browser (inline, with
a ``viewBox``, ``width="100%"``, ``role="img"``, an ``aria-label`` and a ``<title>``) and in
WeasyPrint: no script, no external stylesheet, no ``foreignObject``, only attributes and fonts
that exist on the server. Every piece of text goes through :func:`escape`, so callers can mark
the result safe.

Coordinates are floats (they are pixels, not money); tick values are Decimals so that their
labels are exact (``2,5 k€``, never ``2,4999999 k€``).

Each chart has two layouts. The wide one (720 units across) is for the PDF and for a wide
box on a page. The compact one (``compact=True``, 360 units across, larger type, labels above
their bars) is for a phone or a narrow column: scaled to ~330 px its text stays about 11 px,
where the wide one would shrink it to 5 px. The page sends both and CSS shows the one that
fits its box (``static/css/app.css``, ``.chart``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from roi.calculation import CaseResult, TrackingResult
from roi.formats import format_decimal, format_money_compact, format_percent

__all__ = ["cashflow_svg", "options_cashflow_svg", "posts_svg", "tornado_svg", "tracking_svg"]

FONT_FAMILY = "Inter, 'DejaVu Sans', sans-serif"
NAVY = "#1f3a5f"
GREEN = "#1d8a63"
GREEN_LIGHT = "#b9e2d0"
RED = "#b42318"
RED_LIGHT = "#f4c7c3"
INK = "#1d2939"
MUTED = "#5b6673"
GRID = "#e1e6ec"

WIDTH = 720
COMPACT_WIDTH = 360


# --- small helpers ---------------------------------------------------------------------------


def _num(value: float) -> str:
    """A coordinate for an attribute: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _svg(height: float, label: str, body: Iterable[str], *, css_class: str,
         compact: bool = False) -> str:
    label = escape(label)
    width, font_size, layout = ((COMPACT_WIDTH, 12, "compact") if compact
                                else (WIDTH, 11, "wide"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="roi-chart {css_class} '
        f'roi-chart-{layout}" viewBox="0 0 {width} {_num(height)}" width="100%" role="img" '
        f'aria-label="{label}" preserveAspectRatio="xMidYMid meet" '
        f'font-family="{FONT_FAMILY}" font-size="{font_size}" fill="{INK}">'
        f'<title>{label}</title>{"".join(body)}</svg>'
    )


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: float | None = None,
          fill: str | None = None, weight: str | None = None, css_class: str | None = None,
          italic: bool = False, halo: bool = False) -> str:
    attributes = [f'x="{_num(x)}"', f'y="{_num(y)}"']
    if anchor != "start":
        attributes.append(f'text-anchor="{anchor}"')
    if size:
        attributes.append(f'font-size="{_num(size)}"')
    if fill:
        attributes.append(f'fill="{fill}"')
    if weight:
        attributes.append(f'font-weight="{weight}"')
    if italic:
        attributes.append('font-style="italic"')
    if css_class:
        attributes.append(f'class="{css_class}"')
    if halo:
        # A white outline under the letters, so that a line crossing the text does not hide it.
        attributes.append('stroke="#ffffff" stroke-width="4" stroke-linejoin="round" '
                          'paint-order="stroke"')
    return f'<text {" ".join(attributes)}>{escape(content)}</text>'


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, limit: int) -> list[str]:
    """Words in lines of at most ``limit`` characters (a longer word keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _percent(value: Decimal, *, lang: str, places: int = 1) -> str:
    return format_percent(value, places, lang=lang)


def _amount_unit(magnitude: Decimal) -> tuple[Decimal, str]:
    """Thousands or millions for axis labels, from the largest absolute value shown."""
    if magnitude >= 1_000_000:
        return Decimal(1_000_000), "M"
    if magnitude >= 10_000:
        return Decimal(1000), "k"
    return Decimal(1), ""


def nice_ticks(low: Decimal, high: Decimal, *, count: int = 5) -> list[Decimal]:
    """Round tick values (1, 2, 2.5 or 5 × 10^k apart) covering ``low..high``."""
    low, high = Decimal(low), Decimal(high)
    if high < low:
        low, high = high, low
    if high == low:
        high = low + (abs(low) or Decimal(1))
    raw = (high - low) / count
    exponent = math.floor(math.log10(float(raw)))
    magnitude = Decimal(10) ** exponent
    step = magnitude * 10
    for multiple in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if magnitude * multiple >= raw:
            step = magnitude * multiple
            break
    start = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    end = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    ticks = []
    value = start
    while value <= end:
        ticks.append(value.normalize() if value else Decimal(0))
        value += step
    return ticks


def _places_for(step: Decimal, divisor: Decimal) -> int:
    """Decimals needed to tell ticks ``step`` apart once divided by ``divisor`` (0 to 2)."""
    scaled = (step / divisor).normalize()
    return min(max(-scaled.as_tuple().exponent, 0), 2)


def _month_step(horizon: int, *, most: int = 12) -> int:
    """Months between two ticks so that at most ``most`` intervals show."""
    for step in (1, 2, 3, 6, 12, 24):
        if horizon / step <= most:
            return step
    return 24


# --- cumulative cash flow ------------------------------------------------------------------


def _sign_runs(points: Sequence[tuple[float, float]]) -> list[tuple[int, list[tuple[float, float]]]]:
    """Split a polyline at its zero crossings into runs of one sign (-1, 0 or 1).

    The cumulative is linear inside each month (method §3), so a crossing is found by linear
    interpolation, which is also where the payback lies.
    """
    runs: list[tuple[int, list[tuple[float, float]]]] = []

    def sign_of(value: float) -> int:
        return (value > 0) - (value < 0)

    for index, (month, value) in enumerate(points):
        sign = sign_of(value)
        if index == 0:
            runs.append((sign, [(month, value)]))
            continue
        previous_month, previous_value = points[index - 1]
        current_sign, current = runs[-1]
        if sign == current_sign or sign == 0:
            current.append((month, value))
            continue
        if current_sign == 0:
            # Leaving the zero line: the run takes the sign of where it goes.
            runs[-1] = (sign, current)
            current.append((month, value))
            continue
        crossing = previous_month + (0 - previous_value) / (value - previous_value) * (
            month - previous_month)
        current.append((crossing, 0.0))
        runs.append((sign, [(crossing, 0.0), (month, value)]))
    return runs


def cashflow_svg(result: CaseResult, *, lang: str = "fr", currency: str = "EUR",
                 compact: bool = False) -> str:
    """The cumulative net cash flow, month 0 (= 0) to the horizon H, with the payback point.

    The line is red below zero and green above, over a light area of the same colour; the
    payback marker sits at ``headline.payback_months`` (fractional, interpolated linearly inside
    the month as the method does). Without payback within H, a note says so. The compact
    layout writes the payback and the final cumulative as two lines above the plot.
    """
    with override(lang):
        return _cashflow_svg(result, lang=lang, currency=currency or result.currency,
                             compact=compact)


def _cashflow_svg(result: CaseResult, *, lang: str, currency: str, compact: bool) -> str:
    horizon = result.horizon_months
    if compact:
        width, height = COMPACT_WIDTH, 268
        left, right, top, bottom = 54.0, 12.0, 52.0, 38.0
    else:
        width, height = WIDTH, 300
        left, right, top, bottom = 78.0, 24.0, 34.0, 44.0
    plot_width = width - left - right
    plot_height = height - top - bottom
    tick_size = 11 if compact else None

    values = [Decimal(0)] + [row.cumulative for row in result.monthly]
    ticks = nice_ticks(min(min(values), Decimal(0)), max(max(values), Decimal(0)))
    y_min, y_max = float(ticks[0]), float(ticks[-1])
    divisor, suffix = _amount_unit(max(abs(ticks[0]), abs(ticks[-1])))
    step = ticks[1] - ticks[0] if len(ticks) > 1 else Decimal(1)
    places = _places_for(step, divisor)

    def x_of(month: float) -> float:
        return left + month / horizon * plot_width

    def y_of(value: float) -> float:
        return top + (y_max - value) / (y_max - y_min) * plot_height

    body: list[str] = []
    # Horizontal grid and amount axis.
    for tick in ticks:
        y = y_of(float(tick))
        body.append(f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_width)}" '
                    f'y2="{_num(y)}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(left - 6 if compact else left - 8, y + 4,
                          format_money_compact(tick, currency, lang=lang, places=places,
                                               divisor=divisor, suffix=suffix),
                          anchor="end", fill=MUTED, size=tick_size, css_class="y-tick"))
    # Month axis.
    month_step = _month_step(horizon, most=6 if compact else 12)
    months = list(range(0, horizon + 1, month_step))
    if months[-1] != horizon:
        months.append(horizon)
    for month in months:
        x = x_of(month)
        body.append(f'<line x1="{_num(x)}" y1="{_num(top + plot_height)}" x2="{_num(x)}" '
                    f'y2="{_num(top + plot_height + 4)}" stroke="{MUTED}" stroke-width="1"/>')
        body.append(_text(x, top + plot_height + 17, str(month), anchor="middle", fill=MUTED,
                          size=tick_size, css_class="x-tick"))
    body.append(_text(left + plot_width / 2, height - 6, _("Mois"), anchor="middle",
                      fill=MUTED, size=tick_size))

    # Areas and line, one colour per sign.
    points = [(float(month), float(value)) for month, value in enumerate(values)]
    zero_y = y_of(0)
    for sign, run in _sign_runs(points):
        if sign == 0 or len(run) < 2:
            continue
        colour = GREEN if sign > 0 else RED
        coordinates = " ".join(f"{_num(x_of(m))},{_num(y_of(v))}" for m, v in run)
        area = (f"{_num(x_of(run[0][0]))},{_num(zero_y)} {coordinates} "
                f"{_num(x_of(run[-1][0]))},{_num(zero_y)}")
        body.append(f'<polygon points="{area}" fill="{colour}" fill-opacity="0.14" '
                    f'stroke="none"/>')
    for sign, run in _sign_runs(points):
        if len(run) < 2:
            continue
        colour = GREEN if sign > 0 else RED if sign < 0 else NAVY
        coordinates = " ".join(f"{_num(x_of(m))},{_num(y_of(v))}" for m, v in run)
        body.append(f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.2" stroke-linejoin="round" stroke-linecap="round"/>')
    if horizon <= (24 if compact else 36):
        for month, value in points[1:]:
            colour = GREEN if value > 0 else RED if value < 0 else NAVY
            body.append(f'<circle cx="{_num(x_of(month))}" cy="{_num(y_of(value))}" r="2.2" '
                        f'fill="{colour}"/>')
    # The zero line on top of the areas.
    body.append(f'<line x1="{_num(left)}" y1="{_num(zero_y)}" x2="{_num(left + plot_width)}" '
                f'y2="{_num(zero_y)}" stroke="{NAVY}" stroke-width="1.2" class="zero-line"/>')

    # Final cumulative: next to the last point, or on the second line above a compact plot.
    last_value = values[-1]
    final_label = _("Cumul à %(months)s mois : %(amount)s") % {
        "months": horizon, "amount": format_money_compact(last_value, currency, lang=lang),
    }
    final_colour = GREEN if last_value > 0 else RED if last_value < 0 else NAVY
    if compact:
        body.append(_text(0, 34, final_label, weight="600", fill=final_colour,
                          css_class="final-label"))
    else:
        last_y = y_of(float(last_value))
        label_y = last_y - 9 if last_y - 9 > top + 10 else last_y + 16
        body.append(_text(left + plot_width, label_y, final_label, anchor="end", weight="600",
                          fill=final_colour, css_class="final-label"))

    payback = result.headline.payback_months
    headline_y = 15 if compact else top - 12
    if payback is None:
        body.append(_text(0 if compact else left + 8, headline_y,
                          _("Seuil de rentabilité non atteint sur l’horizon"),
                          fill=RED, weight="600", css_class="payback-not-reached"))
    elif result.headline.total_costs:  # without any cost there is nothing to pay back
        x = x_of(float(payback))
        payback_text = format_decimal(payback, 2, lang=lang)
        label = _("Seuil de rentabilité : %(months)s mois") % {"months": payback_text}
        anchor = "middle"
        label_x = x
        if compact:
            anchor, label_x = "start", 0
        elif x < left + 110:
            anchor, label_x = "start", max(x - 6, 4)
        elif x > left + plot_width - 110:
            anchor, label_x = "end", min(x + 6, width - 4)
        body.append(
            f'<g class="payback-marker" data-month="{escape(format(payback, "f"))}">'
            f'<line class="payback-line" x1="{_num(x)}" y1="{_num(top - 4)}" x2="{_num(x)}" '
            f'y2="{_num(top + plot_height)}" stroke="{NAVY}" stroke-width="1.2" '
            f'stroke-dasharray="4 3"/>'
            f'<circle cx="{_num(x)}" cy="{_num(zero_y)}" r="5" fill="#ffffff" '
            f'stroke="{GREEN}" stroke-width="2.4"/>'
            + _text(label_x, headline_y, label, anchor=anchor, weight="600", fill=NAVY)
            + "</g>"
        )

    aria = _("Flux de trésorerie cumulé sur %(months)s mois") % {"months": horizon}
    return _svg(height, aria, body, css_class="roi-chart-cashflow", compact=compact)


# --- options side by side ------------------------------------------------------------------

# One colour and one dash pattern per option (the reference solid navy): told apart in colour
# and in grey print alike.
OPTION_STYLES: tuple[tuple[str, str], ...] = (
    (NAVY, ""), ("#1d8a63", "7 4"), ("#c2410c", "2 3"), ("#7c3aed", "10 3 2 3"),
)


def options_cashflow_svg(cumulatives: Sequence[Sequence[Decimal]], *, names: Sequence[str],
                         currency: str, lang: str = "fr", compact: bool = False) -> str:
    """The cumulative net cash flow of every option of a comparison on one chart, month 0
    (= 0) to the horizon H: ``cumulatives[k]`` is option k's cumulative net of months 1..H
    (the comparison's ``cumulative_net``); each option has its own colour and dash pattern
    and a legend entry, the reference first."""
    with override(lang):
        return _options_cashflow_svg(cumulatives, names=names, currency=currency, lang=lang,
                                     compact=compact)


def _options_cashflow_svg(cumulatives: Sequence[Sequence[Decimal]], *, names: Sequence[str],
                          currency: str, lang: str, compact: bool) -> str:
    horizon = len(cumulatives[0])
    series = [[Decimal(0), *(Decimal(value) for value in values)] for values in cumulatives]
    per_row = 1 if compact else 2
    legend_rows = -(-len(series) // per_row)
    if compact:
        width, left, right, top, bottom = COMPACT_WIDTH, 54.0, 12.0, 18.0 * legend_rows + 8, 38.0
        height = top + 200 + bottom
    else:
        width, left, right, top, bottom = WIDTH, 78.0, 24.0, 18.0 * legend_rows + 14, 44.0
        height = top + 250 + bottom
    plot_width, plot_height = width - left - right, height - top - bottom
    tick_size = 11 if compact else None
    every = [value for values in series for value in values]
    ticks = nice_ticks(min(min(every), Decimal(0)), max(max(every), Decimal(0)))
    y_min, y_max = float(ticks[0]), float(ticks[-1])
    divisor, suffix = _amount_unit(max(abs(ticks[0]), abs(ticks[-1])))
    step = ticks[1] - ticks[0] if len(ticks) > 1 else Decimal(1)
    places = _places_for(step, divisor)

    def x_of(month: float) -> float:
        return left + month / horizon * plot_width

    def y_of(value: float) -> float:
        return top + (y_max - value) / (y_max - y_min) * plot_height

    body: list[str] = []
    for tick in ticks:
        y = y_of(float(tick))
        body.append(f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_width)}" '
                    f'y2="{_num(y)}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(left - 6 if compact else left - 8, y + 4,
                          format_money_compact(tick, currency, lang=lang, places=places,
                                               divisor=divisor, suffix=suffix),
                          anchor="end", fill=MUTED, size=tick_size, css_class="y-tick"))
    months = list(range(0, horizon + 1, _month_step(horizon, most=6 if compact else 12)))
    if months[-1] != horizon:
        months.append(horizon)
    for month in months:
        x = x_of(month)
        body.append(f'<line x1="{_num(x)}" y1="{_num(top + plot_height)}" x2="{_num(x)}" '
                    f'y2="{_num(top + plot_height + 4)}" stroke="{MUTED}" stroke-width="1"/>')
        body.append(_text(x, top + plot_height + 17, str(month), anchor="middle", fill=MUTED,
                          size=tick_size, css_class="x-tick"))
    body.append(_text(left + plot_width / 2, height - 6, _("Mois"), anchor="middle",
                      fill=MUTED, size=tick_size))
    zero_y = y_of(0)
    body.append(f'<line x1="{_num(left)}" y1="{_num(zero_y)}" x2="{_num(left + plot_width)}" '
                f'y2="{_num(zero_y)}" stroke="{INK}" stroke-width="1" class="zero-line"/>')
    legend_x = 0.0 if compact else left
    for index, (name, values) in enumerate(zip(names, series, strict=True)):
        colour, dash = OPTION_STYLES[index % len(OPTION_STYLES)]
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        coordinates = " ".join(f"{_num(x_of(m))},{_num(y_of(float(v)))}"
                               for m, v in enumerate(values))
        body.append(f'<polyline class="option-line" data-option="{index}" '
                    f'points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2.2"'
                    f'{dash_attribute} stroke-linejoin="round"/>')
        final = format_money_compact(values[-1], currency, lang=lang)
        label = _truncate(f"{index + 1}. {name} ({final})", 44 if compact else 50)
        y = 14 + 18 * (index // per_row)
        x = legend_x + (index % per_row) * (plot_width / per_row)
        body.append(f'<line x1="{_num(x)}" y1="{_num(y - 4)}" x2="{_num(x + 22)}" '
                    f'y2="{_num(y - 4)}" stroke="{colour}" stroke-width="2.6"{dash_attribute}/>')
        body.append(_text(x + 27, y, label, size=tick_size, css_class="legend"))
    aria = _("Flux de trésorerie cumulé de chaque option sur %(months)s mois") % {
        "months": horizon}
    return _svg(height, aria, body, css_class="roi-chart-options", compact=compact)


# --- costs and gains by post ---------------------------------------------------------------


def posts_svg(result: CaseResult, *, labels: dict[str, str], lang: str = "fr",
              compact: bool = False) -> str:
    """Horizontal bars of the costs by post and the gains by post over the horizon.

    Gains are risk-adjusted (× confidence), drawn over a lighter "ghost" bar of the unadjusted
    figure. Only posts with a non-zero amount appear; costs and gains share one scale so that
    their lengths compare. ``labels`` maps post codes to titles (unknown codes show the code).
    The compact layout writes each post's title on its own line above its bar.
    """
    with override(lang):
        return _posts_svg(result, labels=labels, lang=lang, compact=compact)


def _posts_svg(result: CaseResult, *, labels: dict[str, str], lang: str, compact: bool) -> str:
    currency = result.currency
    width = COMPACT_WIDTH if compact else WIDTH
    costs = sorted((p for p in result.costs_by_post if p.total), key=lambda p: -p.total)
    gains = sorted((p for p in result.gains_by_post if p.total or p.total_unadjusted),
                   key=lambda p: -p.total_unadjusted)
    if compact:
        # Room on the right of the longest bar for "35 700 € (brut 59 500 €)".
        label_right, bar_left, bar_right = 0.0, 0.0, 186.0
        row, bar_height, header = 36.0, 13.0, 40.0
    else:
        # Room on the right for "35 700 € (brut 59 500 €)".
        label_right, bar_left, bar_right = 246.0, 256.0, 566.0
        row, bar_height, header = 24.0, 14.0, 30.0
    largest = max([p.total for p in costs] + [p.total_unadjusted for p in gains] + [Decimal(0)])

    def width_of(value: Decimal) -> float:
        if not largest:
            return 0.0
        return max(float(value / largest) * (bar_right - bar_left), 1.0 if value else 0.0)

    body: list[str] = []
    y = 4.0 if compact else 8.0
    if not costs and not gains:
        body.append(_text(width / 2, 40, _("Aucun montant saisi pour l’instant."),
                          anchor="middle", fill=MUTED, italic=True, css_class="empty-note"))
        return _svg(70, _("Coûts et gains par poste"), body, css_class="roi-chart-posts",
                    compact=compact)

    sections = (
        ("cost", costs, _("Coûts par poste"), RED, None),
        ("gain", gains, _("Gains par poste, ajustés du risque"), GREEN, GREEN_LIGHT),
    )
    for kind, posts, title, colour, ghost in sections:
        if not posts:
            continue
        total = sum((p.total for p in posts), Decimal(0))
        total_text = _("Total : %(amount)s") % {
            "amount": format_money_compact(total, currency, lang=lang)}
        y += 16
        body.append(_text(0, y, title, weight="700", size=13 if compact else 12.5, fill=NAVY))
        if compact:
            # A long title and the total would not share 360 units: the total goes below.
            y += 18
            body.append(_text(0, y, total_text, weight="600", fill=colour))
        else:
            body.append(_text(WIDTH, y, total_text, anchor="end", weight="600", fill=colour))
        body.append(f'<line x1="0" y1="{_num(y + 6)}" x2="{width}" y2="{_num(y + 6)}" '
                    f'stroke="{GRID}" stroke-width="1"/>')
        y += header - (34 if compact else 16)
        for post in posts:
            if compact:
                label_y = y + 13
                centre = label_y + 4 + bar_height / 2 + 2
            else:
                centre = y + row / 2
                label_y = centre + 4
            bar_top = centre - bar_height / 2
            name = _truncate(labels.get(post.category, post.category), 50 if compact else 42)
            body.append(f'<g class="post-bar post-{kind}" data-category="{escape(post.category)}">')
            body.append(_text(label_right, label_y, name, anchor="start" if compact else "end",
                              size=None if compact else 10.5))
            if ghost is not None and post.total_unadjusted != post.total:
                body.append(f'<rect class="ghost" x="{_num(bar_left)}" y="{_num(bar_top)}" '
                            f'width="{_num(width_of(post.total_unadjusted))}" '
                            f'height="{_num(bar_height)}" rx="2" fill="{ghost}"/>')
            bar_width = width_of(post.total)
            body.append(f'<rect x="{_num(bar_left)}" y="{_num(bar_top)}" '
                        f'width="{_num(bar_width)}" height="{_num(bar_height)}" rx="2" '
                        f'fill="{colour}"/>')
            value = format_money_compact(post.total, currency, lang=lang)
            if ghost is not None and post.total_unadjusted != post.total:
                value += " " + _("(brut %(amount)s)") % {
                    "amount": format_money_compact(post.total_unadjusted, currency, lang=lang)}
                end = bar_left + max(bar_width, width_of(post.total_unadjusted))
            else:
                end = bar_left + bar_width
            body.append(_text(end + 6, centre + 4, value, fill=INK,
                              size=11 if compact else None))
            body.append("</g>")
            y += row
        y += 6
    if any(p.total_unadjusted != p.total for p in gains):
        legend = ((GREEN, _("Ajusté du risque (× confiance)")),
                  (GREEN_LIGHT, _("Avant ajustement du risque")))
        y += 6
        if compact:
            # One line each.
            for fill, text in legend:
                body.append(f'<rect x="0" y="{_num(y)}" width="14" height="10" rx="2" '
                            f'fill="{fill}"/>')
                body.append(_text(20, y + 9, text, fill=MUTED, size=11))
                y += 18
        else:
            for offset, (fill, text) in zip((0, 210), legend, strict=True):
                body.append(f'<rect x="{_num(bar_left + offset)}" y="{_num(y)}" width="14" '
                            f'height="10" rx="2" fill="{fill}"/>')
                body.append(_text(bar_left + offset + 20, y + 9, text, fill=MUTED))
            y += 16
    return _svg(y + 6, _("Coûts et gains par poste"), body, css_class="roi-chart-posts",
                compact=compact)


# --- tornado -----------------------------------------------------------------------------------


def tornado_svg(result: CaseResult, *, labels: dict[str, str], lang: str = "fr",
                compact: bool = False) -> str:
    """The ROI sensitivity: for each post (in the engine's order, widest spread first) a bar
    from the ROI with the post at its unfavourable end (−20 % for a gain, +20 % for a cost) to
    its favourable end, around a vertical line at the base ROI. Without cost the ROI is
    undefined and a short note replaces the bars. The compact layout writes each post's title
    on its own line above its bar."""
    with override(lang):
        return _tornado_svg(result, labels=labels, lang=lang, compact=compact)


def _tornado_svg(result: CaseResult, *, labels: dict[str, str], lang: str,
                 compact: bool) -> str:
    width = COMPACT_WIDTH if compact else WIDTH
    base = result.headline.roi_percent
    bars = [bar for bar in result.tornado if bar.roi_low is not None and bar.roi_high is not None]
    aria = _("Sensibilité du ROI à chaque poste (−20 % / +20 %)")
    if base is None or not bars:
        note = (_("ROI non calculable sans coût : pas d’analyse de sensibilité.")
                if base is None else _("Aucun poste chiffré : pas d’analyse de sensibilité."))
        lines = _wrap(note, 52) if compact else [note]
        body = [_text(width / 2, 40 + 16 * index, line, anchor="middle", fill=MUTED,
                      italic=True, css_class="empty-note") for index, line in enumerate(lines)]
        return _svg(54 + 16 * len(lines), aria, body, css_class="roi-chart-tornado",
                    compact=compact)

    if compact:
        label_right, plot_left, plot_right = 0.0, 52.0, 304.0
        top, row, bar_height = 44.0, 38.0, 14.0
        plot_bottom = top + row * len(bars)
    else:
        label_right, plot_left, plot_right = 226.0, 300.0, 650.0
        top, row, bar_height = 40.0, 26.0, 15.0
        plot_bottom = top + row * len(bars) + 4
    value_size = 11 if compact else 10.5
    low = min([float(bar.roi_low) for bar in bars] + [float(base)])
    high = max([float(bar.roi_high) for bar in bars] + [float(base)])
    span = high - low or max(abs(high), 1.0)
    low, high = low - span * 0.04, high + span * 0.04

    def x_of(value: float) -> float:
        return plot_left + (value - low) / (high - low) * (plot_right - plot_left)

    base_x = x_of(float(base))
    body: list[str] = []
    if low < 0 < high:
        zero_x = x_of(0)
        body.append(f'<line x1="{_num(zero_x)}" y1="{_num(top - 6)}" x2="{_num(zero_x)}" '
                    f'y2="{_num(plot_bottom)}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(zero_x, plot_bottom + 12, _percent(Decimal(0), lang=lang, places=0),
                          anchor="middle", fill=MUTED, size=11 if compact else None))
    for index, bar in enumerate(bars):
        if compact:
            label_y = top + index * row + 12
            centre = label_y + 6 + bar_height / 2
        else:
            centre = top + index * row + row / 2
            label_y = centre + 4
        bar_top = centre - bar_height / 2
        x_low, x_high = x_of(float(bar.roi_low)), x_of(float(bar.roi_high))
        dot = RED if bar.kind == "cost" else GREEN
        name = _truncate(labels.get(bar.category, bar.category), 50 if compact else 37)
        body.append(f'<g class="tornado-bar" data-category="{escape(bar.category)}">')
        if compact:
            body.append(f'<circle cx="4" cy="{_num(label_y - 4)}" r="3.5" fill="{dot}"/>')
            body.append(_text(12, label_y, name, halo=True))
        else:
            body.append(f'<circle cx="{_num(label_right + 8)}" cy="{_num(centre)}" r="3.5" '
                        f'fill="{dot}"/>')
            body.append(_text(label_right, centre + 4, name, anchor="end", size=10.5))
        if x_low < base_x:
            body.append(f'<rect x="{_num(x_low)}" y="{_num(bar_top)}" '
                        f'width="{_num(base_x - x_low)}" height="{_num(bar_height)}" '
                        f'fill="{RED_LIGHT}" stroke="{RED}" stroke-width="0.8"/>')
        if x_high > base_x:
            body.append(f'<rect x="{_num(base_x)}" y="{_num(bar_top)}" '
                        f'width="{_num(x_high - base_x)}" height="{_num(bar_height)}" '
                        f'fill="{GREEN_LIGHT}" stroke="{GREEN}" stroke-width="0.8"/>')
        body.append(_text(x_low - 5, centre + 4, _percent(bar.roi_low, lang=lang),
                          anchor="end", fill=RED, size=value_size))
        body.append(_text(x_high + 5, centre + 4, _percent(bar.roi_high, lang=lang),
                          fill=GREEN, size=value_size))
        body.append("</g>")
    base_line = (f'<line class="base-roi" x1="{_num(base_x)}" y1="{_num(top - 8)}" '
                 f'x2="{_num(base_x)}" y2="{_num(plot_bottom)}" stroke="{NAVY}" '
                 f'stroke-width="1.6"/>')
    # Compact: under the bars and the titles written across it; wide: over the bars.
    if compact:
        body.insert(0, base_line)
    else:
        body.append(base_line)
    base_label = _("ROI de base : %(roi)s") % {"roi": _percent(base, lang=lang, places=2)}
    anchor, base_label_x = "middle", base_x
    if compact and base_x < 80:
        anchor, base_label_x = "start", max(base_x - 6, 0)
    elif compact and base_x > width - 80:
        anchor, base_label_x = "end", min(base_x + 6, width)
    body.append(_text(base_label_x, top - 14, base_label, anchor=anchor, weight="700",
                      fill=NAVY))
    note = _("Chaque poste varie de −20 % à +20 %, les autres restant inchangés.")
    if compact:
        legend_y = plot_bottom + 34
        note_lines = _wrap(note, 54)
        height = legend_y + 16 * len(note_lines) + 8
    else:
        height = plot_bottom + 30
        legend_y = height - 8
    legend_size = 11 if compact else 10
    body.append(f'<circle cx="6" cy="{_num(legend_y - 4)}" r="3.5" fill="{RED}"/>')
    body.append(_text(14, legend_y, _("poste de coût"), fill=MUTED, size=legend_size))
    second = 118 if compact else 102
    body.append(f'<circle cx="{second}" cy="{_num(legend_y - 4)}" r="3.5" fill="{GREEN}"/>')
    body.append(_text(second + 8, legend_y, _("poste de gain"), fill=MUTED, size=legend_size))
    if compact:
        for index, line in enumerate(note_lines, start=1):
            body.append(_text(0, legend_y + 16 * index, line, fill=MUTED, size=legend_size))
    else:
        body.append(_text(WIDTH, legend_y, note, anchor="end", fill=MUTED, size=10))
    return _svg(height, aria, body, css_class="roi-chart-tornado", compact=compact)


# --- tracking: planned against actual cumulative, and the reforecast -----------------------

ORANGE = "#b54708"


def tracking_svg(tracking: TrackingResult, *, approved_payback: Decimal | None = None,
                 lang: str = "fr", currency: str = "EUR", compact: bool = False) -> str:
    """The planned cumulative net (dashed navy) against the actual one over the closed months
    1..A (solid green), the reforecast continuing after A (dotted orange), a band on the
    closed months and the approved payback marked (a vertical line at ``approved_payback``
    months, the approved version's). Month 0 is 0 for every series (method §3)."""
    with override(lang):
        return _tracking_svg(tracking, approved_payback=approved_payback, lang=lang,
                             currency=currency, compact=compact)


def _tracking_svg(tracking: TrackingResult, *, approved_payback: Decimal | None, lang: str,
                  currency: str, compact: bool) -> str:
    months_rows = tracking.monthly
    horizon = len(months_rows)
    closed = tracking.as_of_month
    if compact:
        width, height = COMPACT_WIDTH, 290
        left, right, top, bottom = 54.0, 12.0, 70.0, 38.0
    else:
        width, height = WIDTH, 320
        left, right, top, bottom = 78.0, 24.0, 52.0, 44.0
    plot_width, plot_height = width - left - right, height - top - bottom
    tick_size = 11 if compact else None
    plan = [Decimal(0)] + [row.plan_cumulative for row in months_rows]
    forecast = [Decimal(0)] + [row.reforecast_cumulative for row in months_rows]
    everything = [*plan, *forecast, Decimal(0)]
    ticks = nice_ticks(min(everything), max(everything))
    y_min, y_max = float(ticks[0]), float(ticks[-1])
    divisor, suffix = _amount_unit(max(abs(ticks[0]), abs(ticks[-1])))
    step = ticks[1] - ticks[0] if len(ticks) > 1 else Decimal(1)
    places = _places_for(step, divisor)
    span = max(horizon, 1)

    def x_of(month: float) -> float:
        return left + month / span * plot_width

    def y_of(value: float) -> float:
        if y_max == y_min:
            return top + plot_height / 2
        return top + (y_max - value) / (y_max - y_min) * plot_height

    def polyline(values, start: int, stop: int, colour: str, dash: str, css: str) -> str:
        points = " ".join(f"{_num(x_of(m))},{_num(y_of(float(values[m])))}"
                          for m in range(start, stop + 1))
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        return (f'<polyline class="{css}" points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="2.4" stroke-linejoin="round" stroke-linecap="round"'
                f'{dashing}/>')

    body: list[str] = []
    if closed:
        body.append(f'<rect class="closed-months" x="{_num(x_of(0))}" y="{_num(top)}" '
                    f'width="{_num(x_of(closed) - x_of(0))}" height="{_num(plot_height)}" '
                    f'fill="{GREEN_LIGHT}" fill-opacity="0.25"/>')
    for tick in ticks:
        y = y_of(float(tick))
        body.append(f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_width)}" '
                    f'y2="{_num(y)}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(left - 6 if compact else left - 8, y + 4,
                          format_money_compact(tick, currency, lang=lang, places=places,
                                               divisor=divisor, suffix=suffix),
                          anchor="end", fill=MUTED, size=tick_size, css_class="y-tick"))
    month_step = _month_step(horizon, most=6 if compact else 12)
    ticks_x = list(range(0, horizon + 1, month_step))
    if ticks_x[-1] != horizon:
        ticks_x.append(horizon)
    for month in ticks_x:
        x = x_of(month)
        body.append(_text(x, top + plot_height + 17, str(month), anchor="middle", fill=MUTED,
                          size=tick_size, css_class="x-tick"))
    body.append(_text(left + plot_width / 2, height - 6, _("Mois"), anchor="middle",
                      fill=MUTED, size=tick_size))
    zero_y = y_of(0)
    body.append(f'<line x1="{_num(left)}" y1="{_num(zero_y)}" x2="{_num(left + plot_width)}" '
                f'y2="{_num(zero_y)}" stroke="{NAVY}" stroke-width="1" class="zero-line"/>')
    body.append(polyline(plan, 0, horizon, NAVY, "6 4", "plan-line"))
    if closed < horizon:
        body.append(polyline(forecast, closed, horizon, ORANGE, "2 4", "reforecast-line"))
    if closed:
        body.append(polyline(forecast, 0, closed, GREEN, "", "actual-line"))
    if approved_payback is not None:
        x = x_of(min(float(approved_payback), float(span)))
        body.append(
            f'<g class="approved-payback" data-month="{escape(format(approved_payback, "f"))}">'
            f'<line x1="{_num(x)}" y1="{_num(top - 4)}" x2="{_num(x)}" '
            f'y2="{_num(top + plot_height)}" stroke="{NAVY}" stroke-width="1.2" '
            f'stroke-dasharray="1 3"/>'
            + _text(x, top + plot_height - 6, _("Retour approuvé : %(m)s mois") % {
                "m": format_decimal(approved_payback, 1, lang=lang)},
                anchor="end" if x > left + plot_width / 2 else "start", size=tick_size,
                fill=NAVY, halo=True)
            + "</g>")
    # Legend above the plot.
    legend = [(NAVY, "6 4", _("Plan approuvé")), (GREEN, "", _("Réel (mois clos)")),
              (ORANGE, "2 4", _("Prévision révisée"))]
    x, y = (0.0, 16.0) if compact else (left, 18.0)
    for index, (colour, dash, label) in enumerate(legend):
        if compact and index == 2:
            x, y = 0.0, 36.0
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<line x1="{_num(x)}" y1="{_num(y - 4)}" x2="{_num(x + 22)}" '
                    f'y2="{_num(y - 4)}" stroke="{colour}" stroke-width="2.4"{dashing}/>')
        body.append(_text(x + 28, y, label, fill=INK, css_class="legend"))
        x += 28 + len(label) * (7 if compact else 6.2) + 18
    aria = _("Cumul net prévu et réel, prévision révisée sur %(h)s mois (%(a)s mois clos)") % {
        "h": horizon, "a": closed}
    return _svg(height, aria, body, css_class="roi-chart-tracking", compact=compact)
