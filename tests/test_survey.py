"""Tests for analysis.survey: codebook, readers, cleaning, run_clean, illustrative data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.survey.cleaning import parse_export
from analysis.survey.codebook import QUESTION_TYPES, load_codebook, normalise_label
from analysis.survey.pipeline import clean_files, run_clean
from analysis.survey.readers import read_export, resolve_columns
from analysis.survey.store import ITEMS_FILE, MANIFEST_FILE, REJECTS_FILE, RESPONSES_FILE, load_survey, to_items
from conftest import REPO, ssb_snapshot_dir
from tools.illustrative.survey import (
    CP1252_FILE,
    UTF8_FILE,
    XLSX_FILE,
    generate_labels,
    illustrative_exports,
    write_illustrative,
)

CB = load_codebook()
HEADER = ["$submission_id", "$created", *CB.ids]


def _row(**answers) -> list[str]:
    base = {
        "status": "Ja, jeg bor i Engerdal",
        "age": "30",
        "gender": "Kvinne",
        "village": "Drevsjø",
        "years_lived": "Mer enn 10 år",
        "children": "Ja",
        "sat_overall": "Fornøyd",
        **{q.id: "Fornøyd" for q in CB.satisfaction_items()},
        "sat_jobs": "Misfornøyd",
        "recommend": "7",
        "move_plans": "Nei",
    }
    base.update(answers)
    return [base.pop("$submission_id", ""), "2026-03-01 10:00:00"] + [base.get(q, "") for q in CB.ids]


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ";") -> Path:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


# ---------------------------------------------------------------- codebook


def test_codebook_describes_every_question():
    assert set(q.type for q in CB.questions) <= set(QUESTION_TYPES)
    for t in ("single", "multiple", "likert", "scale", "number", "text"):
        assert CB.of_type(t), t
    assert len(CB.satisfaction_items()) == 10
    sat = CB["sat_housing"]
    assert sat.codes == [1, 2, 3, 4, 5] and sat.labels()[5] == "Svært fornøyd"
    assert CB["recommend"].min == 0 and CB["recommend"].max == 10
    assert "vet ikke" in CB.missing_set()
    assert CB.band_labels() == ["18–24", "25–29", "30–34", "35–40"]
    assert CB["move_plans"].asked_if == {"status": "resident"}
    assert {"left_reasons", "return_conditions", "move_back"} <= set(CB.ids)


def test_codebook_rejects_invalid(tmp_path):
    bad = tmp_path / "cb.yaml"
    bad.write_text("questions:\n  - {id: a, type: slider}\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="type 'slider'"):
        load_codebook(bad)
    bad.write_text("questions:\n  - {id: a, type: single}\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="needs options"):
        load_codebook(bad)


def test_normalise_label():
    assert normalise_label("  Vet  IKKE ") == "vet ikke"
    assert normalise_label("2-5 år") == normalise_label("2–5 år")


def test_resolve_columns_by_id_text_and_alias():
    mapping, meta, unmatched = resolve_columns(["$submission_id", "Hvor gammel er du?", "gender", "Ekstra"], CB)
    assert mapping == {"age": "Hvor gammel er du?", "gender": "gender"}
    assert meta["id"] == "$submission_id" and unmatched == ["Ekstra"]


# ---------------------------------------------------------------- readers + parsing


def test_utf8_and_cp1252_exports_read_the_same(tmp_path):
    rows = [
        _row(**{"$submission_id": "1", "village": "Sømådalen", "text_best": "Nærhet til Femunden"}),
        _row(**{"$submission_id": "2", "village": "Elgå", "sat_nature": "Svært fornøyd"}),
    ]
    a = parse_export(read_export(_write_csv(tmp_path / "a.csv", rows, "utf-8")), CB).frame
    b = parse_export(read_export(_write_csv(tmp_path / "b.csv", rows, "cp1252")), CB).frame
    pd.testing.assert_frame_equal(a.drop(columns="source_file"), b.drop(columns="source_file"))
    assert a["village"].tolist() == ["somadalen", "elga"]
    assert a["text_best"].iloc[0] == "Nærhet til Femunden"


def test_xlsx_export_with_question_texts(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([CB[q].text for q in ("status", "age", "gender", "sat_jobs", "recommend")])
    ws.append(["Ja, jeg bor i Engerdal", 25, "Mann", "Svært misfornøyd", 10])
    ws.append([None] * 5)
    ws.append(
        ["Nei, jeg har bodd i Engerdal, men bor nå et annet sted", 33.0, "kvinne", "vet ikke", "10 – Svært sannsynlig"]
    )
    wb.save(tmp_path / "p.xlsx")
    raw = read_export(tmp_path / "p.xlsx")
    assert list(raw.attrs["rows"]) == [2, 4]
    p = parse_export(raw, CB)
    f = p.frame
    assert f["status"].tolist() == ["resident", "out_mover"]
    assert f["age"].tolist() == [25, 33]
    assert f["gender"].tolist() == ["male", "female"]
    assert f["sat_jobs"].tolist()[0] == 1 and pd.isna(f["sat_jobs"].tolist()[1])  # "Vet ikke" is missing, not 0
    assert f["recommend"].tolist() == [10, 10]
    assert "sat_overall" in p.missing_questions and not p.rejects


def test_unknown_label_rejected_with_question_and_label(tmp_path):
    rows = [_row(**{"$submission_id": "1", "sat_culture": "Ganske fornøyd", "gender": "Kvinne"})]
    p = parse_export(read_export(_write_csv(tmp_path / "a.csv", rows)), CB)
    assert len(p.rejects) == 1
    rej = p.rejects[0]
    assert rej["column"] == "sat_culture" and rej["value"] == "Ganske fornøyd" and rej["row"] == 2
    assert "sat_culture" in rej["reason"] and "'Ganske fornøyd'" in rej["reason"]
    assert pd.isna(p.frame["sat_culture"].iloc[0])


def test_out_of_scale_and_bad_numbers(tmp_path):
    rows = [
        _row(**{"$submission_id": "1", "recommend": "11", "age": "tjue", "sat_jobs": "7"}),
        _row(**{"$submission_id": "2", "recommend": "=1+1", "left_reasons": "Arbeid;Månen"}),
    ]
    p = parse_export(read_export(_write_csv(tmp_path / "a.csv", rows)), CB)
    reasons = {(r["row"], r["column"]): r for r in p.rejects}
    assert "outside 0–10" in reasons[(2, "recommend")]["reason"]
    assert "not a number" in reasons[(2, "age")]["reason"]
    assert "outside 1–5" in reasons[(2, "sat_jobs")]["reason"]
    assert reasons[(3, "recommend")]["value"] == "'=1+1"  # neutralised for spreadsheets
    assert "'månen'" in reasons[(3, "left_reasons")]["reason"]
    assert p.frame["left_reasons"].tolist()[1] == "work"


def test_multiple_choice_codes_in_codebook_order(tmp_path):
    rows = [
        _row(
            **{
                "$submission_id": "1",
                "status": "Nei, jeg har bodd i Engerdal, men bor nå et annet sted",
                "left_reasons": "Utdanning; Arbeid;Vet ikke",
                "return_conditions": "",
            }
        )
    ]
    f = parse_export(read_export(_write_csv(tmp_path / "a.csv", rows)), CB).frame
    assert f["left_reasons"].iloc[0] == "work;education"
    assert pd.isna(f["return_conditions"].iloc[0])


# ---------------------------------------------------------------- finish: flags, duplicates, lineage


def _clean(tmp_path, rows, name="a.csv"):
    return clean_files([_write_csv(tmp_path / name, rows)], codebook=CB)


def test_flags_and_duplicates(tmp_path):
    straight = {q.id: "Verken fornøyd eller misfornøyd" for q in CB.satisfaction_items()}
    rows = [
        _row(**{"$submission_id": "1"}),
        _row(**{"$submission_id": "2", "age": "17"}),
        _row(**{"$submission_id": "3", "age": "41", "gender": "Mann"}),
        _row(**{"$submission_id": "4", **straight}),
        _row(**{"$submission_id": "1", "age": "35"}),  # same submission id → duplicate
        _row(**{"$submission_id": "9"}),  # same answers as id 1 → double submission
        ["10", "2026-03-01"] + [""] * len(CB.ids),  # empty submission
        _row(**{"$submission_id": "11", "status": ""}),
    ]
    responses, rejects, info, ok = _clean(tmp_path, rows)
    assert ok
    by_row = responses.set_index("source_row")
    assert by_row.loc[3, "flags"] == "age_out_of_range" and not by_row.loc[3, "in_scope"]
    assert by_row.loc[4, "flags"] == "age_out_of_range"
    assert by_row.loc[5, "flags"] == "straight_lining" and by_row.loc[5, "in_scope"]
    assert by_row.loc[9, "flags"] == "missing_status" and not by_row.loc[9, "in_scope"]
    assert by_row.loc[2, "flags"] == "" and by_row.loc[2, "in_scope"]
    row_rej = rejects[rejects["column"] == ""].set_index("row")
    assert "duplicate submission of a.csv row 2" in row_rej.loc[6, "reason"]
    assert "duplicate submission of a.csv row 2" in row_rej.loc[7, "reason"]
    assert "empty submission" in row_rej.loc[8, "reason"]
    # lineage: every data row exactly once, in responses or as a row reject
    seen = sorted(list(responses["source_row"]) + list(row_rej.index))
    assert seen == list(range(2, 2 + len(rows)))
    assert responses["respondent_id"].is_unique
    assert not any("Kari" in c for c in responses.columns)


def test_age_band_and_types(tmp_path):
    rows = [_row(**{"$submission_id": str(i), "age": str(a)}) for i, a in enumerate([18, 24, 25, 35, 40])]
    responses, *_ = _clean(tmp_path, rows)
    assert responses["age_band"].tolist() == ["18–24", "18–24", "25–29", "35–40", "35–40"]
    assert str(responses["sat_jobs"].dtype) == "Int64"
    assert responses["sat_jobs"].iloc[0] == 2


def test_unreadable_file_returns_false_but_others_are_cleaned(tmp_path):
    raw = tmp_path / "data" / "raw" / "survey"
    raw.mkdir(parents=True)
    _write_csv(raw / "good.csv", [_row(**{"$submission_id": "1"})])
    (raw / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (raw / "notes.ods").write_bytes(b"x")
    (raw / "README.md").write_text("illustrative", encoding="utf-8")
    logs: list[str] = []
    ok = run_clean(tmp_path / "data", tmp_path / "proc", logs.append)
    assert ok is False
    s = load_survey(tmp_path / "proc")
    assert len(s.responses) == 1
    errors = {f["file"]: f.get("error") for f in s.manifest["files"]}
    assert errors["good.csv"] is None and errors["broken.xlsx"] and errors["notes.ods"]
    assert any("broken.xlsx" in m for m in logs)


def test_empty_folder(tmp_path):
    assert run_clean(tmp_path / "data", tmp_path / "proc", lambda m: None) is True
    s = load_survey(tmp_path / "proc")
    assert len(s.responses) == 0 and s.manifest["rows_in"] == 0


def test_load_survey_missing_says_run_clean(tmp_path):
    with pytest.raises(AnalysisError, match="analysis clean"):
        load_survey(tmp_path)


def test_to_items_long_form(tmp_path):
    rows = [
        _row(
            **{
                "$submission_id": "1",
                "status": "Nei, jeg har bodd i Engerdal, men bor nå et annet sted",
                "left_reasons": "Arbeid;Utdanning",
            }
        )
    ]
    responses, *_ = _clean(tmp_path, rows)
    items = to_items(responses, CB)
    lr = items[items["question"] == "left_reasons"]
    assert lr["code"].tolist() == ["work", "education"] and lr["label"].tolist() == ["Arbeid", "Utdanning"]
    jobs = items[items["question"] == "sat_jobs"].iloc[0]
    assert jobs["value"] == 2 and jobs["label"] == "Misfornøyd"
    assert "text_best" not in set(items["question"])


# ---------------------------------------------------------------- illustrative data and run_clean


def test_generator_is_seeded_and_plausible():
    a = generate_labels(50, 50, seed=1)
    b = generate_labels(50, 50, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(generate_labels(50, 50, seed=2))
    ex = illustrative_exports()
    total = sum(len(f) for f in ex.values())
    assert 290 <= total <= 320
    assert set(ex) == {UTF8_FILE, CP1252_FILE, XLSX_FILE}


def test_committed_illustrative_files_match_the_generator(tmp_path):
    write_illustrative(tmp_path)
    committed = REPO / "data" / "raw" / "survey"
    for name in (UTF8_FILE, CP1252_FILE, XLSX_FILE, "README.md"):
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name
    assert "ILLUSTRATIVE" in (committed / "README.md").read_text("utf-8")


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    import os

    base = tmp_path_factory.mktemp("survey")
    write_illustrative(base / "data" / "raw" / "survey")
    snapshot = ssb_snapshot_dir()
    old = os.environ.get("ANALYSIS_SSB_DIR")
    if snapshot:
        os.environ["ANALYSIS_SSB_DIR"] = str(snapshot)
    try:
        logs: list[str] = []
        ok = run_clean(base / "data", base / "proc", logs.append)
    finally:
        if old is None:
            os.environ.pop("ANALYSIS_SSB_DIR", None)
        else:
            os.environ["ANALYSIS_SSB_DIR"] = old
    return {"ok": ok, "base": base, "proc": base / "proc", "logs": logs, "ssb": snapshot}


def test_run_clean_on_illustrative_data(cleaned):
    assert cleaned["ok"] is True
    proc = cleaned["proc"]
    for name in (RESPONSES_FILE, ITEMS_FILE, REJECTS_FILE, MANIFEST_FILE):
        assert (proc / name).is_file()
    s = load_survey(proc)
    m = s.manifest
    assert m["rows_in"] == m["rows_clean"] + m["rows_rejected"]
    assert m["rows_clean"] == len(s.responses) == 300
    assert m["rows_rejected"] == 4  # two double submissions, one cross-file duplicate, one empty submission
    assert m["flags"] == {"age_out_of_range": 2, "straight_lining": 2}
    assert m["illustrative"] is True
    assert {f["encoding"] for f in m["files"]} == {"utf-8", "cp1252", None}
    reasons = " ".join(s.rejects["reason"])
    assert "'Ganske fornøyd'" in reasons and "sat_culture" in reasons and "tjuefem" in " ".join(s.rejects["value"])
    assert list(s.rejects.columns) == ["file", "row", "column", "value", "reason"]
    # lineage across files: each (file, row) exactly once
    keys = list(zip(s.responses["source_file"], s.responses["source_row"]))
    keys += list(
        zip(
            s.rejects.loc[s.rejects["column"] == "", "file"],
            s.rejects.loc[s.rejects["column"] == "", "row"].astype(int),
        )
    )
    assert len(keys) == len(set(keys)) == m["rows_in"]


def test_planted_identifiers_are_scrubbed_when_read(cleaned):
    s = load_survey(cleaned["proc"])
    text = " ".join(s.responses["text_best"].dropna()) + " " + " ".join(s.responses["text_improve"].dropna())
    for secret in ("912 34 567", "ola.nordmann@example.no", "Kari Nordmann", "Nordmann"):
        assert secret not in text
    assert "[telefon]" in text and "[e-post]" in text and "[navn]" in text
    # and nowhere in the processed files
    for name in (RESPONSES_FILE, ITEMS_FILE, REJECTS_FILE, MANIFEST_FILE):
        data = (cleaned["proc"] / name).read_bytes()
        assert b"912 34 567" not in data and b"ola.nordmann" not in data


def test_weights_rake_to_ssb(cleaned):
    if cleaned["ssb"] is None:
        pytest.skip("SSB snapshot not available")
    from analysis.survey.weights import read_population_targets

    s = load_survey(cleaned["proc"])
    r = s.responses
    w = s.manifest["weighting"]
    assert w["converged"] and w["year"] >= 2024 and w["region"] == "3425"
    targets, _ = read_population_targets("3425", w["year"], cleaned["ssb"])
    res = r[r["status"].eq("resident") & r["weight"].notna()]
    got = res.groupby("age_band")["weight"].sum()
    want = targets.groupby("age_band")["population"].sum()
    for band in want.index:
        assert got[band] == pytest.approx(want[band], rel=1e-9)
    assert res["weight"].sum() == pytest.approx(targets["population"].sum())
    assert r.loc[r["status"].eq("out_mover") & r["in_scope"], "weight"].eq(1.0).all()
    assert r.loc[~r["in_scope"], "weight"].isna().all()
    assert 1.0 < w["design_effect"] < 3 and w["effective_n"] < w["n_weighted"]


def test_run_clean_is_deterministic(cleaned, tmp_path):
    import os

    if cleaned["ssb"]:
        os.environ["ANALYSIS_SSB_DIR"] = str(cleaned["ssb"])
    assert run_clean(cleaned["base"] / "data", tmp_path, lambda m: None)
    for name in (RESPONSES_FILE, ITEMS_FILE, REJECTS_FILE, MANIFEST_FILE):
        assert (tmp_path / name).read_bytes() == (cleaned["proc"] / name).read_bytes(), name


def test_leak_test_with_extra_planted_identifiers(tmp_path):
    secrets = ["Ring Per Hansen på 41 23 45 67", "Mail: hemmelig.person@example.com", "fnr 01010150074"]
    write_illustrative(tmp_path / "data" / "raw" / "survey", extra_texts=secrets)
    assert run_clean(tmp_path / "data", tmp_path / "proc", lambda m: None) in (True, False)
    blob = b"".join((tmp_path / "proc" / n).read_bytes() for n in (RESPONSES_FILE, ITEMS_FILE, REJECTS_FILE))
    for needle in (b"41 23 45 67", b"hemmelig.person", b"01010150074", b"Hansen"):
        assert needle not in blob


def test_weighting_merges_age_bands_without_respondents():
    from analysis.survey.weights import weight_responses

    targets = pd.DataFrame(
        {
            "age_band": [b for b in CB.band_labels() for _ in (0, 1)],
            "sex": ["female", "male"] * 4,
            "population": [34, 58, 27, 34, 29, 22, 36, 41],
        }
    )
    n = 40
    rng = np.random.default_rng(0)
    responses = pd.DataFrame(
        {
            "status": pd.array(["resident"] * n, dtype="string"),
            "in_scope": True,
            "age_band": pd.array(rng.choice(["25–29", "30–34", "35–40"], n), dtype="string"),  # nobody 18–24
            "gender": pd.array(rng.choice(["female", "male", "other"], n, p=[0.5, 0.45, 0.05]), dtype="string"),
        }
    )
    for min_cell, method in ((1, "poststratified"), (1000, "raked")):
        out, info = weight_responses(responses, targets, region="3425", year=2026, min_cell=min_cell)
        assert info.merged_bands == ("18–29",) and info.converged and info.method == method
        assert out["weight"].sum() == pytest.approx(281)
        got = out.groupby("age_band")["weight"].sum()
        assert got["25–29"] == pytest.approx(34 + 58 + 27 + 34)
        assert got["35–40"] == pytest.approx(36 + 41)
        other = out["gender"] == "other"
        if method == "raked":  # "other" keeps its share of the whole sample
            assert out.loc[other, "weight"].sum() == pytest.approx(281 * other.mean())
        else:  # "other" keeps its share of its (merged) age band
            band = out["weight_class"].str.split("|").str[0]
            pop = {"18–29": 34 + 58 + 27 + 34, "30–34": 51, "35–40": 77}
            expected = sum(pop[b] * (other & (band == b)).sum() / (band == b).sum() for b in pop)
            assert out.loc[other, "weight"].sum() == pytest.approx(expected)
            # women and men match the population within each unmerged band, scaled by the share of "other"
            for b, (f, m) in {"30–34": (29, 22), "35–40": (36, 41)}.items():
                sel = band == b
                keep = 1 - (other & sel).sum() / sel.sum()
                assert out.loc[sel & (out["gender"] == "female"), "weight"].sum() == pytest.approx(f * keep)
                assert out.loc[sel & (out["gender"] == "male"), "weight"].sum() == pytest.approx(m * keep)


def test_schema_guards_the_cleaned_table(cleaned):
    from analysis.survey.schema import validate_responses

    r = load_survey(cleaned["proc"]).responses
    assert validate_responses(r) is not None
    bad = r.copy()
    bad.loc[0, "sat_jobs"] = 7
    with pytest.raises(AnalysisError, match="sat_jobs"):
        validate_responses(bad)
