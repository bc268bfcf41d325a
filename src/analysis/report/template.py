"""The nbconvert template every report page is rendered with, and the markers the build looks for.

Kept free of heavy imports: the build reads it in the parent process.
"""

from __future__ import annotations

from pathlib import Path

#: Folder of the nbconvert templates (``report/`` inside it is the report page template).
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
#: CSS class of the banner every report built from illustrative data shows
#: (:func:`analysis.report.html.illustrative_notice`); the build finds it in the executed notebook.
ILLUSTRATIVE_CLASS = "illustrative-notice"
#: The class of the one message of a report whose required data are missing (:func:`.html.missing_data`).
MISSING_CLASS = "missing-data"


def report_css() -> str:
    """The report stylesheet inlined into every page."""
    return (TEMPLATE_DIR / "report" / "report.css").read_text(encoding="utf-8")
