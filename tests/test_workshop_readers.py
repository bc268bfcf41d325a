"""Readers: encodings, delimiters, layouts, headings, merged cells, one sheet per group."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from test_workshop_helpers import clean_file, read_one

ROWS = [
    ["Gruppe", "Mål", "Type", "Tekst", "Styrke"],
    ["Ungdomsrådet", "1", "motkraft", "Lite å gjøre for ungdom på kveldstid", "høy"],
    ["UR", "Mål 4", "tiltak", "Skatepark ved skolen", ""],
]


def _csv(rows, delim):
    return "\r\n".join(delim.join(r) for r in rows) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
@pytest.mark.parametrize("delim", [";", ","])
def test_csv_encodings_and_delimiters(tmp_path, encoding, delim):
    p = tmp_path / "ur.csv"
    p.write_bytes(_csv(ROWS, delim).encode(encoding))
    res = clean_file(p)
    st = res.statements
    assert res.rows_rejected == 0
    assert set(st["text"]) == {"Lite å gjøre for ungdom på kveldstid", "Skatepark ved skolen"}
    assert set(st["group"]) == {"ungdomsradet"}
    row = st.set_index("text").loc["Lite å gjøre for ungdom på kveldstid"]
    assert (row["goal"], row["kind"], row["strength"]) == ("bolyst", "motkraft", 4)


def test_headers_any_case_spaces_and_english(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text(" GROUP ,goal,  Kind,STATEMENT , strength\nER,2,Kraft,Frivillige kjører eldre,3\n", encoding="utf-8")
    st = clean_file(p).statements
    assert st.loc[0, ["group", "goal", "kind", "strength"]].tolist() == ["eldreradet", "innbyggertall", "kraft", 3]


def test_blank_rows_skipped_and_row_numbers_kept(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("Gruppe;Type;Tekst\n\nUR;kraft;Natur\n;;\nUR;kraft;Samhold\n", encoding="utf-8")
    fr = read_one(p)
    assert [r["_row"] for r in fr.tables[0].records] == [3, 5]


def test_group_from_file_name_and_heading(tmp_path):
    p = tmp_path / "grendemote_elga_2021-06-08.csv"
    p.write_text("Mål,Type,Innspill\nØkt bolyst,Motkraft,Dårlig mobildekning\n", encoding="utf-8")
    st = clean_file(p).statements
    assert st.loc[0, "group"] == "grendemote:elga"
    assert st.loc[0, "date"] == dt.datetime(2021, 6, 8)


def _forcefield(path, with_strength=True, goal_title="Mål 2: Økt innbyggertall"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kommunestyret"
    ws["A1"] = "Kraftfeltanalyse"
    ws.merge_cells("A1:D1")
    ws["A2"] = goal_title
    ws.append([])
    if with_strength:
        ws.append(["Krefter", "Styrke", "Motkrefter", "Styrke"])
        ws.append(["• Fjernarbeid er vanlig", 4, "Mangel på utleieboliger", 5])
        ws.append([None, None, None, None])
        ws.append(["Ledige tomter", None, None, None])
        ws.append([None, None, "Få jobber", "3 - middels"])
    else:
        ws.append(["Drivkrefter", "Motkrefter"])
        ws.append(["Fjernarbeid er vanlig", "Mangel på utleieboliger"])
    wb.save(path)


def test_forcefield_layout_detected(tmp_path):
    p = tmp_path / "ks.xlsx"
    _forcefield(p)
    fr = read_one(p)
    assert [t.layout for t in fr.tables] == ["forcefield"]
    st = clean_file(p).statements.set_index("text")
    assert st.loc["Fjernarbeid er vanlig", ["group", "goal", "kind", "strength"]].tolist() == [
        "kommunestyret",
        "innbyggertall",
        "kraft",
        4,
    ]
    assert st.loc["Mangel på utleieboliger", "kind"] == "motkraft"
    assert st.loc["Mangel på utleieboliger", "source_row"] == 5
    assert st.loc["Få jobber", "strength"] == 3
    assert st["strength"].isna().sum() == 1  # "Ledige tomter" was not scored


def test_forcefield_without_strength(tmp_path):
    p = tmp_path / "ks.xlsx"
    _forcefield(p, with_strength=False, goal_title="Flere yngre innbyggere")
    st = clean_file(p).statements
    assert sorted(st["kind"]) == ["kraft", "motkraft"]
    assert set(st["goal"]) == {"unge"}
    assert st["strength"].isna().all()


def test_merged_cells_and_heading_above(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Gruppe: Eldrerådet"
    ws["A2"] = "Dato"
    ws["B2"] = dt.datetime(2021, 5, 6)
    ws.append([])
    ws.append(["Mål", "Type", "Tekst"])
    ws.append(["Økt bolyst", "Tiltak", "Seniorsenter"])
    ws.append([None, "Motkraft", "Ensomhet"])
    ws.merge_cells("A5:A6")
    p = tmp_path / "e.xlsx"
    wb.save(p)
    st = clean_file(p).statements
    assert set(st["goal"]) == {"bolyst"}
    assert set(st["group"]) == {"eldreradet"}
    assert set(st["date"]) == {dt.datetime(2021, 5, 6)}


def test_one_sheet_per_group(tmp_path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in ("Drevsjø", "Elgå"):
        ws = wb.create_sheet(name)
        ws.append(["Mål", "Type", "Innspill"])
        ws.append(["1", "kraft", f"Natur rundt {name}"])
    wb.create_sheet("Ark3")  # empty sheets are skipped
    p = tmp_path / "grendemoter.xlsx"
    wb.save(p)
    fr = read_one(p)
    assert fr.error is None and len(fr.tables) == 2
    assert fr.notes == ["sheet Ark3: the sheet is empty"]
    st = clean_file(p).statements
    assert sorted(st["group"]) == ["grendemote:drevsjo", "grendemote:elga"]


def test_template_is_read(tmp_path):
    from analysis.workshops.template import write_template

    p = tmp_path / "blank.xlsx"
    write_template(p)
    fr = read_one(p)
    assert fr.error is None
    assert [t.sheet for t in fr.tables if t.layout != "none"] == ["Innspill"]
    assert all(t.records == [] for t in fr.tables)
    # the instruction and list sheets are not read as notes, but their cells are listed (never dropped quietly)
    listed = {t.sheet: {why for *_, why in t.ignored} for t in fr.tables if t.layout == "none"}
    assert listed == {
        "Veiledning": {"instruction or list sheet (not notes)"},
        "Lister": {"instruction or list sheet (not notes)"},
    }


def test_formula_read_as_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "UR"
    ws.append(["Type", "Tekst"])
    ws.append(["kraft", '=HYPERLINK("http://x","y")'])
    p = tmp_path / "f.xlsx"
    wb.save(p)
    res = clean_file(p)
    assert res.rows_rejected == 1 and res.statements.empty
    assert res.rejects.loc[0, "value"].startswith("'=")  # neutralised in the rejects file


def test_unquoted_delimiter_inside_text_is_rejoined(tmp_path):
    p = tmp_path / "ur.csv"
    p.write_text(
        "Gruppe;Type;Innspill;Styrke\nUR;kraft;Natur; fjell og vann;4\nUR;kraft;Samhold;3;;\n", encoding="utf-8"
    )
    st = clean_file(p).statements.set_index("text")
    assert st.loc["Natur; fjell og vann", "strength"] == 4
    assert st.loc["Samhold", "strength"] == 3


def test_two_goals_side_by_side(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Eldrerådet"
    ws.append(["Økt bolyst", None, "Flere yngre innbyggere", None])
    ws.append(["Krefter", "Motkrefter", "Krefter", "Motkrefter"])
    ws.append(["Natur", "Ensomhet", "Gode skoler", "Lang skolevei"])
    p = tmp_path / "ff.xlsx"
    wb.save(p)
    st = clean_file(p).statements.set_index("text")
    assert st.loc[["Natur", "Ensomhet"], "goal"].tolist() == ["bolyst", "bolyst"]
    assert st.loc[["Gode skoler", "Lang skolevei"], "goal"].tolist() == ["unge", "unge"]
    assert st.loc["Lang skolevei", "kind"] == "motkraft"


def test_heading_rows_inside_a_long_table(tmp_path):
    p = tmp_path / "kommunestyret.csv"
    p.write_text(
        "Type;Tekst;Styrke\nØkt bolyst;;\nkraft;Natur;4\nMotkrefter:;;\n;Dårlige veier;3\n"
        "Mål 4 – Flere yngre innbyggere;;\nkraft;Gode skoler;\n",
        encoding="utf-8",
    )
    res = clean_file(p)
    assert res.rows_in == 3 and res.rows_rejected == 0
    st = res.statements.set_index("text")
    assert st.loc["Natur", ["goal", "kind"]].tolist() == ["bolyst", "kraft"]
    assert st.loc["Dårlige veier", ["goal", "kind"]].tolist() == ["bolyst", "motkraft"]
    assert st.loc["Gode skoler", ["goal", "kind"]].tolist() == ["unge", "kraft"]
    assert st.loc["Dårlige veier", "source_row"] == 5


def test_kind_headings_under_a_goal_heading_keep_the_goal(tmp_path):
    """Typed notes: «Økt innbyggertall», then «Drivkrefter» and «Motkrefter» under it (found in a session's
    fault injection: every statement lost its goal while the ignored list said the heading set it)."""
    notes = tmp_path / "Referat arbeidsgruppa 20.03.2024.txt"
    notes.write_text(
        "Arbeidsgruppa 20.03.2024\n\nØkt innbyggertall\n\nDrivkrefter\n- Nærhet til Kongsvinger\n- Billige tomter\n\n"
        "Motkrefter\n- Lite variert boligtilbud\n\nØkt bolyst\nDrivkrefter\n- Natur og friluftsliv\n",
        encoding="utf-8",
    )
    out = clean_file(notes).statements
    assert dict(zip(out["text"], out["goal"])) == {
        "Billige tomter": "innbyggertall",
        "Lite variert boligtilbud": "innbyggertall",
        "Natur og friluftsliv": "bolyst",
        "Nærhet til Kongsvinger": "innbyggertall",
    }
    assert dict(zip(out["text"], out["kind"]))["Lite variert boligtilbud"] == "motkraft"


def test_a_kind_heading_after_a_goals_own_lines_starts_a_list_of_its_own(tmp_path):
    notes = tmp_path / "Referat kommunestyret.txt"
    notes.write_text(
        "Kommunestyret 12.03.2024\n\nØkt innbyggertall:\n+ Nærhet til Kongsvinger\n÷ Lite variert boligtilbud\n\n"
        "Tiltak:\n1. Kartlegge tomter\n",
        encoding="utf-8",
    )
    out = clean_file(notes).statements.set_index("text")
    assert out.loc["Nærhet til Kongsvinger", "goal"] == "innbyggertall"
    assert out.loc["Lite variert boligtilbud", "goal"] == "innbyggertall"
    assert out.loc["Kartlegge tomter", "kind"] == "tiltak" and pd.isna(out.loc["Kartlegge tomter", "goal"])


def _merged_force_field(path, merged: bool):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ungdomsrådet"
    ws.append(["Kraftfeltanalyse – Økt bolyst – Ungdomsrådet 12.03.2024"])
    ws.append([])
    ws.append(["Krefter", None if merged else "Styrke", None, "Motkrefter", None if merged else "Styrke"])
    ws.append(["Flott natur med Glomma", "3 av 5", None, "Lite å gjøre for ungdom på kveldstid", "høy"])
    ws.append(["Kort vei til Kongsvinger", "høy", None, "Bussen går bare hver andre time", "2"])
    ws.append(["Billige boliger", "4-5", None, "Få sommerjobber for 15-17-åringer", "3 av 5"])
    if merged:
        ws.merge_cells("A3:B3")
        ws.merge_cells("D3:E3")  # past the row's last value: openpyxl's read-only rows end at D
    wb.save(path)
    return path


def test_scores_under_a_header_merged_across_the_statement_column_are_its_strength(tmp_path):
    """«Krefter» merged over A:B and «Motkrefter» over D:E (a fault-injection file): the counter-forces' scores in
    E were listed as ignored («column E has no header»), so the report weighed the forces alone."""
    merged = clean_file(_merged_force_field(tmp_path / "merged.xlsx", merged=True))
    plain = clean_file(_merged_force_field(tmp_path / "plain.xlsx", merged=False))
    cols = ["kind", "text", "strength"]
    assert merged.statements[cols].equals(plain.statements[cols])
    got = dict(zip(merged.statements["text"], merged.statements["strength"]))
    assert got["Lite å gjøre for ungdom på kveldstid"] == 4 and got["Bussen går bare hver andre time"] == 2
    assert pd.isna(got["Billige boliger"])  # «4-5» is a range: rejected with its reason, not read as 4
    assert "range" in " ".join(merged.rejects["reason"].astype(str))
