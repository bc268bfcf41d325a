"""The input template: structure, drop-downs, round trip, command."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from analysis import vocab
from analysis.cli import main
from analysis.profile import load_profile
from analysis.workshops.template import read_template, write_template


@pytest.fixture
def blank(tmp_path):
    return write_template(tmp_path / "mal.xlsx")


def test_sheets_and_headers(blank):
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames == ["Veiledning", "Innspill", "Lister"]
    assert wb["Lister"].sheet_state == "hidden"
    ws = wb["Innspill"]
    assert [c.value for c in ws[1]] == [
        "Gruppe",
        "Dato",
        "Mål",
        "Delmål",
        "Type",
        "Tekst",
        "Styrke (1–5)",
        "Påvirkbar (1–5)",
        "Stemmer",
        "Svarer på motkraft",
    ]
    text = " ".join(str(c.value) for c in wb["Veiledning"]["A"] if c.value)
    assert "Påvirkbar" in text and "1 300" in text and "Motkraft" in text


def test_drop_downs_and_number_rules(blank):
    ws = openpyxl.load_workbook(blank)["Innspill"]
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert rules["A2"].type == "list" and rules["A2"].formula1 == "=Lister!$A$2:$A$12"
    assert rules["C2"].type == "list" and rules["C2"].formula1 == "=Lister!$B$2:$B$5"
    assert rules["E2"].type == "list" and rules["E2"].formula1 == "=Lister!$C$2:$C$6"
    assert rules["B2"].type == "date"
    for col in ("G2", "H2"):
        assert (rules[col].type, rules[col].formula1, rules[col].formula2) == ("whole", "1", "5")
    assert rules["I2"].type == "whole" and rules["I2"].operator == "greaterThanOrEqual"
    # the counter-forces typed in the sheet, as "row: text", without gaps; typing a number or text is allowed
    assert rules["J2"].type == "list" and not rules["J2"].showErrorMessage
    assert rules["J2"].formula1.startswith("=OFFSET(Lister!$E$2,0,0,MAX(1,COUNTIF(Innspill!$E$2:$E$")
    helper = openpyxl.load_workbook(blank)["Lister"]
    assert helper["D5"].value == '=IF(Innspill!$E5="Motkraft",COUNTIF(Innspill!$E$2:$E5,"Motkraft"),"")'
    assert helper["E5"].value.startswith("=IFERROR(MATCH(4,$D$2:$D$")
    assert ws["B2"].number_format == "DD.MM.YYYY"
    lists = openpyxl.load_workbook(blank)["Lister"]
    assert [lists.cell(r, 2).value for r in range(2, 6)] == list(load_profile().goal_labels.values())
    assert [lists.cell(r, 3).value for r in range(2, 7)] == list(vocab.KIND_LABELS.values())
    assert [lists.cell(r, 1).value for r in range(2, 13)] == list(load_profile().group_labels.values())


def test_round_trip_is_exact(tmp_path):
    st = pd.DataFrame(
        [
            {
                "group": "ungdomsradet",
                "date": pd.Timestamp("2021-04-22"),
                "goal": "unge",
                "delmal": "Mer fritid",
                "kind": "tiltak",
                "text": "Ungdomsklubb med fast åpningstid",
                "strength": None,
                "pavirkbar": 5,
                "votes": 7,
            },
            {
                "group": "grendemote:drevsjo",
                "date": pd.Timestamp("2021-06-03"),
                "goal": None,
                "delmal": None,
                "kind": "motkraft",
                "text": "=ikke en formel fordi den er tekst",
                "strength": 4,
                "pavirkbar": None,
                "votes": None,
            },
            {
                "group": "funksjonshemmede",
                "date": None,
                "goal": "bolyst",
                "delmal": None,
                "kind": "onsket_resultat",
                "text": "Alle kommunale bygg er universelt utformet",
                "strength": None,
                "pavirkbar": None,
                "votes": 0,
            },
            {
                "group": "kommunestyret",
                "date": pd.Timestamp("2021-03-18"),
                "goal": "innbyggertall",
                "delmal": None,
                "kind": "kraft",
                "text": "Fjernarbeid er blitt vanlig",
                "strength": 3,
                "pavirkbar": 2,
                "votes": None,
            },
        ]
    )
    st = st.iloc[[0, 2, 3]]  # a text starting with '=' is rejected on reading, by design
    path = write_template(tmp_path / "fylt.xlsx", st)
    back = read_template(path)
    cols = ["group", "date", "goal", "delmal", "kind", "text", "strength", "pavirkbar", "votes"]
    expected = st.copy()
    expected["date"] = pd.to_datetime(expected["date"]).astype("datetime64[ms]")
    back = back.sort_values("text").reset_index(drop=True)
    expected = expected.sort_values("text").reset_index(drop=True)
    for c in cols:
        assert [None if pd.isna(v) else v for v in back[c]] == [None if pd.isna(v) else v for v in expected[c]], c
    # and reading it twice gives the same statements table
    pd.testing.assert_frame_equal(read_template(path), read_template(path))


def test_dates_are_date_cells(tmp_path):
    st = pd.DataFrame(
        [
            {
                "group": "eldreradet",
                "date": pd.Timestamp("2021-05-06"),
                "goal": "bolyst",
                "delmal": None,
                "kind": "tiltak",
                "text": "Seniorsenter",
                "strength": None,
                "pavirkbar": 4,
                "votes": None,
            }
        ]
    )
    ws = openpyxl.load_workbook(write_template(tmp_path / "d.xlsx", st))["Innspill"]
    assert isinstance(ws["B2"].value, dt.datetime) and ws["A2"].value == "Eldrerådet"


def test_command_writes_template(tmp_path, capsys):
    out = tmp_path / "ny.xlsx"
    assert main(["template", "workshop", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames[1] == "Innspill"
    assert main(["template", "workshop", "--out", str(out)]) == 2  # exists: refuse
    assert "already exists" in capsys.readouterr().err
    assert main(["template", "workshop", "--out", str(out), "--force"]) == 0
    assert main(["template", "workshop", "--out", str(tmp_path / "x.csv")]) == 2


def test_round_trip_of_all_illustrative_statements(tmp_path):
    from analysis.workshops.pipeline import run_clean
    from analysis.workshops.store import load_statements
    from tools.illustrative.workshops import write_illustrative

    write_illustrative(tmp_path / "raw" / "workshops")
    assert run_clean(tmp_path, tmp_path / "processed", lambda s: None)
    st = load_statements(tmp_path / "processed")
    back = read_template(write_template(tmp_path / "alle.xlsx", st))
    cols = [
        "statement_id",
        "group",
        "date",
        "goal",
        "delmal",
        "kind",
        "text",
        "strength",
        "pavirkbar",
        "votes",
        "themes",
        "answers",
    ]
    pd.testing.assert_frame_equal(back[cols], st[cols])
