from __future__ import annotations

from pathlib import Path

import pytest

from analysis.build.catalogue import load_catalogue
from analysis.build.parameters import build_parameters, check_parameters, notebook_parameters
from analysis.errors import AnalysisError

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline" / "notebooks"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "catalogue.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_catalogue_loads(tmp_path: Path) -> None:
    cat = load_catalogue(
        write(
            tmp_path,
            """
reports:
  - id: befolkning-engerdal
    title: "Befolkningsutvikling – Engerdal"
    notebook: befolkningsutvikling.ipynb
    output: befolkningsutvikling-engerdal
    parameters: {kommunenummer: "3425"}
    shareable: true
    inputs: ["{ssb}/population_by_age.csv.gz"]
    sources: ["SSB tabell 07459"]
  - id: kraftfelt-ungdomsradet
    title: "Kraftfeltanalyse – Ungdomsrådet"
    notebook: kraftfelt_gruppe.ipynb
    output: kraftfelt-ungdomsradet
""",
        )
    )
    assert [e.id for e in cat.reports] == ["befolkning-engerdal", "kraftfelt-ungdomsradet"]
    assert cat.reports[0].parameters == {"kommunenummer": "3425"}
    assert cat.reports[1].shareable is False  # internal unless stated
    assert [e.id for e in cat.select("kraftfelt-*")] == ["kraftfelt-ungdomsradet"]
    assert [e.id for e in cat.select("befolkning-*,kraftfelt-*")] == ["befolkning-engerdal", "kraftfelt-ungdomsradet"]


def test_empty_catalogue_is_valid(tmp_path: Path) -> None:
    assert load_catalogue(write(tmp_path, "reports:\n")).reports == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # missing field
            "reports:\n  - id: a\n    notebook: a.ipynb\n    output: a\n",
            "entry 1 (id 'a'), field 'title': required field is missing",
        ),
        (  # misspelled field
            "reports:\n  - id: a\n    title: A\n    notebook: a.ipynb\n    output: a\n    sharable: true\n",
            "entry 1 (id 'a'), field 'sharable': unknown field",
        ),
        (  # bad id
            "reports:\n  - id: A B\n    title: A\n    notebook: a.ipynb\n    output: a\n",
            "entry 1 (id 'A B'), field 'id': Value error, must be lower-case",
        ),
        (  # wrong type
            "reports:\n  - id: a\n    title: A\n    notebook: a.ipynb\n    output: a\n    shareable: kanskje\n",
            "entry 1 (id 'a'), field 'shareable'",
        ),
        (  # output with extension
            "reports:\n  - id: a\n    title: A\n    notebook: a.ipynb\n    output: a.html\n",
            "field 'output': Value error, must be a plain file name stem",
        ),
        (  # duplicate ids
            "reports:\n  - {id: a, title: A, notebook: a.ipynb, output: a}\n  - {id: a, title: B, notebook: b.ipynb, output: b}\n",
            "id 'a' is used twice",
        ),
        (  # unknown placeholder
            "reports:\n  - {id: a, title: A, notebook: a.ipynb, output: a, inputs: ['{home}/x.csv']}\n",
            "unknown placeholder {home}",
        ),
        (  # second entry wrong, named by position and id
            "reports:\n  - {id: a, title: A, notebook: a.ipynb, output: a}\n  - {id: b, title: B, notebook: b.txt, output: b}\n",
            "entry 2 (id 'b'), field 'notebook'",
        ),
    ],
)
def test_bad_catalogue_names_entry_and_field(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(AnalysisError) as err:
        load_catalogue(write(tmp_path, body))
    assert expected in str(err.value)
    assert "catalogue.yaml" in str(err.value)


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="not valid YAML"):
        load_catalogue(write(tmp_path, "reports: [\n"))
    with pytest.raises(AnalysisError, match="does not exist"):
        load_catalogue(tmp_path / "nope.yaml")


def test_notebook_parameters_uses_papermill_inspection() -> None:
    declared = notebook_parameters(FIXTURES / "hello.ipynb")
    assert set(declared) == {"greeting", "repeat"}
    assert declared["repeat"]["default"] == "3"
    required = notebook_parameters(FIXTURES / "required.ipynb")
    assert required["kommunenummer"]["default"] is None


def test_check_parameters_flags_undeclared_and_missing_required(tmp_path: Path) -> None:
    cat = load_catalogue(
        write(
            tmp_path,
            """
reports:
  - {id: ok, title: A, notebook: hello.ipynb, output: ok, parameters: {greeting: hei}}
  - {id: typo, title: B, notebook: hello.ipynb, output: typo, parameters: {greting: hei}}
  - {id: needs, title: C, notebook: required.ipynb, output: needs}
  - {id: given, title: D, notebook: required.ipynb, output: given, parameters: {kommunenummer: "3425"}}
""",
        )
    )
    hello = notebook_parameters(FIXTURES / "hello.ipynb")
    required = notebook_parameters(FIXTURES / "required.ipynb")
    ok, typo, needs, given = cat.reports
    assert check_parameters(ok, hello) == []
    (problem,) = check_parameters(typo, hello)
    assert "parameter 'greting' is not declared" in problem and "greeting, repeat" in problem
    (problem,) = check_parameters(needs, required)
    assert "'kommunenummer' without a default" in problem
    assert check_parameters(given, required) == []


def test_build_parameters_passes_sharing_flags_only_when_declared(tmp_path: Path) -> None:
    cat = load_catalogue(
        write(
            tmp_path,
            "reports:\n  - {id: a, title: A, notebook: x.ipynb, output: a, shareable: true, parameters: {group: ungdomsradet}}\n",
        )
    )
    entry = cat.reports[0]
    declared = {"group": {"default": "'arbeidsgruppe'"}, "shareable": {"default": "True"}}
    assert build_parameters(entry, declared) == {"group": "ungdomsradet", "shareable": True}
    assert build_parameters(entry, {"group": {"default": "'x'"}}) == {"group": "ungdomsradet"}


def test_notebook_without_parameters_cell(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, str(path))
    with pytest.raises(AnalysisError, match="no cell tagged 'parameters'"):
        notebook_parameters(path)
