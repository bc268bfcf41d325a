"""Where the project lives.

One module knows the project's folders, so nothing depends on the current
directory. Every location can be overridden with an environment variable,
which is how the command line's ``--data-dir``/``--reports-dir`` options and
the tests point the package (and the notebooks it runs) somewhere else.

=========================  ===============================  =========================
function                   environment variable             default
=========================  ===============================  =========================
``project_root()``         ``ANALYSIS_PROJECT_ROOT``        see :func:`project_root`
``data_dir()``             ``ANALYSIS_DATA_DIR``            ``<root>/data``
``raw_dir()``              (follows data_dir)               ``<data>/raw``
``processed_dir()``        ``ANALYSIS_PROCESSED_DIR``       ``<data>/processed``
``reports_dir()``          ``ANALYSIS_REPORTS_DIR``         ``<root>/reports``
``ssb_dir()``              ``ANALYSIS_SSB_DIR``             ``<data>/raw/ssb``
``catalogue_path()``       ``ANALYSIS_CATALOGUE``           ``<root>/catalogue.yaml``
``profile_path()``         ``ANALYSIS_PROFILE``             ``<root>/profile.yaml``
``notebooks_dir()``        (follows project_root)           ``<root>/notebooks``
=========================  ===============================  =========================
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    return _resolved(value, "" if os.path.isabs(os.path.expanduser(value)) else os.getcwd())


@functools.lru_cache(maxsize=256)
def _resolved(value: str, cwd: str) -> Path:
    """``value`` made absolute (from ``cwd`` when relative), symlinks resolved; remembered, because every
    file a reader records asks for every folder again (a build of 357 reports resolved 45 000 of them before
    its first worker started)."""
    return (Path(cwd) / Path(value).expanduser()).resolve() if cwd else Path(value).expanduser().resolve()


#: A folder holding both files is a project (the checkout, or one made by ``analysis init``).
PROJECT_MARKERS = ("profile.yaml", "catalogue.yaml")


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a project (``profile.yaml`` and ``catalogue.yaml``)."""
    for folder in (start, *start.parents):
        if all((folder / name).is_file() for name in PROJECT_MARKERS):
            return folder
    return None


def project_root() -> Path:
    """The project: ``ANALYSIS_PROJECT_ROOT``; else the nearest project folder at or above the current
    folder (so ``analysis reports`` works inside a project made by ``analysis init``, and a notebook in
    its ``notebooks/`` finds it); else the checkout holding the package; else the current folder.
    """
    env = _env_path("ANALYSIS_PROJECT_ROOT")
    if env is not None:
        return env
    try:
        found = find_project(Path.cwd().resolve())
    except OSError:  # the current folder was deleted
        found = None
    if found is not None:
        return found
    for parent in PACKAGE_DIR.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "analysis").is_dir():
            return parent
    return Path.cwd().resolve()


#: The settings the data folders (:func:`data_dir`, :func:`raw_dir`, :func:`processed_dir`, :func:`ssb_dir`) are
#: worked out from, besides the project root and the current folder (a relative setting is taken from there).
DATA_FOLDER_VARIABLES = ("ANALYSIS_DATA_DIR", "ANALYSIS_PROCESSED_DIR", "ANALYSIS_SSB_DIR")


def data_folders_key() -> tuple[str, ...]:
    """Everything the data folders and :func:`project_root` depend on: equal keys, equal folders. One walk up
    the folders for the project root instead of one per folder asked for."""
    try:
        cwd = os.getcwd()
    except OSError:  # the current folder was deleted
        cwd = ""
    return (cwd, str(project_root()), *(os.environ.get(name, "") for name in DATA_FOLDER_VARIABLES))


def data_dir() -> Path:
    return _env_path("ANALYSIS_DATA_DIR") or project_root() / "data"


def raw_dir() -> Path:
    return data_dir() / "raw"


def processed_dir() -> Path:
    return _env_path("ANALYSIS_PROCESSED_DIR") or data_dir() / "processed"


def reports_dir() -> Path:
    return _env_path("ANALYSIS_REPORTS_DIR") or project_root() / "reports"


def ssb_dir() -> Path:
    return _env_path("ANALYSIS_SSB_DIR") or raw_dir() / "ssb"


def catalogue_path() -> Path:
    return _env_path("ANALYSIS_CATALOGUE") or project_root() / "catalogue.yaml"


def profile_path() -> Path:
    """The municipality profile (``profile.yaml``): goals, groups, villages, peers, targets."""
    return _env_path("ANALYSIS_PROFILE") or project_root() / "profile.yaml"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def package_checkout() -> Path | None:
    """The repository checkout the package runs from (editable install), or None for a wheel."""
    for parent in PACKAGE_DIR.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "analysis").is_dir():
            return parent
    return None
