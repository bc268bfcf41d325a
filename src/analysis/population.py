"""Population indicators for the council's goals, for any municipality in an SSB snapshot.

All functions take the long population table of :func:`analysis.ssb.read_population`
(``region, year, sex, age, population``; 1 January; age 105 = 105+) and a
region code, and return new frames (inputs are never mutated):

* :func:`totals` – total population and by sex, per year;
* :func:`women_per_100_men` – SSB's measure of the rural women deficit (20–39 by default);
* :func:`age_bands` – people in age bands (0–19 and 20–39 by default; configurable);
* :func:`median_age` – median age (ages treated as one-year intervals, interpolated);
* :func:`old_age_dependency` – people 67+ per 100 aged 20–66;
* :func:`indicators` – all of the above in one table per year;
* :func:`pyramid` – persons by age band and sex in one year;
* :func:`index_series` – population index (base year = 100) for several regions.

The ``plot_*`` functions return matplotlib figures in the project style
(:mod:`analysis.plotting`), with Norwegian titles and labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

from analysis.errors import AnalysisError

#: Default comparison regions for the Innlandet pilot (code -> role). Engerdal is 3425.
PILOTS = {"3425": "Engerdal", "3424": "Rendalen", "3417": "Grue", "3449": "Sør-Aurdal"}
NEIGHBOURS = {"3421": "Trysil", "3423": "Stor-Elvdal", "3426": "Tolga", "3430": "Os"}
DEFAULT_PEERS = ["3424", "3417", "3449", "3421", "3423", "3426", "3430", "34", "0"]
YOUNG_BANDS: tuple[tuple[int, int], ...] = ((0, 19), (20, 39))

SEX_LABELS = {"female": "Kvinner", "male": "Menn"}


def _region(pop: "pd.DataFrame", region: str) -> "pd.DataFrame":
    region = str(region)
    sub = pop[pop["region"] == region]
    if sub.empty:
        raise AnalysisError(
            f"region {region} is not in the population data; check the kommunenummer "
            "(4 digits, e.g. 3425 for Engerdal; 2024 borders)"
        )
    return sub


def age_sex_matrix(pop: "pd.DataFrame", region: str) -> "pd.DataFrame":
    """Persons by year (rows) and (sex, age) (columns) for one region; missing cells are 0."""
    sub = _region(pop, region)
    wide = sub.pivot_table(index="year", columns=["sex", "age"], values="population", aggfunc="sum",
                           fill_value=0, observed=True)
    return wide.sort_index(axis=0).sort_index(axis=1)


def totals(pop: "pd.DataFrame", region: str) -> "pd.DataFrame":
    """Population on 1 January per year: columns ``year, female, male, total``.

    >>> import pandas as pd
    >>> p = pd.DataFrame({"region": "1", "year": [2020, 2020], "sex": ["female", "male"],
    ...                   "age": [30, 31], "population": [3, 4]})
    >>> totals(p, "1").to_dict("records")
    [{'year': 2020, 'female': 3, 'male': 4, 'total': 7}]
    """
    sub = _region(pop, region)
    wide = sub.groupby(["year", "sex"], observed=True)["population"].sum().unstack("sex", fill_value=0)
    for sex in ("female", "male"):
        if sex not in wide.columns:
            wide[sex] = 0
    out = wide[["female", "male"]].copy()
    out.columns = ["female", "male"]
    out["total"] = out["female"] + out["male"]
    out = out.reset_index()
    out.columns.name = None
    return out.astype({"year": "int64", "female": "int64", "male": "int64", "total": "int64"})


def _band_sum(sub: "pd.DataFrame", lo: int, hi: int | None, sex: str | None = None) -> "pd.Series":
    mask = sub["age"] >= lo
    if hi is not None:
        mask &= sub["age"] <= hi
    if sex is not None:
        mask &= sub["sex"] == sex
    years = sorted(sub["year"].unique())
    return sub[mask].groupby("year")["population"].sum().reindex(years, fill_value=0)


def band_label(lo: int, hi: int | None) -> str:
    """``(20, 39)`` → ``"20–39 år"``; ``(67, None)`` → ``"67 år og eldre"``."""
    return f"{lo} år og eldre" if hi is None else f"{lo}–{hi} år"


def women_per_100_men(pop: "pd.DataFrame", region: str, ages: tuple[int, int] = (20, 39)) -> "pd.Series":
    """Women per 100 men in the age band (SSB's measure of the women deficit), per year."""
    sub = _region(pop, region)
    women = _band_sum(sub, ages[0], ages[1], "female")
    men = _band_sum(sub, ages[0], ages[1], "male")
    out = (100 * women / men.where(men > 0)).astype("float64")
    out.name = "women_per_100_men"
    return out


def age_bands(
    pop: "pd.DataFrame", region: str, bands: Sequence[tuple[int, int | None]] = YOUNG_BANDS
) -> "pd.DataFrame":
    """Persons per year in each age band (``hi=None`` means "and older"); columns are band labels."""
    import pandas as pd

    sub = _region(pop, region)
    return pd.DataFrame({band_label(lo, hi): _band_sum(sub, lo, hi) for lo, hi in bands})


def median_age(pop: "pd.DataFrame", region: str) -> "pd.Series":
    """Median age per year, ages treated as one-year intervals ``[x, x+1)`` and interpolated.

    >>> import pandas as pd
    >>> p = pd.DataFrame({"region": "1", "year": 2020, "sex": "female", "age": [10, 20], "population": [1, 1]})
    >>> float(median_age(p, "1").iloc[0])
    11.0
    """
    import numpy as np
    import pandas as pd

    wide = _region(pop, region).groupby(["year", "age"])["population"].sum().unstack("age", fill_value=0)
    ages = wide.columns.to_numpy(dtype=float)
    counts = wide.to_numpy(dtype=float)
    cum = np.cumsum(counts, axis=1)
    half = cum[:, -1:] / 2
    idx = (cum < half).sum(axis=1)  # first age where the cumulative count reaches half
    idx = np.minimum(idx, counts.shape[1] - 1)
    rows = np.arange(len(counts))
    before = np.where(idx > 0, cum[rows, np.maximum(idx - 1, 0)], 0.0)
    n = counts[rows, idx]
    frac = np.divide(half[:, 0] - before, n, out=np.zeros_like(n), where=n > 0)
    out = pd.Series(ages[idx] + frac, index=wide.index, name="median_age")
    return out


def old_age_dependency(pop: "pd.DataFrame", region: str, old: int = 67, working: tuple[int, int] = (20, 66)) -> "pd.Series":
    """People aged ``old``+ per 100 aged ``working`` (67+ per 100 aged 20–66), per year."""
    sub = _region(pop, region)
    num = _band_sum(sub, old, None)
    den = _band_sum(sub, working[0], working[1])
    out = (100 * num / den.where(den > 0)).astype("float64")
    out.name = "old_age_dependency"
    return out


def indicators(
    pop: "pd.DataFrame",
    region: str,
    bands: Sequence[tuple[int, int | None]] = YOUNG_BANDS,
    women_ages: tuple[int, int] = (20, 39),
) -> "pd.DataFrame":
    """All goal indicators per year for one region.

    Columns: ``year, total, female, male, women_per_100_men`` (in ``women_ages``),
    one column per age band (``"0–19 år"``, ``"20–39 år"``), ``median_age``,
    ``old_age_dependency``.
    """
    tot = totals(pop, region).set_index("year")
    out = tot[["total", "female", "male"]].copy()
    out["women_per_100_men"] = women_per_100_men(pop, region, women_ages)
    for col, series in age_bands(pop, region, bands).items():
        out[col] = series
    out["median_age"] = median_age(pop, region)
    out["old_age_dependency"] = old_age_dependency(pop, region)
    return out.reset_index()


def pyramid(pop: "pd.DataFrame", region: str, year: int, band_width: int = 5, top: int = 90) -> "pd.DataFrame":
    """Persons by age band and sex in ``year``: columns ``age_band, lo, female, male``.

    Bands are ``band_width`` years wide, the last one ``top``+ (small
    municipalities are too noisy for single years).
    """
    import numpy as np
    import pandas as pd

    sub = _region(pop, region)
    sub = sub[sub["year"] == int(year)]
    if sub.empty:
        raise AnalysisError(f"no population for region {region} in {year}")
    lo = np.minimum(sub["age"].to_numpy() // band_width * band_width, top)
    frame = pd.DataFrame({"lo": lo, "sex": sub["sex"].astype(str).to_numpy(), "n": sub["population"].to_numpy()})
    wide = frame.groupby(["lo", "sex"])["n"].sum().unstack("sex", fill_value=0)
    wide = wide.reindex(range(0, top + 1, band_width), fill_value=0)
    for sex in ("female", "male"):
        if sex not in wide.columns:
            wide[sex] = 0
    out = wide[["female", "male"]].reset_index().rename(columns={"index": "lo"})
    out.columns.name = None
    out.insert(0, "age_band", [f"{a}+" if a >= top else f"{a}–{a + band_width - 1}" for a in out["lo"]])
    return out


def index_series(pop: "pd.DataFrame", regions: Iterable[str], base_year: int | None = None) -> "pd.DataFrame":
    """Total population indexed to ``base_year`` = 100 (default: first year all regions have).

    Returns a frame with ``year`` as index and one column per region code;
    regions not in the data are skipped.
    """
    regions = [str(r) for r in regions]
    sub = pop[pop["region"].isin(regions)]
    wide = sub.groupby(["year", "region"])["population"].sum().unstack("region")
    wide = wide[[r for r in regions if r in wide.columns]].dropna()
    if wide.empty:
        raise AnalysisError("none of the regions is in the population data")
    if base_year is None:
        base_year = int(wide.index.min())
    if base_year not in wide.index:
        raise AnalysisError(f"base year {base_year} is not in the population data")
    return 100 * wide / wide.loc[base_year]


# --------------------------------------------------------------------------- figures


def plot_totals(tot: "pd.DataFrame", name: str, target: float | None = None,
                target_year: int | None = None) -> "Figure":
    """Line chart of total population with women and men, optionally marking a target."""
    from analysis import plotting

    fig, (ax1, ax2) = plotting.new_figure(9, 6.5, nrows=2, sharex=True, height_ratios=[3, 2])
    ax1.plot(tot["year"], tot["total"], color=plotting.OKABE_ITO["black"], marker="o", ms=3, label="I alt")
    if target is not None:
        ax1.axhline(target, color=plotting.HIGHLIGHT, linestyle="--", linewidth=1.5,
                    label=f"Mål: {plotting_fmt(target)}" + (f" i {target_year}" if target_year else ""))
    first, last = tot.iloc[0], tot.iloc[-1]
    for row in (first, last):
        ax1.annotate(plotting_fmt(row["total"]), (row["year"], row["total"]), textcoords="offset points",
                     xytext=(0, 8), ha="center", fontsize=10)
    change = int(last["total"] - first["total"])
    direction = "falt" if change < 0 else "økt"
    ax1.set_title(wrap_title(f"{name}: folketallet har {direction} fra {plotting_fmt(first['total'])} "
                  f"({int(first['year'])}) til {plotting_fmt(last['total'])} ({int(last['year'])})"))
    ax1.set_ylabel("Innbyggere 1. januar")
    plotting.norwegian_axis(ax1.yaxis)
    ax1.legend(loc="best")
    ax2.plot(tot["year"], tot["female"], color=plotting.FEMALE, marker="s", ms=3, label="Kvinner")
    ax2.plot(tot["year"], tot["male"], color=plotting.MALE, marker="^", ms=3, linestyle="--", label="Menn")
    ax2.set_ylabel("Innbyggere")
    ax2.set_xlabel("År (1. januar)")
    plotting.norwegian_axis(ax2.yaxis)
    ax2.legend(loc="best")
    return fig


def wrap_title(text: str, width: int = 72) -> str:
    """Wrap a long chart title over at most two lines."""
    from analysis.plotting import wrap_label

    return wrap_label(text, width=width, max_lines=2)


def plotting_fmt(x: float) -> str:
    from analysis.numfmt import fmt_int

    return fmt_int(x)


def plot_index(index: "pd.DataFrame", labels: Mapping[str, str], focus: str, title: str) -> "Figure":
    """Index lines (base year = 100); the focus region bold and black, others thinner."""
    from analysis import plotting

    fig, ax = plotting.new_figure(9, 5.5)
    styles = ["-", "--", ":", "-."]
    colours = [c for c in plotting.PALETTE if c != plotting.OKABE_ITO["black"]]
    others = [c for c in index.columns if c != focus]
    k = 0
    for col in others:
        if col == "0":  # Norway: grey, solid
            kw = {"color": plotting.NEUTRAL, "linestyle": "-", "linewidth": 2.2}
        elif len(col) == 2:  # a county: grey, dashed
            kw = {"color": plotting.NEUTRAL, "linestyle": "--", "linewidth": 2.2}
        else:
            kw = {"color": colours[k % len(colours)], "linestyle": styles[k % len(styles)], "linewidth": 1.3}
            k += 1
        ax.plot(index.index, index[col], label=labels.get(col, col), **kw)
    if focus in index.columns:
        ax.plot(index.index, index[focus], color=plotting.OKABE_ITO["black"], linewidth=3,
                label=labels.get(focus, focus), marker="o", ms=3)
    ax.axhline(100, color=plotting.NEUTRAL, linewidth=0.8)
    ax.set_title(wrap_title(title))
    ax.set_ylabel(f"Indeks ({int(index.index.min())} = 100)")
    ax.set_xlabel("År (1. januar)")
    plotting.norwegian_axis(ax.yaxis)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9)
    return fig


def plot_pyramid(now: "pd.DataFrame", before: "pd.DataFrame", year_now: int, year_before: int, title: str) -> "Figure":
    """Age pyramid: bars for ``now`` (women right, men left), outline for ``before``."""
    import numpy as np

    from analysis import plotting

    fig, ax = plotting.new_figure(9, 6.5)
    y = np.arange(len(now))
    ax.barh(y, -now["male"], color=plotting.MALE, alpha=0.85, label=f"Menn {year_now}")
    ax.barh(y, now["female"], color=plotting.FEMALE, alpha=0.85, label=f"Kvinner {year_now}")
    ax.step(-before["male"].to_numpy(), y, where="mid", color="black", linewidth=1.5, linestyle="--",
            label=f"{year_before} (strek)")
    ax.step(before["female"].to_numpy(), y, where="mid", color="black", linewidth=1.5, linestyle="--")
    ax.set_yticks(y, now["age_band"])
    lim = max(now[["female", "male"]].to_numpy().max(), before[["female", "male"]].to_numpy().max()) * 1.1
    ax.set_xlim(-lim, lim)
    from matplotlib.ticker import FuncFormatter

    from analysis.numfmt import fmt_int

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_int(abs(v))))
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Personer (menn til venstre, kvinner til høyre)")
    ax.set_ylabel("Alder")
    ax.set_title(wrap_title(title))
    ax.legend(loc="upper right", fontsize=9)
    return fig


def plot_lines(frame: "pd.DataFrame", columns: Mapping[str, str], title: str, ylabel: str,
               reference: float | None = None, reference_label: str | None = None, decimals: int = 0) -> "Figure":
    """Simple line chart of several columns of ``frame`` (indexed by year); ``columns`` maps column → label."""
    from analysis import plotting

    fig, ax = plotting.new_figure(9, 4.8)
    markers = ["o", "s", "^", "D"]
    styles = ["-", "--", ":", "-."]
    for i, (col, label) in enumerate(columns.items()):
        ax.plot(frame.index, frame[col], marker=markers[i % 4], ms=3, linestyle=styles[i % 4],
                color=plotting.PALETTE[i % len(plotting.PALETTE)], label=label)
    if reference is not None:
        ax.axhline(reference, color=plotting.NEUTRAL, linestyle="--", linewidth=1, label=reference_label)
    ax.set_title(wrap_title(title))
    ax.set_ylabel(ylabel)
    ax.set_xlabel("År (1. januar)")
    if decimals == 0:
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    plotting.norwegian_axis(ax.yaxis, decimals=decimals)
    ax.legend(loc="best")
    return fig


def change_sentence(tot: "pd.DataFrame", name: str) -> str:
    """A Norwegian sentence on the change in total population, first year → last year and the last 10 years."""
    from analysis.numfmt import fmt_int, fmt_pct

    t = tot.set_index("year")["total"]
    first, last = int(t.index.min()), int(t.index.max())
    parts = [f"{name} hadde {fmt_int(t[last])} innbyggere 1. januar {last}, mot {fmt_int(t[first])} i {first} "
             f"({fmt_int(t[last] - t[first], signed=True)}, {fmt_pct((t[last] - t[first]) / t[first])})."]
    ten = last - 10
    if ten in t.index and ten != first:
        parts.append(f"De siste ti årene er endringen {fmt_int(t[last] - t[ten], signed=True)} personer.")
    lo_year = int(t.idxmin())
    if lo_year not in (first, last):
        parts.append(f"Det laveste folketallet var {fmt_int(t[lo_year])} i {lo_year}.")
    return " ".join(parts)


def frame_from_series(series: Mapping[str, "pd.Series"]) -> "pd.DataFrame":
    """Columns from a mapping of region code → yearly series (years as index, sorted)."""
    import pandas as pd

    return pd.DataFrame(dict(series)).sort_index()
