"""Charts of the population report, in the project style (:mod:`analysis.report.style`).

Every function returns a matplotlib figure with a Norwegian title that states the finding
(passed in, built by :mod:`analysis.population.text`), labelled axes and Norwegian numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from analysis.numfmt import fmt_int
from analysis.report import style
from analysis.report.style import wrap_label


def plot_totals(tot: pd.DataFrame, name: str, target: float | None = None, target_year: int | None = None) -> Figure:
    """Line chart of total population with women and men, optionally marking a target."""

    fig, (ax1, ax2) = style.new_figure(9, 6.5, nrows=2, sharex=True, height_ratios=[3, 2])
    ax1.plot(tot["year"], tot["total"], color=style.OKABE_ITO["black"], marker="o", ms=3, label="I alt")
    if target is not None:
        ax1.axhline(
            target,
            color=style.HIGHLIGHT,
            linestyle="--",
            linewidth=1.5,
            label=f"Mål: {plotting_fmt(target)}" + (f" i {target_year}" if target_year else ""),
        )
    first, last = tot.iloc[0], tot.iloc[-1]
    for row in (first, last):
        ax1.annotate(
            plotting_fmt(row["total"]),
            (row["year"], row["total"]),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=10,
        )
    change = int(last["total"] - first["total"])
    direction = "falt" if change < 0 else "økt"
    style.chart_title(
        fig,
        f"{name}: folketallet har {direction} fra {plotting_fmt(first['total'])} "
        f"({int(first['year'])}) til {plotting_fmt(last['total'])} ({int(last['year'])})",
    )
    ax1.set_ylabel("Innbyggere 1. januar")
    style.norwegian_axis(ax1.yaxis)
    ax1.legend(loc="best")
    ax2.plot(tot["year"], tot["female"], color=style.FEMALE, marker="s", ms=3, label="Kvinner")
    ax2.plot(tot["year"], tot["male"], color=style.MALE, marker="^", ms=3, linestyle="--", label="Menn")
    ax2.set_ylabel("Innbyggere")
    ax2.set_xlabel("År (1. januar)")
    style.year_axis(ax2.xaxis)
    style.norwegian_axis(ax2.yaxis)
    ax2.legend(loc="best")
    return fig


def wrap_title(text: str, width: int = 72) -> str:
    """Wrap a long chart title over at most two lines."""

    return wrap_label(text, width=width, max_lines=2)


def plotting_fmt(x: float) -> str:

    return fmt_int(x)


def plot_index(index: pd.DataFrame, labels: Mapping[str, str], focus: str, title: str) -> Figure:
    """Index lines (base year = 100); the focus region bold and black, others thinner."""

    fig, ax = style.new_figure(9, 5.5)
    styles = ["-", "--", ":", "-."]
    colours = [c for c in style.PALETTE if c != style.OKABE_ITO["black"]]
    others = [c for c in index.columns if c != focus]
    k = 0
    for col in others:
        if col == "0":  # Norway: grey, solid
            kw = {"color": style.NEUTRAL, "linestyle": "-", "linewidth": 2.2}
        elif len(col) == 2:  # a county: grey, dashed
            kw = {"color": style.NEUTRAL, "linestyle": "--", "linewidth": 2.2}
        else:
            kw = {"color": colours[k % len(colours)], "linestyle": styles[k % len(styles)], "linewidth": 1.3}
            k += 1
        ax.plot(index.index, index[col], label=labels.get(col, col), **kw)
    if focus in index.columns:
        ax.plot(
            index.index,
            index[focus],
            color=style.OKABE_ITO["black"],
            linewidth=3,
            label=labels.get(focus, focus),
            marker="o",
            ms=3,
        )
    ax.axhline(100, color=style.NEUTRAL, linewidth=0.8)
    style.chart_title(fig, title)
    ax.set_ylabel(f"Indeks ({int(index.index.min())} = 100)")
    ax.set_xlabel("År (1. januar)")
    style.year_axis(ax.xaxis)
    style.norwegian_axis(ax.yaxis)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9)
    return fig


def plot_pyramid(now: pd.DataFrame, before: pd.DataFrame, year_now: int, year_before: int, title: str) -> Figure:
    """Age pyramid: bars for ``now`` (women right, men left), outline for ``before``."""

    fig, ax = style.new_figure(9, 6.5)
    y = np.arange(len(now))
    ax.barh(y, -now["male"], color=style.MALE, alpha=0.85, label=f"Menn {year_now}")
    ax.barh(y, now["female"], color=style.FEMALE, alpha=0.85, label=f"Kvinner {year_now}")
    ax.step(
        -before["male"].to_numpy(),
        y,
        where="mid",
        color="black",
        linewidth=1.5,
        linestyle="--",
        label=f"{year_before} (strek)",
    )
    ax.step(before["female"].to_numpy(), y, where="mid", color="black", linewidth=1.5, linestyle="--")
    ax.set_yticks(y, now["age_band"])
    lim = max(now[["female", "male"]].to_numpy().max(), before[["female", "male"]].to_numpy().max()) * 1.1
    ax.set_xlim(-lim, lim)

    ax.xaxis.set_major_formatter(style.NorwegianFormatter(absolute=True))
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Personer (menn til venstre, kvinner til høyre)")
    ax.set_ylabel("Alder")
    style.chart_title(fig, title)
    ax.legend(loc="upper right", fontsize=9)
    return fig


def plot_lines(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    title: str,
    ylabel: str,
    reference: float | None = None,
    reference_label: str | None = None,
    decimals: int = 0,
) -> Figure:
    """Simple line chart of several columns of ``frame`` (indexed by year); ``columns`` maps column → label."""

    fig, ax = style.new_figure(9, 4.8)
    markers = ["o", "s", "^", "D"]
    styles = ["-", "--", ":", "-."]
    for i, (col, label) in enumerate(columns.items()):
        ax.plot(
            frame.index,
            frame[col],
            marker=markers[i % 4],
            ms=3,
            linestyle=styles[i % 4],
            color=style.PALETTE[i % len(style.PALETTE)],
            label=label,
        )
    if reference is not None:
        ax.axhline(reference, color=style.NEUTRAL, linestyle="--", linewidth=1, label=reference_label)
    style.chart_title(fig, title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("År (1. januar)")
    style.year_axis(ax.xaxis)
    if decimals == 0:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    style.norwegian_axis(ax.yaxis, decimals=decimals)
    ax.legend(loc="best")
    return fig


def plot_net_by_period(table: pd.DataFrame, title: str) -> Figure:
    """Small multiples: one panel per period, bars per age band, women and men side by side."""

    periods = list(dict.fromkeys(table["period"]))
    fig, axes = style.new_figure(9, 2.2 + 1.9 * len(periods), nrows=len(periods), ncols=1, sharex=True, squeeze=False)
    bands = list(dict.fromkeys(table.sort_values("lo")["band"]))
    x = np.arange(len(bands))
    lim = max(1.0, float(table["net"].abs().max()) * 1.15)
    # one pass over the rows instead of a pandas filter per period and sex (15-20 ms per report); a band a period
    # lacks is NaN, as a reindex gives it, and a band given twice for one period and sex is an error, as there
    net = {}
    for key in zip(table["period"], table["sex"], table["band"], table["net"].to_numpy(dtype="float64")):
        if key[:3] in net:
            raise ValueError(f"net movers given twice for {key[0]}, {key[1]}, {key[2]}")
        net[key[:3]] = key[3]
    for ax, period in zip(axes[:, 0], periods):
        f = np.array([net.get((period, "female", band), np.nan) for band in bands])
        m = np.array([net.get((period, "male", band), np.nan) for band in bands])
        ax.bar(x - 0.2, f, width=0.4, color=style.FEMALE, label="Kvinner")
        ax.bar(x + 0.2, m, width=0.4, color=style.MALE, hatch="//", edgecolor="white", label="Menn")
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_ylim(-lim, lim)
        ax.set_ylabel(f"{period}\nnetto")
        style.norwegian_axis(ax.yaxis)

    style.chart_title(fig, title)
    axes[0, 0].legend(loc="upper right", ncols=2, fontsize=9)
    axes[-1, 0].set_xticks(x, bands)
    axes[-1, 0].set_xlabel("Alder ved slutten av perioden")
    return fig


def plot_components(comp: pd.DataFrame, title: str) -> Figure:
    """Bars per year: natural increase and net migration (SSB's registered figures solid, estimates
    hatched and lighter), and the change in population as a black dot."""
    fig, ax = style.new_figure(9, 4.2)
    x = comp["year"].to_numpy()
    reg = comp["registered"].to_numpy(dtype=bool)
    nat = comp["natural"].to_numpy(dtype=float)
    net = comp["net_migration"].to_numpy(dtype=float)
    for mask, alpha, hatch, suffix in ((reg, 1.0, None, " (registrert)"), (~reg, 0.55, "//", " (beregnet)")):
        if not mask.any():
            continue
        # stack each part on its own side of zero, so a negative part never hides a positive one
        pos_base = np.zeros(mask.sum())
        neg_base = np.zeros(mask.sum())
        for values, colour, label in ((nat[mask], style.OKABE_ITO["green"], "Fødselsoverskudd"),
                                      (net[mask], style.OKABE_ITO["blue"], "Netto innflytting")):  # fmt: skip
            base = np.where(values >= 0, pos_base, neg_base)
            ax.bar(x[mask], values, bottom=base, color=colour, alpha=alpha, hatch=hatch, edgecolor="white",
                   width=0.8, label=label + suffix)  # fmt: skip
            pos_base = pos_base + np.clip(values, 0, None)
            neg_base = neg_base + np.clip(values, None, 0)
    ax.plot(x, comp["change"], "o", color="black", markersize=4, label="Endring i folketallet")
    ax.axhline(0, color="black", linewidth=0.8)
    style.chart_title(fig, title)
    ax.set_xlabel("År (endringer i løpet av året)")
    ax.set_ylabel("Personer")
    style.norwegian_axis(ax.yaxis)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3, fontsize=9)
    return fig


def plot_scenarios(
    history: pd.DataFrame,
    proj: pd.DataFrame,
    name: str,
    title: str,
    target: float | None = None,
    target_year: int | None = None,
    official: pd.DataFrame | None = None,
    official_label: str = "SSB",
) -> Figure:
    """History (``year, total``) plus projected totals per scenario and optional official projections."""

    fig, ax = style.new_figure(9, 5.5)
    ax.plot(history["year"], history["total"], color="black", linewidth=2.5, marker="o", ms=3, label="Registrert")
    # The main projection bold; the benchmarks (no migration, constant population) grey; past
    # migration as counts thin, as the sensitivity they are.
    styles = {"model": "-", "none": ":", "constant": (0, (1, 3)), "last5": "--", "last10": "-."}
    colours = {
        "model": style.OKABE_ITO["blue"],
        "none": style.NEUTRAL,
        "constant": style.NEUTRAL,
        "last5": style.OKABE_ITO["green"],
        "last10": style.OKABE_ITO["skyblue"],
    }
    widths = {"model": 3.0, "none": 1.8, "constant": 1.8}
    for key, grp in proj.groupby("scenario", sort=False):
        ax.plot(
            grp["year"],
            grp["total"],
            linestyle=styles.get(key, "-."),
            linewidth=widths.get(key, 1.4),
            color=colours.get(key, style.OKABE_ITO["purple"]),
            label=str(grp["label"].iloc[0]),
        )
    if official is not None and len(official):
        _, grp = next(iter(official.groupby(["vintage", "alternative"], sort=False)))  # the first (main) one
        ax.plot(
            grp["year"],
            grp["population"],
            linestyle="-.",
            marker="x",
            ms=4,
            color=style.OKABE_ITO["purple"],
            label=official_label,
        )
    if target is not None:
        ax.axhline(target, color=style.HIGHLIGHT, linestyle="--", linewidth=1.5)
        if target_year is not None:
            ax.plot(
                [target_year],
                [target],
                marker="*",
                ms=16,
                color=style.HIGHLIGHT,
                linestyle="none",
                label=f"Mål: minst {plotting_int(target)} i {target_year}",
            )

    style.chart_title(fig, title)
    ax.set_ylabel("Innbyggere 1. januar")
    ax.set_xlabel("År")
    style.year_axis(ax.xaxis)
    style.norwegian_axis(ax.yaxis)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9)
    return fig


def plotting_int(x: float) -> str:

    return fmt_int(x)


def plot_backtest(
    bt: pd.DataFrame,
    history: pd.DataFrame,
    start_year: int,
    title: str,
    official: pd.DataFrame | None = None,
    official_label: str = "SSBs framskriving",
) -> Figure:
    """Backtest: registered population vs projections started in ``start_year``."""

    proj = bt.rename(columns={"projected": "total"})[["scenario", "label", "year", "total"]]
    start = history[history["year"] == start_year]
    if len(start):
        extra = [
            {"scenario": k, "label": lbl, "year": start_year, "total": float(start["total"].iloc[0])}
            for k, lbl in proj.groupby("scenario", sort=False)["label"].first().items()
        ]
        proj = pd.concat([pd.DataFrame(extra), proj]).sort_values(["scenario", "year"], kind="stable")
        order = list(bt["scenario"].drop_duplicates())
        proj["scenario"] = pd.Categorical(proj["scenario"], categories=order)
        proj = proj.sort_values(["scenario", "year"]).astype({"scenario": str})
    fig = plot_scenarios(history, proj, "", title, official=official, official_label=official_label)
    fig.axes[0].axvline(start_year, color="grey", linewidth=0.8)
    return fig
