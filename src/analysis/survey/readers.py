"""Readers for survey exports: Nettskjema-style CSV (UTF-8 or Windows-1252, ``;``, ``,`` or tab) and xlsx.

Every reader returns a frame of text cells (empty string for an empty cell)
with the column headers as written, plus ``attrs``: ``file`` (name),
``rows`` (the row number of each data row as the user sees it in the file,
header = 1), ``encoding``/``delimiter`` for CSV, ``sheet`` for xlsx, and the lineage of the file's
cells: ``cells_in`` (non-empty cells), ``cells_ignored`` (title lines above the header, the header
row, repeated header rows) and ``notes``.
:func:`resolve_columns` then maps headers to codebook question ids.

Exports as they come: every cell and header is repaired (NUL bytes and control characters removed,
mojibake fixed); the header row is the first of the top rows naming most questions (Questback puts a
title block above it); a header row repeated further down (two exports pasted together, a page
break) is not a respondent; a header typed twice is kept twice, the second with " (2)" — never one
column overwriting the other (:func:`check_duplicate_headers` makes it an error when the header is a
question); an encrypted workbook gets its own message.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from rapidfuzz import fuzz, process

from analysis.errors import AnalysisError
from analysis.fileio import check_xlsx_bytes, read_text, sniff_delimiter
from analysis.survey.codebook import Codebook, load_codebook, normalise_label
from analysis.textrepair import repair_text

#: rapidfuzz ratio at or above which a header changed a little ("… veier og kollektivtilbud?") is taken
#: for a question's text (used with a warning)
FUZZY_HEADER_MIN = 85
_HEADER_SCAN = 15

SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return repair_text(value, keep_newlines=True) if value else value
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return str(value)


def _dedupe(header: list[str]) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Headers made unique (" (2)", " (3)" added); returns them and the duplicates with their columns."""
    seen: dict[str, list[int]] = {}
    out = []
    for i, h in enumerate(header):
        if not h:
            h = f"column_{i + 1}"  # a column without a header keeps its cells apart from the others
        seen.setdefault(h, []).append(i)
        n = len(seen[h])
        out.append(h if n == 1 else f"{h} ({n})")
    taken = set(out)
    if len(taken) < len(out):  # "Alder (2)" typed as a header of its own beside a repeated "Alder"
        out = [h if out.index(h) == i else f"{h} [{i + 1}]" for i, h in enumerate(out)]
    return out, [(h, cols) for h, cols in seen.items() if not h.startswith("column_") and len(cols) > 1]


def _header_index(rows: list[list[str]], codebook: Codebook | None) -> int:
    """Which of the top rows is the header: the first that names the most questions (0 when unsure)."""
    if codebook is None or len(rows) < 2:
        return 0
    best, best_n = 0, 0
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        mapping, meta, _ = resolve_columns([c.strip() for c in row], codebook, fuzzy=False)
        n = len(mapping) + sum(1 for v in meta.values() if v)
        if n > best_n:
            best, best_n = i, n
    return best if best_n >= 3 else 0


def _frame(path: str | Path, records: list[list[str]], starts: list[int], codebook: Codebook | None, **attrs):
    """Header, data rows and lineage of an export's non-blank records (repaired text)."""
    if not records:
        raise AnalysisError("the file is empty", file=path)
    cells_in = sum(1 for r in records for c in r if c.strip())
    h = _header_index(records, codebook)
    ignored = sum(1 for r in records[: h + 1] for c in r if c.strip())
    notes = [f"{h} line(s) above the header (a title) not read"] if h else []
    header_raw = [repair_text(c) for c in records[h]]
    body, rows = [], []
    filled_header = [i for i, k in enumerate(header_raw) if k]
    probe = filled_header[:2]
    for rec, start in zip(records[h + 1 :], starts[h + 1 :]):
        # cheap test first: the first two headed cells read like the header
        if len(probe) == 2 and not all(i < len(rec) and rec[i].strip() == header_raw[i] for i in probe):
            body.append(rec)
            rows.append(start)
            continue
        same = sum(1 for a, b in zip(rec, header_raw) if b and a.strip() == b)
        if filled_header and same >= max(2, 0.6 * len(filled_header)):
            ignored += sum(1 for c in rec if c.strip())
            notes.append(f"row {start}: the header row repeated (not a respondent)")
            continue
        body.append(rec)
        rows.append(start)
    width = max([len(header_raw)] + [len(r) for r in body])
    header = header_raw + [f"column_{i + 1}" for i in range(len(header_raw), width)]
    header, duplicates = _dedupe(header)
    body = [r + [""] * (width - len(r)) for r in body]
    data = np.array(body, dtype=object).reshape(len(body), width)
    frame = pd.DataFrame({hh: data[:, i] for i, hh in enumerate(header)}, dtype=object)
    frame.attrs.update(
        file=Path(path).name,
        rows=np.asarray(rows, dtype=np.int64),
        cells_in=cells_in,
        cells_ignored=ignored,
        duplicate_headers=duplicates,
        notes=notes,
        **attrs,
    )
    return frame


def read_csv_export(path: str | Path, codebook: Codebook | None = None) -> pd.DataFrame:
    """A CSV export (any of UTF-8, UTF-8-BOM, Windows-1252; ``;``, ``,`` or tab) as text cells.

    Encoding and delimiter are detected with :mod:`analysis.fileio`
    (``read_text``, ``sniff_delimiter``). Blank lines are skipped; ``attrs["rows"]``
    holds the line where each record starts (a quoted answer may span lines).
    Cells are plain ``str`` in object columns (fast to map to codes).
    """

    text, encoding = read_text(path)
    if "\x00" in text:
        text = text.replace("\x00", "")
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
    keep = [i for i, rec in enumerate(all_records) if any(c.strip() for c in rec)]
    records = [all_records[i] for i in keep]  # repaired per distinct value when parsed
    starts = [line_of[i] for i in keep]
    return _frame(path, records, starts, codebook, encoding=encoding, delimiter=delimiter)


def read_xlsx_export(path: str | Path, codebook: Codebook | None = None) -> pd.DataFrame:
    """The first worksheet of an xlsx export as text cells (the header found among the top rows)."""

    data_head = Path(path).read_bytes()[:8]
    check_xlsx_bytes(data_head[:8], path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files: one clear message
        raise AnalysisError(
            f"could not be read as an Excel workbook (.xlsx): the file is damaged ({type(exc).__name__}); "
            "open it in Excel and save it again as .xlsx",
            file=path,
        ) from exc
    try:
        ws = wb.worksheets[0]
        sheet = ws.title
        records: list[list[str]] = []
        rows: list[int] = []
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            records.append(cells)
            rows.append(n)
    except Exception as exc:  # noqa: BLE001 - a damaged sheet: one clear message, the other files go on
        raise AnalysisError(
            f"could not be read as an Excel workbook (.xlsx): the sheet is damaged ({type(exc).__name__}); "
            "open it in Excel and save it again as .xlsx",
            file=path,
        ) from exc
    finally:
        wb.close()
    if not records:
        raise AnalysisError("the spreadsheet is empty", file=path, sheet=sheet)
    return _frame(path, records, rows, codebook, sheet=sheet, encoding=None, delimiter=None)


def check_duplicate_headers(raw: pd.DataFrame, codebook: Codebook) -> None:
    """Raise :class:`AnalysisError` naming the columns when a header typed twice is a question's.

    Which of two columns headed "Alder" holds the answers cannot be guessed; the user must rename or
    remove one. Duplicated headers that are no question's are kept twice (the second " (2)") and listed.
    """
    for header, cols in raw.attrs.get("duplicate_headers", []):
        mapping, meta, _ = resolve_columns([header], codebook)
        if mapping or any(meta.values()):
            letters = " and ".join(_letter(c) for c in cols)
            what = next(iter(mapping), None)
            raise AnalysisError(
                f"columns {letters} have the same header '{header}'"
                + (f" (question {what})" if what else "")
                + ": one would overwrite the other; rename or remove one of them and run again",
                file=raw.attrs.get("file"),
            )


def _letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def read_export(path: str | Path, codebook: Codebook | None = None) -> pd.DataFrame:
    """Read one export file by its suffix; raises ``AnalysisError`` for unsupported or unreadable files."""
    path = Path(path)
    suffix = path.suffix.lower()
    codebook = codebook or load_codebook()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv_export(path, codebook)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_export(path, codebook)
    raise AnalysisError(f"unsupported file type '{suffix}' (save the export as CSV or .xlsx)", file=path)


def _header_key(text: object) -> str:
    return normalise_label(repair_text(str(text))).rstrip("?:. ").strip()


def resolve_columns(
    headers: list[str], codebook: Codebook, *, fuzzy: bool = True
) -> tuple[dict[str, str], dict[str, str | None], list[str]]:
    """Match export headers to question ids.

    A header matches a question by its id, its text, its short label or one of its aliases (case,
    spacing and a trailing "?" or ":" ignored), and — with ``fuzzy`` — by a text changed a little
    (rapidfuzz ratio ≥ :data:`FUZZY_HEADER_MIN`; listed by :func:`fuzzy_matches`). Returns
    ``(question_id → header, {"id": header|None, "time": header|None}, unmatched headers)``.
    """
    lookup: dict[str, tuple[str, int]] = {}  # key -> (question id, how good: text 3, alias 2, short 1, id 0)
    for q in codebook.questions:
        for key, rank in ((q.text, 3), *((a, 2) for a in q.aliases), (q.short, 1), (q.id, 0)):
            k = _header_key(key)
            if k not in lookup or lookup[k][1] < rank:
                lookup.setdefault(k, (q.id, rank))
    id_keys = {_header_key(c) for c in codebook.id_columns}
    time_keys = {_header_key(c) for c in codebook.time_columns}
    claims: dict[str, tuple[int, int, str]] = {}  # question -> (rank, -position, header)
    meta: dict[str, str | None] = {"id": None, "time": None}
    unmatched: list[str] = []
    for pos, h in enumerate(headers):
        key = _header_key(h)
        if key in lookup:
            qid, rank = lookup[key]
            best = claims.get(qid)
            if best is None or (rank, -pos) > best[:2] and rank > best[0]:
                if best is not None:
                    unmatched.append(best[2])  # e.g. Questback's "Status" (completion) beside the real question
                claims[qid] = (rank, -pos, h)
            else:
                unmatched.append(h)
        elif key in id_keys and meta["id"] is None:
            meta["id"] = h
        elif key in time_keys and meta["time"] is None:
            meta["time"] = h
        else:
            unmatched.append(h)
    mapping = {qid: c[2] for qid, c in sorted(claims.items(), key=lambda kv: -kv[1][1])}
    if fuzzy and unmatched:
        texts = {k: q for k, (q, rank) in lookup.items() if len(k) >= 12 and rank >= 1}
        exact_texts = set(texts)
        still = []
        for h in unmatched:
            key = _header_key(h)
            if len(key) < 12 or any(key.startswith(t + " –") or key.startswith(t + " -") for t in exact_texts):
                still.append(h)  # an option column of a multiple-choice question ("… - Arbeid"), not the question
                continue
            hit = process.extractOne(key, list(texts), scorer=fuzz.ratio, score_cutoff=FUZZY_HEADER_MIN)
            if hit is None:
                hit = process.extractOne(key, list(texts), scorer=fuzz.token_set_ratio, score_cutoff=96)
            if hit is not None and texts[hit[0]] not in mapping:
                mapping[texts[hit[0]]] = h
            else:
                still.append(h)
        unmatched = still
    order = {h: i for i, h in enumerate(headers)}
    unmatched.sort(key=lambda h: order.get(h, 0))
    return mapping, meta, unmatched


def fuzzy_matches(mapping: dict[str, str], codebook: Codebook) -> list[dict[str, str]]:
    """The matches of :func:`resolve_columns` made by similarity, not by a listed spelling (to report)."""
    out = []
    for qid, header in mapping.items():
        q = codebook[qid]
        exact = {_header_key(k) for k in (q.id, q.text, *q.aliases, q.short)}
        if _header_key(header) not in exact:
            out.append({"header": header, "read_as": qid, "why": f"similar to the question '{q.text}'"})
    return out
