"""Readers for survey exports: Nettskjema-style CSV (UTF-8 or Windows-1252, ``;`` or ``,``) and xlsx.

Every reader returns a frame of text cells (empty string for an empty cell)
with the column headers as written, plus ``attrs``: ``file`` (name),
``rows`` (the row number of each data row as the user sees it in the file,
header = 1), ``encoding``/``delimiter`` for CSV, ``sheet`` for xlsx.
:func:`resolve_columns` then maps headers to codebook question ids.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from analysis.errors import AnalysisError
from analysis.fileio import read_text, sniff_delimiter
from analysis.survey.codebook import Codebook, normalise_label

SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return str(value)


def read_csv_export(path: str | Path) -> pd.DataFrame:
    """A CSV export (any of UTF-8, UTF-8-BOM, Windows-1252; ``;``, ``,`` or tab) as text cells.

    Encoding and delimiter are detected with :mod:`analysis.fileio`
    (``read_text``, ``sniff_delimiter``). Blank lines are skipped; ``attrs["rows"]``
    holds the line where each record starts (a quoted answer may span lines).
    Cells are plain ``str`` in object columns (fast to map to codes).
    """

    text, encoding = read_text(path)
    delimiter = sniff_delimiter(text)
    all_records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if len(all_records) == len(text.splitlines()):
        line_of = range(1, len(all_records) + 1)  # one record per line: record i starts on line i + 1
    else:  # a quoted answer spans lines: track where each record starts
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        line_of, last = [], 0
        for _rec in reader:
            line_of.append(last + 1)
            last = reader.line_num
    keep = [i for i, rec in enumerate(all_records) if any(rec) and (len(rec) > 1 or rec[0].strip())]
    records = [all_records[i] for i in keep]
    starts = [line_of[i] for i in keep]
    if not records:
        raise AnalysisError("the file is empty", file=path)
    header, body, rows = records[0], records[1:], starts[1:]
    width = max([len(header)] + [len(r) for r in body])
    header = [h.strip() for h in header] + [f"column_{i + 1}" for i in range(len(header), width)]
    if any(len(r) != width for r in body):
        body = [r + [""] * (width - len(r)) for r in body]
    data = np.array(body, dtype=object).reshape(len(body), width)
    frame = pd.DataFrame({h: data[:, i] for i, h in enumerate(header)}, dtype=object)
    frame.attrs.update(
        file=Path(path).name, rows=np.asarray(rows, dtype=np.int64), encoding=encoding, delimiter=delimiter
    )
    return frame


def read_xlsx_export(path: str | Path) -> pd.DataFrame:
    """The first worksheet of an xlsx export as text cells (first non-empty row = header)."""

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise AnalysisError(f"could not open the spreadsheet ({type(exc).__name__}: {exc})", file=path) from exc
    try:
        ws = wb.worksheets[0]
        sheet = ws.title
        header: list[str] | None = None
        data: list[list[str]] = []
        rows: list[int] = []
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                continue
            data.append(cells)
            rows.append(n)
    finally:
        wb.close()
    if header is None:
        raise AnalysisError("the spreadsheet is empty", file=path, sheet=sheet)
    width = max([len(header)] + [len(r) for r in data])
    header = header + [f"column_{i + 1}" for i in range(len(header), width)]
    data = [r + [""] * (width - len(r)) for r in data]
    frame = pd.DataFrame(data, columns=header, dtype=object)
    frame.attrs.update(
        file=Path(path).name, rows=np.asarray(rows, dtype=np.int64), sheet=sheet, encoding=None, delimiter=None
    )
    return frame


def read_export(path: str | Path) -> pd.DataFrame:
    """Read one export file by its suffix; raises ``AnalysisError`` for unsupported or unreadable files."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_csv_export(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_export(path)
    raise AnalysisError(f"unsupported file type '{suffix}' (save the export as CSV or .xlsx)", file=path)


def resolve_columns(headers: list[str], codebook: Codebook) -> tuple[dict[str, str], dict[str, str | None], list[str]]:
    """Match export headers to question ids.

    A header matches a question by its id, its text or one of its aliases
    (case and spacing ignored). Returns ``(question_id → header,
    {"id": header|None, "time": header|None}, unmatched headers)``.
    """
    lookup: dict[str, str] = {}
    for q in codebook.questions:
        for key in (q.id, q.text, *q.aliases):
            lookup.setdefault(normalise_label(key), q.id)
    id_keys = {normalise_label(c) for c in codebook.id_columns}
    time_keys = {normalise_label(c) for c in codebook.time_columns}
    mapping: dict[str, str] = {}
    meta: dict[str, str | None] = {"id": None, "time": None}
    unmatched: list[str] = []
    for h in headers:
        key = normalise_label(h)
        if key in lookup and lookup[key] not in mapping:
            mapping[lookup[key]] = h
        elif key in id_keys and meta["id"] is None:
            meta["id"] = h
        elif key in time_keys and meta["time"] is None:
            meta["time"] = h
        else:
            unmatched.append(h)
    return mapping, meta, unmatched
