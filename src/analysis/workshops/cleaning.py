"""Turn input records into the tidy ``statements`` table (docs/data-model.md).

One verb per function:

* :func:`normalise_text` — white space, bullets, Unicode form and mojibake
  ("Ã¸" → "ø", fixed with ftfy); the typed text is kept in ``text_raw``.
* :func:`statement_id` — a stable hash of group, goal, kind and the folded text;
  it does not depend on file names or row order.
* :func:`clean_records` — canonical values, rejects with reasons, near-duplicate
  merging within one group, goal and kind (rapidfuzz), theme coding.

The same idea named by two groups stays two statements: that agreement is a finding.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import ftfy
import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from analysis import vocab
from analysis.profile import Profile, load_profile
from analysis.themes import code_themes
from analysis.workshops import links
from analysis.workshops.mappings import Mappings, load_mappings

#: rapidfuzz ``fuzz.ratio`` on folded text at or above which two statements are one.
NEAR_DUPLICATE_THRESHOLD = 90
#: blocks up to this size are compared pairwise; larger ones by a sorted-neighbourhood window.
_FULL_COMPARE_MAX = 256
_WINDOW = 128

REJECT_COLUMNS = ["file", "sheet", "row", "column", "value", "reason"]
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

_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00ff]|â€|Ã|Â ")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE_LIKE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BULLETS = re.compile(r"^(?:\s*(?:[-–—•*·▪◦●○►▶➢✓✔→>+]+|\(?\d{1,2}[.)](?=\s)|[a-zA-Z]\)(?=\s)))+\s*")
_FOLD_PUNCT = re.compile(r"[^\w\s]+")
_NEEDS_WORK = re.compile(
    "^[\\s\\-–—•*·▪◦●○►▶➢✓✔→>+(]|^\\d{1,2}[.)]\\s|^[a-zA-Z]\\)\\s|\\s$|\\s\\s|[ÃÂ]|â€"
    "|[\t\n\r\x0b\x0c\x1c-\x1f\x85\u00a0\u00ad\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
)


def normalise_text(text: str) -> str:
    """Clean a typed statement; idempotent.

    >>> normalise_text("  •  Flere   utleieboliger i\\nDrevsjÃ¸ ")
    'Flere utleieboliger i Drevsjø'
    >>> normalise_text("- 1 300 innbyggere i 2030")
    '1 300 innbyggere i 2030'
    """
    if not text:
        return ""
    if not _NEEDS_WORK.search(text) and unicodedata.is_normalized("NFC", text):
        return text  # already clean (the common case)
    for _ in range(4):  # to a fixed point, so cleaning twice changes nothing
        before = text
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
        text = _SPACE_LIKE.sub(" ", text).strip()
        if _MOJIBAKE.search(text):
            text = ftfy.fix_text(text, uncurl_quotes=False, normalization="NFC")
            text = _SPACE_LIKE.sub(" ", text).strip()
        text = _BULLETS.sub("", text).strip()
        if text == before:
            break
    return text


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
_VOTES = re.compile(r"^\s*(\d+)(?:[.,]0+)?\s*(?:stemmer|stemme|prikker|prikk|votes?|stk)?\.?\s*$", re.I)
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d")


def parse_date(value: str) -> tuple[dt.date | None, str | None]:
    """A Norwegian or ISO date (or an Excel serial number): ``(date, None)`` or ``(None, problem)``.

    >>> parse_date("04.03.2021"), parse_date("2021-03-04")[0], parse_date("44259")[0]
    ((datetime.date(2021, 3, 4), None), datetime.date(2021, 3, 4), datetime.date(2021, 3, 4))
    """
    text = value.strip()
    if not text:
        return None, None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date(), None
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):  # Excel serial day
        serial = int(float(text))
        if 20000 < serial < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=serial), None
    return None, f"date '{text}' is not a date (write it as DD.MM.YYYY)"


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

    @property
    def rows_clean(self) -> int:
        return len(self.statements)


def _neutralise(value: str) -> str:
    """Keep spreadsheet programs from running a value as a formula when the rejects file is opened."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def clean_records(frame: pd.DataFrame, mappings: Mappings | None = None) -> CleanResult:
    """Clean input records into statements and rejects. Does not mutate ``frame``.

    ``frame`` has text columns ``group date goal delmal kind text strength
    pavirkbar votes`` plus ``file sheet row`` (where the user typed it), ``_col``
    (the text column's header) and ``_origin`` (field → column/heading the value came from).
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

    # formulas anywhere
    for fld in ("text", "group", "goal", "delmal", "kind", "strength", "pavirkbar", "votes", "date", "answers"):
        vals = f[fld].to_numpy(dtype=object)
        formulas = [u for u in pd.unique(vals) if _FORMULA.match(u)]
        mask = np.isin(vals, formulas) if formulas else np.zeros(n, bool)
        if mask.any():
            col = f["_col"].to_numpy(dtype=object) if fld == "text" else origin(fld)()
            flag(mask, "formula text is not accepted (type the text itself, without a leading '=')", col, vals)

    raw_text = f["text"].to_numpy(dtype=object)
    text = _unique_map(f["text"], normalise_text).to_numpy(dtype=object)
    flag(np.array([not t for t in text], bool), "no statement text", f["_col"].to_numpy(dtype=object), raw_text)

    group_raw = f["group"].to_numpy(dtype=object)
    group = _unique_map(f["group"], lambda v: m.group(v) if v.strip() else "").to_numpy(dtype=object)
    flag(
        np.array([g == "" for g in group], bool),
        "no group: no 'Gruppe' column, heading, sheet name or file name says which group",
        origin("group"),
        group_raw,
    )
    flag(
        np.array([g is None for g in group], bool),
        np.array(
            [
                f"unknown group '{v.strip()}' (add it to profile.yaml, under groups or villages or as an alias)"
                for v in group_raw
            ],
            object,
        ),
        origin("group"),
        group_raw,
    )

    kind_raw = f["kind"].to_numpy(dtype=object)
    kind = _unique_map(f["kind"], lambda v: m.kind(v) if v.strip() else "").to_numpy(dtype=object)
    flag(
        np.array([k == "" for k in kind], bool),
        "no kind: say whether it is ønsket resultat, delmål, tiltak, kraft or motkraft",
        origin("kind"),
        kind_raw,
    )
    flag(
        np.array([k is None for k in kind], bool),
        np.array([f"unknown kind '{v.strip()}'" for v in kind_raw], object),
        origin("kind"),
        kind_raw,
    )

    goal_raw = f["goal"].to_numpy(dtype=object)
    goal = _unique_map(f["goal"], lambda v: m.goal(v) if v.strip() else "").to_numpy(dtype=object)
    flag(
        np.array([g is None for g in goal], bool),
        np.array(
            [f"unknown goal '{v.strip()}' (use one of the goals in profile.yaml or leave it empty)" for v in goal_raw],
            object,
        ),
        origin("goal"),
        goal_raw,
    )

    scores = {}
    for fld, label in (("strength", "strength"), ("pavirkbar", "påvirkbar")):
        raw = f[fld].to_numpy(dtype=object)
        parsed = _unique_map(f[fld], m.scale).to_numpy(dtype=object)
        bad = np.array([p[1] is not None for p in parsed], bool)
        flag(bad, np.array([f"{label} {p[1]}" if p[1] else "" for p in parsed], object), origin(fld), raw)
        scores[fld] = np.array([p[0] for p in parsed], dtype=object)

    votes_raw = f["votes"].to_numpy(dtype=object)

    def parse_votes(v: str):
        if not v.strip():
            return (None, None)
        mv = _VOTES.match(v)
        return (int(mv.group(1)), None) if mv else (None, f"votes '{v.strip()}' is not a whole number of 0 or more")

    pv = _unique_map(f["votes"], parse_votes).to_numpy(dtype=object)
    flag(
        np.array([p[1] is not None for p in pv], bool),
        np.array([p[1] or "" for p in pv], object),
        origin("votes"),
        votes_raw,
    )

    date_raw = f["date"].to_numpy(dtype=object)
    pd_ = _unique_map(f["date"], parse_date).to_numpy(dtype=object)
    flag(
        np.array([p[1] is not None for p in pd_], bool),
        np.array([p[1] or "" for p in pd_], object),
        origin("date"),
        date_raw,
    )

    rejected = ~pd.isna(reasons)
    rejects = pd.DataFrame(
        {
            "file": f["file"].to_numpy(dtype=object)[rejected],
            "sheet": f["sheet"].to_numpy(dtype=object)[rejected],
            "row": f["row"].to_numpy()[rejected],
            "column": rcols[rejected],
            "value": [_neutralise(str(v)) for v in rvals[rejected]],
            "reason": reasons[rejected],
        },
        columns=REJECT_COLUMNS,
    )
    rejects = rejects.sort_values(["file", "sheet", "row", "column"], kind="stable").reset_index(drop=True)

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
            "source_file": f["file"].to_numpy(dtype=object)[ok],
            "source_sheet": f["sheet"].to_numpy(dtype=object)[ok],
            "source_row": f["row"].to_numpy()[ok],
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
    statements = merge_near_duplicates(clean)
    rep_of = {mid: sid for sid, merged in zip(statements["statement_id"], statements["merged_ids"]) for mid in merged}
    statements["answers"] = pd.Series(links.remap_ids(statements["answers"], rep_of), index=statements.index)
    for col in ("measure_id", "counterforce_id"):
        link_report[col] = link_report[col].map(lambda v: rep_of.get(v, v))
    statements = finish_statements(statements, m.profile)
    return CleanResult(
        statements,
        rejects,
        rows_in=n,
        rows_rejected=int(rejected.sum()),
        rows_merged=int(ok.sum()) - len(statements),
        links=link_report.drop_duplicates().reset_index(drop=True),
    )


# ----------------------------------------------------------------------------- near-duplicates


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


def merge_near_duplicates(clean: pd.DataFrame) -> pd.DataFrame:
    """Merge statements that say the same within one group, goal and kind.

    Exact duplicates (same ``statement_id``) and near-duplicates (rapidfuzz
    ratio ≥ ``NEAR_DUPLICATE_THRESHOLD`` on folded text) become one statement.
    The kept one is the most often typed, then the smallest id, so the result
    does not depend on row order. ``merged_ids`` lists the other ids; votes are
    added up; blanks in the kept row are filled from the merged rows;
    ``n_sources`` counts the input rows behind the statement.
    """
    if clean.empty:
        out = clean.drop(columns=["_fold"], errors="ignore")
        out["merged_ids"] = pd.Series([], dtype=object)
        out["n_sources"] = pd.Series([], dtype="int64")
        return out
    counts = clean["statement_id"].value_counts().to_dict()
    if "_fold" not in clean:
        clean = clean.assign(_fold=[fold_text(t) for t in clean["text"].tolist()])
    uniq = clean.drop_duplicates("statement_id")[["statement_id", "group", "goal", "kind", "_fold"]].copy()
    uniq["goal"] = uniq["goal"].fillna("")
    uniq = uniq.sort_values("statement_id", kind="stable")
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for _, block in uniq.groupby(["group", "goal", "kind"], sort=True):
        if len(block) < 2:
            continue
        ids = block["statement_id"].tolist()
        for a, b in _pairs_in_block(block["_fold"].tolist()):
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
        return single.reset_index(drop=True)
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
    votes = pd.to_numeric(grp["votes"], errors="coerce").groupby(grp["_rep"]).sum(min_count=1).reindex(out.index)
    out["votes"] = votes.astype(object).where(votes.notna(), None)
    out["n_sources"] = grouped.size().reindex(out.index).astype("int64")
    if merged_answers is not None:
        out["answers"] = merged_answers.reindex(out.index)
    out["merged_ids"] = [merged_of.get(r, ()) for r in out.index]
    out = out.reset_index(drop=True)
    return pd.concat([single.reset_index(drop=True), out[single.columns]], ignore_index=True)


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
