"""Charts for the "Bolyst og flytting" report (matplotlib object API, project style).

Each function returns a :class:`matplotlib.figure.Figure` whose title states
the finding (computed from the data), with labelled axes and 95 % CIs as
error bars. Hidden (suppressed) groups are drawn as the text "færre enn 5" (the threshold
actually used, from the ``threshold`` argument).
Show them with :func:`analysis.report.html.figure` (alt text + reading guide).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from analysis.privacy import MIN_CELL, fewer_than
from analysis.report.labels import and_list
from analysis.report.style import FEMALE, MALE, NEUTRAL, PALETTE, chart_title, new_figure, norwegian_axis, wrap_label
from analysis.survey.text import MEETINGS, MEETINGS_LABEL, MOVE_LABELS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

_GROUP_STYLE = {
    "female": (FEMALE, "o", "Kvinner"),
    "male": (MALE, "s", "Menn"),
}


def satisfaction_chart(table: pd.DataFrame, *, title: str | None = None, threshold: int = MIN_CELL) -> Figure:
    """Dot plot of mean satisfaction (1–5) per item with 95 % CIs; one marker per group.

    ``table`` is :func:`analysis.survey.analysis.satisfaction_by_item` output
    (with or without ``by``). Items are sorted by their mean (first group).
    """

    groups = list(dict.fromkeys(table["group"]))
    first = table[table["group"] == groups[0]].set_index("label")["mean"]
    labels = list(first.sort_values(na_position="first").index)
    fig, ax = new_figure(9, 0.45 * len(labels) + 1.8)
    offsets = np.linspace(-0.18, 0.18, len(groups)) if len(groups) > 1 else [0.0]
    for k, (g, off) in enumerate(zip(groups, offsets)):
        sub = table[table["group"] == g].set_index("label").reindex(labels)
        color, marker, name = _GROUP_STYLE.get(g, (PALETTE[k % len(PALETTE)], "oDs^v"[k % 5], g))
        y = np.arange(len(labels)) + off
        m = sub["mean"].to_numpy(dtype=float)
        err = np.clip(
            np.vstack([m - sub["mean_lower"].to_numpy(dtype=float), sub["mean_upper"].to_numpy(dtype=float) - m]),
            0,
            None,
        )
        ax.errorbar(
            m,
            y,
            xerr=err,
            fmt=marker,
            color=color,
            ecolor=color,
            elinewidth=1.5,
            capsize=3,
            label=name if len(groups) > 1 else None,
            markersize=7,
        )
        for yi, hidden in zip(y, sub["suppressed"].fillna(False)):
            if hidden:
                ax.text(1.05, yi, fewer_than(threshold), va="center", fontsize=9, color=NEUTRAL)
    ax.set_yticks(range(len(labels)), [wrap_label(lbl, 30) for lbl in labels])
    ax.set_xlim(1, 5)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.axvline(3, color=NEUTRAL, lw=1, ls="--")
    ax.set_xlabel("Gjennomsnitt, 1 = svært misfornøyd, 5 = svært fornøyd (strek: 95 % konfidensintervall)")
    if len(groups) > 1:
        ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    if title is None:
        items = first.drop(index=[lbl for lbl in first.index if lbl.startswith("Å bo")], errors="ignore").dropna()
        title = (
            f"Mest fornøyd med {items.idxmax().lower()}, minst med {items.idxmin().lower()}"
            if len(items)
            else "Tilfredshet per tema"
        )
    chart_title(fig, title)
    return fig


def drivers_chart(table: pd.DataFrame, *, title: str | None = None, threshold: int = MIN_CELL) -> Figure:
    """Importance (correlation with overall satisfaction) against satisfaction, one point per item.

    Items in the upper left (important, low satisfaction) are where
    improvement matters most.
    """

    t = table.dropna(subset=["satisfaction", "importance_overall"])
    fig, ax = new_figure(9, 6)
    ax.scatter(t["satisfaction"], t["importance_overall"], s=60, color=PALETTE[0], zorder=3)
    span = float(t["importance_overall"].max() - t["importance_overall"].min()) if len(t) else 1.0
    placed: list[tuple[float, float]] = []
    for r in t.sort_values("importance_overall", ascending=False).itertuples():
        # put the label below the point when another label sits close by (avoids overlaps)
        crowded = any(
            abs(r.satisfaction - x) < 0.6 and abs(r.importance_overall - y) < 0.06 * max(span, 1e-9) for x, y in placed
        )
        ax.annotate(
            wrap_label(r.label, 22),
            (r.satisfaction, r.importance_overall),
            xytext=(6, -14) if crowded else (6, 4),
            textcoords="offset points",
            fontsize=9,
        )
        placed.append((r.satisfaction, r.importance_overall))
    ax.axvline(3, color=NEUTRAL, lw=1, ls="--")
    med = float(np.median(t["importance_overall"])) if len(t) else 0.0
    ax.axhline(med, color=NEUTRAL, lw=1, ls=":")
    ax.set_xlim(1, 5)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_xlabel("Tilfredshet (gjennomsnitt 1–5)")
    ax.set_ylabel("Betydning: samvariasjon med total tilfredshet (r)")
    norwegian_axis(ax.yaxis, 2)
    if title is None:
        hot = t[(t["satisfaction"] < 3) & (t["importance_overall"] >= med)]
        title = (
            "Viktig, men svakt: " + " og ".join(hot.nlargest(2, "importance_overall")["label"].str.lower())
            if len(hot)
            else "Hva henger sammen med tilfredsheten?"
        )
    chart_title(fig, title)
    return fig


def move_chart(
    table: pd.DataFrame,
    *,
    title: str,
    ages: str,
    group_labels: dict[str, str] | None = None,
    threshold: int = MIN_CELL,
) -> Figure:
    """Stacked 100 % bars: plans to move within five years (ja/kanskje/nei) per group (residents aged ``ages``)."""

    groups = list(dict.fromkeys(table["group"]))
    fig, ax = new_figure(9, 0.6 * len(groups) + 1.8)
    colours = {"yes": PALETTE[3], "maybe": PALETTE[1], "no": PALETTE[0]}
    hatches = {"yes": "//", "maybe": "..", "no": ""}
    for i, g in enumerate(groups):
        sub = table[table["group"] == g].set_index("answer")
        if sub["suppressed"].any() or sub["share"].isna().all():
            ax.text(0.01, i, fewer_than(threshold), va="center", color=NEUTRAL)
            continue
        left = 0.0
        for code in MOVE_LABELS:
            share = float(sub.loc[code, "share"])
            ax.barh(
                i,
                share,
                left=left,
                color=colours[code],
                hatch=hatches[code],
                edgecolor="white",
                label=MOVE_LABELS[code]
                if i == 0 or not ax.get_legend_handles_labels()[1].count(MOVE_LABELS[code])
                else None,
            )
            if share >= 0.06:
                ax.text(
                    left + share / 2,
                    i,
                    f"{round(share * 100):d} %",
                    ha="center",
                    va="center",
                    color="white" if code != "maybe" else "black",
                    fontsize=9,
                )
            left += share
    ax.set_yticks(range(len(groups)), [(group_labels or {}).get(g, g) for g in groups])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    norwegian_axis(ax.xaxis, 0, percent=True)
    ax.set_xlabel(f"Andel av innbyggerne {ages} år (vektet)")
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3)
    ax.grid(axis="y", visible=False)
    chart_title(fig, title)
    return fig


def options_chart(table: pd.DataFrame, *, xlabel: str, title: str | None = None, threshold: int = MIN_CELL) -> Figure:
    """Horizontal bars of shares choosing each option (with 95 % CIs), largest first."""

    t = table.reset_index(drop=True)
    fig, ax = new_figure(9, 0.45 * len(t) + 1.8)
    y = np.arange(len(t))
    share = t["share"].to_numpy(dtype=float)
    ax.barh(y, np.nan_to_num(share), color=PALETTE[0])
    err = np.clip(
        np.vstack([share - t["lower"].to_numpy(dtype=float), t["upper"].to_numpy(dtype=float) - share]), 0, None
    )
    ax.errorbar(share, y, xerr=err, fmt="none", ecolor="black", elinewidth=1, capsize=3)
    for yi, hidden in zip(y, t["suppressed"]):
        if hidden:
            ax.text(0.01, yi, fewer_than(threshold), va="center", color=NEUTRAL)
    ax.set_yticks(y, [wrap_label(lbl, 32) for lbl in t["label"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    norwegian_axis(ax.xaxis, 0, percent=True)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    if title is None:
        top = t.dropna(subset=["share"])
        title = f"Flest svarer «{top['label'].iloc[0].lower()}»" if len(top) else "Svar"
    chart_title(fig, title)
    return fig


def themes_chart(table: pd.DataFrame, *, title: str | None = None, threshold: int = MIN_CELL) -> Figure:
    """Survey free text vs workshop statements: share mentioning each theme (side-by-side bars)."""

    t = table.reset_index(drop=True)
    has_ws = t["workshop_share"].notna().any()
    fig, ax = new_figure(9, 0.5 * len(t) + 1.8)
    y = np.arange(len(t))
    h = 0.38 if has_ws else 0.7
    ax.barh(
        y - (h / 2 if has_ws else 0),
        t["survey_share"].fillna(0),
        height=h,
        color=PALETTE[0],
        label="Spørreundersøkelsen (andel som skrev fritekst)",
    )
    if has_ws:
        ax.barh(
            y + h / 2,
            t["workshop_share"].fillna(0),
            height=h,
            color=PALETTE[1],
            hatch="//",
            edgecolor="white",
            label=MEETINGS_LABEL,
        )
    for yi, v in zip(y, t["survey_share"]):
        if v != v:
            ax.text(0.005, yi, fewer_than(threshold), va="center", fontsize=8, color=NEUTRAL)
    ax.set_yticks(y, [wrap_label(lbl, 32) for lbl in t["label"]])
    ax.invert_yaxis()
    norwegian_axis(ax.xaxis, 0, percent=True)
    ax.set_xlabel("Andel som nevner temaet")
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    if title is None:
        both = t[t["both_top"]]
        title = (
            f"Undersøkelsen, {MEETINGS} peker på " + and_list(both["label"].str.lower())
            if len(both)
            else f"Oftest nevnt i fritekst: {t['label'].iloc[0].lower()}"
        )
    chart_title(fig, title)
    return fig
