"""Who moves: net migration by age and sex with the residual (forward-survival) method.

SSB does not publish yearly moves by single age for a municipality in our
snapshot, but it does publish the population on 1 January by sex and age. Net
migration can then be estimated as what is left over:

    net migrants aged x+1 in year t = P(x+1, 1.1.t+1) − S(x) · P(x, 1.1.t)

where ``S(x)`` is the national probability of surviving the year (a life-table
ratio from national death rates m(x), see :mod:`analysis.population.projection`). The
survivors of those aged 104 and 105+ are compared with 105+ a year later.

Babies born during the year are counted in the age-0 cohort on 1 January
t+1; we cannot tell births from babies who moved in, so net migration at
age 0 is set to 0 and ``P(0, 1.1.t+1) / L(0)`` is taken as the year's births. Comparing these births
with what national fertility rates would give for the municipality's women
yields a local fertility factor (:func:`fertility_factor`) that the
projection uses.

The estimate includes everything the national death rates do not explain:
random variation in deaths in a small municipality and register corrections
end up as "migration". Sums over age bands and five-year periods are
therefore more reliable than single ages and years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.population.cohort import (
    N_AGES,
    SEXES,
    births,
    fertility_array,
    mortality_rates,
    population_array,
    survival_ratios,
    survive,
)
from analysis.population.text import period_label, short_band_label

DEFAULT_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 9),
    (10, 19),
    (20, 29),
    (30, 39),
    (40, 49),
    (50, 66),
    (67, None),
)


@dataclass(frozen=True)
class Residuals:
    """Residual estimates for consecutive years of one region (or many: leading axes kept).

    ``years[i]`` is the year the period ends (1 January ``years[i]``; the
    period is 1.1.``years[i]-1`` → 1.1.``years[i]``). ``net[i]`` has shape
    ``(..., 2, 106)`` by age on 1 January ``years[i]``. ``births`` are births
    implied by the age-0 cohort, ``expected_births`` what national fertility
    gives for the region's women.
    """

    years: tuple[int, ...]
    net: np.ndarray
    births: np.ndarray
    expected_births: np.ndarray


def residual_arrays(
    P: np.ndarray,
    years: Sequence[int],
    mortality: pd.DataFrame,
    fertility: pd.DataFrame,
    mortality_factor: float | np.ndarray = 1.0,
) -> Residuals:
    """Residual net migration from population arrays ``P`` (``(len(years), ..., 2, 106)``).

    Only pairs of consecutive calendar years are used. National rates of the
    year the period starts (held at the last data year afterwards), death rates multiplied by
    ``mortality_factor`` (a local standardised mortality ratio; one per region, shape ``(...)``).
    """
    years = [int(y) for y in years]
    if len(years) != len(P):
        raise ValueError("years and P must have the same length")
    out_years, nets, bs, ebs = [], [], [], []
    for i in range(len(years) - 1):
        if years[i + 1] != years[i] + 1:
            continue
        mx, _ = mortality_rates(mortality, years[i])
        factor = np.asarray(mortality_factor, dtype=float)
        S, Sb = survival_ratios(mx * factor[..., None, None] if factor.ndim else mx * float(factor))
        fx, _ = fertility_array(fertility, years[i])
        now, nxt = P[i], P[i + 1]
        expected = survive(now, S)
        net = nxt - expected
        b_obs = nxt[..., 0, 0] / Sb[..., 0] + nxt[..., 1, 0] / Sb[..., 1]
        net[..., 0] = 0.0
        out_years.append(years[i + 1])
        nets.append(net)
        bs.append(b_obs)
        ebs.append(births(now, nxt, fx))
    if not out_years:
        raise AnalysisError("need population on 1 January for at least two consecutive years")
    return Residuals(tuple(out_years), np.asarray(nets), np.asarray(bs), np.asarray(ebs))


def fertility_factor(res: Residuals, index: Sequence[int] | None = None) -> float:
    """Observed births (from the age-0 cohort) / births expected from national fertility.

    ``index`` selects periods (default all). Returns 1.0 when no births were
    expected (no women of childbearing age).
    """
    sel = list(range(len(res.years))) if index is None else list(index)
    exp = float(np.sum(res.expected_births[sel]))
    return float(np.sum(res.births[sel])) / exp if exp > 0 else 1.0


def residual_migration(
    pop: pd.DataFrame,
    region: str,
    mortality: pd.DataFrame,
    fertility: pd.DataFrame,
) -> pd.DataFrame:
    """Net migration by year, sex and single age for one region (long frame).

    Columns ``year`` (period ends 1 January of this year), ``sex``, ``age``
    (age at the end of the period), ``net`` (persons; positive = net
    in-migration). Does not mutate ``pop``.
    """

    years = sorted(int(y) for y in pop.loc[pop["region"] == str(region), "year"].unique())
    if len(years) < 2:
        raise AnalysisError(f"region {region}: need at least two years of population data")
    P = population_array(pop, [str(region)], years)[:, 0]
    res = residual_arrays(P, years, mortality, fertility)
    y, s, a = np.meshgrid(np.asarray(res.years), np.arange(2), np.arange(N_AGES), indexing="ij")
    return pd.DataFrame(
        {
            "year": y.ravel().astype("int64"),
            "sex": pd.Categorical.from_codes(s.ravel(), categories=list(SEXES)),
            "age": a.ravel().astype("int64"),
            "net": res.net.reshape(-1),
        }
    )


def net_by_period(
    mig: pd.DataFrame,
    bands: Sequence[tuple[int, int | None]] = DEFAULT_BANDS,
    period_length: int = 5,
) -> pd.DataFrame:
    """Net movers per age band, sex and period of ``period_length`` years, counted back from the last year.

    ``mig`` is :func:`residual_migration` output. Periods are labelled by the
    calendar years in which the moves happened (a period ending 1.1.2026 is
    "2021–2025"); an incomplete oldest period is dropped. Columns:
    ``period, first_year, last_year, sex, band, lo, net`` (sum over the period).
    """

    if mig.empty:
        return pd.DataFrame(columns=["period", "first_year", "last_year", "sex", "band", "lo", "net"])
    end_years = np.sort(mig["year"].unique())
    last = int(end_years[-1])
    n_periods = len(end_years) // period_length
    # numpy masks over the whole frame (the sums are those of pandas: NaN skipped, the same rows in the same
    # order, the same pairwise summation); a pandas filter per period, sex and band took 40 ms per report
    year = mig["year"].to_numpy()
    sex_of = mig["sex"].astype(str).to_numpy()
    age = mig["age"].to_numpy()
    net = mig["net"].to_numpy(dtype="float64")
    rows = []
    for k in range(n_periods):
        hi_end = last - k * period_length
        lo_end = hi_end - period_length + 1
        in_period = (year >= lo_end) & (year <= hi_end)
        first_year, last_year = lo_end - 1, hi_end - 1
        for sex in SEXES:
            in_sex = in_period & (sex_of == sex)
            for lo, hi in bands:
                m = in_sex & (age >= lo)
                if hi is not None:
                    m &= age <= hi
                rows.append(
                    {
                        "period": period_label(first_year, last_year),
                        "first_year": first_year,
                        "last_year": last_year,
                        "sex": sex,
                        "band": short_band_label(lo, hi),
                        "lo": lo,
                        "net": float(np.nansum(net[m])),
                    }
                )
    out = pd.DataFrame(rows, columns=["period", "first_year", "last_year", "sex", "band", "lo", "net"])
    return out.sort_values(["first_year", "sex", "lo"]).reset_index(drop=True)


def yearly_net(mig: pd.DataFrame) -> pd.DataFrame:
    """Total residual net migration per period end year and sex: ``year, female, male, total``."""
    wide = mig.groupby(["year", "sex"], observed=True)["net"].sum().unstack("sex")
    wide.columns = [str(c) for c in wide.columns]
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index()


def check_against_published(mig: pd.DataFrame, components: pd.DataFrame, region: str) -> pd.DataFrame:
    """Residual net migration next to SSB's published net migration, for the years SSB's figures cover.

    ``components`` is :func:`analysis.population.snapshot.read_components`. Returns ``year, published, residual,
    difference`` (``year`` = the calendar year of the moves); empty when nothing matches.
    """

    pub = components[(components["region"] == str(region)) & components["net_migration"].notna()]
    if pub.empty or mig.empty:
        return pd.DataFrame(columns=["year", "published", "residual", "difference"])
    yearly = yearly_net(mig).assign(year=lambda f: f["year"] - 1).set_index("year")["total"]
    rows = [
        {
            "year": int(r.year),
            "published": float(r.net_migration),
            "residual": float(yearly[r.year]),
            "difference": float(yearly[r.year] - r.net_migration),
        }
        for r in pub.itertuples()
        if r.year in yearly.index
    ]
    return pd.DataFrame(rows, columns=["year", "published", "residual", "difference"])


def yearly_components(totals: pd.DataFrame, mig: pd.DataFrame, components: pd.DataFrame, region: str) -> pd.DataFrame:
    """Why the population changed each year: natural increase and net migration, registered where SSB has them.

    ``totals`` is :func:`analysis.population.indicators.totals` (1 January), ``mig`` the residual
    estimate, ``components`` :func:`analysis.population.snapshot.read_components`. One row per year of
    events (``year`` = from 1 January ``year`` to 1 January ``year + 1``): ``change``, ``natural``,
    ``net_migration``, ``births``, ``deaths`` (registered only) and ``registered`` -- True when both
    parts are SSB's registered figures (table 06913), False when they are estimated (net migration by the
    residual method, natural increase as the rest of the change).
    """
    tot = totals.set_index("year")["total"].astype(float)
    change = tot.shift(-1) - tot
    change = change.dropna()
    est = yearly_net(mig).assign(year=lambda f: f["year"] - 1).set_index("year")["total"] if not mig.empty else None
    reg = components[components["region"] == str(region)].set_index("year")
    rows = []
    for year, delta in change.items():
        year = int(year)
        r = reg.loc[year] if year in reg.index else None
        natural = r["natural_increase"] if r is not None else np.nan
        if r is not None and pd.isna(natural) and pd.notna(r["births"]) and pd.notna(r["deaths"]):
            natural = r["births"] - r["deaths"]
        net = r["net_migration"] if r is not None else np.nan
        registered = bool(pd.notna(natural) and pd.notna(net))
        if not registered:
            net = float(est[year + 0]) if est is not None and year in est.index else np.nan
            natural = delta - net if pd.notna(net) else np.nan
        rows.append(
            {
                "year": year,
                "change": float(delta),
                "natural": float(natural),
                "net_migration": float(net),
                "births": float(r["births"]) if r is not None and pd.notna(r["births"]) else np.nan,
                "deaths": float(r["deaths"]) if r is not None and pd.notna(r["deaths"]) else np.nan,
                "registered": registered,
            }
        )
    return pd.DataFrame(rows, columns=["year", "change", "natural", "net_migration", "births", "deaths", "registered"])


def whole_people(comp: pd.DataFrame) -> pd.DataFrame:
    """:func:`yearly_components` in whole persons, as the report shows them: the sentences, the chart and
    the table all add up the same rows, so a two-year sum in a sentence is the sum of the table's rows.

    An estimated year's net migration is rounded and its natural increase is the rest of that year's
    (whole) change, so each row still adds up: change = natural increase + net migration. The rounding is
    cumulative from the latest year back, so the estimated years of any stretch that ends in the latest
    year add up to that stretch's rounded sum (the five years of the headline are the five years of the
    migration section, «2021–2025»), and no year moves by a whole person or more. Registered figures are
    SSB's whole numbers and are kept as they are.

    >>> comp = pd.DataFrame({"year": [2024, 2025], "change": [-2.0, 13.0], "natural": [-1.6, -1.4],
    ...                      "net_migration": [-0.4, 14.4], "registered": [False, False]})
    >>> whole_people(comp)[["change", "natural", "net_migration"]].to_dict("list")
    {'change': [-2.0, 13.0], 'natural': [-2.0, -1.0], 'net_migration': [0.0, 14.0]}
    """
    out = comp.copy()
    estimated = (~out["registered"].astype(bool) & out["net_migration"].notna()).to_numpy()
    net = out["net_migration"].to_numpy(dtype="float64").copy()
    natural = out["natural"].to_numpy(dtype="float64").copy()
    change = out["change"].to_numpy(dtype="float64")
    exact = whole = 0.0
    for i in sorted(np.flatnonzero(estimated), key=lambda i: -out["year"].iloc[i]):
        exact += net[i]
        net[i] = round(exact) - whole + 0.0  # no «−0»
        whole += net[i]
        natural[i] = round(change[i]) - net[i] + 0.0
    out["net_migration"], out["natural"] = net, natural
    return out


def whole_periods(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`net_by_period` in whole persons whose sums are kept: each period's total is its rounded total,
    the women's the rounded women's, and within each sex the bands are rounded by largest remainder to add up
    to that. The table, the chart and the sentence under «Hvem flytter inn og ut?» then show the same figures
    («80 inn, 41 av dem kvinner» above columns adding up to 80 and 41), where rounding each band on its own
    could drift by a few persons. Each band moves by less than one person.

    >>> t = pd.DataFrame({"period": ["p"] * 4, "sex": ["female"] * 2 + ["male"] * 2, "net": [1.3, 1.3, 1.3, 1.3]})
    >>> whole_periods(t)["net"].tolist()  # 5.2 in all, 2.6 of them women
    [2.0, 1.0, 1.0, 1.0]
    """
    out = table.copy()
    if out.empty:
        return out
    net = out["net"].to_numpy(dtype="float64").copy()
    for _period, rows in out.groupby("period", sort=False, observed=True).indices.items():
        done_exact = done_whole = 0.0  # cumulative rounding over the sexes keeps the period's rounded total
        for sex in SEXES:
            idx = rows[(out["sex"].to_numpy()[rows] == sex) & ~np.isnan(net[rows])]
            if not len(idx):
                continue
            values = net[idx]
            done_exact += values.sum()
            target = round(done_exact) - done_whole
            done_whole += target
            floor = np.floor(values)
            extra = int(target - floor.sum())
            order = np.argsort(-(values - floor), kind="stable")
            if extra >= 0:
                floor[order[:extra]] += 1
            else:  # the cumulative target is one below the sum of floors: take one from the smallest remainder
                floor[order[extra:]] -= 1
            net[idx] = floor + 0.0
    out["net"] = net
    return out
