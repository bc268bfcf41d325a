"""Workshop and village-meeting data (issue 3): readers, cleaning, template, validation.

Public entry points (heavy libraries are imported on first use):

* :func:`run_clean` — ``analysis clean`` for workshop notes;
* :func:`load_statements` — the cleaned ``statements`` table;
* :func:`load_manifest` — lineage of the last clean run;
* :func:`write_template` / :func:`read_template` — the input workbook.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["run_clean", "load_statements", "load_manifest", "write_template", "read_template"]


def run_clean(data_dir: Path, processed_dir: Path, log: Callable[[str], None] = print) -> bool:
    """Clean ``data_dir/raw/workshops`` (and ``grendemoter``) into ``processed_dir``; False if a file was unreadable."""
    from analysis.workshops.pipeline import run_clean as _run

    return _run(data_dir, processed_dir, log)


def load_statements(processed_dir: Path | None = None) -> "pd.DataFrame":
    """The cleaned statements table; AnalysisError ("run `analysis clean`") when missing."""
    from analysis.workshops.pipeline import load_statements as _load

    return _load(processed_dir)


def load_manifest(processed_dir: Path | None = None) -> dict:
    """The manifest of the last workshop clean run."""
    from analysis.workshops.pipeline import load_manifest as _load

    return _load(processed_dir)


def write_template(path: Path, statements: "pd.DataFrame | None" = None) -> Path:
    """Write the workshop input workbook (optionally pre-filled with ``statements``)."""
    from analysis.workshops.template import write_template as _write

    return _write(path, statements)


def read_template(path: Path) -> "pd.DataFrame":
    """Read a filled template into a cleaned statements table."""
    from analysis.workshops.template import read_template as _read

    return _read(path)
