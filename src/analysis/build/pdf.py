"""PDF for the meeting papers: an A4 PDF of each built report, from the same HTML, with Chromium.

Councils read their papers as PDF in the meeting system. :func:`write_pdfs` opens every built report in
headless Chromium (Debian's ``/usr/bin/chromium`` through Playwright; ``ANALYSIS_CHROMIUM`` points
elsewhere) with the network blocked, and prints it to A4 with the report's title and date at the top and
«Side n av m» at the bottom of every page, tagged (PDF/UA-friendly structure where Chromium gives it) and
with an outline of the headings. The page's print stylesheet keeps charts, tables and cards whole and
headings with what follows; links stay links; fonts are embedded by Chromium (æøå included).
"""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from analysis.errors import AnalysisError

try:  # Playwright is an optional extra ('.[pdf]'); without it, asking for PDF says what to install
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the installation
    sync_playwright = None
    PlaywrightError = Exception

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
MARGIN = {"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}
_HEADER = (
    '<div style="font-size:8px;width:100%;padding:0 14mm;color:#4a4a4a;display:flex;justify-content:space-between;">'
    "<span>{title}</span><span>{date}</span></div>"
)
_FOOTER = (
    '<div style="font-size:8px;width:100%;padding:0 14mm;color:#4a4a4a;text-align:center;">'
    'Side <span class="pageNumber"></span> av <span class="totalPages"></span></div>'
)


def chromium_path() -> str | None:
    """The Chromium to print with: ``ANALYSIS_CHROMIUM``, Debian's, or one on PATH."""
    env = os.environ.get("ANALYSIS_CHROMIUM", "").strip()
    if env:
        return env
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def write_pdfs(reports: Iterable[tuple[Path, str, str]], *, timeout_ms: int = 60_000) -> dict[str, str]:
    """Print each ``(html_path, title, date)`` to ``html_path.with_suffix('.pdf')``; returns html name → pdf name.

    Raises :class:`AnalysisError` with what to install when Playwright or Chromium is missing.
    """
    reports = list(reports)
    if not reports:
        return {}
    if sync_playwright is None:
        raise AnalysisError("PDF needs Playwright: pip install -e '.[pdf]' (and Chromium: apt install chromium)")
    browser_path = chromium_path()
    if browser_path is None:
        raise AnalysisError("PDF needs Chromium: apt install chromium, or set ANALYSIS_CHROMIUM to a Chrome/Chromium")
    written: dict[str, str] = {}
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        except PlaywrightError as exc:
            raise AnalysisError(f"could not start Chromium ({browser_path}): {str(exc).splitlines()[0]}") from exc
        try:
            context = browser.new_context(offline=True)
            context.route(
                "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
            )
            for path, title, date in reports:
                page = context.new_page()
                page.goto(path.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
                page.emulate_media(media="print")
                target = path.with_suffix(".pdf")
                tmp = target.with_name(f".{target.name}.tmp")
                page.pdf(
                    path=str(tmp),
                    format="A4",
                    margin=MARGIN,
                    print_background=True,
                    display_header_footer=True,
                    header_template=_HEADER.format(title=html.escape(title), date=html.escape(date)),
                    footer_template=_FOOTER,
                    tagged=True,
                    outline=True,
                )
                tmp.replace(target)
                page.close()
                written[path.name] = target.name
        finally:
            browser.close()
    return written
