"""Who moves: net migration by age and sex with the residual (forward-survival) method.

SSB does not publish yearly moves by single age for a municipality in our
snapshot, but it does publish the population on 1 January by sex and age. Net
migration can then be estimated as what is left over:

    net migrants aged x+1 in year t = P(x+1, 1.1.t+1) − S(x) · P(x, 1.1.t)

where ``S(x)`` is the national probability of surviving the year (a life-table
ratio from national death rates m(x), see :mod:`analysis.projection`). The
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
from typing import TYPE_CHECKING

import numpy as np

from analysis.errors import AnalysisError
from analysis.projection import N_AGES, SEXES, births, mortality_rates, fertility_array, survival_ratios, survive

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

DEFAULT_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, 66), (67, None),
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
    mortality: "pd.DataFrame",
    fertility: "pd.DataFrame",
) -> Residuals:
    """Residual net migration from population arrays ``P`` (``(len(years), ..., 2, 106)``).

    Only pairs of consecutive calendar years are used. National rates of the
    year the period starts (held at the last data year afterwards).
    """
    years = [int(y) for y in years]
    if len(years) != len(P):
        raise ValueError("years and P must have the same length")
    out_years, nets, bs, ebs = [], [], [], []
    for i in range(len(years) - 1):
        if years[i + 1] != years[i] + 1:
            continue
        mx, _ = mortality_rates(mortality, years[i])
        S, Sb = survival_ratios(mx)
        fx, _ = fertility_array(fertility, years[i])
        now, nxt = P[i], P[i + 1]
        expected = survive(now, S)
        net = nxt - expected
        b_obs = nxt[..., 0, 0] / Sb[0] + nxt[..., 1, 0] / Sb[1]
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
    pop: "pd.DataFrame",
    region: str,
    mortality: "pd.DataFrame",
    fertility: "pd.DataFrame",
) -> "pd.DataFrame":
    """Net migration by year, sex and single age for one region (long frame).

    Columns ``year`` (period ends 1 January of this year), ``sex``, ``age``
    (age at the end of the period), ``net`` (persons; positive = net
    in-migration). Does not mutate ``pop``.
    """
    import pandas as pd

    from analysis.projection import population_array

    years = sorted(int(y) for y in pop.loc[pop["region"] == str(region), "year"].unique())
    if len(years) < 2:
        raise AnalysisError(f"region {region}: need at least two years of population data")
    P = population_array(pop, [str(region)], years)[:, 0]
    res = residual_arrays(P, years, mortality, fertility)
    y, s, a = np.meshgrid(np.asarray(res.years), np.arange(2), np.arange(N_AGES), indexing="ij")
    return pd.DataFrame({
        "year": y.ravel().astype("int64"),
        "sex": pd.Categorical.from_codes(s.ravel(), categories=list(SEXES)),
        "age": a.ravel().astype("int64"),
        "net": res.net.reshape(-1),
    })


def band_label(lo: int, hi: int | None) -> str:
    return f"{lo}+ år" if hi is None else f"{lo}–{hi} år"


def period_label(first: int, last: int) -> str:
    """Period of moves from 1.1.``first`` to 1.1.``last``+1, e.g. ``"2021–2025"``."""
    return f"{first}–{last}"


def net_by_period(
    mig: "pd.DataFrame",
    bands: Sequence[tuple[int, int | None]] = DEFAULT_BANDS,
    period_length: int = 5,
) -> "pd.DataFrame":
    """Net movers per age band, sex and period of ``period_length`` years, counted back from the last year.

    ``mig`` is :func:`residual_migration` output. Periods are labelled by the
    calendar years in which the moves happened (a period ending 1.1.2026 is
    "2021–2025"); an incomplete oldest period is dropped. Columns:
    ``period, first_year, last_year, sex, band, lo, net`` (sum over the period).
    """
    import pandas as pd

    if mig.empty:
        return pd.DataFrame(columns=["period", "first_year", "last_year", "sex", "band", "lo", "net"])
    end_years = np.sort(mig["year"].unique())
    last = int(end_years[-1])
    n_periods = len(end_years) // period_length
    rows = []
    for k in range(n_periods):
        hi_end = last - k * period_length
        lo_end = hi_end - period_length + 1
        sub = mig[(mig["year"] >= lo_end) & (mig["year"] <= hi_end)]
        first_year, last_year = lo_end - 1, hi_end - 1
        for sex in SEXES:
            ss = sub[sub["sex"].astype(str) == sex]
            for lo, hi in bands:
                m = ss["age"] >= lo
                if hi is not None:
                    m &= ss["age"] <= hi
                rows.append({"period": period_label(first_year, last_year), "first_year": first_year,
                             "last_year": last_year, "sex": sex, "band": band_label(lo, hi), "lo": lo,
                             "net": float(ss.loc[m, "net"].sum())})
    out = pd.DataFrame(rows)
    return out.sort_values(["first_year", "sex", "lo"]).reset_index(drop=True)


def yearly_net(mig: "pd.DataFrame") -> "pd.DataFrame":
    """Total residual net migration per period end year and sex: ``year, female, male, total``."""
    wide = mig.groupby(["year", "sex"], observed=True)["net"].sum().unstack("sex")
    wide.columns = [str(c) for c in wide.columns]
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index()


def plot_net_by_period(table: "pd.DataFrame", title: str) -> "Figure":
    """Small multiples: one panel per period, bars per age band, women and men side by side."""
    from analysis import plotting

    periods = list(dict.fromkeys(table["period"]))
    fig, axes = plotting.new_figure(9, 2.2 + 1.9 * len(periods), nrows=len(periods), ncols=1, sharex=True,
                                    squeeze=False)
    bands = list(dict.fromkeys(table.sort_values("lo")["band"]))
    x = np.arange(len(bands))
    lim = max(1.0, float(table["net"].abs().max()) * 1.15)
    for ax, period in zip(axes[:, 0], periods):
        sub = table[table["period"] == period]
        f = sub[sub["sex"] == "female"].set_index("band").reindex(bands)["net"].to_numpy()
        m = sub[sub["sex"] == "male"].set_index("band").reindex(bands)["net"].to_numpy()
        ax.bar(x - 0.2, f, width=0.4, color=plotting.FEMALE, label="Kvinner")
        ax.bar(x + 0.2, m, width=0.4, color=plotting.MALE, hatch="//", edgecolor="white", label="Menn")
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_ylim(-lim, lim)
        ax.set_ylabel(f"{period}\nnetto")
        plotting.norwegian_axis(ax.yaxis)
    from analysis.population import wrap_title

    axes[0, 0].set_title(wrap_title(title))
    axes[0, 0].legend(loc="upper right", ncols=2, fontsize=9)
    axes[-1, 0].set_xticks(x, bands)
    axes[-1, 0].set_xlabel("Alder ved slutten av perioden")
    return fig


def summary_sentence(table: "pd.DataFrame") -> str:
    """One Norwegian sentence on the latest period of :func:`net_by_period`: biggest net loss and gain."""
    from analysis.numfmt import fmt_int

    if table.empty:
        return "Det er for få år med data til å beregne flytting over femårsperioder."
    last = table[table["first_year"] == table["first_year"].max()]
    sex_word = {"female": "kvinner", "male": "menn"}
    lo_row = last.loc[last["net"].idxmin()]
    hi_row = last.loc[last["net"].idxmax()]
    total = last["net"].sum()
    women = last.loc[last["sex"] == "female", "net"].sum()
    parts = [f"I {lo_row['period']} var netto flytting samlet {fmt_int(total, signed=True)} personer "
             f"({fmt_int(women, signed=True)} kvinner)."]
    if lo_row["net"] < 0:
        parts.append(f"Størst netto tap: {sex_word[lo_row['sex']]} {lo_row['band']} ({fmt_int(lo_row['net'], signed=True)}).")
    if hi_row["net"] > 0:
        parts.append(f"Størst netto gevinst: {sex_word[hi_row['sex']]} {hi_row['band']} ({fmt_int(hi_row['net'], signed=True)}).")
    return " ".join(parts)


def check_against_published(mig: "pd.DataFrame", components: "pd.DataFrame", region: str) -> "pd.DataFrame":
    """Residual net migration next to SSB's published net migration, for the years SSB's figures cover.

    ``components`` is :func:`analysis.ssb.read_components`. Returns ``year, published, residual,
    difference`` (``year`` = the calendar year of the moves); empty when nothing matches.
    """
    import pandas as pd

    pub = components[(components["region"] == str(region)) & components["net_migration"].notna()]
    if pub.empty or mig.empty:
        return pd.DataFrame(columns=["year", "published", "residual", "difference"])
    yearly = yearly_net(mig).assign(year=lambda f: f["year"] - 1).set_index("year")["total"]
    rows = [{"year": int(r.year), "published": float(r.net_migration), "residual": float(yearly[r.year]),
             "difference": float(yearly[r.year] - r.net_migration)}
            for r in pub.itertuples() if r.year in yearly.index]
    return pd.DataFrame(rows, columns=["year", "published", "residual", "difference"])


def headline(table: "pd.DataFrame", name: str) -> str:
    """A chart title stating the finding of the latest period, e.g. "Engerdal mister flest kvinner 20–29 år"."""
    if table.empty:
        return f"{name}: netto flytting etter alder og kjønn"
    sex_word = {"female": "kvinner", "male": "menn"}
    first = table[table["first_year"] == table["first_year"].min()]
    last = table[table["first_year"] == table["first_year"].max()]
    lo = last.loc[last["net"].idxmin()]
    lo_first = first.loc[first["net"].idxmin()]
    if lo["net"] < 0:
        text = f"{name} mistet flest {sex_word[lo['sex']]} {lo['band']} ved flytting i {lo['period']}"
        if lo_first["period"] != lo["period"] and lo_first["band"] == lo["band"]:
            text += f", som i {lo_first['period']}"
        return text
    return f"{name} fikk netto tilflytting i alle grupper i {lo['period']}"
