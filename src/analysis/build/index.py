"""``reports/index.html`` and the share bundle's index: one Jinja template (``templates/index.html.j2``)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from analysis import __version__
from analysis.build.catalogue import Catalogue

TEMPLATE = Path(__file__).resolve().parent / "templates" / "index.html.j2"
_STATUS_LABELS = {
    "ok": "Bygget",
    "failed": "Feilet",
    "missing": "Mangler data",
    "waiting": "Venter på data",
    None: "Ikke bygget",
}


def _status_label(status: str | None) -> str:
    return _STATUS_LABELS.get(status, status or "Ikke bygget")


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.from_string(TEMPLATE.read_text(encoding="utf-8"))


def index_rows(catalogue: Catalogue, manifest: dict[str, Any], *, only_shareable: bool = False) -> list[dict]:
    """One row per report for the index: title, link, status, sharing, illustrative, build time (plain text)."""
    rows = []
    for entry in catalogue.reports:
        if only_shareable and not entry.shareable:
            continue
        rec = manifest.get("reports", {}).get(entry.id, {})
        status = rec.get("status")
        rows.append(
            {
                "title": entry.title,
                "href": f"{entry.output}.html" if rec.get("html") else None,
                "error": rec.get("error") if status in ("failed", "missing", "waiting") else None,
                "css": {"ok": "ok", "failed": "failed", "missing": "failed", "waiting": "waiting"}.get(
                    status or "", "notbuilt"
                ),
                "status": _status_label(status),
                "shareable": "Ja" if entry.shareable else "Nei (intern)",
                "illustrative": "Ja" if rec.get("illustrative") else ("–" if status is None else "Nei"),
                "built": rec.get("built", "–"),
            }
        )
    return rows


def render_index(catalogue: Catalogue, manifest: dict[str, Any], *, only_shareable: bool = False) -> str:
    """The index page (self-contained, Norwegian): every report with its status and a link.

    ``only_shareable`` gives the share bundle's index: only reports that may leave the municipality,
    and no build-failure summary.
    """
    statuses = [manifest.get("reports", {}).get(e.id, {}).get("status") for e in catalogue.reports]
    return _template().render(
        title="Rapporter som kan deles" if only_shareable else "Rapporter",
        rows=index_rows(catalogue, manifest, only_shareable=only_shareable),
        failed=0 if only_shareable else statuses.count("failed"),
        missing=0 if only_shareable else statuses.count("missing"),
        version=__version__,
    )
