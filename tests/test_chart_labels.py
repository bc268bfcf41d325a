"""Tick labels a reader can trust: years as years, Norwegian decimal commas, never the same number twice in a row.

Found by building reports for other municipalities: a series of two years (a municipality split in 2024) had
ticks «2024.25», the overview of a municipality without a target «2007.5», an index between 100 and 102
read «100 100 101 101», and the force-field heatmaps' colour bars «0.5».
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.forcefield import plots as ff_plots
from analysis.goals import plots as goal_plots
from analysis.goals.status import PopulationStatus
from analysis.population import plots
from analysis.report import style
from svgticks import charts, label_problems, tick_labels


def _labels(fig) -> list[list[str]]:
    return tick_labels(style.figure_svg(fig))


def _years(first: int, last: int) -> pd.DataFrame:
    years = np.arange(first, last + 1)
    return pd.DataFrame({"year": years, "total": 1000 + 3 * (years - first), "female": 490 + years - first,
                         "male": 510 + 2 * (years - first)})  # fmt: skip


@pytest.mark.parametrize(("first", "last"), [(2024, 2026), (2025, 2026), (2006, 2026), (2005, 2026), (1990, 2026)])
def test_year_axes_show_whole_years_only(first: int, last: int) -> None:
    tot = _years(first, last)
    figs = [
        plots.plot_totals(tot, "Ålesund"),
        plots.plot_index(tot.set_index("year")[["total"]].rename(columns={"total": "1508"}) / 10, {}, "1508", "T"),
        plots.plot_lines(tot.set_index("year"), {"female": "Kvinner", "male": "Menn"}, "Tittel", "Innbyggere"),
        goal_plots.plot_population_path(
            PopulationStatus(
                region="1508",
                latest_year=last,
                latest=int(tot["total"].iloc[-1]),
                target=None,
                target_year=None,
                history=tot,
            ),
            "Ålesund",
        ),  # fmt: skip
    ]
    for fig in figs:
        years = [lab for axis in _labels(fig) for lab in axis if lab.startswith(("19", "20")) and len(lab) >= 4]
        assert years, _labels(fig)
        assert all(lab.isdigit() and first - 1 <= int(lab) <= last + 1 for lab in years), years
        assert years == sorted(set(years), key=years.index), years  # no year twice
        assert not label_problems(style.figure_svg(fig))


def test_ticks_closer_than_the_decimals_shown_get_the_decimals_they_need() -> None:
    fmt = style.NorwegianFormatter()
    assert fmt.format_ticks([100, 100.25, 100.5, 100.75, 101]) == ["100,00", "100,25", "100,50", "100,75", "101,00"]
    assert fmt.format_ticks([1000, 2000, 3000]) == ["1 000", "2 000", "3 000"]  # whole numbers as before
    assert style.NorwegianFormatter(1).format_ticks([1, 2]) == ["1,0", "2,0"]  # never fewer than asked for
    assert style.NorwegianFormatter(0, percent=True).format_ticks([0, 0.025, 0.05]) == ["0,0 %", "2,5 %", "5,0 %"]
    assert style.NorwegianFormatter(absolute=True).format_ticks([-5, -2.5, 0, 2.5, 5]) == [
        "5,0", "2,5", "0,0", "2,5", "5,0"]  # fmt: skip
    # an index that moved two points in two years (Ålesund after the split): each tick its own number
    index = pd.DataFrame({"1508": [100.0, 101.1, 102.3], "15": [100.0, 100.6, 101.4]}, index=[2024, 2025, 2026])
    fig = plots.plot_index(index, {"1508": "Ålesund", "15": "Møre og Romsdal"}, "1508", "Indeks")
    assert not label_problems(style.figure_svg(fig)), _labels(fig)


def test_a_small_pyramid_has_a_label_for_what_each_tick_marks() -> None:
    bands = [f"{a}–{a + 4}" for a in range(0, 90, 5)] + ["90+"]
    now = pd.DataFrame({"age_band": bands, "female": [3, 2] * 9 + [1], "male": [2, 3] * 9 + [0]})
    fig = plots.plot_pyramid(now, now, 2026, 2016, "Utsira")
    axis = _labels(fig)[0]
    assert axis and not label_problems(style.figure_svg(fig)), axis


def test_heatmap_colour_bars_use_decimal_commas() -> None:
    matrix = pd.DataFrame([[1.0, 0.35], [0.35, 1.0]], index=["a", "b"], columns=["a", "b"])
    labels = _labels(ff_plots.heatmap(matrix, "Tittel", decimals=2, vmin=0, vmax=1))
    bar = labels[-1]  # the colour bar is drawn last
    assert bar and all("." not in lab for lab in bar) and any("," in lab for lab in bar), labels


def test_every_chart_of_the_catalogue_has_trustworthy_tick_labels(built_catalogue) -> None:
    problems = {}
    for page in sorted(Path(built_catalogue["reports"]).glob("*.html")):
        for k, svg in enumerate(charts(page.read_text("utf-8"))):
            if found := label_problems(svg):
                problems[f"{page.name} chart {k + 1}"] = found[:3]
    assert not problems, problems
