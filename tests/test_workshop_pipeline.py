"""``run_clean`` end to end: illustrative data, bad-file corpus, lineage, invariants."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.errors import AnalysisError
from analysis.fileio import file_hash
from analysis.workshops.pipeline import run_clean
from analysis.workshops.schema import statements_schema
from analysis.workshops.store import load_manifest, load_statements
from test_workshop_helpers import FIXTURES
from tools.illustrative.workshops import write_illustrative

REPO = Path(__file__).resolve().parents[1]
BAD = FIXTURES / "bad"


@pytest.fixture(scope="module")
def illustrative(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    write_illustrative(data / "raw" / "workshops")
    logs: list[str] = []
    ok = run_clean(data, data / "processed", logs.append)
    return data, ok, logs


def test_illustrative_cleans_without_errors(illustrative):
    data, ok, logs = illustrative
    assert ok, logs
    st = load_statements(data / "processed")
    statements_schema().validate(st)
    man = load_manifest(data / "processed")
    assert man["illustrative"] is True
    assert man["rows_in"] == man["rows_clean"] + man["rows_rejected"] + man["rows_merged"]
    assert man["rows_rejected"] == 0 and man["rows_merged"] >= 2
    sizes = st.groupby("group").size()
    assert set(sizes.index) == {
        "arbeidsgruppe",
        "kommunestyret",
        "ungdomsradet",
        "eldreradet",
        "funksjonshemmede",
        "grendemote:engerdal_sentrum",
        "grendemote:drevsjo",
        "grendemote:elga",
        "grendemote:somadalen",
        "grendemote:heggeriset",
        "grendemote:elvdalen",
    }
    assert sizes.between(14, 40).all(), sizes
    assert sizes["funksjonshemmede"] <= 16  # a thin group on purpose
    assert "kvinner" not in set(st.loc[st["group"] == "eldreradet", "goal"].dropna())
    assert st["text"].str.contains("<script>alert('x')</script>", regex=False).sum() == 1
    assert "Engerdal har 1 300 innbyggere i 2030" in set(st["text"])
    assert set(st["kind"]) == {"onsket_resultat", "delmal", "tiltak", "kraft", "motkraft"}
    assert st["strength"].notna().any() and st.loc[st["kind"].isin(["kraft", "motkraft"]), "strength"].isna().any()
    assert (st["merged_ids"].map(len) > 0).any()
    assert all(isinstance(t, tuple) for t in st["themes"])
    layouts = {s["layout"] for f in man["files"] for s in f.get("sheets", [])}
    assert layouts == {"long", "forcefield", "none"}  # "none": the template's instruction and list sheets
    assert {f.get("encoding") for f in man["files"]} >= {"cp1252", "utf-8-sig", "utf-8"}


def test_committed_raw_files_are_the_generated_ones(illustrative, tmp_path):
    data, _, _ = illustrative
    committed = tmp_path / "data"
    shutil.copytree(REPO / "data" / "raw" / "workshops", committed / "raw" / "workshops")
    assert run_clean(committed, committed / "processed", lambda s: None)
    a = load_statements(committed / "processed")
    b = load_statements(data / "processed")
    cols = ["statement_id", "group", "goal", "kind", "text", "strength", "pavirkbar", "votes", "answers"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert sum(1 for x in a["answers"] if x) >= 20  # the notes link measures to counter-forces


def test_outputs_byte_stable_and_raw_untouched(illustrative, tmp_path):
    data, _, _ = illustrative
    raw = data / "raw"
    before = {p: (file_hash(p), p.stat().st_mtime_ns) for p in raw.rglob("*") if p.is_file()}
    run_clean(data, tmp_path / "p2", lambda s: None)
    after = {p: (file_hash(p), p.stat().st_mtime_ns) for p in raw.rglob("*") if p.is_file()}
    assert before == after
    for name in ("statements.parquet", "statements_rejects.csv", "statements_manifest.json", "statements_unthemed.csv"):
        assert (tmp_path / "p2" / name).read_bytes() == (data / "processed" / name).read_bytes(), name


def test_unthemed_listed(illustrative):
    data, _, _ = illustrative
    st = load_statements(data / "processed")
    unthemed = pd.read_csv(data / "processed" / "statements_unthemed.csv")
    assert set(unthemed["statement_id"]) == set(st.loc[st["themes"].map(len) == 0, "statement_id"])


def test_load_statements_missing(tmp_path):
    with pytest.raises(AnalysisError, match="run `analysis clean`"):
        load_statements(tmp_path)


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    data = tmp_path_factory.mktemp("bad")
    shutil.copytree(BAD, data / "raw" / "workshops")
    logs: list[str] = []
    ok = run_clean(data, data / "processed", logs.append)
    return data, ok, logs


def test_bad_files_give_their_exact_error(bad_run):
    data, ok, logs = bad_run
    assert ok is False  # non-zero exit for `analysis clean`
    expected = yaml.safe_load((FIXTURES / "bad_expected.yaml").read_text(encoding="utf-8"))["files"]
    assert {p.name for p in BAD.iterdir()} == set(expected)
    man = json.loads((data / "processed" / "statements_manifest.json").read_text(encoding="utf-8"))
    by_file = {Path(f["file"]).name: f for f in man["files"]}
    for name, exp in expected.items():
        if "error" in exp:
            assert by_file[name]["status"] == "error"
            assert by_file[name]["error"] == f"workshops/{name}: {exp['error']}"
            assert f"error: workshops/{name}: {exp['error']}" in logs
        else:
            assert by_file[name]["status"] == "read"


def test_bad_rows_give_their_exact_reason(bad_run):
    data, _, _ = bad_run
    expected = yaml.safe_load((FIXTURES / "bad_expected.yaml").read_text(encoding="utf-8"))["files"]
    rejects = pd.read_csv(data / "processed" / "statements_rejects.csv", keep_default_na=False)
    assert list(rejects.columns) == ["file", "sheet", "row", "column", "value", "reason", "action"]
    man = load_manifest(data / "processed")
    by_file = {Path(f["file"]).name: f for f in man["files"]}
    for name, exp in expected.items():
        got = rejects[rejects["file"] == f"workshops/{name}"]
        want = exp.get("rejects", [])
        assert [[int(r.row), r.column, r.reason, r.action] for r in got.itertuples()] == want, name
        if "clean" in exp:
            f = by_file[name]
            assert f["rows_in"] - f["rows_rejected"] == exp["clean"], name
    formula = rejects[rejects["reason"].str.startswith("formula")]
    assert formula["value"].str.startswith("'=").all()  # never a live formula in the rejects file


def test_other_files_still_processed(bad_run):
    data, _, _ = bad_run
    st = load_statements(data / "processed")
    man = load_manifest(data / "processed")
    assert man["files_failed"] == 6 and man["files_read"] == 7
    assert "Fiber til alle" in set(st["text"]) and "Lange avstander" in set(st["text"])
    assert man["rows_in"] == man["rows_clean"] + man["rows_rejected"] + man["rows_merged"]
    assert not any(st["text"].str.startswith("="))


def test_project_mapping_file_is_used(tmp_path):
    raw = tmp_path / "raw" / "workshops"
    raw.mkdir(parents=True)
    (raw / "mappings.yaml").write_text("groups:\n  ungdomsradet: [Skolekorpset]\n", encoding="utf-8")
    shutil.copy(BAD / "unknown_group.csv", raw / "x.csv")
    assert run_clean(tmp_path, tmp_path / "p", lambda s: None)
    st = load_statements(tmp_path / "p")
    assert set(st["group"]) == {"ungdomsradet"} and len(st) == 2
    assert load_manifest(tmp_path / "p")["mapping_files"] == ["workshop_mappings.yaml", "workshops/mappings.yaml"]
