"""One test per fault found by trying the package as a new user would (issue 14, "Why").

Each test plants the fault and checks the package now handles it: nothing lost silently, no traceback,
a message that names file, sheet, row and column, the other files still cleaned and written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis import cli
from analysis.build.lock import BuildLock
from analysis.fileio import is_formula_like
from analysis.workshops.cleaning import clean_records
from analysis.workshops.pipeline import run_clean as clean_workshops
from analysis.workshops.store import load_manifest, load_statements
from conftest import FIXTURES
from test_workshop_helpers import raw_frame

SURVEY_HEADER = ["$submission_id", "status", "age", "gender", "village", "sat_overall", "text_best"]


def _survey_rows(n: int, start: int = 1) -> list[list[str]]:
    """``n`` respondents who all answer differently (so none is taken for a form sent twice)."""
    sat = ["Fornøyd", "Svært fornøyd", "Misfornøyd", "Verken fornøyd eller misfornøyd", "Svært misfornøyd"]
    return [
        [str(start + i), "Ja, jeg bor i Engerdal", str(20 + i % 20), "Kvinne", "Drevsjø", sat[i % 5], f"Naturen {i}"]
        for i in range(n)
    ]


def _write_csv(path: Path, rows: list[list[str]], delimiter: str = ";") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _clean(data: Path, *args: str) -> tuple[int, str]:
    """``analysis clean`` on ``data`` (processed beside it); returns the exit code and all it printed."""
    out = io.StringIO()
    err = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        rc = cli.main(["clean", "--data-dir", str(data), "--processed-dir", str(data / "processed"), *args])
    finally:
        sys.stdout, sys.stderr = saved
    return rc, out.getvalue() + err.getvalue()


# --------------------------------------------------------------------------- readers: nothing vanishes


def test_a_force_field_column_with_an_unknown_header_is_read_not_lost(tmp_path):
    """Two forces vanished from a classic sheet whose left header the detector did not know."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Arbeidsgruppen"
    ws.append(["Mål 1: Økt bolyst"])
    ws.append(["Pådrivere", "Styrke", "Motkrefter", "Styrke"])
    ws.append(["Unik natur og Femundsmarka", 5, "Dårlig mobildekning", 5])
    ws.append(["Godt samhold i grendene", 4, "Lite kollektivtransport", 3])
    (tmp_path / "raw" / "workshops").mkdir(parents=True)
    wb.save(tmp_path / "raw" / "workshops" / "ag.xlsx")
    logs: list[str] = []
    assert clean_workshops(tmp_path, tmp_path / "p", logs.append)
    st = load_statements(tmp_path / "p").set_index("text")
    assert st.loc["Unik natur og Femundsmarka", ["kind", "strength", "goal"]].tolist() == ["kraft", 5, "bolyst"]
    assert st.loc["Godt samhold i grendene", "kind"] == "kraft"
    man = load_manifest(tmp_path / "p")
    sheet = man["files"][0]["sheets"][0]
    assert [(u["header"], u["read_as"]) for u in sheet["uncertain_columns"]] == [("Pådrivere", "kraft")]
    assert any("'Pådrivere' read as kraft" in line for line in logs)
    assert man["cells_in"] == man["cells_statement"] + man["cells_rejected"] + man["cells_ignored"] == 13


def test_a_kind_column_header_not_among_the_synonyms_is_found_from_its_contents(tmp_path):
    path = tmp_path / "raw" / "workshops" / "ungdomsradet.csv"
    _write_csv(
        path,
        [
            ["Mål", "Sortering", "Innspill"],
            ["Økt bolyst", "kraft", "Mye natur å være ute i"],
            ["Økt bolyst", "motkraft", "Ingen buss i helgene"],
            ["Flere yngre innbyggere", "tiltak", "Ungdomsklubb flere dager i uka"],
        ],
    )
    assert clean_workshops(tmp_path, tmp_path / "p", lambda s: None)
    st = load_statements(tmp_path / "p")
    assert sorted(st["kind"]) == ["kraft", "motkraft", "tiltak"]
    uncertain = load_manifest(tmp_path / "p")["files"][0]["sheets"][0]["uncertain_columns"]
    assert uncertain == [{"column": "B", "header": "Sortering", "read_as": "kind", "why": "its contents look like it"}]


def test_mojibake_in_group_values_and_in_a_goal_header_is_repaired(tmp_path):
    text = "Gruppe;MÃ¥l;Type;Tekst\nRÃ¥det for personer med funksjonsnedsettelse;Ã˜kt bolyst;Tiltak;Rampe ved samfunnshuset\n"
    (tmp_path / "raw" / "workshops").mkdir(parents=True)
    (tmp_path / "raw" / "workshops" / "rpf.csv").write_text(text, encoding="utf-8")
    assert clean_workshops(tmp_path, tmp_path / "p", lambda s: None)
    st = load_statements(tmp_path / "p")
    assert st[["group", "goal", "kind"]].values.tolist() == [["funksjonshemmede", "bolyst", "tiltak"]]


@pytest.mark.parametrize("text", ["- =1+1", '• =HYPERLINK("http://example.com","klikk")'])
def test_a_statement_typed_as_a_formula_behind_a_bullet_is_a_reject_not_a_traceback(tmp_path, text):
    _write_csv(
        tmp_path / "raw" / "workshops" / "ur.csv",
        [["Gruppe", "Type", "Tekst"], ["UR", "kraft", text], ["UR", "kraft", "Fin natur"]],
    )
    rc, printed = _clean(tmp_path, "--only", "workshops")
    assert rc == 0 and "Traceback" not in printed
    rejects = pd.read_csv(tmp_path / "processed" / "statements_rejects.csv", dtype=str, keep_default_na=False)
    assert rejects["reason"].tolist() == ["formula text is not accepted (type the text itself, without a leading '=')"]
    assert not is_formula_like(rejects["value"].iloc[0])  # neutralised in the rejects file where it needs to be
    assert load_statements(tmp_path / "processed")["text"].tolist() == ["Fin natur"]


@pytest.mark.parametrize("text", ["- =1+1", '=HYPERLINK("x")', "@SUM(1+1)"])
def test_a_formula_like_survey_answer_does_not_stop_the_survey_clean(tmp_path, text):
    rows = [SURVEY_HEADER, *_survey_rows(3)]
    rows[1][-1] = text
    _write_csv(tmp_path / "raw" / "survey" / "bolyst.csv", rows)
    rc, printed = _clean(tmp_path, "--only", "survey")
    assert rc == 0 and "Traceback" not in printed
    responses = pd.read_parquet(tmp_path / "processed" / "survey_responses.parquet")
    assert len(responses) == 3


def test_a_duplicated_survey_header_is_an_error_naming_both_columns_never_an_overwrite(tmp_path):
    rows = [[*SURVEY_HEADER, "age"], *[[*r, "99"] for r in _survey_rows(4)]]
    _write_csv(tmp_path / "raw" / "survey" / "a_dup.csv", rows)
    _write_csv(tmp_path / "raw" / "survey" / "b_ok.csv", [SURVEY_HEADER, *_survey_rows(5, start=100)])
    rc, printed = _clean(tmp_path, "--only", "survey")
    assert rc == 1
    assert "columns C and H have the same header 'age' (question age)" in printed
    responses = pd.read_parquet(tmp_path / "processed" / "survey_responses.parquet")
    assert set(responses["source_file"]) == {"b_ok.csv"} and len(responses) == 5  # the other file is written


def test_a_duplicated_header_in_an_xlsx_survey_is_the_same_clear_error(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*SURVEY_HEADER, "age"])
    for r in _survey_rows(3):
        ws.append([*r, "30"])
    (tmp_path / "raw" / "survey").mkdir(parents=True)
    wb.save(tmp_path / "raw" / "survey" / "dup.xlsx")
    _write_csv(tmp_path / "raw" / "survey" / "ok.csv", [SURVEY_HEADER, *_survey_rows(2, start=50)])
    rc, printed = _clean(tmp_path, "--only", "survey")
    assert rc == 1 and "TypeError" not in printed
    assert "columns C and H have the same header 'age'" in printed
    assert len(pd.read_parquet(tmp_path / "processed" / "survey_responses.parquet")) == 2


def test_a_duplicated_header_that_is_no_question_keeps_both_columns(tmp_path):
    rows = [[*SURVEY_HEADER, "Merknad", "Merknad"], *[[*r, "a", "b"] for r in _survey_rows(2)]]
    _write_csv(tmp_path / "raw" / "survey" / "x.csv", rows)
    rc, _ = _clean(tmp_path, "--only", "survey")
    assert rc == 0
    man = json.loads((tmp_path / "processed" / "survey_manifest.json").read_text(encoding="utf-8"))
    entry = man["files"][0]
    assert entry["duplicate_headers"] == ["Merknad"]
    assert {c["header"]: c["cells"] for c in entry["ignored_columns"]} == {"Merknad": 2, "Merknad (2)": 2}


# --------------------------------------------------------------------------- outputs safe in a spreadsheet


@pytest.mark.parametrize("text", ["@SUM(1+1)", "+47 kroner", " =1+1", "\t=cmd", "\r=cmd", "  @x"])
def test_every_csv_the_package_writes_is_safe_to_open_in_excel(tmp_path, text):
    """`@SUM(1+1)` was kept and written unescaped to statements_unthemed.csv (OWASP CSV injection)."""
    _write_csv(
        tmp_path / "raw" / "workshops" / "ur.csv",
        [
            ["Gruppe", "Type", "Tekst", "Styrke", "Ansvarlig"],
            ["UR", "kraft", f"Statement {text}", text, text],
            ["UR", "kraft", text, "", ""],
        ],
    )
    _write_csv(tmp_path / "raw" / "survey" / "s.csv", [[*SURVEY_HEADER, "Ekstra"], [*_survey_rows(1)[0], "x"]])
    rows = [SURVEY_HEADER, *_survey_rows(2)]
    rows[2][5] = text  # an unknown answer: it goes to the survey rejects
    _write_csv(tmp_path / "raw" / "survey" / "t.csv", rows)
    _clean(tmp_path)
    written = sorted((tmp_path / "processed").glob("*.csv"))
    assert {p.name for p in written} >= {
        "statements_rejects.csv",
        "statements_unthemed.csv",
        "statements_ignored.csv",
        "survey_rejects.csv",
    }
    seen_text = False
    for path in written:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")):
            for value in row:
                assert value.lstrip(" \u00a0\n")[:1] not in ("=", "+", "-", "@", "\t", "\r"), (path.name, value)
                seen_text |= text.strip() in value
    assert seen_text  # the value is kept, only neutralised


def test_the_template_stores_text_as_text(tmp_path):
    from analysis.workshops.template import write_template

    st = clean_records(raw_frame([{"group": "UR", "kind": "kraft", "text": "@SUM(1+1) er ikke en formel"}])).statements
    st.loc[0, "text"] = "=1+1"
    write_template(tmp_path / "t.xlsx", st)
    cell = openpyxl.load_workbook(tmp_path / "t.xlsx")["Innspill"]["F2"]
    assert cell.value == "=1+1" and cell.data_type == "s" and cell.quotePrefix


# --------------------------------------------------------------------------- bytes and exports


def test_nul_bytes_after_the_first_4_kb_never_reach_a_statement(tmp_path):
    raw = tmp_path / "raw" / "workshops"
    raw.mkdir(parents=True)
    body = "Gruppe;Type;Tekst\r\n" + "".join(f"UR;kraft;Innspill nummer {i}\r\n" for i in range(200))
    body += "UR;kraft;\x00\x00\r\nUR;tiltak;Lys\x00løype\r\n"
    assert len(body.encode()) > 4096
    (raw / "nul.csv").write_bytes(body.encode("utf-8"))
    clean_workshops(tmp_path, tmp_path / "p", lambda s: None)
    st = load_statements(tmp_path / "p")
    assert not st["text"].str.contains("\x00").any() and "Lysløype" in set(st["text"])
    rejects = pd.read_csv(tmp_path / "p" / "statements_rejects.csv", dtype=str, keep_default_na=False)
    assert rejects[["row", "reason"]].values.tolist() == [["202", "no statement text"]]


@pytest.mark.parametrize("dropped", ["status", "age"])
def test_a_survey_file_missing_status_or_age_fails_the_clean_with_the_reason_on_the_console(tmp_path, dropped):
    keep = [i for i, h in enumerate(SURVEY_HEADER) if h != dropped]
    rows = [[r[i] for i in keep] for r in [SURVEY_HEADER, *_survey_rows(3)]]
    _write_csv(tmp_path / "raw" / "survey" / "bolyst.csv", rows)
    rc, printed = _clean(tmp_path, "--only", "survey")
    assert rc == 1
    short = {"status": "Bosted", "age": "Alder"}[dropped]
    assert f"bolyst.csv: no column for {dropped} ({short})" in printed
    assert len(pd.read_parquet(tmp_path / "processed" / "survey_responses.parquet")) == 3  # still written


def test_an_encrypted_survey_workbook_is_named_password_protected(tmp_path):
    folder = tmp_path / "raw" / "survey"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "workshops" / "bad" / "password_protected.xlsx", folder / "kryptert.xlsx")
    _write_csv(folder / "ok.csv", [SURVEY_HEADER, *_survey_rows(2)])
    rc, printed = _clean(tmp_path, "--only", "survey")
    assert rc == 1 and "BadZipFile" not in printed
    assert "kryptert.xlsx: the workbook is password-protected (encrypted)" in printed


# --------------------------------------------------------------------------- near-duplicates


def test_statements_that_differ_only_by_a_number_are_never_merged():
    """At similarity 90, 80 statements that differed only by a number were merged."""
    rows = [
        {"group": "AG", "goal": "2", "kind": "tiltak", "text": f"Bygge {n} nye utleieboliger i sentrum innen 2030"}
        for n in range(2, 82)
    ]
    res = clean_records(raw_frame(rows))
    assert res.rows_clean == 80 and res.rows_merged == 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Flere utleieboliger i Drevsjø sentrum", "Flere utleieboliger i Elgå sentrum"),
        ("Kveldsbuss til Trysil i helgene", "Kveldsbuss til Rena i helgene"),
        ("Bussen går om kvelden i helgene", "Bussen går ikke om kvelden i helgene"),
        ("Det finnes ledige tomter i sentrum", "Det finnes ingen ledige tomter i sentrum"),
    ],
)
def test_statements_that_differ_in_a_place_or_a_negation_are_never_merged(a, b):
    res = clean_records(raw_frame([{"group": "AG", "kind": "kraft", "text": t} for t in (a, b)]))
    assert res.rows_clean == 2 and res.rows_merged == 0


def test_typos_are_still_merged():
    rows = [
        {"group": "ER", "kind": "motkraft", "text": t}
        for t in (
            "Ensomhet blant eldre i grendene",
            "Ensomhet blant eldre i grendane",
            "Ensomhet blant eldre i grendene!",
        )
    ]
    assert clean_records(raw_frame(rows)).rows_merged == 2


# --------------------------------------------------------------------------- the build


def test_a_wrong_parameter_type_fails_before_any_kernel_starts(pipeline_project, tmp_path, capsys):
    (pipeline_project / "catalogue.yaml").write_text(
        "reports:\n  - {id: hello, title: Hei, notebook: hello.ipynb, output: hello, parameters: {repeat: 'to'}}\n",
        encoding="utf-8",
    )
    rc = cli.main(["build", "--reports-dir", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "parameter 'repeat' should be a whole number like the notebook's default 3" in err
    assert "'to' (text)" in err
    assert not (tmp_path / "r" / "hello.html").exists()


def test_analysis_clean_waits_for_no_build_it_refuses_while_one_runs(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    monkeypatch.setenv("ANALYSIS_REPORTS_DIR", str(reports))
    (tmp_path / "raw" / "workshops").mkdir(parents=True)
    with BuildLock(reports):
        rc, printed = _clean(tmp_path)
    assert rc == 2
    assert "a build (or another clean) is running and reads the cleaned data" in printed
    assert not (tmp_path / "processed" / "statements.parquet").exists()
    rc, _ = _clean(tmp_path)  # released: clean runs
    assert rc == 0 and (tmp_path / "processed" / "statements.parquet").exists()


def test_temporary_files_of_an_interrupted_build_are_removed_at_the_next_build(pipeline_project, tmp_path):
    (pipeline_project / "catalogue.yaml").write_text("reports:\n", encoding="utf-8")
    reports = tmp_path / "reports"
    reports.mkdir()
    leftover = reports / ".hello.html.abc123.tmp.html"
    leftover.write_text("half a report", encoding="utf-8")
    keep = reports / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    assert cli.main(["build", "--reports-dir", str(reports)]) == 0
    assert not leftover.exists() and keep.exists()


def test_template_into_a_folder_that_cannot_be_written_is_one_clear_message(tmp_path, capsys):
    folder = tmp_path / "skrivebeskyttet"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # running as root: permissions are not enforced
            pytest.skip("the file system lets this user write anywhere")
        rc = cli.main(["template", "workshop", "--out", str(folder / "mal.xlsx")])
    finally:
        folder.chmod(0o700)
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    assert "could not write the template there" in err


def test_template_into_a_missing_folder_is_one_clear_message(tmp_path, capsys):
    blocker = tmp_path / "fil"
    blocker.write_text("x", encoding="utf-8")
    rc = cli.main(["template", "workshop", "--out", str(blocker / "under" / "mal.xlsx")])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err and "could not write the template there" in err


SLEEPER = {
    "cells": [
        {
            "cell_type": "code",
            "metadata": {"tags": ["parameters"]},
            "source": "name = 'a'",
            "outputs": [],
            "execution_count": None,
        },
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": "import os, time, pathlib\n"
            "pathlib.Path(os.environ['SLEEPER_DIR'], name + '.pids').write_text(f'{os.getpid()} {os.getppid()}')\n"
            "time.sleep(120)",
        },
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to watch the processes")
@pytest.mark.parametrize(
    "how",
    [
        "kill -9 of the build process",  # the build's workers notice; their templates kill the kernels
        "SIGTERM to the build's process group",  # the templates die too: their kernels must follow
    ],
)
def test_workers_and_kernels_die_with_a_killed_build(tmp_path, how):
    """`kill -9` of `analysis build` left workers running as orphans that went on writing reports; a SIGTERM to
    the whole process group (what a terminal or a scheduler sends) left the forked kernels running."""
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "data" / "raw").mkdir(parents=True)
    (root / "notebooks" / "sleeper.ipynb").write_text(json.dumps(SLEEPER), encoding="utf-8")
    (root / "catalogue.yaml").write_text(
        "reports:\n"
        "  - {id: a, title: A, notebook: sleeper.ipynb, output: a, parameters: {name: a}}\n"
        "  - {id: b, title: B, notebook: sleeper.ipynb, output: b, parameters: {name: b}}\n",
        encoding="utf-8",
    )
    shutil.copy(Path(__file__).resolve().parents[1] / "profile.yaml", root / "profile.yaml")
    env = dict(os.environ, ANALYSIS_PROJECT_ROOT=str(root), SLEEPER_DIR=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis.cli", "build", "--jobs", "2", "--reports-dir", str(tmp_path / "r")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(list(tmp_path.glob("*.pids"))) < 2:
            time.sleep(0.2)
        pids = [int(x) for p in tmp_path.glob("*.pids") for x in p.read_text().split()]
        assert len(pids) == 4, "the two kernels did not start"
        if how.startswith("kill -9"):
            os.kill(proc.pid, signal.SIGKILL)  # only the build process, not its group
        else:
            os.killpg(proc.pid, signal.SIGTERM)  # the build, its workers and templates; kernels have own sessions
        proc.wait(timeout=10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(p) for p in pids):
            time.sleep(0.2)
        assert not [p for p in pids if _alive(p)], "workers or kernels outlived the build"
        assert not list((tmp_path / "r").glob("*.html")) or not (tmp_path / "r" / "a.html").exists()
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
