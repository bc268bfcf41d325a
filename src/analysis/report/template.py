"""The nbconvert template every report page is rendered with, and the markers the build looks for.

Kept free of heavy imports: the build reads it in the parent process.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

#: Folder of the nbconvert templates (``report/`` inside it is the report page template).
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
#: CSS class of the banner every report built from illustrative data shows
#: (:func:`analysis.report.html.illustrative_notice`); the build finds it in the executed notebook.
ILLUSTRATIVE_CLASS = "illustrative-notice"
#: The class of a report's one-line summary (:func:`.html.summary`); the build shows it in the index.
SUMMARY_CLASS = "report-lead"
#: The class of the one message of a report whose required data are missing (:func:`.html.missing_data`).
MISSING_CLASS = "missing-data"


def report_css() -> str:
    """The report stylesheet inlined into every page."""
    return (TEMPLATE_DIR / "report" / "report.css").read_text(encoding="utf-8")


#: A page with at least this many sections gets a table of contents (longer than about two screens).
TOC_MIN_SECTIONS = 4
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)


def add_toc(page: str, min_sections: int = TOC_MIN_SECTIONS) -> str:
    """Insert a table of contents of the page's ``<h2>`` sections at the top of ``<main>``.

    Only pages with at least ``min_sections`` sections get one; headings keep their own ids (the
    notebook's Markdown headings), so the links are the anchors nbconvert writes.

    >>> page = '<main id="innhold">' + "".join(f'<h2 id="s{i}">Del {i}<a class="anchor-link" href="#s{i}">¶</a></h2>' for i in range(4)) + "</main>"
    >>> '<nav class="toc"' in add_toc(page), '<a href="#s3">Del 3</a>' in add_toc(page)
    (True, True)
    >>> add_toc(page, 5) == page
    True
    """
    found = _H2.findall(page)
    if len(found) < min_sections or "<main" not in page:
        return page
    items = []
    for anchor, inner in found:
        title = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.S)))
        items.append(f'<li><a href="#{html.escape(anchor, quote=True)}">{html.escape(title.strip())}</a></li>')
    nav = (
        '<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">Innhold</h2><ol>'
        + "".join(items)
        + "</ol></nav>"
    )
    start = page.index("<main")
    end = page.index(">", start) + 1
    return page[:end] + nav + page[end:]
