"""Property-based: whatever lands in data/raw/, ``analysis clean`` never crashes and never loses a cell.

Random bytes, random Unicode text (delimiters, quotes, line breaks, NUL and control characters, mojibake,
emoji) and random spreadsheets (several sheets, formulas, merged cells, numbers and dates) go into the
workshop and survey folders. For every file the cleaning must end in statements/responses, rejects or a
file error with a message — never an exception — and every non-empty cell it counted must be in a
statement, a reject or the ignored list; for spreadsheets the count must equal the cells the test wrote.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from analysis.survey.pipeline import run_clean as clean_survey
from analysis.workshops.pipeline import run_clean as clean_workshops

#: ROBUST_EXAMPLES=500 for a longer hunt; the suite runs 25 per property
SETTINGS = settings(
    max_examples=int(os.environ.get("ROBUST_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

WORDS = [
    "Gruppe",
    "Mål",
    "Type",
    "Tekst",
    "Styrke",
    "Kraft",
    "Motkraft",
    "Tiltak",
    "UR",
    "Drevsjø",
    "Økt bolyst",
    "DrevsjÃ¸",
    "=1+1",
    "- =SUM(A1)",
    "@SUM(1+1)",
    "+47",
    "xxx",
    "4/5",
    "høy",
    "Mål 2",
    "\x00",
    "\t",
    "\r\n",
    "👍",
    "÷",
    "Referent: Kari",
    "Grønn = kraft",
    "1",
    "2021-06-03",
    "31.02.2021",
    "mange",
    "",
    " ",
    "?",
]
text_cell = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))
cell_value = st.one_of(
    text_cell,
    st.integers(-5, 50),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.none(),
)


def _accounted(manifest: dict, key: str) -> None:
    """Every file's cells add up (and in total)."""
    for entry in manifest["files"]:
        cells = entry.get("cells")
        if cells is None:
            continue
        parts = ("statement", "rejected", "ignored") if key == "workshops" else ("response", "rejected", "ignored")
        assert cells["in"] == sum(cells[p] for p in parts), entry


def _run(files: dict[str, bytes]) -> tuple[dict, dict, Path]:
    tmp = Path(tempfile.mkdtemp(prefix="robust-"))
    try:
        for name, data in files.items():
            for part in ("workshops", "survey"):
                folder = tmp / "raw" / part
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
        clean_workshops(tmp, tmp / "p", lambda s: None)
        clean_survey(tmp, tmp / "p", lambda s: None)
        w = json.loads((tmp / "p" / "statements_manifest.json").read_text(encoding="utf-8"))
        s = json.loads((tmp / "p" / "survey_manifest.json").read_text(encoding="utf-8"))
        _accounted(w, "workshops")
        _accounted(s, "survey")
        return w, s, tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["a.csv", "b.txt", "c.xlsx", "d.tsv"]), st.binary(max_size=600), min_size=1))
def test_random_bytes_never_crash_the_clean(files):
    w, s, _ = _run(files)
    assert {Path(f["file"]).name for f in w["files"]} == set(files)
    for entry in w["files"] + s["files"]:
        assert entry.get("error", "x")  # read, or an error with a message


@SETTINGS
@given(
    st.lists(st.lists(text_cell, min_size=1, max_size=6), min_size=1, max_size=12),
    st.sampled_from([";", ",", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_random_unicode_csv_never_crashes_and_every_cell_is_accounted_for(rows, delimiter, encoding):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buf.getvalue().encode(encoding, errors="replace")
    w, s, _ = _run({"notater.csv": data})
    entry = w["files"][0]
    if "error" not in entry:
        assert entry["cells"]["in"] >= 0


def _xlsx_value(value: object) -> object:
    """What a spreadsheet can hold (Excel refuses most control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _workbook(sheets: list[list[list[object]]], merge: bool) -> tuple[bytes, int]:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for n, grid in enumerate(sheets):
        ws = wb.create_sheet(f"Ark{n + 1}" if n else "Innspill")
        for row in grid:
            ws.append([_xlsx_value(v) for v in row])
        if merge and ws.max_row >= 2 and ws.max_column >= 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=2, end_column=1)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    check = openpyxl.load_workbook(io.BytesIO(data))  # the cells as Excel has them, counted independently
    filled = sum(
        1
        for ws in check.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None and str(c.value).strip()
    )
    return data, filled


@SETTINGS
@given(
    st.lists(st.lists(st.lists(cell_value, min_size=1, max_size=6), min_size=0, max_size=10), min_size=1, max_size=3),
    st.booleans(),
)
def test_random_spreadsheets_never_crash_and_never_lose_a_cell(sheets, merge):
    data, filled = _workbook(sheets, merge)
    w, s, _ = _run({"workshop.xlsx": data})
    entry = w["files"][0]
    assert entry["cells"]["in"] == filled, entry  # counted from the file itself: no cell missed
    if filled == 0:
        assert entry["error"].endswith("the file is empty (no sheet has any data)")
