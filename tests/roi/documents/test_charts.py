"""Server-side SVG charts: valid XML, the right geometry, escaped text, no crash on edge cases.

Pure functions: no database needed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from roi.calculation import compute
from roi.documents.charts import cashflow_svg, nice_ticks, posts_svg, tornado_svg
from roi.formats import format_money_compact as money_label
from tests.calculation.factories import ONCE, YEARLY, apogea, case, cost, gain

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script><img src="file:///etc/passwd">&"\''

LABELS = {
    "software": "Logiciel CRM", "integration": "Intégration et déploiement",
    "training": "Formation", "support": "Support", "internal": "Ressources internes",
    "productivity": "Productivité commerciale", "conversion": "Conversion",
    "marketing": "Marketing", "retention": "Fidélisation",
}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") == "100%"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    assert root.find(f"{SVG}title") is not None
    # Nothing WeasyPrint would not draw, nothing a browser would run.
    for tag in ("script", "foreignObject", "style", "image", "a"):
        assert root.find(f".//{SVG}{tag}") is None, tag
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_cashflow_marks_the_payback_of_apogea_at_month_nine():
    result = compute(apogea())
    assert result.headline.payback_months == 9
    root = parse(cashflow_svg(result))
    marker = root.find(f".//{SVG}g[@class='payback-marker']")
    assert marker is not None
    line = marker.find(f"{SVG}line[@class='payback-line']")
    # The marker sits exactly on the month-9 tick of the x axis.
    ticks = {t.text: float(t.get("x")) for t in root.iter(f"{SVG}text")
             if t.get("class") == "x-tick"}
    assert sorted(ticks, key=int) == [str(m) for m in range(13)]
    assert float(line.get("x1")) == pytest.approx(ticks["9"])
    assert "Seuil de rentabilité : 9,00 mois" in texts(root)
    assert not any("non atteint" in text for text in texts(root))


def test_cashflow_interpolates_a_fractional_payback():
    # 1 000 cost once, 300 a month of gains: cumulative −700, −400, −100, +200 -> 3 + 100/300.
    result = compute(case(6, costs=[cost("integration", 1000, ONCE)],
                          gains=[gain("productivity", 300)]))
    root = parse(cashflow_svg(result))
    ticks = {t.text: float(t.get("x")) for t in root.iter(f"{SVG}text")
             if t.get("class") == "x-tick"}
    x = float(root.find(f".//{SVG}line[@class='payback-line']").get("x1"))
    assert x == pytest.approx(ticks["3"] + (ticks["4"] - ticks["3"]) / 3, abs=0.01)
    assert "Seuil de rentabilité : 3,33 mois" in texts(root)


def test_cashflow_axis_uses_french_rounded_amounts():
    root = parse(cashflow_svg(compute(apogea())))
    y_ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "y-tick"]
    # Apogea's cumulative goes from −28 666,67 € (month 1) to +10 000 €.
    assert y_ticks == ["−30\u00a0k€", "−20\u00a0k€", "−10\u00a0k€", "0\u00a0€", "10\u00a0k€"]
    assert root.find(f".//{SVG}line[@class='zero-line']") is not None


def test_cashflow_says_when_payback_is_not_reached():
    result = compute(apogea(horizon=6))
    assert result.headline.payback_months is None
    root = parse(cashflow_svg(result))
    assert root.find(f".//{SVG}g[@class='payback-marker']") is None
    assert "Seuil de rentabilité non atteint sur l’horizon" in texts(root)


def test_cashflow_long_horizon_has_readable_month_ticks():
    root = parse(cashflow_svg(compute(apogea(horizon=36))))
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "x-tick"]
    assert ticks == [str(m) for m in range(0, 37, 3)]


def test_cashflow_of_an_empty_case_does_not_crash():
    parse(cashflow_svg(compute(case(12))))


def test_posts_chart_shows_only_non_zero_posts_with_risk_ghost():
    risky = case(12, costs=apogea().costs,
                 gains=[gain("productivity", 18000, YEARLY, confidence=Decimal("0.5"))])
    root = parse(posts_svg(compute(risky), labels=LABELS))
    categories = [g.get("data-category") for g in root.iter(f"{SVG}g")
                  if "post-bar" in (g.get("class") or "")]
    # Costs by amount (largest first), then the one gain; no empty post.
    assert categories == ["integration", "software", "internal", "training", "support",
                          "productivity"]
    gain_bar = root.find(f".//{SVG}g[@data-category='productivity']")
    assert gain_bar.find(f"{SVG}rect[@class='ghost']") is not None
    assert "9\u202f000\u00a0€ (brut 18\u202f000\u00a0€)" in texts(root)
    assert "Logiciel CRM" in texts(root)


def test_hostile_labels_are_escaped_in_every_chart():
    labels = dict.fromkeys(LABELS, HOSTILE)
    result = compute(apogea())
    for svg in (posts_svg(result, labels=labels), tornado_svg(result, labels=labels)):
        assert "<script" not in svg and "<img" not in svg
        root = parse(svg)
        assert any(text.startswith("<script>") for text in texts(root))


def test_tornado_is_sorted_as_the_engine_gives_around_the_base_roi():
    result = compute(apogea())
    root = parse(tornado_svg(result, labels=LABELS))
    categories = [g.get("data-category") for g in root.iter(f"{SVG}g")
                  if g.get("class") == "tornado-bar"]
    assert categories == [bar.category for bar in result.tornado]
    assert root.find(f".//{SVG}line[@class='base-roi']") is not None
    assert "ROI de base : 22,22\u00a0%" in texts(root)


def test_tornado_without_cost_shows_a_note_instead_of_bars():
    result = compute(case(12, gains=[gain("productivity", 1000)]))
    assert result.headline.roi_percent is None
    for svg in (tornado_svg(result, labels=LABELS), posts_svg(result, labels=LABELS),
                cashflow_svg(result)):
        parse(svg)
    root = parse(tornado_svg(result, labels=LABELS))
    assert root.find(f".//{SVG}g[@class='tornado-bar']") is None
    assert "ROI non calculable sans coût : pas d’analyse de sensibilité." in texts(root)


def test_nothing_entered_gives_notes_not_errors():
    result = compute(case(12))
    assert "Aucun montant saisi" in posts_svg(result, labels={})
    parse(tornado_svg(result, labels={}))


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (Decimal("-30000"), "fr", "−30\u00a0k€"),
    (Decimal("2500"), "fr", "2\u202f500\u00a0€"),
    (Decimal("-30000"), "en", "-€30k"),
    (Decimal("0"), "en", "€0"),
])
def test_money_label(value, lang, expected):
    divisor = Decimal(1000) if abs(value) >= 10000 else Decimal(1)
    suffix = "k" if divisor == 1000 else ""
    assert money_label(value, "EUR", lang=lang, divisor=divisor, suffix=suffix) == expected


def test_nice_ticks_cover_the_range_with_round_steps():
    assert nice_ticks(Decimal("-28666.67"), Decimal("10000")) == [
        Decimal(v) for v in (-30000, -20000, -10000, 0, 10000)]
    assert nice_ticks(Decimal(0), Decimal(0)) == [Decimal(v) for v in
                                                  ("0", "0.2", "0.4", "0.6", "0.8", "1")]


# --- the compact layout (phones, narrow columns) ---------------------------------------------

COMPACT = 360


def advance(text: str) -> float:
    """A generous width of ``text`` in em, in Inter or DejaVu Sans (both a little narrower):
    text kept inside the box with these widths is inside it in the browser."""
    narrow = " \u00a0\u202f,.:;'’()|il"
    return sum(0.32 if c in narrow else 0.8 if c.isupper() or c in "€%mwM—−" else 0.62
               for c in text)


def compact_charts(result, labels=LABELS):
    return {
        "cashflow": cashflow_svg(result, compact=True),
        "posts": posts_svg(result, labels=labels, compact=True),
        "tornado": tornado_svg(result, labels=labels, compact=True),
    }


def text_extent(node: ET.Element, inherited: float) -> tuple[float, float, float]:
    """(left, right, font size) of a text node, from its anchor and a generous advance."""
    size = float(node.get("font-size") or inherited)
    width = advance("".join(node.itertext())) * size
    x = float(node.get("x"))
    anchor = node.get("text-anchor", "start")
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, left + width, size


@pytest.mark.parametrize("result", [
    compute(apogea()), compute(apogea(horizon=36)), compute(apogea(horizon=6)),
    compute(case(12, costs=apogea().costs,
                 gains=[gain("productivity", 18000, YEARLY, confidence=Decimal("0.5"))])),
    compute(case(12)), compute(case(12, gains=[gain("productivity", 1000)])),
], ids=["apogea", "36-months", "no-payback", "risk-ghost", "empty", "no-cost"])
def test_compact_charts_keep_large_type_inside_a_360_box(result):
    """At a phone's ~330 px, 360 units shrink by 0.92: 11-unit type is still ~10 px (the wide
    layout's 720 units would give 5 px)."""
    long_labels = dict(LABELS, integration="Intégration, paramétrage et connecteurs vers l’ERP "
                                           "et la téléphonie de l’entreprise")
    for name, svg in compact_charts(result, long_labels).items():
        root = parse(svg)
        assert root.get("viewBox").split()[2] == str(COMPACT), name
        assert "roi-chart-compact" in root.get("class")
        inherited = float(root.get("font-size"))
        assert inherited >= 12
        for node in root.iter(f"{SVG}text"):
            left, right, size = text_extent(node, inherited)
            text = "".join(node.itertext())
            assert size >= 11, (name, text, size)
            assert -1 <= left and right <= COMPACT + 1, (name, text, left, right)


def test_compact_cashflow_says_the_same_things_with_fewer_ticks():
    result = compute(apogea())
    root = parse(cashflow_svg(result, compact=True))
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "x-tick"]
    assert ticks == ["0", "2", "4", "6", "8", "10", "12"]
    assert "Seuil de rentabilité : 9,00 mois" in texts(root)
    assert "Cumul à 12 mois : 10\u202f000\u00a0€" in texts(root)
    marker = root.find(f".//{SVG}line[@class='payback-line']")
    x_ticks = {t.text: float(t.get("x")) for t in root.iter(f"{SVG}text")
               if t.get("class") == "x-tick"}
    assert float(marker.get("x1")) == pytest.approx((x_ticks["8"] + x_ticks["10"]) / 2)
    long = parse(cashflow_svg(compute(apogea(horizon=36)), compact=True))
    assert [t.text for t in long.iter(f"{SVG}text") if t.get("class") == "x-tick"] == [
        str(m) for m in range(0, 37, 6)]


def test_compact_bars_keep_the_order_and_the_figures_of_the_wide_ones():
    risky = compute(case(12, costs=apogea().costs,
                         gains=[gain("productivity", 18000, YEARLY, confidence=Decimal("0.5"))]))
    for chart, group in ((posts_svg, "post-bar"), (tornado_svg, "tornado-bar")):
        wide, compact = (parse(chart(risky, labels=LABELS, compact=flag)) for flag in (False, True))

        def bars(root, group=group):
            return [(g.get("data-category"), sorted("".join(t.itertext())
                                                    for t in g.iter(f"{SVG}text")))
                    for g in root.iter(f"{SVG}g") if group in (g.get("class") or "")]

        assert bars(compact) == bars(wide)
    assert "9\u202f000\u00a0€ (brut 18\u202f000\u00a0€)" in texts(
        parse(posts_svg(risky, labels=LABELS, compact=True)))


def test_hostile_labels_are_escaped_in_compact_charts_too():
    labels = dict.fromkeys(LABELS, HOSTILE)
    for svg in compact_charts(compute(apogea()), labels).values():
        assert "<script" not in svg and "<img" not in svg
        parse(svg)


def test_the_wide_layout_is_the_pdf_one():
    """The dossier calls the charts without ``compact``: 720 units across."""
    for svg in (cashflow_svg(compute(apogea())), posts_svg(compute(apogea()), labels=LABELS),
                tornado_svg(compute(apogea()), labels=LABELS)):
        root = parse(svg)
        assert root.get("viewBox").split()[2] == "720"
        assert "roi-chart-wide" in root.get("class")
