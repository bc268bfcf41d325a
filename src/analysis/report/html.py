"""Building blocks notebooks use to show things to report readers.

Every helper returns an ``IPython.display.HTML`` object (display it by making
it the last expression of a cell, or with ``display(...)``). All text that can
come from data — statements, survey answers, group names — is HTML-escaped
here, so a ``<script>`` typed into a workshop note stays inert text. Only
``markdown()`` renders trusted text written by the notebook author.

Readers see Norwegian; numbers are formatted by :mod:`analysis.numfmt`, charts are styled by
:mod:`analysis.report.style`.
"""

from __future__ import annotations

import hashlib
import html
import numbers
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from IPython.display import HTML, Markdown

from analysis.numfmt import MISSING, fmt_num
from analysis.report.style import svg_and_smallest_font
from analysis.report.template import ILLUSTRATIVE_CLASS, MISSING_CLASS, SUMMARY_CLASS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

ILLUSTRATIVE_TEXT = (
    "Merk: {what} i denne rapporten er illustrative eksempeldata, laget for å vise hvordan "
    "analysen fungerer. De er ikke kommunens egne notater eller svar."
)


#: The space between thousands in a number the Norwegian way («1 287»): kept on one line (no-break space).
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


def esc(text: Any) -> str:
    """HTML-escape any value (``None`` becomes an empty string); a number's thousands stay on one line.

    >>> esc("1 287 innbyggere")
    '1\xa0287 innbyggere'

    >>> esc('<script>alert("x")</script> & Drevsjø')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Drevsjø'
    """
    if text is None:
        return ""
    return _THOUSANDS.sub("\u00a0", html.escape(str(text), quote=True))


def _html(markup: str) -> HTML:

    return HTML(markup)


def paragraph(text: str, *, css_class: str | None = None) -> HTML:
    """A paragraph of escaped text."""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return _html(f"<p{cls}>{esc(text)}</p>")


def heading(text: str, level: int = 2) -> HTML:
    """A real HTML heading (``<h2>`` by default) with escaped text."""
    if not 1 <= level <= 6:
        raise ValueError("heading level must be 1-6")
    return _html(f"<h{level}>{esc(text)}</h{level}>")


def markdown(text: str) -> Any:
    """Render trusted Markdown written by the notebook author (never data)."""

    return Markdown(text)


def callout(text: str, *, kind: str = "info", title: str | None = None) -> HTML:
    """A highlighted box: ``kind`` is ``info``, ``caution`` or ``error``.

    Cautions tell the reader about thin data ("Få utsagn: tolk med varsomhet").
    """
    kind = kind if kind in {"info", "caution", "error"} else "info"
    head = f"<strong>{esc(title)}</strong> " if title else ""
    return _html(f'<div class="callout callout-{kind}" role="note">{head}{esc(text)}</div>')


def caution(text: str, title: str = "Tolk med varsomhet:") -> HTML:
    """A visible caution, e.g. for a group with few statements."""
    return callout(text, kind="caution", title=title)


def no_data(text: str) -> HTML:
    """A plain message where there is nothing to show (instead of an empty chart)."""
    return callout(text, kind="info", title="Ingen data:")


def summary(text: str) -> HTML:
    """The report's one-line summary, what the data show (e.g. «Folketallet har falt med 212 siden 2005»).

    Shown as the page's lead; the build also shows it beside the report in ``reports/index.html``
    (it carries the class ``report-lead`` and the text in ``data-summary``).
    """
    return _html(f'<p class="{SUMMARY_CLASS}" data-summary="{esc(text)}">{esc(text)}</p>')


def missing_data(text: str, *, waiting: bool = False) -> HTML:
    """The one message of a report whose required data are missing: what is missing and what to add.

    It carries the class ``missing-data`` and the message in ``data-missing``: the build finds it in the
    executed notebook, marks the report "Mangler data" in the index with this line, and leaves out
    everything after it (no page of empty headings). ``waiting``: the report is optional and waits for
    data, as the index says («Venter på data»); the build sets it, since a notebook cannot know.
    """
    kind, title = ("info", "Venter på data:") if waiting else ("error", "Mangler data:")
    return _html(
        f'<div class="callout callout-{kind} {MISSING_CLASS}" role="status" data-missing="{esc(text)}">'
        f"<strong>{title}</strong> {esc(text)}</div>"
    )


def illustrative_notice(what: str = "Dataene") -> HTML:
    """The banner every report built from illustrative (made-up) data must show.

    It carries the class ``illustrative-notice``: the build looks for it in the executed notebook
    to mark the report as illustrative in its header and in ``reports/index.html``.
    """
    return _html(
        f'<div class="callout callout-caution {ILLUSTRATIVE_CLASS}" role="note">'
        f"<strong>Illustrative data.</strong> {esc(ILLUSTRATIVE_TEXT.format(what=what))}</div>"
    )


def bullet_list(items: Iterable[Any]) -> HTML:
    """An unordered list of escaped items (e.g. statements as the group wrote them)."""
    lis = "".join(f"<li>{esc(item)}</li>" for item in items)
    return _html(f"<ul>{lis}</ul>")


def definition_list(items: Iterable[tuple[Any, Any]], *, css_class: str | None = None) -> HTML:
    """A definition list (``<dl>``) of ``(term, explanation)`` pairs, both escaped (e.g. «Ord og begreper»).

    >>> definition_list([("motkraft", "Noe som <holder> igjen")]).data
    '<dl><div><dt>motkraft</dt><dd>Noe som &lt;holder&gt; igjen</dd></div></dl>'
    """
    cls = f' class="{esc(css_class)}"' if css_class else ""
    rows = "".join(f"<div><dt>{esc(t)}</dt><dd>{esc(d)}</dd></div>" for t, d in items)
    return _html(f"<dl{cls}>{rows}</dl>")


def key_figures(figures: Mapping[str, str]) -> HTML:
    """A row of key figures: ``{"Innbyggere 1.1.2026": "1 287", ...}`` (labels and values escaped)."""
    cells = "".join(
        f'<div class="key-figure"><div class="key-value">{esc(v)}</div><div class="key-label">{esc(k)}</div></div>'
        for k, v in figures.items()
    )
    return _html(f'<div class="key-figures">{cells}</div>')


def _format_cell(value: Any, decimals: int) -> str:

    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, numbers.Integral):
        return fmt_num(value, 0)
    if isinstance(value, numbers.Real):
        return fmt_num(value, decimals)
    if value is None:
        return MISSING
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):
        pass
    return str(value)


def table(
    df: pd.DataFrame,
    caption: str | None = None,
    *,
    decimals: int | Mapping[str, int] = 1,
    index: bool = False,
    max_rows: int | None = None,
) -> HTML:
    """Show a data frame as an accessible HTML table.

    Numbers are formatted the Norwegian way (``decimals`` per column or for
    all), missing values shown as an en dash, every cell and header escaped,
    and ``caption`` becomes the table's ``<caption>``. Does not mutate ``df``.
    """
    frame = df.reset_index() if index else df
    if max_rows is not None:
        frame = frame.head(max_rows)
    cols = list(frame.columns)
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in cols)
    body_rows = []
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(cols, row):
            d = decimals.get(col, 1) if isinstance(decimals, Mapping) else decimals
            text = _format_cell(value, d)
            numeric = text != MISSING and isinstance(value, (int, float)) and not isinstance(value, bool)
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}>{esc(text)}</td>")
        body_rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return _html(
        # a wide table scrolls in its own box; the box can take keyboard focus so it can be scrolled without a mouse
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{esc(caption or "Tabell")}">'
        f'<table class="report-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body_rows)}</tbody></table></div>"
    )


#: The smallest text a chart may show on a phone (CSS pixels); a chart is never shown narrower than that allows.
MIN_CHART_TEXT_PX = 11.0


def figure(fig: Figure, alt: str, *, caption: str | None = None, guide: str | None = None) -> HTML:
    """Show a matplotlib figure as inline SVG with alt text, caption and reading guide.

    ``alt`` is required and must describe what the chart shows (it is the SVG's ``<title>`` and
    accessible name); ``guide`` is the two-sentence "how to read this" text shown under the chart.
    The chart scales with the column, but never so small that its smallest text falls below
    :data:`MIN_CHART_TEXT_PX`: on a narrow phone it keeps that width and scrolls sideways in its own
    box, never the page. The figure is rendered deterministically; it is not cleared afterwards (clearing
    re-creates every axis just to discard it, 3 % of a population report's instructions): a figure made
    without pyplot is freed with its last reference.
    """
    if not alt or not alt.strip():
        raise ValueError("every figure needs alt text")
    width_in, _height_in = fig.get_size_inches()
    native_px = width_in * 96  # CSS pixels at the figure's own size
    svg, smallest = svg_and_smallest_font(fig)
    min_px = native_px * MIN_CHART_TEXT_PX / (smallest * 96 / 72)
    key = hashlib.sha1(svg.encode("utf-8")).hexdigest()[:10]
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r"\1", svg, count=1)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="fig-{key}" ', 1)
    svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + f'<title id="fig-{key}">{esc(alt)}</title>', svg, count=1)
    label = esc(f"Figur: {caption}" if caption else "Figur")
    parts = [
        '<figure class="report-figure">',
        f'<div class="figure-scroll" tabindex="0" role="region" aria-label="{label}">'
        f'<div class="figure-canvas" style="min-width:{min_px:.0f}px;max-width:{native_px:.0f}px">{svg}</div></div>',
    ]
    if caption or guide:
        parts.append("<figcaption>")
        if caption:
            parts.append(f'<span class="fig-caption">{esc(caption)}</span>')
        if guide:
            parts.append(f'<span class="fig-guide">{esc(guide)}</span>')
        parts.append("</figcaption>")
    parts.append("</figure>")
    return _html("".join(parts))
