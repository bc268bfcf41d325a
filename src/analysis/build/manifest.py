"""What was built from what: content hashes and the build manifest (``reports/build-manifest.json``).

A report is up to date when

* its key -- a hash over the package's code, the notebook, the expanded catalogue entry, the links it
  resolves, the files its ``requires`` check looks at and the catalogue's ``inputs`` (optional extras) --
  equals the key of its last successful build,
* every file its notebook read in that build (found, not declared: the package's readers record them,
  :mod:`analysis.lineage`, and the build keeps the record as ``found_inputs``) still has the content it
  had then (a file that was looked for and absent must still be absent), and
* both of its files exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis import __version__, lineage, paths
from analysis.build import links
from analysis.build.catalogue import Catalogue, ReportEntry
from analysis.fileio import atomic_write_text, bytes_hash, file_hash

MANIFEST_NAME = "build-manifest.json"


# Bump when the way reports are rendered changes in a way the code hash would not catch.
PIPELINE_FORMAT = 2

#: The files each ``requires`` check reads before a kernel starts (analysis.build.requirements): a report
#: whose data were missing was never run, so nothing was recorded; these make it rebuild when data arrive.
REQUIREMENT_FILES = {
    "population": (
        "{root}/profile.yaml",
        "{ssb}/population.parquet",
        "{ssb}/population_by_age.csv.gz",
        "{ssb}/regions.csv",
        "{ssb}/norway_mortality_by_age.csv",
        "{ssb}/norway_fertility_by_age.csv",
    ),
    "workshops": ("{processed}/statements.parquet",),
    "survey": ("{processed}/survey_responses.parquet",),
}


_CODE_SUFFIXES = {".py", ".yaml", ".yml", ".j2", ".css", ".json", ".txt", ".csv"}


def code_hash(package_dir: Path = paths.PACKAGE_DIR) -> str:
    """A hash over the package's own source files (code, templates, codebooks)."""
    parts = []
    for p in sorted(package_dir.rglob("*")):
        if p.is_file() and p.suffix in _CODE_SUFFIXES and "__pycache__" not in p.parts:
            parts.append(f"{p.relative_to(package_dir).as_posix()}:{file_hash(p)}")
    return bytes_hash("\n".join(parts).encode())


class HashCache:
    """File hashes computed once per build (a file read by several reports is hashed once);
    :data:`analysis.lineage.ABSENT` for a path that is not a file."""

    def __init__(self) -> None:
        self._cache: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        if path not in self._cache:
            self._cache[path] = file_hash(path) if path.is_file() else lineage.ABSENT
        return self._cache[path]


def _display_path(path: Path) -> str:
    """A path relative to a known folder, so manifests do not depend on where the data lives."""
    return lineage.portable(path)


def requirement_inputs(entry: ReportEntry, hasher: Callable[[Path], str]) -> dict[str, str]:
    """Hashes of the files the entry's ``requires`` checks look at (``absent`` for a missing one)."""
    names = sorted({name for need in entry.requires for name in REQUIREMENT_FILES.get(need, ())})
    return {name: hasher(lineage.resolve(name)) for name in names}


def found_inputs_unchanged(found: dict[str, str] | None, hasher: Callable[[Path], str]) -> bool:
    """True when every recorded file still has its recorded hash (``None``: no record, so never unchanged)."""
    if found is None:
        return False
    return all(hasher(lineage.resolve(name)) == digest for name, digest in found.items())


def report_key(
    entry: ReportEntry, code: str, hasher: Callable[[Path], str], catalogue: Catalogue | None = None
) -> tuple[str, dict[str, str]]:
    """The content key of a report and the input hashes it was computed from.

    With ``catalogue``, the titles and files of the reports it links to are part of the key, so a
    renamed target rebuilds the report that links to it.
    """
    nb_path = entry.notebook_path()
    inputs = {_display_path(p): hasher(p) for p in entry.input_files()}
    material = {
        "format": PIPELINE_FORMAT,
        "version": __version__,
        "code": code,
        "notebook": hasher(nb_path) if nb_path.is_file() else "missing",
        "entry": entry.model_dump(mode="json"),
        "inputs": inputs,
        "requires": requirement_inputs(entry, hasher),
    }
    if entry.links and catalogue is not None:
        material["links"] = links.resolve(entry, catalogue)
    return bytes_hash(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()), inputs


def read_manifest(reports_dir: Path) -> dict[str, Any]:
    path = reports_dir / MANIFEST_NAME
    if not path.is_file():
        return {"reports": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return {"reports": {}}
    data.setdefault("reports", {})
    return data


def write_manifest(reports_dir: Path, manifest: dict[str, Any]) -> None:
    atomic_write_text(
        reports_dir / MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )


def is_up_to_date(
    entry: ReportEntry,
    key: str,
    manifest: dict[str, Any],
    reports_dir: Path,
    hasher: Callable[[Path], str] | None = None,
) -> bool:
    """True when the last build of ``entry`` finished (built, or found its data missing) with the same key,
    every file its notebook read then is unchanged, and its files exist; a failed report is always built
    again."""
    rec = manifest.get("reports", {}).get(entry.id)
    if not rec or rec.get("key") != key or rec.get("status") not in ("ok", "missing", "waiting"):
        return False
    if not found_inputs_unchanged(rec.get("found_inputs"), hasher or HashCache()):
        return False
    return (reports_dir / f"{entry.output}.html").is_file() and (reports_dir / f"{entry.output}.ipynb").is_file()
