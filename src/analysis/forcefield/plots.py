"""Charts for the force-field reports (issue 4).

Every function takes the output of an :mod:`analysis.forcefield` metric and
returns a matplotlib ``Figure`` made with :func:`analysis.report.style.new_figure`
(never pyplot). Titles are passed in by the caller (they state the finding);
labels are Norwegian and wrapped with :func:`analysis.report.style.wrap_label`.
Driving forces are blue (``DRIVING``), restraining forces vermillion and
hatched (``RESTRAINING``), so the charts also read in greyscale. Unscored
forces are drawn as a short hatched outline labelled "ikke vurdert" — never as
a zero-length bar. Empty inputs give a figure with a plain message, not an
empty axis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.forcefield.metrics import SCALE_MAX
from analysis.forcefield.text import theme_label
from analysis.numfmt import fmt_num
from analysis.profile import load_profile
from analysis.report.labels import goal_label, group_label
from analysis.report.style import DRIVING, HIGHLIGHT, OKABE_ITO, RESTRAINING, new_figure, wrap_label

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

MEASURE = OKABE_ITO["green"]  # tiltak in the prioritisation grid
#: Length of the outline bar that marks an unscored force (well below the scale's 1).
UNSCORED_LENGTH = 0.6
UNSCORED_TEXT = "ikke vurdert"
RESTRAINING_HATCH = "//"
LABEL_WIDTH = 36
LABEL_LINES = 4
#: At most this many forces are drawn per side of a force-field diagram (strongest first); the rest are
#: counted in one line under the chart. A group with thousands of statements gets a readable chart in
#: seconds instead of a figure hundreds of metres tall.
MAX_DRAWN_PER_SIDE = 15


def _message_figure(title: str, message: str, width: float = 9.0, height: float = 2.0) -> Figure:
    fig, ax = new_figure(width, height)
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, transform=ax.transAxes, wrap=True)
    _title(fig, title)
    return fig


def _title(fig: Figure, title: str) -> None:
    """The chart's finding as a left-aligned, wrapped figure title (never wider than the figure)."""
    width = max(30, int(fig.get_figwidth() * 8.5))
    fig.suptitle(wrap_label(title, width, 3), x=0.01, ha="left", fontweight="bold", fontsize=13)


def _n_lines(text: str) -> int:
    return text.count("\n") + 1


# --------------------------------------------------------------------------- Lewin force field


def _draw_side(
    ax, side: pd.DataFrame, colour: str, hatch: str | None, y: np.ndarray, heights: np.ndarray, empty_text: str
) -> None:
    if side.empty:
        ax.text(0.5, 0.5, empty_text, ha="center", va="center", transform=ax.transAxes, fontsize=11, color="#444444")
        ax.set_yticks([])
        return
    strengths = side["strength"].to_numpy(dtype=float)
    scored = ~np.isnan(strengths)
    yy = y[: len(side)]
    hh = heights[: len(side)] * 0.62
    if scored.any():
        ax.barh(
            yy[scored],
            strengths[scored],
            height=hh[scored],
            color=colour,
            hatch=hatch,
            edgecolor="white" if hatch else colour,
            linewidth=0.5,
        )
        for yi, s in zip(yy[scored], strengths[scored]):
            ax.text(s + 0.08, yi, fmt_num(s, 0), va="center", ha="left", fontsize=10)
    if (~scored).any():
        ax.barh(
            yy[~scored],
            np.full((~scored).sum(), UNSCORED_LENGTH),
            height=hh[~scored],
            facecolor="none",
            edgecolor=colour,
            hatch="..",
            linewidth=1.2,
            linestyle="--",
        )
        for yi in yy[~scored]:
            ax.text(
                UNSCORED_LENGTH + 0.08,
                yi,
                UNSCORED_TEXT,
                va="center",
                ha="left",
                fontsize=9,
                style="italic",
                color="#333333",
            )
    ax.set_yticks(yy, [wrap_label(t, LABEL_WIDTH, LABEL_LINES) for t in side["text"].astype(str)], fontsize=9)
    ax.tick_params(axis="y", length=0)


def _rest_text(rest: pd.DataFrame, what: str) -> str:
    """One line for the forces not drawn: how many and their mean strength."""
    scored = rest["strength"].dropna().astype(float)
    mean = f", gjennomsnittlig styrke {fmt_num(scored.mean(), 1)}" if len(scored) else ""
    return f"+ {fmt_num(len(rest), 0)} {what} til{mean}"


def lewin_diagram(forces_one_goal: pd.DataFrame, title: str, max_per_side: int = MAX_DRAWN_PER_SIDE) -> Figure:
    """A Lewin force-field diagram for one group and goal.

    ``forces_one_goal`` is :func:`analysis.forcefield.forces` filtered to one
    goal. Driving forces are on the left, restraining forces on the right; bars
    grow outwards from the centre line with length = strength (1–5), strongest
    at the top; unscored forces are short dashed, dotted outlines marked
    "ikke vurdert". Long statements are wrapped (at most four lines). At most
    ``max_per_side`` forces are drawn per side; the others are counted (number and mean
    strength) in a line under each side, and the side titles give the totals.
    """
    if forces_one_goal.empty:
        return _message_figure(title, "Ingen krefter eller motkrefter er nevnt for dette målet.")
    drive_all = forces_one_goal.loc[forces_one_goal["kind"] == "kraft"]
    restrain_all = forces_one_goal.loc[forces_one_goal["kind"] == "motkraft"]
    drive_all = drive_all.assign(_s=-drive_all["strength"]).sort_values(
        ["_s", "text"], na_position="last", kind="stable"
    )
    restrain_all = restrain_all.assign(_s=-restrain_all["strength"]).sort_values(
        ["_s", "text"], na_position="last", kind="stable"
    )
    drive, restrain = drive_all.head(max_per_side), restrain_all.head(max_per_side)
    n = max(len(drive), len(restrain), 1)
    lines = np.ones(n)
    for side in (drive, restrain):
        for i, t in enumerate(side["text"].astype(str)):
            lines[i] = max(lines[i], _n_lines(wrap_label(t, LABEL_WIDTH, LABEL_LINES)))
    heights = 0.2 * lines + 0.25
    y = np.cumsum(heights) - heights / 2
    fig_h = 1.6 + float(heights.sum())
    fig, (ax_l, ax_r) = new_figure(12.0, max(2.6, fig_h), ncols=2)
    _draw_side(ax_l, drive, DRIVING, None, y, heights, "Ingen drivkrefter nevnt")
    _draw_side(ax_r, restrain, RESTRAINING, RESTRAINING_HATCH, y, heights, "Ingen motkrefter nevnt")
    for ax in (ax_l, ax_r):
        ax.set_ylim(float(heights.sum()), 0)
        ax.set_xlim(0, SCALE_MAX + 0.6)
        ax.set_xticks(range(0, SCALE_MAX + 1))
        ax.set_xlabel("Styrke (1–5)")
        ax.grid(axis="y", visible=False)
    ax_l.invert_xaxis()  # driving bars grow leftwards from the centre line
    ax_l.spines["left"].set_visible(False)
    ax_l.spines["right"].set_visible(True)
    ax_r.yaxis.tick_right()
    ax_r.spines["right"].set_visible(False)
    for t in ax_l.texts:  # value labels sit beyond the bar end (mirrored side)
        if t.get_transform() is not ax_l.transAxes:
            t.set_ha("right")
    ax_l.set_title(
        f"Drivkrefter ({fmt_num(len(drive_all), 0)}) – trekker mot målet →", loc="right", color=DRIVING, fontsize=11
    )
    ax_r.set_title(
        f"← Motkrefter ({fmt_num(len(restrain_all), 0)}) – holder igjen", loc="left", color=RESTRAINING, fontsize=11
    )
    for ax, rest, what, ha, x in (
        (ax_l, drive_all.iloc[len(drive) :], "drivkrefter", "right", 1.0),
        (ax_r, restrain_all.iloc[len(restrain) :], "motkrefter", "left", 0.0),
    ):
        if len(rest):
            ax.text(x, -0.12, _rest_text(rest, what), transform=ax.transAxes, ha=ha, va="top", fontsize=10)
    _title(fig, title)
    return fig


# --------------------------------------------------------------------------- net balance


def net_balance_chart(summary_one_group: pd.DataFrame, title: str) -> Figure:
    """Normalised net force per goal (−1 to +1) for one group, net force written at each bar.

    Goals the group did not discuss, or discussed without scoring any force,
    are marked in words instead of a bar.
    """
    goals = list(load_profile().goal_ids)
    s = summary_one_group.set_index("goal").reindex(goals)
    fig, ax = new_figure(9.0, 3.6)
    ypos = np.arange(len(goals))
    vals = s["net_normalised"].to_numpy(dtype=float)
    colours = [DRIVING if v > 0 else RESTRAINING for v in np.nan_to_num(vals)]
    hatches = [None if v > 0 else RESTRAINING_HATCH for v in np.nan_to_num(vals)]
    for yi, v, c, h in zip(ypos, vals, colours, hatches):
        if np.isnan(v):
            continue
        ax.barh(yi, v, color=c, hatch=h, edgecolor="white" if h else c, height=0.6)
    for yi, goal in zip(ypos, goals):
        row = s.loc[goal]
        v = row["net_normalised"]
        if not bool(row.get("discussed", False)) and not (row.get("n_kraft", 0) or row.get("n_motkraft", 0)):
            ax.text(0, yi, "ikke drøftet", ha="center", va="center", style="italic", fontsize=10)
        elif pd.isna(v):
            ax.text(0, yi, "ingen vurderte krefter", ha="center", va="center", style="italic", fontsize=10)
        else:
            txt = f"netto {fmt_num(row['net_force'], 0, signed=True)}"
            ax.text(
                v + (0.03 if v >= 0 else -0.03), yi, txt, va="center", ha="left" if v >= 0 else "right", fontsize=10
            )
    ax.axvline(0, color="#333333", linewidth=1)
    ax.set_xlim(-1.35, 1.35)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1], ["−1\nbare motkrefter", "−0,5", "0\nbalanse", "0,5", "+1\nbare drivkrefter"])
    ax.set_yticks(ypos, [goal_label(g) for g in goals])
    ax.invert_yaxis()
    ax.set_xlabel("Normalisert nettokraft (nettokraft / samlet styrke)")
    ax.grid(axis="y", visible=False)
    _title(fig, title)
    return fig


# --------------------------------------------------------------------------- themes


def theme_bars(top: pd.DataFrame, title: str, labels: dict[str, str] | None = None) -> Figure:
    """Stacked horizontal bars: how often each of the group's top themes is named as force / counter-force."""
    if top.empty:
        return _message_figure(title, "Ingen av gruppens krefter er kodet med tema.")
    names = [wrap_label(theme_label(t, labels), 28, 2) for t in top["theme"]]
    k = top["n_kraft"].to_numpy(dtype=float)
    m = top["n_motkraft"].to_numpy(dtype=float)
    fig, ax = new_figure(9.0, 1.4 + 0.5 * len(top))
    ypos = np.arange(len(top))
    ax.barh(ypos, k, color=DRIVING, label="Som drivkraft", height=0.6)
    ax.barh(
        ypos, m, left=k, color=RESTRAINING, hatch=RESTRAINING_HATCH, edgecolor="white", label="Som motkraft", height=0.6
    )
    ax.set_yticks(ypos, names)
    ax.invert_yaxis()
    ax.set_xlabel("Antall utsagn")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    _title(fig, title)
    return fig


def importance_influence_chart(points: pd.DataFrame, title: str) -> Figure:
    """Importance (strength) × påvirkbar grid, as in Distriktssenteret's prioritisation tool.

    ``points`` is :func:`analysis.forcefield.importance_influence`; marker
    area and the number inside show how many forces share a point. The
    upper-right quadrant (important and within the municipality's influence) is shaded.
    """
    if points.empty:
        return _message_figure(title, "Ingen krefter eller tiltak er vurdert både for viktighet og påvirkbarhet.")
    fig, ax = new_figure(8.0, 6.0)
    ax.axvspan(3.5, 5.5, ymin=0.6, ymax=1.0, color=HIGHLIGHT, alpha=0.15, linewidth=0)
    ax.text(5.45, 5.45, "Viktig og påvirkbar:\nkandidater til prioritering", ha="right", va="top", fontsize=9)
    styles = {
        "kraft": (DRIVING, "o", -0.18, "Drivkraft"),
        "motkraft": (RESTRAINING, "^", 0.0, "Motkraft"),
        "tiltak": (MEASURE, "s", 0.18, "Tiltak (viktighet = motkreftene det svarer på)"),
    }
    several = points["kind"].nunique() > 1
    for kind, (colour, marker, dx, name) in styles.items():
        p = points.loc[points["kind"] == kind]
        if p.empty:
            continue
        x = p["pavirkbar"].to_numpy(dtype=float) + (dx if several else 0.0)
        yv = p["strength"].to_numpy(dtype=float)
        n = p["n"].to_numpy(dtype=float)
        ax.scatter(x, yv, s=120 + 90 * n, c=colour, marker=marker, alpha=0.85, edgecolors="white", label=name)
        for xi, yi, ni in zip(x, yv, n):
            if ni > 1:
                ax.text(xi, yi, fmt_num(ni), ha="center", va="center", fontsize=8, color="white", fontweight="bold")
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel("Påvirkbar: hvor mye kommunen selv kan påvirke (1–5)")
    ax.set_ylabel("Viktighet / styrke (1–5)")
    ax.legend(loc="lower left", markerscale=0.6)
    _title(fig, title)
    return fig


# --------------------------------------------------------------------------- across groups


def heatmap(
    matrix: pd.DataFrame,
    title: str,
    *,
    row_labels: list[str] | None = None,
    col_labels: list[str] | None = None,
    value_label: str = "Antall",
    decimals: int = 0,
    vmin: float | None = None,
    vmax: float | None = None,
    xlabel: str = "",
    ylabel: str = "",
) -> Figure:
    """An annotated heatmap (cividis colour map, readable in greyscale); NaN cells shown as "–"."""
    if matrix.empty or matrix.shape[0] == 0 or matrix.shape[1] == 0:
        return _message_figure(title, "Ingen data å vise.")
    values = matrix.to_numpy(dtype=float)
    rows = row_labels or [str(r) for r in matrix.index]
    cols = col_labels or [str(c) for c in matrix.columns]
    nr, nc = values.shape
    fig, ax = new_figure(max(6.0, 2.8 + 0.85 * nc), max(3.0, 1.8 + 0.42 * nr))
    lo = np.nanmin(values) if vmin is None and np.isfinite(values).any() else (vmin if vmin is not None else 0.0)
    hi = np.nanmax(values) if vmax is None and np.isfinite(values).any() else (vmax if vmax is not None else 1.0)
    if hi <= lo:
        hi = lo + 1.0
    im = ax.imshow(np.ma.masked_invalid(values), cmap="cividis", vmin=lo, vmax=hi, aspect="auto")
    for i in range(nr):
        for j in range(nc):
            v = values[i, j]
            if np.isnan(v):
                ax.text(j, i, "–", ha="center", va="center", fontsize=9, color="#333333")
                continue
            share = (v - lo) / (hi - lo)
            ax.text(
                j,
                i,
                fmt_num(v, decimals),
                ha="center",
                va="center",
                fontsize=9,
                color="black" if share > 0.55 else "white",
            )
    ax.set_xticks(
        range(nc), [wrap_label(c, 20, 3) for c in cols], rotation=45, ha="right", rotation_mode="anchor", fontsize=9
    )
    ax.set_yticks(range(nr), [wrap_label(r, 30, 2) for r in rows], fontsize=9)
    ax.grid(False)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    cbar = fig.colorbar(im, ax=ax, shrink=0.8)
    cbar.set_label(value_label)
    _title(fig, title)
    return fig


def theme_heatmap(
    profile: pd.DataFrame,
    title: str,
    labels: dict[str, str] | None = None,
    *,
    value_label: str = "Antall utsagn",
    decimals: int = 0,
) -> Figure:
    """Theme × group heatmap from :func:`analysis.forcefield.theme_profile` (themes as rows)."""
    t = profile.T
    return heatmap(
        t,
        title,
        row_labels=[theme_label(x, labels) for x in t.index],
        col_labels=[group_label(g) for g in t.columns],
        value_label=value_label,
        decimals=decimals,
        vmin=0.0,
        xlabel="Gruppe",
        ylabel="Tema",
    )


def similarity_heatmap(similarity: pd.DataFrame, title: str) -> Figure:
    """Group × group similarity matrix (0–1) from :func:`analysis.forcefield.theme_similarity`."""
    names = [group_label(g) for g in similarity.index]
    return heatmap(
        similarity,
        title,
        row_labels=names,
        col_labels=names,
        value_label="Likhet (0–1)",
        decimals=2,
        vmin=0.0,
        vmax=1.0,
    )


def priority_chart(prio: pd.DataFrame, title: str, labels: dict[str, str] | None = None, n: int = 10) -> Figure:
    """Horizontal bars of the priority score for the top ``n`` counter-force themes.

    Themes without any proposed measure are drawn in the highlight colour with
    a dotted hatch and marked "ingen tiltak".
    """
    if prio.empty:
        return _message_figure(title, "Ingen motkrefter er kodet med tema, så ingen rangering kan lages.")
    p = prio.head(n)
    fig, ax = new_figure(9.0, 1.5 + 0.5 * len(p))
    ypos = np.arange(len(p))
    covered = p["covered"].to_numpy(dtype=bool)
    scores = p["score"].to_numpy(dtype=float)
    if covered.any():
        ax.barh(ypos[covered], scores[covered], color=RESTRAINING, height=0.6, label="Har foreslått tiltak")
    if (~covered).any():
        ax.barh(
            ypos[~covered],
            scores[~covered],
            color=HIGHLIGHT,
            hatch="..",
            edgecolor="#333333",
            height=0.6,
            label="Ingen tiltak foreslått",
        )
    for yi, s, ng, c in zip(ypos, scores, p["n_groups"], covered):
        txt = f"{fmt_num(s, 2)} ({int(ng)} {'gruppe' if int(ng) == 1 else 'grupper'}{'' if c else ', ingen tiltak'})"
        ax.text(s + 0.02 * max(scores.max(), 1e-9), yi, txt, va="center", fontsize=9)
    ax.set_yticks(ypos, [wrap_label(theme_label(t, labels), 30, 2) for t in p["theme"]])
    ax.invert_yaxis()
    ax.set_xlim(0, scores.max() * 1.45 if scores.max() > 0 else 1)
    ax.set_xlabel("Prioritet = grupper × styrke/5 × påvirkbar/5")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    _title(fig, title)
    return fig
