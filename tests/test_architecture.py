"""The package's architecture (docs/architecture.md), checked on every test run.

* import-linter's contracts in ``pyproject.toml``: layers with arrows pointing down only (analyses
  never import the build, nothing imports upwards) and no import cycles between sibling modules;
* every module of the package sits in one of the layers;
* no imports hidden inside functions, except the command line's deferred heavy imports
  (``analysis/cli.py`` and the ``commands`` modules), so the graph the linter sees is the real one.

A planted upward import shows the layer check can fail.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "analysis"
CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def _lint(src_root: Path, cwd: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(lint), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src_root)},
        timeout=120,
    )


def test_import_contracts_are_kept() -> None:
    result = _lint(REPO / "src", REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "src" / "analysis")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    privacy = tmp_path / "src" / "analysis" / "privacy.py"
    privacy.write_text(
        privacy.read_text(encoding="utf-8") + "\nimport analysis.build.catalogue  # planted\n", encoding="utf-8"
    )
    result = _lint(tmp_path / "src", tmp_path)
    assert result.returncode != 0
    assert "analysis.privacy -> analysis.build.catalogue" in result.stdout


def _layer_modules() -> set[str]:
    layers = next(c for c in CONFIG["contracts"] if c["type"] == "layers")["layers"]
    return {m.strip() for layer in layers for m in layer.replace(":", "|").split("|")}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_sits_in_a_layer() -> None:
    layers = _layer_modules()
    outside = []
    for path in MODULES:
        name = _module_name(path)
        if name == "analysis":
            continue  # the root package holds only the version
        if not any(name == top or name.startswith(top + ".") for top in layers):
            outside.append(name)
    assert not outside, f"modules outside every layer (add them to pyproject.toml): {outside}"


def _deferred_import_allowed(path: Path) -> bool:
    return path.name == "commands.py" or path == PACKAGE / "cli.py"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_imports_hidden_in_functions(path: Path) -> None:
    if _deferred_import_allowed(path):
        return
    hidden = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    hidden.append(f"line {inner.lineno}: {ast.unparse(inner)}")
    assert not hidden, f"imports inside functions (move them to the top of the module): {hidden}"


def test_the_command_line_starts_without_heavy_libraries() -> None:
    """``analysis --help`` and a build with nothing to do never import pandas, matplotlib, papermill or nbconvert."""
    code = (
        "import sys\n"
        "from analysis import cli\n"
        "cli.make_parser()\n"
        "from analysis.build import pipeline\n"
        "heavy = sorted(m for m in ('pandas', 'matplotlib', 'papermill', 'nbconvert', 'nbclient') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"heavy imports on the command line's start-up path: {result.stdout}"
