"""Read workshop notes as they were really typed.

Every file becomes a grid of text cells with the row numbers the user sees
(1-based, header included). The layout of each grid is *detected*:

* ``long`` — one statement per row with columns such as Gruppe, Mål, Type,
  Tekst, Styrke (the template is this layout);
* ``forcefield`` — the classic force-field sheet: a column of forces
  (Krefter) and a column of counter-forces (Motkrefter) side by side for one
  goal, optionally each followed by a strength column.

Group, goal, date and kind can also come from lines above the header
("Gruppe: Ungdomsrådet"), a title ("Mål 2 – Økt innbyggertall"), the sheet
name or the file name. Merged cells are filled, blank rows skipped.

Each statement becomes one *input record* (a force-field row with both a force
and a counter-force gives two). Values are kept as typed; cleaning happens in
:mod:`analysis.workshops.cleaning`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from analysis.errors import AnalysisError
from analysis.fileio import decode_bytes, sniff_delimiter
from analysis.workshops.mappings import Mappings, fold

#: Fields of an input record, all text as typed.
#: ``answers``: the counter-force(s) a measure answers, as typed (resolved by :mod:`analysis.workshops.links`).
RECORD_FIELDS = ("group", "date", "goal", "delmal", "kind", "text", "strength", "pavirkbar", "votes", "answers")
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
#: Files in the raw folders that are not data and are skipped quietly.
IGNORED_SUFFIXES = {".md", ".yaml", ".yml", ".json", ".gitkeep", ".keep"}
#: Sheets that hold instructions, not statements (the template's first sheet).
INSTRUCTION_SHEETS = {"veiledning", "instruksjon", "instruksjoner", "les meg", "readme", "instructions", "lister"}
_HEADER_SCAN = 15
_CONTEXT_FIELDS = ("group", "goal", "date", "kind", "delmal")
_DATE_IN_NAME = re.compile(r"(20\d\d)[-_.]?([01]\d)[-_.]?([0-3]\d)")


@dataclass
class Table:
    """The input records of one sheet (or CSV file), column-wise.

    ``columns`` maps each of :data:`RECORD_FIELDS` plus ``_row`` (row number as
    the user sees it) and ``_col`` (header of the text column) to a list.
    """

    file: str
    sheet: str
    layout: str  # "long" | "forcefield"
    columns: dict[str, list] = field(default_factory=lambda: {f: [] for f in (*RECORD_FIELDS, "_row", "_col")})
    origin: dict[str, str] = field(default_factory=dict)  # field -> where it came from (column header)

    def __len__(self) -> int:
        return len(self.columns["_row"])

    @property
    def records(self) -> list[dict]:
        """The records as one dict per input row (convenient in tests; slower)."""
        keys = list(self.columns)
        return [dict(zip(keys, vals)) for vals in zip(*self.columns.values())]

    def append(self, rec: dict) -> None:
        for k, col in self.columns.items():
            col.append(rec[k])


@dataclass
class FileResult:
    """What came out of one file: tables, notes for the log, or the reason it could not be read."""

    file: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    encoding: str | None = None


# --------------------------------------------------------------------------- cells


def cell_text(value) -> str:
    """A spreadsheet value as the text a user would read (dates as ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# --------------------------------------------------------------------------- grids


def read_csv_grid(path: Path, data: bytes) -> tuple[list[tuple[int, list[str]]], str, str]:
    """Rows of a CSV as ``(line_number, cells)`` without blank lines, the encoding and the delimiter."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise AnalysisError("the file is UTF-16 text; save it as 'CSV UTF-8' instead", file=path)
    text, encoding = decode_bytes(data, file=path)
    delimiter = sniff_delimiter(text)
    rows = []
    for i, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        if any(c.strip() for c in row):
            rows.append((i + 1, row))
    return rows, encoding, delimiter


def read_xlsx_grids(path: Path) -> list[tuple[str, list[tuple[int, list[str]]]]]:
    """``(sheet name, rows)`` for every sheet; merged cells filled down their first column.

    Formulas are read as their formula text (``=HYPERLINK(...)``) so cleaning
    can reject them instead of passing a computed value on silently.
    """

    try:
        wb = openpyxl.load_workbook(path, data_only=False, read_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise AnalysisError(
            "could not be read as an Excel workbook (.xlsx): the file is damaged or is not a spreadsheet "
            f"({type(exc).__name__}); open it in Excel and save it again as .xlsx",
            file=path,
        ) from exc
    out = []
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):  # a chart sheet
                continue
            ws.reset_dimensions()  # do not trust the stored size
            values = [list(r) for r in ws.iter_rows(values_only=True)]
            with ws._get_source() as src:  # read-only mode has no merged-cell list: read it from the XML
                merged = _MERGE_REF.findall(src.read())
            for ref in merged:
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
                if min_row - 1 >= len(values):
                    continue
                top_row = values[min_row - 1]
                top = top_row[min_col - 1] if min_col - 1 < len(top_row) else None
                for r in range(min_row, min(max_row, len(values)) + 1):
                    row = values[r - 1]
                    if min_col - 1 < len(row):
                        row[min_col - 1] = top
            rows = []
            for i, row in enumerate(values):
                cells = [cell_text(v) for v in row]
                if any(c.strip() for c in cells):
                    rows.append((i + 1, cells))
            out.append((ws.title, rows))
    finally:
        wb.close()
    return out


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


# --------------------------------------------------------------------------- layout


def _recognised(cells: list[str], m: Mappings) -> dict[int, str]:
    return {i: f for i, c in enumerate(cells) if c.strip() and (f := m.column(c))}


def find_header(rows: list[tuple[int, list[str]]], m: Mappings) -> tuple[int, str, dict[int, str]] | None:
    """Index of the header row among ``rows``, the layout and column → field map.

    A header is the first row (of the first 15) naming a text column, or a
    force / counter-force column. Returns None when there is none.
    """
    for idx, (_, cells) in enumerate(rows[:_HEADER_SCAN]):
        rec = _recognised(cells, m)
        fields = set(rec.values())
        if "text" in fields:
            return idx, "long", rec
        if fields & {"kraft", "motkraft"} and (len(fields) >= 2 or len([c for c in cells if c.strip()]) <= 4):
            return idx, "forcefield", rec
    return None


def _context_from_lines(lines: list[list[str]], m: Mappings) -> dict[str, tuple[str, str]]:
    """Group/goal/date/kind named in lines above the header: field -> (value, origin)."""
    ctx: dict[str, tuple[str, str]] = {}
    for cells in lines:
        filled = [c.strip() for c in cells if c.strip()]
        if not filled:
            continue
        first = filled[0]
        key, value = None, None
        if ":" in first and not first.lower().startswith("grendemote:"):
            key, _, value = first.partition(":")
            value = value.strip() or (filled[1] if len(filled) > 1 else "")
        elif len(filled) >= 2 and m.column(first) in _CONTEXT_FIELDS:
            key, value = first, filled[1]
        fld = m.column(key) if key is not None else None
        if fld in _CONTEXT_FIELDS and value:
            ctx.setdefault(fld, (value, "(heading above the table)"))
            continue
        for text in filled:  # a title such as "Kraftfeltanalyse – Mål 2: Økt innbyggertall"
            if "goal" not in ctx and (g := m.goal_from_name(text)):
                ctx["goal"] = (g, "(heading above the table)")
            if "group" not in ctx and (g := m.group_from_name(text)):
                ctx["group"] = (g, "(heading above the table)")
    return ctx


def _context_from_names(file_stem: str, sheet: str, m: Mappings) -> dict[str, tuple[str, str]]:
    ctx: dict[str, tuple[str, str]] = {}
    for name, origin in ((sheet, "(sheet name)"), (file_stem, "(file name)")):
        if not name:
            continue
        for fld, fn in (("group", m.group_from_name), ("goal", m.goal_from_name), ("kind", m.kind_from_name)):
            if fld not in ctx and (v := fn(name)):
                ctx[fld] = (v, origin)
        if "date" not in ctx and (d := _DATE_IN_NAME.search(name)):
            ctx["date"] = ("-".join(d.groups()), origin)
    return ctx


def _rejoin_split_text(rows: list[tuple[int, list[str]]], width: int, text_col: int, delimiter: str):
    """Undo an unquoted delimiter inside the text of a CSV row (``...; alert(...)`` typed in a cell).

    A row with more non-blank cells than the header has gets its surplus cells
    joined back into the text cell.
    """
    out = []
    for rownum, cells in rows:
        last = len(cells)
        while last > width and not cells[last - 1].strip():
            last -= 1
        extra = last - width
        if extra > 0 and text_col < width:
            cells = (
                cells[:text_col]
                + [delimiter.join(cells[text_col : text_col + extra + 1])]
                + cells[text_col + extra + 1 :]
            )
        out.append((rownum, cells))
    return out


def _section_rows(body, idx: list[int], cols: dict[str, list[str]], m: Mappings) -> dict[int, tuple[str, str]]:
    """Rows that are headings inside a long table ("Økt bolyst", "Motkrefter:") → (field, canonical value).

    A heading row has one filled cell, no statement text, and the cell names a
    goal, a kind or a group. It sets that value for the rows below it (until
    the next heading of the same kind) and is not a statement itself.
    """
    out: dict[int, tuple[str, str]] = {}
    text = cols.get("text")
    for k in idx:
        if text is not None and text[k].strip():
            continue
        filled = [c.strip() for c in body[k][1] if c.strip()]
        if len(filled) != 1:
            continue
        value = filled[0].rstrip(":").strip()
        if re.fullmatch(r"[\d\s.]*", value):
            continue
        for fld, fn in (("goal", m.goal_from_name), ("kind", m.kind), ("group", m.group)):
            hit = fn(value)
            if hit:
                out[k] = (fld, hit)
                break
    return out


def _current(section: dict[int, tuple[str, str]], k: int, fld: str) -> str:
    """The value the nearest heading above row ``k`` sets for ``fld`` ('' when none)."""
    best, value = -1, ""
    for row, (f, v) in section.items():
        if f == fld and best < row < k:
            best, value = row, v
    return value


def parse_grid(
    rows: list[tuple[int, list[str]]],
    *,
    file: str,
    sheet: str,
    file_stem: str,
    m: Mappings,
    delimiter: str | None = None,
) -> Table:
    """Detect the layout of one grid and turn it into input records.

    ``delimiter`` (CSV only) lets a text that contained an unquoted delimiter be put together again.

    Raises AnalysisError ("the sheet is empty", "no recognisable columns ...").
    """
    if not rows:
        raise AnalysisError("the sheet is empty", file=file, sheet=sheet or None)
    found = find_header(rows, m)
    if found is None:
        seen = ", ".join(f"'{c.strip()}'" for c in rows[0][1] if c.strip())[:200]
        raise AnalysisError(
            "no recognisable columns: expected a header row with a text column (e.g. 'Tekst', 'Utsagn', "
            f"'Innspill') or force-field columns ('Krefter', 'Motkrefter'); the first row has {seen or 'nothing'}",
            file=file,
            sheet=sheet or None,
        )
    hidx, layout, colmap = found
    header_cells = rows[hidx][1]
    ctx = _context_from_names(file_stem, sheet, m)
    ctx.update(_context_from_lines([c for _, c in rows[:hidx]], m))
    table = Table(file=file, sheet=sheet, layout=layout)
    base = {f: "" for f in RECORD_FIELDS}
    for fld, (value, origin) in ctx.items():
        base[fld] = value
        table.origin[fld] = origin
    # first column for each field wins
    field_col: dict[str, int] = {}
    for i, f in sorted(colmap.items()):
        field_col.setdefault(f, i)
    for f, i in field_col.items():
        table.origin[f] = header_cells[i].strip()

    def get(cells: list[str], i: int | None) -> str:
        return cells[i] if i is not None and i < len(cells) else ""

    body = rows[hidx + 1 :]
    if delimiter and layout == "long" and "text" in field_col:
        width = max(i for i, c in enumerate(header_cells) if c.strip()) + 1
        body = _rejoin_split_text(body, width, field_col["text"], delimiter)
    if layout == "long":
        present = {f: field_col[f] for f in RECORD_FIELDS if f in field_col}
        cols = {f: [cells[i] if i < len(cells) else "" for _, cells in body] for f, i in present.items()}
        keep = [any(v.strip() for v in vals) for vals in zip(*cols.values())] if cols else []
        idx = [k for k, flag in enumerate(keep) if flag]  # rows where nothing we read is filled in are skipped
        section = _section_rows(body, idx, cols, m)
        if section:
            idx = [k for k in idx if k not in section]
        out = table.columns
        for f in RECORD_FIELDS:
            if f in cols:
                vals = [cols[f][k] for k in idx]
            else:
                vals = [""] * len(idx)
            if f in _CONTEXT_FIELDS:
                heads = [_current(section, k, f) for k in idx] if section else None
                vals = [v if v.strip() else (heads[j] if heads and heads[j] else base[f]) for j, v in enumerate(vals)]
            out[f] = vals
        out["_row"] = [body[k][0] for k in idx]
        out["_col"] = [table.origin.get("text", "")] * len(idx)
        return table

    # force-field: pairs of (text column, kind, strength column)
    above = [c for _, c in rows[:hidx]]
    pairs = []
    for i, f in sorted(colmap.items()):
        if f not in ("kraft", "motkraft"):
            continue
        strength_col = i + 1 if colmap.get(i + 1) == "strength" else None
        goal = None
        for cells in reversed(above):  # nearest title at or to the left of this column
            for j in range(min(i, len(cells) - 1), -1, -1):
                if cells[j].strip():
                    goal = m.goal_from_name(cells[j]) or m.goal(cells[j])
                    break
            if goal:
                break
        pairs.append((i, f, strength_col, goal))
    shared = {f: field_col.get(f) for f in ("group", "date", "goal", "delmal", "pavirkbar", "votes", "answers")}
    for rownum, cells in body:
        for col, kind, scol, goal in pairs:
            text = get(cells, col)
            strength = get(cells, scol)
            if not text.strip() and not strength.strip():
                continue
            rec = dict(base)
            for f, i in shared.items():
                if i is not None and get(cells, i).strip():
                    rec[f] = get(cells, i)
            if goal and shared["goal"] is None:
                rec["goal"] = goal
            rec.update(kind=kind, text=text, strength=strength, _row=rownum, _col=header_cells[col].strip())
            table.append(rec)
    table.origin["kind"] = "(force-field column)"
    return table


# --------------------------------------------------------------------------- files


def read_file(path: Path, rel: str, m: Mappings) -> FileResult:
    """Read one raw file into tables; never raises for a bad file (``error`` says why)."""
    result = FileResult(file=rel)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
        if not data.strip():
            raise AnalysisError("the file is empty", file=rel)
        if suffix in TEXT_SUFFIXES:
            rows, result.encoding, delimiter = read_csv_grid(Path(rel), data)
            if not rows:
                raise AnalysisError("the file is empty", file=rel)
            result.tables.append(parse_grid(rows, file=rel, sheet="", file_stem=path.stem, m=m, delimiter=delimiter))
            return result
        if suffix == ".xls":
            raise AnalysisError("the old Excel format (.xls) is not supported: save it as .xlsx or CSV", file=rel)
        if suffix not in SPREADSHEET_SUFFIXES:
            raise AnalysisError(
                f"is not a spreadsheet: only .xlsx and .csv files are read (this is '{suffix or 'no extension'}')",
                file=rel,
            )
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise AnalysisError(
                "the workbook is password-protected (encrypted) or in the old .xls format: "
                "open it in Excel, remove the password and save it as .xlsx",
                file=rel,
            )
        if not data.startswith(b"PK"):
            raise AnalysisError(
                "could not be read as an Excel workbook (.xlsx): the file is damaged or is not a spreadsheet; "
                "open it in Excel and save it again as .xlsx",
                file=rel,
            )
        grids = read_xlsx_grids(path)
        problems = []
        for sheet, rows in grids:
            if fold(sheet) in INSTRUCTION_SHEETS:
                continue
            try:
                result.tables.append(parse_grid(rows, file=rel, sheet=sheet, file_stem=path.stem, m=m))
            except AnalysisError as exc:
                problems.append(exc)
        if not result.tables:
            if all(not rows for _, rows in grids):
                raise AnalysisError("the file is empty (no sheet has any data)", file=rel)
            first = problems[0]
            raise AnalysisError(first.message, file=rel, sheet=first.sheet)
        for exc in problems:
            result.notes.append(f"skipped {exc}")
    except AnalysisError as exc:
        exc.file = rel
        result.error = str(exc)
        result.tables = []
    return result


def records_frame(records: list[dict]) -> pd.DataFrame:
    """Input records (dicts as :class:`Table` makes them) as a frame of text columns."""
    cols = ["file", "sheet", "row", "_col", "_origin", *RECORD_FIELDS]
    frame = pd.DataFrame.from_records(records, columns=cols)
    for c in ("file", "sheet", "_col", *RECORD_FIELDS):
        frame[c] = frame[c].fillna("").astype(object)
    frame["row"] = frame["row"].astype("int64")
    return frame


def tables_frame(tables: list[Table]):
    """All input records of ``tables`` as one frame for :func:`analysis.workshops.cleaning.clean_records`."""

    if not tables:
        return records_frame([])
    parts = {f: [] for f in ("file", "sheet", "row", "_col", "_origin", *RECORD_FIELDS)}
    for t in tables:
        n = len(t)
        parts["file"] += [t.file] * n
        parts["sheet"] += [t.sheet] * n
        parts["row"] += t.columns["_row"]
        parts["_col"] += t.columns["_col"]
        parts["_origin"] += [t.origin] * n
        for f in RECORD_FIELDS:
            parts[f] += t.columns[f]
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in parts.items()})
    frame["row"] = frame["row"].astype("int64")
    return frame


def list_raw_files(folders: list[Path]) -> list[tuple[Path, str]]:
    """Data files under ``folders`` (recursively) as ``(path, relative name)``, sorted.

    Hidden files, Excel lock files (``~$...``) and documentation/mapping files are skipped.
    """
    out = []
    for folder in folders:
        if not folder.is_dir():
            continue
        root = folder.parent
        for p in sorted(folder.rglob("*")):
            if not p.is_file() or p.name.startswith((".", "~$")):
                continue
            if p.suffix.lower() in IGNORED_SUFFIXES:
                continue
            out.append((p, p.relative_to(root).as_posix()))
    return sorted(out, key=lambda t: t[1])
