"""One plotting style for every report.

Charts are made with matplotlib's object API (``new_figure``), never through
``pyplot``, so a notebook shows a chart only when it calls
``analysis.report.html.figure`` with alt text. Colours come from the Okabe–Ito
palette, which survives the common forms of colour-blindness; charts also
differ by hatch/marker or lightness so they survive greyscale printing.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

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


def norwegian_axis(axis, decimals: int = 0, percent: bool = False) -> None:
    """Format an axis' tick labels the Norwegian way (``1 287``, ``12,5``, ``40 %``)."""

    if percent:
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{fmt_num(v * 100, decimals)} %"))
    else:
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_num(v, decimals)))


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


def figure_svg(fig: Figure) -> str:
    """Render a figure to an SVG element (text as text), deterministically (no date or software metadata)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and doctype: the SVG goes inline in the page
    return svg.replace("'DejaVu Sans'", SVG_FONTS)


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
