"""Turn input records into the tidy ``statements`` table (docs/data-model.md).

One verb per function:

* :func:`normalise_text` — white space, bullets, Unicode form and mojibake
  ("Ã¸" → "ø", fixed with ftfy); the typed text is kept in ``text_raw``.
* :func:`statement_id` — a stable hash of group, goal, kind and the folded text;
  it does not depend on file names or row order.
* :func:`clean_records` — canonical values, rejects with reasons, near-duplicate
  merging within one group, goal and kind (rapidfuzz), theme coding.

A row is **rejected** (``action`` "statement rejected") only when no statement can be made of it: no
text, a text typed as a formula, no or an unknown group, no or an unknown kind, an unknown goal. A bad
*value* — strength 7, påvirkbar "ja", votes "mange", a date that is no date — is left empty and listed
in the rejects with the reason (``action`` "value left empty, statement kept"): the statement is kept.

**Near-duplicates** (same group, goal and kind; identical folded text or rapidfuzz ``ratio`` ≥
:data:`NEAR_DUPLICATE_THRESHOLD`) are merged only when they state the same facts
(:func:`fact_signature`): statements that differ in a number, a place name or a negation are never
merged ("Bygge 6 utleieboliger" ≠ "Bygge 8 utleieboliger"; "… i Drevsjø" ≠ "… i Elgå"; "Bussen går
om kvelden" ≠ "Bussen går ikke om kvelden").

The same idea named by two groups stays two statements: that agreement is a finding.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from analysis import vocab
from analysis.fileio import neutralise_formula
from analysis.privacy import place_names
from analysis.profile import Profile, load_profile
from analysis.textrepair import repair_text
from analysis.themes import code_themes
from analysis.workshops import links
from analysis.workshops.mappings import Mappings, load_mappings
from analysis.workshops.values import parse_date, parse_votes

__all__ = ["clean_records", "normalise_text", "fold_text", "statement_id", "parse_date", "fact_signature"]

#: rapidfuzz ``fuzz.ratio`` on folded text at or above which two statements are one.
NEAR_DUPLICATE_THRESHOLD = 90
#: blocks up to this size are compared pairwise; larger ones by a sorted-neighbourhood window.
_FULL_COMPARE_MAX = 256
_WINDOW = 128

REJECT_COLUMNS = ["file", "sheet", "row", "column", "value", "reason", "action"]
#: ``action`` of a reject: the whole row, or one value of a statement that was kept
ROW_REJECTED = "statement rejected"
VALUE_EMPTIED = "value left empty, statement kept"
STATEMENT_COLUMNS = [
    "statement_id",
    "source",
    "group",
    "date",
    "goal",
    "delmal",
    "kind",
    "text",
    "text_raw",
    "strength",
    "pavirkbar",
    "votes",
    "themes",
    "answers",
    "merged_ids",
    "n_sources",
    "source_file",
    "source_sheet",
    "source_row",
]

# ----------------------------------------------------------------------------- text

_BULLETS = re.compile(
    r"^(?:\s*(?:[-–—•*·▪◦●○►▶➢✓✔→>+÷−]+|[👍👎💡✅❌➕➖](?:\ufe0f)?(?=\s)|\(?\d{1,2}[.)](?=\s)|[a-zA-Z]\)(?=\s)))+\s*"
)
_FOLD_PUNCT = re.compile(r"[^\w\s]+")
_NEEDS_WORK = re.compile(
    "^[\\s\\-–—•*·▪◦●○►▶➢✓✔→>+÷−(👍👎💡✅❌➕➖]|^\\d{1,2}[.)]\\s|^[a-zA-Z]\\)\\s|\\s$|\\s\\s|[ÃÂâ]"
    "|[\x00-\x1f\x7f-\x9f\u00a0\u00ad\u1680\u2000-\u200f\u2028\u2029\u202a-\u202f\u205f\u2060\u3000\ufeff\ufffe\uffff]"
)


def normalise_text(text: str) -> str:
    """Clean a typed statement; idempotent.

    Control characters and NUL bytes go, mojibake is fixed (:func:`analysis.textrepair.repair_text`),
    white space collapsed, and bullets, numbering and sign marks at the start removed.

    >>> normalise_text("  •  Flere   utleieboliger i\\nDrevsjÃ¸ ")
    'Flere utleieboliger i Drevsjø'
    >>> normalise_text("- 1 300 innbyggere i 2030")
    '1 300 innbyggere i 2030'
    >>> normalise_text("\\x00\\x00")
    ''
    """
    if not text:
        return ""
    if not _NEEDS_WORK.search(text) and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        return text  # already clean (the common case)
    for _ in range(6):  # to a fixed point, so cleaning twice changes nothing
        before = text
        text = repair_text(text)
        text = _BULLETS.sub("", text).strip()
        if text == before:
            break
    return text


_KIND_WORD_PREFIX = re.compile(r"^\s*([A-Za-zÆØÅæøåé][\w ]{1,24}?)\s*:\s*(?=\S)")
_SIGN_PREFIX = {"+": "kraft", "÷": "motkraft", "−": "motkraft", "👍": "kraft", "👎": "motkraft", "💡": "tiltak"}


def kind_prefix(text: str, m: Mappings) -> tuple[str | None, str]:
    """A kind written at the start of a text ("Kraft: …", "Tiltak: …", "+ …", "👎 …") and the rest.

    >>> kind_prefix("Tiltak: Tilflytterkontakt", load_mappings())
    ('tiltak', 'Tilflytterkontakt')
    >>> kind_prefix("Natur: fjell og vann", load_mappings())
    (None, 'Natur: fjell og vann')
    """
    stripped = text.lstrip()
    if stripped[:1] in _SIGN_PREFIX and stripped[1:2] in (" ", "\ufe0f", "\u00a0") or stripped[:1] in ("÷", "−"):
        return _SIGN_PREFIX[stripped[:1]], stripped[1:].lstrip("\ufe0f").strip()
    hit = _KIND_WORD_PREFIX.match(text)
    if hit and m.key(hit.group(1)) in m.kinds:
        return m.kinds[m.key(hit.group(1))], text[hit.end() :]
    return None, text


def fold_text(text: str) -> str:
    """The comparison form of a statement: lower case, no punctuation, single spaces.

    >>> fold_text("Flere  boliger, til LEIE!")
    'flere boliger til leie'
    """
    return " ".join(_FOLD_PUNCT.sub(" ", text.casefold()).split())


def statement_id(group: str, goal: str | None, kind: str, text: str, *, folded: str | None = None) -> str:
    """Stable id of a statement: hash of group, goal, kind and folded text.

    >>> statement_id("ungdomsradet", "bolyst", "tiltak", "Flere  boliger!")
    'w61445bed2410ef0d'
    >>> statement_id("ungdomsradet", "bolyst", "tiltak", "flere boliger")
    'w61445bed2410ef0d'
    """
    key = "\x1f".join(
        [group, goal if isinstance(goal, str) else "", kind, folded if folded is not None else fold_text(text)]
    )
    return "w" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


# ----------------------------------------------------------------------------- values

_FORMULA = re.compile(r"^\s*=")


def _unique_map(series: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    """Apply ``fn`` once per distinct value (fast on repetitive columns)."""
    uniques = pd.unique(series.to_numpy(dtype=object))
    table = {u: fn(u) for u in uniques}
    return pd.Series([table[v] for v in series.to_numpy(dtype=object)], index=series.index, dtype=object)


@dataclass
class CleanResult:
    statements: pd.DataFrame
    rejects: pd.DataFrame
    rows_in: int
    rows_rejected: int
    rows_merged: int
    #: the link report (:mod:`analysis.workshops.links`): links read from the notes and values that could not be used
    links: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=links.REPORT_COLUMNS))
    #: per input row: the id of the statement it ended in ("" when rejected)
    row_statement: np.ndarray | None = None
    #: per input row: the number of cells of the file it holds
    row_cells: np.ndarray | None = None
    #: values read with less than certainty (a misspelt group, a kind from words): one dict each
    uncertain: list[dict] | None = None

    @property
    def rows_clean(self) -> int:
        return len(self.statements)

    def cells_by_file(self) -> dict[str, dict[str, int]]:
        """Cells per file in statements (kept or merged) and in rejected rows."""
        out: dict[str, dict[str, int]] = {}
        if self.row_cells is None or self.row_statement is None:
            return out
        files = self._files
        for f, cells, sid in zip(files, self.row_cells.tolist(), self.row_statement.tolist()):
            entry = out.setdefault(f, {"statement": 0, "rejected": 0})
            entry["statement" if sid else "rejected"] += int(cells)
        return out

    _files: list[str] | None = None


def _neutralise(value: str) -> str:
    """Keep spreadsheet programs from running a value as a formula when the rejects file is opened."""
    return neutralise_formula(value)


def _matcher(fn: Callable[[str], tuple[object, str]]) -> Callable[[str], tuple[object, str]]:
    return lambda v: fn(v) if v.strip() else ("", "")


def clean_records(frame: pd.DataFrame, mappings: Mappings | None = None) -> CleanResult:
    """Clean input records into statements and rejects. Does not mutate ``frame``.

    ``frame`` has text columns ``group date goal delmal kind text strength
    pavirkbar votes`` plus ``file sheet row`` (where the user typed it), ``_col``
    (the text column's header), ``_origin`` (field → column/heading the value came from) and,
    optionally, ``_cells`` (cells of the file the row holds) and ``_year`` (the meeting's year).
    Every input row ends up in exactly one of: a statement, a reject, or merged
    into another statement (``rows_in == rows_clean + rows_rejected + rows_merged``).
    """
    m = mappings or load_mappings()
    n = len(frame)
    f = frame.reset_index(drop=True)
    if "answers" not in f.columns:  # frames from before the link column
        f = f.assign(answers="")
    reasons = np.full(n, None, dtype=object)
    rcols = np.full(n, None, dtype=object)
    rvals = np.full(n, None, dtype=object)
    value_rejects: list[dict] = []
    uncertain: dict[tuple, dict] = {}
    files = f["file"].to_numpy(dtype=object)
    sheets = f["sheet"].to_numpy(dtype=object)
    rownums = f["row"].to_numpy()

    def origin(fld: str) -> Callable[[], np.ndarray]:
        def get() -> np.ndarray:
            if "_origin" not in f:
                return np.full(n, fld, dtype=object)
            return np.array([o.get(fld, fld) if isinstance(o, dict) else fld for o in f["_origin"]], dtype=object)

        return get

    def flag(mask: np.ndarray, reason, column, value) -> None:
        take = mask & pd.isna(reasons)
        if not take.any():
            return
        if callable(column):
            column = column()
        reasons[take] = reason[take] if isinstance(reason, np.ndarray) else reason
        rcols[take] = column[take] if isinstance(column, np.ndarray) else column
        rvals[take] = value[take]

    def empty_value(mask: np.ndarray, problems: np.ndarray, fld: str, raw: np.ndarray) -> None:
        """Values that cannot be read: left empty, listed (the row is kept)."""
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        cols = origin(fld)()
        for i in idx:
            value_rejects.append(
                {
                    "file": files[i],
                    "sheet": sheets[i],
                    "row": int(rownums[i]),
                    "column": cols[i],
                    "value": _neutralise(str(raw[i])),
                    "reason": problems[i],
                    "action": VALUE_EMPTIED,
                    "_i": int(i),
                }
            )

    def note_uncertain(fld: str, raw: np.ndarray, hows: np.ndarray, got: np.ndarray, sure=("exact", "")) -> None:
        cols = None
        for i in np.flatnonzero([h not in sure and g is not None for h, g in zip(hows, got)]):
            if cols is None:
                cols = origin(fld)()
            key = (files[i], sheets[i], fld, raw[i])
            if key not in uncertain:
                uncertain[key] = {
                    "file": files[i],
                    "sheet": sheets[i],
                    "column": cols[i],
                    "value": repair_text(raw[i]),
                    "read_as": got[i] if got[i] else "(not tied to one goal)",
                    "how": {
                        "name": "named inside the text",
                        "similar": "similar spelling",
                        "several": "several goals named",
                        "phrase": "the words say so",
                        "prefix": "written before the text",
                        "section": "named in the kind column (a board section)",
                    }.get(hows[i], hows[i]),
                }

    # a formula in the counter-force(s) a measure answers: the link is left out and listed (the row is kept)
    answers_raw = f["answers"].to_numpy(dtype=object)
    answer_formula = np.array([isinstance(a, str) and bool(_FORMULA.match(a)) for a in answers_raw], bool)
    if answer_formula.any():
        empty_value(
            answer_formula,
            np.full(n, "formula text is not accepted as a link (type the row number or the text)", dtype=object),
            "answers",
            answers_raw,
        )
        f.loc[answer_formula, "answers"] = ""

    # formulas in the fields that make a statement: the row cannot be used
    for fld in ("text", "group", "goal", "delmal", "kind"):
        vals = f[fld].to_numpy(dtype=object)
        formulas = [u for u in pd.unique(vals) if _FORMULA.match(u)]
        mask = np.isin(vals, formulas) if formulas else np.zeros(n, bool)
        if mask.any():
            col = f["_col"].to_numpy(dtype=object) if fld == "text" else origin(fld)()
            flag(mask, "formula text is not accepted (type the text itself, without a leading '=')", col, vals)

    kind_raw = f["kind"].to_numpy(dtype=object)
    raw_text = f["text"].to_numpy(dtype=object)
    # a kind written before the text ("Kraft: …", "+ …", "👎 …") when no kind is given, or the same kind
    prefixed = _unique_map(f["text"], lambda t: kind_prefix(t, m)).to_numpy(dtype=object)
    kind_given = _unique_map(f["kind"], lambda v: m.kind(v) if v.strip() else "").to_numpy(dtype=object)
    text_src = np.array(
        [
            p[1] if p[0] and (not kr.strip() or kg == p[0]) else t
            for p, kg, kr, t in zip(prefixed, kind_given, kind_raw, raw_text)
        ],
        dtype=object,
    )
    text = _unique_map(pd.Series(text_src), normalise_text).to_numpy(dtype=object)
    formula_after = np.array([bool(_FORMULA.match(t)) for t in text], bool)  # "- =1+1", "• =HYPERLINK(…)"
    flag(
        formula_after,
        "formula text is not accepted (type the text itself, without a leading '=')",
        f["_col"].to_numpy(dtype=object),
        raw_text,
    )
    flag(np.array([not t for t in text], bool), "no statement text", f["_col"].to_numpy(dtype=object), raw_text)

    group_raw = f["group"].to_numpy(dtype=object)
    gm = _unique_map(f["group"], _matcher(m.group_match)).to_numpy(dtype=object)
    group = np.array([g[0] for g in gm], dtype=object)
    flag(
        np.array([g == "" for g in group], bool),
        "no group: no 'Gruppe' column, heading, sheet name or file name names a group of profile.yaml (add the group there, under groups or villages or as an alias, or write it in a 'Gruppe' column)",
        origin("group"),
        group_raw,
    )
    flag(
        np.array([g is None for g in group], bool),
        np.array(
            [
                f"unknown group '{repair_text(v)}' (add it to profile.yaml, under groups or villages or as an alias)"
                for v in group_raw
            ],
            object,
        ),
        origin("group"),
        group_raw,
    )
    note_uncertain("group", group_raw, np.array([g[1] for g in gm], dtype=object), group)

    def read_kind(v: str) -> tuple[str | None, str]:
        if not v.strip():
            return "", ""
        k = m.kind(v)
        if k:
            return k, "exact"
        k = m.kind_phrase(v)
        return (k, "phrase") if k else (None, "")

    km = _unique_map(f["kind"], read_kind).to_numpy(dtype=object)
    kind = np.array([k[0] for k in km], dtype=object)
    khow = np.array([k[1] for k in km], dtype=object)
    from_prefix = np.array(
        [k == "" and bool(p[0]) and not kr.strip() for k, p, kr in zip(kind, prefixed, kind_raw)], bool
    )
    if from_prefix.any():
        kind = np.where(from_prefix, np.array([p[0] or "" for p in prefixed], dtype=object), kind)
        khow = np.where(from_prefix, "prefix", khow)
    flag(
        np.array([k == "" for k in kind], bool),
        "no kind: say whether it is ønsket resultat, delmål, tiltak, kraft or motkraft",
        origin("kind"),
        kind_raw,
    )
    flag(
        np.array([k is None for k in kind], bool),
        np.array([f"unknown kind '{repair_text(v)}'" for v in kind_raw], object),
        origin("kind"),
        kind_raw,
    )
    note_uncertain("kind", np.where(from_prefix, raw_text, kind_raw), khow, kind)

    goal_raw = f["goal"].to_numpy(dtype=object)
    gom = _unique_map(f["goal"], _matcher(m.goal_match)).to_numpy(dtype=object)
    # a board section such as "Mål 2 – Motkrefter" names the goal as well as the kind
    section_goal = _unique_map(f["kind"], lambda v: m.goal_from_name(v) if v.strip() else None).to_numpy(dtype=object)
    gom = [
        (sg, "section") if sg and not str(gr).strip() else tuple(g) for g, gr, sg in zip(gom, goal_raw, section_goal)
    ]
    goal = np.array([g[0] for g in gom], dtype=object)
    flag(
        np.array([g is None for g in goal], bool),
        np.array(
            [
                f"unknown goal '{repair_text(v)}' (use one of the goals in profile.yaml or leave it empty)"
                for v in goal_raw
            ],
            object,
        ),
        origin("goal"),
        goal_raw,
    )
    note_uncertain(
        "goal",
        np.where([g[1] == "section" for g in gom], kind_raw, goal_raw),
        np.array([g[1] for g in gom], dtype=object),
        goal,
    )

    scores = {}
    for fld, label in (("strength", "strength"), ("pavirkbar", "påvirkbar")):
        raw = f[fld].to_numpy(dtype=object)
        parsed = _unique_map(f[fld], m.scale).to_numpy(dtype=object)
        bad = np.array([p[1] is not None for p in parsed], bool)
        empty_value(bad, np.array([f"{label} {p[1]}" if p[1] else "" for p in parsed], object), fld, raw)
        scores[fld] = np.array([p[0] for p in parsed], dtype=object)

    votes_raw = f["votes"].to_numpy(dtype=object)
    pv = _unique_map(f["votes"], parse_votes).to_numpy(dtype=object)
    empty_value(
        np.array([p[1] is not None for p in pv], bool), np.array([p[1] or "" for p in pv], object), "votes", votes_raw
    )

    date_raw = f["date"].to_numpy(dtype=object)
    years = f["_year"].to_numpy(dtype=object) if "_year" in f else np.full(n, "", dtype=object)
    keys = pd.Series([f"{d}\x1f{y}" for d, y in zip(date_raw, years)])

    def read_date(key: str):
        d, _, y = key.partition("\x1f")
        return parse_date(d, int(y) if y.isdigit() else None)

    pd_ = _unique_map(keys, read_date).to_numpy(dtype=object)
    empty_value(
        np.array([p[1] is not None for p in pd_], bool), np.array([p[1] or "" for p in pd_], object), "date", date_raw
    )

    rejected = ~pd.isna(reasons)
    rejects = pd.DataFrame(
        {
            "file": files[rejected],
            "sheet": sheets[rejected],
            "row": rownums[rejected],
            "column": rcols[rejected],
            "value": [_neutralise(str(v)) for v in rvals[rejected]],
            "reason": reasons[rejected],
            "action": ROW_REJECTED,
        },
        columns=REJECT_COLUMNS,
    )
    kept_value_rejects = [v for v in value_rejects if not rejected[v["_i"]]]
    if kept_value_rejects:
        extra = pd.DataFrame(kept_value_rejects).drop(columns=["_i"])[REJECT_COLUMNS]
        rejects = pd.concat([rejects, extra], ignore_index=True) if len(rejects) else extra
    rejects["row"] = rejects["row"].astype("int64")
    rejects = rejects.sort_values(["file", "sheet", "row", "action", "column"], kind="stable").reset_index(drop=True)

    ok = ~rejected
    goal_ok = np.array([g if g else None for g in goal[ok]], dtype=object)
    clean = pd.DataFrame(
        {
            "group": group[ok],
            "goal": goal_ok,
            "kind": kind[ok],
            "text": text[ok],
            "text_raw": raw_text[ok],
            "delmal": _unique_map(f["delmal"][ok], normalise_text).to_numpy(dtype=object),
            "strength": scores["strength"][ok],
            "pavirkbar": scores["pavirkbar"][ok],
            "votes": np.array([p[0] for p in pv[ok]], dtype=object),
            "date": np.array([p[0] for p in pd_[ok]], dtype=object),
            "source_file": files[ok],
            "source_sheet": sheets[ok],
            "source_row": rownums[ok],
            "answers": f["answers"].to_numpy(dtype=object)[ok],
        }
    )
    clean["delmal"] = clean["delmal"].where(clean["delmal"] != "", None)
    fold_of = {t: fold_text(t) for t in set(text[ok].tolist())}
    clean["_fold"] = [fold_of[t] for t in text[ok].tolist()]
    clean["statement_id"] = [
        statement_id(g, o, k, "", folded=fo)
        for g, o, k, fo in zip(group[ok].tolist(), goal_ok.tolist(), kind[ok].tolist(), clean["_fold"].tolist())
    ]
    answers, link_report = links.resolve_cells(clean)
    clean["answers"] = pd.Series(answers, index=clean.index, dtype=object)
    statements, rep_of = merge_near_duplicates(clean, return_map=True)
    statements["answers"] = pd.Series(links.remap_ids(statements["answers"], rep_of), index=statements.index)
    for col in ("measure_id", "counterforce_id"):
        link_report[col] = link_report[col].map(lambda v: rep_of.get(v, v))
    statements = finish_statements(statements, m.profile)
    row_statement = np.full(n, "", dtype=object)
    row_statement[ok] = [rep_of.get(s, s) for s in clean["statement_id"].tolist()]
    cells = f["_cells"].to_numpy(dtype=np.int64) if "_cells" in f else np.ones(n, dtype=np.int64)
    result = CleanResult(
        statements,
        rejects,
        rows_in=n,
        rows_rejected=int(rejected.sum()),
        rows_merged=int(ok.sum()) - len(statements),
        links=link_report.drop_duplicates().reset_index(drop=True),
        row_statement=row_statement,
        row_cells=cells,
        uncertain=sorted(uncertain.values(), key=lambda u: (u["file"], u["sheet"], str(u["column"]), u["value"])),
    )
    result._files = files.tolist()
    return result


# ----------------------------------------------------------------------------- near-duplicates

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
#: words that turn a statement into its opposite; two statements differing in one are never merged
NEGATIONS = frozenset(
    "ikke ikkje ingen inga ingenting intet aldri uten utan mangler manglende mangel verken hverken "
    "not no never none without nothing lacks lacking".split()
)
_SENTENCE = re.compile(r"[.!?:;]\s+")


def fact_signature(text: str, places: frozenset[str] = frozenset()) -> tuple[tuple[str, ...], ...]:
    """What two statements must share to be merged: numbers, place names and negations.

    Numbers are written digits ("1 300" gives 1 and 300); places are the words in ``places`` (lower
    case: the municipality's villages and places, large places and institutions) wherever they stand,
    plus capitalised words inside a sentence (proper nouns); negations are :data:`NEGATIONS`.

    >>> fact_signature("Bygge 6 utleieboliger i Drevsjø", frozenset({"drevsjø"}))
    (('6',), ('drevsjø',), ())
    >>> fact_signature("Bussen går ikke om kvelden")
    ((), (), ('ikke',))
    """
    numbers = tuple(sorted({n.replace(",", ".") for n in _NUMBER.findall(text)})) if _HAS_DIGIT.search(text) else ()
    words = _TOKEN.findall(text)
    lower = {w.casefold() for w in words}
    negations = tuple(sorted(lower & NEGATIONS))
    names = lower & places
    for m in _PROPER.finditer(text):
        names.add(m.group(1).casefold())
    return numbers, tuple(sorted(names)), negations


_HAS_DIGIT = re.compile(r"\d")
#: a capitalised word that does not start a sentence: a name (of a place, a shop, a person)
_PROPER = re.compile(r"(?<=[\w,)»\"] )([A-ZÆØÅÉ][^\W\d_]+(?:-[^\W\d_]+)*)")


def _place_keys() -> frozenset[str]:
    """Place names in lower case: the profile's own and the shipped list (:func:`analysis.privacy.place_names`)."""
    return frozenset(p.casefold() for p in place_names())


def _pairs_in_block(texts: list[str]) -> list[tuple[int, int]]:

    n = len(texts)
    if n < 2:
        return []
    out: list[tuple[int, int]] = []

    def compare(idx: np.ndarray) -> None:
        sub = [texts[i] for i in idx]
        mat = process.cdist(sub, sub, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_THRESHOLD, dtype=np.uint8)
        a, b = np.nonzero(np.triu(mat, 1))
        out.extend(zip(idx[a].tolist(), idx[b].tolist()))

    if n <= _FULL_COMPARE_MAX:
        compare(np.arange(n))
        return out
    # sorted neighbourhood: windows over the texts sorted forwards and backwards (linear in n)
    for key in (lambda i: texts[i], lambda i: texts[i][::-1]):
        order = np.array(sorted(range(n), key=key))
        for start in range(0, n, _WINDOW // 2):
            window = order[start : start + _WINDOW]
            if len(window) > 1:
                compare(window)
            if start + _WINDOW >= n:
                break
    return out


def merge_near_duplicates(clean: pd.DataFrame, *, return_map: bool = False):
    """Merge statements that say the same within one group, goal and kind.

    Exact duplicates (same ``statement_id``) and near-duplicates (rapidfuzz ratio ≥
    ``NEAR_DUPLICATE_THRESHOLD`` on folded text, **and** the same :func:`fact_signature`: the same
    numbers, place names and negations) become one statement. The kept one is the most often typed,
    then the smallest id, so the result does not depend on row order. ``merged_ids`` lists the other
    ids; votes are added up across meetings (rows with the same known date are records of one meeting:
    the largest count is kept, never the sum); blanks in the kept row are filled from the merged rows; ``n_sources``
    counts the input rows behind the statement. With ``return_map`` also returns
    ``{merged id: kept id}``.
    """
    if clean.empty:
        out = clean.drop(columns=["_fold"], errors="ignore")
        out["merged_ids"] = pd.Series([], dtype=object)
        out["n_sources"] = pd.Series([], dtype="int64")
        return (out, {}) if return_map else out
    counts = clean["statement_id"].value_counts().to_dict()
    if "_fold" not in clean:
        clean = clean.assign(_fold=[fold_text(t) for t in clean["text"].tolist()])
    uniq = clean.drop_duplicates("statement_id")[["statement_id", "group", "goal", "kind", "_fold", "text"]].copy()
    uniq["goal"] = uniq["goal"].fillna("")
    places = _place_keys()
    uniq["_sig"] = [fact_signature(t, places) for t in uniq["text"].tolist()]
    uniq = uniq.sort_values("statement_id", kind="stable")
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    blocks: dict[tuple, list[tuple[str, str]]] = {}
    for sid, g, o, k, fo, sig in zip(
        uniq["statement_id"].tolist(),
        uniq["group"].tolist(),
        uniq["goal"].tolist(),
        uniq["kind"].tolist(),
        uniq["_fold"].tolist(),
        uniq["_sig"].tolist(),
    ):
        blocks.setdefault((g, o, k, sig), []).append((sid, fo))
    for key in sorted(blocks):
        block = blocks[key]
        if len(block) < 2:
            continue
        ids = [b[0] for b in block]
        for a, b in _pairs_in_block([b[1] for b in block]):
            ra, rb = find(ids[a]), find(ids[b])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for sid in sorted(set(parent) | set(parent.values())):
        members.setdefault(find(sid), []).append(sid)
    rep_of: dict[str, str] = {}
    merged_of: dict[str, tuple[str, ...]] = {}
    for ids in members.values():
        rep = min(ids, key=lambda s: (-counts[s], s))
        merged_of[rep] = tuple(sorted(s for s in ids if s != rep))
        for s in ids:
            rep_of[s] = rep
    work = clean.drop(columns=["_fold"])
    ids_all = work["statement_id"].tolist()
    reps = [rep_of.get(s, s) for s in ids_all]
    work["_rep"] = reps
    # statements standing for one input row pass through; only the others are aggregated
    multi = {r for r, n in pd.Series(reps).value_counts().items() if n > 1}
    is_multi = np.array([r in multi for r in reps], dtype=bool)
    single = work[~is_multi].drop(columns=["_rep"]).copy()
    single["merged_ids"] = [() for _ in range(len(single))]
    single["n_sources"] = 1
    if not is_multi.any():
        out = single.reset_index(drop=True)
        return (out, rep_of) if return_map else out
    grp = work[is_multi].copy()
    grp["_is_rep"] = grp["statement_id"] == grp["_rep"]
    grp = grp.sort_values(
        ["_rep", "_is_rep", "statement_id", "source_file", "source_sheet", "source_row"],
        ascending=[True, False, True, True, True, True],
        kind="stable",
    )
    grouped = grp.groupby("_rep", sort=True)
    first = grouped[["strength", "pavirkbar", "date", "delmal"]].first()  # first non-null, kept row first
    merged_answers = grouped["answers"].agg(links.merge_answers) if "answers" in grp.columns else None
    out = grouped.head(1).set_index("_rep").drop(columns=["_is_rep"])  # the kept row itself (text, lineage)
    for col in ("strength", "pavirkbar", "date", "delmal"):
        out[col] = first[col].reindex(out.index)
    # votes: rows from the same meeting (same known date) are records of one vote: the largest count is
    # kept; counts from different meetings (or with no date) are added up
    vnum = pd.to_numeric(grp["votes"], errors="coerce")
    day = pd.Series(
        [str(d) if d is not None and not pd.isna(d) else f"row{i}" for i, d in enumerate(grp["date"].tolist())],
        index=grp.index,
    )
    per_meeting = vnum.groupby([grp["_rep"], day]).max()
    votes = per_meeting.groupby(level=0).sum(min_count=1).reindex(out.index)
    out["votes"] = votes.astype(object).where(votes.notna(), None)
    out["n_sources"] = grouped.size().reindex(out.index).astype("int64")
    if merged_answers is not None:
        out["answers"] = merged_answers.reindex(out.index)
    out["merged_ids"] = [merged_of.get(r, ()) for r in out.index]
    out = out.reset_index(drop=True)
    out = pd.concat([single.reset_index(drop=True), out[single.columns]], ignore_index=True)
    return (out, rep_of) if return_map else out


# ----------------------------------------------------------------------------- final table


def finish_statements(df: pd.DataFrame, profile: Profile | None = None) -> pd.DataFrame:
    """Types, themes, source, sort order and column order of the statements table."""

    out = pd.DataFrame(index=range(len(df)))
    df = df.reset_index(drop=True)
    out["statement_id"] = df["statement_id"].astype("string")
    out["source"] = pd.Series([vocab.source_of(g) for g in df["group"].tolist()], dtype="string")
    out["group"] = df["group"].astype("string")
    out["date"] = pd.to_datetime(pd.Series(list(df["date"]), dtype=object), errors="coerce").astype("datetime64[ms]")
    out["goal"] = df["goal"].astype("string")
    out["delmal"] = df["delmal"].astype("string")
    out["kind"] = df["kind"].astype("string")
    out["text"] = df["text"].astype("string")
    out["text_raw"] = df["text_raw"].astype("string")
    for col in ("strength", "pavirkbar", "votes"):
        out[col] = pd.to_numeric(pd.Series(df[col].to_numpy(dtype=object)), errors="coerce").astype("Int64")
    out["themes"] = pd.Series(code_themes(df["text"].tolist()), index=out.index, dtype=object)
    answers = df["answers"].tolist() if "answers" in df.columns else [()] * len(df)
    out["answers"] = pd.Series(
        [tuple(a) if isinstance(a, tuple) else () for a in answers], index=out.index, dtype=object
    )
    out["merged_ids"] = pd.Series(list(df["merged_ids"]), index=out.index, dtype=object)
    out["n_sources"] = df["n_sources"].astype("int64")
    out["source_file"] = df["source_file"].astype("string")
    out["source_sheet"] = df["source_sheet"].astype("string")
    out["source_row"] = df["source_row"].astype("int64")
    goal_order = {g: i for i, g in enumerate((profile or load_profile()).goal_ids)}
    kind_order = {k: i for i, k in enumerate(vocab.KINDS)}
    out["_g"] = out["goal"].map(goal_order).fillna(len(goal_order)).astype(int)
    out["_k"] = out["kind"].map(kind_order).astype(int)
    out = out.sort_values(["group", "_g", "_k", "statement_id"], kind="stable").drop(columns=["_g", "_k"])
    return out.reset_index(drop=True)[STATEMENT_COLUMNS]
