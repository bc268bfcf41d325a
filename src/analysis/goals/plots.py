"""The figure of the goals overview: registered population, the target and the path that reaches it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.goals.status import PopulationStatus
from analysis.goals.text import population_figure_title
from analysis.numfmt import fmt_int
from analysis.report import style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def plot_population_path(status: PopulationStatus, name: str, first_year: int | None = None) -> Figure:
    """Registered population, the target (star and line), the path that reaches it and the last-5-years scenario.

    History starts in ``first_year`` (default: 20 years before the latest year).
    """

    hist = status.history
    first_year = status.latest_year - 20 if first_year is None else int(first_year)
    hist = hist[hist["year"] >= first_year]
    fig, ax = style.new_figure(9, 5)
    ax.plot(
        hist["year"],
        hist["total"],
        color=style.OKABE_ITO["black"],
        linewidth=2.5,
        marker="o",
        ms=3,
        label="Registrert folketall",
    )
    if status.path is not None and status.requirement is not None and status.requirement.per_year > 0:
        p = status.path
        n = fmt_int(status.requirement.persons_per_year)
        ax.plot(
            p["year"],
            p["required"],
            color=style.OKABE_ITO["blue"],
            linestyle="--",
            linewidth=2,
            marker="s",
            ms=3,
            label=f"Veien til målet (netto innflytting om lag {n} per år)",
        )
    if status.path is not None and "scenario" in status.path:
        ax.plot(
            status.path["year"],
            status.path["scenario"],
            color=style.OKABE_ITO["green"],
            linestyle=":",
            linewidth=2.2,
            label="Hovedberegningen",
        )
    # the two benchmarks every projection is read against
    for column, label, dash in (
        ("none", "Ingen flytting", (0, (1, 2))),
        ("constant", "Uendret folketall", (0, (4, 3))),
    ):
        if status.path is not None and column in status.path:
            ax.plot(status.path["year"], status.path[column], color=style.NEUTRAL, linestyle=dash, linewidth=1.4,
                    label=label)  # fmt: skip
    if status.target is not None:
        ax.axhline(status.target, color=style.HIGHLIGHT, linestyle="--", linewidth=1.2)
        ax.plot(
            [status.target_year],
            [status.target],
            marker="*",
            ms=16,
            color=style.HIGHLIGHT,
            linestyle="none",
            label=f"Mål: minst {fmt_int(status.target)} i {status.target_year}",
        )
    ax.annotate(
        fmt_int(status.latest),
        (status.latest_year, status.latest),
        textcoords="offset points",
        xytext=(0, -16),
        ha="center",
        fontsize=10,
    )
    style.chart_title(fig, population_figure_title(status, name))
    ax.set_ylabel("Innbyggere 1. januar")
    ax.set_xlabel("År")
    style.year_axis(ax.xaxis)
    style.norwegian_axis(ax.yaxis)
    ax.legend(loc="best", fontsize=9)
    return fig
