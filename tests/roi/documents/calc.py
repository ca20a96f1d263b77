"""LibreOffice Calc as the independent formula engine of the workbook tests.

:func:`recalculate` opens workbooks in Calc headless with recalculation on load forced (Calc's
default for .xlsx is to trust the stored values: the profile's ``OOXMLRecalcMode`` = 0, "always
recalculate", is what makes it compute every formula itself) and saves Calc's results as .xlsx;
:func:`formula_mismatches` compares them, cell by cell, with the values our file stores.

Each call runs its own soffice with its own throwaway profile (``-env:UserInstallation``), so
calls can run in parallel, and has a timeout after which its process group is ended.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
TIMEOUT_SECONDS = 240

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _soffice(arguments: list[str], directory: Path) -> str:
    if not Path(SOFFICE).exists():
        raise AssertionError("LibreOffice Calc is missing: run `make install` "
                             "(Debian package libreoffice-calc-nogui).")
    profile = directory / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS,
                                                                encoding="utf-8")
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--nolockcheck", *arguments]
    process = subprocess.Popen(command, cwd=directory, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, "HOME": str(directory)})
    try:
        output, _ = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"soffice took more than {TIMEOUT_SECONDS} s") from None
    if process.returncode != 0:
        raise AssertionError(f"soffice failed ({process.returncode}): {output.decode()}")
    return output.decode(errors="replace")


def convert(workbooks: Mapping[str, bytes], directory: Path, target: str) -> dict[str, Path]:
    """Open each workbook (file name -> bytes) in Calc, recalculated, and save it as
    ``target`` ("xlsx", "pdf", or "csv": the first sheet's cells as Calc shows them) in
    ``directory``; one soffice run for them all."""
    sources = directory / "sources"
    output = directory / "calc"
    sources.mkdir(parents=True)
    for name, data in workbooks.items():
        (sources / name).write_bytes(data)
    filter_name = {
        "xlsx": "xlsx:Calc MS Excel 2007 XML",
        "pdf": "pdf",
        # The first sheet as text, each cell as Calc shows it (the last option: "as shown").
        "csv": "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
    }[target]
    log = _soffice(["--convert-to", filter_name, "--outdir", str(output),
                    *(str(sources / name) for name in workbooks)], directory)
    results = {name: output / f"{Path(name).stem}.{target}" for name in workbooks}
    missing = [name for name, path in results.items() if not path.exists()]
    assert not missing, f"Calc wrote nothing for {missing}: {log}"
    return results


def recalculate(workbooks: Mapping[str, bytes], directory: Path) -> dict[str, Path]:
    """Calc's recalculated copy of each workbook (file name -> bytes), as .xlsx paths."""
    return convert(workbooks, directory, "xlsx")


@dataclass(frozen=True)
class Mismatch:
    sheet: str
    cell: str
    formula: str
    ours: object
    calc: object

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell} {self.formula}: stored {self.ours!r}, Calc {self.calc!r}"


def _same(ours, calc, *, money: bool) -> bool:
    if ours in (None, "") and calc in (None, ""):
        return True
    if isinstance(ours, bool) or isinstance(calc, bool):
        return ours == calc
    if isinstance(ours, int | float) and isinstance(calc, int | float):
        if money:
            return abs(ours - calc) < 0.005  # the same amount to the cent
        return abs(ours - calc) <= 1e-9 * max(1.0, abs(ours), abs(calc))
    return ours == calc


def stored_values(data: bytes | Path) -> dict[tuple[str, str], object]:
    """The values a file stores (what a viewer that does not recalculate shows)."""
    book = load_workbook(data if isinstance(data, Path) else _buffer(data), data_only=True)
    return {(ws.title, cell.coordinate): cell.value for ws in book for row in ws.iter_rows()
            for cell in row}


def _buffer(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def formula_cells(data: bytes) -> list[tuple[str, str, str, str]]:
    """(sheet, cell, formula, number format) of every formula cell of a file."""
    book = load_workbook(_buffer(data))
    return [(ws.title, cell.coordinate, cell.value, cell.number_format)
            for ws in book for row in ws.iter_rows() for cell in row if cell.data_type == "f"]


def formula_mismatches(ours: bytes, calc: Path) -> tuple[int, list[Mismatch]]:
    """How many formula cells ``ours`` has, and those whose stored value differs from Calc's
    result (money — a grouped number format — to the cent, other numbers to 1e-9 relative)."""
    formulas = formula_cells(ours)
    stored = stored_values(ours)
    computed = stored_values(calc)
    mismatches = []
    for sheet, cell, formula, number_format in formulas:
        mine, theirs = stored[sheet, cell], computed.get((sheet, cell))
        if not _same(mine, theirs, money="#,##0" in number_format):
            mismatches.append(Mismatch(sheet, cell, formula, mine, theirs))
    return len(formulas), mismatches
