"""One plotting style for every report.

Charts are made with matplotlib's object API (``new_figure``), never through
``pyplot``, so a notebook shows a chart only when it calls
``analysis.report.html.figure`` with alt text. Colours come from the Okabe–Ito
palette, which survives the common forms of colour-blindness; charts also
differ by hatch/marker or lightness so they survive greyscale printing.
"""

from __future__ import annotations

import codecs
import functools
import io
import textwrap

import matplotlib
from cycler import cycler
from matplotlib import cbook
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager, get_font
from matplotlib.text import Text
from matplotlib.textpath import TextToPath
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator

from analysis.numfmt import fmt_num

# Okabe & Ito (2008), colour-blind safe.
OKABE_ITO = {
    "orange": "#E69F00",
    "skyblue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#8C8C8C",
}
PALETTE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "skyblue", "yellow", "black")]
# Semantic colours used across reports.
DRIVING = OKABE_ITO["blue"]  # kraft: pushes towards the goal
RESTRAINING = OKABE_ITO["vermillion"]  # motkraft: holds back
FEMALE = OKABE_ITO["vermillion"]
MALE = OKABE_ITO["blue"]
NEUTRAL = OKABE_ITO["grey"]
HIGHLIGHT = OKABE_ITO["orange"]

DPI = 100
_STYLE_APPLIED = False


def apply_style() -> None:
    """Set the project's matplotlib defaults (idempotent)."""
    global _STYLE_APPLIED
    if _STYLE_APPLIED:
        return

    matplotlib.use("Agg", force=False)

    matplotlib.rcParams.update(
        {
            "font.family": "DejaVu Sans",  # ships with matplotlib; has æ, ø, å
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 11,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#DDDDDD",
            "grid.linewidth": 0.8,
            "axes.prop_cycle": cycler(color=PALETTE),
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.autolayout": False,
            "legend.frameon": False,
            "axes.formatter.use_locale": False,
            "svg.hashsalt": "analysis",
            "svg.fonttype": "none",  # text stays text: readable by screen readers, searchable, small
            "image.cmap": "cividis",
        }
    )
    _STYLE_APPLIED = True


def new_figure(width: float = 9.0, height: float = 5.0, **subplots_kw) -> tuple[Figure, object]:
    """Return ``(fig, axes)`` made without pyplot, styled, with constrained layout."""
    apply_style()

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    axes = fig.subplots(**subplots_kw)
    return fig, axes


class NorwegianFormatter(Formatter):
    """Tick labels the Norwegian way (``1 287``, ``12,5``, ``40 %``), never two ticks with the same label.

    ``decimals`` is the fewest decimals shown. When the ticks are closer than that shows (an index between
    100 and 102 in quarter steps), each label gets the decimals its tick needs, so every tick reads as
    the value it marks instead of ``100 100 101 101``.
    """

    MAX_DECIMALS = 3

    def __init__(self, decimals: int = 0, percent: bool = False, absolute: bool = False) -> None:
        self.decimals = decimals
        self.percent = percent
        self.absolute = absolute  # a pyramid's two sides: «20 10 0 10 20»
        self.shown = decimals

    def _scaled(self, value: float) -> float:
        value = abs(value) if self.absolute else value
        return value * 100 if self.percent else value

    def set_locs(self, locs) -> None:
        self.shown = decimals_to_show([self._scaled(v) for v in locs], self.decimals, self.MAX_DECIMALS)

    def __call__(self, x, pos=None) -> str:
        text = fmt_num(self._scaled(x), self.shown)
        return f"{text} %" if self.percent else text


def decimals_to_show(values, fewest: int = 0, most: int = 3) -> int:
    """The fewest decimals (at least ``fewest``, at most ``most``) that write every value exactly.

    >>> decimals_to_show([100, 101, 102]), decimals_to_show([100, 100.5, 101]), decimals_to_show([0.25, 0.5])
    (0, 1, 2)
    """
    for d in range(fewest, most + 1):
        if all(abs(round(v, d) - v) < 1e-9 * max(1.0, abs(v)) for v in values):
            return d
    return max(fewest, most)


def norwegian_axis(axis, decimals: int = 0, percent: bool = False) -> None:
    """Format an axis' tick labels the Norwegian way (``1 287``, ``12,5``, ``40 %``): :class:`NorwegianFormatter`."""

    axis.set_major_formatter(NorwegianFormatter(decimals, percent=percent))


def year_axis(axis) -> None:
    """An axis of calendar years: ticks on whole years only, written as years (``2025``, never ``2025.0``
    or ``2 025``), also when the series covers two or three years."""

    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: str(round(v))))


def wrap_label(text: str, width: int = 40, max_lines: int = 3) -> str:
    """Wrap a long label for a chart axis; truncate with an ellipsis beyond ``max_lines``.

    >>> wrap_label("Mangel på utleieboliger for unge voksne som vil flytte hjem", 25)
    'Mangel på utleieboliger\\nfor unge voksne som vil\\nflytte hjem'
    """

    lines = textwrap.wrap(str(text), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, width - 1)].rstrip() + "…"
    return "\n".join(lines)


#: Fonts the browser uses for a chart's text (DejaVu Sans is what matplotlib measured with).
SVG_FONTS = "'DejaVu Sans', 'Verdana', 'Bitstream Vera Sans', sans-serif"


def smallest_font(fig: Figure) -> float:
    """The smallest font size (points) of any visible text in ``fig``."""
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return float(min(sizes)) if sizes else float(matplotlib.rcParams["font.size"])


#: One text measurer for every SVG chart (matplotlib gives each renderer its own, and with it an empty cache).
_TEXT_TO_PATH = TextToPath()


@functools.lru_cache(maxsize=8192)
def _svg_text_metrics(text: str, prop: FontProperties, ismath: bool | str) -> tuple[float, float, float]:
    """Width, height and descent (points) of ``text`` as the SVG renderer measures it.

    The measurement depends only on the text, the font properties and math mode (the SVG renderer always
    works at 72 dpi), not on the renderer, so it is kept for the whole process; ``prop`` is a copy, which
    nobody changes after it is a key.
    """
    return _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath)


@functools.lru_cache(maxsize=256)
def _svg_font_height(prop: FontProperties) -> tuple[float, float, float] | tuple[None, None, None]:
    """A font's ascent, descent and line gap in points, from its OS/2 or hhea table, at 72 dpi.

    The computation of ``matplotlib.text.Text._get_layout`` (3.11), which reads the font's tables afresh for
    every text it lays out; kept here per font and size. ``(None, None, None)`` lets matplotlib measure.
    """
    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap_key, ascent_key, descent_key in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = prop.get_size_in_points() / font.get_sfnt_table("head")["unitsPerEm"]
        return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
    return None, None, None


class _RendererSVG(RendererSVG):
    """matplotlib's SVG renderer, measuring text through the process-wide caches above."""

    #: The figure being drawn (set by :class:`_CanvasSVG`); the font heights above hold at 72 dpi only.
    figure: Figure | None = None

    #: The smallest font size (points) of the text drawn so far (``None``: no text yet).
    smallest_size: float | None = None

    def get_text_width_height_descent(self, s, prop, ismath):
        return _svg_text_metrics(s, prop.copy(), ismath)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip():
            size = prop.get_size_in_points()
            self.smallest_size = size if self.smallest_size is None else min(self.smallest_size, size)
        super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)

    def _get_font_height_metrics(self, prop):
        # matplotlib's hook for a backend's own font heights (text.py asks for it before reading the tables)
        if self.figure is None or self.figure.dpi != 72:
            return None, None, None
        return _svg_font_height(prop.copy())


class _CanvasSVG(FigureCanvasSVG):
    """matplotlib's SVG canvas drawing with :class:`_RendererSVG`.

    ``print_svg`` is matplotlib's own (3.9–3.11) with the renderer class swapped: the same 72-dpi vector
    renderer, the same output; only the text measurements and font heights are kept between renderers.
    """

    #: The smallest font size (points) of the text the last ``print_svg`` drew (``None``: none drawn).
    smallest_size: float | None = None

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_ignored):
        # print_figure passes dpi, facecolor, edgecolor and orientation to a canvas outside matplotlib; its
        # own SVG canvas does not take them either (the colours are already set on the figure)
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            w, h = width * 72, height * 72
            svg = _RendererSVG(w, h, fh, image_dpi=dpi, metadata=metadata)
            svg.figure = self.figure
            renderer = MixedModeRenderer(self.figure, width, height, dpi, svg, bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)
            renderer.finalize()
            self.smallest_size = svg.smallest_size


def figure_svg(fig: Figure) -> str:
    """Render a figure to an SVG element (text as text), deterministically (no date or software metadata)."""
    return svg_and_smallest_font(fig)[0]


def svg_and_smallest_font(fig: Figure) -> tuple[str, float]:
    """The figure as an SVG element (:func:`figure_svg`) and the smallest font size (points) of its text.

    The size is that of the text the renderer drew (:func:`smallest_font` without walking the figure's
    artists once more).

    The figure is drawn once. ``savefig`` on a figure with a layout engine first draws the whole figure
    with drawing switched off, only so that the layout runs, and then draws it again for real; here the
    layout runs on its own (measured with the same 72-dpi SVG renderer the pre-draw would use) and the
    figure is then saved without its engine, so it is drawn once; text is measured with
    :class:`_CanvasSVG`'s shared measurements. The SVG is the same, byte for byte (checked on every report
    of the catalogue and on population reports of eight municipalities). A population report's cells took
    6.29 G instructions before, 5.27 G drawing once, 4.52 G with the shared measurements too and 4.48 G
    with the smallest font taken from the drawing (valgrind callgrind, in one process). The figure's canvas, dpi and layout engine are put back afterwards.
    """
    buf = io.StringIO()
    canvas, engine, dpi = fig.canvas, fig.get_layout_engine(), fig.dpi
    svg_canvas = _CanvasSVG(fig)
    try:
        if engine is not None:
            fig.dpi = 72  # what the SVG canvas draws at
            engine.execute(fig)
            fig.set_layout_engine(None)
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)
        fig.dpi = dpi
        fig.set_canvas(canvas)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and doctype: the SVG goes inline in the page
    smallest = svg_canvas.smallest_size
    return svg.replace("'DejaVu Sans'", SVG_FONTS), float(
        matplotlib.rcParams["font.size"] if smallest is None else smallest
    )


TITLE_SIZE = 13


def chart_title(fig: Figure, text: str, max_lines: int = 3) -> None:
    """The chart's title across the whole figure, left-aligned and wrapped to its width (never cut off).

    Placed as the figure's title (not the axes'), so long tick labels on the left do not push it past
    the right edge; constrained layout makes room for it.
    """
    width_pt = fig.get_size_inches()[0] * 72
    chars = max(20, int(width_pt / (TITLE_SIZE * 0.62)))
    fig.suptitle(wrap_label(text, chars, max_lines), x=0.01, ha="left", fontweight="bold", fontsize=TITLE_SIZE)


def title_of(fig: Figure) -> str:
    """A chart's title as readers see it (the figure's title, else the first axes' left title)."""
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text():
        return sup.get_text()
    return fig.axes[0].get_title(loc="left") if fig.axes else ""


def figure_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes, deterministically (no timestamp or software metadata)."""

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()
