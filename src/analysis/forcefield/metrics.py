"""Force-field metrics (issue 4): what pushes each goal forward and what holds it back.

Every number the force-field reports show is computed here, from the
``statements`` table (docs/data-model.md). All functions take that table (or any frame
with the columns they need), never mutate it, and return new, deterministically
sorted data frames. They are vectorised (``groupby``/``pivot``/``explode``), so
50 000 statements across 50 groups take well under a second
(``benchmarks/bench_forcefield.py``).

Rules used throughout (documented for readers in ``docs/forcefield.md``):

* A *force* is a statement of kind ``kraft`` (driving, direction +1) or
  ``motkraft`` (restraining, direction −1).
* Missing strengths are **unscored**, never zero: they are counted (``n_unscored``)
  but left out of sums and means. A net force with no scored items is missing.
* Net force = Σ strength × direction over scored forces; normalised net force =
  net force / Σ strength, between −1 (only restraining) and +1 (only driving).
* Themes are the coded theme ids in ``themes`` (a tuple per statement); a
  statement with several themes counts once for each theme, a statement with
  none is left out of theme metrics.

>>> import pandas as pd
>>> df = pd.DataFrame({
...     "group": ["a", "a", "a"], "goal": ["bolyst"] * 3,
...     "kind": ["kraft", "motkraft", "motkraft"],
...     "strength": pd.array([4, 2, None], dtype="Int64"),
... })
>>> row = force_summary(df, goals=["bolyst"]).iloc[0]
>>> int(row.net_force), float(row.net_normalised), int(row.n_unscored)
(2, 0.3333333333333333, 1)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.privacy import scrub_text
from analysis.profile import Profile, load_profile
from analysis.report.labels import group_sort_key
from analysis.vocab import source_of
from analysis.workshops.store import load_manifest

FORCE_KINDS: tuple[str, ...] = ("kraft", "motkraft")
DIRECTION: dict[str, int] = {"kraft": 1, "motkraft": -1}
KIND_ORDER: tuple[str, ...] = ("onsket_resultat", "delmal", "tiltak", "kraft", "motkraft")

#: A group with fewer statements than this gets a visible caution in the reports.
THIN_THRESHOLD = 10
#: A theme is a consensus theme when at least this many groups name it.
CONSENSUS_MIN_GROUPS = 3
#: At most this many theme suggestions per measure, as in the links file
#: (:data:`analysis.workshops.links.MAX_SUGGESTIONS`; not imported, so reports do not load the cleaning's libraries).
MAX_SUGGESTIONS = 5
#: The 1–5 scales used for strength (importance) and påvirkbar.
SCALE_MIN, SCALE_MAX = 1, 5
#: The middle of the 1–5 scales: the lines between the quadrants of the prioritisation matrix.
SCALE_MIDPOINT = 3.0


_REQUIRED = ("group", "kind")


# --------------------------------------------------------------------------- helpers


def _check_columns(statements: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in statements.columns]
    if missing:
        raise AnalysisError(
            "the statements table lacks the column(s) "
            + ", ".join(missing)
            + "; run `analysis clean` to rebuild it from the workshop files"
        )


def _numeric(series: pd.Series | None, n: int) -> np.ndarray:
    """A nullable integer/float column as float64 with NaN for missing values."""
    if series is None:
        return np.full(n, np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


_PREPARED = "forcefield_prepared"
_PREPARED_COLUMNS = {
    "statement_id",
    "group",
    "goal",
    "kind",
    "text",
    "strength",
    "pavirkbar",
    "votes",
    "themes",
    "answers",
}
_FAST_THEME_TYPES = {tuple}


def _theme_tuple(value: Any) -> tuple[str, ...]:
    """One statement's themes as a tuple of ids (accepts tuple, list, array, a single id, None)."""
    if type(value) is tuple:
        return value
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    if _is_missing(value):
        return ()
    try:
        items = list(value)
    except TypeError:
        return (str(value),)
    return tuple(str(v) for v in items if not _is_missing(v) and str(v) != "")


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _theme_column(values: Any, n: int) -> np.ndarray:
    """The ``themes`` column normalised to an object array of tuples (fast when already tuples)."""
    out = np.empty(n, dtype=object)
    if values is None:
        out[:] = [()] * n
        return out
    vals = list(values)
    if not set(map(type, vals)) <= _FAST_THEME_TYPES:
        vals = [_theme_tuple(v) for v in vals]
    out[:] = vals
    return out


def prepare(statements: pd.DataFrame) -> pd.DataFrame:
    """A validated working copy of the statements table for the metrics in this module.

    Ids become ``str`` columns, ``strength``/``pavirkbar`` floats with NaN for
    unscored, ``themes`` tuples of ids. Every metric accepts either the raw
    table or this frame; preparing once and passing the result to several
    metrics saves repeating the conversion (what the reports and the benchmark
    do). Row filters of a prepared frame stay prepared. Does not mutate the input.
    """
    _check_columns(statements, _REQUIRED)
    df = statements
    n = len(df)

    def text_col(name: str, default: Any) -> pd.Series:
        # Plain object arrays: row selections and explodes copy pointers, much faster than arrow strings.
        if name in df.columns:
            col = df[name]
            present = col.notna().to_numpy()
            values = col.to_numpy(dtype=object)
            if not pd.api.types.is_string_dtype(col.dtype) or (
                col.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in {"string", "empty"}
            ):
                values = col.astype(str).to_numpy(dtype=object)
            values = np.where(present, values, None)
        else:
            values = np.full(n, default, dtype=object)
        return pd.Series(values, dtype=object)

    out = pd.DataFrame(
        {
            "statement_id": (
                text_col("statement_id", "")
                if "statement_id" in df.columns
                else pd.Series([f"r{i}" for i in range(n)], dtype=object)
            ),
            "group": text_col("group", ""),
            "goal": text_col("goal", None),
            "kind": text_col("kind", ""),
            "text": text_col("text", ""),
            "strength": _numeric(df.get("strength"), n),
            "pavirkbar": _numeric(df.get("pavirkbar"), n),
            "votes": _numeric(df.get("votes"), n),
            "themes": _theme_column(df["themes"] if "themes" in df.columns else None, n),
            "answers": _theme_column(df["answers"] if "answers" in df.columns else None, n),
        }
    )
    out.attrs[_PREPARED] = True
    return out


def _base(statements: pd.DataFrame, kinds: Sequence[str] | None = None) -> pd.DataFrame:
    """The prepared frame (prepared here unless it already is), optionally only ``kinds``."""
    prepared = (
        statements.attrs.get(_PREPARED)
        and _PREPARED_COLUMNS <= set(statements.columns)
        and statements["strength"].dtype == np.float64
    )
    df = statements if prepared else prepare(statements)
    if kinds is not None:
        df = df.loc[df["kind"].isin(list(kinds)).to_numpy()]
    return df


def _explode_themes(df: pd.DataFrame) -> pd.DataFrame:
    """One row per statement × theme (a ``theme`` column instead of ``themes``).

    Statements without a theme are dropped. ``df`` must be prepared (tuples).
    """
    rest = df.drop(columns=["themes"])
    if df.empty:
        return rest.assign(theme=pd.Series(dtype=object)).reset_index(drop=True)
    vals = df["themes"].tolist()
    lengths = np.fromiter(map(len, vals), dtype=np.int64, count=len(vals))
    flat = np.fromiter(chain.from_iterable(vals), dtype=object, count=int(lengths.sum()))
    take = np.repeat(np.arange(len(df)), lengths)
    out = rest.iloc[take].reset_index(drop=True)
    out["theme"] = pd.Series(flat, dtype=object)
    return out


def _matrix(
    rows: pd.Series, cols: pd.Series, weights: np.ndarray | None = None, row_order: Sequence[Any] | None = None
) -> tuple[np.ndarray, list, list]:
    """Sum ``weights`` (default 1) into a rows × cols matrix with factorize + bincount (no pivot)."""
    r_codes, r_uniques = pd.factorize(rows.to_numpy(dtype=object))
    c_codes, c_uniques = pd.factorize(cols.to_numpy(dtype=object))
    n_r, n_c = len(r_uniques), len(c_uniques)
    flat = np.bincount(r_codes * n_c + c_codes, weights=weights, minlength=n_r * n_c).astype(float)
    mat = flat.reshape(n_r, n_c)
    r_list, c_list = list(r_uniques), list(c_uniques)
    if row_order is not None:
        where = {r: i for i, r in enumerate(r_list)}
        full = np.zeros((len(row_order), n_c))
        for i, r in enumerate(row_order):
            if r in where:
                full[i] = mat[where[r]]
        mat, r_list = full, list(row_order)
    return mat, r_list, c_list


def _ranks(values: pd.Series, order: dict[Any, int]) -> np.ndarray:
    """``order[value]`` for each row (``len(order)`` for values not in it, or missing), one lookup per distinct value."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    ranks = np.array([order.get(u, len(order)) for u in uniques] + [len(order)], dtype=np.int64)
    return ranks[codes]  # code -1 (missing) takes the last entry


def _group_rank(groups: pd.Series) -> np.ndarray:
    """Display-order rank of each row's group (computed once per distinct group)."""
    return _ranks(groups, {g: i for i, g in enumerate(sort_groups(pd.unique(groups.dropna())))})


def _goal_order(goals: pd.Series) -> pd.Series:
    order = {g: i for i, g in enumerate(load_profile().goal_ids)}
    return pd.Series(_ranks(goals, order), index=goals.index, name=goals.name)


def _kind_order(kinds: pd.Series) -> pd.Series:
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    return pd.Series(_ranks(kinds, order), index=kinds.index, name=kinds.name)


def sort_groups(groups: Iterable[str], *, profile: Profile | None = None) -> list[str]:
    """Groups in display order: workshop groups in catalogue order, then village meetings.

    ``profile``: the municipality profile, if the caller has loaded it already (else loaded here).

    >>> sort_groups(["grendemote:elga", "ungdomsradet", "arbeidsgruppe"])
    ['arbeidsgruppe', 'ungdomsradet', 'grendemote:elga']
    """
    distinct = {str(g) for g in groups}
    if not distinct:
        return []
    if profile is None:
        profile = load_profile()  # once per call, not once per group (it records the file it reads)
    return sorted(distinct, key=lambda g: group_sort_key(g, profile))


def _tuples_by(keys: pd.Series, values: pd.Series) -> list[tuple]:
    """``values.groupby(keys, sort=False).agg(tuple)`` as a list, without a Python call per key.

    Keys in order of first appearance, each tuple in row order; ``keys`` must have no missing values.
    """
    codes, uniques = pd.factorize(keys.to_numpy(dtype=object))
    order = np.argsort(codes, kind="stable")
    vals = values.to_numpy(dtype=object)[order].tolist()
    ends = np.cumsum(np.bincount(codes, minlength=len(uniques))).tolist()
    return [tuple(vals[a:b]) for a, b in zip([0, *ends[:-1]], ends)]


def _group_tuple(values: pd.Series, profile: Profile | None = None) -> tuple[str, ...]:
    return tuple(sort_groups(values.unique(), profile=profile))


# --------------------------------------------------------------------------- preparation


def for_display(statements: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose ``text`` is safe to show in any report (docs/privacy.md).

    Names of persons, phone numbers, e-mail addresses and national identity
    numbers are replaced with placeholders by :func:`analysis.privacy.scrub_text`
    (each distinct text scrubbed once). Workshop statements are the groups'
    collective notes, not personal quotes, so they are shown in every report —
    always scrubbed. HTML escaping happens later, in :mod:`analysis.report.html`.
    Does not mutate ``statements``.
    """
    out = statements.copy()
    if "text" not in out.columns or out.empty:
        return out

    texts = out["text"].astype(object)
    present = texts.notna().to_numpy()
    mapping = {t: scrub_text(str(t)) for t in pd.unique(texts[present])}
    out["text"] = texts.map(mapping).where(present, None)
    return out


def select_group(statements: pd.DataFrame, group: str) -> pd.DataFrame:
    """The rows of one group (a copy; empty frame with the same columns if none)."""
    _check_columns(statements, _REQUIRED)
    return statements.loc[statements["group"].astype(object) == group].copy()


# --------------------------------------------------------------------------- counts


def statement_counts(statements: pd.DataFrame, groups: Iterable[str] | None = None) -> pd.DataFrame:
    """Statements per group and kind, plus a ``thin`` flag (fewer than ``THIN_THRESHOLD``).

    Returns one row per group (``groups`` if given — groups without data get
    zeros — else every group in the data), columns ``group, n_statements,
    n_onsket_resultat, n_delmal, n_tiltak, n_kraft, n_motkraft, n_scored, thin``.
    """
    df = _base(statements)
    wanted = sort_groups(groups) if groups is not None else sort_groups(df["group"].unique())
    df = df.assign(scored=(df["kind"].isin(FORCE_KINDS) & ~np.isnan(df["strength"])).astype(int))
    by_kind, _, kinds = _matrix(df["group"], df["kind"], row_order=wanted)
    scored, _, _ = _matrix(
        df["group"], pd.Series(np.zeros(len(df), dtype=object)), df["scored"].to_numpy(float), row_order=wanted
    )
    out = pd.DataFrame({"group": wanted})
    out["n_statements"] = by_kind.sum(axis=1).astype(int)
    for kind in KIND_ORDER:
        out[f"n_{kind}"] = by_kind[:, kinds.index(kind)].astype(int) if kind in kinds else 0
    out["n_scored"] = scored.sum(axis=1).astype(int)
    out["thin"] = out["n_statements"] < THIN_THRESHOLD
    return out


def goals_discussed(statements: pd.DataFrame, group: str) -> dict[str, bool]:
    """For each of the four goals: did the group say anything (any kind) about it?"""
    df = select_group(statements, group)
    present = set(df["goal"].dropna().astype(str)) if "goal" in df.columns else set()
    return {g: g in present for g in load_profile().goal_ids}


def desired_results(statements: pd.DataFrame, group: str) -> pd.DataFrame:
    """The group's desired results (ønsket resultat) and sub-goals (delmål) as written.

    Columns ``goal, kind, delmal, text``, ordered by goal (council order),
    desired results before sub-goals, then the order in the source file.
    """
    df = select_group(statements, group)
    df = df.loc[df["kind"].isin(["onsket_resultat", "delmal"])]
    cols = ["goal", "kind", "delmal", "text"]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = pd.DataFrame({c: (df[c].astype(object) if c in df.columns else None) for c in cols})
    out["_g"] = _goal_order(out["goal"]).to_numpy()
    out["_k"] = _kind_order(out["kind"]).to_numpy()
    out["_r"] = pd.to_numeric(df["source_row"], errors="coerce").to_numpy() if "source_row" in df.columns else 0
    out = out.sort_values(["_g", "_k", "_r", "text"], kind="stable", na_position="last")
    return out.drop(columns=["_g", "_k", "_r"]).reset_index(drop=True)


# --------------------------------------------------------------------------- forces


def forces(statements: pd.DataFrame, group: str | None = None, goal: str | None = None) -> pd.DataFrame:
    """The driving and restraining forces, one row each, sorted for a force-field diagram.

    Columns ``statement_id, group, goal, kind, direction, text, strength,
    pavirkbar, scored, themes``; ``strength``/``pavirkbar`` are floats with NaN
    for unscored. Sorted by group, goal, kind (driving first), strength
    (strongest first, unscored last), text. Filters by ``group``/``goal`` if given.
    """
    df = _base(statements, FORCE_KINDS)
    if group is not None:
        df = df.loc[df["group"] == group]
    if goal is not None:
        df = df.loc[df["goal"] == goal]
    df = df.assign(
        direction=df["kind"].map(DIRECTION).astype(int),
        scored=~np.isnan(df["strength"].to_numpy(dtype=float)),
        _g=_goal_order(df["goal"]),
        _k=_kind_order(df["kind"]),
        _s=-df["strength"],
        _gs=_group_rank(df["group"]),
    )
    df = df.sort_values(["_gs", "group", "_g", "_k", "_s", "text"], kind="stable", na_position="last")
    cols = ["statement_id", "group", "goal", "kind", "direction", "text", "strength", "pavirkbar", "scored", "themes"]
    return df[cols].reset_index(drop=True)


def force_summary(
    statements: pd.DataFrame,
    *,
    groups: Iterable[str] | None = None,
    goals: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per group and goal: forces, counter-forces, sums, means and the net force.

    Returns one row for every group × goal (all groups in the data, or
    ``groups``; the four goals, or ``goals``), so a goal a group did not
    discuss appears with ``n_statements == 0`` and ``discussed == False``.
    Columns: ``group, goal, n_statements, discussed, n_kraft, n_motkraft,
    n_scored_kraft, n_scored_motkraft, n_unscored, sum_kraft, sum_motkraft,
    mean_kraft, mean_motkraft, net_force, total_strength, net_normalised``.

    * sums are over scored forces (0 when none are scored); means are NaN when
      none are scored;
    * ``net_force = sum_kraft − sum_motkraft`` (Σ strength × direction), NaN when
      no force of that group and goal is scored;
    * ``net_normalised = net_force / (sum_kraft + sum_motkraft)`` in [−1, 1].
    """
    df = _base(statements)
    wanted_groups = sort_groups(groups) if groups is not None else sort_groups(df["group"].unique())
    goals = list(goals) if goals is not None else list(load_profile().goal_ids)
    grid = pd.MultiIndex.from_product([wanted_groups, goals], names=["group", "goal"])

    all_counts = df.groupby(["group", "goal"], dropna=True).size().reindex(grid, fill_value=0)

    f = df.loc[df["kind"].isin(FORCE_KINDS)]
    s = f["strength"].to_numpy(dtype=float)
    is_k = (f["kind"] == "kraft").to_numpy()
    scored = ~np.isnan(s)
    s0 = np.where(scored, s, 0.0)
    work = pd.DataFrame(
        {
            "group": f["group"].to_numpy(),
            "goal": f["goal"].to_numpy(),
            "n_kraft": is_k.astype(int),
            "n_motkraft": (~is_k).astype(int),
            "n_scored_kraft": (is_k & scored).astype(int),
            "n_scored_motkraft": (~is_k & scored).astype(int),
            "n_unscored": (~scored).astype(int),
            "sum_kraft": np.where(is_k, s0, 0.0),
            "sum_motkraft": np.where(~is_k, s0, 0.0),
        }
    )
    agg = work.groupby(["group", "goal"], dropna=True).sum().reindex(grid, fill_value=0)
    out = agg.reset_index()
    out.insert(2, "n_statements", all_counts.to_numpy().astype(int))
    out.insert(3, "discussed", out["n_statements"] > 0)
    for col in ["n_kraft", "n_motkraft", "n_scored_kraft", "n_scored_motkraft", "n_unscored"]:
        out[col] = out[col].astype(int)
    for col in ["sum_kraft", "sum_motkraft"]:
        out[col] = out[col].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["mean_kraft"] = np.where(out["n_scored_kraft"] > 0, out["sum_kraft"] / out["n_scored_kraft"], np.nan)
        out["mean_motkraft"] = np.where(
            out["n_scored_motkraft"] > 0, out["sum_motkraft"] / out["n_scored_motkraft"], np.nan
        )
        any_scored = (out["n_scored_kraft"] + out["n_scored_motkraft"]) > 0
        out["net_force"] = np.where(any_scored, out["sum_kraft"] - out["sum_motkraft"], np.nan)
        out["total_strength"] = out["sum_kraft"] + out["sum_motkraft"]
        out["net_normalised"] = np.where(out["total_strength"] > 0, out["net_force"] / out["total_strength"], np.nan)
    return out


# --------------------------------------------------------------------------- themes


def theme_long(statements: pd.DataFrame, kinds: Sequence[str] = FORCE_KINDS) -> pd.DataFrame:
    """One row per statement × theme for statements of ``kinds`` (no-theme statements dropped).

    Columns ``statement_id, group, goal, kind, text, strength, pavirkbar, theme``.
    """
    return _explode_themes(_base(statements, kinds))


def theme_profile(
    statements: pd.DataFrame,
    *,
    kinds: Sequence[str] = FORCE_KINDS,
    weight: str = "count",
    groups: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Theme profile per group: a group × theme matrix.

    ``weight="count"`` counts statements naming the theme; ``weight="strength"``
    sums their scored strength (unscored statements add nothing). Rows are
    groups in display order (``groups`` if given, zero rows for groups without
    themes), columns are theme ids sorted by column total (largest first) then id.
    """
    if weight not in {"count", "strength"}:
        raise ValueError("weight must be 'count' or 'strength'")
    long = theme_long(statements, kinds)
    wanted = sort_groups(groups) if groups is not None else sort_groups(long["group"].unique())
    if long.empty:
        return pd.DataFrame(index=pd.Index(wanted, name="group"), dtype=float)
    values = None if weight == "count" else np.nan_to_num(long["strength"].to_numpy(dtype=float))
    x, rows, cols = _matrix(long["group"], long["theme"], values, row_order=wanted)
    totals = x.sum(axis=0)
    order = sorted(range(len(cols)), key=lambda j: (-totals[j], cols[j]))
    mat = pd.DataFrame(x[:, order], index=pd.Index(rows), columns=pd.Index([cols[j] for j in order]))
    mat.index.name = "group"
    mat.columns.name = "theme"
    return mat


def top_themes(statements: pd.DataFrame, group: str, n: int = 5) -> pd.DataFrame:
    """The group's most-named themes among its forces and counter-forces.

    Columns ``theme, n_kraft, n_motkraft, n_total, sum_strength``; sorted by
    ``n_total`` then ``sum_strength`` (both descending) then theme id; at most ``n`` rows.
    """
    long = theme_long(select_group(statements, group))
    cols = ["theme", "n_kraft", "n_motkraft", "n_total", "sum_strength"]
    if long.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "theme" else float) for c in cols})
    long = long.assign(
        n_kraft=(long["kind"] == "kraft").astype(int),
        n_motkraft=(long["kind"] == "motkraft").astype(int),
        sum_strength=np.nan_to_num(long["strength"].to_numpy(dtype=float)),
    )
    out = long.groupby("theme")[["n_kraft", "n_motkraft", "sum_strength"]].sum().reset_index()
    out["n_total"] = out["n_kraft"] + out["n_motkraft"]
    out = out.sort_values(["n_total", "sum_strength", "theme"], ascending=[False, False, True], kind="stable")
    return out[cols].head(n).reset_index(drop=True)


def _theme_groups(long: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per ``keys`` (e.g. kind, theme): groups, statement counts and mean scored strength."""
    g = long.groupby(keys, sort=True)
    profile = load_profile()
    out = pd.DataFrame(
        {
            "n_groups": g["group"].nunique(),
            "groups": g["group"].agg(_group_tuple, profile=profile),
            "n_statements": g["statement_id"].nunique(),
            "mean_strength": g["strength"].mean(),
            "n_scored": g["strength"].count(),
            "mean_pavirkbar": g["pavirkbar"].mean(),
            "n_scored_pavirkbar": g["pavirkbar"].count(),
        }
    )
    return out.reset_index()


def consensus(statements: pd.DataFrame, *, min_groups: int = CONSENSUS_MIN_GROUPS) -> pd.DataFrame:
    """Themes named by at least ``min_groups`` groups, as driving forces and as counter-forces.

    Columns ``kind, theme, n_groups, groups, n_statements, mean_strength``;
    driving forces first, then by number of groups and mean strength
    (descending, unscored last) and theme id.
    """
    long = theme_long(statements, FORCE_KINDS)
    cols = ["kind", "theme", "n_groups", "groups", "n_statements", "mean_strength"]
    if long.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = _theme_groups(long, ["kind", "theme"])
    out = out.loc[out["n_groups"] >= min_groups].copy()
    out["_k"] = _kind_order(out["kind"])
    out = out.sort_values(
        ["_k", "n_groups", "mean_strength", "theme"],
        ascending=[True, False, False, True],
        kind="stable",
        na_position="last",
    )
    return out[cols].reset_index(drop=True)


def unique_perspectives(
    statements: pd.DataFrame, *, kinds: Sequence[str] = ("kraft", "motkraft", "tiltak")
) -> pd.DataFrame:
    """What only one group named: (kind, theme) pairs that exactly one group used.

    "Only Ungdomsrådet sees *kultur og fritid* as a counter-force" is a
    perspective even when other groups name the same theme as a driving force,
    so uniqueness is judged per kind (driving force, counter-force, measure)
    and theme. Columns ``group, kind, theme, n_statements, example`` (the text
    of the group's strongest statement on it). Sorted by group (display
    order), kind, theme.
    """
    long = theme_long(statements, kinds)
    cols = ["group", "kind", "theme", "n_statements", "example"]
    if long.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    n_groups = long.groupby(["kind", "theme"])["group"].transform("nunique")
    only = long.loc[(n_groups == 1).to_numpy()]
    if only.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    only = only.assign(_s=-only["strength"]).sort_values(
        ["kind", "theme", "_s", "text"], kind="stable", na_position="last"
    )
    g = only.groupby(["group", "kind", "theme"], sort=False)
    out = pd.DataFrame({"n_statements": g["statement_id"].nunique(), "example": g["text"].first()}).reset_index()
    out = out.assign(_gs=_group_rank(out["group"]), _k=_kind_order(out["kind"]))
    out = out.sort_values(["_gs", "_k", "theme"], kind="stable")
    return out[cols].reset_index(drop=True)


def theme_similarity(statements: pd.DataFrame, *, measure: str = "cosine") -> pd.DataFrame:
    """Similarity between groups' theme profiles: a symmetric group × group matrix.

    Profiles count forces per (kind, theme) — a theme seen as a driving force
    and the same theme seen as a counter-force are different dimensions.

    * ``measure="cosine"`` (default): cosine similarity of the count vectors, 0–1;
    * ``measure="jaccard"``: shared (kind, theme) pairs / all pairs either named.

    A group without coded forces has NaN similarity (also on the diagonal). The
    measure used is in ``result.attrs["measure"]``; :func:`analysis.forcefield.text.similarity_method`
    describes it for readers.
    """
    long = theme_long(statements, FORCE_KINDS)
    groups = sort_groups(_base(statements, FORCE_KINDS)["group"].unique())
    if measure not in {"cosine", "jaccard"}:
        raise ValueError("measure must be 'cosine' or 'jaccard'")
    if long.empty:
        mat = pd.DataFrame(np.nan, index=groups, columns=groups)
    else:
        # One dimension per (kind, theme): codes combined arithmetically instead of joining strings.
        t_codes, t_uniques = pd.factorize(long["theme"].to_numpy(dtype=object))
        is_counter = (long["kind"] == "motkraft").to_numpy().astype(np.int64)
        dims = pd.Series(is_counter * len(t_uniques) + t_codes)
        x, _, _ = _matrix(long["group"], dims, row_order=groups)
        if measure == "jaccard":
            x = (x > 0).astype(float)
            inter = x @ x.T
            size = x.sum(axis=1)
            union = size[:, None] + size[None, :] - inter
            with np.errstate(invalid="ignore", divide="ignore"):
                sim = np.where(union > 0, inter / union, np.nan)
        else:
            norm = np.sqrt((x * x).sum(axis=1))
            with np.errstate(invalid="ignore", divide="ignore"):
                sim = (x @ x.T) / np.outer(norm, norm)
            sim[~np.isfinite(sim)] = np.nan
            sim = np.clip(sim, 0.0, 1.0)
        mat = pd.DataFrame(sim, index=groups, columns=groups)
    mat.index.name = "group"
    mat.columns.name = "group"
    mat.attrs["measure"] = measure
    return mat


# --------------------------------------------------------------------------- measures and coverage


def _answers_column(base: pd.DataFrame) -> list[tuple[str, ...]]:
    return [a if type(a) is tuple else () for a in base["answers"]] if "answers" in base.columns else [()] * len(base)


def measure_links(statements: pd.DataFrame, group: str | None = None, *, suggestions: bool = True) -> pd.DataFrame:
    """The measures (tiltak) proposed and the counter-forces they answer — explicit links only.

    A measure answers a counter-force when the notes (column «Svarer på motkraft») or the
    analyst's ``links.yaml`` say so (``answers`` column of the statements table). Theme overlap is
    never a link: ``suggestions`` lists the same group's counter-forces that share a theme with the
    measure but are not linked, for the analyst to check. Columns ``statement_id, group, goal, text,
    themes, strength, pavirkbar, votes, n_answered, answers, answer_ids, answered_strength,
    answered_pavirkbar, suggestions`` (``answers``: the linked counter-forces' texts, strongest
    first; ``suggestions``: at most :data:`MAX_SUGGESTIONS`, strongest first; ``answered_strength``: mean scored strength of those, NaN if none). Sorted by group,
    goal, text. ``suggestions=False`` leaves the suggestions empty (faster, for other metrics).
    """
    base = _base(statements)
    if group is not None:
        base = base.loc[(base["group"] == group).to_numpy()]
    cols = [
        "statement_id",
        "group",
        "goal",
        "text",
        "themes",
        "strength",
        "pavirkbar",
        "votes",
        "n_answered",
        "answers",
        "answer_ids",
        "answered_strength",
        "suggestions",
    ]
    measures = base.loc[(base["kind"] == "tiltak").to_numpy()].reset_index(drop=True)
    if measures.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    counters = base.loc[(base["kind"] == "motkraft").to_numpy()]
    info = {
        sid: (txt, s, g, th)
        for sid, txt, s, g, th in zip(
            *(counters[c].tolist() for c in ("statement_id", "text", "strength", "group", "themes"))
        )
    }
    by_theme: dict[tuple[str, str], list[str]] = {}
    if suggestions:  # strongest first, unscored last, then by text
        ranked = counters.assign(_s=-counters["strength"]).sort_values(
            ["_s", "text"], na_position="last", kind="stable"
        )
        for sid, g, th in zip(*(ranked[c].tolist() for c in ("statement_id", "group", "themes"))):
            for t in th:
                by_theme.setdefault((g, t), []).append(sid)
    answers, ids, strength, suggestions = [], [], [], []
    for g, themes, linked in zip(measures["group"].tolist(), measures["themes"].tolist(), measures["answers"].tolist()):
        linked = tuple(c for c in linked if c in info)
        if linked:  # most measures answer nothing: skip the sorting and means for those
            linked = tuple(sorted(linked, key=lambda c: (-np.nan_to_num(info[c][1], nan=-1), info[c][0])))
            scored = [info[c][1] for c in linked if not np.isnan(info[c][1])]
            answers.append(tuple(info[c][0] for c in linked))
            strength.append(float(np.mean(scored)) if scored else np.nan)
        else:
            answers.append(())
            strength.append(np.nan)
        ids.append(linked)
        sugg: list[str] = []
        if by_theme and themes:
            seen = set(linked)
            for t in themes:
                for c in by_theme.get((g, t), ()):
                    if len(sugg) >= MAX_SUGGESTIONS:
                        break
                    if c not in seen:
                        seen.add(c)
                        sugg.append(info[c][0])
        suggestions.append(tuple(sugg))
    out = measures.assign(
        answers=pd.Series(answers, dtype=object),
        answer_ids=pd.Series(ids, dtype=object),
        n_answered=[len(a) for a in ids],
        answered_strength=strength,
        suggestions=pd.Series(suggestions, dtype=object),
    )
    out = out.assign(_gs=_group_rank(out["group"]), _g=_goal_order(out["goal"]))
    out = out.sort_values(["_gs", "_g", "text"], kind="stable")
    return out[cols].reset_index(drop=True)


def counter_pavirkbar(statements: pd.DataFrame) -> pd.DataFrame:
    """Påvirkbar of every counter-force: its own score, else the mean of the measures explicitly linked to it.

    Columns ``statement_id, pavirkbar, pavirkbar_source`` (``motkraft`` = own score, ``tiltak`` =
    from linked measures, ``ikke vurdert`` = neither; never imputed).
    """
    base = _base(statements)
    kind = base["kind"].to_numpy(dtype=object)
    counters = base.loc[kind == "motkraft", ["statement_id", "pavirkbar"]]
    measures = base.loc[kind == "tiltak", ["pavirkbar", "answers"]]
    linked: dict[str, list[float]] = {}
    for pav, ans in zip(measures["pavirkbar"].tolist(), _answers_column(measures)):
        if ans and not np.isnan(pav):
            for c in ans:
                linked.setdefault(c, []).append(float(pav))
    own = counters["pavirkbar"].to_numpy(dtype=float)
    from_links = np.full(len(counters), np.nan)
    if linked:
        from_links[:] = [np.mean(linked[c]) if c in linked else np.nan for c in counters["statement_id"].tolist()]
    value = np.where(~np.isnan(own), own, from_links)
    source = np.where(~np.isnan(own), "motkraft", np.where(~np.isnan(from_links), "tiltak", "ikke vurdert"))
    return pd.DataFrame(
        {
            "statement_id": counters["statement_id"].to_numpy(dtype=object),
            "pavirkbar": value,
            "pavirkbar_source": source,
        }
    )


def coverage(statements: pd.DataFrame) -> pd.DataFrame:
    """Every counter-force and whether a measure answers it (explicit links only).

    ``status`` is ``"besvart"`` when at least one measure names it (``answered_by``: those
    measures' texts), ``"ikke besvart"`` otherwise. ``suggested`` tells whether a measure of the
    same group shares a theme with it — a suggestion to check, not a link. Columns
    ``statement_id, group, goal, text, themes, strength, pavirkbar, status, answered_by, suggested``.
    """
    base = _base(statements)
    cols = [
        "statement_id",
        "group",
        "goal",
        "text",
        "themes",
        "strength",
        "pavirkbar",
        "status",
        "answered_by",
        "suggested",
    ]
    counters = base.loc[(base["kind"] == "motkraft").to_numpy()].reset_index(drop=True)
    if counters.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    measures = base.loc[(base["kind"] == "tiltak").to_numpy()]
    by: dict[str, list[str]] = {}
    for text, ans in zip(measures["text"], _answers_column(measures)):
        for c in ans:
            by.setdefault(c, []).append(text)
    m_themes = {(g, t) for g, th in zip(measures["group"], measures["themes"]) for t in th}
    answered_by = [tuple(by.get(c, ())) for c in counters["statement_id"]]
    out = counters.assign(
        status=["besvart" if a else "ikke besvart" for a in answered_by],
        answered_by=pd.Series(answered_by, dtype=object),
        suggested=[
            not a and any((g, t) in m_themes for t in th)
            for a, g, th in zip(answered_by, counters["group"], counters["themes"])
        ],
    )
    out = out.assign(_gs=_group_rank(out["group"]), _g=_goal_order(out["goal"]), _s=-out["strength"])
    out = out.sort_values(["_gs", "_g", "_s", "text"], kind="stable", na_position="last")
    return out[cols].reset_index(drop=True)


def _coverage_status(statements: pd.DataFrame, scope: str) -> pd.DataFrame:
    """Counter-forces with a theme-level ``status``: is there a measure with the same theme at all?

    ``"tiltak med samme tema"`` when one of the counter-force's themes is also the theme of a
    proposed measure (``scope="all"``: any group's; ``"group"``: the same group's), ``"intet tiltak
    med samme tema"`` when none is, ``"uten tema"`` without a theme. A statement about themes, not
    a link: which measure answers which counter-force is :func:`coverage`.
    """
    if scope not in {"all", "group"}:
        raise ValueError("scope must be 'all' or 'group'")
    base = _base(statements)
    counters = base.loc[(base["kind"] == "motkraft").to_numpy()].reset_index(drop=True)
    if counters.empty:
        return counters.assign(status=pd.Series(dtype=object))
    m_long = _explode_themes(base.loc[(base["kind"] == "tiltak").to_numpy(), ["group", "themes"]])
    c_long = _explode_themes(counters[["group", "themes"]].assign(_c=np.arange(len(counters))))
    if scope == "all":
        hit = c_long["theme"].isin(set(m_long["theme"])).to_numpy()
    else:
        m_keys = set(zip(m_long["group"].tolist(), m_long["theme"].tolist()))
        c_keys = zip(c_long["group"].tolist(), c_long["theme"].tolist())
        hit = np.fromiter((k in m_keys for k in c_keys), dtype=bool, count=len(c_long))
    pos = c_long["_c"].to_numpy(dtype=np.int64)
    has_theme = np.bincount(pos, minlength=len(counters)) > 0
    is_cov = np.bincount(pos, weights=hit.astype(float), minlength=len(counters)) > 0
    status = np.where(~has_theme, "uten tema", np.where(is_cov, THEME_COVERED, THEME_NOT_COVERED))
    return counters.assign(status=pd.Series(status, dtype=object))


THEME_COVERED = "tiltak med samme tema"
THEME_NOT_COVERED = "intet tiltak med samme tema"


def coverage_gaps(statements: pd.DataFrame, *, scope: str = "all") -> pd.DataFrame:
    """Counter-force themes for which no measure with the same theme was proposed (theme level, not links).

    One row per such theme: ``theme, n_groups, groups, n_statements, mean_strength``; most groups
    first, then mean strength (unscored last), theme id.
    """
    cov = _coverage_status(statements, scope)
    cols = ["theme", "n_groups", "groups", "n_statements", "mean_strength"]
    gaps = cov.loc[cov["status"] == THEME_NOT_COVERED] if not cov.empty else cov
    if gaps.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    long = _explode_themes(gaps[["statement_id", "group", "strength", "pavirkbar", "themes"]])
    out = _theme_groups(long, ["theme"])
    out = out.sort_values(
        ["n_groups", "mean_strength", "theme"], ascending=[False, False, True], kind="stable", na_position="last"
    )
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- group weights and priorities

#: Default weight of a group in the priority score and the across-groups matrix, by source
#: (``workshop`` = the working group, the council and the councils for youth, the elderly and people with
#: disabilities; ``grendemote`` = a village meeting). Six village meetings at ½ weigh as three groups,
#: against five workshop groups. Override per source or per group id (``{"grendemote": 1}``,
#: ``{"kommunestyret": 2}``); docs/forcefield.md.
DEFAULT_GROUP_WEIGHTS: dict[str, float] = {"workshop": 1.0, "grendemote": 0.5}


def group_weights(groups: Iterable[str], weights: dict[str, float] | None = None) -> dict[str, float]:
    """The weight of each group: its own entry in ``weights``, else its source's, else the default.

    >>> group_weights(["arbeidsgruppe", "grendemote:elga"])
    {'arbeidsgruppe': 1.0, 'grendemote:elga': 0.5}
    >>> group_weights(["arbeidsgruppe", "grendemote:elga"], {"grendemote": 1})
    {'arbeidsgruppe': 1.0, 'grendemote:elga': 1.0}
    """
    merged = {**DEFAULT_GROUP_WEIGHTS, **(weights or {})}
    out = {}
    for g in groups:
        w = merged.get(g, merged.get(source_of(str(g)), 1.0))
        if not (isinstance(w, int | float) and w >= 0):
            raise AnalysisError(f"the weight of group '{g}' must be a number of 0 or more (got {w!r})")
        out[str(g)] = float(w)
    return out


def _weighted_group_mean(values: np.ndarray, weights: np.ndarray) -> float:
    ok = ~np.isnan(values)
    if not ok.any() or weights[ok].sum() <= 0:
        return np.nan
    return float((values[ok] * weights[ok]).sum() / weights[ok].sum())


def priorities(statements: pd.DataFrame, *, weights: dict[str, float] | None = None) -> pd.DataFrame:
    """Candidate priorities: counter-force themes, ranked by a score a council can defend.

    For each theme of a counter-force:

    1. per group: ``S_g`` = mean strength of the group's scored counter-forces with the theme,
       ``P_g`` = mean påvirkbar of those with a påvirkbar — their own score, else the mean of the
       measures explicitly linked to them (:func:`counter_pavirkbar`); never borrowed from other
       measures, never imputed;
    2. across groups, weighted by :func:`group_weights`: ``S`` and ``P`` = weighted means of the
       groups' ``S_g``/``P_g``; ``breadth`` = Σ weights of the groups naming the theme;
    3. ``score = breadth × (S / 5) × (P / 5)``, only when both ``S`` and ``P`` exist.

    One group repeating a theme therefore counts once. Themes without ``S`` or ``P`` are
    ``scored == False``, have no score and are ranked separately after the scored ones (by breadth,
    then ``S``); ``missing`` says what is missing. Columns ``rank, theme, score, scored, missing,
    breadth, n_groups, groups, n_statements, mean_strength, mean_pavirkbar, pavirkbar_source,
    answered, same_theme_measure``; ``answered``: a measure explicitly answers at least one of
    the theme's counter-forces; ``same_theme_measure``: some measure has the theme (a suggestion).
    """
    cols = [
        "rank",
        "theme",
        "score",
        "scored",
        "missing",
        "breadth",
        "n_groups",
        "groups",
        "n_statements",
        "mean_strength",
        "mean_pavirkbar",
        "pavirkbar_source",
        "answered",
        "same_theme_measure",
    ]
    base = _base(statements)
    counters = base.loc[(base["kind"] == "motkraft").to_numpy()]
    pav = counter_pavirkbar(base)
    counters = counters.assign(
        pavirkbar=pav["pavirkbar"].to_numpy(), pavirkbar_source=pav["pavirkbar_source"].to_numpy()
    )
    long = _explode_themes(counters)
    if long.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    w = group_weights(long["group"].unique(), weights)
    answered = {c for a in _answers_column(base.loc[(base["kind"] == "tiltak").to_numpy()]) for c in a}
    m_themes = {t for th in base.loc[(base["kind"] == "tiltak").to_numpy(), "themes"] for t in th}
    per_group = (
        long.groupby(["theme", "group"], sort=True).agg(s=("strength", "mean"), p=("pavirkbar", "mean")).reset_index()
    )
    per_group["w"] = per_group["group"].map(w).astype(float)
    # Per theme, from all its rows in ``long`` at once (a theme's rows of per_group are consecutive).
    themes = pd.unique(per_group["theme"].to_numpy(dtype=object))
    t_rows = pd.Index(themes).get_indexer(long["theme"].to_numpy(dtype=object))  # -1: theme without a group
    on = t_rows >= 0
    n_themes = len(themes)

    def per_theme(flags: np.ndarray) -> np.ndarray:  # does any of the theme's rows have the flag?
        return np.bincount(t_rows[on], weights=flags[on], minlength=n_themes) > 0

    rated = long["pavirkbar"].notna().to_numpy()
    source = long["pavirkbar_source"].to_numpy(dtype=object)
    has_source = {x: per_theme(rated & (source == x)) for x in ("motkraft", "tiltak")}
    sids = long["statement_id"].to_numpy(dtype=object)
    is_answered = per_theme(np.fromiter((sid in answered for sid in sids), dtype=bool, count=len(sids)))
    sid_codes, sid_uniques = pd.factorize(sids)  # nunique per theme: distinct (theme, id) pairs, ids present
    both = on & (sid_codes >= 0)
    pairs = np.unique(t_rows[both].astype(np.int64) * max(len(sid_uniques), 1) + sid_codes[both])
    n_statements = np.bincount(pairs // max(len(sid_uniques), 1), minlength=n_themes)
    rank = {g: i for i, g in enumerate(sort_groups(per_group["group"].unique()))}
    groups, s_all, p_all, w_all = (per_group[c].to_numpy() for c in ("group", "s", "p", "w"))
    ends = np.cumsum(per_group.groupby("theme", sort=True).size().to_numpy()).tolist()
    rows = []
    for i, (theme, a, b) in enumerate(zip(themes, [0, *ends[:-1]], ends)):
        s = _weighted_group_mean(s_all[a:b], w_all[a:b])
        p = _weighted_group_mean(p_all[a:b], w_all[a:b])
        breadth = float(w_all[a:b].sum())
        missing = " og ".join(x for x, v in (("styrke", s), ("påvirkbar", p)) if np.isnan(v))
        sources = " og ".join(x for x in ("motkraft", "tiltak") if has_source[x][i])
        rows.append(
            {
                "theme": theme,
                "score": breadth * (s / SCALE_MAX) * (p / SCALE_MAX) if not missing else np.nan,
                "scored": not missing,
                "missing": missing,
                "breadth": breadth,
                "n_groups": int(b - a),
                "groups": tuple(sorted({str(g) for g in groups[a:b]}, key=rank.__getitem__)),
                "n_statements": int(n_statements[i]),
                "mean_strength": s,
                "mean_pavirkbar": p,
                "pavirkbar_source": sources or "ikke vurdert",
                "answered": bool(is_answered[i]),
                "same_theme_measure": theme in m_themes,
            }
        )
    out = pd.DataFrame(rows)
    out["_u"] = (~out["scored"]).astype(int)
    out["_k"] = np.where(out["scored"], -out["score"].fillna(0), -(out["breadth"] * out["mean_strength"].fillna(0)))
    out = out.sort_values(
        ["_u", "_k", "breadth", "n_statements", "theme"], ascending=[True, True, False, False, True], kind="stable"
    )
    key = out["_k"].round(9)
    out["rank"] = 0
    for flag in (0, 1):
        sel = out["_u"] == flag
        out.loc[sel, "rank"] = key[sel].rank(method="min").astype(int)
    out["rank"] = out["rank"].astype(int)
    return out[cols].reset_index(drop=True)


def priority_sensitivity(
    statements: pd.DataFrame, *, weights: dict[str, float] | None = None, top: int = 5
) -> dict[str, Any]:
    """Do the top ``top`` scored themes change when every group weighs the same?

    Returns ``{"changed": bool, "top": [...], "top_equal": [...], "entered": [...], "left": [...],
    "weighted": bool}`` (``weighted`` is False when the weights are equal anyway, so there is
    nothing to compare).
    """
    base = _base(statements)
    groups = sort_groups(base["group"].unique())
    given = group_weights(groups, weights)
    equal = {g: 1.0 for g in groups}
    now = priorities(base, weights=weights)
    flat = priorities(base, weights=equal)
    a = now.loc[now["scored"] == True, "theme"].head(top).tolist() if not now.empty else []  # noqa: E712 - object column
    b = flat.loc[flat["scored"] == True, "theme"].head(top).tolist() if not flat.empty else []  # noqa: E712 - object column
    return {
        "changed": set(a) != set(b),
        "order_changed": a != b,
        "top": a,
        "top_equal": b,
        "entered": [t for t in b if t not in a],
        "left": [t for t in a if t not in b],
        "weighted": len(set(given.values())) > 1,
    }


# --------------------------------------------------------------------------- the prioritisation matrix

QUADRANTS: tuple[str, ...] = ("gjor_na", "pavirk_andre", "nar_det_passer", "folg_med")
_WORDS = re.compile(r"\w+")


def quadrant(importance: float, pavirkbar: float, *, midpoint: float = 3.0) -> str | None:
    """Distriktssenteret's quadrant of a point: important (≥ midpoint) × påvirkbar (≥ midpoint).

    >>> quadrant(5, 4), quadrant(5, 1), quadrant(2, 5), quadrant(1, 1), quadrant(float("nan"), 3)
    ('gjor_na', 'pavirk_andre', 'nar_det_passer', 'folg_med', None)
    """
    if np.isnan(importance) or np.isnan(pavirkbar):
        return None
    if importance >= midpoint:
        return "gjor_na" if pavirkbar >= midpoint else "pavirk_andre"
    return "nar_det_passer" if pavirkbar >= midpoint else "folg_med"


def _quadrants(importance: np.ndarray, pavirkbar: np.ndarray, *, midpoint: float = 3.0) -> list[str | None]:
    """:func:`quadrant` of many points at once (a list, as the quadrant column is built from)."""
    important, influenced = importance >= midpoint, pavirkbar >= midpoint
    out = np.where(
        important,
        np.where(influenced, "gjor_na", "pavirk_andre"),
        np.where(influenced, "nar_det_passer", "folg_med"),
    ).astype(object)
    out[np.isnan(importance) | np.isnan(pavirkbar)] = None
    return out.tolist()


def matrix_items(
    statements: pd.DataFrame, group: str | None = None, *, weights: dict[str, float] | None = None
) -> pd.DataFrame:
    """The named items of the prioritisation matrix: counter-forces and measures, importance × påvirkbar.

    * counter-force: importance = its strength; påvirkbar = its own, else the mean of the measures
      explicitly linked to it (:func:`counter_pavirkbar`);
    * measure: påvirkbar = its own; importance = its own strength when scored, else the mean
      strength of the counter-forces it explicitly answers.

    With ``group`` the items are that group's statements. Without, items with the same kind and
    text (ignoring case and punctuation) are one item across groups: the mean per group first,
    then the weighted mean across groups (:func:`group_weights`), like the priority score.
    Nothing is imputed: an item missing either value has ``plotted == False``.

    Columns ``kind, text, groups, n_groups, importance, pavirkbar, importance_source,
    pavirkbar_source, plotted, quadrant, weight`` (``weight`` = Σ group weights, for ordering);
    sorted with plotted items first, by importance × påvirkbar (descending), then weight, kind, text.
    """
    base = _base(statements)
    if group is not None:
        base = base.loc[(base["group"] == group).to_numpy()]
    cols = [
        "kind",
        "text",
        "groups",
        "n_groups",
        "importance",
        "pavirkbar",
        "importance_source",
        "pavirkbar_source",
        "plotted",
        "quadrant",
        "weight",
    ]
    full = _base(statements)
    counters = base.loc[(base["kind"] == "motkraft").to_numpy()]
    counter_pav = counter_pavirkbar(full).set_index("statement_id").reindex(counters["statement_id"])
    links = measure_links(base, suggestions=False)
    c_items = pd.DataFrame(
        {
            "kind": "motkraft",
            "text": counters["text"].to_numpy(dtype=object),
            "group": counters["group"].to_numpy(dtype=object),
            "importance": counters["strength"].to_numpy(dtype=float),
            "pavirkbar": counter_pav["pavirkbar"].to_numpy(dtype=float),
            "importance_source": np.where(counters["strength"].notna(), "styrke", "ikke vurdert"),
            "pavirkbar_source": counter_pav["pavirkbar_source"].to_numpy(dtype=object),
        }
    )
    own = links["strength"].astype(float)
    m_items = pd.DataFrame(
        {
            "kind": "tiltak",
            "text": links["text"].to_numpy(dtype=object),
            "group": links["group"].to_numpy(dtype=object),
            "importance": np.where(own.notna(), own, links["answered_strength"].astype(float)),
            "pavirkbar": links["pavirkbar"].astype(float).to_numpy(),
            "importance_source": np.where(
                own.notna(), "styrke", np.where(links["answered_strength"].notna(), "motkrefter", "ikke vurdert")
            ),
            "pavirkbar_source": np.where(links["pavirkbar"].astype(float).notna(), "tiltak", "ikke vurdert"),
        }
    )
    items = pd.concat([c_items, m_items], ignore_index=True)
    if items.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    folded = items["text"].astype(str).str.casefold().str.replace(r"\W+", " ", regex=True).str.strip()
    w = group_weights(items["group"].unique(), weights)
    # Integer codes instead of string keys: item key (kind + folded text) and group; rows with either
    # missing are left out (as groupby does). One "pair" = one item in one group.
    k_codes, _ = pd.factorize((items["kind"] + "\x1f" + folded).to_numpy(dtype=object))
    g_codes, g_uniques = pd.factorize(items["group"].to_numpy(dtype=object))
    rows = np.flatnonzero((k_codes >= 0) & (g_codes >= 0))
    pair_codes, _ = pd.factorize(k_codes[rows] * len(g_uniques) + g_codes[rows])  # first appearance order
    _, pair_first = np.unique(pair_codes, return_index=True)
    pair_group = g_codes[rows][pair_first]
    # Pairs in display order of their groups (stable: first appearance within a group), then items in
    # order of first appearance there: the order of the rows of the result before its final sort.
    rank = {g: i for i, g in enumerate(sort_groups(g_uniques))}
    group_rank = np.array([rank[str(g)] for g in g_uniques], dtype=np.int64)
    pair_order = np.argsort(group_rank[pair_group], kind="stable")
    key_of_sorted, key_uniques = pd.factorize(k_codes[rows][pair_first][pair_order])
    n_keys = len(key_uniques)
    key_of_pair = np.empty(len(pair_order), dtype=np.int64)
    key_of_pair[pair_order] = key_of_sorted
    n_groups = np.bincount(key_of_sorted, minlength=n_keys)
    w_sorted = np.array([w[str(g)] for g in g_uniques], dtype=float)[pair_group][pair_order]

    def key_sum(values: np.ndarray) -> np.ndarray:  # per item, summed in the pairs' display order
        return pd.Series(values).groupby(key_of_sorted, sort=True).sum().to_numpy()

    # Row positions in that order (pairs sorted, rows of a pair in table order) for "first" values.
    pos_of_pair = np.empty(len(pair_order), dtype=np.int64)
    pos_of_pair[pair_order] = np.arange(len(pair_order))
    ordered = rows[np.argsort(pos_of_pair[pair_codes], kind="stable")]
    row_key = np.full(len(items), -1, dtype=np.int64)
    row_key[rows] = key_of_pair[pair_codes]

    def first_of(col: str) -> pd.Series:  # first non-missing value per item (missing if none)
        values = items[col]
        ok = ordered[values.iloc[ordered].notna().to_numpy()]
        found, at = np.unique(row_key[ok], return_index=True)
        take = np.zeros(n_keys, dtype=np.int64)
        take[found] = ok[at]
        has = np.zeros(n_keys, dtype=bool)
        has[found] = True
        return values.iloc[take].reset_index(drop=True).where(has, None)

    for col in ("importance_source", "pavirkbar_source"):  # "first scored" below: unscored as missing
        items[col] = items[col].where(items[col] != "ikke vurdert", None)
    out = pd.DataFrame(
        {
            "kind": first_of("kind"),
            "text": first_of("text"),
            "n_groups": n_groups,
            "weight": key_sum(w_sorted),
            "importance_source": first_of("importance_source"),
            "pavirkbar_source": first_of("pavirkbar_source"),
        }
    )
    out["groups"] = _tuples_by(pd.Series(key_of_sorted), pd.Series(g_uniques[pair_group][pair_order]))
    for col in ("importance", "pavirkbar"):  # weighted means over the groups that scored it
        mean = pd.Series(items[col].to_numpy(dtype=float)[rows]).groupby(pair_codes, sort=True).mean().to_numpy()
        v = mean[pair_order]  # the per-group means, in display order
        scored = ~np.isnan(v)
        num = key_sum(np.where(scored, v, 0.0) * w_sorted)
        den = key_sum(np.where(scored, w_sorted, 0.0))
        any_scored = np.bincount(key_of_sorted, weights=scored, minlength=n_keys) > 0
        result = np.where(any_scored & (den > 0), num / np.where(den > 0, den, 1.0), np.nan)
        _, first = np.unique(key_of_sorted, return_index=True)
        out[col] = np.where(n_groups == 1, v[first], result)  # one group: its own mean, whatever its weight (even 0)
    for col in ("importance_source", "pavirkbar_source"):
        out[col] = out[col].fillna("ikke vurdert")
    out["plotted"] = out["importance"].notna() & out["pavirkbar"].notna()
    out["quadrant"] = _quadrants(out["importance"].to_numpy(dtype=float), out["pavirkbar"].to_numpy(dtype=float))
    out["_x"] = -(out["importance"].fillna(0) * out["pavirkbar"].fillna(0))
    out["_k"] = _kind_order(out["kind"])
    out["_p"] = (~out["plotted"]).astype(int)
    out = out.sort_values(
        ["_p", "_x", "weight", "_k", "text"], ascending=[True, True, False, True, True], kind="stable"
    )
    return out[cols].reset_index(drop=True)


def _first_scored(values: pd.Series) -> str:
    vals = [v for v in values if v != "ikke vurdert"]
    return vals[0] if vals else "ikke vurdert"


# --------------------------------------------------------------------------- reader-facing tables and text


def data_is_illustrative(processed_dir: Any = None) -> bool:
    """Whether the last workshop clean run read illustrative notes (from its manifest).

    When the manifest is missing or unreadable the answer is ``True``: better
    to label real data as possibly illustrative than the reverse.
    """
    try:
        return bool(load_manifest(processed_dir).get("illustrative", True))
    except (AnalysisError, OSError, ValueError):  # missing, unreadable or not JSON
        return True
