"""The messy corpus (tests/fixtures/messy/): 38 workshop files and 11 survey exports as people really make them.

Each file has an expected outcome (fixtures/messy/outcome.yaml) against what a careful human read from it
(fixtures/messy/*/expected.yaml). For every file: no crash, every non-empty cell counted independently and
accounted for (statement, reject or ignored with a reason), no expected statement lost.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from analysis.survey.pipeline import run_clean as clean_survey
from analysis.workshops.pipeline import run_clean as clean_workshops
from messy_corpus import (
    MESSY,
    compare_survey,
    compare_workshops,
    copy_corpus,
    count_cells,
    expected_survey,
    expected_workshops,
)

OUTCOME = yaml.safe_load((MESSY / "outcome.yaml").read_text(encoding="utf-8"))
WORKSHOP_FILES = [f["file"] for f in expected_workshops()["files"]]
SURVEY_FILES = [f["file"] for f in expected_survey()["files"]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("messy")
    data = copy_corpus(tmp / "data")
    logs: list[str] = []
    ok_w = clean_workshops(data, tmp / "processed", logs.append)
    ok_s = clean_survey(data, tmp / "processed", logs.append)
    processed = tmp / "processed"
    return {
        "processed": processed,
        "logs": logs,
        "ok": (ok_w, ok_s),
        "workshops": compare_workshops(processed)[0],
        "survey": compare_survey(processed),
        "w_manifest": json.loads((processed / "statements_manifest.json").read_text(encoding="utf-8")),
        "s_manifest": json.loads((processed / "survey_manifest.json").read_text(encoding="utf-8")),
        "ignored": pd.read_csv(processed / "statements_ignored.csv", dtype=str, keep_default_na=False),
    }


def test_the_corpus_is_large_and_varied():
    assert len(WORKSHOP_FILES) + len(SURVEY_FILES) >= 30
    shapes = {f["format"]["type"] for f in expected_workshops()["files"]}
    assert {"xlsx", "csv", "lines"} <= shapes


def test_every_workshop_file_is_read_and_the_totals_add_up(corpus):
    man = corpus["w_manifest"]
    assert corpus["ok"][0] is True, [line for line in corpus["logs"] if line.startswith("error")]
    assert man["files_failed"] == 0
    assert man["rows_in"] == man["rows_clean"] + man["rows_rejected"] + man["rows_merged"]
    assert man["cells_in"] == man["cells_statement"] + man["cells_rejected"] + man["cells_ignored"]


@pytest.mark.parametrize("name", WORKSHOP_FILES)
def test_workshop_file_outcome(corpus, name):
    spec = next(f for f in expected_workshops()["files"] if f["file"] == name)
    entry = next(f for f in corpus["w_manifest"]["files"] if f["file"] == f"workshops/{name}")
    cells = entry["cells"]
    # every non-empty cell, counted independently of the package, is in a statement, a reject or the ignored list
    assert cells["in"] == count_cells(MESSY / "workshops" / name, spec["format"])
    assert cells["in"] == cells["statement"] + cells["rejected"] + cells["ignored"]
    assert (corpus["ignored"]["file"] == f"workshops/{name}").sum() == cells["ignored"]
    got = corpus["workshops"][name]
    allowed = OUTCOME["workshops"].get(name, {})
    assert got["lost"] == [], f"expected statements found nowhere in the outputs: {got['lost']}"
    assert got["found"] >= got["expected"] - allowed.get("shortfall", 0), got["missing"]
    assert len(got["spurious"]) <= allowed.get("spurious_max", 0), got["spurious"]


def test_columns_not_recognised_are_reported_not_dropped(corpus):
    """A column the reader did not recognise is on the console and in the manifest, its cells in the ignored list."""
    man = corpus["w_manifest"]
    tiltak = next(f for f in man["files"] if f["file"].endswith("Eldrerådet workshop per mål.xlsx"))
    sheet = next(s for s in tiltak["sheets"] if s["sheet"] == "Tiltak")
    headers = {c["header"] for c in sheet.get("ignored_columns", [])}
    ignored = corpus["ignored"]
    mine = ignored[ignored["file"].str.endswith("Eldrerådet workshop per mål.xlsx") & (ignored["sheet"] == "Tiltak")]
    assert {"Kultur", "Biblioteket"} <= set(mine["value"])  # the 'Ansvarlig' column's cells: listed, not read
    assert "metadata column 'Ansvarlig' (not part of a statement)" in set(mine["reason"])
    assert headers == set()  # 'Ansvarlig' and 'Prioritet' are known metadata, not unknown columns
    # uncertain columns are shown on the console and in the manifest
    kst = next(f for f in man["files"] if f["file"].endswith("KST kraftfelt innbyggertall.xlsx"))
    uncertain = kst["sheets"][0]["uncertain_columns"]
    assert {(u["header"], u["read_as"]) for u in uncertain} == {
        ("Det som drar oss framover", "kraft"),
        ("Det som holder oss tilbake", "motkraft"),
    }
    assert any("'Det som holder oss tilbake' read as motkraft" in line for line in corpus["logs"])


@pytest.mark.parametrize("name", SURVEY_FILES)
def test_survey_file_outcome(corpus, name):
    spec = next(f for f in expected_survey()["files"] if f["file"] == name)
    got = corpus["survey"][name]
    cells = got["cells"]
    assert cells["in"] == count_cells(MESSY / "survey" / name, spec["format"])
    assert cells["in"] == cells["response"] + cells["rejected"] + cells["ignored"]
    tolerance = OUTCOME["survey"].get(name, {}).get("tolerance", 0)
    assert abs(got["valid"] - got["expected_valid"]) <= tolerance, got
    assert abs(got["in_scope"] - got["expected_in_scope"]) <= tolerance, got


def test_a_survey_file_without_age_fails_clean_with_the_reason(corpus):
    assert corpus["ok"][1] is False  # bolyst_papirskjema_2.xlsx has no age column
    assert any("bolyst_papirskjema_2.xlsx: no column for age (Alder)" in line for line in corpus["logs"])
    assert corpus["survey"]["Questback_Bolyst_Engerdal_raadata.xlsx"]["in_scope"] == 16  # title block found


def test_workshop_totals_beat_the_old_readers(corpus):
    """The old readers found 152 of 386 expected statements (research/reader_comparison_workshops.md)."""
    found = sum(v["found"] for v in corpus["workshops"].values())
    expected = sum(v["expected"] for v in corpus["workshops"].values())
    assert expected == 386 and found >= 355
