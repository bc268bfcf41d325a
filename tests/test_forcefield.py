"""Force-field metrics against small hand-computed examples (issue 4)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError
from analysis.forcefield import metrics as ffm
from analysis.forcefield import text as fft
from analysis.profile import load_profile
from analysis.report.labels import goal_label, group_label

GOALS = load_profile().goal_ids


def make(rows: list[tuple]) -> pd.DataFrame:
    """Statements from (group, goal, kind, strength, pavirkbar, themes, text) tuples."""
    df = pd.DataFrame(rows, columns=["group", "goal", "kind", "strength", "pavirkbar", "themes", "text"])
    df.insert(0, "statement_id", [f"s{i:03d}" for i in range(len(df))])
    df["strength"] = pd.array(df["strength"].tolist(), dtype="Int64")
    df["pavirkbar"] = pd.array(df["pavirkbar"].tolist(), dtype="Int64")
    df["goal"] = df["goal"].astype("string")
    df["source_row"] = np.arange(len(df)) + 2
    return df


NA = None

# Group a: bolyst has two forces (4, 2) and two counter-forces (3, unscored);
# unge has only counter-forces (5, 1); kvinner only an unscored force; innbyggertall not discussed.
# Group b: a single statement. Group c: a tie (two forces of strength 3).
BASIC = make(
    [
        ("a", "bolyst", "kraft", 4, 2, ("natur",), "Flott natur"),
        ("a", "bolyst", "kraft", 2, NA, (), "Godt naboskap"),
        ("a", "bolyst", "motkraft", 3, 4, ("bolig",), "Mangel på boliger"),
        ("a", "bolyst", "motkraft", NA, NA, ("bolig",), "Få utleieboliger"),
        ("a", "unge", "motkraft", 5, 3, ("arbeid",), "Få jobber for unge"),
        ("a", "unge", "motkraft", 1, 5, ("kultur",), "Lite å gjøre om kvelden"),
        ("a", "kvinner", "kraft", NA, NA, ("arbeid",), "Offentlige arbeidsplasser"),
        ("a", "bolyst", "onsket_resultat", NA, NA, (), "Folk trives i Engerdal"),
        ("a", "bolyst", "delmal", NA, NA, (), "Flere møteplasser"),
        ("a", NA, "tiltak", NA, NA, ("bolig",), "Bygge utleieboliger"),
        ("b", "innbyggertall", "motkraft", 2, 4, ("bolig",), "Dyre tomter"),
        ("c", "bolyst", "kraft", 3, NA, ("natur",), "Zebra"),
        ("c", "bolyst", "kraft", 3, NA, ("natur",), "Alfa"),
    ]
)


def link(df: pd.DataFrame, measure: str, *counters: str) -> pd.DataFrame:
    """A copy of ``df`` where the measure with text ``measure`` answers the counter-forces with texts ``counters``."""
    out = df.copy()
    if "answers" not in out.columns:
        out["answers"] = pd.Series([() for _ in range(len(out))], index=out.index, dtype=object)
    ids = dict(zip(out["text"], out["statement_id"]))
    where = out.index[out["text"] == measure][0]
    out.at[where, "answers"] = tuple(ids[c] for c in counters)
    return out


def row(summary: pd.DataFrame, group: str, goal: str) -> pd.Series:
    return summary.loc[(summary["group"] == group) & (summary["goal"] == goal)].iloc[0]


# --------------------------------------------------------------------------- force summary


def test_summary_hand_computed_with_missing_strength():
    s = ffm.force_summary(BASIC)
    r = row(s, "a", "bolyst")
    assert (r.n_kraft, r.n_motkraft, r.n_unscored) == (2, 2, 1)
    assert (r.n_scored_kraft, r.n_scored_motkraft) == (2, 1)
    assert (r.sum_kraft, r.sum_motkraft) == (6.0, 3.0)
    assert (r.mean_kraft, r.mean_motkraft) == (3.0, 3.0)
    assert r.net_force == 3.0  # 4 + 2 − 3; the unscored counter-force is not zero, it is left out
    assert r.total_strength == 9.0
    assert r.net_normalised == pytest.approx(1 / 3)
    assert r.n_statements == 6 and r.discussed


def test_goal_with_only_counter_forces():
    r = row(ffm.force_summary(BASIC), "a", "unge")
    assert (r.n_kraft, r.n_motkraft) == (0, 2)
    assert r.sum_kraft == 0.0 and math.isnan(r.mean_kraft)
    assert r.mean_motkraft == 3.0
    assert r.net_force == -6.0 and r.net_normalised == -1.0


def test_only_unscored_forces_give_missing_net_not_zero():
    r = row(ffm.force_summary(BASIC), "a", "kvinner")
    assert r.n_kraft == 1 and r.n_unscored == 1
    assert math.isnan(r.net_force) and math.isnan(r.net_normalised)


def test_goal_not_discussed_is_a_row_with_zero_statements():
    s = ffm.force_summary(BASIC)
    assert len(s) == 3 * len(GOALS)  # every group × every goal
    r = row(s, "a", "innbyggertall")
    assert r.n_statements == 0 and not r.discussed
    assert math.isnan(r.net_force)
    assert ffm.goals_discussed(BASIC, "a") == {"bolyst": True, "innbyggertall": False, "kvinner": True, "unge": True}


def test_group_with_one_statement():
    s = ffm.force_summary(BASIC, groups=["b"])
    assert list(s["goal"]) == list(GOALS)
    r = row(s, "b", "innbyggertall")
    assert (r.n_motkraft, r.net_force, r.net_normalised) == (1, -2.0, -1.0)
    assert s["discussed"].sum() == 1
    counts = ffm.statement_counts(BASIC)
    assert counts.set_index("group").loc["b", "n_statements"] == 1
    assert counts.set_index("group").loc["b", "thin"]


def test_group_without_data_gets_zero_rows():
    s = ffm.force_summary(BASIC, groups=["ukjent"])
    assert (s["n_statements"] == 0).all() and s["net_force"].isna().all()
    c = ffm.statement_counts(BASIC, groups=["a", "ukjent"])
    assert c.set_index("group").loc["ukjent"].tolist()[:1] == [0]
    assert ffm.forces(BASIC, group="ukjent").empty
    assert ffm.top_themes(BASIC, "ukjent").empty
    assert ffm.measure_links(BASIC, "ukjent").empty
    assert ffm.desired_results(BASIC, "ukjent").empty
    assert ffm.matrix_items(BASIC, "ukjent").empty


def test_balance_titles():
    s = ffm.force_summary(BASIC)
    assert (
        fft.balance_title(row(s, "a", "bolyst")) == "Økt bolyst: drivkreftene veier tyngst (netto +3; 1 ikke vurdert)"
    )
    assert fft.balance_title(row(s, "a", "unge")) == "Flere yngre innbyggere: motkreftene veier tyngst (netto −6)"
    assert fft.balance_title(row(s, "a", "kvinner")).endswith("ingen er vurdert")
    assert fft.balance_title(row(s, "a", "innbyggertall")).endswith("ingen drivkrefter eller motkrefter nevnt")
    tie = make([("x", "bolyst", "kraft", 2, NA, (), "a"), ("x", "bolyst", "motkraft", 2, NA, (), "b")])
    assert "i balanse" in fft.balance_title(ffm.force_summary(tie).iloc[0])


# --------------------------------------------------------------------------- forces


def test_forces_sorted_strongest_first_unscored_last_ties_by_text():
    f = ffm.forces(BASIC, group="a", goal="bolyst")
    assert f["text"].tolist() == ["Flott natur", "Godt naboskap", "Mangel på boliger", "Få utleieboliger"]
    assert f["direction"].tolist() == [1, 1, -1, -1]
    assert f["scored"].tolist() == [True, True, True, False]
    tie = ffm.forces(BASIC, group="c")
    assert tie["text"].tolist() == ["Alfa", "Zebra"]


def test_alt_text_mentions_unscored_and_strongest():
    alt = fft.balance_alt(ffm.forces(BASIC, group="a", goal="bolyst"), "bolyst")
    assert "2 drivkrefter" in alt and "1 av dem ikke vurdert" in alt and "«Flott natur» (4)" in alt


def test_desired_results_in_order():
    d = ffm.desired_results(BASIC, "a")
    assert d["kind"].tolist() == ["onsket_resultat", "delmal"]
    assert fft.desired_results_items(d, "bolyst") == [
        "Ønsket resultat: Folk trives i Engerdal",
        "Delmål: Flere møteplasser",
    ]


def test_inputs_not_mutated_and_missing_columns_reported():
    before = BASIC.copy(deep=True)
    ffm.force_summary(BASIC), ffm.priorities(BASIC), ffm.coverage(BASIC), ffm.theme_similarity(BASIC)
    pd.testing.assert_frame_equal(BASIC, before)
    with pytest.raises(AnalysisError, match="analysis clean"):
        ffm.force_summary(pd.DataFrame({"group": ["a"]}))


# --------------------------------------------------------------------------- themes across groups

# Four groups: a, b and c all see "natur" as a driving force and "bolig" as a counter-force.
THEMED = make(
    [
        ("a", "bolyst", "motkraft", 5, 4, ("bolig",), "Boligmangel"),
        ("a", "bolyst", "kraft", 4, NA, ("natur",), "Naturen"),
        ("a", "bolyst", "tiltak", NA, NA, ("bolig",), "Bygg boliger"),
        ("b", "bolyst", "motkraft", 3, 2, ("bolig",), "Ingen ledige hus"),
        ("b", "bolyst", "kraft", 2, NA, ("natur",), "Fjellet"),
        ("c", "unge", "motkraft", NA, NA, ("bolig", "arbeid"), "Ikke hus og ikke jobb"),
        ("c", "unge", "kraft", NA, NA, ("natur",), "Fiske"),
        ("d", "unge", "motkraft", 4, 1, ("samferdsel",), "Lang vei til Elverum"),
        ("d", "unge", "kraft", 5, NA, ("kultur",), "Festival"),
    ]
)


def test_consensus_three_groups():
    c = ffm.consensus(THEMED)
    assert c[["kind", "theme", "n_groups"]].values.tolist() == [["kraft", "natur", 3], ["motkraft", "bolig", 3]]
    assert c.loc[1, "groups"] == ("a", "b", "c")
    assert c.loc[0, "mean_strength"] == 3.0  # (4 + 2) / 2; c's unscored force is not a zero
    assert c.loc[1, "mean_strength"] == 4.0
    assert ffm.consensus(THEMED, min_groups=5).empty


def test_unique_perspectives():
    u = ffm.unique_perspectives(THEMED)
    assert u[["group", "kind", "theme"]].values.tolist() == [
        ["a", "tiltak", "bolig"],  # only a proposed a housing measure
        ["c", "motkraft", "arbeid"],
        ["d", "kraft", "kultur"],
        ["d", "motkraft", "samferdsel"],
    ]
    assert u.loc[3, "example"] == "Lang vei til Elverum" and u.loc[3, "n_statements"] == 1
    # the same theme as a driving force in one group and a counter-force in another is unique twice
    two = make([("x", "bolyst", "kraft", 3, NA, ("bolig",), "p"), ("y", "bolyst", "motkraft", 3, NA, ("bolig",), "q")])
    assert ffm.unique_perspectives(two)[["group", "kind"]].values.tolist() == [["x", "kraft"], ["y", "motkraft"]]
    assert fft.unique_table(u).loc[0, "Nevnt som"] == "tiltak"


def test_theme_profiles_count_and_strength():
    p = ffm.theme_profile(THEMED)
    assert p.loc["a", "bolig"] == 1 and p.loc["c", "arbeid"] == 1 and p.loc["d", "bolig"] == 0
    assert list(p.columns[:2]) == ["bolig", "natur"]  # 3 statements each; tie broken by id
    w = ffm.theme_profile(THEMED, weight="strength")
    assert w.loc["a", "bolig"] == 5 and w.loc["c", "bolig"] == 0  # unscored adds nothing
    assert ffm.theme_profile(THEMED, kinds=("tiltak",)).loc["a", "bolig"] == 1


def test_top_themes_ties_sorted_by_id():
    t = ffm.top_themes(THEMED, "c")
    assert t["theme"].tolist() == ["arbeid", "bolig", "natur"]
    assert t["n_total"].tolist() == [1, 1, 1]


def test_similarity_cosine_and_jaccard():
    s = ffm.theme_similarity(THEMED)
    assert s.loc["a", "b"] == pytest.approx(1.0)
    assert s.loc["a", "c"] == pytest.approx(2 / math.sqrt(6))
    assert s.loc["a", "d"] == 0.0
    assert np.allclose(s.to_numpy(), s.to_numpy().T)
    assert s.attrs["measure"] == "cosine" and "cosinus" in fft.similarity_method(s)
    j = ffm.theme_similarity(THEMED, measure="jaccard")
    assert j.loc["a", "c"] == pytest.approx(2 / 3)


def test_similarity_group_without_themes_is_missing():
    df = pd.concat([THEMED, make([("e", "unge", "kraft", 3, NA, (), "Uten tema")])], ignore_index=True)
    s = ffm.theme_similarity(df)
    assert s.loc["e"].isna().all()


def test_coverage_counts_explicit_links_only():
    c = ffm.coverage(THEMED).set_index("text")
    # no measure names a counter-force: nothing is answered, whatever the themes
    assert (c["status"] == "ikke besvart").all()
    assert c.loc["Boligmangel", "suggested"]  # a's own measure has the theme: a suggestion to check
    assert not c.loc["Ingen ledige hus", "suggested"]  # b proposed no measure
    linked = ffm.coverage(link(THEMED, "Bygg boliger", "Boligmangel")).set_index("text")
    assert linked.loc["Boligmangel", "status"] == "besvart" and linked.loc["Boligmangel", "answered_by"] == (
        "Bygg boliger",
    )
    assert not linked.loc["Boligmangel", "suggested"]
    assert linked.loc["Ikke hus og ikke jobb", "status"] == "ikke besvart"  # same theme, other group: no link
    # theme-level gaps (no measure with the same theme at all) are a statement about themes
    gaps = ffm.coverage_gaps(THEMED)
    assert gaps["theme"].tolist() == ["samferdsel"] and gaps.loc[0, "mean_strength"] == 4.0
    no_theme = make([("x", "bolyst", "motkraft", 2, NA, (), "Uten tema")])
    assert ffm.coverage(no_theme)["status"].tolist() == ["ikke besvart"]
    assert ffm.coverage_gaps(no_theme).empty


def test_measure_links_are_explicit_and_theme_overlap_is_only_a_suggestion():
    m = ffm.measure_links(THEMED, "a")
    assert m["text"].tolist() == ["Bygg boliger"] and m.loc[0, "answers"] == () and m.loc[0, "n_answered"] == 0
    assert m.loc[0, "suggestions"] == ("Boligmangel",)
    m = ffm.measure_links(link(THEMED, "Bygg boliger", "Boligmangel"), "a")
    assert m.loc[0, "answers"] == ("Boligmangel",) and m.loc[0, "suggestions"] == ()
    both = link(BASIC, "Bygge utleieboliger", "Få utleieboliger", "Mangel på boliger")
    lone = ffm.measure_links(both, "a")
    assert lone.loc[0, "answers"] == ("Mangel på boliger", "Få utleieboliger")  # strongest first, unscored last
    assert lone.loc[0, "answered_strength"] == 3.0


# --------------------------------------------------------------------------- the priority score


def _repeat_example(extra: list[tuple] = ()) -> pd.DataFrame:
    """Group g1 names housing ten times at strength 5; g2, g3 and g4 name transport once each at 3."""
    rows = [("g1", "bolyst", "motkraft", 5, 4, ("bolig",), f"Boligmangel {i}") for i in range(10)]
    rows += [(g, "bolyst", "motkraft", 3, 4, ("samferdsel",), f"Lang vei ({g})") for g in ("g2", "g3", "g4")]
    return make(rows + list(extra))


def test_hand_example_one_group_repeating_a_theme_does_not_outrank_three_groups():
    p = ffm.priorities(_repeat_example())
    # transport: 3 groups × (3/5) × (4/5) = 1.44; housing: 1 group × (5/5) × (4/5) = 0.8
    assert p["theme"].tolist() == ["samferdsel", "bolig"] and p["rank"].tolist() == [1, 2]
    assert p.set_index("theme")["score"].to_dict() == pytest.approx({"samferdsel": 1.44, "bolig": 0.8})
    # saying it ten times counts as saying it once
    once = ffm.priorities(make([("g1", "bolyst", "motkraft", 5, 4, ("bolig",), "Boligmangel")]))
    assert once.loc[0, "score"] == pytest.approx(0.8)
    # means per group first: g2 and g3 also name housing once, at strength 1
    mixed = _repeat_example(
        [(g, "bolyst", "motkraft", 1, 4, ("bolig",), f"Litt boligmangel ({g})") for g in ("g2", "g3")]
    )
    p = ffm.priorities(mixed).set_index("theme")
    assert p.loc["bolig", "mean_strength"] == pytest.approx((5 + 1 + 1) / 3)  # not (10·5 + 2·1) / 12 = 4.33
    assert p.loc["bolig", "score"] == pytest.approx(3 * (7 / 15) * (4 / 5))  # 1.12 < 1.44
    assert ffm.priorities(mixed)["theme"].tolist() == ["samferdsel", "bolig"]


def test_missing_pavirkbar_is_never_imputed_nor_borrowed_by_theme():
    rows = [(g, "bolyst", "motkraft", 5, NA, ("skole",), f"Skolen legges ned ({g})") for g in ("g1", "g2", "g3")]
    rows += [
        ("g4", "bolyst", "motkraft", 2, 2, ("kultur",), "Lite kultur"),
        ("g1", "bolyst", "tiltak", NA, 5, ("skole",), "Ny skole"),  # same theme, not linked
    ]
    df = make(rows)
    p = ffm.priorities(df)
    assert p["theme"].tolist() == ["kultur", "skole"]  # the scored theme first, however low
    assert p["scored"].tolist() == [True, False] and p["rank"].tolist() == [1, 1]  # ranked separately
    skole = p.set_index("theme").loc["skole"]
    assert math.isnan(skole["score"]) and math.isnan(skole["mean_pavirkbar"]) and skole["missing"] == "påvirkbar"
    assert skole["pavirkbar_source"] == "ikke vurdert" and not skole["answered"] and skole["same_theme_measure"]
    # an explicit link brings the measure's påvirkbar to the counter-force it answers
    linked = ffm.priorities(link(df, "Ny skole", "Skolen legges ned (g1)")).set_index("theme")
    assert linked.loc["skole", "scored"] and linked.loc["skole", "pavirkbar_source"] == "tiltak"
    assert linked.loc["skole", "mean_pavirkbar"] == 5.0  # only g1 has a påvirkbar: mean of the groups that have one
    assert linked.loc["skole", "score"] == pytest.approx(3 * 1 * 1)
    t = fft.unscored_table(p, {"skole": "Barnehage og skole"})
    assert t.values.tolist() == [[1, "Barnehage og skole", "3,0", "5,0", "ikke vurdert", "påvirkbar"]]


def test_group_weights_for_village_meetings_and_sensitivity():
    rows = [
        ("grendemote:elga", "bolyst", "motkraft", 5, 5, ("vei",), "Dårlig vei"),
        ("grendemote:drevsjo", "bolyst", "motkraft", 5, 5, ("vei",), "Dårlig vei"),
        ("grendemote:somadalen", "bolyst", "motkraft", 5, 5, ("vei",), "Dårlig vei"),
        ("arbeidsgruppe", "bolyst", "motkraft", 4, 4, ("bolig",), "Få boliger"),
        ("kommunestyret", "bolyst", "motkraft", 4, 4, ("bolig",), "Få boliger"),
    ]
    df = make(rows)
    p = ffm.priorities(df).set_index("theme")
    assert p.loc["vei", "breadth"] == 1.5  # three village meetings at 0.5
    assert p.loc["vei", "score"] == pytest.approx(1.5) and p.loc["bolig", "score"] == pytest.approx(2 * 0.64)
    equal = ffm.priorities(df, weights={"grendemote": 1}).set_index("theme")
    assert equal.loc["vei", "score"] == pytest.approx(3.0)
    sens = ffm.priority_sensitivity(df, top=1)
    assert not sens["changed"] and sens["top"] == sens["top_equal"] == ["vei"]
    assert fft.sensitivity_sentence(sens).startswith("Følsomhet: med like vekter for alle grupper blir de 1 øverste")
    sens = ffm.priority_sensitivity(df, weights={"grendemote": 0.2}, top=1)
    assert sens["changed"] and sens["top"] == ["bolig"] and sens["entered"] == ["vei"] and sens["left"] == ["bolig"]
    assert "«Vei» kommer inn" in fft.sensitivity_sentence(sens)
    assert ffm.group_weights(["kommunestyret"], {"kommunestyret": 2}) == {"kommunestyret": 2.0}
    with pytest.raises(AnalysisError, match="kommunestyret"):
        ffm.group_weights(["kommunestyret"], {"kommunestyret": -1})
    assert "hvert grendemøte 0,5" in fft.weights_sentence()


def test_matrix_items_per_group_and_across_groups():
    df = link(ON_MEASURES, "Bygg utleieboliger", "Få boliger", "Dyre tomter")
    a = ffm.matrix_items(df, "a").set_index("text")
    # the measure: påvirkbar 5 (own), importance = mean strength of the counter-forces it answers (3)
    assert a.loc["Bygg utleieboliger", ["importance", "pavirkbar"]].tolist() == [3.0, 5.0]
    assert a.loc["Bygg utleieboliger", "importance_source"] == "motkrefter"
    # the counter-forces get påvirkbar from the measure linked to them
    assert a.loc["Få boliger", ["importance", "pavirkbar", "pavirkbar_source"]].tolist() == [4.0, 5.0, "tiltak"]
    assert a.loc["Få boliger", "quadrant"] == "gjor_na" and a["plotted"].all()
    b = ffm.matrix_items(df, "b").set_index("text")
    assert not b.loc["Ny skolebuss", "plotted"] and b.loc["Ny skolebuss", "quadrant"] is None  # answers nothing
    assert not b.loc["Kartlegg behovet", "plotted"]  # no link: no importance (theme overlap does not count)
    twice = make(
        [("g1", "bolyst", "motkraft", 5, 4, (), "Lang vei"), ("g2", "bolyst", "motkraft", 3, 2, (), "lang vei!")]
    )
    row_ = ffm.matrix_items(twice).iloc[0]
    assert row_["n_groups"] == 2 and row_["importance"] == 4.0 and row_["pavirkbar"] == 3.0
    t = fft.matrix_table(ffm.matrix_items(df, "a"))
    assert t["Nr."].tolist() == ["1", "2", "3"] and t.loc[0, "Felt"] == "viktig og påvirkbart – gjør noe nå"
    b_items = ffm.matrix_items(df, "b")  # nothing in b has both values: nothing drawn, all listed
    assert fft.matrix_table(b_items)["Nr."].tolist() == ["–", "–", "–", "–"]
    assert fft.matrix_unscored_sentence(b_items).startswith("4 motkrefter og tiltak mangler vurdering")


def test_theme_column_forms_are_accepted():
    df = THEMED.copy()
    df["themes"] = [list(t) for t in df["themes"]]
    df.loc[0, "themes"] = "bolig"  # a single id as a string
    df["themes"] = df["themes"].astype(object)
    arr = THEMED.copy()
    arr["themes"] = [np.array(t, dtype=object) for t in arr["themes"]]
    for variant in (df, arr):
        pd.testing.assert_frame_equal(ffm.priorities(variant), ffm.priorities(THEMED))
    none = THEMED.copy()
    none["themes"] = None
    assert ffm.priorities(none).empty and ffm.consensus(none).empty and ffm.unique_perspectives(none).empty


def test_empty_table_everything_returns_empty_frames():
    empty = BASIC.iloc[0:0]
    assert ffm.force_summary(empty).empty
    assert ffm.statement_counts(empty).empty
    assert ffm.priorities(empty).empty and ffm.coverage(empty).empty and ffm.coverage_gaps(empty).empty
    assert ffm.consensus(empty).empty and ffm.unique_perspectives(empty).empty
    assert ffm.theme_similarity(empty).empty and ffm.theme_profile(empty).empty


# --------------------------------------------------------------------------- reader tables and text


def test_reader_tables_are_norwegian():
    labels = {"bolig": "Boliger", "natur": "Natur og friluftsliv"}
    t = fft.priorities_table(ffm.priorities(THEMED), labels)
    assert t.loc[0, "Motkraft (tema)"] == "Boliger" and t.loc[0, "Styrke"] == "4,0" and t.loc[0, "Påvirkbar"] == "3,0"
    assert t.loc[0, "Påvirkbar vurdert for"] == "motkreftene" and t.loc[0, "Tiltak koblet"] == "nei"
    assert fft.consensus_table(ffm.consensus(THEMED), "kraft", labels).loc[0, "Tema"] == "Natur og friluftsliv"
    assert fft.gaps_table(ffm.coverage_gaps(THEMED)).loc[0, "Tema uten tiltak med samme tema"] == "Samferdsel"
    s = fft.summary_table(ffm.force_summary(BASIC, groups=["a"]))
    assert s["Merknad"].tolist() == ["", "ikke drøftet", "", ""]
    m = fft.measures_table(ffm.measure_links(THEMED, "a"))
    assert m.loc[0, "Svarer på motkrefter"] == "ikke koblet til noen motkraft"
    assert m.loc[0, "Forslag å sjekke (samme tema, ikke koblet)"] == "Boligmangel"
    bullets = fft.headline_bullets(THEMED, labels)
    assert any("Boliger" in b for b in bullets) and any("Samferdsel" in b for b in bullets)


def test_for_display_scrubs_and_does_not_mutate():
    df = make([("a", "bolyst", "kraft", 3, NA, (), "Ring Kari Nordmann på 912 34 567")])
    out = ffm.for_display(df)
    assert "Kari" not in out.loc[0, "text"] and "912" not in out.loc[0, "text"]
    assert df.loc[0, "text"].startswith("Ring Kari")


def test_labels():
    assert group_label("funksjonshemmede") == "Rådet for personer med funksjonsnedsettelse"
    assert group_label("grendemote:engerdal_sentrum") == "Grendemøte Engerdal sentrum"
    assert goal_label(pd.NA) == "Ikke knyttet til ett mål"
    assert ffm.sort_groups(["grendemote:elga", "zz", "kommunestyret"]) == ["kommunestyret", "grendemote:elga", "zz"]


# --------------------------------------------------------------------------- invariants (hypothesis)

statement_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from(list(GOALS) + [None]),
        st.sampled_from(["kraft", "motkraft", "tiltak"]),
        st.one_of(st.none(), st.integers(1, 5)),
        st.one_of(st.none(), st.integers(1, 5)),
        st.lists(st.sampled_from(["bolig", "arbeid", "natur", "skole"]), max_size=2, unique=True).map(tuple),
        st.text(alphabet="abcæøå ", min_size=1, max_size=8),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(statement_rows)
def test_invariants(rows):
    df = make(rows)
    s = ffm.force_summary(df)
    # net force equals a naive Σ strength × direction over scored forces
    for (g, goal), sub in df.loc[df["kind"] != "tiltak"].groupby(["group", "goal"]):
        scored = sub.dropna(subset=["strength"])
        signs = np.where(scored["kind"].to_numpy(dtype=object) == "kraft", 1.0, -1.0)
        expected = float((scored["strength"].to_numpy(dtype=float) * signs).sum())
        r = row(s, g, goal)
        assert (math.isnan(r.net_force) and scored.empty) or r.net_force == expected
    norm = s["net_normalised"].dropna()
    assert ((norm >= -1) & (norm <= 1)).all()
    sim = ffm.theme_similarity(df).to_numpy()
    finite = np.isfinite(sim)
    assert ((sim[finite] >= 0) & (sim[finite] <= 1 + 1e-12)).all()
    assert np.array_equal(np.isfinite(sim), np.isfinite(sim.T))
    p = ffm.priorities(df)
    scored = p.loc[p["scored"].astype(bool)] if not p.empty else p
    assert (scored["score"] <= scored["breadth"] + 1e-12).all()
    assert p.empty or p["score"].isna().equals(~p["scored"].astype(bool))  # no score without both values
    if not p.empty:  # scored themes always come before unscored ones
        flags = p["scored"].astype(bool).tolist()
        assert flags == sorted(flags, reverse=True)
    # the order of the input rows does not change any result
    shuffled = df.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(ffm.priorities(shuffled), p)
    pd.testing.assert_frame_equal(ffm.force_summary(shuffled), s)
    pd.testing.assert_frame_equal(ffm.consensus(shuffled), ffm.consensus(df))


def test_coverage_gaps_group_scope_and_sorting():
    gaps = ffm.coverage_gaps(THEMED, scope="group")
    # b and c name housing without a housing measure of their own; c also work; d transport
    assert gaps[["theme", "n_groups"]].values.tolist() == [["bolig", 2], ["samferdsel", 1], ["arbeid", 1]]
    assert gaps.loc[0, "groups"] == ("b", "c")
    assert math.isnan(gaps.loc[2, "mean_strength"])  # c did not score it: unscored, sorted last among ties
    with pytest.raises(ValueError):
        ffm.coverage_gaps(THEMED, scope="kommune")


def test_groups_in_display_order_workshops_before_villages():
    df = make(
        [
            ("grendemote:elga", "bolyst", "kraft", 1, NA, (), "x"),
            ("ungdomsradet", "bolyst", "kraft", 1, NA, (), "y"),
            ("arbeidsgruppe", "bolyst", "kraft", 1, NA, (), "z"),
        ]
    )
    assert ffm.forces(df)["group"].tolist() == ["arbeidsgruppe", "ungdomsradet", "grendemote:elga"]
    assert ffm.statement_counts(df)["group"].tolist() == ["arbeidsgruppe", "ungdomsradet", "grendemote:elga"]


def test_prepared_frame_gives_the_same_results():
    prepared = ffm.prepare(THEMED)
    for fn in (ffm.priorities, ffm.consensus, ffm.coverage_gaps, ffm.unique_perspectives, ffm.force_summary):
        pd.testing.assert_frame_equal(fn(prepared), fn(THEMED))
    pd.testing.assert_frame_equal(ffm.theme_similarity(prepared), ffm.theme_similarity(THEMED))
    # a row filter of a prepared frame is still usable
    assert ffm.top_themes(prepared.loc[prepared["group"] == "c"], "c")["theme"].tolist() == ["arbeid", "bolig", "natur"]


def test_headline_bullets_flag_thin_groups():
    bullets = fft.headline_bullets(BASIC)
    assert any("Få utsagn" in b and "fra b og c:" in b and "disse gruppene" in b for b in bullets)
    # every statement accounted for, by kind (10 + 2 + 1 = 13, nothing left out)
    assert bullets[0] == (
        "3 grupper har levert 13 utsagn: 5 drivkrefter, 5 motkrefter, 1 tiltak, 1 ønsket resultat og 1 delmål."
    )


def test_chart_titles_state_the_finding():
    labels = {"bolig": "Boliger"}
    assert fft.top_themes_title(ffm.top_themes(THEMED, "a"), "a", labels) == "A nevner «Boliger» oftest"
    assert (
        fft.heatmap_title(ffm.theme_profile(THEMED), labels)
        == "«Boliger» er temaet flest grupper tar opp (3 av 4 grupper)"
    )
    # the first name opens the sentence, the second is inside it (group_title / group_in_text)
    assert fft.similarity_title(ffm.theme_similarity(THEMED)) == "A og b har de mest like temaprofilene (likhet 1,00)"
    assert (
        fft.priority_title(ffm.priorities(THEMED), labels) == "«Boliger» rangeres høyest blant motkreftene (3 grupper)"
    )  # c named housing too without scoring it: it counts as naming it, not in the means
    items = ffm.matrix_items(THEMED, "a")
    assert fft.matrix_title(items) == "1 motkraft er både viktig og påvirkbar – en kandidat til å gjøre noe nå"
    assert "viktig og påvirkbart – gjør noe nå: 1" in fft.matrix_alt(items, "A")
    assert fft.balance_alt_all(ffm.force_summary(BASIC, groups=["a"])).count("Økt bolyst: drivkreftene") == 1
    assert "netto +3; 1 ikke vurdert" in fft.balance_alt_all(ffm.force_summary(BASIC, groups=["a"]))
    empty = THEMED.iloc[0:0]
    assert fft.priority_title(ffm.priorities(empty)) == "Ingen motkrefter kan rangeres"
    assert fft.similarity_title(ffm.theme_similarity(empty)).startswith("For få grupper")


# Påvirkbar scored on the measures (as in the workshop template), not on the forces.
ON_MEASURES = make(
    [
        ("a", "bolyst", "motkraft", 4, NA, ("bolig",), "Få boliger"),
        ("a", "bolyst", "motkraft", 2, NA, ("bolig", "vei"), "Dyre tomter"),
        ("a", "bolyst", "tiltak", NA, 5, ("bolig",), "Bygg utleieboliger"),
        ("b", "unge", "motkraft", 5, NA, ("bolig",), "Ingen hybler"),
        ("b", "unge", "tiltak", NA, 2, ("bolig",), "Kartlegg behovet"),
        ("b", "unge", "tiltak", NA, NA, ("skole",), "Ny skolebuss"),
        ("b", "unge", "motkraft", NA, NA, ("vei",), "Dårlige veier"),
    ]
)


def test_overview_figures_and_thin_caution():
    counts = ffm.statement_counts(BASIC)
    figures = fft.overview_figures(counts)
    assert figures == {
        "Grupper": "3",
        "Utsagn i alt": "13",
        "Drivkrefter": "5",
        "Motkrefter": "5",
        "Tiltak": "1",
        "Ønskede resultater": "1",
        "Delmål": "1",
    }
    # the cards account for every statement: the kinds add up to «Utsagn i alt»
    assert sum(int(v) for k, v in figures.items() if k not in ("Grupper", "Utsagn i alt")) == 13
    assert fft.thin_groups_caution(counts).startswith("2 grupper har færre enn 10 utsagn: b og c.")  # a has exactly 10
    assert fft.thin_groups_caution(counts.assign(thin=False)) is None
