"""Population projections for one municipality: scenarios, the migration a target needs, backtests.

Built on the cohort step of :mod:`analysis.population.cohort` and the residual migration estimate
of :mod:`analysis.population.migration`:

* :class:`Model` / :data:`MODEL` — the main projection's choices (migration rates shrunk towards the county
  and damped, local fertility and mortality shrunk towards national), chosen by backtest;
* :func:`prepare` / :func:`project_inputs` — the same for many regions at once (the backtest harness);
* :func:`setup` — base population, rates and migration from the years before the base year;
* :func:`run` / :func:`scenarios` — the main projection and the benchmarks (no migration, constant
  population, past migration as counts of the last 5 or 10 years);
* :func:`required_net_migration` — the yearly net in-migration that reaches a target (bisection);
* :func:`backtest` / :func:`backtest_summary` — project from an earlier year and compare with what happened;
* :func:`official_projection` — SSB's published projection for a municipality, where the snapshot has it;
* :func:`gap_to_target` — one call for other reports.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.population import migration as mig
from analysis.population import snapshot
from analysis.population.cohort import (
    N_AGES,
    Rates,
    at_risk,
    mortality_rates,
    population_array,
    project,
    rates_for_years,
    survival_ratios,
)
from analysis.population.text import SCENARIO_LABELS

# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Model:
    """The choices of the main projection, each chosen by backtest (``docs/population.md``).

    Migration is carried forward as **rates**: net migrants per person at risk, by sex and age, over
    the last ``window`` years (residual estimate), weighted ``own_weight`` on the municipality's own
    rates and the rest on its county's (which pulls a small, noisy municipality towards the
    regional pattern), and multiplied by ``damping`` (unusual years do not go on for ever: net
    migration regresses towards zero). A place that shrinks then loses fewer people as it shrinks.
    Fertility: the local factor (observed births / births expected from national rates) is shrunk
    towards 1 with the weight of ``fertility_prior`` expected births. Mortality: where the snapshot has
    the municipality's registered deaths, national death rates are multiplied by its standardised
    mortality ratio, shrunk towards 1 with the weight of ``mortality_prior`` expected deaths.
    """

    window: int = 10
    own_weight: float = 0.5
    damping: float = 0.6
    fertility_prior: float = 400.0
    mortality_prior: float = 100.0


#: The model the reports use.
MODEL = Model()


@dataclass
class Inputs:
    """Projection inputs for many regions at once (leading axis ``R``), from data up to ``base_year`` only."""

    regions: list[str]
    base_year: int
    base: np.ndarray  # (R, 2, 106) population on 1 January base_year
    rates: Rates  # per-region survival when a mortality ratio applies
    own_rate: np.ndarray  # (R, 2, 106) net migration per person at risk, own history
    county_rate: np.ndarray  # (R, 2, 106) the same for the region's county (own when no county)
    rate: np.ndarray  # (R, 2, 106) the model's rate: shrunk towards the county and damped
    counts: dict[str, np.ndarray]  # "last5", "last10": mean yearly net migrants (R, 2, 106)
    fertility_scale: np.ndarray  # (R,)
    fertility_raw: np.ndarray  # (R,) before shrinkage
    smr: np.ndarray  # (R,) local mortality ratio used (1 where no deaths are registered)
    deaths_observed: np.ndarray  # (R,) registered deaths behind the ratio (0: none)
    deaths_expected: np.ndarray  # (R,)
    factor_years: tuple[int, int]
    migration_years: tuple[int, int]


def _rates_from_residuals(res: mig.Residuals, P: np.ndarray, years: list[int], sel: list[int]) -> np.ndarray:
    """Σ net / Σ population at risk over the periods ``sel`` (by sex and age; 0 where none at risk)."""
    if not sel:
        return np.zeros(res.net.shape[1:])
    risk = np.zeros(res.net.shape[1:])
    for i in sel:
        start = years.index(res.years[i] - 1)
        risk += at_risk(P[start])
    net = res.net[sel].sum(axis=0)
    return np.divide(net, risk, out=np.zeros_like(net), where=risk > 0)


def registered_deaths(
    components: pd.DataFrame | None, regions: list[str], years: list[int], births: np.ndarray
) -> np.ndarray:
    """Deaths SSB registered, ``(len(years) - 1, R)`` for the periods starting 1 January ``years[:-1]``; NaN unknown.

    Where only the natural increase is published, deaths are the births implied by the next
    1 January's newborns (``births``, from the residual estimate) minus the natural increase.
    """
    out = np.full((len(years) - 1, len(regions)), np.nan)
    if components is None or components.empty:
        return out
    comp = components[components["region"].isin(regions)]
    for row in comp.itertuples():
        if row.year not in years[:-1]:
            continue
        i, r = years.index(row.year), regions.index(row.region)
        if pd.notna(row.deaths):
            out[i, r] = row.deaths
        elif pd.notna(row.natural_increase):
            out[i, r] = births[i, r] - row.natural_increase
    return out


def prepare(
    P: np.ndarray,
    years: list[int],
    mortality: pd.DataFrame,
    fertility: pd.DataFrame,
    base_year: int,
    *,
    regions: list[str],
    county: np.ndarray | None = None,
    components: pd.DataFrame | None = None,
    horizon: int = 2050,
    model: Model = MODEL,
) -> Inputs:
    """Projection inputs for regions ``P (Y, R, 2, 106)`` (1 January ``years``) from data up to ``base_year``.

    ``county`` holds each region's county series ``(Y, R, 2, 106)`` for the shrinkage (None: none).
    Nothing after ``base_year`` is read: populations of later years, deaths registered in or after
    the base year and rates of the base year itself are left out (rates are those of the year before).
    """
    if base_year not in years:
        raise AnalysisError(f"no population on 1 January {base_year}")
    keep = [y for y in years if y <= base_year]
    idx = [years.index(y) for y in keep]
    P = np.asarray(P, dtype=float)[idx]
    county = None if county is None else np.asarray(county, dtype=float)[idx]
    known = base_year - 1  # rates and deaths known on 1 January of the base year
    # local mortality ratio from registered deaths, then residual migration with it
    res0 = mig.residual_arrays(P, keep, mortality, fertility)
    first = max(keep[0], base_year - model.window)
    deaths = registered_deaths(components, regions, keep, res0.births)
    observed = np.zeros(len(regions))
    expected = np.zeros(len(regions))
    for i, y in enumerate(keep[:-1]):
        if y < first:
            continue
        mx, _ = mortality_rates(mortality, y)
        exp_y = (0.5 * (P[i] + P[i + 1]) * mx).sum(axis=(-2, -1))
        seen = np.isfinite(deaths[i])
        observed += np.where(seen, deaths[i], 0.0)
        expected += np.where(seen, exp_y, 0.0)
    smr = (observed + model.mortality_prior) / (expected + model.mortality_prior)
    smr = np.where(expected > 0, smr, 1.0)
    res = mig.residual_arrays(P, keep, mortality, fertility, mortality_factor=smr)
    in_window = [i for i, y in enumerate(res.years) if y > base_year - model.window]
    own = _rates_from_residuals(res, P, keep, in_window)
    if county is not None:
        cres = mig.residual_arrays(county, keep, mortality, fertility)
        county_rate = _rates_from_residuals(cres, county, keep, in_window)
    else:
        county_rate = own
    rate = (model.own_weight * own + (1 - model.own_weight) * county_rate) * model.damping
    counts = {}
    for key, n in (("last5", 5), ("last10", 10)):
        sel = [i for i, y in enumerate(res.years) if y > base_year - n]
        counts[key] = res.net[sel].mean(axis=0) if sel else np.zeros_like(own)
    obs_b = res.births[in_window].sum(axis=0)
    exp_b = res.expected_births[in_window].sum(axis=0)
    raw = np.divide(obs_b, exp_b, out=np.ones_like(obs_b), where=exp_b > 0)
    scale = (obs_b + model.fertility_prior) / (exp_b + model.fertility_prior)
    steps = list(range(base_year, max(horizon, base_year + 1)))
    national = rates_for_years(mortality, fertility, steps, hold_from=known)
    mx, _ = mortality_rates(mortality, known)
    S_loc, Sb_loc = survival_ratios(mx[None] * smr[:, None, None])
    T = len(steps)
    rates = Rates(
        np.broadcast_to(S_loc, (T, *S_loc.shape)).copy(),
        np.broadcast_to(Sb_loc, (T, *Sb_loc.shape)).copy(),
        national.f,
        national.years,
        national.mortality_years,
        national.fertility_years,
        national.e0,
    )
    return Inputs(
        regions=list(regions),
        base_year=base_year,
        base=P[-1],
        rates=rates,
        own_rate=own,
        county_rate=county_rate,
        rate=rate,
        counts=counts,
        fertility_scale=scale,
        fertility_raw=raw,
        smr=smr,
        deaths_observed=observed,
        deaths_expected=expected,
        factor_years=(first, base_year),
        migration_years=(max(keep[0], base_year - model.window), base_year),
    )


def project_inputs(inp: Inputs, scenario: str, to_year: int) -> np.ndarray:
    """Project every region of ``inp`` with a scenario: ``model``, ``none``, ``last5``, ``last10``, ``constant``.

    Returns ``(to_year - base_year + 1, R, 2, 106)``; ``constant`` repeats the base population.
    """
    n = int(to_year) - inp.base_year
    if n < 0:
        raise AnalysisError(f"cannot project back in time ({to_year} is before {inp.base_year})")
    if scenario == "constant":
        return np.broadcast_to(inp.base, (n + 1, *inp.base.shape)).copy()
    if scenario == "model":
        return project(inp.base, inp.rates, n, None, inp.fertility_scale, migration_rates=inp.rate)
    if scenario == "none":
        return project(inp.base, inp.rates, n, None, inp.fertility_scale)
    if scenario in inp.counts:
        return project(inp.base, inp.rates, n, inp.counts[scenario], inp.fertility_scale)
    raise AnalysisError(f"unknown scenario {scenario!r}")


# --------------------------------------------------------------------------- one region


#: The scenarios every projection shows: the main one, the benchmarks, and past migration as counts.
SCENARIOS = ("model", "none", "constant", "last5", "last10")


@dataclass
class Setup:
    """Everything a projection of one region needs, built by :func:`setup` (arrays for this region)."""

    region: str
    base_year: int
    base: np.ndarray
    rates: Rates
    profiles: dict[str, np.ndarray]  # yearly net migrants as counts: none, last5, last10
    migration_rate: np.ndarray  # the model's net migration per person at risk (2, 106)
    fertility_scale: float
    factor_years: tuple[int, int]
    inputs: Inputs = field(repr=False, default=None)
    history: pd.DataFrame = field(repr=False, default=None)

    @property
    def smr(self) -> float:
        return float(self.inputs.smr[0])

    @property
    def model_net(self) -> np.ndarray:
        """The model's net migration in the first projection year, by sex and age (persons)."""
        return self.migration_rate * at_risk(self.base)


def setup(
    pop: pd.DataFrame,
    region: str,
    mortality: pd.DataFrame,
    fertility: pd.DataFrame,
    *,
    base_year: int | None = None,
    horizon: int = 2050,
    county: str | None = None,
    components: pd.DataFrame | None = None,
    model: Model = MODEL,
    fertility_scale: float | None = None,
) -> Setup:
    """Projection inputs for ``region`` from ``base_year`` (default: the last year), with :data:`MODEL`.

    ``county`` (its code, present in ``pop``) is what the migration rates are shrunk towards;
    ``components`` (:func:`analysis.population.snapshot.read_components`) gives registered deaths for
    the local mortality ratio. Only data up to ``base_year`` are used.
    """
    region = str(region)
    years = sorted(int(y) for y in pop.loc[pop["region"] == region, "year"].unique())
    if not years:
        raise AnalysisError(f"region {region} is not in the population data")
    if base_year is None:
        base_year = years[-1]
    if base_year not in years:
        raise AnalysisError(f"no population for region {region} on 1 January {base_year}")
    P = population_array(pop, [region], years)
    C = None
    if county and county != region and (pop["region"] == str(county)).any():
        C = population_array(pop, [str(county)], years)
    inp = prepare(
        P, years, mortality, fertility, base_year, regions=[region], county=C, components=components,
        horizon=horizon, model=model,
    )  # fmt: skip
    if fertility_scale is not None:  # a fixed local factor (e.g. 1.0: national fertility)
        inp.fertility_scale = np.array([float(fertility_scale)])
    profiles = {"none": np.zeros((2, N_AGES)), **{k: v[0] for k, v in inp.counts.items()}}
    rates = Rates(inp.rates.S[:, 0], inp.rates.Sb[:, 0], inp.rates.f, inp.rates.years, inp.rates.mortality_years,
                  inp.rates.fertility_years, inp.rates.e0)  # fmt: skip
    return Setup(
        region, base_year, inp.base[0], rates, profiles, inp.rate[0], float(inp.fertility_scale[0]),
        inp.factor_years, inp,
    )  # fmt: skip


def run(s: Setup, migration: np.ndarray | str | None, to_year: int) -> np.ndarray:
    """Project a :class:`Setup` to ``to_year``; ``(years, 2, 106)``.

    ``migration`` is a scenario key (:data:`SCENARIOS`) or yearly net migrants as counts ``(2, 106)``.
    """
    n = int(to_year) - s.base_year
    if n < 0:
        raise AnalysisError(f"cannot project back in time ({to_year} is before {s.base_year})")
    if isinstance(migration, str):
        if migration == "model":
            return project(s.base, s.rates, n, None, s.fertility_scale, migration_rates=s.migration_rate)
        if migration == "constant":
            return np.broadcast_to(s.base, (n + 1, *s.base.shape)).copy()
        migration = s.profiles[migration]
    return project(s.base, s.rates, n, migration, s.fertility_scale)


def scenarios(s: Setup, to_year: int = 2050) -> pd.DataFrame:
    """Totals per scenario: columns ``scenario, label, year, total, female, male, women_20_39, net_migration_per_year``."""
    rows = []
    for key in SCENARIOS:
        if key not in ("model", "constant") and key not in s.profiles:
            continue
        arr = run(s, key, to_year)
        prev = None
        for i, year in enumerate(range(s.base_year, to_year + 1)):
            total = float(arr[i].sum())
            rows.append(
                {
                    "scenario": key,
                    "label": SCENARIO_LABELS.get(key, key),
                    "year": year,
                    "total": total,
                    "female": float(arr[i, 0].sum()),
                    "male": float(arr[i, 1].sum()),
                    "women_20_39": float(arr[i, 0, 20:40].sum()),
                    "net_migration_per_year": float(s.model_net.sum())
                    if key == "model"
                    else 0.0
                    if key in ("none", "constant")
                    else float(s.profiles[key].sum()),
                }
            )
            prev = total
        del prev
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
    target: float,
    target_year: int,
    profile: np.ndarray | str = "model",
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
        if profile == "model":
            prof = s.model_net
        elif profile == "county":
            prof = s.inputs.county_rate[0] * at_risk(s.base)
        elif profile in s.profiles:
            prof = s.profiles[profile]
        else:
            raise AnalysisError(f"no migration profile {profile!r}; have {sorted(s.profiles)}")
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


def requirement_range(s: Setup, target: float, target_year: int) -> dict[str, Requirement]:
    """:func:`required_net_migration` with each plausible migration profile: the main projection's, the last
    five and ten years' counts, and the county's; the spread shows what is robust and what is not."""
    return {key: required_net_migration(s, target, target_year, key) for key in ("model", "last5", "last10", "county")}


# --------------------------------------------------------------------------- backtest


def backtest(
    pop: pd.DataFrame,
    region: str,
    mortality: pd.DataFrame,
    fertility: pd.DataFrame,
    start_year: int = 2016,
    end_year: int | None = None,
    *,
    county: str | None = None,
    components: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Project from ``start_year`` with only what was known then; compare with what happened.

    Returns ``scenario, label, year, projected, observed, error, pct_error`` for every year after
    ``start_year`` up to ``end_year`` (default: the last year in the data), for every scenario.
    """
    known = pop[(pop["region"].isin([str(region), str(county)])) & (pop["year"] <= start_year)]
    s = setup(known, region, mortality, fertility, base_year=start_year, county=county, components=components)
    observed = pop[pop["region"] == str(region)].groupby("year")["population"].sum()
    if end_year is None:
        end_year = int(observed.index.max())
    rows = []
    for key in SCENARIOS:
        arr = run(s, key, end_year)
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


def official_errors(official: pd.DataFrame, totals: pd.DataFrame, last_year: int) -> dict | None:
    """SSB's projection against what was registered: ``mape``, ``error_last``, ``pct_error_last`` (None if no overlap).

    Only years after the projection's first year and up to ``last_year`` count, as for the backtest.
    """
    if official.empty:
        return None
    first = int(official["year"].min())
    compared = official.merge(totals[["year", "total"]], on="year")
    compared = compared[(compared["year"] > first) & (compared["year"] <= last_year)]
    if compared.empty:
        return None
    pct = (compared["population"] - compared["total"]) / compared["total"]
    last = compared[compared["year"] == compared["year"].max()].iloc[0]
    return {
        "mape": float(pct.abs().mean()),
        "error_last": float(last["population"] - last["total"]),
        "pct_error_last": float((last["population"] - last["total"]) / last["total"]),
        "last_year": int(last["year"]),
    }


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


def main_alternative(rows: pd.DataFrame) -> pd.DataFrame:
    """The main alternative (MMMM, «Hovedalternativet») of projection rows, per vintage; all rows if none is marked."""
    if rows.empty:
        return rows
    main = rows["alternative"].astype(str).str.contains("MMM|Hoved|main|likely", case=False, regex=True)
    keep = main | ~main.groupby(rows["vintage"]).transform("any")
    return rows[keep]


def official_projection(projections: pd.DataFrame, region: str) -> pd.DataFrame:
    """SSB's published projection rows for ``region`` (main alternative); may be empty."""
    sub = projections[projections["region"] == str(region)].copy()
    if sub.empty:
        return sub
    return main_alternative(sub).sort_values(["vintage", "year"]).reset_index(drop=True)


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
