"""``reports/index.html`` for readers, ``reports/status.html`` for the analyst, and the share bundle's index.

Two Jinja templates (``templates/index.html.j2``, ``templates/status.html.j2``), autoescaped. The index
points readers to the overview first («Start her»), lists the reports by purpose (the catalogue's
``category``) with the date and the one-line summary each report gave (:func:`analysis.report.html.summary`),
and says on one line at the bottom how the last build went; the status page lists every report's status.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from analysis import __version__
from analysis.build.catalogue import Catalogue

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATUS_PAGE = "status.html"
OTHER = "Andre rapporter"
_STATUS_LABELS = {
    "ok": "Bygget",
    "failed": "Feilet",
    "missing": "Mangler data",
    "waiting": "Venter på data",
    None: "Ikke bygget",
}
_CSS = {"ok": "ok", "failed": "failed", "missing": "failed", "waiting": "waiting"}


def _status_label(status: str | None) -> str:
    return _STATUS_LABELS.get(status, status or "Ikke bygget")


@functools.lru_cache(maxsize=2)
def _template(name: str) -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.from_string((TEMPLATES / name).read_text(encoding="utf-8"))


def index_rows(catalogue: Catalogue, manifest: dict[str, Any], *, only_shareable: bool = False) -> list[dict]:
    """One row per report: title, link, PDF, summary, status, sharing, illustrative, build time (plain text)."""
    rows = []
    for entry in catalogue.reports:
        if only_shareable and not entry.shareable:
            continue
        rec = manifest.get("reports", {}).get(entry.id, {})
        status = rec.get("status")
        rows.append(
            {
                "id": entry.id,
                "title": entry.title,
                "category": entry.category or OTHER,
                "start_here": entry.start_here,
                "href": f"{entry.output}.html" if rec.get("html") else None,
                "pdf": rec.get("pdf"),
                "summary": rec.get("summary") if status == "ok" else None,
                "note": rec.get("error") if status in ("failed", "missing", "waiting") else None,
                "error": rec.get("error") if status in ("failed", "missing", "waiting") else None,
                "css": _CSS.get(status or "", "notbuilt"),
                "status": _status_label(status),
                "shareable": entry.shareable,
                "illustrative": bool(rec.get("illustrative")),
                "built": rec.get("built", ""),
            }
        )
    return rows


def _status_line(rows: list[dict]) -> str:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    parts = [f"{n} {label.lower()}" for label, n in counts.items()]
    return "Siste bygging: " + ", ".join(parts) + "." if parts else ""


def render_index(catalogue: Catalogue, manifest: dict[str, Any], *, only_shareable: bool = False) -> str:
    """The index page for readers (self-contained, Norwegian).

    ``only_shareable`` gives the share bundle's index: only reports that may leave the municipality, and
    no build status.
    """
    rows = index_rows(catalogue, manifest, only_shareable=only_shareable)
    start = [r for r in rows if r["start_here"]]
    groups: dict[str, list[dict]] = {}
    for r in rows:
        if not r["start_here"]:
            groups.setdefault(r["category"], []).append(r)
    failed = sum(1 for r in rows if r["status"] == "Feilet")
    missing = sum(1 for r in rows if r["status"] == "Mangler data")
    alerts = []
    if not only_shareable and failed:
        alerts.append(f"{failed} rapport(er) feilet ved siste bygging.")
    if not only_shareable and missing:
        alerts.append(f"{missing} rapport(er) mangler data; se hva som må legges inn under rapporten.")
    return _template("index.html.j2").render(
        title="Rapporter som kan deles" if only_shareable else "Rapporter",
        start=start,
        groups=list(groups.items()),
        alerts=" ".join(alerts),
        status_line="" if only_shareable else _status_line(rows),
        status_href=None if only_shareable else STATUS_PAGE,
        version=__version__,
    )


def render_status(catalogue: Catalogue, manifest: dict[str, Any]) -> str:
    """The analyst's status page: every report with its status, error or missing data, and build time."""
    rows = index_rows(catalogue, manifest)
    for r in rows:
        r["shareable"] = "Ja" if r["shareable"] else "Nei (intern)"
        r["illustrative"] = "Ja" if r["illustrative"] else ("–" if r["status"] == "Ikke bygget" else "Nei")
        r["built"] = r["built"] or "–"
    return _template("status.html.j2").render(rows=rows, version=__version__)
