"""Check a report's parameters against its notebook, with papermill's own inspection.

Kept apart from :mod:`analysis.build.catalogue` because it imports papermill (half a second):
a rebuild with nothing to do never needs it.

* :func:`notebook_parameters` asks papermill which parameters a notebook declares;
* :func:`check_parameters` lists what is wrong with an entry's parameters (empty = fine);
* :func:`build_parameters` is what the build injects: the entry's own parameters plus the
  build parameters (``shareable``, ``allow_quotes``, ``links``) a notebook declares.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from papermill import inspect_notebook

from analysis.build import links
from analysis.build.catalogue import Catalogue, ReportEntry
from analysis.errors import AnalysisError

#: Parameters the build passes to every notebook that declares them (never set in the catalogue).
BUILD_PARAMETERS = ("shareable", "allow_quotes", "links")


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares, from papermill's own inspection.

    Returns ``{name: {"default": str | None, "type": str}}``. A *required*
    parameter (no usable default) is declared with a type annotation and the
    value ``None`` -- ``kommunenummer: str = None`` -- and gets ``default``
    ``None``; an unannotated ``peers = None`` is an ordinary optional default.
    """

    if not notebook.is_file():
        raise AnalysisError("the notebook does not exist", file=notebook)
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (ValueError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"the notebook is not valid JSON: {exc}", file=notebook) from None
    if not any("parameters" in (c.get("metadata", {}).get("tags") or []) for c in cells):
        raise AnalysisError("the notebook has no cell tagged 'parameters'", file=notebook)
    params = inspect_notebook(str(notebook))
    declared = {}
    for name, p in params.items():
        type_name = str(p["inferred_type_name"])
        required = p["default"] == "None" and type_name not in ("None", "") and not type_name.startswith("Optional")
        declared[name] = {"default": None if required else p["default"], "type": type_name}
    return declared


def check_parameters(entry: ReportEntry, declared: dict[str, dict[str, Any]]) -> list[str]:
    """Problems with an entry's parameters against what the notebook declares (empty = fine)."""
    problems = []
    for name in sorted(entry.parameters):
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            problems.append(
                f"report '{entry.id}': parameter '{name}' is not declared in the parameters cell of "
                f"{entry.notebook} (declared: {known})"
            )
    if entry.links and "links" not in declared:
        problems.append(
            f"report '{entry.id}': the catalogue gives it links to other reports, but {entry.notebook} "
            "declares no 'links' parameter"
        )
    for name in sorted(set(entry.parameters) & set(BUILD_PARAMETERS)):
        problems.append(f"report '{entry.id}': '{name}' is set by the build; remove it from the entry's parameters")
    for name, info in sorted(declared.items()):
        if info["default"] is None and name not in entry.parameters and name not in BUILD_PARAMETERS:
            problems.append(
                f"report '{entry.id}': the notebook declares parameter '{name}' without a default, "
                "and the catalogue entry does not give it"
            )
    return problems


def build_parameters(
    entry: ReportEntry, declared: dict[str, dict[str, Any]], catalogue: Catalogue | None = None
) -> dict[str, Any]:
    """Parameters to inject: the entry's own, plus ``shareable``/``allow_quotes``/``links`` if declared.

    ``links`` maps each key of the entry's ``links`` field to the linked report's title and file
    (``{"population": {"title": ..., "href": "befolkningsutvikling-engerdal.html"}}``).
    """
    params = dict(entry.parameters)
    for name in BUILD_PARAMETERS:
        if name in declared and name not in params:
            params[name] = resolve_links(entry, catalogue) if name == "links" else getattr(entry, name)
    return params


def resolve_links(entry: ReportEntry, catalogue: Catalogue | None) -> dict[str, dict[str, str]]:
    """The reports ``entry`` links to, as ``{key: {"title", "href"}}`` (see :mod:`analysis.build.links`)."""
    return links.resolve(entry, catalogue) if catalogue is not None else {}
