"""Charts are rendered to SVG once, with the same bytes matplotlib's own ``savefig`` writes (issue 17)."""

from __future__ import annotations

import io
from unittest import mock

import numpy as np
import pytest
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from analysis.report import style


def _chart(layout: str | None) -> Figure:
    """A chart with what reports have: panels, a wrapped bold title, a legend outside, æøå, bars, hatches."""
    style.apply_style()
    fig = Figure(figsize=(9.0, 6.0), dpi=style.DPI, layout="constrained" if layout == "frozen" else layout)
    axes = fig.subplots(3, 1, sharex=True)
    x = np.arange(8)
    for i, ax in enumerate(axes):
        ax.bar(x - 0.2, np.sin(x + i) * 40, width=0.4, color=style.FEMALE, label="Kvinner")
        ax.bar(x + 0.2, np.cos(x + i) * 40, width=0.4, color=style.MALE, hatch="//", label="Menn")
        ax.set_ylabel(f"{2000 + 5 * i}–{2004 + 5 * i}\nnetto")
        style.norwegian_axis(ax.yaxis)
    axes[-1].set_xticks(x, [f"{5 * i}–{5 * i + 4} år" for i in x])
    axes[0].text(1, 30, "Særlig få unge kvinner i Rørosområdet", fontsize=8.5, fontweight="bold")
    fig.legend(loc="outside lower center", ncols=2)
    style.chart_title(fig, "Netto flytting etter alder og kjønn: flere flytter fra kommunen enn til den, " * 2)
    if layout == "frozen":  # laid out once, then kept (as the prioritisation matrix does before placing labels)
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
    return fig


def _savefig_svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    return svg[svg.index("<svg") :].replace("'DejaVu Sans'", style.SVG_FONTS)


@pytest.mark.parametrize("layout", ["constrained", "tight", "frozen", "none", None])
def test_figure_svg_writes_what_savefig_writes_and_draws_the_figure_once(layout) -> None:
    expected_fig, fig = _chart(layout), _chart(layout)
    draw = Figure.draw
    with mock.patch.object(Figure, "draw", autospec=True, side_effect=draw) as drawn:
        expected = _savefig_svg(expected_fig)
        savefig_draws = drawn.call_count
        drawn.reset_mock()
        svg = style.figure_svg(fig)
        assert drawn.call_count == 1
    # what figure_svg saves: savefig's pre-draw, done whenever the figure has a layout engine
    assert savefig_draws == (1 if expected_fig.get_layout_engine() is None else 2)
    assert svg == expected
    assert "Særlig få unge kvinner" in svg  # text stays text


@pytest.mark.parametrize("layout", ["constrained", "frozen", None])
def test_the_smallest_font_drawn_is_the_smallest_font_of_the_figure(layout) -> None:
    fig = _chart(layout)
    fig.axes[1].text(2, 0, "   ", fontsize=4)  # blank text does not count, as in smallest_font
    fig.axes[2].text(3, 10, "Liten tekst", fontsize=7.5).set_visible(False)  # nor hidden text
    expected = style.smallest_font(fig)
    svg, smallest = style.svg_and_smallest_font(fig)
    assert smallest == expected == 8.5
    fig.axes[0].text(3, 10, "Liten tekst", fontsize=7.5)
    assert style.svg_and_smallest_font(fig)[1] == style.smallest_font(fig) == 7.5
    assert style.svg_and_smallest_font(Figure())[1] == style.smallest_font(Figure())  # no text: the rc size


def test_figure_svg_puts_back_the_canvas_dpi_and_layout_engine() -> None:
    fig = _chart("constrained")
    canvas, engine, dpi = fig.canvas, fig.get_layout_engine(), fig.dpi
    first = style.figure_svg(fig)
    assert (fig.canvas, fig.get_layout_engine(), fig.dpi) == (canvas, engine, dpi)
    assert style.figure_svg(fig) == first  # and the figure renders the same again


def test_text_measurements_shared_between_charts_are_those_of_the_renderer() -> None:
    """The process-wide text measurements and font heights are what matplotlib's own SVG renderer gives."""
    fig = Figure(figsize=(4, 3), dpi=72)
    own = RendererSVG(288, 216, io.StringIO())
    for size, weight in ((8.5, "normal"), (13, "bold"), (11, "normal")):
        prop = FontProperties(size=size, weight=weight)
        for text in ("Innbyggere", "1 287", "Særlig få", "To linjer\nav tekst", "Innbyggere"):
            shared = style._RendererSVG(288, 216, io.StringIO())
            shared.figure = fig
            line = text.split("\n")[0]  # a renderer measures one line; a Text lays out its lines
            assert shared.get_text_width_height_descent(line, prop, False) == own.get_text_width_height_descent(
                line, prop, False
            )
            label = fig.text(0.1, 0.5, text, fontproperties=prop)
            assert label.get_window_extent(shared).bounds == label.get_window_extent(own).bounds
    assert style._svg_text_metrics.cache_info().hits > 0
    assert style._svg_font_height.cache_info().hits > 0
    fig.dpi = 100  # the kept font heights hold at 72 dpi; at any other the renderer lets matplotlib measure
    shared.figure = fig
    assert shared._get_font_height_metrics(FontProperties(size=11)) == (None, None, None)
