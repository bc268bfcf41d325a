"""Notebook hygiene: no outputs committed, a tagged parameters cell with working defaults,
and every catalogue entry matches its notebook (checked without starting a kernel)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analysis.build.catalogue import load_catalogue
from analysis.build.parameters import check_parameters, notebook_parameters

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ has no notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_outputs_committed(path: Path) -> None:
    for i, cell in enumerate(_cells(path)):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name} cell {i} has outputs: clear them before committing"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_structure_title_parameters_no_functions(path: Path) -> None:
    cells = _cells(path)
    first = cells[0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# "), (
        "first cell: '# Title' + purpose"
    )
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert cells.index(tagged[0]) == 1, "the parameters cell comes right after the title"
    declared = notebook_parameters(path)
    assert all(info["default"] is not None for info in declared.values()), "every parameter needs a working default"
    for i, cell in enumerate(cells):
        src = "".join(cell["source"])
        if cell["cell_type"] == "code":
            assert not re.search(r"^\s*(def|class)\s", src, flags=re.M), (
                f"{path.name} cell {i}: no definitions in notebooks"
            )
            assert "plt.show" not in src
        if cell["cell_type"] == "markdown" and i > 0:
            assert not re.search(r"^# ", src, flags=re.M), f"{path.name} cell {i}: use ## headings after the title"
    meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    assert meta["kernelspec"]["name"] == "python3"


def test_catalogue_entries_match_their_notebooks() -> None:
    cat = load_catalogue(REPO / "catalogue.yaml")
    problems = []
    for entry in cat.reports:
        nb = entry.notebook_path(REPO)
        assert nb.is_file(), f"{entry.id}: {entry.notebook} does not exist"
        problems += check_parameters(entry, notebook_parameters(nb))
    assert not problems, problems


def test_every_notebook_is_in_the_catalogue() -> None:
    cat = load_catalogue(REPO / "catalogue.yaml")
    used = {e.notebook for e in cat.reports}
    assert {p.name for p in NOTEBOOKS} <= used, "a notebook that no report uses"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin(path: Path) -> None:
    """At most 60 lines of code; every cell after the load cell shows library sections."""
    cells = _cells(path)
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    lines = [ln for src in code for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert len(lines) <= 60, f"{path.name}: {len(lines)} lines of code (at most 60)"
    assert not any(re.search(r"^\s*(if|for|while|try)\b", src, flags=re.M) for src in code), (
        f"{path.name}: control flow belongs in the library's sections, not in the notebook"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_data_facts_typed_into_markdown(path: Path) -> None:
    """Facts that change with the data (years, thresholds, a municipality's name or target) come from code."""
    for i, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        assert not re.search(r"\b(19|20)\d\d\b", text), f"{path.name} cell {i}: a year typed into Markdown"
        assert not re.search(r"færre enn \d", text), f"{path.name} cell {i}: a threshold typed into Markdown"
        assert not re.search(r"\b\d[\d ]{2,}\b innbyggere", text), f"{path.name} cell {i}: a target in Markdown"
        assert "Engerdal" not in text, f"{path.name} cell {i}: a municipality's name typed into Markdown"
