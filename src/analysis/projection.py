"""Cohort-component population projection by sex and single-year age, vectorised with numpy.

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
data (fertility ends 2022, mortality 2023 in the reference snapshot).

Public functions: :func:`population_array`, :func:`life_table`,
:func:`survival_ratios`, :func:`fertility_array`, :func:`rates_for_year`,
:func:`project`, :func:`project_frame`, :func:`scenarios`,
:func:`required_net_migration`, :func:`gap_to_target` (one call, for other reports),
:func:`backtest`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from analysis.errors import AnalysisError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

N_AGES = 106  # 0..105, the last is 105+
SEXES = ("female", "male")
#: Share of boys among live births (about 105.5 boys per 100 girls in Norway).
MALE_SHARE_AT_BIRTH = 105.5 / 205.5
A0 = 0.1  # share of the year lived by infants who die (deaths cluster in the first weeks)


# --------------------------------------------------------------------------- arrays


def population_array(
    pop: "pd.DataFrame", regions: Sequence[str], years: Sequence[int]
) -> np.ndarray:
    """Long population table → array ``(len(years), len(regions), 2, 106)`` (missing cells 0).

    Ages above 105 are added to 105+. Does not mutate ``pop``.
    """
    import pandas as pd

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


def array_to_frame(arr: np.ndarray, regions: Sequence[str], years: Sequence[int],
                   value: str = "population") -> "pd.DataFrame":
    """Array ``(years, regions, 2, 106)`` → long frame ``region, year, sex, age, <value>``."""
    import pandas as pd

    y, r, s, a = np.meshgrid(np.asarray(years), np.arange(len(regions)), np.arange(2), np.arange(N_AGES),
                             indexing="ij")
    return pd.DataFrame(
        {
            "region": np.asarray([str(x) for x in regions], dtype=object)[r.ravel()],
            "year": y.ravel().astype("int64"),
            "sex": pd.Categorical.from_codes(s.ravel(), categories=list(SEXES)),
            "age": a.ravel().astype("int64"),
            value: arr.reshape(-1),
        }
    )


# --------------------------------------------------------------------------- rates


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


def mortality_rates(mortality: "pd.DataFrame", year: int) -> tuple[np.ndarray, int]:
    """National m(x) array ``(2, 106)`` for ``year`` (105+ pooled from deaths/exposure).

    A year after the last in the data uses the last year (returned as the
    second element, the year actually used); a year before the first raises.
    """
    years = sorted(int(y) for y in mortality["year"].unique())
    if not years:
        raise AnalysisError("the mortality table is empty")
    used = min(max(int(year), years[0]), years[-1])
    sub = mortality[mortality["year"] == used]
    out = np.zeros((2, N_AGES))
    for s, sex in enumerate(SEXES):
        ss = sub[sub["sex"].astype(str) == sex].sort_values("age")
        ages = ss["age"].to_numpy()
        rate = ss["death_rate"].to_numpy(dtype=float)
        young = ages < N_AGES - 1
        out[s, ages[young]] = rate[young]
        old = ss[ss["age"] >= N_AGES - 1]
        if {"deaths", "exposure_population"} <= set(ss.columns) and old["exposure_population"].sum() > 0:
            out[s, -1] = old["deaths"].sum() / old["exposure_population"].sum()
        elif len(old):
            out[s, -1] = float(old["death_rate"].iloc[0])
    return out, used


def fertility_array(fertility: "pd.DataFrame", year: int) -> tuple[np.ndarray, int]:
    """National age-specific fertility ``(106,)`` for ``year`` (held at the last year after the data)."""
    years = sorted(int(y) for y in fertility["year"].unique())
    if not years:
        raise AnalysisError("the fertility table is empty")
    used = min(max(int(year), years[0]), years[-1])
    sub = fertility[fertility["year"] == used]
    out = np.zeros(N_AGES)
    ages = np.minimum(sub["age"].to_numpy(), N_AGES - 1)
    np.add.at(out, ages, sub["births_per_woman"].to_numpy(dtype=float))
    return out, used


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
    mortality: "pd.DataFrame", fertility: "pd.DataFrame", years: Iterable[int], *, hold_from: int | None = None
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
    return Rates(np.asarray(S), np.asarray(Sb), np.asarray(f), tuple(years), tuple(my), tuple(fy),
                 np.asarray(e0))


def constant_rates(S: np.ndarray, Sb: np.ndarray, f: np.ndarray) -> Rates:
    """Rates that are the same every year (``S (2,106)``, ``Sb (2,)``, ``f (106,)``)."""
    return Rates(np.asarray(S, float)[None], np.asarray(Sb, float)[None], np.asarray(f, float)[None])


# --------------------------------------------------------------------------- projection


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


def project(
    P0: np.ndarray,
    rates: Rates,
    n_years: int,
    migration: np.ndarray | None = None,
    fertility_scale: float | np.ndarray = 1.0,
    male_share: float = MALE_SHARE_AT_BIRTH,
) -> np.ndarray:
    """Project ``P0`` (shape ``(..., 2, 106)``) ``n_years`` ahead; returns ``(n_years + 1, ..., 2, 106)``.

    ``migration`` is net migrants per year by sex and age on the next
    1 January: ``(2, 106)``, ``(..., 2, 106)`` per region, or
    ``(n_years, ..., 2, 106)`` per year. ``fertility_scale`` multiplies the
    national rates (a scalar or one per region). All regions are projected at
    once; the loop is over years only.
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
        if mig is not None:
            m = mig[t] if per_year else mig
            nxt[..., 1:] += m[..., 1:]
        B = births(P, nxt, f, scale)
        nxt[..., 0, 0] = B * (1.0 - male_share) * Sb[0]
        nxt[..., 1, 0] = B * male_share * Sb[1]
        if mig is not None:
            nxt[..., 0] += m[..., 0]
        np.maximum(nxt, 0.0, out=nxt)
        out[t + 1] = nxt
        P = nxt
    return out


# --------------------------------------------------------------------------- scenarios for one region


@dataclass
class Setup:
    """Everything a projection of one region needs, built by :func:`setup`.

    ``base`` is the population ``(2, 106)`` on 1 January ``base_year``;
    ``profiles`` maps a scenario key to the yearly net migration ``(2, 106)``;
    ``fertility_scale`` is the local fertility factor (observed babies /
    babies expected from national rates) over ``factor_years``.
    """

    region: str
    base_year: int
    base: np.ndarray
    rates: Rates
    profiles: dict[str, np.ndarray]
    fertility_scale: float
    factor_years: tuple[int, int]
    history: "pd.DataFrame" = field(repr=False, default=None)


SCENARIO_LABELS = {
    "none": "Ingen flytting",
    "last5": "Flytting som siste 5 år",
    "last10": "Flytting som siste 10 år",
}


def setup(
    pop: "pd.DataFrame",
    region: str,
    mortality: "pd.DataFrame",
    fertility: "pd.DataFrame",
    *,
    base_year: int | None = None,
    horizon: int = 2050,
    windows: Mapping[str, int] = {"last5": 5, "last10": 10},
    fertility_scale: float | None = None,
) -> Setup:
    """Base population, rates and migration profiles for projecting ``region`` from ``base_year``.

    Migration profiles are yearly averages of the residual net migration
    (:func:`analysis.migration.residual_migration`) over the last N years
    before ``base_year`` (fewer when the data are shorter). The local
    fertility factor is estimated over the longest window unless
    ``fertility_scale`` is given. Only data up to ``base_year`` are used, so a
    backtest from 2015 knows nothing about later years.
    """
    from analysis import migration as mig

    region = str(region)
    years_avail = sorted(int(y) for y in pop.loc[pop["region"] == region, "year"].unique())
    if not years_avail:
        raise AnalysisError(f"region {region} is not in the population data")
    if base_year is None:
        base_year = years_avail[-1]
    if base_year not in years_avail:
        raise AnalysisError(f"no population for region {region} on 1 January {base_year}")
    hist_years = [y for y in years_avail if y <= base_year]
    P = population_array(pop, [region], hist_years)[:, 0]
    longest = max(windows.values()) if windows else 0
    first = max(hist_years[0], base_year - max(longest, 1))
    est = mig.residual_arrays(P, hist_years, mortality, fertility)
    profiles: dict[str, np.ndarray] = {"none": np.zeros((2, N_AGES))}
    for key, n in windows.items():
        sel = [i for i, y in enumerate(est.years) if y > base_year - n]
        if sel:
            profiles[key] = est.net[sel].mean(axis=0)
    if fertility_scale is None:
        sel = [i for i, y in enumerate(est.years) if y > first]
        fertility_scale = mig.fertility_factor(est, sel) if sel else 1.0
    steps = list(range(base_year, max(horizon, base_year + 1)))
    rates = rates_for_years(mortality, fertility, steps, hold_from=base_year)
    return Setup(region, base_year, P[-1], rates, profiles, float(fertility_scale), (first, base_year))


def run(s: Setup, migration: np.ndarray | None, to_year: int) -> np.ndarray:
    """Project a :class:`Setup` to ``to_year`` with yearly net migration ``(2, 106)``; ``(years, 2, 106)``."""
    n = int(to_year) - s.base_year
    if n < 0:
        raise AnalysisError(f"cannot project back in time ({to_year} is before {s.base_year})")
    return project(s.base, s.rates, n, migration, s.fertility_scale)


def scenarios(s: Setup, to_year: int = 2050) -> "pd.DataFrame":
    """Totals per scenario: columns ``scenario, label, year, total, female, male, women_20_39``."""
    import pandas as pd

    rows = []
    for key, profile in s.profiles.items():
        arr = run(s, profile, to_year)
        for i, year in enumerate(range(s.base_year, to_year + 1)):
            rows.append({
                "scenario": key,
                "label": SCENARIO_LABELS.get(key, key),
                "year": year,
                "total": float(arr[i].sum()),
                "female": float(arr[i, 0].sum()),
                "male": float(arr[i, 1].sum()),
                "women_20_39": float(arr[i, 0, 20:40].sum()),
                "net_migration_per_year": float(profile.sum()),
            })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- gap solver


@dataclass(frozen=True)
class Requirement:
    """Answer of :func:`required_net_migration`.

    ``per_year``: average yearly net in-migration needed (persons);
    ``women_20_39``: how many of those yearly movers are women aged 20–39;
    ``reached``: projected population on 1 January ``target_year`` with that
    migration; ``without``: with no migration; ``profile_source`` says which
    profile shaped the movers.
    """

    per_year: float
    women_20_39: float
    target: float
    target_year: int
    base_year: int
    reached: float
    without: float
    profile_source: str
    profile: np.ndarray = field(repr=False, default=None)

    @property
    def persons_per_year(self) -> int:
        """Yearly net in-migration rounded up to whole persons (0 when none is needed)."""
        return max(0, math.ceil(self.per_year - 1e-9))

    @property
    def women_per_year(self) -> int:
        """Net women aged 20–39 among :attr:`persons_per_year`, rounded (negative: they still leave)."""
        if self.per_year <= 0:
            return 0
        return round(self.women_20_39 * self.persons_per_year / self.per_year)

    def sentence(self) -> str:
        """The key number as one Norwegian sentence."""
        from analysis.numfmt import fmt_int

        if self.per_year <= 0:
            return (f"Uten netto innflytting ventes folketallet å bli om lag {fmt_int(self.without)} "
                    f"1.1.{self.target_year}, altså minst {fmt_int(self.target)} også uten innflytting.")
        n, w = self.persons_per_year, self.women_per_year
        people = "person" if n == 1 else "personer"
        women = "kvinne" if abs(w) == 1 else "kvinner"
        start = (f"For å nå minst {fmt_int(self.target)} innbyggere 1.1.{self.target_year} trengs netto "
                 f"innflytting på om lag {fmt_int(n)} {people} per år")
        if w < 0:
            return (f"{start}; med dette flyttemønsteret flytter fortsatt netto om lag {fmt_int(-w)} {women} "
                    "20–39 år ut hvert år.")
        if w == 0:
            return f"{start}, men med dette flyttemønsteret er nesten ingen av dem kvinner 20–39 år."
        return f"{start}, hvorav om lag {fmt_int(w)} {women} 20–39 år."


def movers_shape(profile: np.ndarray) -> tuple[np.ndarray, str]:
    """The age-sex distribution (sums to 1) that extra movers follow, and which rule made it.

    The observed net-migration profile divided by its total when the total
    is positive ("same age-sex profile"); otherwise the profile of the groups
    with a net gain (positive cells only). A flat profile over ages 0–66 is
    the last resort when no group gained.
    """
    profile = np.asarray(profile, dtype=float)
    total = profile.sum()
    if total > 1e-9:
        return profile / total, "observed"
    pos = np.clip(profile, 0, None)
    if pos.sum() > 1e-9:
        return pos / pos.sum(), "gains"
    flat = np.zeros((2, N_AGES))
    flat[:, :67] = 1.0
    return flat / flat.sum(), "flat"


def required_net_migration(
    s: Setup,
    target: float = 1300,
    target_year: int = 2030,
    profile: np.ndarray | str = "last5",
    tol: float = 1e-6,
) -> Requirement:
    """Average yearly net in-migration (same age-sex profile) that reaches ``target`` on 1.1.``target_year``.

    Movers each year are ``N · p`` where ``p`` is :func:`movers_shape` of the
    profile (scenario key or array). The population on 1 January
    ``target_year`` grows with ``N``, and ``N`` is found by bisection to
    within ``tol`` persons. ``women_20_39 = N · Σ p(female, 20–39)``.
    A negative ``per_year`` means the target is reached even with that much
    net out-migration.

    Reused by the goals overview: build ``s`` with :func:`setup`.
    """
    if isinstance(profile, str):
        if profile not in s.profiles:
            raise AnalysisError(f"no migration profile {profile!r}; have {sorted(s.profiles)}")
        prof = s.profiles[profile]
        source_key = profile
    else:
        prof = np.asarray(profile, dtype=float)
        source_key = "custom"
    if target_year <= s.base_year:
        raise AnalysisError(f"target year {target_year} must be after the base year {s.base_year}")
    shape, rule = movers_shape(prof)

    def total(n: float) -> float:
        return float(run(s, n * shape, target_year)[-1].sum())

    without = total(0.0)
    lo, hi = -50.0, 50.0
    while total(lo) > target and lo > -1e6:
        lo *= 2
    while total(hi) < target and hi < 1e6:
        hi *= 2
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if total(mid) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo < tol:
            break
    n = hi
    women = n * shape[0, 20:40].sum()
    return Requirement(n, float(women), float(target), int(target_year), s.base_year, total(n), without,
                       f"{source_key}:{rule}", shape)


# --------------------------------------------------------------------------- backtest


def backtest(
    pop: "pd.DataFrame",
    region: str,
    mortality: "pd.DataFrame",
    fertility: "pd.DataFrame",
    start_year: int = 2015,
    end_year: int | None = None,
) -> "pd.DataFrame":
    """Project from ``start_year`` with only what was known then; compare with what happened.

    Returns ``scenario, label, year, projected, observed, error, pct_error`` for
    every year after ``start_year`` up to ``end_year`` (default: last year in
    the data). Rates are held at their ``start_year`` values; migration
    profiles come from the years before ``start_year``.
    """
    import pandas as pd

    s = setup(pop, region, mortality, fertility, base_year=start_year)
    observed = pop[pop["region"] == str(region)].groupby("year")["population"].sum()
    if end_year is None:
        end_year = int(observed.index.max())
    rows = []
    for key, profile in s.profiles.items():
        arr = run(s, profile, end_year)
        for i, year in enumerate(range(start_year, end_year + 1)):
            if i == 0 or year not in observed.index:
                continue
            proj = float(arr[i].sum())
            obs = float(observed.loc[year])
            rows.append({"scenario": key, "label": SCENARIO_LABELS.get(key, key), "year": year,
                         "projected": proj, "observed": obs, "error": proj - obs,
                         "pct_error": (proj - obs) / obs if obs else np.nan})
    return pd.DataFrame(rows)


def backtest_summary(bt: "pd.DataFrame") -> "pd.DataFrame":
    """Per scenario: error in the last year and mean absolute percentage error over all years."""
    last = bt[bt["year"] == bt["year"].max()].set_index("scenario")
    out = bt.groupby("scenario", sort=False).agg(
        label=("label", "first"), mape=("pct_error", lambda e: float(np.mean(np.abs(e)))))
    out["last_year"] = int(bt["year"].max())
    out["error_last"] = last["error"]
    out["pct_error_last"] = last["pct_error"]
    return out.reset_index()


# --------------------------------------------------------------------------- figures


def plot_scenarios(history: "pd.DataFrame", proj: "pd.DataFrame", name: str, title: str,
                   target: float | None = None, target_year: int | None = None,
                   official: "pd.DataFrame | None" = None, official_label: str = "SSB") -> "Figure":
    """History (``year, total``) plus projected totals per scenario and optional official projections."""
    from analysis import plotting

    fig, ax = plotting.new_figure(9, 5.5)
    ax.plot(history["year"], history["total"], color="black", linewidth=2.5, marker="o", ms=3,
            label="Registrert")
    styles = {"none": ":", "last5": "-", "last10": "--"}
    colours = {"none": plotting.NEUTRAL, "last5": plotting.OKABE_ITO["blue"], "last10": plotting.OKABE_ITO["green"]}
    for key, grp in proj.groupby("scenario", sort=False):
        ax.plot(grp["year"], grp["total"], linestyle=styles.get(key, "-."), linewidth=2,
                color=colours.get(key, plotting.OKABE_ITO["purple"]), label=str(grp["label"].iloc[0]))
    if official is not None and len(official):
        for (vintage, alt), grp in official.groupby(["vintage", "alternative"], sort=False):
            ax.plot(grp["year"], grp["population"], linestyle="-.", marker="x", ms=4,
                    color=plotting.OKABE_ITO["purple"], label=official_label)
            break
    if target is not None:
        ax.axhline(target, color=plotting.HIGHLIGHT, linestyle="--", linewidth=1.5)
        if target_year is not None:
            ax.plot([target_year], [target], marker="*", ms=16, color=plotting.HIGHLIGHT, linestyle="none",
                    label=f"Mål: minst {plotting_int(target)} i {target_year}")
    from analysis.population import wrap_title

    ax.set_title(wrap_title(title))
    ax.set_ylabel("Innbyggere 1. januar")
    ax.set_xlabel("År")
    plotting.norwegian_axis(ax.yaxis)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9)
    return fig


def plotting_int(x: float) -> str:
    from analysis.numfmt import fmt_int

    return fmt_int(x)


def plot_backtest(bt: "pd.DataFrame", history: "pd.DataFrame", start_year: int, title: str,
                  official: "pd.DataFrame | None" = None, official_label: str = "SSBs framskriving") -> "Figure":
    """Backtest: registered population vs projections started in ``start_year``."""
    import pandas as pd

    proj = bt.rename(columns={"projected": "total"})[["scenario", "label", "year", "total"]]
    start = history[history["year"] == start_year]
    if len(start):
        extra = [{"scenario": k, "label": lbl, "year": start_year, "total": float(start["total"].iloc[0])}
                 for k, lbl in proj.groupby("scenario", sort=False)["label"].first().items()]
        proj = pd.concat([pd.DataFrame(extra), proj]).sort_values(["scenario", "year"], kind="stable")
        order = list(bt["scenario"].drop_duplicates())
        proj["scenario"] = pd.Categorical(proj["scenario"], categories=order)
        proj = proj.sort_values(["scenario", "year"]).astype({"scenario": str})
    fig = plot_scenarios(history, proj, "", title, official=official, official_label=official_label)
    fig.axes[0].axvline(start_year, color="grey", linewidth=0.8)
    return fig


# --------------------------------------------------------------------------- report helpers


def assumptions_table(s: Setup) -> "pd.DataFrame":
    """The projection's assumptions for readers: columns ``Forutsetning``, ``Verdi`` (Norwegian text)."""
    import pandas as pd

    from analysis.numfmt import fmt_num

    S0, Sb0, f0 = s.rates.step(0)
    mort_year = s.rates.mortality_years[0] if s.rates.mortality_years else None
    fert_year = s.rates.fertility_years[0] if s.rates.fertility_years else None
    tfr = float(f0.sum())
    rows = [
        ("Startår (folketall 1. januar)", str(s.base_year)),
        (f"Fruktbarhet i Norge ({fert_year}), barn per kvinne", fmt_num(tfr, 2)),
        (f"Lokal fruktbarhetsfaktor (fødte i kommunen mot landets rater, {s.factor_years[0]}–{s.base_year})",
         fmt_num(s.fertility_scale, 2)),
        ("Fruktbarhet brukt i framskrivingen, barn per kvinne", fmt_num(tfr * s.fertility_scale, 2)),
    ]
    if mort_year is not None and s.rates.e0 is not None:
        mx_e0 = s.rates.e0[0]
        rows.append((f"Forventet levealder ved fødsel, kvinner ({mort_year})", fmt_num(mx_e0[0], 1) + " år"))
        rows.append((f"Forventet levealder ved fødsel, menn ({mort_year})", fmt_num(mx_e0[1], 1) + " år"))
    for key, prof in s.profiles.items():
        if key == "none":
            continue
        rows.append((f"Netto innflytting per år, {SCENARIO_LABELS.get(key, key).lower()}",
                     fmt_num(float(prof.sum()), 1, signed=True) + " personer"))
        rows.append((f"  herav kvinner 20–39 år ({SCENARIO_LABELS.get(key, key).lower()})",
                     fmt_num(float(prof[0, 20:40].sum()), 1, signed=True)))
    return pd.DataFrame(rows, columns=["Forutsetning", "Verdi"])


def official_projection(projections: "pd.DataFrame", region: str) -> "pd.DataFrame":
    """SSB's published projection rows for ``region`` (main alternative first); may be empty."""
    sub = projections[projections["region"] == str(region)].copy()
    if sub.empty:
        return sub
    main = sub["alternative"].astype(str).str.contains("MMM|Hoved|main|likely", case=False, regex=True)
    sub = sub[main] if main.any() else sub
    return sub.sort_values(["vintage", "year"]).reset_index(drop=True)


def official_label(official: "pd.DataFrame") -> str:
    """Norwegian label for an official projection, e.g. ``"SSBs framskriving fra 2016"``."""
    import re

    if official is None or official.empty:
        return "SSBs framskriving"
    found = re.search(r"(19|20)\d\d", str(official["vintage"].iloc[0]))
    return f"SSBs framskriving fra {found.group(0)}" if found else "SSBs framskriving"


def gap_to_target(
    region: str = "3425",
    target: float = 1300,
    target_year: int = 2030,
    *,
    ssb_dir=None,
    profile: str = "last5",
) -> Requirement:
    """One call for other reports (e.g. the goals overview): load the snapshot, set up, solve the gap.

    Returns the :class:`Requirement` for ``region`` (``.persons_per_year``,
    ``.women_per_year``, ``.without``, ``.sentence()``). Raises
    :class:`~analysis.errors.AnalysisError` when the snapshot or region is missing.
    """
    from analysis import ssb

    region = ssb.region_code(region)
    pop = ssb.read_population(ssb_dir, regions=[region])
    s = setup(pop, region, ssb.read_mortality(ssb_dir), ssb.read_fertility(ssb_dir),
              horizon=max(int(target_year), 2031))
    return required_net_migration(s, target=target, target_year=target_year, profile=profile)
