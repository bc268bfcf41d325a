"""The cohort arrays every population model shares: population by sex and single-year age, life
tables, survival, births, and the one-year cohort-component step.

Arrays
------
A population is an array of shape ``(..., 2, 106)``: sex (0 = female, 1 = male)
× age 0–105 (105 = 105 and older) on 1 January. Leading axes are regions,
so all 357 municipalities are projected in one go.

One projection year t → t+1
---------------------------
1. **Survival.** Persons aged x on 1 January t who are alive on 1 January t+1
   are ``S(x) · P(x, t)``, with the life-table ratio ``S(x) = L(x+1) / L(x)``
   (ages 104 and 105+ both go to 105+ with ``T(105) / T(104)``).
   The life table comes from the national central death rates m(x) by the
   standard conversion ``q(x) = m(x) / (1 + (1 − a(x)) · m(x))`` with
   ``a(x) = 0.5`` (deaths in the middle of the year; ``a(0) = 0.1`` for infants,
   whose deaths cluster in the first weeks) and ``L(x) = l(x) − (1 − a(x)) · d(x)``;
   the open group has ``L(105+) = l(105) / m(105+)``.
2. **Migration.** Net migrants ``M(s, x)`` (by age on 1 January t+1) are added.
3. **Births.** ``B = scale · Σ f(x) · (P_f(x, t) + P_f(x, t+1)) / 2`` with
   national age-specific fertility f(x) (births per woman-year, age in completed
   years) and the mean of the 1 January counts of women as exposure. A share
   ``MALE_SHARE_AT_BIRTH`` are boys. Babies alive on 1 January are
   ``B · L(0) / l(0)`` plus net migrants aged 0.
4. Negative counts (more net out-migration than people) are set to 0.

Rates are held at their last observed year when a projection runs past the
data. :mod:`analysis.population.migration` (the residual estimate) and
:mod:`analysis.population.projection` (scenarios, gap, backtest) both build on this module.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError

N_AGES = 106  # 0..105, the last is 105+


SEXES = ("female", "male")


#: Share of boys among live births (about 105.5 boys per 100 girls in Norway).
MALE_SHARE_AT_BIRTH = 105.5 / 205.5


A0 = 0.1  # share of the year lived by infants who die (deaths cluster in the first weeks)


def population_array(pop: pd.DataFrame, regions: Sequence[str], years: Sequence[int]) -> np.ndarray:
    """Long population table → array ``(len(years), len(regions), 2, 106)`` (missing cells 0).

    Ages above 105 are added to 105+. Does not mutate ``pop``.
    """

    regions = [str(r) for r in regions]
    years = [int(y) for y in years]
    out = np.zeros((len(years), len(regions), 2, N_AGES), dtype=float)
    sub = pop[pop["region"].isin(regions) & pop["year"].isin(years)]
    if sub.empty:
        return out
    r_idx = pd.Index(regions).get_indexer(sub["region"])
    y_idx = pd.Index(years).get_indexer(sub["year"])
    s_idx = pd.Index(SEXES).get_indexer(sub["sex"].astype(str))
    a_idx = np.minimum(sub["age"].to_numpy(), N_AGES - 1)
    np.add.at(out, (y_idx, r_idx, s_idx, a_idx), sub["population"].to_numpy(dtype=float))
    return out


def array_to_frame(
    arr: np.ndarray, regions: Sequence[str], years: Sequence[int], value: str = "population"
) -> pd.DataFrame:
    """Array ``(years, regions, 2, 106)`` → long frame ``region, year, sex, age, <value>``."""

    y, r, s, a = np.meshgrid(np.asarray(years), np.arange(len(regions)), np.arange(2), np.arange(N_AGES), indexing="ij")
    return pd.DataFrame(
        {
            "region": np.asarray([str(x) for x in regions], dtype=object)[r.ravel()],
            "year": y.ravel().astype("int64"),
            "sex": pd.Categorical.from_codes(s.ravel(), categories=list(SEXES)),
            "age": a.ravel().astype("int64"),
            value: arr.reshape(-1),
        }
    )


@dataclass(frozen=True)
class LifeTable:
    """Single-year life table (radix l(0) = 1) for ages 0–105+; arrays of shape ``(..., 106)``."""

    mx: np.ndarray
    qx: np.ndarray
    lx: np.ndarray
    Lx: np.ndarray
    Tx: np.ndarray

    @property
    def e0(self) -> np.ndarray:
        """Life expectancy at birth."""
        return self.Tx[..., 0] / self.lx[..., 0]


def life_table(mx: np.ndarray) -> LifeTable:
    """Life table from central death rates ``mx`` (shape ``(..., 106)``; the last is 105+).

    ``q(x) = m(x) / (1 + (1 − a(x)) m(x))`` with ``a(0) = 0.1`` and ``a(x) = 0.5``
    otherwise; ``q(105+) = 1`` and ``L(105+) = l(105) / m(105+)``.
    """
    mx = np.asarray(mx, dtype=float)
    if mx.shape[-1] != N_AGES:
        raise ValueError(f"mx must have {N_AGES} ages on the last axis")
    ax = np.full(N_AGES, 0.5)
    ax[0] = A0
    mx = np.clip(mx, 0.0, None)
    qx = np.minimum(mx / (1.0 + (1.0 - ax) * mx), 1.0)
    qx[..., -1] = 1.0
    surv = np.cumprod(1.0 - qx[..., :-1], axis=-1)
    lx = np.concatenate([np.ones(mx.shape[:-1] + (1,)), surv], axis=-1)
    dx = lx * qx
    Lx = lx - (1.0 - ax) * dx
    m_open = np.where(mx[..., -1] > 0, mx[..., -1], 1.0)  # guard: no deaths in the open group
    Lx[..., -1] = lx[..., -1] / m_open
    Tx = np.cumsum(Lx[..., ::-1], axis=-1)[..., ::-1]
    return LifeTable(mx=mx, qx=qx, lx=lx, Lx=Lx, Tx=Tx)


def survival_ratios(mx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(S, Sb)``: survival from age x on 1 January to x+1 a year later, and of babies born in the year.

    ``S`` has shape ``(..., 106)``: ``S[x] = L(x+1) / L(x)`` for x < 104 and
    ``S[104] = S[105] = T(105) / T(104)``. ``Sb = L(0) / l(0)``.
    """
    lt = life_table(mx)
    S = np.empty_like(lt.Lx)
    S[..., :-2] = lt.Lx[..., 1:-1] / lt.Lx[..., :-2]
    S[..., -2] = lt.Tx[..., -1] / lt.Tx[..., -2]
    S[..., -1] = S[..., -2]
    Sb = lt.Lx[..., 0] / lt.lx[..., 0]
    return S, Sb


#: national rate arrays already computed, per table and year: ``{id(table): (ref, shape, {key: value})}``.
#: A report asks for the same national year many times (every projection step held at the base year,
#: every backtest and residual period), and the tables are read-only once loaded, so each year is
#: computed once per table. The entry is dropped when its table is freed (the weak reference), and is
#: not used if the table's shape has changed.
_RATES_MEMO: dict[int, tuple[weakref.ref, tuple[int, int], dict]] = {}


def _memoised(table: pd.DataFrame, key: object, compute: Callable[[], object]):
    entry = _RATES_MEMO.get(id(table))
    if entry is None or entry[0]() is not table or entry[1] != table.shape:
        tid = id(table)
        entry = (weakref.ref(table, lambda _ref, tid=tid: _RATES_MEMO.pop(tid, None)), table.shape, {})
        _RATES_MEMO[tid] = entry
    memo = entry[2]
    if key not in memo:
        value = compute()
        for part in value if isinstance(value, tuple) else (value,):
            if isinstance(part, np.ndarray):
                part.setflags(write=False)  # shared by every caller: nobody may change it in place
        memo[key] = value
    return memo[key]


def _years(table: pd.DataFrame, what: str) -> np.ndarray:
    years = sorted(int(y) for y in table["year"].unique())
    if not years:
        raise AnalysisError(f"the {what} table is empty")
    return np.asarray(years)


def _columns(table: pd.DataFrame, names: Iterable[str]) -> dict[str, np.ndarray]:
    """The table's columns as numpy arrays (``sex`` as text), taken once per table."""
    return {n: (table[n].astype(str) if n == "sex" else table[n]).to_numpy() for n in names if n in table.columns}


def _year_used(table: pd.DataFrame, what: str, year: int) -> int:
    """``year`` held within the years of a national table (after the last: the last; before the first: the first)."""
    years = _memoised(table, "years", lambda: _years(table, what))
    return int(min(max(int(year), years[0]), years[-1]))


def mortality_rates(mortality: pd.DataFrame, year: int) -> tuple[np.ndarray, int]:
    """National m(x) array ``(2, 106)`` for ``year`` (105+ pooled from deaths/exposure).

    A year after the last in the data uses the last year (returned as the
    second element, the year actually used); a year before the first raises.
    """
    used = _year_used(mortality, "mortality", year)
    return _memoised(mortality, used, lambda: (_mortality_year(mortality, used), used))


def _mortality_year(mortality: pd.DataFrame, used: int) -> np.ndarray:
    cols = _memoised(
        mortality,
        "columns",
        lambda: _columns(mortality, ("year", "sex", "age", "death_rate", "deaths", "exposure_population")),
    )
    pooled = "deaths" in cols and "exposure_population" in cols
    in_year = cols["year"] == used
    out = np.zeros((2, N_AGES))
    for s, sex in enumerate(SEXES):
        rows = np.flatnonzero(in_year & (cols["sex"] == sex))
        rows = rows[np.argsort(cols["age"][rows], kind="stable")]
        ages = cols["age"][rows]
        rate = cols["death_rate"][rows].astype(float)
        young = ages < N_AGES - 1
        out[s, ages[young]] = rate[young]
        old = rows[ages >= N_AGES - 1]
        exposure = np.nansum(cols["exposure_population"][old]) if pooled else 0.0
        if pooled and exposure > 0:
            out[s, -1] = np.nansum(cols["deaths"][old]) / exposure
        elif len(old):
            out[s, -1] = float(cols["death_rate"][old[0]])
    return out


def fertility_array(fertility: pd.DataFrame, year: int) -> tuple[np.ndarray, int]:
    """National age-specific fertility ``(106,)`` for ``year`` (held at the last year after the data)."""
    used = _year_used(fertility, "fertility", year)
    return _memoised(fertility, used, lambda: (_fertility_year(fertility, used), used))


def _fertility_year(fertility: pd.DataFrame, used: int) -> np.ndarray:
    sub = fertility[fertility["year"] == used]
    out = np.zeros(N_AGES)
    ages = np.minimum(sub["age"].to_numpy(), N_AGES - 1)
    np.add.at(out, ages, sub["births_per_woman"].to_numpy(dtype=float))
    return out


@dataclass(frozen=True)
class Rates:
    """Rates for projection steps: ``S (T, 2, 106)``, ``Sb (T, 2)``, ``f (T, 106)``.

    ``T`` is the number of projection years (one row per step); ``years`` the
    starting year of each step, ``mortality_years``/``fertility_years`` the data
    years actually used (they repeat when a rate is held constant).
    """

    S: np.ndarray
    Sb: np.ndarray
    f: np.ndarray
    years: tuple[int, ...] = ()
    mortality_years: tuple[int, ...] = ()
    fertility_years: tuple[int, ...] = ()
    e0: np.ndarray | None = None  # (T, 2) life expectancy at birth implied by the mortality used

    def step(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        j = min(i, len(self.S) - 1)
        return self.S[j], self.Sb[j], self.f[j]


def rates_for_years(
    mortality: pd.DataFrame, fertility: pd.DataFrame, years: Iterable[int], *, hold_from: int | None = None
) -> Rates:
    """Rates for the steps starting in ``years``; ``hold_from`` freezes rates at that year and later.

    A projection uses ``hold_from`` = its base year (rates of the last observed
    year, held constant), a backtest the year it starts from.
    """
    years = [int(y) for y in years]
    S, Sb, f, my, fy, e0 = [], [], [], [], [], []
    for y in years:
        y_used = y if hold_from is None else min(y, hold_from)
        mx, mused = mortality_rates(mortality, y_used)
        s, sb = survival_ratios(mx)
        e0.append(life_table(mx).e0)
        fx, fused = fertility_array(fertility, y_used)
        S.append(s)
        Sb.append(sb)
        f.append(fx)
        my.append(mused)
        fy.append(fused)
    return Rates(np.asarray(S), np.asarray(Sb), np.asarray(f), tuple(years), tuple(my), tuple(fy), np.asarray(e0))


def constant_rates(S: np.ndarray, Sb: np.ndarray, f: np.ndarray) -> Rates:
    """Rates that are the same every year (``S (2,106)``, ``Sb (2,)``, ``f (106,)``)."""
    return Rates(np.asarray(S, float)[None], np.asarray(Sb, float)[None], np.asarray(f, float)[None])


def survive(P: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Survivors on the next 1 January of a population ``(..., 2, 106)``; age 0 is left 0."""
    out = np.zeros_like(P)
    out[..., 1:] = S[..., :-1] * P[..., :-1]
    out[..., -1] += S[..., -1] * P[..., -1]
    return out


def births(P_now: np.ndarray, P_next: np.ndarray, f: np.ndarray, scale: float | np.ndarray = 1.0) -> np.ndarray:
    """Births in the year from women's mean 1 January counts (``(..., 2, 106)`` arrays) and ``f``."""
    exposure = 0.5 * (P_now[..., 0, :] + P_next[..., 0, :])
    return np.asarray(scale) * (exposure * f).sum(axis=-1)


def at_risk(P: np.ndarray) -> np.ndarray:
    """The population at risk of moving in a year, by age on the next 1 January (``(..., 2, 106)``).

    Those aged x on 1 January are aged x+1 a year later; the last group keeps 105+. Age 0 has none.
    """
    out = np.zeros_like(P)
    out[..., 1:] = P[..., :-1]
    out[..., -1] += P[..., -1]
    return out


def project(
    P0: np.ndarray,
    rates: Rates,
    n_years: int,
    migration: np.ndarray | None = None,
    fertility_scale: float | np.ndarray = 1.0,
    male_share: float = MALE_SHARE_AT_BIRTH,
    migration_rates: np.ndarray | None = None,
) -> np.ndarray:
    """Project ``P0`` (shape ``(..., 2, 106)``) ``n_years`` ahead; returns ``(n_years + 1, ..., 2, 106)``.

    ``migration`` is net migrants per year by sex and age on the next
    1 January: ``(2, 106)``, ``(..., 2, 106)`` per region, or
    ``(n_years, ..., 2, 106)`` per year. ``migration_rates`` are net migrants per person at risk
    (:func:`at_risk`), applied to the population of each year, so a shrinking place loses fewer
    people as it shrinks (``(2, 106)`` or ``(..., 2, 106)``); both may be given and are added.
    ``fertility_scale`` multiplies the national rates (a scalar or one per region). Survival may be
    national (``S (2, 106)``) or per region (``(..., 2, 106)``). All regions are projected at once; the
    loop is over years only.
    """
    P = np.asarray(P0, dtype=float)
    out = np.empty((n_years + 1,) + P.shape)
    out[0] = P
    mig = None if migration is None else np.asarray(migration, dtype=float)
    per_year = mig is not None and mig.ndim == P.ndim + 1
    scale = np.asarray(fertility_scale, dtype=float)
    for t in range(n_years):
        S, Sb, f = rates.step(t)
        nxt = survive(P, S)
        m = None
        if mig is not None:
            m = mig[t] if per_year else mig
        if migration_rates is not None:
            moved = migration_rates * at_risk(P)
            m = moved if m is None else m + moved
        if m is not None:
            nxt[..., 1:] += m[..., 1:]
        B = births(P, nxt, f, scale)
        nxt[..., 0, 0] = B * (1.0 - male_share) * Sb[..., 0]
        nxt[..., 1, 0] = B * male_share * Sb[..., 1]
        if m is not None:
            nxt[..., 0] += m[..., 0]
        np.maximum(nxt, 0.0, out=nxt)
        out[t + 1] = nxt
        P = nxt
    return out
