"""Cleaning survey exports: labels → codes, rejects and flags, one row per respondent.

Lineage: every data row of every export ends up in exactly one place —
``responses`` (possibly with flags) or, as a whole row, in ``rejects``
(duplicates and empty submissions). Single answers that could not be read
(an unknown label, a number that is not a number) are set to missing and
listed in ``rejects`` too, with the question and the label named; their row
stays in ``responses``. ``rows_in == rows_clean + rows_rejected``.

Flags (column ``flags``, reasons separated by ``;``):

``age_out_of_range``
    age outside the survey's 18–40; the respondent is kept but
    ``in_scope`` is False and they are left out of weighting and estimates.
``straight_lining``
    the same answer to every satisfaction item (at least 8 answered);
    kept, reported in the manifest, analyses may leave them out.
``missing_status``
    did not say whether they live in Engerdal; ``in_scope`` False.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.fileio import neutralise_formula
from analysis.privacy import scrub_series
from analysis.survey.codebook import Codebook, Question, load_codebook, normalise_label
from analysis.survey.readers import fuzzy_matches, resolve_columns
from analysis.textrepair import repair_text

REJECT_COLUMNS = ["file", "row", "column", "value", "reason"]
STRAIGHT_LINING_MIN_ITEMS = 8
#: questions without which an export's respondents cannot be counted in scope or weighted
REQUIRED_QUESTIONS = ("status", "age")
#: words in a file name that say the form was for out-movers only (the status question is then implied)
_OUT_MOVER_FORM = re.compile(r"utflytt|out.?mover", re.I)
_NUMBER = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:år)?\s*$")
_LEADING_INT = re.compile(r"^\s*(\d{1,2})\b")


@dataclass
class Parsed:
    """One export, parsed: codes per question, cell-level rejects, what was matched."""

    frame: pd.DataFrame
    rejects: list[dict[str, Any]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    missing_questions: list[str] = field(default_factory=list)
    #: headers matched to a question by similarity, not a listed spelling (reported with a warning)
    uncertain_columns: list[dict] = field(default_factory=list)
    #: questions whose answers came from elsewhere (status from an out-movers' form's file name)
    implied: dict[str, str] = field(default_factory=dict)
    #: non-empty cells per ignored column
    ignored_cells: dict[str, int] = field(default_factory=dict)


def _neutralise(value: str) -> str:
    """Keep a rejected value from being run as a formula when the CSV is opened in Excel (OWASP)."""
    return str(neutralise_formula(str(value)))


def _unique_apply(values, fn: Callable[[str], Any]) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``fn`` once per distinct value (exports repeat the same labels).

    Returns ``(codes, results)``: ``results[codes[i]]`` is ``fn(values[i])``.
    Values that are not text (``None``, NaN) are passed to ``fn`` as ``""``.
    """

    arr = np.asarray(values, dtype=object)
    # a dict is about twice as fast as pd.factorize on freshly parsed (not interned) strings
    seen: dict[Any, int] = {}
    codes = np.fromiter(map(lambda v: seen.setdefault(v, len(seen)), arr), dtype=np.int64, count=len(arr))
    uniques = list(seen)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [fn(u if isinstance(u, str) else "") for u in uniques]
    return codes, results


def _unique_map(values, fn: Callable[[str], Any]) -> np.ndarray:
    """``fn`` applied to every value (computed once per distinct value), as an object array."""
    codes, results = _unique_apply(values, fn)
    return results[codes] if len(codes) else results[:0]


def _parse_choice(q: Question, missing: frozenset[str]) -> Callable[[str], tuple[Any, str | None]]:
    lm = q.label_map()

    def parse(raw: str) -> tuple[Any, str | None]:
        key = normalise_label(raw)
        if key in missing:
            return (None, None)
        if key in lm:
            return (lm[key], None)
        if q.type == "scale":
            m = _LEADING_INT.match(key)
            if m and (m.end() == len(key) or key[m.end() :].strip().startswith("–")):
                v = int(m.group(1))
                if q.min <= v <= q.max:
                    return (v, None)
                return (
                    None,
                    f"answer '{raw.strip()}' to question {q.id} ({q.short}) is outside {q.min}–{q.max}; set to missing",
                )
        if q.type == "likert":
            num = _NUMBER.match(key)
            if num:
                v = float(num.group(1).replace(",", "."))
                what = f"is outside {q.min}–{q.max}" if v.is_integer() else "is not one of the scale's values"
                return (None, f"answer '{raw.strip()}' to question {q.id} ({q.short}) {what}; set to missing")
        return (
            None,
            f"unknown answer '{raw.strip()}' to question {q.id} ({q.short}); "
            "set to missing (add the label to the codebook if it is a valid answer)",
        )

    return parse


def _parse_multiple(q: Question, missing: frozenset[str], sep: str) -> Callable[[str], tuple[Any, str | None]]:
    lm = q.label_map()
    order = {c: i for i, c in enumerate(q.codes)}

    def parse(raw: str) -> tuple[Any, str | None]:
        parts = [p for p in (normalise_label(x) for x in str(raw).split(sep)) if p and p not in missing]
        if not parts:
            return (None, None)
        codes, unknown = set(), []
        for p in parts:
            if p in lm:
                codes.add(lm[p])
            else:
                unknown.append(p)
        err = None
        if unknown:
            err = (
                f"unknown answer '{'; '.join(unknown)}' to question {q.id} ({q.short}); left out "
                "(add the label to the codebook if it is a valid answer)"
            )
        return (";".join(sorted(codes, key=order.__getitem__)) if codes else None, err)

    return parse


def _parse_number(q: Question, missing: frozenset[str]) -> Callable[[str], tuple[Any, str | None]]:
    def parse(raw: str) -> tuple[Any, str | None]:
        key = normalise_label(raw)
        if key in missing:
            return (None, None)
        m = _NUMBER.match(key)
        if not m:
            return (None, f"answer '{raw.strip()}' to question {q.id} ({q.short}) is not a number; set to missing")
        v = float(m.group(1).replace(",", "."))
        if not v.is_integer():
            return (
                None,
                f"answer '{raw.strip()}' to question {q.id} ({q.short}) is not a whole number; set to missing",
            )
        return (int(v), None)

    return parse


def parse_export(raw: pd.DataFrame, codebook: Codebook | None = None, *, file: str | None = None) -> Parsed:
    """Map one export's labels to codes. Does not mutate ``raw``.

    Returns a :class:`Parsed` whose ``frame`` has one row per data row with
    ``source_file``, ``source_row``, ``submission_id`` and one column per
    question (codes; ``None`` for missing), and cell-level ``rejects``.
    """

    cb = codebook or load_codebook()
    file = file or raw.attrs.get("file") or "?"
    rows = raw.attrs.get("rows")
    rows = np.arange(2, len(raw) + 2) if rows is None else np.asarray(rows, dtype=np.int64)
    raw = raw.copy(deep=False)
    raw.attrs = {}  # pandas deep-copies attrs on every operation; the row list is large
    n = len(raw)
    mapping, meta, unmatched = resolve_columns([str(c) for c in raw.columns], cb)
    missing = cb.missing_set()

    def cells(header: str) -> np.ndarray:
        return raw[header].to_numpy(dtype=object)

    out: dict[str, Any] = {
        "source_file": np.full(n, file, dtype=object),
        "source_row": np.asarray(rows, dtype=np.int64),
        "submission_id": (_unique_map(cells(meta["id"]), str.strip) if meta["id"] else np.full(n, "", dtype=object)),
    }
    rejects: list[dict[str, Any]] = []
    empty = np.full(n, "", dtype=object)
    key = np.zeros(n, dtype=np.uint64)
    answered = np.zeros(n, dtype=np.int64)

    def add_to_key(codes: np.ndarray, results: list[Any]) -> None:
        # a content hash of the answers (same answers → same key, across files), built per distinct value
        nonlocal key, answered
        h = np.array([_value_hash(v) for v in results], dtype=np.uint64)
        with np.errstate(over="ignore"):
            key = key * np.uint64(1_000_003) ^ h[codes]
        answered += np.array([v is not None for v in results], dtype=np.int64)[codes]

    for q in cb.questions:
        header = mapping.get(q.id)
        col = cells(header) if header else empty
        if q.type == "text":
            codes, texts = _unique_apply(col, lambda v: repair_text(v) or None)
            scrubbed = scrub_series(pd.Series(texts, dtype=object)).to_numpy(dtype=object, na_value=None)
            add_to_key(codes, list(scrubbed))
            out[q.id] = scrubbed[codes] if n else scrubbed[:0]
            continue
        if q.type in ("single", "likert", "scale"):
            parser = _parse_choice(q, missing)
        elif q.type == "multiple":
            parser = _parse_multiple(q, missing, cb.multiple_separator)
        else:
            parser = _parse_number(q, missing)
        codes, results = _unique_apply(col, parser)
        values = np.empty(len(results), dtype=object)
        values[:] = [r[0] for r in results]
        add_to_key(codes, list(values))
        if q.type in ("likert", "scale", "number"):
            values = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
        out[q.id] = values[codes] if n else values[:0]
        bad = [k for k, r in enumerate(results) if r[1] is not None]
        if bad:
            for i in np.flatnonzero(np.isin(codes, bad)):
                rejects.append(
                    {
                        "file": file,
                        "row": int(rows[i]),
                        "column": header,
                        "value": _neutralise("" if col[i] is None else col[i]),
                        "reason": results[codes[i]][1],
                    }
                )
    implied: dict[str, str] = {}
    if "status" not in mapping and _OUT_MOVER_FORM.search(str(file)) and "out_mover" in cb["status"].codes:
        out["status"] = np.full(n, "out_mover", dtype=object)  # a form for out-movers only
        implied["status"] = "out_mover (the file name says the form was for out-movers)"
        add_to_key(np.zeros(n, dtype=np.int64), ["out_mover"])
        answered -= 1
    used_cols = [h for h in (*mapping.values(), meta["id"], meta["time"]) if h]
    used = np.zeros(n, dtype=np.int64)
    for h in used_cols:
        used += np.fromiter(
            (bool(v.strip()) if isinstance(v, str) else False for v in cells(h)), dtype=np.int64, count=n
        )
    ignored_cells = {}
    for c in unmatched:
        filled = int(sum(1 for v in cells(c) if isinstance(v, str) and v.strip()))
        if filled or not str(c).startswith("column_"):
            ignored_cells[str(c)] = filled
    out["_answers_key"] = key
    out["_answered"] = answered
    out["_used_cells"] = used
    frame = pd.DataFrame(out)
    return Parsed(
        frame=frame,
        rejects=rejects,
        columns=mapping,
        ignored_columns=[c for c in unmatched if not str(c).startswith("column_") or ignored_cells.get(str(c))],
        missing_questions=[q.id for q in cb.questions if q.id not in mapping and q.id not in implied],
        uncertain_columns=fuzzy_matches(mapping, cb),
        implied=implied,
        ignored_cells=ignored_cells,
    )


def _value_hash(value: Any) -> int:
    """A stable 64-bit hash of one parsed answer (``None`` included)."""
    text = "\x00" if value is None else f"{type(value).__name__}:{value}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def respondent_ids(files: pd.Series, keys: pd.Series) -> list[str]:
    """Stable, meaningless respondent ids from file name and submission id (or row)."""
    return [
        "r" + hashlib.blake2b(f"{f}\x1f{k}".encode(), digest_size=6).hexdigest()
        for f, k in zip(files.to_numpy(dtype=object), keys.to_numpy(dtype=object))
    ]


def finish(parsed: pd.DataFrame, codebook: Codebook | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn parsed rows (one or more exports, concatenated in file order) into responses and row rejects.

    Drops empty submissions and duplicates (same submission id, or the same
    answer to every question — the first occurrence is kept), adds
    ``age_band``, ``flags``, ``straight_lining``, ``in_scope`` and
    ``respondent_id``, and returns ``(responses, row_rejects)``.
    """

    cb = codebook or load_codebook()
    f = parsed.reset_index(drop=True)
    qids = cb.ids
    if "_answered" in f:
        is_empty = f["_answered"].to_numpy() == 0
        hashed = pd.Series(f["_answers_key"].to_numpy())
    else:  # parsed frames built by hand
        is_empty = ~f[qids].notna().any(axis=1).to_numpy()
        hashed = pd.util.hash_pandas_object(f[qids].astype(str), index=False).reset_index(drop=True)

    sub = f["submission_id"].astype(str).str.strip()
    dup_id = sub.ne("") & sub.duplicated(keep="first")
    dup_answers = hashed.duplicated(keep="first") & ~pd.Series(is_empty)
    dup = (dup_id | dup_answers).to_numpy() & ~is_empty
    first_row = {}
    for key_series, mask in ((sub, dup_id.to_numpy()), (hashed, dup_answers.to_numpy())):
        if mask.any():
            firsts = (
                f.assign(_k=key_series.to_numpy())
                .drop_duplicates("_k", keep="first")
                .set_index("_k")[["source_file", "source_row"]]
            )
            for i in np.flatnonzero(mask):
                if i not in first_row:
                    src = firsts.loc[key_series.iloc[i]]
                    first_row[i] = f"{src['source_file']} row {src['source_row']}"
    row_rejects = []
    for i in np.flatnonzero(is_empty):
        row_rejects.append(
            {
                "file": f.at[i, "source_file"],
                "row": f.at[i, "source_row"],
                "column": "",
                "value": "",
                "reason": "empty submission (no answers); row left out",
            }
        )
    for i in np.flatnonzero(dup):
        row_rejects.append(
            {
                "file": f.at[i, "source_file"],
                "row": f.at[i, "source_row"],
                "column": "",
                "value": f.at[i, "submission_id"] or "",
                "reason": f"duplicate submission of {first_row[i]}; row left out",
            }
        )
    keep = ~(is_empty | dup)
    r = f.loc[keep].drop(columns=["_answers_key", "_answered", "_used_cells"], errors="ignore").reset_index(drop=True)

    # types
    for q in cb.questions:
        if q.type in ("likert", "scale", "number"):
            x = np.asarray(r[q.id].to_numpy(dtype=object, na_value=None), dtype=float) if len(r) else np.zeros(0)
            r[q.id] = pd.arrays.IntegerArray(np.nan_to_num(x).astype("int64"), np.isnan(x))
        else:
            r[q.id] = r[q.id].astype("string")

    age = r["age"].astype("Float64")
    bins = [lo - 0.5 for lo, _ in cb.age_bands] + [cb.age_bands[-1][1] + 0.5]
    r["age_band"] = pd.cut(age.astype(float), bins=bins, labels=cb.band_labels()).astype("string")
    out_of_range = (age.lt(cb.age_min) | age.gt(cb.age_max)).fillna(False).to_numpy(dtype=bool)

    items = [q.id for q in cb.satisfaction_items()]
    vals = r[items].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    count = np.isfinite(vals).sum(axis=1)
    with np.errstate(invalid="ignore"):
        straight = (count >= min(STRAIGHT_LINING_MIN_ITEMS, len(items))) & (
            np.nanmax(np.where(np.isfinite(vals), vals, -np.inf), axis=1)
            == np.nanmin(np.where(np.isfinite(vals), vals, np.inf), axis=1)
        )
    no_status = r["status"].isna().to_numpy()
    flags = np.full(len(r), "", dtype=object)
    for mask, name in (
        (out_of_range, "age_out_of_range"),
        (straight, "straight_lining"),
        (no_status, "missing_status"),
    ):
        flags[mask] = np.where(flags[mask] == "", name, flags[mask].astype(str) + ";" + name)
    r["flags"] = pd.array(flags, dtype="string")
    r["straight_lining"] = straight
    r["in_scope"] = ~(out_of_range | no_status)
    key = (
        r["submission_id"]
        .astype(str)
        .where(r["submission_id"].astype(str).str.strip() != "", r["source_row"].astype(str))
    )
    r.insert(0, "respondent_id", respondent_ids(r["source_file"], key))
    r["source_row"] = r["source_row"].astype("int64")
    r = r.drop(columns=["submission_id"])
    rejects = pd.DataFrame(row_rejects, columns=REJECT_COLUMNS)
    return r, rejects
