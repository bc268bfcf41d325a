"""Find the table in one sheet of notes and turn it into input records, accounting for every cell.

A sheet (or a CSV/TXT file) arrives as a grid of cells as typed. Nothing about its layout is
configured; it is *scored*:

* **The header row** is the first row among the top rows whose cells name fields: a listed spelling
  (``workshop_mappings.yaml``: ``Tekst``, ``Styrke``, ``Kor sterk``, ``Drivkrefter`` ...), a listed
  spelling inside a longer header ("Hvor mye kan kommunen selv påvirke dette?"), kind words in a
  descriptive header ("Det som holder oss tilbake" → counter-forces), or a similar spelling
  (rapidfuzz ratio ≥ 85). Headers are repaired first (mojibake, white space), so ``MÃ¥l`` is ``Mål``.
* **Each column** is then decided from its header *and its contents*: a column of goal names is the
  goal, of kind words the kind, of numbers 1–5 next to a statement column its strength, of long texts
  (when no statement column was named) the statements. A column decided on anything but a listed
  spelling is used **with a warning** (``uncertain``: console and manifest). A column nobody could
  decide is **not dropped**: its cells are listed as ignored with the reason
  "column 'X' not recognised" (console and manifest).
* **Statement columns**: one text column (*long* layout, the kind from a kind column, a heading or the
  title), or columns that each hold one kind (*force-field* layout: forces and counter-forces side by
  side, also SWOT grids and lists headed "Tiltak"), each with the strength/påvirkbar columns to its
  right. With no header at all, two columns of texts are read as forces (left) and counter-forces
  (right), and one column of lines as *notes* ("+ ..." a force, "÷ ..." a counter-force, lines under
  "Tiltak:" measures).
* **Rows** below the header: a repeated header starts a new block (columns may move); a row with one
  cell naming a goal, kind or group ("Mål 2: Økt innbyggertall", "Motkrefter:", "Ungdomsrådet
  22.04.2021") sets it for the rows below; "Referent: Kari" and legends ("Grønn = kraft") are notes.
  Group, goal, date and kind also come from the title above the table, the sheet name and the file name.

**Lineage.** Every non-empty cell of the grid is claimed exactly once: by the record it is part of
(a statement or, after cleaning, a reject), or as *ignored* with a reason (a header, a title used as
context, a note, a column not recognised). :attr:`Table.cells_in` counts the cells; the records' ``_cells``
and :attr:`Table.ignored` add up to it, by construction (checked per row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils.cell import get_column_letter

from analysis.errors import AnalysisError
from analysis.textrepair import repair_text, strip_markup
from analysis.workshops.mappings import Mappings
from analysis.workshops.values import find_date, parse_date, parse_votes

#: Fields of an input record, all text as typed.
#: ``answers``: the counter-force(s) a measure answers, as typed (resolved by :mod:`analysis.workshops.links`).
RECORD_FIELDS = ("group", "date", "goal", "delmal", "kind", "text", "strength", "pavirkbar", "votes", "answers")
#: Columns whose cells are statements of one kind.
KIND_COLUMNS = ("kraft", "motkraft", "tiltak", "onsket_resultat")
#: Columns that give one value to the statements of their row (or block).
VALUE_FIELDS = ("group", "date", "goal", "delmal", "kind", "strength", "pavirkbar", "votes", "answers")
CONTEXT_FIELDS = ("group", "goal", "date", "kind", "delmal")
HEADER_SCAN = 15
_SAMPLE = 80
_LEGEND = re.compile(r"^(?:\S+(?:\s\S+)?\s*=\s*\S+(?:\s\S+)?[\s,;]*){1,4}$")
_LABEL = re.compile(r"^\s*([^:]{1,30}?)\s*:\s*(.*)$", re.S)
_WORDS = re.compile(r"\w+")
_LIST_LINE = re.compile(r"^\s*(?:[-–—•*·▪◦●○►▶➢✓✔→+÷−]|\(?\d{1,2}[.)]\s)")
_SENTENCE_END = re.compile(r"[.!?…:;,]\s*$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@dataclass
class Table:
    """The input records of one sheet (or CSV file), column-wise, and what was not read.

    ``columns`` maps each of :data:`RECORD_FIELDS` plus ``_row`` (row number as the user sees it),
    ``_col`` (header of the statement column), ``_origin`` (field → where its value came from),
    ``_cells`` (the cells the record owns) and ``_year`` (the meeting's year, for dates typed
    without one) to a list. ``ignored`` lists ``(row, column number, value, reason)`` for every
    other non-empty cell.
    """

    file: str
    sheet: str
    layout: str  # "long" | "forcefield" | "notes"
    columns: dict[str, list] = field(
        default_factory=lambda: {f: [] for f in (*RECORD_FIELDS, "_row", "_col", "_origin", "_cells", "_year")}
    )
    origin: dict[str, str] = field(default_factory=dict)  # field -> where it came from (first block)
    ignored: list[tuple[int, int, str, str]] = field(default_factory=list)
    uncertain: list[dict] = field(default_factory=list)
    unrecognised: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cells_in: int = 0
    #: group and date the sheet's title gave (later sheets of the same workbook inherit them)
    context: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns["_row"])

    @property
    def records(self) -> list[dict]:
        """The records as one dict per input row (convenient in tests; slower)."""
        keys = list(self.columns)
        return [dict(zip(keys, vals)) for vals in zip(*self.columns.values())]

    def append(self, rec: dict) -> None:
        for k, col in self.columns.items():
            col.append(rec.get(k, ""))


@dataclass
class Grid:
    """One sheet as typed: rows ``(row number, cell texts)`` without blank rows.

    ``copies`` are positions filled from a merged range (values, not cells of their own);
    ``cached`` the values Excel shows for formula cells.
    """

    file: str
    sheet: str
    rows: list[tuple[int, list[str]]]
    copies: set[tuple[int, int]] = field(default_factory=set)
    cached: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False
    delimiter: str | None = None

    def filled(self, rownum: int, cells: list[str]) -> list[int]:
        """Column numbers of the non-empty cells of a row (white space only counts as empty)."""
        if self.copies:
            return [j for j, c in enumerate(cells) if c.strip() and (rownum, j) not in self.copies]
        return [j for j, c in enumerate(cells) if c.strip()]

    def count_cells(self) -> int:
        return sum(len(self.filled(r, cells)) for r, cells in self.rows)


def column_letter(j: int) -> str:
    return get_column_letter(j + 1)


# --------------------------------------------------------------------------- small readers of text


def context_from_text(text: str, m: Mappings, *, kind_words: bool = False) -> dict[str, str]:
    """Group, goal, date (and, asked for, kind) a title or heading names: field → value as typed.

    >>> from analysis.workshops.mappings import load_mappings
    >>> context_from_text("Arbeidsgruppa, workshop 10.02.2021", load_mappings())
    {'group': 'arbeidsgruppe', 'date': '2021-02-10'}
    >>> context_from_text("Dato:", load_mappings())
    {}
    """
    out: dict[str, str] = {}
    label = _LABEL.match(text)
    if label and label.group(2).strip():
        fld = m.column(label.group(1))
        value = label.group(2).strip()
        if fld in CONTEXT_FIELDS:
            if fld == "group":
                g = m.group(value)
                if g:
                    out["group"] = g
            elif fld == "goal":
                g = m.goal(value)
                if g is not None:
                    out["goal"] = g
            elif fld == "date":
                d, _ = parse_date(value)
                d = d or find_date(value)
                if d:
                    out["date"] = d.isoformat()
            elif fld == "kind":
                k = m.kind(value)
                if k:
                    out["kind"] = k
            else:
                out[fld] = value
            if out:
                return out
    g = m.group_from_name(text)
    if g:
        out["group"] = g
    goal = m.goal_from_name(text)
    if goal:
        out["goal"] = goal
    d = find_date(text)
    if d:
        out["date"] = d.isoformat()
    if kind_words:
        k = m.kind(text) or m.kind_phrase(text)
        if k:
            out["kind"] = k
    return out


def _is_heading(value: str, m: Mappings) -> dict[str, str] | None:
    """What a one-cell row sets for the rows below it ("Økt bolyst", "Motkrefter:", "Mål 2 – ..."), or None."""
    text = value.strip()
    bare = text.rstrip(":").strip()
    if not bare or len(_WORDS.findall(bare)) > 8 or re.fullmatch(r"[\d\s.]*", bare):
        return None
    out: dict[str, str] = {}
    goal, how = m.goal_match(bare)
    if goal and how in ("exact", "name"):
        out["goal"] = goal
    kind = m.kind(bare)
    if kind and (text.endswith(":") or m.key(bare) in m.kinds):
        out["kind"] = kind
    group, how = m.group_match(bare)
    if group and how in ("exact", "name"):
        out["group"] = group
    if not out and text.endswith(":"):
        kind = m.kind_phrase(bare)
        if kind:
            out["kind"] = kind
    if out:
        d = find_date(bare)
        if d:
            out["date"] = d.isoformat()
    return out or None


def is_legend(value: str) -> bool:
    """A colour or symbol key such as "Grønn = kraft" or "👍 = bra   👎 = dårlig"."""
    text = value.strip()
    return 3 <= len(text) <= 80 and not text.startswith("=") and text.count("=") <= 4 and bool(_LEGEND.match(text))


def note_label(value: str, m: Mappings) -> str | None:
    """The label of a line about the meeting ("Referent: Kari Nordby" → "Referent"), or None."""
    label = _LABEL.match(value)
    if label and m.is_note_label(label.group(1)):
        return label.group(1).strip()
    return None


def looks_like_list(text: str) -> list[str] | None:
    """The items of a cell typed as a list (one idea per line), or None for one statement.

    A cell is a list when it has at least two lines and every line starts with a bullet or a
    number, or when every line is a short phrase without a full stop (form answers typed one per
    line). A line break inside a sentence keeps the cell whole.
    """
    if "\n" not in text and "\r" not in text:
        return None
    lines = [ln.strip() for ln in re.split(r"\r\n|\r|\n", text) if ln.strip()]
    if len(lines) < 2:
        return None
    if all(_LIST_LINE.match(ln) for ln in lines):
        return lines
    if all(len(ln) <= 80 and not _SENTENCE_END.search(ln) for ln in lines) and all(
        ln[:1].isupper() or ln[:1].isdigit() for ln in lines
    ):
        return lines
    return None


# --------------------------------------------------------------------------- columns


@dataclass
class Column:
    index: int
    header: str  # as repaired ("" when none)
    field: str | None  # RECORD field, a KIND_COLUMN, "title", "meta", "comment" or None
    how: str  # exact | contains | phrase | similar | content | position | ""
    ticks: str = ""  # separator of ticked options in a form's checkbox column ("", ", " or ";")
    merged: bool = False  # no header of its own: under a header merged across from the column to its left


def _tick_separator(values: list[str]) -> str:
    """ ", "/";" when a column holds a form's ticked options (the same options recur, joined), else ""."""
    for sep in (";", ", "):
        cells = [[p.strip() for p in v.split(sep) if p.strip()] for v in values if v.strip()]
        multi = [c for c in cells if len(c) >= 2]
        if len(multi) < 2:
            continue
        seen: dict[str, int] = {}
        for c in cells:
            for p in set(c):
                seen[p] = seen.get(p, 0) + 1
        recurring = sum(1 for n in seen.values() if n >= 2)
        if recurring >= 2 and recurring >= 0.5 * len(seen):
            return sep
    return ""


def _text_like(values: list[str]) -> float:
    if not values:
        return 0.0
    good = sum(1 for v in values if len(v) >= 12 and " " in v.strip() and not v.strip()[:1].isdigit())
    return good / len(values)


class _ColumnStats:
    """What a column's cells look like (computed only for columns whose header is not certain)."""

    def __init__(self, values: list[str], m: Mappings) -> None:
        vals = [repair_text(v) for v in values if v.strip()][:_SAMPLE]
        self.n = len(vals)
        n = max(self.n, 1)

        def frac(pred) -> float:
            return sum(1 for v in vals if pred(v)) / n

        numeric = frac(lambda v: bool(re.fullmatch(r"[\d\s.,/+-]+", v)))
        self.goal = 0.0 if numeric > 0.5 else frac(lambda v: m.goal_match(v)[1] in ("exact", "name", "several"))
        self.group = frac(lambda v: m.group_match(v)[1] in ("exact", "name"))
        self.kind = frac(lambda v: bool(m.kind(v) or m.kind_phrase(v)))
        self.scale = frac(lambda v: m.scale(v)[1] is None)
        self.votes = frac(lambda v: parse_votes(v)[1] is None)
        self.date = frac(lambda v: not re.fullmatch(r"\d+(?:[.,]\d+)?", v) and parse_date(v)[0] is not None)
        self.text = _text_like(vals)
        self.emails = frac(lambda v: "@" in v and "." in v and " " not in v)


def _decide(cols: list[Column], body: list[tuple[int, list[str]]], m: Mappings) -> list[dict]:
    """Settle every column that a listed spelling did not settle, from its contents; return the warnings."""
    uncertain: list[dict] = []
    stats: dict[int, _ColumnStats] = {}

    def st(c: Column) -> _ColumnStats:
        if c.index not in stats:
            stats[c.index] = _ColumnStats([cells[c.index] if c.index < len(cells) else "" for _, cells in body], m)
        return stats[c.index]

    def is_source(c: Column) -> bool:
        return c.field in ("text", "title", *KIND_COLUMNS)

    # 1. guesses from the header, checked against the contents
    for c in cols:
        if c.how in ("exact", ""):
            continue
        s = st(c)
        agree = {
            "goal": s.goal >= 0.5,
            "group": s.group >= 0.5,
            "kind": s.kind >= 0.5,
            "strength": s.scale >= 0.6,
            "pavirkbar": s.scale >= 0.6,
            "votes": s.votes >= 0.6,
            "date": s.date >= 0.6,
            "meta": True,
            "comment": True,
            "delmal": True,
            "answers": True,
            "title": True,
        }.get(c.field or "", s.text >= 0.3 or s.n == 0)
        if s.n and not agree:
            c.field, c.how = None, ""
    # 2. columns without a usable header: decide by contents and position
    have_source = any(is_source(c) for c in cols)
    taken = {c.field for c in cols if c.field in VALUE_FIELDS}
    for pos, c in enumerate(cols):
        if c.field is not None:
            continue
        s = st(c)
        if s.n == 0:
            continue
        left = cols[pos - 1] if pos > 0 else None
        guess = None
        if s.emails >= 0.5:
            guess = "meta"
        elif s.goal >= 0.8 and "goal" not in taken:
            guess = "goal"
        elif s.group >= 0.8 and "group" not in taken:
            guess = "group"
        elif s.kind >= 0.8 and "kind" not in taken:
            guess = "kind"
        elif s.date >= 0.8 and "date" not in taken:
            guess = "date"
        elif s.scale >= 0.8 and left is not None and is_source(left):
            guess = "strength"
        elif c.merged and s.scale >= 0.5 and left is not None and is_source(left):
            guess = "strength"  # «Krefter» merged over the text and the score column beside it
            c.field, c.how = guess, "merged"
            continue
        elif s.text >= 0.5 and not have_source:
            guess = "text"
            have_source = True
        if guess is not None:
            c.field, c.how = guess, "content"
            if guess in VALUE_FIELDS:
                taken.add(guess)
    # 3. a comment column is the text when nothing else is
    if not any(is_source(c) for c in cols):
        for c in cols:
            if c.field == "comment" and st(c).text >= 0.3:
                c.field, c.how = "text", "content"
                break
    # 4. one force column named, the other not: the unnamed text column beside it is the other side
    kinds = [c for c in cols if c.field in ("kraft", "motkraft")]
    if len(kinds) == 1:
        other = "motkraft" if kinds[0].field == "kraft" else "kraft"
        for c in cols:
            if c.field is None and c.header and st(c).text >= 0.5:
                c.field, c.how = other, "position"
                break
    for c in cols:
        if c.how not in ("exact", "") and c.field is not None:
            why = {
                "contains": f"the header contains a word for {c.field}",
                "phrase": "the header's words say which kind of statements the column holds",
                "similar": "the header is spelt like a known one",
                "content": "its contents look like it",
                "position": "it stands beside the other force-field column",
                "merged": "it sits under the statement column's header, merged across both, and holds scores",
            }[c.how]
            uncertain.append(
                {
                    "column": column_letter(c.index),
                    "header": c.header,
                    "read_as": c.field,
                    "why": why,
                }
            )
    return uncertain


def _header_columns(cells: list[str], m: Mappings) -> list[Column]:
    out = []
    for j, raw in enumerate(cells):
        header = repair_text(raw)
        if not header:
            out.append(Column(j, "", None, ""))
            continue
        question = "?" in header
        if (len(header) > 60 and not question) or len(_WORDS.findall(header)) > 16 or is_legend(header):
            out.append(Column(j, header, None, "value"))
            continue
        fld, _score, how = m.column_guess(header)
        out.append(Column(j, header, fld, how))
    return out


def _header_score(cells: list[str], m: Mappings, *, strict: bool = False) -> tuple[bool, list[Column]]:
    """Whether a row is a header row, and its columns.

    ``strict`` (a row inside a table that may repeat the header or start a new block): at least two
    cells must be listed spellings and every other filled cell a header-like match, so a data row whose
    kind cell says "Kraft" is never taken for a header.
    """
    cols = _header_columns(cells, m)
    named = [c for c in cols if c.header and not is_legend(c.header)]
    if not named:
        return False, cols
    known = [c for c in named if c.field is not None]
    exact = [c for c in known if c.how == "exact"]
    sources = [c for c in known if c.field in ("text", "title", "comment", *KIND_COLUMNS)]
    long_values = [c for c in named if c.field is None and (len(c.header) > 40 or c.how == "value")]
    if long_values:
        return False, cols
    if strict:
        ok = len(exact) >= 2 and all(c.how in ("exact", "contains") for c in named) and bool(sources)
        return ok, cols
    if len(named) == 1:
        ok = bool(exact) and exact[0].field in ("text", *KIND_COLUMNS)
        return ok, cols
    ok = (bool(sources) and len(known) * 2 >= len(named)) or (len(exact) >= 2 and len(exact) * 2 >= len(named))
    return ok, cols


# --------------------------------------------------------------------------- the sheet


class _Builder:
    """Walks one grid row by row; every filled cell gets exactly one owner."""

    def __init__(self, grid: Grid, m: Mappings, base: dict[str, str], base_origin: dict[str, str]) -> None:
        self.grid = grid
        self.m = m
        self.table = Table(file=grid.file, sheet=grid.sheet, layout="long")
        self.base = dict(base)
        self.base_origin = dict(base_origin)
        self.year = ""
        self.unrecognised: dict[int, dict] = {}

    # -- ownership -------------------------------------------------------
    def ignore(self, row: int, j: int, value: str, reason: str) -> None:
        self.table.ignored.append((row, j, value, reason))

    def add(self, rec: dict) -> None:
        self.table.append(rec)


def _value(grid: Grid, row: int, j: int | None, cells: list[str]) -> str:
    if j is None or j >= len(cells):
        return ""
    v = cells[j]
    if v[:1] == "=" and (row, j) in grid.cached:
        return grid.cached[(row, j)]
    return v


def parse_grid(grid: Grid, m: Mappings, *, file_stem: str, inherited: dict[str, str] | None = None) -> Table:
    """Detect the layout of one grid and turn it into input records; account for every non-empty cell.

    Raises AnalysisError ("the sheet is empty", "no recognisable columns ...") when there is no table
    at all; :func:`unreadable_sheet` then lists the sheet's cells as ignored with that reason.
    """
    rows = grid.rows
    sheet = grid.sheet or None
    if not rows:
        raise AnalysisError("the sheet is empty", file=grid.file, sheet=sheet)
    names_ctx = {k: (v, "(an earlier sheet's title)") for k, v in (inherited or {}).items()}
    names_ctx.update(_context_from_names(file_stem, grid.sheet, m))
    years = _YEAR.findall(f"{file_stem} {grid.sheet}")
    names_ctx.setdefault("_year", (years[0] if years else "", ""))
    notes_col = _one_column_of_notes(grid)
    if notes_col is not None:
        return _notes(grid, m, names_ctx, notes_col)
    hidx, cols = None, None
    for idx, (_, cells) in enumerate(rows[:HEADER_SCAN]):
        ok, candidate = _header_score(cells, m)
        if ok:
            hidx, cols = idx, candidate
            break
    if hidx is None:
        return _headerless(grid, m, names_ctx)
    return _tabular(grid, m, names_ctx, hidx, cols)


def _one_column_of_notes(grid: Grid) -> int | None:
    """The column of a sheet typed as notes: all cells in one column, many lines starting with a sign or
    bullet ("+ …", "÷ …", "- …", "1) …")."""
    cols: set[int] = set()
    lines = []
    for r, cells in grid.rows:
        for j in grid.filled(r, cells):
            cols.add(j)
            lines.append(cells[j])
        if len(cols) > 1:
            return None
    if len(cols) != 1 or len(lines) < 3:
        return None
    items = sum(1 for ln in lines if _LIST_LINE.match(ln) or ln.strip()[:1] in _EMOJI_KIND)
    return next(iter(cols)) if items >= max(2, 0.3 * len(lines)) else None


def unreadable_sheet(grid: Grid, reason: str) -> Table:
    """A sheet with no table: every cell listed as ignored with ``reason``."""
    table = Table(file=grid.file, sheet=grid.sheet, layout="none")
    for r, cells in grid.rows:
        for j in grid.filled(r, cells):
            table.ignored.append((r, j, cells[j], reason))
    table.cells_in = len(table.ignored)
    return table


def _context_from_names(file_stem: str, sheet: str, m: Mappings) -> dict[str, tuple[str, str]]:
    ctx: dict[str, tuple[str, str]] = {}
    for name, origin in ((repair_text(sheet), "(sheet name)"), (repair_text(file_stem), "(file name)")):
        if not name:
            continue
        for fld, fn in (("group", m.group_from_name), ("goal", m.goal_from_name), ("kind", m.kind_from_name)):
            if fld not in ctx and (v := fn(name)):
                ctx[fld] = (v, origin)
        if len(name.split()) == 1:  # a sheet named with a misspelt goal or group ("Innbyggertal")
            for fld, fn in (("goal", m.goal_match), ("group", m.group_match)):
                value, how = fn(name)
                if fld not in ctx and value and how == "similar":
                    ctx[fld] = (value, origin)
        if "date" not in ctx and (d := find_date(name)):
            ctx["date"] = (d.isoformat(), origin)
    return ctx


def _above(
    grid: Grid, m: Mappings, rows: list[tuple[int, list[str]]], ctx: dict[str, tuple[str, str]], b: _Builder
) -> str:
    """Lines above the table: context for the whole table, notes, a title; each cell claimed. Returns the kind
    the title's words point to ('' when none)."""
    title_kind = ""
    pending_label: str | None = None
    for r, cells in rows:
        filled = grid.filled(r, cells)
        texts = [repair_text(cells[j]) for j in filled]
        pending_label = None
        for k, j in enumerate(filled):
            text = texts[k]
            label = _LABEL.match(text)
            if pending_label is not None:  # "Dato:" | 01.06.2021
                found = context_from_text(f"{pending_label}: {text}", m)
                if not found and m.column(pending_label) == "date":
                    year = _year_of(ctx)
                    d, _ = parse_date(text, int(year) if year.isdigit() else None)
                    found = {"date": d.isoformat()} if d else {}
                for fld, v in found.items():
                    ctx[fld] = (v, "(heading above the table)")
                b.ignore(r, j, cells[j], "value of the label to its left, used for the whole table")
                pending_label = None
                continue
            if label and not label.group(2).strip() and m.column(label.group(1)) in CONTEXT_FIELDS:
                pending_label = label.group(1)
                b.ignore(r, j, cells[j], "label above the table")
                continue
            if note_label(text, m):
                b.ignore(r, j, cells[j], "note about the meeting (not a statement)")
                continue
            if len(filled) >= 2 and k == 0 and m.column(text) in CONTEXT_FIELDS:
                pending_label = text
                b.ignore(r, j, cells[j], "label above the table")
                continue
            if is_legend(text):
                b.ignore(r, j, cells[j], "legend (explains symbols or colours)")
                continue
            found = context_from_text(text, m)
            goals_in_row = {context_from_text(repair_text(cells[jj]), m).get("goal") for jj in filled} - {None}
            for fld, v in found.items():
                if fld == "goal" and len(goals_in_row) > 1:
                    continue  # several goals side by side: each is the title of the columns below it
                ctx[fld] = (v, "(heading above the table)")
            if not title_kind:
                title_kind = m.kind_phrase(text) or ""
            reason = "title above the table" + (
                " (read: " + ", ".join(f"{k} {v}" for k, v in found.items()) + ")" if found else ""
            )
            b.ignore(r, j, cells[j], reason)
    return title_kind


def _base(ctx: dict[str, tuple[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    base = {f: "" for f in RECORD_FIELDS}
    origin: dict[str, str] = {}
    for fld, (value, where) in ctx.items():
        if fld in base:
            base[fld] = value
            origin[fld] = where
    return base, origin


def _year_of(ctx: dict[str, tuple[str, str]]) -> str:
    d = ctx.get("date", ("", ""))[0]
    return d[:4] if d[:4].isdigit() else ctx.get("_year", ("", ""))[0]


def _title_context(ctx: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Group and date a sheet's own title gave (not the file or sheet name), for later sheets."""
    return {k: v for k, (v, where) in ctx.items() if k in ("group", "date") and ("above" in where or "title" in where)}


@dataclass
class _Block:
    """The column map in force from one header row to the next."""

    cols: list[Column]
    sources: list[tuple[Column, str, dict[str, int], dict[str, str]]]  # (statement column, fixed kind or "",
    # paired value columns, values the title above the column gives)
    shared: dict[str, int]  # value field -> column, for every statement in the row
    title_col: int | None
    origin: dict[str, str]
    width: int
    by_index: dict[int, Column] = field(default_factory=dict)
    kind_origin: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_index = {c.index: c for c in self.cols}
        self.kind_origin = {**self.origin, "kind": "(force-field column)"}


def _make_block(cols: list[Column], body: list[tuple[int, list[str]]], m: Mappings, b: _Builder) -> _Block:
    uncertain = _decide(cols, body, m)
    b.table.uncertain.extend(u for u in uncertain if u not in b.table.uncertain)
    text_cols = [c for c in cols if c.field == "text"]
    title_col = next((c.index for c in cols if c.field == "title"), None)
    kind_cols = [c for c in cols if c.field in KIND_COLUMNS]
    sources: list[tuple[Column, str, dict[str, int], dict[str, str]]] = []
    shared: dict[str, int] = {}
    origin = dict(b.base_origin)
    if text_cols:
        main = text_cols[0]
        sources.append((main, "", {}, {}))
        for c in cols:
            if c.field in VALUE_FIELDS and c.field not in shared:
                shared[c.field] = c.index
        # a kind column next to a text column (e.g. "Tiltak" beside "Innspill") is a second statement column
        for c in kind_cols:
            sources.append((c, c.field, {}, {}))
    elif kind_cols or title_col is not None:
        if not kind_cols:  # titles only (a board export without bodies)
            sources.append((next(c for c in cols if c.field == "title"), "", {}, {}))
            title_col = None
        starts = [c.index for c in kind_cols]
        for c in kind_cols:
            sources.append((c, c.field, {}, {}))
        for c in cols:
            if c.field not in VALUE_FIELDS:
                continue
            owner = [s for s in sources if s[0].index < c.index]
            if c.field in ("strength", "pavirkbar") and owner and len(kind_cols) > 1:
                # the statement column nearest to the left of this one, within its block
                nearest = max(owner, key=lambda s: s[0].index)
                later = [i for i in starts if nearest[0].index < i < c.index]
                if not later and c.field not in nearest[2]:
                    nearest[2][c.field] = c.index
                    continue
            if c.field not in shared:
                shared[c.field] = c.index
    for fld, j in shared.items():
        origin[fld] = next(c.header for c in cols if c.index == j)
    for src in sources:
        col = src[0]
        values = [cells[col.index] for _, cells in body if col.index < len(cells)]
        if any(", " in v or v.rstrip().endswith(";") for v in values):
            col.ticks = _tick_separator(values)
            if col.ticks:
                b.table.uncertain.append(
                    {
                        "column": column_letter(col.index),
                        "header": col.header,
                        "read_as": "ticked options (one statement per option, one vote per tick)",
                        "why": "the same options recur in the cells, joined by " + repr(col.ticks.strip()),
                    }
                )
    width = max((c.index for c in cols if c.header or c.merged), default=-1) + 1
    return _Block(cols, sources, shared, title_col, origin, width)


def _mark_merged(cols: list[Column], grid: Grid, row: int) -> list[Column]:
    """Mark the header-less columns a header cell of ``row`` is merged across (e.g. «Krefter» over A:B).

    A merge past the row's last value («Motkrefter» over D:E) adds the columns it covers.
    """
    last = max((j for r, j in grid.copies if r == row), default=-1)
    cols.extend(Column(j, "", None, "") for j in range(len(cols), last + 1))
    for pos, c in enumerate(cols):
        if (
            not c.header
            and pos > 0
            and (row, c.index) in grid.copies
            and (cols[pos - 1].header or cols[pos - 1].merged)
        ):
            c.merged = True
    return cols


def _tabular(grid: Grid, m: Mappings, ctx: dict[str, tuple[str, str]], hidx: int, cols: list[Column]) -> Table:
    rows = grid.rows
    b = _Builder(grid, m, {}, {})
    title_kind = _above(grid, m, rows[:hidx], ctx, b)
    base, base_origin = _base(ctx)
    b.base, b.base_origin = base, base_origin
    b.year = _year_of(ctx)
    section: dict[str, str] = {}
    body_start = hidx + 1

    def block_body(start: int) -> list[tuple[int, list[str]]]:
        return rows[start : start + 200]

    block = _make_block(_mark_merged(cols, grid, rows[hidx][0]), block_body(body_start), m, b)
    if not block.sources:
        raise AnalysisError(_no_columns_message(rows[hidx][1]), file=grid.file, sheet=grid.sheet or None)
    b.table.layout = "long" if any(src[1] == "" for src in block.sources) else "forcefield"
    _column_titles(block, rows[:hidx], grid, m)
    b.table.origin = {**base_origin, **block.origin}
    if title_kind and not any(src[1] for src in block.sources) and "kind" not in block.shared:
        base["kind"] = title_kind
        base_origin["kind"] = "(title above the table)"
        b.table.origin["kind"] = "(title above the table)"
        b.table.uncertain.append(
            {"column": "", "header": "(title)", "read_as": f"kind {title_kind}", "why": "the title's words"}
        )
    _claim_header(b, rows[hidx], block, grid, m)
    joined: dict[int, int] = {}
    if grid.delimiter and b.table.layout == "long":
        text_j = block.sources[0][0].index
        rows = rows[:body_start] + _rejoin_split_text(rows[body_start:], block.width, text_j, grid.delimiter, joined)
    for idx in range(body_start, len(rows)):
        r, cells = rows[idx]
        filled = grid.filled(r, cells)
        if not filled:
            continue
        source_js = {src[0].index for src in block.sources}
        if len(filled) == 1 and r not in joined:
            j = filled[0]
            text = repair_text(cells[j])
            if _one_cell_row(b, r, j, cells[j], text, j in source_js, section, m):
                continue
        elif _maybe_header(cells, filled, source_js, m):
            ok, new_cols = _header_score(cells, m, strict=True)
            if ok:
                new_block = _make_block(_mark_merged(new_cols, grid, r), block_body(idx + 1), m, b)
                _column_titles(new_block, rows[:idx], grid, m)
                if new_block.sources:
                    block = new_block
                    _claim_header(b, (r, cells), block, grid, m, repeated=True)
                    continue
        n_before = len(b.table)
        _data_row(b, grid, r, cells, filled, block, section, m)
        if joined.get(r) and len(b.table) > n_before:
            b.table.columns["_cells"][n_before] += joined[r]
    b.table.unrecognised = list(b.unrecognised.values())
    b.table.cells_in = grid.count_cells()
    b.table.context = _title_context(ctx)
    return b.table


def _column_titles(block: _Block, above: list[tuple[int, list[str]]], grid: Grid, m: Mappings) -> None:
    """Goal titles over force-field columns ("Økt bolyst" over one pair, "Flere yngre innbyggere" over the
    next): each statement column gets the goal of the nearest title above it, at or to its left."""
    if len(block.sources) < 2 or all(src[1] == "" for src in block.sources):
        return
    rows = list(reversed(above[-6:]))
    for col, _kind, _paired, fixed in block.sources:
        for r, cells in rows:
            left = [j for j in grid.filled(r, cells) if j <= col.index]
            if not left:
                continue
            text = repair_text(cells[max(left)])
            goal = m.goal_from_name(text) or m.goal(text)
            if goal:
                fixed["goal"] = goal
                break


def _no_columns_message(cells: list[str]) -> str:
    seen = ", ".join(f"'{repair_text(c)}'" for c in cells if c.strip())[:200]
    return (
        "no recognisable columns: expected a header row with a text column (e.g. 'Tekst', 'Utsagn', "
        f"'Innspill') or force-field columns ('Krefter', 'Motkrefter'); the first row has {seen or 'nothing'}"
    )


def _claim_header(b: _Builder, row: tuple[int, list[str]], block: _Block, grid: Grid, m: Mappings, repeated=False):
    r, cells = row
    for j in grid.filled(r, cells):
        col = next((c for c in block.cols if c.index == j), None)
        what = "repeated header row" if repeated else "column header"
        if col is None or col.field is None:
            reason = f"{what}: column '{repair_text(cells[j])}' not recognised"
            _note_unrecognised(b, j, repair_text(cells[j]), count=False)
        elif col.field == "meta":
            reason = f"{what} of a metadata column (not part of a statement)"
        elif col.field == "comment":
            reason = f"{what} of a comment column (comments are not part of the statements table)"
        else:
            reason = f"{what} ({col.field})"
        b.ignore(r, j, cells[j], reason)


def _note_unrecognised(b: _Builder, j: int, header: str, count: bool = True) -> None:
    entry = b.unrecognised.setdefault(
        j,
        {
            "column": column_letter(j),
            "header": header,
            "cells": 0,
            "reason": f"column '{header}' not recognised" if header else "column without a header",
        },
    )
    if count:
        entry["cells"] += 1


def _maybe_header(cells: list[str], filled: list[int], source_js: set[int], m: Mappings) -> bool:
    """Cheap test whether a row could be a repeated header: short cells, at least two of them listed
    column headers (a data row's kind cell "Kraft" alone does not make it one)."""
    for j in filled:
        v = cells[j]
        if len(v) > 45 or v.count(" ") > 5:
            return False
    return sum(1 for j in filled if m.column(cells[j]) is not None) >= 2


def _one_cell_row(
    b: _Builder, r: int, j: int, raw: str, text: str, in_source: bool, section: dict[str, str], m: Mappings
) -> bool:
    """Handle a row with one filled cell when it is a heading, a note or a legend; False for a statement."""
    if note_label(text, m):
        b.ignore(r, j, raw, "note about the meeting (not a statement)")
        return True
    if is_legend(text):
        b.ignore(r, j, raw, "legend (explains symbols or colours)")
        return True
    heading = _is_heading(text, m)
    if heading is None and not in_source:
        heading = context_from_text(text, m)
        if heading:
            section.update(heading)
            b.ignore(r, j, raw, "heading: sets " + ", ".join(f"{k} {v}" for k, v in heading.items()) + " below it")
            return True
        b.ignore(r, j, raw, f"note outside the statement columns (column {column_letter(j)})")
        return True
    if heading is not None:
        section.update(heading)
        b.ignore(r, j, raw, "heading: sets " + ", ".join(f"{k} {v}" for k, v in heading.items()) + " below it")
        return True
    return False


def _data_row(
    b: _Builder,
    grid: Grid,
    r: int,
    cells: list[str],
    filled: list[int],
    block: _Block,
    section: dict[str, str],
    m: Mappings,
) -> None:
    claimed: set[int] = set()
    shared_vals = {f: _value(grid, r, j, cells) for f, j in block.shared.items()}
    title = _value(grid, r, block.title_col, cells) if block.title_col is not None else ""
    context = {f: section.get(f, "") or b.base.get(f, "") for f in RECORD_FIELDS}
    made = 0

    def claim(cols) -> int:
        n = 0
        for j in cols:
            if j is not None and j not in claimed and j in filled:
                claimed.add(j)
                n += 1
        return n

    for src, kind, paired, fixed in block.sources:
        text = _value(grid, r, src.index, cells)
        own_vals = {f: _value(grid, r, j, cells) for f, j in paired.items()}
        if block.title_col is not None and title.strip():
            text = f"{title.strip()}: {text.strip()}" if text.strip() else title
        if not text.strip() and not any(v.strip() for v in own_vals.values()):
            continue
        if src.ticks:
            parts = [p.strip() for p in text.split(src.ticks) if p.strip()] or None
            if parts and "votes" not in block.shared:
                own_vals = {**own_vals, "votes": "1"}
        else:
            parts = looks_like_list(text) if text.strip() else None
        for p, piece in enumerate(parts or [text]):
            rec = {f: (shared_vals.get(f, "") if shared_vals.get(f, "").strip() else context[f]) for f in RECORD_FIELDS}
            for fld, v in fixed.items():
                if not shared_vals.get(fld, "").strip() and not section.get(fld):
                    rec[fld] = v
            rec.update(own_vals)
            if kind:
                rec["kind"] = kind
            rec["text"] = strip_markup(piece) if "<" in piece else piece
            owned = 0
            if p == 0:
                owned = claim([src.index, *paired.values(), block.title_col])
                if not made:
                    owned += claim(block.shared.values())
            rec["_row"] = r
            rec["_col"] = src.header
            rec["_origin"] = block.kind_origin if kind else block.origin
            rec["_cells"] = owned
            rec["_year"] = b.year
            b.add(rec)
            made += 1
    if not made and any(j in filled for f, j in block.shared.items() if f != "date"):
        # values in the row but no statement: a reject ("no statement text") so nothing is lost quietly
        src = block.sources[0][0]
        rec = {f: (shared_vals.get(f, "") if shared_vals.get(f, "").strip() else context[f]) for f in RECORD_FIELDS}
        rec["text"] = ""
        if block.sources[0][1]:
            rec["kind"] = block.sources[0][1]
        rec.update(_row=r, _col=src.header, _origin=block.origin, _cells=claim(block.shared.values()), _year=b.year)
        b.add(rec)
    for j in filled:
        if j in claimed:
            continue
        col = block.by_index.get(j)
        if col is None or (col.field is None and not col.header):
            b.ignore(r, j, cells[j], f"cell outside the table's columns (column {column_letter(j)} has no header)")
            _note_unrecognised(b, j, "")
        elif col.field == "meta":
            b.ignore(r, j, cells[j], f"metadata column '{col.header}' (not part of a statement)")
        elif col.field == "comment":
            b.ignore(r, j, cells[j], f"comment column '{col.header}' (comments are not part of the statements table)")
        elif col.field is None:
            b.ignore(r, j, cells[j], f"column '{col.header}' not recognised")
            _note_unrecognised(b, j, col.header)
        else:
            b.ignore(r, j, cells[j], f"second '{col.field}' column '{col.header}' (only the first is read)")


def _rejoin_split_text(
    rows: list[tuple[int, list[str]]], width: int, text_col: int, delimiter: str, joined: dict[int, int]
):
    """Undo an unquoted delimiter inside the text of a CSV row (``Natur; fjell og vann``).

    A row with more non-blank cells than the header has gets its surplus joined back into the text cell;
    so does a row that is longer than the header when the cell after the text starts like the rest of a
    sentence (a space or a lower-case letter) — files saved by Excel pad every row with delimiters.
    ``joined`` gets, per row, how many more non-empty cells went into the text cell (for the lineage).
    """
    out = []
    joined.clear()
    for rownum, cells in rows:
        last = len(cells)
        while last > width and not cells[last - 1].strip():
            last -= 1
        extra = last - width
        if extra <= 0 and len(cells) > width and text_col + 1 < len(cells):
            nxt = cells[text_col + 1]
            if nxt[:1] == " " and nxt.strip()[:1].islower() or nxt[:1].islower():
                extra = len(cells) - width
        if extra > 0 and text_col < width:
            # the cells put back together are one statement text: it owns all of them
            joined[rownum] = sum(1 for c in cells[text_col : text_col + extra + 1] if c.strip()) - 1
            cells = (
                cells[:text_col]
                + [delimiter.join(cells[text_col : text_col + extra + 1])]
                + cells[text_col + extra + 1 :]
            )
        out.append((rownum, cells))
    return out


# --------------------------------------------------------------------------- no header


def _headerless(grid: Grid, m: Mappings, ctx: dict[str, tuple[str, str]]) -> Table:
    """A sheet without a header row: two columns of texts (forces | counter-forces) or one column of notes."""
    rows = grid.rows
    by_col: dict[int, list[str]] = {}
    for r, cells in rows:
        for j in grid.filled(r, cells):
            by_col.setdefault(j, []).append(cells[j])
    texty = sorted(
        j
        for j, vals in by_col.items()
        if len(vals) >= 2 and _text_like([t for v in vals if not is_legend(t := repair_text(v))]) >= 0.5
    )
    if len(texty) == 2:
        return _two_columns(grid, m, ctx, texty)
    if len(texty) == 1 or (len(by_col) == 1 and len(next(iter(by_col.values()))) >= 2):
        col = texty[0] if texty else next(iter(by_col))
        return _notes(grid, m, ctx, col)
    raise AnalysisError(_no_columns_message(rows[0][1]), file=grid.file, sheet=grid.sheet or None)


def _two_columns(grid: Grid, m: Mappings, ctx: dict[str, tuple[str, str]], texty: list[int]) -> Table:
    rows = grid.rows
    left, right = texty
    first = next(i for i, (r, cells) in enumerate(rows) if any(j in texty for j in grid.filled(r, cells)))
    # the first data row is the first row with a text in both or in one of the columns after the titles
    while first < len(rows):
        r, cells = rows[first]
        filled = grid.filled(r, cells)
        text = repair_text(cells[filled[0]]) if len(filled) == 1 else ""
        if len(filled) == 1 and (_text_like([text]) == 0 or context_from_text(text, m)):
            first += 1
            continue
        break
    b = _Builder(grid, m, {}, {})
    _above(grid, m, rows[:first], ctx, b)
    base, base_origin = _base(ctx)
    b.base, b.base_origin = base, base_origin
    b.year = _year_of(ctx)
    cols = [Column(left, "", "kraft", "position"), Column(right, "", "motkraft", "position")]
    block = _Block(
        cols, [(cols[0], "kraft", {}, {}), (cols[1], "motkraft", {}, {})], {}, None, dict(base_origin), right + 1
    )
    b.table.layout = "forcefield"
    b.table.origin = {**base_origin, "kind": "(place of the column: no header)"}
    b.table.uncertain.append(
        {
            "column": f"{column_letter(left)}, {column_letter(right)}",
            "header": "",
            "read_as": "kraft (left), motkraft (right)",
            "why": "no header row: two columns of texts side by side are read as forces and counter-forces",
        }
    )
    section: dict[str, str] = {}
    for r, cells in rows[first:]:
        filled = grid.filled(r, cells)
        if len(filled) == 1 and filled[0] not in (left, right):
            text = repair_text(cells[filled[0]])
            if _one_cell_row(b, r, filled[0], cells[filled[0]], text, False, section, m):
                continue
        if len(filled) == 1:
            text = repair_text(cells[filled[0]])
            if (note_label(text, m) or is_legend(text)) and _one_cell_row(
                b, r, filled[0], cells[filled[0]], text, True, section, m
            ):
                continue
        _data_row(b, grid, r, cells, filled, block, section, m)
    b.table.unrecognised = list(b.unrecognised.values())
    b.table.cells_in = grid.count_cells()
    b.table.context = _title_context(ctx)
    return b.table


_SIGN = re.compile(r"^\s*([+÷−–—\-*•·▪●])\s*")
_NUMBERED = re.compile(r"^\s*\(?(\d{1,2})[.)]\s+")
_VOTE_SUFFIX = re.compile(r"\s+[–—-]\s*(\d{1,4})\s*(?:stemmer|stemme|prikker|votes?|røyster)?\s*$", re.I)
_EMOJI_KIND = {"👍": "kraft", "👎": "motkraft", "💡": "tiltak"}


def _notes(grid: Grid, m: Mappings, ctx: dict[str, tuple[str, str]], col: int) -> Table:
    """Notes typed as lines in one column: headings, "+"/"÷" signs, bullets, numbered proposals.

    A heading ("Bolyst:", "2. Hva er utfordringene?", "Tiltak:") sets the goal or the kind for the lines
    below it; a sign sets the kind of its own line ("+" force; "÷", "−", "–" counter-force; "-" a
    counter-force where "+" is also used, else the heading's kind). A line that follows a blank line and
    has no bullet ends the heading's list. Lines before the first heading or item are the title.
    """
    b = _Builder(grid, m, {}, {})
    b.table.layout = "notes"
    uses_plus = any(_value(grid, r, col, cells).lstrip().startswith("+") for r, cells in grid.rows)
    section: dict[str, str] = {}
    heading_kind = ""
    goal_parent, under_goal = False, 0  # kind headings nested under the goal heading; lines right under it
    started = False
    last_row = None
    base, base_origin = _base(ctx)
    for r, cells in grid.rows:
        filled = grid.filled(r, cells)
        for j in filled:
            if j != col:
                text = repair_text(cells[j])
                if is_legend(text):
                    b.ignore(r, j, cells[j], "legend (explains symbols or colours)")
                elif note_label(text, m):
                    b.ignore(r, j, cells[j], "note about the meeting (not a statement)")
                else:
                    found = context_from_text(text, m)
                    for fld, v in found.items():
                        ctx.setdefault(fld, (v, "(a note beside the lines)"))
                    b.ignore(r, j, cells[j], f"note outside the column of lines (column {column_letter(j)})")
        if col not in filled:
            continue
        raw = cells[col]
        text = repair_text(raw)
        gap = last_row is not None and r > last_row + 1
        last_row = r
        if gap:
            # a blank line ends a list: what follows needs its own bullet or heading
            pending_gap = True
        else:
            pending_gap = False
        if note_label(text, m):
            b.ignore(r, col, raw, "note about the meeting (not a statement)")
            heading_kind = ""
            continue
        if is_legend(text):
            b.ignore(r, col, raw, "legend (explains symbols or colours)")
            continue
        sign = _SIGN.match(text)
        numbered = _NUMBERED.match(text)
        emoji = text[:1] in _EMOJI_KIND
        question = text.rstrip().endswith(("?", ":"))
        if numbered and m.key(_NUMBERED.sub("", text)) in m.kinds:  # "3. Forslag til tiltak (…)"
            question = True
        if question or (not sign and not numbered and not emoji and _is_heading(text, m)):
            bare = _NUMBERED.sub("", text).rstrip(":?").strip()
            heading = _is_heading(bare + ":", m) or {}
            kind = heading.get("kind") or m.kind_phrase(bare) or ""
            if "goal" in heading:
                section["goal"] = heading["goal"]
                goal_parent, under_goal = False, 0
            elif kind and not goal_parent and under_goal == 0 and "goal" in section:
                goal_parent = True  # "Økt bolyst" then "Drivkrefter:": kinds nested under the goal keep it
            elif kind and not goal_parent:
                section.pop("goal", None)  # "Tiltak:" after "Folketall:" and its lines starts a list of its own
            if not started and not kind and "goal" not in heading:
                for fld, v in context_from_text(text, m).items():
                    ctx[fld] = (v, "(title of the notes)")
            heading_kind = kind if kind or "goal" in heading or question else heading_kind
            if kind or "goal" in heading:
                started = True
            label = ", ".join(f"{k} {v}" for k, v in {**heading, **({"kind": kind} if kind else {})}.items())
            b.ignore(r, col, raw, "heading" + (f": sets {label} below it" if label else " (not a statement)"))
            continue
        is_item = bool(sign or numbered or emoji)
        if pending_gap and not is_item:
            heading_kind = ""
        if not is_item and not heading_kind:
            found = context_from_text(text, m)
            if not started:
                for fld, v in found.items():
                    ctx[fld] = (v, "(title of the notes)")
                what = "title of the notes"
            else:
                what = "line without a sign or heading (not read as a statement)"
            b.ignore(
                r,
                col,
                raw,
                what + (" (read: " + ", ".join(f"{k} {v}" for k, v in found.items()) + ")" if found else ""),
            )
            continue
        started = True
        if not goal_parent:
            under_goal += 1
        kind = ""
        votes = ""
        if sign:
            mark = sign.group(1)
            if mark == "+":
                kind = "kraft"
            elif mark in ("÷", "−", "–", "—"):
                kind = "motkraft"
            elif mark == "-":
                kind = heading_kind or ("motkraft" if uses_plus else "")
            else:
                kind = heading_kind
        elif emoji:
            kind = _EMOJI_KIND[text[:1]]
        else:
            kind = heading_kind
        typed = raw
        if kind == "tiltak" or numbered:
            mv = _VOTE_SUFFIX.search(raw.rstrip())
            if mv:
                votes = mv.group(1)
                typed = raw.rstrip()[: mv.start()]
        base, base_origin = _base(ctx)
        rec = {f: section.get(f, "") or base.get(f, "") for f in RECORD_FIELDS}
        rec.update(kind=kind, text=typed, votes=votes)
        rec.update(
            _row=r,
            _col=f"column {column_letter(col)}",
            _origin={**base_origin, "kind": "(sign or heading in the notes)"},
            _cells=1,
            _year=_year_of(ctx),
        )
        b.add(rec)
    b.table.origin = {**base_origin, "kind": "(sign or heading in the notes)"}
    b.table.cells_in = grid.count_cells()
    b.table.context = _title_context(ctx)
    return b.table
