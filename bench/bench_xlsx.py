"""Benchmark of the Excel export: ``build_workbook`` on the engine benchmark's case at 2 000
lines × 60 months (120 000 line-month formulas on "Monthly flows", each stored with its value),
paired A B A B with a bare XlsxWriter workbook of the same cells.

The bare workbook: the same sheets, and in each the same number of formula cells (each written
with a stored value, as ours are) and of constant cells, counted in our file's own XML; no
formats, no engine, no labels. So B / A is what our workbook costs beyond writing its cells:
the engine run, the layout, the formats and the texts. The 2 s goal is on our time alone.
"""

from __future__ import annotations

import io
import platform
import re
import zipfile

from bench_calculation import build_case
from harness import pairs, wall_ms

from roi.documents.workbook import build_workbook

PAIRS = 5
LINES = 2000
GOAL_MS = 2000.0


def cell_counts(content: bytes) -> list[tuple[str, int, int]]:
    """(sheet file, formula cells, other cells) of each worksheet of an .xlsx."""
    counts = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in sorted(n for n in archive.namelist()
                           if n.startswith("xl/worksheets/sheet")):
            xml = archive.read(name).decode("utf-8")
            cells = len(re.findall(r"<c [^>]*?(?:/>|>)", xml))
            formulas = xml.count("<f>") + xml.count("<f ")
            counts.append((name, formulas, cells - formulas))
    return counts


def bare_workbook(counts: list[tuple[str, int, int]], columns: int = 64) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for index, (_name, formulas, others) in enumerate(counts):
        sheet = book.add_worksheet(f"S{index + 1}")
        for cell in range(others):
            sheet.write_number(cell // columns, cell % columns, cell)
        start = others
        for cell in range(start, start + formulas):
            row, column = cell // columns, cell % columns
            sheet.write_formula(row, column, f"=A{row + 1}*2", None, cell * 2)
    book.close()
    return buffer.getvalue()


def run(context, count: int = PAIRS) -> dict:
    case = build_case(LINES)
    ours = build_workbook(case)  # warm-up
    counts = cell_counts(ours)
    bare = bare_workbook(counts)
    measured = pairs(wall_ms(lambda: bare_workbook(counts)), wall_ms(lambda: build_workbook(case)),
                     count, warmup=1)
    return {
        "lines": LINES, "horizon_months": case.horizon_months, "pairs": count,
        "formulas": sum(c[1] for c in counts), "cells": sum(c[1] + c[2] for c in counts),
        "size_kb": len(ours) / 1024, "bare_kb": len(bare) / 1024, "goal_ms": GOAL_MS,
        "python": platform.python_version(), **measured.document(),
    }


def _n(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def markdown(f: dict) -> str:
    ok = "ok" if f["ours_ms"] <= f["goal_ms"] else "not ok"
    return "\n".join([
        f"{f['lines']} lines × {f['horizon_months']} months: {_n(f['cells'])} cells of which "
        f"{_n(f['formulas'])} formulas, each with its stored value ({f['size_kb']:.0f} KB). "
        f"{f['pairs']} pairs: a bare XlsxWriter workbook of the same cells per sheet through "
        f"its public `write_number` / `write_formula` calls (A, {f['bare_kb']:.0f} KB), then "
        "`build_workbook` (B: engine run, layout, formats, labels, bytes). Ours writes its "
        "cells through a Worksheet subclass (roi/documents/workbook.py), so it can be faster "
        "than the bare workbook: a ratio below 1 says so, it is not an error.",
        "",
        "| Measure | Bare workbook (median) | Ours (median) | × bare (ratio of medians) "
        "| Median of pair ratios | Goal | |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| `build_workbook`, {f['lines']} lines | {f['bare_ms']:.0f} ms | {f['ours_ms']:.0f} ms "
        f"| {f['ratio']:.2f} | {f['pair_ratio']:.2f} | ours ≤ {f['goal_ms']:.0f} ms | {ok} |",
        "",
        f"Python {f['python']}.",
    ])
