"""The municipality profile: validation with clear errors, and everything municipal taken from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from analysis import cli
from analysis.errors import AnalysisError
from analysis.profile import Profile, load_profile, parse_profile
from conftest import REPO

PACKAGE = REPO / "src" / "analysis"

GOOD = """
kommune: {number: "3417", name: Grue}
goals:
  - id: innbyggertall
    label: Økt innbyggertall
    aliases: [flere innbyggere]
    indicator: {kind: population_total}
    target: {value: 4500, year: 2030}
groups:
  - {id: ungdomsradet, label: Ungdomsrådet, aliases: [UR]}
villages:
  - {id: kirkenaer, name: Kirkenær}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_profile_is_read(tmp_path: Path) -> None:
    p = load_profile(_write(tmp_path, GOOD))
    assert p.kommune.number == "3417" and p.goal_ids == ("innbyggertall",)
    assert p.population_target().value == 4500 and p.population_target().year == 2030
    assert p.group_labels == {"ungdomsradet": "Ungdomsrådet", "grendemote:kirkenaer": "Grendemøte Kirkenær"}
    aliases = dict(p.group_aliases)
    assert aliases["Kirkenær"] == "grendemote:kirkenaer" and aliases["UR"] == "ungdomsradet"
    assert dict(p.goal_aliases)["mål 1"] == "innbyggertall"
    assert "Kirkenær" in p.place_names and "Grue" in p.place_names


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("kommune: {", "kommune: {fylke: x, "), "kommune.fylke", "unknown field"),
        (("    label: Økt innbyggertall\n", ""), "goals[0].label", "required"),
        (("{id: kirkenaer, name: Kirkenær}", "{id: kirkenaer, name: Kirkenær, aliases: [ur]}"), "", "alias 'ur'"),
        (("target: {value: 4500, year: 2030}", "target: {value: 4500}"), "goals[0].target", "needs a year"),
        (('number: "3417"', 'number: "34177"'), "kommune.number", "4 digits"),
        (("{id: kirkenaer", "{id: Kirkenær"), "villages[0].id", "lower-case"),
    ],
    ids=["unknown-field", "goal-without-label", "duplicate-alias", "target-without-year", "bad-number", "bad-id"],
)
def test_a_bad_profile_names_the_file_and_the_field(tmp_path: Path, change, field: str, words: str) -> None:
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(AnalysisError) as err:
        load_profile(path)
    message = str(err.value)
    assert "profile.yaml" in message and field in message and words in message, message


def test_a_bad_profile_stops_the_build_before_any_kernel(pipeline_project: Path, capsys) -> None:
    (pipeline_project / "profile.yaml").write_text(GOOD.replace("    label: Økt innbyggertall\n", ""), "utf-8")
    (pipeline_project / "catalogue.yaml").write_text(
        "reports:\n  - {id: hello, title: Hei, notebook: hello.ipynb, output: hello}\n", "utf-8"
    )
    assert cli.main(["build"]) == 2
    err = capsys.readouterr().err
    assert "profile.yaml" in err and "goals[0].label" in err
    assert not (pipeline_project / "reports" / "hello.html").exists()  # nothing ran


def test_the_repository_profile_is_engerdals() -> None:
    p = load_profile(REPO / "profile.yaml")
    assert (p.kommune.number, p.kommune.name) == ("3425", "Engerdal")
    assert p.goal_ids == ("bolyst", "innbyggertall", "kvinner", "unge")
    assert (p.population_target().value, p.population_target().year) == (1300, 2030)
    assert len(p.groups) == 5 and len(p.villages) == 6


def test_parse_profile_rejects_non_mappings() -> None:
    with pytest.raises(AnalysisError, match="profile"):
        parse_profile(["not", "a", "mapping"])
    assert isinstance(parse_profile({"kommune": {"number": 301, "name": "Oslo"}}), Profile)


# --------------------------------------------------------------------------- no municipality in the code

#: Names and numbers of the pilot municipalities and Engerdal's villages, which used to be constants.
MUNICIPAL = re.compile(
    r"\b(Engerdal|Drevsjø|Drevsjo|Elgå|Sømådalen|Heggeriset|Elvdalen|Rendalen|Grue|Sør-Aurdal|Trysil|"
    r"3425|0434|3424|3417|3449|1 ?300)\b"
)


def _string_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants that are not docstrings (examples in docstrings are documentation, not behaviour)."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_municipality_is_written_into_library_code(path: Path) -> None:
    hits = [
        f"line {line}: {value!r}"
        for line, value in _string_literals(ast.parse(path.read_text(encoding="utf-8")))
        if MUNICIPAL.search(value)
    ]
    assert not hits, f"municipal names or numbers in code (they belong in profile.yaml): {hits}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "data").glob("*.yaml")), ids=lambda p: p.name)
def test_no_municipality_in_the_package_data(path: Path) -> None:
    text = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#")
    )
    assert not MUNICIPAL.search(text), MUNICIPAL.search(text)
