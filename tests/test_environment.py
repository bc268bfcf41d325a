"""pyproject.toml and environment.yml list the same runtime dependencies with the same bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _norm(req: str) -> tuple[str, str]:
    req = req.split("#")[0].strip()
    m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def pyproject_deps() -> dict[str, str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(_norm(r) for r in data["project"]["dependencies"])


def environment_deps() -> tuple[dict[str, str], str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    deps: dict[str, str] = {}
    python = ""
    pip_items: list[str] = []
    for item in env["dependencies"]:
        if isinstance(item, dict):
            pip_items.extend(item.get("pip", []))
            continue
        name, spec = _norm(item)
        if name == "python":
            python = spec
        elif name != "pip":
            deps[name] = spec
    for item in pip_items:
        if item.strip().startswith("-e"):
            continue
        name, spec = _norm(item)
        deps[name] = spec
    return deps, python


def test_environment_yml_matches_pyproject() -> None:
    env, _ = environment_deps()
    proj = pyproject_deps()
    missing = sorted(set(proj) - set(env))
    extra = sorted(set(env) - set(proj))
    differing = sorted(n for n in set(proj) & set(env) if proj[n] != env[n])
    assert not missing, f"in pyproject.toml but not environment.yml: {missing}"
    assert not extra, f"in environment.yml but not pyproject.toml: {extra}"
    assert not differing, {n: (proj[n], env[n]) for n in differing}


def test_python_version_and_package_install_agree() -> None:
    _, python = environment_deps()
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert python == data["project"]["requires-python"]
    text = (REPO / "environment.yml").read_text(encoding="utf-8")
    assert "- -e ." in text  # the package itself is installed with pip


def test_every_dependency_has_a_lower_bound() -> None:
    for name, spec in pyproject_deps().items():
        assert spec.startswith(">="), f"{name} needs a tested lower bound"
