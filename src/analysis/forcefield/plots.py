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
from matplotlib.backends.backend_agg import FigureCanvasAgg

from analysis.errors import AnalysisError
from analysis.forcefield.metrics import SCALE_MAX, SCALE_MIDPOINT
from analysis.forcefield.text import theme_label
from analysis.numfmt import fmt_num
from analysis.profile import load_profile
from analysis.report.labels import goal_label, group_label
from analysis.report.style import DRIVING, HIGHLIGHT, OKABE_ITO, RESTRAINING, new_figure, norwegian_axis, wrap_label

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
        return _message_figure(title, "Ingen drivkrefter eller motkrefter er nevnt for dette målet.")
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


# --------------------------------------------------------------------------- the prioritisation matrix

#: The four quadrants of Distriktssenteret's prioritisation matrix, as written on the chart.
QUADRANT_TEXT: dict[str, str] = {
    "gjor_na": "Viktig og påvirkbart:\ngjør noe nå",
    "pavirk_andre": "Viktig, men lite påvirkbart:\npåvirk fylket og staten\n(f.eks. fylkesveier, mobildekning)",
    "nar_det_passer": "Mindre viktig, men påvirkbart:\ngjør det når det passer",
    "folg_med": "Mindre viktig og lite påvirkbart:\nfølg med",
}
#: the gid of every point label (tests find the labels by it)
LABEL_GID = "matrix-label"
_LABEL_FONT = 8.5
_PAD = 2.0  # pixels between boxes
_RADII = (7, 13, 20, 28, 38, 50, 64, 80, 100, 125, 150, 180, 215)
_ANGLES = np.deg2rad([0, 20, -20, 45, -45, 70, -70, 90, -90, 110, -110, 135, -135, 160, -160, 180])


def _overlaps(box: tuple[float, float, float, float], boxes: list[tuple[float, float, float, float]]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] + _PAD and b[0] < x1 + _PAD and y0 < b[3] + _PAD and b[1] < y1 + _PAD for b in boxes)


def spread_points(
    x: np.ndarray, y: np.ndarray, radius: float = 0.13, midpoint: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Move points that share a position onto a small circle around it, so every item is its own point.

    Deterministic (the order of the input); single points stay where they are. With ``midpoint``, a group
    sitting on a quadrant line (x or y equal to it) is spread on the upper/right side of the line, where
    the quadrants count it.

    >>> xs, ys = spread_points(np.array([1.0, 1.0, 2.0]), np.array([3.0, 3.0, 3.0]))
    >>> [round(float(v), 2) for v in xs], [round(float(v), 2) for v in ys]
    ([1.13, 0.87, 2.0], [3.0, 3.0, 3.0])
    """
    x, y = np.asarray(x, dtype=float).copy(), np.asarray(y, dtype=float).copy()
    keys = list(zip(np.round(x, 6), np.round(y, 6)))
    groups: dict[tuple[float, float], list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    for (cx, cy), idx in groups.items():
        if len(idx) < 2:
            continue
        r = radius * (1 + 0.08 * max(0, len(idx) - 6))
        # a group on a quadrant line is spread on the side the quadrants count it to (≥ the midpoint)
        cx += r if midpoint is not None and cx == midpoint else 0.0
        cy += r if midpoint is not None and cy == midpoint else 0.0
        for j, i in enumerate(idx):
            a = 2 * np.pi * j / len(idx)
            x[i], y[i] = cx + r * np.cos(a), cy + r * np.sin(a)
    return x[: len(keys)], y[: len(keys)]


def place_labels(fig: Figure, ax, xs, ys, texts: list[str], obstacles=()) -> list | None:
    """Place one label per point so that no two labels overlap each other, the points or ``obstacles``.

    Greedy and deterministic (written here instead of adjustText, which needs SciPy and does not
    guarantee zero overlaps): each label, highest points first, tries positions around its point at
    growing distances and takes the first free one inside the axes; a label set away from its point
    gets a thin leader line. Returns the label ``Text`` artists (gid :data:`LABEL_GID`), or None when
    some label found no free place (the caller then tries shorter labels).
    """
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData
    from_px = ax.transData.inverted()
    pts = to_px.transform(np.column_stack([xs, ys]))
    ab = ax.get_window_extent(renderer)
    area = (ab.x0 + 2, ab.y0 + 2, ab.x1 - 2, ab.y1 - 2)
    r_mark = 6.0
    taken: list[tuple[float, float, float, float]] = [
        (px - r_mark, py - r_mark, px + r_mark, py + r_mark) for px, py in pts
    ]
    boxes: list[tuple[float, float, float, float]] = []  # captions and labels: leader lines must not cross them
    for artist in obstacles:
        b = artist.get_window_extent(renderer)
        taken.append((b.x0, b.y0, b.x1, b.y1))
        boxes.append(taken[-1])
    order = sorted(range(len(texts)), key=lambda i: (-pts[i][1], pts[i][0], i))
    out: list = [None] * len(texts)
    grid = [(r, a) for r in _RADII for a in _ANGLES]
    for i in order:
        label = ax.text(0, 0, texts[i], fontsize=_LABEL_FONT, gid=LABEL_GID, zorder=5, linespacing=1.0)
        b = label.get_window_extent(renderer)
        w, h = b.width, b.height
        px, py = pts[i]
        best = None
        for check_line in (True, False):  # rather a leader line across a label than no label
            for r, a in grid:
                cx, cy = px + r * np.cos(a), py + r * np.sin(a)
                c, s = np.cos(a), np.sin(a)
                x0 = cx if c > 0.3 else (cx - w if c < -0.3 else cx - w / 2)
                y0 = cy if s > 0.3 else (cy - h if s < -0.3 else cy - h / 2)
                box = (x0, y0, x0 + w, y0 + h)
                if box[0] < area[0] or box[1] < area[1] or box[2] > area[2] or box[3] > area[3]:
                    continue
                if _overlaps(box, taken):
                    continue
                if check_line and r > _RADII[1] and any(_overlaps(dot, boxes) for dot in _leader(px, py, box)):
                    continue  # the leader line would cross another label
                best = (box, r)
                break
            if best is not None:
                break
        if best is None:
            for t in out:
                if t is not None:
                    t.remove()
            label.remove()
            return None
        (x0, y0, x1, y1), r = best
        taken.append((x0, y0, x1, y1))
        boxes.append((x0, y0, x1, y1))
        dx, dy = from_px.transform((x0, y0))
        label.set_position((dx, dy))
        label.set_ha("left")
        label.set_va("bottom")
        out[i] = label
        if r > _RADII[1]:
            nx = min(max(px, x0), x1)
            ny = min(max(py, y0), y1)
            lx, ly = from_px.transform((nx, ny))
            ax.plot([xs[i], lx], [ys[i], ly], color="#555555", linewidth=0.6, zorder=1)
            taken.extend(_leader(px, py, (x0, y0, x1, y1)))  # later labels keep off the line
    return out


def _leader(px: float, py: float, box: tuple[float, float, float, float]) -> list[tuple[float, float, float, float]]:
    """Small boxes along the leader line from a point to the nearest edge of its label (not the ends)."""
    nx, ny = min(max(px, box[0]), box[2]), min(max(py, box[1]), box[3])
    n = max(2, int(np.hypot(nx - px, ny - py) // 6))
    return [
        (x - 0.5, y - 0.5, x + 0.5, y + 0.5)
        for x, y in zip(np.linspace(px, nx, n + 2)[2:-1], np.linspace(py, ny, n + 2)[2:-1])
    ]


def short_label(number: int, text: str, width: int = 24, max_lines: int = 2) -> str:
    """``"3. Mangel på utleieboliger"`` wrapped for a chart label (numbers match the table)."""
    return wrap_label(f"{number}. {text}", width, max_lines)


def matrix_chart(items: pd.DataFrame, title: str) -> Figure:
    """Distriktssenteret's prioritisation matrix: named items, importance (viktig 1–5) × påvirkbar (1–5).

    ``items`` is :func:`analysis.forcefield.metrics.matrix_items` (only ``plotted`` rows are drawn,
    numbered 1, 2, … in their order, as in the reader table). Counter-forces are vermillion
    triangles, measures green squares; items sharing a position are spread on a small circle.
    The quadrants' meanings are written in the corners; every point has a label and no two labels
    overlap (:func:`place_labels`): full labels if they fit, else numbers only.
    """
    shown = items.loc[items["plotted"].astype(bool)] if not items.empty else items
    if shown.empty:
        return _message_figure(title, "Ingen motkrefter eller tiltak er vurdert både for viktighet og påvirkbarhet.")
    fig, ax = new_figure(10.0, 7.8)
    FigureCanvasAgg(fig)  # a renderer to measure the labels with
    mid = SCALE_MIDPOINT
    ax.axhspan(mid, 5.5, xmin=(mid - 0.5) / 5, xmax=1.0, color=HIGHLIGHT, alpha=0.12, linewidth=0)
    ax.axvline(mid, color="#777777", linewidth=0.9, linestyle="--")
    ax.axhline(mid, color="#777777", linewidth=0.9, linestyle="--")
    corners = {
        "gjor_na": (5.45, 5.45, "right", "top"),
        "pavirk_andre": (0.55, 5.45, "left", "top"),
        "nar_det_passer": (5.45, 0.55, "right", "bottom"),
        "folg_med": (0.55, 0.55, "left", "bottom"),
    }
    captions = [
        ax.text(x, y, QUADRANT_TEXT[q], ha=ha, va=va, fontsize=8.5, fontweight="bold", color="#333333", zorder=2)
        for q, (x, y, ha, va) in corners.items()
    ]
    x, y = spread_points(
        shown["pavirkbar"].to_numpy(dtype=float), shown["importance"].to_numpy(dtype=float), midpoint=mid
    )
    kinds = shown["kind"].to_numpy()
    for kind, colour, marker, name in (
        ("motkraft", RESTRAINING, "^", "Motkraft"),
        ("tiltak", MEASURE, "s", "Tiltak"),
        ("kraft", DRIVING, "o", "Drivkraft"),
    ):
        sel = kinds == kind
        if sel.any():
            ax.scatter(
                x[sel], y[sel], s=46, c=colour, marker=marker, edgecolors="white", linewidths=0.6, label=name, zorder=4
            )
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel("Påvirkbar: hvor mye kommunen selv kan påvirke (1–5)")
    ax.set_ylabel("Viktig (1–5)")
    ax.grid(False)
    fig.legend(loc="outside lower center", ncols=3, frameon=False)
    _title(fig, title)
    fig.canvas.draw()  # let the layout settle, then freeze it so the labels' pixel positions stay right
    fig.set_layout_engine("none")
    texts = shown["text"].astype(str).tolist()
    for labels in (
        [short_label(i + 1, t) for i, t in enumerate(texts)],
        [short_label(i + 1, t, width=18, max_lines=1) for i, t in enumerate(texts)],
        [str(i + 1) for i in range(len(texts))],
    ):
        if place_labels(fig, ax, x, y, labels, obstacles=captions) is not None:
            break
    else:  # pragma: no cover - more points than the chart has room for
        raise AnalysisError("the prioritisation matrix has too many points to label; show fewer items")
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
    norwegian_axis(cbar.ax.yaxis)  # «0,5», never «0.5»
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
    """Horizontal bars of the priority score for the top ``n`` scored counter-force themes.

    Themes none of whose counter-forces has a measure linked to it are drawn in the highlight
    colour with a dotted hatch and marked "ingen tiltak koblet". Unscored themes are not drawn
    (they are listed in their own table).
    """
    p = prio.loc[prio["scored"].astype(bool)].head(n) if not prio.empty else prio
    if p.empty:
        return _message_figure(
            title, "Ingen motkraft-temaer har både vurdert styrke og påvirkbarhet, så ingen rangering kan lages."
        )
    fig, ax = new_figure(9.0, 1.5 + 0.5 * len(p))
    ypos = np.arange(len(p))
    covered = p["answered"].to_numpy(dtype=bool)
    scores = p["score"].to_numpy(dtype=float)
    if covered.any():
        ax.barh(ypos[covered], scores[covered], color=RESTRAINING, height=0.6, label="Har tiltak koblet")
    if (~covered).any():
        ax.barh(
            ypos[~covered],
            scores[~covered],
            color=HIGHLIGHT,
            hatch="..",
            edgecolor="#333333",
            height=0.6,
            label="Ingen tiltak koblet",
        )
    for yi, s, b, c in zip(ypos, scores, p["breadth"], covered):
        txt = f"{fmt_num(s, 2)} (vektet {fmt_num(b, 1)} grupper{'' if c else ', ingen tiltak koblet'})"
        ax.text(s + 0.02 * max(scores.max(), 1e-9), yi, txt, va="center", fontsize=9)
    ax.set_yticks(ypos, [wrap_label(theme_label(t, labels), 30, 2) for t in p["theme"]])
    ax.invert_yaxis()
    ax.set_xlim(0, scores.max() * 1.6 if scores.max() > 0 else 1)
    ax.set_xlabel("Prioritet = vektet antall grupper × styrke/5 × påvirkbar/5")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    _title(fig, title)
    return fig
