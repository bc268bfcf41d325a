"""Force-field metrics against small hand-computed examples (issue 4)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import forcefield as ff
from analysis.errors import AnalysisError
from analysis.labels import GOALS, goal_label, group_label


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


def row(summary: pd.DataFrame, group: str, goal: str) -> pd.Series:
    return summary.loc[(summary["group"] == group) & (summary["goal"] == goal)].iloc[0]


# --------------------------------------------------------------------------- force summary


def test_summary_hand_computed_with_missing_strength():
    s = ff.force_summary(BASIC)
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
    r = row(ff.force_summary(BASIC), "a", "unge")
    assert (r.n_kraft, r.n_motkraft) == (0, 2)
    assert r.sum_kraft == 0.0 and math.isnan(r.mean_kraft)
    assert r.mean_motkraft == 3.0
    assert r.net_force == -6.0 and r.net_normalised == -1.0


def test_only_unscored_forces_give_missing_net_not_zero():
    r = row(ff.force_summary(BASIC), "a", "kvinner")
    assert r.n_kraft == 1 and r.n_unscored == 1
    assert math.isnan(r.net_force) and math.isnan(r.net_normalised)


def test_goal_not_discussed_is_a_row_with_zero_statements():
    s = ff.force_summary(BASIC)
    assert len(s) == 3 * len(GOALS)  # every group × every goal
    r = row(s, "a", "innbyggertall")
    assert r.n_statements == 0 and not r.discussed
    assert math.isnan(r.net_force)
    assert ff.goals_discussed(BASIC, "a") == {"bolyst": True, "innbyggertall": False, "kvinner": True, "unge": True}


def test_group_with_one_statement():
    s = ff.force_summary(BASIC, groups=["b"])
    assert list(s["goal"]) == list(GOALS)
    r = row(s, "b", "innbyggertall")
    assert (r.n_motkraft, r.net_force, r.net_normalised) == (1, -2.0, -1.0)
    assert s["discussed"].sum() == 1
    counts = ff.statement_counts(BASIC)
    assert counts.set_index("group").loc["b", "n_statements"] == 1
    assert counts.set_index("group").loc["b", "thin"]


def test_group_without_data_gets_zero_rows():
    s = ff.force_summary(BASIC, groups=["ukjent"])
    assert (s["n_statements"] == 0).all() and s["net_force"].isna().all()
    c = ff.statement_counts(BASIC, groups=["a", "ukjent"])
    assert c.set_index("group").loc["ukjent"].tolist()[:1] == [0]
    assert ff.forces(BASIC, group="ukjent").empty
    assert ff.top_themes(BASIC, "ukjent").empty
    assert ff.measure_links(BASIC, "ukjent").empty
    assert ff.desired_results(BASIC, "ukjent").empty
    assert ff.importance_influence(BASIC, "ukjent").empty


def test_balance_titles():
    s = ff.force_summary(BASIC)
    assert ff.balance_title(row(s, "a", "bolyst")) == "Økt bolyst: drivkreftene veier tyngst (netto +3; 1 ikke vurdert)"
    assert ff.balance_title(row(s, "a", "unge")) == "Flere yngre innbyggere: motkreftene veier tyngst (netto −6)"
    assert ff.balance_title(row(s, "a", "kvinner")).endswith("ingen er vurdert")
    assert ff.balance_title(row(s, "a", "innbyggertall")).endswith("ingen krefter eller motkrefter nevnt")
    tie = make([("x", "bolyst", "kraft", 2, NA, (), "a"), ("x", "bolyst", "motkraft", 2, NA, (), "b")])
    assert "i balanse" in ff.balance_title(ff.force_summary(tie).iloc[0])


# --------------------------------------------------------------------------- forces


def test_forces_sorted_strongest_first_unscored_last_ties_by_text():
    f = ff.forces(BASIC, group="a", goal="bolyst")
    assert f["text"].tolist() == ["Flott natur", "Godt naboskap", "Mangel på boliger", "Få utleieboliger"]
    assert f["direction"].tolist() == [1, 1, -1, -1]
    assert f["scored"].tolist() == [True, True, True, False]
    tie = ff.forces(BASIC, group="c")
    assert tie["text"].tolist() == ["Alfa", "Zebra"]


def test_alt_text_mentions_unscored_and_strongest():
    alt = ff.balance_alt(ff.forces(BASIC, group="a", goal="bolyst"), "bolyst")
    assert "2 drivkrefter" in alt and "1 ikke vurdert" in alt and "«Flott natur» (4)" in alt


def test_desired_results_in_order():
    d = ff.desired_results(BASIC, "a")
    assert d["kind"].tolist() == ["onsket_resultat", "delmal"]
    assert ff.desired_results_items(d, "bolyst") == ["Ønsket resultat: Folk trives i Engerdal", "Delmål: Flere møteplasser"]


def test_inputs_not_mutated_and_missing_columns_reported():
    before = BASIC.copy(deep=True)
    ff.force_summary(BASIC), ff.priorities(BASIC), ff.coverage(BASIC), ff.theme_similarity(BASIC)
    pd.testing.assert_frame_equal(BASIC, before)
    with pytest.raises(AnalysisError, match="analysis clean"):
        ff.force_summary(pd.DataFrame({"group": ["a"]}))


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
    c = ff.consensus(THEMED)
    assert c[["kind", "theme", "n_groups"]].values.tolist() == [["kraft", "natur", 3], ["motkraft", "bolig", 3]]
    assert c.loc[1, "groups"] == ("a", "b", "c")
    assert c.loc[0, "mean_strength"] == 3.0  # (4 + 2) / 2; c's unscored force is not a zero
    assert c.loc[1, "mean_strength"] == 4.0
    assert ff.consensus(THEMED, min_groups=5).empty


def test_unique_perspectives():
    u = ff.unique_perspectives(THEMED)
    assert u[["group", "kind", "theme"]].values.tolist() == [
        ["a", "tiltak", "bolig"],  # only a proposed a housing measure
        ["c", "motkraft", "arbeid"],
        ["d", "kraft", "kultur"],
        ["d", "motkraft", "samferdsel"],
    ]
    assert u.loc[3, "example"] == "Lang vei til Elverum" and u.loc[3, "n_statements"] == 1
    # the same theme as a driving force in one group and a counter-force in another is unique twice
    two = make([("x", "bolyst", "kraft", 3, NA, ("bolig",), "p"), ("y", "bolyst", "motkraft", 3, NA, ("bolig",), "q")])
    assert ff.unique_perspectives(two)[["group", "kind"]].values.tolist() == [["x", "kraft"], ["y", "motkraft"]]
    assert ff.unique_table(u).loc[0, "Nevnt som"] == "tiltak"


def test_theme_profiles_count_and_strength():
    p = ff.theme_profile(THEMED)
    assert p.loc["a", "bolig"] == 1 and p.loc["c", "arbeid"] == 1 and p.loc["d", "bolig"] == 0
    assert list(p.columns[:2]) == ["bolig", "natur"]  # 3 statements each; tie broken by id
    w = ff.theme_profile(THEMED, weight="strength")
    assert w.loc["a", "bolig"] == 5 and w.loc["c", "bolig"] == 0  # unscored adds nothing
    assert ff.theme_profile(THEMED, kinds=("tiltak",)).loc["a", "bolig"] == 1


def test_top_themes_ties_sorted_by_id():
    t = ff.top_themes(THEMED, "c")
    assert t["theme"].tolist() == ["arbeid", "bolig", "natur"]
    assert t["n_total"].tolist() == [1, 1, 1]


def test_similarity_cosine_and_jaccard():
    s = ff.theme_similarity(THEMED)
    assert s.loc["a", "b"] == pytest.approx(1.0)
    assert s.loc["a", "c"] == pytest.approx(2 / math.sqrt(6))
    assert s.loc["a", "d"] == 0.0
    assert np.allclose(s.to_numpy(), s.to_numpy().T)
    assert "cosinus" in s.attrs["measure"]
    j = ff.theme_similarity(THEMED, measure="jaccard")
    assert j.loc["a", "c"] == pytest.approx(2 / 3)


def test_similarity_group_without_themes_is_missing():
    df = pd.concat([THEMED, make([("e", "unge", "kraft", 3, NA, (), "Uten tema")])], ignore_index=True)
    s = ff.theme_similarity(df)
    assert s.loc["e"].isna().all()


def test_coverage_all_and_group_scope():
    c = ff.coverage(THEMED).set_index("text")["status"]
    assert c["Boligmangel"] == "dekket" and c["Ingen ledige hus"] == "dekket"
    assert c["Ikke hus og ikke jobb"] == "dekket"  # one of its themes has a measure
    assert c["Lang vei til Elverum"] == "ikke dekket"
    g = ff.coverage(THEMED, scope="group").set_index("text")["status"]
    assert g["Boligmangel"] == "dekket" and g["Ingen ledige hus"] == "ikke dekket"
    gaps = ff.coverage_gaps(THEMED)
    assert gaps["theme"].tolist() == ["samferdsel"] and gaps.loc[0, "mean_strength"] == 4.0
    no_theme = make([("x", "bolyst", "motkraft", 2, NA, (), "Uten tema")])
    assert ff.coverage(no_theme)["status"].tolist() == ["uten tema"]
    assert ff.coverage_gaps(no_theme).empty


def test_measure_links_answer_same_group_counter_forces():
    m = ff.measure_links(THEMED, "a")
    assert m["text"].tolist() == ["Bygg boliger"] and m.loc[0, "answers"] == ("Boligmangel",)
    assert m.loc[0, "n_answered"] == 1
    lone = ff.measure_links(BASIC, "a")
    assert lone.loc[0, "answers"] == ("Mangel på boliger", "Få utleieboliger")  # strongest first, unscored last


def test_priorities_hand_computed_with_ties_and_imputation():
    extra = make([("e", "unge", "motkraft", 3, 3, ("skole",), "Skolen kan legges ned")])
    df = pd.concat([THEMED, extra], ignore_index=True)
    p = ff.priorities(df).set_index("theme")
    assert p.loc["bolig", "score"] == pytest.approx(3 * (4 / 5) * (3 / 5))  # 1,44
    assert p.loc["arbeid", "score"] == pytest.approx(1 * (3 / 5) * (3 / 5))  # midpoint 3 for both
    assert p.loc["arbeid", "strength_imputed"] and p.loc["arbeid", "pavirkbar_imputed"]
    assert p.loc["skole", "score"] == pytest.approx(0.36)  # tie with arbeid
    assert p.loc["samferdsel", "score"] == pytest.approx(1 * (4 / 5) * (1 / 5))
    order = ff.priorities(df)
    assert order["theme"].tolist() == ["bolig", "arbeid", "skole", "samferdsel"]
    assert order["rank"].tolist() == [1, 2, 2, 4]
    assert order["covered"].tolist() == [True, False, False, False]


def test_theme_column_forms_are_accepted():
    df = THEMED.copy()
    df["themes"] = [list(t) for t in df["themes"]]
    df.loc[0, "themes"] = "bolig"  # a single id as a string
    df["themes"] = df["themes"].astype(object)
    arr = THEMED.copy()
    arr["themes"] = [np.array(t, dtype=object) for t in arr["themes"]]
    for variant in (df, arr):
        pd.testing.assert_frame_equal(ff.priorities(variant), ff.priorities(THEMED))
    none = THEMED.copy()
    none["themes"] = None
    assert ff.priorities(none).empty and ff.consensus(none).empty and ff.unique_perspectives(none).empty


def test_empty_table_everything_returns_empty_frames():
    empty = BASIC.iloc[0:0]
    assert ff.force_summary(empty).empty
    assert ff.statement_counts(empty).empty
    assert ff.priorities(empty).empty and ff.coverage(empty).empty and ff.coverage_gaps(empty).empty
    assert ff.consensus(empty).empty and ff.unique_perspectives(empty).empty
    assert ff.theme_similarity(empty).empty and ff.theme_profile(empty).empty


# --------------------------------------------------------------------------- reader tables and text


def test_reader_tables_are_norwegian():
    labels = {"bolig": "Boliger", "natur": "Natur og friluftsliv"}
    t = ff.priorities_table(ff.priorities(THEMED), labels)
    assert t.loc[0, "Motkraft (tema)"] == "Boliger"
    assert t.loc[1, "Gj.snitt styrke"].startswith("3 (ikke vurdert")
    assert ff.consensus_table(ff.consensus(THEMED), "kraft", labels).loc[0, "Tema"] == "Natur og friluftsliv"
    assert ff.gaps_table(ff.coverage_gaps(THEMED)).loc[0, "Tema uten tiltak"] == "Samferdsel"
    s = ff.summary_table(ff.force_summary(BASIC, groups=["a"]))
    assert s["Merknad"].tolist() == ["", "ikke drøftet", "", ""]
    assert ff.measures_table(ff.measure_links(THEMED, "a")).loc[0, "Svarer på motkrefter"] == "Boligmangel"
    bullets = ff.headline_bullets(THEMED, labels)
    assert any("Boliger" in b for b in bullets) and any("Samferdsel" in b for b in bullets)


def test_for_display_scrubs_and_does_not_mutate():
    df = make([("a", "bolyst", "kraft", 3, NA, (), "Ring Kari Nordmann på 912 34 567")])
    out = ff.for_display(df)
    assert "Kari" not in out.loc[0, "text"] and "912" not in out.loc[0, "text"]
    assert df.loc[0, "text"].startswith("Ring Kari")


def test_labels():
    assert group_label("funksjonshemmede") == "Rådet for personer med funksjonsnedsettelse"
    assert group_label("grendemote:engerdal_sentrum") == "Grendemøte Engerdal sentrum"
    assert goal_label(pd.NA) == "Ikke knyttet til ett mål"
    assert ff.sort_groups(["grendemote:elga", "zz", "kommunestyret"]) == ["kommunestyret", "grendemote:elga", "zz"]


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
    s = ff.force_summary(df)
    # net force equals a naive Σ strength × direction over scored forces
    for (g, goal), sub in df.loc[df["kind"] != "tiltak"].groupby(["group", "goal"]):
        scored = sub.dropna(subset=["strength"])
        signs = np.where(scored["kind"].to_numpy(dtype=object) == "kraft", 1.0, -1.0)
        expected = float((scored["strength"].to_numpy(dtype=float) * signs).sum())
        r = row(s, g, goal)
        assert (math.isnan(r.net_force) and scored.empty) or r.net_force == expected
    norm = s["net_normalised"].dropna()
    assert ((norm >= -1) & (norm <= 1)).all()
    sim = ff.theme_similarity(df).to_numpy()
    finite = np.isfinite(sim)
    assert ((sim[finite] >= 0) & (sim[finite] <= 1 + 1e-12)).all()
    assert np.array_equal(np.isfinite(sim), np.isfinite(sim.T))
    p = ff.priorities(df)
    assert (p["score"] <= p["n_groups"] + 1e-12).all() if not p.empty else True
    # the order of the input rows does not change any result
    shuffled = df.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(ff.priorities(shuffled), p)
    pd.testing.assert_frame_equal(ff.force_summary(shuffled), s)
    pd.testing.assert_frame_equal(ff.consensus(shuffled), ff.consensus(df))


def test_coverage_gaps_group_scope_and_sorting():
    gaps = ff.coverage_gaps(THEMED, scope="group")
    # b and c name housing without a housing measure of their own; c also work; d transport
    assert gaps[["theme", "n_groups"]].values.tolist() == [["bolig", 2], ["samferdsel", 1], ["arbeid", 1]]
    assert gaps.loc[0, "groups"] == ("b", "c")
    assert math.isnan(gaps.loc[2, "mean_strength"])  # c did not score it: unscored, sorted last among ties
    with pytest.raises(ValueError):
        ff.coverage(THEMED, scope="kommune")


def test_groups_in_display_order_workshops_before_villages():
    df = make(
        [
            ("grendemote:elga", "bolyst", "kraft", 1, NA, (), "x"),
            ("ungdomsradet", "bolyst", "kraft", 1, NA, (), "y"),
            ("arbeidsgruppe", "bolyst", "kraft", 1, NA, (), "z"),
        ]
    )
    assert ff.forces(df)["group"].tolist() == ["arbeidsgruppe", "ungdomsradet", "grendemote:elga"]
    assert ff.statement_counts(df)["group"].tolist() == ["arbeidsgruppe", "ungdomsradet", "grendemote:elga"]


def test_prepared_frame_gives_the_same_results():
    prepared = ff.prepare(THEMED)
    for fn in (ff.priorities, ff.consensus, ff.coverage_gaps, ff.unique_perspectives, ff.force_summary):
        pd.testing.assert_frame_equal(fn(prepared), fn(THEMED))
    pd.testing.assert_frame_equal(ff.theme_similarity(prepared), ff.theme_similarity(THEMED))
    # a row filter of a prepared frame is still usable
    assert ff.top_themes(prepared.loc[prepared["group"] == "c"], "c")["theme"].tolist() == ["arbeid", "bolig", "natur"]


def test_headline_bullets_flag_thin_groups():
    bullets = ff.headline_bullets(BASIC)
    assert any("Få utsagn" in b and "B" in b for b in bullets)
    assert bullets[0].startswith("3 grupper har levert 13 utsagn")


def test_chart_titles_state_the_finding():
    labels = {"bolig": "Boliger"}
    assert ff.top_themes_title(ff.top_themes(THEMED, "a"), "a", labels) == "A nevner «Boliger» oftest"
    assert ff.heatmap_title(ff.theme_profile(THEMED), labels) == "«Boliger» er temaet flest grupper tar opp (3 av 4 grupper)"
    assert ff.similarity_title(ff.theme_similarity(THEMED)) == "A og B har de mest like temaprofilene (likhet 1,00)"
    assert ff.priority_title(ff.priorities(THEMED), labels) == "«Boliger» rangeres høyest blant motkreftene (3 grupper)"
    title, alt = ff.importance_influence_texts(ff.importance_influence(THEMED, "a"), "a")
    assert title == "1 motkraft er både viktig (4–5) og påvirkbar (4–5)" and "1 motkraft vurdert" in alt
    assert ff.balance_alt_all(ff.force_summary(BASIC, groups=["a"])).count("Økt bolyst: drivkreftene") == 1
    assert "netto +3; 1 ikke vurdert" in ff.balance_alt_all(ff.force_summary(BASIC, groups=["a"]))
    empty = THEMED.iloc[0:0]
    assert ff.priority_title(ff.priorities(empty)) == "Ingen motkrefter kan rangeres"
    assert ff.similarity_title(ff.theme_similarity(empty)).startswith("For få grupper")


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


def test_priorities_take_pavirkbar_from_measures_when_forces_lack_it():
    p = ff.priorities(ON_MEASURES).set_index("theme")
    # bolig: 2 groups, strength mean (4 + 2 + 5) / 3 = 11/3, påvirkbar from measures (5 + 2) / 2 = 3.5
    assert p.loc["bolig", "mean_pavirkbar"] == 3.5 and p.loc["bolig", "pavirkbar_source"] == "tiltak"
    assert p.loc["bolig", "score"] == pytest.approx(2 * (11 / 3 / 5) * (3.5 / 5))
    # vei: no measure on the theme → midpoint 3, flagged; strength 2 (b's is unscored)
    assert p.loc["vei", "pavirkbar_source"] == "midtverdi" and p.loc["vei", "pavirkbar_imputed"]
    assert p.loc["vei", "score"] == pytest.approx(2 * (2 / 5) * (3 / 5))
    t = ff.priorities_table(ff.priorities(ON_MEASURES))
    assert t.set_index("Motkraft (tema)").loc["Bolig", "Påvirkbar vurdert for"] == "tiltakene"


def test_measure_links_answered_strength_and_importance_grid():
    m = ff.measure_links(ON_MEASURES, "a").iloc[0]
    assert m["answers"] == ("Få boliger", "Dyre tomter") and m["answered_strength"] == 3.0
    assert m["pavirkbar"] == 5
    pts = ff.importance_influence(ON_MEASURES, "a")
    # the measure: påvirkbar 5, importance = mean strength of the counter-forces it answers (3)
    assert pts.values.tolist() == [["tiltak", 3.0, 5.0, 1]]
    b = ff.importance_influence(ON_MEASURES, "b")
    assert b.values.tolist() == [["tiltak", 5.0, 2.0, 1]]  # "Ny skolebuss" answers nothing: left out
    title, alt = ff.importance_influence_texts(pts, "a")
    assert title.startswith("0 tiltak tar tak i viktige problemer") and "1 tiltak vurdert" in alt


def test_measures_to_prioritise():
    t = ff.measures_to_prioritise(ON_MEASURES, "b", threshold=2)
    assert t.values.tolist() == [["Kartlegg behovet", "5,0", "2", "Ingen hybler"]]
    assert ff.measures_to_prioritise(ON_MEASURES, "a").empty  # importance 3 < 4
    assert ff.measures_to_prioritise(ON_MEASURES, "ukjent").empty


def test_overview_figures_and_thin_caution():
    counts = ff.statement_counts(BASIC)
    assert ff.overview_figures(counts) == {
        "Grupper": "3", "Utsagn": "13", "Drivkrefter": "5", "Motkrefter": "5", "Tiltak": "1"
    }
    assert ff.thin_groups_caution(counts).startswith("2 grupper har færre enn 10 utsagn: B, C.")  # a has exactly 10
    assert ff.thin_groups_caution(counts.assign(thin=False)) is None
