"""Shared fixtures.

* ``isolated_env``: every test runs with the ANALYSIS_* folder variables
  cleared (except ANALYSIS_SSB_DIR; without it the snapshot shipped in data/raw/ssb is used), so
  no test writes into the repository's data/processed or reports.
* ``pipeline_project``: a temporary project with the fixture notebooks.
* ``built_catalogue``: the real catalogue built once per test session (shared
  across xdist workers through a file lock) into a temporary folder, from the
  illustrative data in the repo and the SSB snapshot.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Test helpers (``_ssb_helpers``, ``ssb_world``) and the repository's own tools (``tools.illustrative``)
# are imported by test modules; conftest runs first, so they need no sys.path lines of their own.
for _extra in (FIXTURES / "ssb", REPO):
    if str(_extra) not in sys.path:
        sys.path.insert(0, str(_extra))
_FOLDER_VARS = (
    "ANALYSIS_PROJECT_ROOT",
    "ANALYSIS_DATA_DIR",
    "ANALYSIS_PROCESSED_DIR",
    "ANALYSIS_REPORTS_DIR",
    "ANALYSIS_CATALOGUE",
)


def ssb_snapshot_dir() -> Path | None:
    """The real SSB snapshot: ANALYSIS_SSB_DIR if set, else the one shipped in the repo (data/raw/ssb)."""
    env = os.environ.get("ANALYSIS_SSB_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(REPO / "data" / "raw" / "ssb")
    for c in candidates:
        if any((c / name).is_file() for name in ("population.parquet", "population_by_age.csv.gz")):
            return c.resolve()
    return None


def shared_ssb_dir() -> Path | None:
    """The team's reference copy of SSB figures beside the repo (../shared/data/ssb), for facts not shipped."""
    folder = REPO.parent / "shared" / "data" / "ssb"
    return folder if folder.is_dir() else None


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch):
    """Clear the folder variables for the test and restore the whole environment afterwards
    (the CLI's --data-dir/--reports-dir options write os.environ directly)."""
    saved = dict(os.environ)
    for var in _FOLDER_VARS:
        monkeypatch.delenv(var, raising=False)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def pipeline_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away project: notebooks/ with the pipeline fixtures, an empty catalogue, data/ and reports/."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "pipeline" / "notebooks", root / "notebooks")
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "processed").mkdir(parents=True)
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(root))
    monkeypatch.setenv("ANALYSIS_CATALOGUE", str(root / "catalogue.yaml"))
    return root


def _build_real_catalogue(out: Path) -> dict:
    """Clean the repo's raw data into ``out/processed`` and build the whole catalogue into ``out/reports``."""
    from analysis import cli

    env = {
        "ANALYSIS_PROCESSED_DIR": str(out / "processed"),
        "ANALYSIS_REPORTS_DIR": str(out / "reports"),
        "SOURCE_DATE_EPOCH": "1785312000",
    }
    # No ANALYSIS_SSB_DIR unless the caller set one: the build reads the snapshot shipped in data/raw/ssb,
    # as a fresh clone does.
    snapshot = ssb_snapshot_dir()
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        clean_rc = cli.main(["clean"])
        build_rc = cli.main(["build", "--jobs", "2"])
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {
        "clean_rc": clean_rc,
        "build_rc": build_rc,
        "reports": str(out / "reports"),
        "processed": str(out / "processed"),
        "ssb": str(snapshot) if snapshot else None,
    }


def once_per_session(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], dict]) -> dict:
    """Run ``make(folder)`` once per test session, shared by all xdist workers through a file lock.

    ``make`` gets an empty folder and returns a JSON-able dict; every later caller (any worker) gets
    the same dict without running it again.
    """
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    marker = shared / f"{name}.json"
    with FileLock(str(shared / f"{name}.lock")):
        if marker.is_file():
            return json.loads(marker.read_text())
        info = make(shared / name)
        marker.write_text(json.dumps(info))
        return info


@pytest.fixture(scope="session")
def built_catalogue(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The real catalogue, built once per session from the repo's data (shared by every test that reads it)."""
    return once_per_session(tmp_path_factory, "real-catalogue", _build_real_catalogue)
