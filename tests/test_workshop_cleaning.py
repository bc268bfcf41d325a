"""Cleaning: text, ids, rejects, near-duplicates; property-based invariants."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.workshops.cleaning import (
    ROW_REJECTED,
    VALUE_EMPTIED,
    clean_records,
    fold_text,
    normalise_text,
    statement_id,
)
from test_workshop_helpers import raw_frame


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  •  Flere   utleieboliger ", "Flere utleieboliger"),
        ("- Mangel på boliger", "Mangel på boliger"),
        ("1. Fiber til alle\n", "Fiber til alle"),
        ("Drevsjã¸", "Drevsjã¸"),  # not mojibake of anything sensible: left alone
        ("DrevsjÃ¸ og SÃ¸mÃ¥dalen", "Drevsjø og Sømådalen"),
        ("rÃ¥dhuset", "rådhuset"),
        ("Engerdal har 1 300 innbyggere i 2030", "Engerdal har 1 300 innbyggere i 2030"),
        ("Tekst\u00a0med\u200bnbsp", "Tekst mednbsp"),
        ("<script>alert('x')</script>", "<script>alert('x')</script>"),
    ],
)
def test_normalise_text(raw, clean):
    assert normalise_text(raw) == clean


def test_statement_id_ignores_case_punctuation_spaces():
    a = statement_id("ungdomsradet", "bolyst", "tiltak", "Flere  boliger!")
    assert a == statement_id("ungdomsradet", "bolyst", "tiltak", "flere boliger")
    assert a != statement_id("eldreradet", "bolyst", "tiltak", "flere boliger")
    assert a != statement_id("ungdomsradet", None, "tiltak", "flere boliger")


def _rows(n=1, **kw):
    base = {"group": "UR", "goal": "1", "kind": "kraft", "text": "Fin natur"}
    return [{**base, **kw} for _ in range(n)]


def test_text_raw_kept_and_source_lineage():
    res = clean_records(raw_frame(_rows(text="  • DrevsjÃ¸ har fin natur ")))
    row = res.statements.iloc[0]
    assert row["text"] == "Drevsjø har fin natur" and row["text_raw"] == "  • DrevsjÃ¸ har fin natur "
    assert (row["source_file"], row["source_row"], row["source"]) == ("t.csv", 2, "workshop")


def test_village_source():
    res = clean_records(raw_frame(_rows(group="Grendemøte Drevsjø")))
    assert res.statements.loc[0, ["group", "source"]].tolist() == ["grendemote:drevsjo", "grendemote"]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        (
            "group",
            "Skolekorpset",
            "unknown group 'Skolekorpset' (add it to profile.yaml, under groups or villages or as an alias)",
        ),
        ("goal", "Mål 5", "unknown goal 'Mål 5' (use one of the goals in profile.yaml or leave it empty)"),
        ("kind", "innfall", "unknown kind 'innfall'"),
        (
            "text",
            '=HYPERLINK("http://x","y")',
            "formula text is not accepted (type the text itself, without a leading '=')",
        ),
        ("text", "- =1+1", "formula text is not accepted (type the text itself, without a leading '=')"),
        (
            "text",
            '• =HYPERLINK("http://x")',
            "formula text is not accepted (type the text itself, without a leading '=')",
        ),
        ("text", "   ", "no statement text"),
        ("text", "\x00\x00", "no statement text"),
    ],
)
def test_reject_reasons(field, value, reason):
    res = clean_records(raw_frame(_rows(**{field: value})))
    assert res.rows_rejected == 1 and res.statements.empty
    assert res.rejects.loc[0, "reason"] == reason
    assert res.rejects.loc[0, "row"] == 2
    assert res.rejects.loc[0, "action"] == ROW_REJECTED


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("strength", "7", "strength 7 is outside 1–5"),
        ("strength", "middels til høy", "strength 'middels til høy' is not a number 1–5"),
        ("pavirkbar", "0", "påvirkbar 0 is outside 1–5"),
        ("pavirkbar", "ja", "påvirkbar 'ja' is not a number 1–5"),
        ("votes", "-1", "votes '-1' is not a whole number of 0 or more"),
        ("votes", "mange", "votes 'mange' is not a whole number of 0 or more"),
        ("date", "i fjor", "date 'i fjor' is not a date (write it as DD.MM.YYYY)"),
    ],
)
def test_a_bad_value_is_left_empty_and_the_statement_kept(field, value, reason):
    res = clean_records(raw_frame(_rows(**{field: value})))
    assert res.rows_rejected == 0 and res.rows_clean == 1
    assert pd.isna(res.statements.loc[0, field])
    assert res.rejects[["row", "reason", "action"]].values.tolist() == [[2, reason, VALUE_EMPTIED]]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("strength", "xxx", 3),
        ("strength", "●●●●", 4),
        ("strength", "4/5", 4),
        ("strength", "fire", 4),
        ("strength", "Svært høy", 5),
        ("votes", "||||", 4),
        ("votes", "3+2", 5),
        ("votes", "5 prikker", 5),
        ("group", "Heggerset", "grendemote:heggeriset"),
        ("group", "Drevsjø grendemøte", "grendemote:drevsjo"),
        ("goal", "Auka folketal", "innbyggertall"),
        ("goal", "Fleire yngre innbyggjarar", "unge"),
        ("goal", "Økt innbyggertall;", "innbyggertall"),
        ("kind", "−", "motkraft"),
        ("kind", "Det som er bra 👍", "kraft"),
        ("kind", "Utfordring", "motkraft"),
        ("kind", "Delmål 1.1", "delmal"),
    ],
)
def test_values_typed_in_everyday_ways_are_read(field, value, expected):
    res = clean_records(raw_frame(_rows(**{field: value})))
    assert res.rows_clean == 1, res.rejects
    assert res.statements.loc[0, field] == expected


def test_two_goals_named_means_no_single_goal_and_is_reported():
    res = clean_records(raw_frame(_rows(goal="Flere kvinnelige innbyggere;Økt bolyst;")))
    assert res.rows_clean == 1 and pd.isna(res.statements.loc[0, "goal"])
    assert [u["how"] for u in res.uncertain] == ["several goals named"]


@pytest.mark.parametrize(
    ("text", "kind", "clean"),
    [
        ("Kraft: Femundløpet gir liv", "kraft", "Femundløpet gir liv"),
        ("Tiltak: Tilflytterkontakt", "tiltak", "Tilflytterkontakt"),
        ("👎 ingen buss etter kl 16", "motkraft", "ingen buss etter kl 16"),
        ("+ Femunden rett utenfor døra", "kraft", "Femunden rett utenfor døra"),
        ("÷Ingen ledige tomter", "motkraft", "Ingen ledige tomter"),
    ],
)
def test_a_kind_written_before_the_text_is_used_when_no_kind_is_given(text, kind, clean):
    res = clean_records(raw_frame(_rows(text=text, kind="")))
    assert res.statements.loc[0, ["kind", "text"]].tolist() == [kind, clean]
    assert res.statements.loc[0, "text_raw"] == text


def test_blank_goal_is_allowed():
    res = clean_records(raw_frame(_rows(goal="")))
    assert res.rows_rejected == 0 and pd.isna(res.statements.loc[0, "goal"])


def test_near_duplicates_merged_within_group_goal_kind():
    rows = (
        _rows(text="Ensomhet blant eldre i grendene", group="ER", votes="2")
        + _rows(text="Ensomhet blant eldre i grendane", group="ER", votes="3", strength="4")
        + _rows(text="Ensomhet blant eldre i grendene!", group="ER")
    )
    res = clean_records(raw_frame(rows))
    assert (res.rows_in, res.rows_clean, res.rows_merged) == (3, 1, 2)
    row = res.statements.iloc[0]
    assert row["text"] == "Ensomhet blant eldre i grendene"  # typed twice: kept
    assert len(row["merged_ids"]) == 1 and row["n_sources"] == 3
    assert row["votes"] == 5 and row["strength"] == 4  # votes added, blank filled


def test_same_idea_in_two_groups_is_not_merged():
    rows = _rows(text="Mangel på utleieboliger", group="UR") + _rows(text="Mangel på utleieboliger", group="ER")
    res = clean_records(raw_frame(rows))
    assert res.rows_clean == 2 and res.rows_merged == 0


def test_force_and_counter_force_not_merged():
    rows = _rows(text="Mange hytter", kind="kraft") + _rows(text="Mange hytter", kind="motkraft")
    assert clean_records(raw_frame(rows)).rows_clean == 2


def test_different_statements_not_merged():
    rows = _rows(text="Flere boliger til leie") + _rows(text="Flere boliger til leie i Drevsjø sentrum")
    assert clean_records(raw_frame(rows)).rows_clean == 2


def test_large_block_uses_window_and_still_merges():
    texts = [f"Innspill nummer {i} om noe helt eget {i * 7919 % 1000}" for i in range(400)]
    rows = [r for t in texts for r in _rows(text=t)] + _rows(text=texts[17] + ".")
    rows += _rows(text=texts[200].replace("eget", "egent"))
    res = clean_records(raw_frame(rows))
    assert res.rows_in == res.rows_clean + res.rows_rejected + res.rows_merged
    assert res.rows_merged >= 2


def test_output_sorted_and_typed():
    rows = _rows(text="B", kind="tiltak", goal="4") + _rows(text="A", kind="kraft", goal="1") + _rows(text="C", goal="")
    st_ = clean_records(raw_frame(rows)).statements
    assert st_["goal"].tolist()[:2] == ["bolyst", "unge"] and pd.isna(st_["goal"].iloc[2])
    assert str(st_["strength"].dtype) == "Int64" and str(st_["date"].dtype) == "datetime64[ms]"


# ---------------------------------------------------------------- properties

GROUPS = ["UR", "Ungdomsrådet", "ER", "Eldrerådet", "Drevsjø", "kommunestyret", "Skolekorpset", ""]
GOALS = ["1", "Mål 2", "Flere kvinnelige innbyggere", "unge", "", "Mål 9"]
KINDS = ["kraft", "Motkrefter", "tiltak", "Ønsket resultat", "delmål", "innfall"]
WORDS = ["boliger", "natur", "fiber", "ungdom", "skole", "vei", "butikk", "eldre", "jobb", "DrevsjÃ¸", "  ", "•"]
SCALE = ["", "1", "3", "5", "7", "høy", "3 - middels", "x"]

record = st.fixed_dictionaries(
    {
        "group": st.sampled_from(GROUPS),
        "goal": st.sampled_from(GOALS),
        "kind": st.sampled_from(KINDS),
        "text": st.lists(st.sampled_from(WORDS), min_size=0, max_size=6).map(" ".join),
        "strength": st.sampled_from(SCALE),
        "pavirkbar": st.sampled_from(SCALE),
        "votes": st.sampled_from(["", "0", "2", "-1"]),
    }
)
settings_ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings_
@given(st.lists(record, max_size=40))
def test_no_row_is_lost(rows):
    res = clean_records(raw_frame(rows))
    assert res.rows_in == len(rows)
    assert res.rows_in == res.rows_clean + res.rows_rejected + res.rows_merged
    assert res.statements["n_sources"].sum() == res.rows_clean + res.rows_merged
    assert (res.rejects["action"] == ROW_REJECTED).sum() == res.rows_rejected


@settings_
@given(st.lists(record, max_size=40), st.randoms(use_true_random=False))
def test_ids_and_output_stable_under_row_shuffling(rows, rnd):
    a = clean_records(raw_frame(rows)).statements
    shuffled = list(enumerate(rows))
    rnd.shuffle(shuffled)
    # same rows (same lineage), in another order and from a renamed file
    frame = raw_frame([r for _, r in shuffled])
    frame["row"] = [i + 2 for i, _ in shuffled]
    frame["file"] = "renamed.csv"
    b = clean_records(frame).statements
    cols = [
        "statement_id",
        "group",
        "goal",
        "kind",
        "text",
        "strength",
        "pavirkbar",
        "votes",
        "merged_ids",
        "n_sources",
        "source_row",
    ]
    pd.testing.assert_frame_equal(a[cols].reset_index(drop=True), b[cols].reset_index(drop=True))


@settings_
@given(st.lists(record, max_size=40))
def test_cleaning_is_idempotent(rows):
    once = clean_records(raw_frame(rows)).statements
    again_rows = [
        {
            "group": r.group,
            "goal": "" if pd.isna(r.goal) else r.goal,
            "kind": r.kind,
            "text": r.text,
            "strength": "" if pd.isna(r.strength) else int(r.strength),
            "pavirkbar": "" if pd.isna(r.pavirkbar) else int(r.pavirkbar),
            "votes": "" if pd.isna(r.votes) else int(r.votes),
        }
        for r in once.itertuples()
    ]
    twice = clean_records(raw_frame(again_rows))
    assert twice.rows_rejected == 0 and twice.rows_merged == 0
    cols = ["statement_id", "group", "goal", "kind", "text", "strength", "pavirkbar", "votes", "themes"]
    pd.testing.assert_frame_equal(once[cols].reset_index(drop=True), twice.statements[cols].reset_index(drop=True))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("abcæøå ÃÂ¸¥•-–1.\n\t\u00a0") + ["Ã¸", "Ã¥", "â€"]), max_size=30).map("".join))
def test_normalise_text_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert fold_text(once) == fold_text(normalise_text(once))
