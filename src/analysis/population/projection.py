"""Population projections for one municipality: scenarios, the migration a target needs, backtests.

Built on the cohort step of :mod:`analysis.population.cohort` and the residual migration estimate
of :mod:`analysis.population.migration`:

* :func:`setup` — base population, rates and migration profiles from the years before the base year;
* :func:`run` / :func:`scenarios` — project with a migration profile (none, as the last 5 or 10 years);
* :func:`required_net_migration` — the yearly net in-migration that reaches a target (bisection);
* :func:`backtest` / :func:`backtest_summary` — project from an earlier year and compare with what happened;
* :func:`official_projection` — SSB's published projection for a municipality, where the snapshot has it;
* :func:`gap_to_target` — one call for other reports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.population import migration as mig
from analysis.population import snapshot
from analysis.population.cohort import N_AGES, Rates, population_array, project, rates_for_years
from analysis.population.text import SCENARIO_LABELS

# --------------------------------------------------------------------------- arrays


# --------------------------------------------------------------------------- rates


# --------------------------------------------------------------------------- projection


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
    history: pd.DataFrame = field(repr=False, default=None)


def setup(
    pop: pd.DataFrame,
    region: str,
    mortality: pd.DataFrame,
    fertility: pd.DataFrame,
    *,
    base_year: int | None = None,
    horizon: int = 2050,
    windows: Mapping[str, int] = {"last5": 5, "last10": 10},
    fertility_scale: float | None = None,
) -> Setup:
    """Base population, rates and migration profiles for projecting ``region`` from ``base_year``.

    Migration profiles are yearly averages of the residual net migration
    (:func:`analysis.population.migration.residual_migration`) over the last N years
    before ``base_year`` (fewer when the data are shorter). The local
    fertility factor is estimated over the longest window unless
    ``fertility_scale`` is given. Only data up to ``base_year`` are used, so a
    backtest from 2015 knows nothing about later years.
    """

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


def scenarios(s: Setup, to_year: int = 2050) -> pd.DataFrame:
    """Totals per scenario: columns ``scenario, label, year, total, female, male, women_20_39``."""

    rows = []
    for key, profile in s.profiles.items():
        arr = run(s, profile, to_year)
        for i, year in enumerate(range(s.base_year, to_year + 1)):
            rows.append(
                {
                    "scenario": key,
                    "label": SCENARIO_LABELS.get(key, key),
                    "year": year,
                    "total": float(arr[i].sum()),
                    "female": float(arr[i, 0].sum()),
                    "male": float(arr[i, 1].sum()),
                    "women_20_39": float(arr[i, 0, 20:40].sum()),
                    "net_migration_per_year": float(profile.sum()),
                }
            )
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
    return Requirement(
        n, float(women), float(target), int(target_year), s.base_year, total(n), without, f"{source_key}:{rule}", shape
    )


# --------------------------------------------------------------------------- backtest


def backtest(
    pop: pd.DataFrame,
    region: str,
    mortality: pd.DataFrame,
    fertility: pd.DataFrame,
    start_year: int = 2015,
    end_year: int | None = None,
) -> pd.DataFrame:
    """Project from ``start_year`` with only what was known then; compare with what happened.

    Returns ``scenario, label, year, projected, observed, error, pct_error`` for
    every year after ``start_year`` up to ``end_year`` (default: last year in
    the data). Rates are held at their ``start_year`` values; migration
    profiles come from the years before ``start_year``.
    """

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
            rows.append(
                {
                    "scenario": key,
                    "label": SCENARIO_LABELS.get(key, key),
                    "year": year,
                    "projected": proj,
                    "observed": obs,
                    "error": proj - obs,
                    "pct_error": (proj - obs) / obs if obs else np.nan,
                }
            )
    return pd.DataFrame(rows)


def backtest_summary(bt: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: error in the last year and mean absolute percentage error over all years."""
    last = bt[bt["year"] == bt["year"].max()].set_index("scenario")
    out = bt.groupby("scenario", sort=False).agg(
        label=("label", "first"), mape=("pct_error", lambda e: float(np.mean(np.abs(e))))
    )
    out["last_year"] = int(bt["year"].max())
    out["error_last"] = last["error"]
    out["pct_error_last"] = last["pct_error"]
    return out.reset_index()


# --------------------------------------------------------------------------- figures


# --------------------------------------------------------------------------- report helpers


def official_projection(projections: pd.DataFrame, region: str) -> pd.DataFrame:
    """SSB's published projection rows for ``region`` (main alternative first); may be empty."""
    sub = projections[projections["region"] == str(region)].copy()
    if sub.empty:
        return sub
    main = sub["alternative"].astype(str).str.contains("MMM|Hoved|main|likely", case=False, regex=True)
    sub = sub[main] if main.any() else sub
    return sub.sort_values(["vintage", "year"]).reset_index(drop=True)


def vintage_year(vintage: object) -> int | None:
    """The year a projection was made from, read from its vintage label (``"SSB regional projection 2024 (…)"``)."""
    found = re.search(r"(19|20)\d\d", str(vintage))
    return int(found.group(0)) if found else None


def newest_official(projections: pd.DataFrame, region: str) -> pd.DataFrame:
    """SSB's newest published projection for ``region`` (main alternative), or an empty frame."""
    sub = official_projection(projections, region)
    if sub.empty:
        return sub
    years = sub["vintage"].map(vintage_year)
    newest = years.max()
    return sub[years == newest].reset_index(drop=True)


def gap_to_target(
    region: str,
    target: float,
    target_year: int,
    *,
    ssb_dir=None,
    profile: str = "last5",
) -> Requirement:
    """One call for other reports (e.g. the goals overview): load the snapshot, set up, solve the gap.

    Returns the :class:`Requirement` for ``region`` (``.persons_per_year``,
    ``.women_per_year``, ``.without``; :func:`~analysis.population.text.requirement_sentence`). Raises
    :class:`~analysis.errors.AnalysisError` when the snapshot or region is missing.
    """

    region = snapshot.region_code(region)
    pop = snapshot.read_population(ssb_dir, regions=[region])
    s = setup(
        pop,
        region,
        snapshot.read_mortality(ssb_dir),
        snapshot.read_fertility(ssb_dir),
        horizon=max(int(target_year), 2031),
    )
    return required_net_migration(s, target=target, target_year=target_year, profile=profile)
