"""Explicit links between measures and counter-forces: the notes' column, the analyst's links file, suggestions."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.workshops import links
from analysis.workshops.cleaning import clean_records
from analysis.workshops.mappings import load_mappings
from analysis.workshops.pipeline import clean_folder
from analysis.workshops.readers import read_file, tables_frame

CSV = """Gruppe;Mål;Type;Tekst;Styrke;Påvirkbar;Svarer på motkraft
Ungdomsrådet;Økt bolyst;Motkraft;Mangel på utleieboliger;5;;
Ungdomsrådet;Økt bolyst;Motkraft;Lite å gjøre for ungdom på kveldstid;4;;
Ungdomsrådet;Økt bolyst;Kraft;Flott natur;4;;
Ungdomsrådet;Økt bolyst;Tiltak;Bygge utleieboliger i sentrum;;4;2
Ungdomsrådet;Økt bolyst;Tiltak;Ungdomsklubb flere kvelder;;5;"mangel på utleiebolger; Lite å gjøre for ungdom på kveldstid"
Ungdomsrådet;Økt bolyst;Tiltak;Kafé i sentrum;;3;4
Ungdomsrådet;Økt bolyst;Tiltak;Skatepark ved skolen;;4;Dårlig vei
Ungdomsrådet;Økt bolyst;Kraft;Gode lærere;4;;2
Eldrerådet;Økt bolyst;Motkraft;Mangel på utleieboliger;3;;
Eldrerådet;Økt bolyst;Tiltak;Omsorgsboliger;;4;
"""


def _clean(tmp_path, text: str = CSV):
    path = tmp_path / "notater.csv"
    path.write_text(text, encoding="utf-8")
    m = load_mappings()
    fr = read_file(path, path.name, m)
    assert fr.error is None, fr.error
    return clean_records(tables_frame(fr.tables), m)


def _by_text(st, text, group="ungdomsradet"):
    return st.loc[
        (st["text"] == text) & (st["group"].isin([group, "eldreradet"] if text == "Omsorgsboliger" else [group]))
    ].iloc[0]


def test_parse_link_values():
    assert links.parse_link_value("3") == [("row", "3")]
    assert links.parse_link_value("rad 3 og 7") == [("row", "3"), ("row", "7")]
    assert links.parse_link_value("12: Lang vei, særlig om vinteren") == [("row", "12")]
    assert links.parse_link_value("Lang vei, særlig om vinteren") == [("text", "Lang vei, særlig om vinteren")]


def test_links_by_row_number_and_by_text_with_a_typo(tmp_path):
    res = _clean(tmp_path)
    st = res.statements
    housing = _by_text(st, "Mangel på utleieboliger")
    assert housing["group"] == "ungdomsradet"
    evening = _by_text(st, "Lite å gjøre for ungdom på kveldstid")
    # row 2 of the sheet is the counter-force "Mangel på utleieboliger" (the header is row 1)
    assert _by_text(st, "Bygge utleieboliger i sentrum")["answers"] == (housing["statement_id"],)
    assert _by_text(st, "Ungdomsklubb flere kvelder")["answers"] == (housing["statement_id"], evening["statement_id"])
    # the other group's identical counter-force is not linked: links stay within a group
    other = st.loc[(st["text"] == "Mangel på utleieboliger") & (st["group"] == "eldreradet"), "statement_id"].iloc[0]
    assert all(other not in a for a in st["answers"])
    assert _by_text(st, "Omsorgsboliger")["answers"] == ()


def test_unusable_link_values_are_reported_and_the_statement_kept(tmp_path):
    res = _clean(tmp_path)
    st, report = res.statements, res.links
    assert _by_text(st, "Kafé i sentrum")["answers"] == ()  # row 4 is a driving force
    assert _by_text(st, "Skatepark ved skolen")["answers"] == ()
    assert _by_text(st, "Gode lærere")["answers"] == ()  # only measures answer counter-forces
    problems = report.loc[report["status"] != links.LINKED].set_index("value")["reason"]
    assert "kraft, not a motkraft" in problems["4"]
    assert "reads like this" in problems["Dårlig vei"]
    assert (report["status"] == links.IGNORED).sum() == 1
    assert (report["status"] == links.LINKED).sum() == 3


def test_links_survive_merging_of_near_duplicate_counter_forces(tmp_path):
    text = CSV.replace(
        "Eldrerådet;Økt bolyst;Motkraft;Mangel på utleieboliger;3;;",
        "Ungdomsrådet;Økt bolyst;Motkraft;Mangel på utleieboliger!;3;;\nEldrerådet;Økt bolyst;Tiltak;Noe;;;",
    ).replace(";Bygge utleieboliger i sentrum;;4;2", ";Bygge utleieboliger i sentrum;;4;10")  # row 10: the duplicate
    st = _clean(tmp_path, text).statements
    kept = st.loc[(st["kind"] == "motkraft") & st["text"].str.startswith("Mangel")]
    assert len(kept) == 1  # merged
    assert _by_text(st, "Bygge utleieboliger i sentrum")["answers"] == (kept["statement_id"].iloc[0],)


def test_links_file_adds_and_replaces(tmp_path):
    raw = tmp_path / "raw" / "workshops"
    raw.mkdir(parents=True)
    (raw / "notater.csv").write_text(CSV, encoding="utf-8")
    (raw / links.LINKS_FILE_NAME).write_text(
        "links:\n"
        "  - measure: Omsorgsboliger\n"
        "    answers: [Mangel på utleieboliger]\n"
        "  - group: ungdomsradet\n"
        "    measure: Ungdomsklubb flere kvelder\n"
        "    answers: [Lite å gjøre for ungdom på kveldstid]\n"
        "    replace: true\n"
        "  - measure: Finnes ikke\n"
        "    answers: [x]\n",
        encoding="utf-8",
    )
    run = clean_folder(tmp_path / "raw")
    st = run.result.statements
    eldre = st.loc[(st["group"] == "eldreradet") & (st["kind"] == "motkraft"), "statement_id"].iloc[0]
    assert _by_text(st, "Omsorgsboliger")["answers"] == (eldre,)
    evening = _by_text(st, "Lite å gjøre for ungdom på kveldstid")["statement_id"]
    assert _by_text(st, "Ungdomsklubb flere kvelder")["answers"] == (evening,)
    report = run.result.links
    assert ((report["source"] == "koblingsfil") & (report["status"] == links.NOT_FOUND)).sum() == 1


def test_bad_links_file_is_a_clear_error(tmp_path):
    path = tmp_path / links.LINKS_FILE_NAME
    path.write_text("links:\n  - answers: [x]\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="needs 'measure'"):
        links.read_link_file(path)


def test_theme_overlap_is_only_a_suggestion(tmp_path):
    st = _clean(tmp_path).statements
    sugg = links.theme_suggestions(st)
    assert (sugg["status"] == links.SUGGESTION).all()
    # "Omsorgsboliger" shares the theme bolig with eldrerådet's counter-force but is not linked to it
    pair = sugg.loc[sugg["measure"] == "Omsorgsboliger"]
    assert len(pair) == 1 and pair["counterforce"].iloc[0] == "Mangel på utleieboliger"
    assert _by_text(st, "Omsorgsboliger")["answers"] == ()
    # a linked pair is not suggested again
    assert not ((sugg["measure"] == "Bygge utleieboliger i sentrum") & (sugg["group"] == "ungdomsradet")).any()


def test_suggestions_are_capped_strongest_first():
    """A group with many counter-forces on one theme: at most MAX_SUGGESTIONS per measure, strongest first
    (a group with 60 000 statements once produced millions of pairs here)."""
    from analysis.forcefield import metrics

    assert metrics.MAX_SUGGESTIONS == links.MAX_SUGGESTIONS
    n = 40
    st = pd.DataFrame(
        {
            "statement_id": [f"c{i:03d}" for i in range(n)] + ["m000"],
            "group": "arbeidsgruppe",
            "goal": "bolyst",
            "kind": ["motkraft"] * n + ["tiltak"],
            "text": [f"Mangel på boliger {i}" for i in range(n)] + ["Bygge boliger"],
            "strength": [i % 5 + 1 for i in range(n)] + [None],
            "pavirkbar": None,
            "votes": None,
            "themes": [("bolig",)] * (n + 1),
            "answers": [()] * (n + 1),
        }
    )
    sugg = links.theme_suggestions(st)
    assert len(sugg) == links.MAX_SUGGESTIONS
    strengths = st.set_index("statement_id").loc[sugg["counterforce_id"], "strength"].tolist()
    assert strengths == [5] * links.MAX_SUGGESTIONS
    ml = metrics.measure_links(st)
    assert len(ml.loc[0, "suggestions"]) == links.MAX_SUGGESTIONS
