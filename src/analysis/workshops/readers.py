"""Read workshop notes as they were really typed: files → grids → tables of input records.

Every file becomes one grid per sheet (a CSV or TXT file is one grid) with the row numbers the user
sees (1-based, header included): CSV in UTF-8, UTF-8 with BOM, UTF-16 with BOM or Windows-1252,
delimiter detected (``sep=;`` lines honoured); a text file that is not a table is read line by line;
xlsx with every sheet (hidden ones too), merged cells filled into the cells they cover, formulas as
their text (a statement typed as a formula is rejected) with the value Excel shows kept for numbers.
:func:`analysis.workshops.layout.parse_grid` then finds the table in each grid.

Nothing is dropped quietly: a sheet with no table (an instruction sheet, a summary of formulas) has
its cells listed as ignored with the reason, and a file that cannot be read at all gets a clear error.
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
from analysis.fileio import check_xlsx_bytes, decode_bytes, sniff_delimiter
from analysis.workshops.layout import RECORD_FIELDS, Grid, Table, parse_grid, unreadable_sheet
from analysis.workshops.mappings import Mappings, fold

__all__ = ["RECORD_FIELDS", "FileResult", "Grid", "Table", "read_file", "tables_frame", "list_raw_files"]

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
#: Files in the raw folders that are not data and are skipped quietly.
IGNORED_SUFFIXES = {".md", ".yaml", ".yml", ".json", ".gitkeep", ".keep"}
#: Sheets that hold instructions or drop-down lists, not statements (the template's first sheet).
INSTRUCTION_SHEETS = {"veiledning", "instruksjon", "instruksjoner", "les meg", "readme", "instructions", "lister"}
_SEP_LINE = re.compile(r'^\s*"?sep=(.)"?\s*$', re.I)


@dataclass
class FileResult:
    """What came out of one file: tables, notes for the log, or the reason it could not be read.

    ``tables`` includes sheets without a table (layout ``none``) so their cells are accounted for.
    """

    file: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    encoding: str | None = None

    @property
    def cells_in(self) -> int:
        return sum(t.cells_in for t in self.tables)


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
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# --------------------------------------------------------------------------- grids


def decode_notes(data: bytes, *, file: str | Path) -> tuple[str, str]:
    """Text of a CSV/TXT file and its encoding: UTF-16 with a BOM, else :func:`analysis.fileio.decode_bytes`."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise AnalysisError(
                "the file looks like UTF-16 text but could not be decoded; save it as 'CSV UTF-8' instead", file=file
            ) from exc
    head = data[:400]
    for enc, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        # UTF-16 without a byte-order mark: every other byte of plain letters is zero
        if len(head) >= 8 and zeros.count(0) >= 0.9 * len(zeros):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                break
    return decode_bytes(data, file=file)


def read_csv_grid(path: Path, data: bytes) -> tuple[Grid, str]:
    """A CSV or TXT file as one grid (record numbers as rows; a text that is not a table, one line a row)."""
    text, encoding = decode_notes(data, file=path)
    if "\x00" in text:
        text = text.replace("\x00", "")
    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    sep = _SEP_LINE.match(lines[first]) if first is not None else None
    delimiter = sep.group(1) if sep else sniff_delimiter(text)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    filled = [r for r in records if any(c.strip() for c in r)]
    single = sum(1 for r in filled if sum(1 for c in r if c.strip()) <= 1)
    if filled and single / len(filled) >= 0.6 and not sep:
        # not a table: free text, one line a cell
        rows = [(i + 1, [ln]) for i, ln in enumerate(lines) if ln.strip()]
        return Grid(file=str(path), sheet="", rows=rows, delimiter=None), encoding
    rows = [(i + 1, r) for i, r in enumerate(records) if any(c.strip() for c in r)]
    return Grid(file=str(path), sheet="", rows=rows, delimiter=delimiter), encoding


def read_xlsx_grids(path: Path) -> list[Grid]:
    """One grid per worksheet; merged cells filled into every cell they cover (marked as copies).

    Formulas are read as their formula text (``=HYPERLINK(...)``) so cleaning can reject a statement
    typed as one; the value Excel shows is kept beside it (numbers such as votes ``=2+3`` use it).
    """

    try:
        wb = openpyxl.load_workbook(path, data_only=False, read_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise AnalysisError(
            "could not be read as an Excel workbook (.xlsx): the file is damaged or is not a spreadsheet "
            f"({type(exc).__name__}); open it in Excel and save it again as .xlsx",
            file=path,
        ) from exc
    out: list[Grid] = []
    formulas = False
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):  # a chart sheet
                continue
            ws.reset_dimensions()  # do not trust the stored size
            values = [list(r) for r in ws.iter_rows(values_only=True)]
            with ws._get_source() as src:  # read-only mode has no merged-cell list: read it from the XML
                merged = _MERGE_REF.findall(src.read())
            copies: set[tuple[int, int]] = set()
            for ref in merged:
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
                if min_row - 1 >= len(values):
                    continue
                top_row = values[min_row - 1]
                top = top_row[min_col - 1] if min_col - 1 < len(top_row) else None
                for r in range(min_row, min(max_row, len(values)) + 1):
                    row = values[r - 1]
                    for c in range(min_col, max_col + 1):
                        if (r, c) == (min_row, min_col):
                            continue
                        copies.add((r, c - 1))  # also past the row's last value (a header merged over E)
                        if c == min_col and c - 1 < len(row):  # fill down the first column (a goal merged down a block)
                            row[c - 1] = top
            rows = []
            for i, row in enumerate(values):
                cells = [cell_text(v) for v in row]
                if any(c.strip() for c in cells):
                    rows.append((i + 1, cells))
                    formulas = formulas or any(c[:1] == "=" for c in cells)
            out.append(
                Grid(
                    file=str(path),
                    sheet=ws.title,
                    rows=rows,
                    copies=copies,
                    hidden=getattr(ws, "sheet_state", "visible") != "visible",
                )
            )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise AnalysisError(
            "could not be read as an Excel workbook (.xlsx): the file is damaged "
            f"({type(exc).__name__}); open it in Excel and save it again as .xlsx",
            file=path,
        ) from exc
    finally:
        wb.close()
    if formulas:
        _add_cached_values(path, out)
    return out


def _add_cached_values(path: Path, grids: list[Grid]) -> None:
    """The values Excel shows for formula cells (none when the file was never opened in Excel)."""
    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        return
    try:
        for grid, ws in zip(grids, [w for w in wb.worksheets if hasattr(w, "iter_rows")]):
            wanted = {(r, j) for r, cells in grid.rows for j, c in enumerate(cells) if c[:1] == "="}
            if not wanted:
                continue
            ws.reset_dimensions()
            for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
                for j, v in enumerate(row):
                    if (i, j) in wanted and v is not None:
                        grid.cached[(i, j)] = cell_text(v)
    finally:
        wb.close()


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def read_file(path: Path, rel: str, m: Mappings) -> FileResult:
    """Read one raw file into tables; never raises for a bad file (``error`` says why)."""
    result = FileResult(file=rel)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
        if not data.strip():
            raise AnalysisError("the file is empty", file=rel)
        if suffix in TEXT_SUFFIXES:
            grid, result.encoding = read_csv_grid(Path(rel), data)
            if not grid.rows:
                raise AnalysisError("the file is empty", file=rel)
            _parse_all([grid], result, path.stem, m)
            return result
        if suffix == ".xls":
            raise AnalysisError("the old Excel format (.xls) is not supported: save it as .xlsx or CSV", file=rel)
        if suffix not in SPREADSHEET_SUFFIXES:
            raise AnalysisError(
                f"is not a spreadsheet or text notes: .xlsx, .csv, .tsv and .txt files are read (this is "
                f"'{suffix or 'no extension'}'; save a Word or PDF document as .txt, or copy the notes into the template)",
                file=rel,
            )
        check_xlsx_bytes(data[:8], rel)
        grids = read_xlsx_grids(path)
        for g in grids:
            g.file = rel
        if all(not g.rows for g in grids):
            raise AnalysisError("the file is empty (no sheet has any data)", file=rel)
        _parse_all(grids, result, path.stem, m)
    except AnalysisError as exc:
        exc.file = rel
        result.error = str(exc)
        result.tables = [t for t in result.tables if t.layout == "none"]
    return result


def _parse_all(grids: list[Grid], result: FileResult, stem: str, m: Mappings) -> None:
    """Parse every grid of a file; sheets without a table keep their cells as ignored, with the reason."""
    problems: list[AnalysisError] = []
    inherited: dict[str, str] = {}
    for grid in grids:
        if not grid.rows:
            if grid.sheet:
                result.notes.append(f"sheet {grid.sheet}: the sheet is empty")
            continue
        if fold(grid.sheet) in INSTRUCTION_SHEETS:
            result.tables.append(unreadable_sheet(grid, "instruction or list sheet (not notes)"))
            continue
        try:
            table = parse_grid(grid, m, file_stem=stem, inherited=inherited)
        except AnalysisError as exc:
            problems.append(exc)
            result.tables.append(unreadable_sheet(grid, f"no table found: {exc.message}"))
            if grid.sheet:
                result.notes.append(
                    f"sheet {grid.sheet}: no table found, its cells are listed as ignored ({exc.message})"
                )
            continue
        if grid.hidden:
            table.notes.append("hidden sheet (read like the others)")
        for k, v in table.context.items():
            inherited.setdefault(k, v)
        result.tables.append(table)
    if problems and not any(t.layout != "none" for t in result.tables):
        first = problems[0]
        raise AnalysisError(first.message, file=result.file, sheet=first.sheet)


FRAME_COLUMNS = ("file", "sheet", "row", "_col", "_origin", "_cells", "_year", *RECORD_FIELDS)


def records_frame(records: list[dict]) -> pd.DataFrame:
    """Input records (dicts as :class:`Table` makes them) as a frame of text columns."""
    frame = pd.DataFrame.from_records(records, columns=list(FRAME_COLUMNS))
    for c in ("file", "sheet", "_col", "_year", *RECORD_FIELDS):
        col = frame[c].astype(object)
        frame[c] = col.where(col.notna(), "")
    frame["row"] = frame["row"].astype("int64")
    frame["_cells"] = pd.to_numeric(frame["_cells"], errors="coerce").fillna(1).astype("int64")
    return frame


def tables_frame(tables: list[Table]):
    """All input records of ``tables`` as one frame for :func:`analysis.workshops.cleaning.clean_records`."""

    parts: dict[str, list] = {f: [] for f in FRAME_COLUMNS}
    for t in tables:
        n = len(t)
        if not n:
            continue
        parts["file"] += [t.file] * n
        parts["sheet"] += [t.sheet] * n
        parts["row"] += t.columns["_row"]
        for k in ("_col", "_origin", "_cells", "_year", *RECORD_FIELDS):
            parts[k] += t.columns[k]
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in parts.items()})
    frame["row"] = frame["row"].astype("int64")
    frame["_cells"] = frame["_cells"].astype("int64")
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
