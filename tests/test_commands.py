"""The command line without make, Windows-style paths, and `make lab` that installs only once."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path, PureWindowsPath

import pytest

from analysis import cli, paths
from analysis.build import execute, workers
from conftest import REPO


def test_reports_is_clean_then_build_with_the_same_exit_codes(pipeline_project: Path) -> None:
    (pipeline_project / "profile.yaml").write_text('kommune: {number: "3417", name: Grue}\n', encoding="utf-8")
    (pipeline_project / "catalogue.yaml").write_text("reports: []\n", encoding="utf-8")
    (pipeline_project / "data" / "raw" / "workshops").mkdir()
    assert cli.main(["reports"]) == 0
    processed = pipeline_project / "data" / "processed"
    assert (processed / "statements_manifest.json").is_file() and (processed / "survey_manifest.json").is_file()
    assert (pipeline_project / "reports" / "index.html").is_file()
    # a raw file that cannot be read: the rest is still done, and the command fails at the end
    (pipeline_project / "data" / "raw" / "workshops" / "ødelagt.xlsx").write_bytes(b"not a workbook")
    assert cli.main(["reports"]) == 1
    manifest = json.loads((processed / "statements_manifest.json").read_text())
    assert manifest["files_failed"] == 1


def test_commands_find_the_project_from_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "prosjekt"
    (project / "notebooks").mkdir(parents=True)
    (project / "profile.yaml").write_text('kommune: {number: "3417", name: Grue}\n', encoding="utf-8")
    (project / "catalogue.yaml").write_text("reports: []\n", encoding="utf-8")
    monkeypatch.delenv("ANALYSIS_PROJECT_ROOT", raising=False)
    monkeypatch.chdir(project / "notebooks")  # where a kernel runs
    assert paths.project_root() == project.resolve()
    assert paths.reports_dir() == project.resolve() / "reports"
    monkeypatch.chdir(tmp_path)  # outside any project: the checkout
    assert paths.project_root() == REPO


def test_windows_paths_are_redacted_from_pages(monkeypatch) -> None:
    root = PureWindowsPath(r"C:\Users\kari.nordmann\Documents\kommune")
    monkeypatch.setattr(paths, "project_root", lambda: root)
    text = (
        r"C:\Users\kari.nordmann\Documents\kommune\src\analysis\survey\text.py:12: FutureWarning" + "\n"
        + json.dumps({"text": r"C:\Users\kari.nordmann\Documents\kommune\data\raw\x.csv"})
    )  # fmt: skip
    out = execute.redact_local_paths(text)
    assert "kari.nordmann" not in out and r"<prosjekt>\src\analysis" in out
    assert "<prosjekt>" in out.splitlines()[1]  # the JSON-escaped form too


def test_workers_start_without_fork_on_windows() -> None:
    assert workers.start_method(["spawn"]) == "spawn"
    assert workers.start_method(["fork", "spawn", "forkserver"]) == "forkserver"


def test_the_forkserver_starts_early_only_when_workers_will_share_the_reports(monkeypatch) -> None:
    """The build starts the workers' forkserver before it imports the runner, but not for one report, one
    job, or a platform without a forkserver (there it would only import the package for nothing)."""
    started = []
    monkeypatch.setattr(workers.multiprocessing.forkserver, "ensure_running", lambda: started.append(True))
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)
    assert not workers.start_early(1, None) and not workers.start_early(5, 1) and started == []
    monkeypatch.setattr(workers.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert not workers.start_early(5, 2) and started == []
    monkeypatch.undo()
    monkeypatch.setattr(workers.multiprocessing.forkserver, "ensure_running", lambda: started.append(True))
    if "forkserver" in workers.multiprocessing.get_all_start_methods():
        assert workers.start_early(5, 2) and started == [True]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_installs_once(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)

    def dry_run() -> str:
        return subprocess.run(
            ["make", "-n", "-C", str(REPO), "lab", f"VENV={venv}"], capture_output=True, text=True, check=True
        ).stdout

    first = dry_run()
    assert "pip install" in first and "jupyter lab notebooks/" in first
    # after the first run both stamps exist (newer than pyproject.toml): only JupyterLab starts
    for stamp in (".installed", ".lab-installed"):
        (venv / stamp).touch()
    again = dry_run()
    assert "pip install" not in again and "ipykernel install" not in again
    assert "jupyter lab notebooks/" in again
