"""Links between reports: the catalogue says which report links to which, the build resolves them.

An entry's ``links`` field maps a key the notebook understands (``population``, ``forcefield``,
``survey`` for the goals overview) to the id of another report. The build injects the resolved
links as the notebook parameter ``links`` (see :func:`analysis.build.parameters.build_parameters`),
so no analysis needs to read the catalogue or know notebook names. The catalogue checks that every
target exists and that a shareable report links only to shareable ones.
"""

from __future__ import annotations

from analysis.build.catalogue import Catalogue, ReportEntry


def resolve(entry: ReportEntry, catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """``{key: {"title": <target title>, "href": "<target output>.html"}}`` for ``entry``'s links.

    Keys whose target is missing are left out (the catalogue's validation already reports them).
    """
    out: dict[str, dict[str, str]] = {}
    for key, target_id in entry.links.items():
        target = catalogue.get(target_id)
        if target is not None:
            out[key] = {"title": target.title, "href": f"{target.output}.html"}
    return out
