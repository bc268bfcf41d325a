"""The data a report requires (catalogue ``requires``), checked before a kernel starts.

A report whose required data are missing is not run: the build writes a page with one clear
Norwegian message instead (what is missing and what to add), marks it "Mangler data" in the index
(or "Venter på data" for an ``optional`` entry), and ``analysis build`` fails unless
``--allow-missing``. The same message comes from inside a notebook when it finds less than the
check could see (a municipality number that is not in the snapshot, a group without statements):
:func:`analysis.report.html.missing_data`, found in the executed notebook by :func:`missing_message`.

Messages name folders relative to the project (``data/raw/workshops``), never a path on this machine:
they appear on pages that may be shared.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pyarrow.parquet as pq

from analysis import paths
from analysis.build.catalogue import ReportEntry
from analysis.population import snapshot
from analysis.profile import load_profile
from analysis.report.template import MISSING_CLASS
from analysis.survey.store import RESPONSES_FILE
from analysis.survey.text import NO_ANSWERS
from analysis.workshops.store import STATEMENTS_FILE

NO_PROFILE = (
    "Kommuneprofilen (profile.yaml) mangler. Lag et prosjekt med «analysis init --kommune NNNN», "
    "eller legg profile.yaml i prosjektmappen."
)
NO_WORKSHOPS = (
    "Det er ikke registrert noen utsagn fra workshops eller grendemøter ennå. Legg notatene i mappen "
    "data/raw/workshops (malen lages med «analysis template») og bygg rapportene på nytt (analysis reports)."
)

_MISSING_RE = re.compile(r'class="[^"]*\b' + re.escape(MISSING_CLASS) + r'\b[^"]*"[^>]*\bdata-missing="([^"]*)"')


def _rows(path) -> int | None:
    """Rows in a parquet file (from its footer), or None when it is missing or unreadable."""
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except (OSError, ValueError):
        return None


def _population(entry: ReportEntry) -> str | None:
    if not paths.profile_path().is_file() and "kommunenummer" not in entry.parameters:
        return NO_PROFILE
    region = entry.parameters.get("kommunenummer") or load_profile().kommune.number
    return snapshot.availability_message(snapshot.region_code(region))


def _workshops(entry: ReportEntry) -> str | None:
    rows = _rows(paths.processed_dir() / STATEMENTS_FILE)
    return NO_WORKSHOPS if not rows else None


def _survey(entry: ReportEntry) -> str | None:
    rows = _rows(paths.processed_dir() / RESPONSES_FILE)
    return NO_ANSWERS if not rows else None


CHECKS = {"population": _population, "workshops": _workshops, "survey": _survey}


def missing_requirement(entry: ReportEntry) -> str | None:
    """The Norwegian line saying what to add, for the first required data that are missing; else None."""
    for need in entry.requires:
        message = CHECKS[need](entry)
        if message:
            return message
    return None


def missing_message_in(html_text: str) -> str | None:
    """The message of a :func:`~analysis.report.html.missing_data` output's HTML, or None."""
    hit = _MISSING_RE.search(html_text)
    return html.unescape(hit.group(1)) if hit else None


def missing_message(nb: Any) -> tuple[int, str] | None:
    """``(cell index, message)`` of the first :func:`~analysis.report.html.missing_data` output, or None."""
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/html", "")
            if isinstance(text, list):
                text = "".join(text)
            hit = _MISSING_RE.search(text)
            if hit:
                return i, html.unescape(hit.group(1))
    return None
