"""Tests for analysis.goals (status, cards, text): card numbers from small hand-built tables, Norwegian text, missing layers, escaping."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _ssb_helpers import synthetic_pop
from hypothesis import given
from hypothesis import strategies as st

from analysis.build import links as build_links
from analysis.build.catalogue import Catalogue
from analysis.goals import cards as gcards
from analysis.goals import plots as gplots
from analysis.goals import status as gstatus
from analysis.goals import text as gtext
from analysis.numfmt import fmt_int
from analysis.population import projection
from analysis.population import text as ptext
from analysis.profile import load_profile
from analysis.report import style
from conftest import ssb_snapshot_dir

PROFILE = load_profile()
GOALS = PROFILE.goal_ids

MINUS = "\u2212"

# Engerdal's real totals for the years the tests look at (SSB, 1 January).
TOTALS = {
    2016: 1305,
    2017: 1274,
    2018: 1294,
    2019: 1286,
    2020: 1268,
    2021: 1250,
    2022: 1253,
    2023: 1328,
    2024: 1361,
    2025: 1326,
    2026: 1287,
}


def _rows(region: str, year: int, cells: dict[tuple[str, int], int]) -> list[dict]:
    return [
        {"region": region, "year": year, "sex": sex, "age": age, "population": n} for (sex, age), n in cells.items()
    ]


def _frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df["sex"] = df["sex"].astype(pd.CategoricalDtype(["female", "male"]))
    return df.astype({"year": "int64", "age": "int64", "population": "int64"})


def totals_pop(totals: dict[int, int] = TOTALS, region: str = "3425") -> pd.DataFrame:
    """Each year's total split into women and men aged 50."""
    rows = []
    for year, total in totals.items():
        rows += _rows(region, year, {("female", 50): total // 2, ("male", 50): total - total // 2})
    return _frame(rows)


# --------------------------------------------------------------------------- innbyggertall


def test_population_status_latest_change_and_gap():
    s = gstatus.population_status(totals_pop(), "3425", target=1300, target_year=2030)
    assert (s.latest_year, s.latest) == (2026, 1287)
    assert s.change == {2: (-74, 1361), 5: (37, 1250), 10: (-18, 1305)}
    assert s.gap == 13
    assert s.requirement is None and s.path is None  # no mortality/fertility given


def test_population_card_prints_numbers_the_norwegian_way():
    s = gstatus.population_status(totals_pop(), "3425", target=1300, target_year=2030)
    card = gcards.population_card(PROFILE.goal("innbyggertall"), s)
    assert card.headline == "1 287 innbyggere 1.1.2026; mål: minst 1 300 i 2030."
    assert card.figures["Innbyggere 1.1.2026"] == "1 287"
    assert card.figures["Mål 1.1.2030"] == "minst 1 300"
    facts = dict(card.facts)
    assert facts["Utvikling"] == (
        f"Endring {MINUS}74 siste 2 år (fra 1 361 i 2024); +37 siste 5 år (fra 1 250 i 2021); "
        f"{MINUS}18 siste 10 år (fra 1 305 i 2016)."
    )
    assert facts["Avstand til målet"].startswith("13 innbyggere under målet i dag.")
    assert gtext.MISSING_PROJECTION in facts["Avstand til målet"]


def test_population_above_target_and_past_target_year():
    s = gstatus.population_status(totals_pop({2025: 1400, 2026: 1401}), "3425", target=1300, target_year=2026)
    assert s.gap == -101
    facts = dict(gcards.population_card(PROFILE.goal("innbyggertall"), s).facts)
    assert facts["Avstand til målet"].startswith("101 innbyggere over målet i dag.")
    assert "Målåret 2026 er passert." in facts["Avstand til målet"]


def test_required_net_migration_comes_from_the_projection():
    pop, mort, fert, _ = synthetic_pop(years=range(2010, 2021), region="9999")
    latest = float(pop.loc[pop["year"] == 2020, "population"].sum())
    target = int(latest) + 60
    s = gstatus.population_status(pop, "9999", target=target, target_year=2026, mortality=mort, fertility=fert)
    setup = projection.setup(pop, "9999", mort, fert, horizon=2026)
    expected = projection.required_net_migration(setup, target=target, target_year=2026, profile="model")
    assert s.requirement is not None
    assert s.requirement.persons_per_year == expected.persons_per_year > 0
    assert s.requirement.women_per_year == expected.women_per_year
    # the path in the figure starts at the latest population and ends on the target
    assert list(s.path["year"]) == list(range(2020, 2027))
    assert s.path["required"].iloc[0] == pytest.approx(latest)
    assert s.path["required"].iloc[-1] == pytest.approx(target, abs=1e-3)
    scen = projection.scenarios(setup, 2026)
    # the same main projection as the population report
    assert s.scenario_total == pytest.approx(float(scen.query("scenario == 'model' and year == 2026")["total"].iloc[0]))
    card = gcards.population_card(PROFILE.goal("innbyggertall"), s)
    assert card.headline.endswith(
        f"det krever netto innflytting på om lag {fmt_int(expected.persons_per_year)} per år."
    )
    assert card.figures["Nødvendig netto innflytting per år"] == fmt_int(expected.persons_per_year)
    assert ptext.requirement_sentence(expected) in dict(card.facts)["Avstand til målet"]


# --------------------------------------------------------------------------- kvinner


def women_pop() -> pd.DataFrame:
    rows = []
    for year, (w, m) in {
        2016: (88, 100),
        2022: (80, 100),
        2023: (85, 100),
        2024: (90, 100),
        2025: (95, 100),
        2026: (90, 120),
    }.items():
        rows += _rows("3425", year, {("female", 25): w, ("male", 30): m, ("female", 60): 7, ("male", 15): 4})
    for region, w in (("0", 95), ("34", 93)):
        for year in (2016, 2026):
            rows += _rows(region, year, {("female", 20): w * 1000, ("male", 39): 100 * 1000})
    return _frame(rows)


def test_women_status_ratio_trend_comparison_and_gap():
    s = gstatus.women_status(women_pop(), "3425")
    assert (s.latest_year, s.women, s.men) == (2026, 90, 120)
    assert s.ratio == pytest.approx(75.0)
    assert s.ratio_then == pytest.approx(88.0) and s.year_then == 2016
    assert s.ratio_mean5 == pytest.approx((80 + 85 + 90 + 95 + 75) / 5)
    assert s.comparisons == {"Norge": pytest.approx(95.0), "Innlandet": pytest.approx(93.0)}
    assert s.reference == "Norge"
    assert s.women_for_balance == 24  # 120 men × 0,95 = 114 women; 114 − 90


def test_women_card_text():
    card = gcards.women_card(PROFILE.goal("kvinner"), gstatus.women_status(women_pop(), "3425"))
    assert card.headline == "75 kvinner per 100 menn i alderen 20–39 år 1.1.2026 (Norge: 95)."
    facts = dict(card.facts)
    assert facts["Utvikling"].startswith("Tallet har gått ned fra 88 i 2016 til 75 i 2026.")
    assert facts["Sammenlignet med"] == "Norge 95; Innlandet 93 kvinner per 100 menn (2026)."
    assert "om lag 24 flere kvinner i samme alder" in facts["Avstand til målet"]
    assert card.figures["Snitt siste 5 år"] == "85" and "snittet for de siste fem årene er 85." in facts["Utvikling"]


def test_women_card_names_the_years_of_a_shorter_mean():
    pop = women_pop()
    s = gstatus.women_status(pop[pop["year"] != 2022], "3425")  # 2016, then 2023–2026: four recent years
    assert s.mean_first_year == 2023
    card = gcards.women_card(PROFILE.goal("kvinner"), s)
    assert card.figures["Snitt 2023–2026"] == "86"  # (85 + 90 + 95 + 75) / 4
    assert "snittet for 2023–2026 er 86." in dict(card.facts)["Utvikling"]


@given(women=st.integers(0, 5000), men=st.integers(1, 5000), ref=st.floats(50, 150))
def test_women_for_balance_is_the_smallest_number_reaching_the_reference(women, men, ref):
    s = gstatus.WomenStatus(
        "1", (20, 39), 2026, 100 * women / men, 0.0, women, men, comparisons={"Norge": ref}, reference="Norge"
    )
    need = s.women_for_balance
    assert need >= 0
    assert 100 * (women + need) / men >= ref - 1e-6
    if need > 0:
        assert 100 * (women + need - 1) / men < ref


# --------------------------------------------------------------------------- unge


def test_young_status_and_card():
    rows = []
    for year, (kids, young, old) in {2016: (265, 220, 820), 2026: (204, 249, 834)}.items():
        rows += _rows("3425", year, {("female", 5): kids, ("male", 30): young, ("female", 70): old})
    s = gstatus.young_status(_frame(rows), "3425")
    assert (s.latest_year, s.year_then, s.total) == (2026, 2016, 1287)
    kids, young = s.bands
    assert (kids.label, kids.latest, kids.then, kids.change) == ("0–19 år", 204, 265, -61)
    assert (young.label, young.latest, young.change) == ("20–39 år", 249, 29)
    assert kids.share == pytest.approx(204 / 1287)
    card = gcards.young_card(PROFILE.goal("unge"), s)
    assert card.headline == "204 i alderen 0–19 år og 249 i alderen 20–39 år 1.1.2026."
    facts = dict(card.facts)
    assert (
        f"0–19 år: 265 i 2016 og 204 i 2026 ({MINUS}61); andel av befolkningen 20,3 % → 15,9 %." in facts["Utvikling"]
    )
    assert facts["Avstand til målet"] == "For å komme tilbake til nivået i 2016 trengs 61 flere i alderen 0–19 år."


# --------------------------------------------------------------------------- bolyst


def responses(sat: list[float | None], rec: list[float | None] | None = None, weights=None) -> pd.DataFrame:
    n = len(sat)
    return pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(n)],
            "in_scope": [True] * n,
            "status": ["resident"] * n,
            "weight": weights if weights is not None else [1.0] * n,
            "sat_overall": pd.array(sat, dtype="Int64"),
            "recommend": pd.array(rec if rec is not None else [7] * n, dtype="Int64"),
            "text_best": ["Ola Nordmann på 912 34 567 sier <script>"] * n,
        }
    )


def test_bolyst_status_weighted_share_with_ci():
    r = responses(
        [5, 4, 4, 3, 2, 5, 1, 4, None, 3],
        rec=[10, 8, 7, 5, 3, 9, 0, 6, 7, None],
        weights=[2.0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    )
    s = gstatus.bolyst_status(r)
    assert not s.suppressed and s.n == 9
    assert s.satisfied == pytest.approx((2 + 1 + 1 + 1 + 1) / 10)  # weights of 4–5 answers / all answered
    assert s.satisfied_lower < s.satisfied < s.satisfied_upper
    assert s.recommend == pytest.approx((20 + 8 + 7 + 5 + 3 + 9 + 0 + 6 + 7) / 10)
    card = gcards.bolyst_card(PROFILE.goal("bolyst"), s)
    assert card.headline.startswith("60 % av innbyggerne 18–40 år er fornøyde med å bo i kommunen (95 %")
    assert card.figures["Fornøyde med å bo her"] == "60 %"
    assert card.figures["Vil anbefale en venn å flytte hit (0–10)"] == "6,5"
    facts = dict(card.facts)
    assert "første måling (nullpunkt)" in facts["Utvikling"]
    assert "illustrative" in facts["Merk"]
    html = gcards.card_html(card)
    assert "Ola" not in html and "912" not in html  # free text never reaches the card


def test_bolyst_suppressed_below_five_answers():
    s = gstatus.bolyst_status(responses([5, 5, 4, 1, None, None]))
    assert s.suppressed and s.n is None and s.satisfied is None
    card = gcards.bolyst_card(PROFILE.goal("bolyst"), s)
    assert card.figures == {}
    assert card.headline == "Færre enn 5 innbyggere har svart, så resultatet vises ikke (personvern)."
    assert "%" not in gcards.card_html(card)


def test_bolyst_unweighted_survey_says_so():
    s = gstatus.bolyst_status(responses([5] * 8, weights=[float("nan")] * 8))
    assert not s.weighted
    card = gcards.bolyst_card(PROFILE.goal("bolyst"), s)
    assert card.messages == [gtext.UNWEIGHTED_SURVEY] and card.figures == {}


# --------------------------------------------------------------------------- workshops


def statements() -> pd.DataFrame:
    rows = [
        ("arbeidsgruppe", "unge", "kraft", 4, ("arbeid",)),
        ("arbeidsgruppe", "unge", "motkraft", 5, ("bolig",)),
        ("arbeidsgruppe", "unge", "motkraft", 2, ("skole",)),
        ("ungdomsradet", "unge", "motkraft", None, ("skole",)),
        ("ungdomsradet", "unge", "tiltak", None, ("bolig",)),
        ("eldreradet", "bolyst", "motkraft", 3, ()),
        ("eldreradet", "innbyggertall", "onsket_resultat", None, ()),
    ]
    df = pd.DataFrame(rows, columns=["group", "goal", "kind", "strength", "themes"])
    df["strength"] = df["strength"].astype("Int64")
    df["text"] = "tekst"
    return df


def test_workshop_status_counts_and_strongest_counter_themes():
    w = gstatus.workshop_status(statements(), theme_labels={"bolig": "Bolig", "skole": "Skole og barnehage"})
    assert set(w) == set(GOALS)
    unge = w["unge"]
    assert (unge.n_groups, unge.n_groups_total, unge.n_kraft, unge.n_motkraft) == (2, 3, 1, 3)
    # "skole" is named by two groups, "bolig" by one (stronger, but fewer groups)
    assert unge.counter_themes == ("Skole og barnehage", "Bolig")
    assert (w["innbyggertall"].n_groups, w["innbyggertall"].n_kraft) == (1, 0)
    assert w["kvinner"].n_groups == 0
    assert gcards.workshop_sentence(unge) == (
        "2 av 3 grupper drøftet målet: 1 drivkraft og 3 motkrefter. "
        "Tyngste motkrefter: «Skole og barnehage» og «Bolig»."
    )
    assert gcards.workshop_sentence(w["kvinner"]) == "Ingen av de 3 gruppene drøftet dette målet."
    assert gcards.workshop_sentence(w["bolyst"]).endswith("Motkreftene er ikke kodet med tema.")


# --------------------------------------------------------------------------- links


def catalogue(*, survey_shareable: bool = True) -> Catalogue:
    def entry(id_, notebook, params=None, shareable=True, links=None):
        return {
            "id": id_,
            "title": f"Tittel {id_}",
            "notebook": notebook,
            "output": id_,
            "parameters": params or {},
            "shareable": shareable,
            "links": links or {},
        }

    return Catalogue.model_validate(
        {
            "reports": [
                entry(
                    "oversikt-engerdal",
                    "oversikt.ipynb",
                    {"kommunenummer": "3425"},
                    shareable=survey_shareable,
                    links={
                        "population": "befolkning-engerdal",
                        "forcefield": "kraftfelt-samlet",
                        "survey": "bolyst-engerdal",
                    },
                ),
                entry("befolkning-trysil", "befolkningsutvikling.ipynb", {"kommunenummer": "3421"}),
                entry("befolkning-engerdal", "befolkningsutvikling.ipynb", {"kommunenummer": "3425"}),
                entry("kraftfelt-arbeidsgruppe", "kraftfelt_gruppe.ipynb", {"group": "arbeidsgruppe"}),
                entry("kraftfelt-samlet", "kraftfelt_samlet.ipynb"),
                entry("bolyst-engerdal", "bolyst.ipynb", {"kommunenummer": "3425"}, shareable=survey_shareable),
            ]
        }
    )


def test_report_links_are_resolved_by_the_build():
    cat = catalogue()
    links = build_links.resolve(cat.get("oversikt-engerdal"), cat)
    assert links["population"] == {"title": "Tittel befolkning-engerdal", "href": "befolkning-engerdal.html"}
    assert gcards.report_links_from(links)["population"] == gcards.ReportLink(
        "Tittel befolkning-engerdal", "befolkning-engerdal.html"
    )
    assert links["forcefield"]["href"] == "kraftfelt-samlet.html"
    assert links["survey"]["href"] == "bolyst-engerdal.html"
    assert gcards.report_links_from(None) == {}


def test_a_shareable_report_may_not_link_to_an_internal_one():
    with pytest.raises(ValueError, match="internal report 'bolyst'"):
        Catalogue.model_validate(
            {
                "reports": [
                    {
                        "id": "oversikt",
                        "title": "O",
                        "notebook": "oversikt.ipynb",
                        "output": "oversikt",
                        "shareable": True,
                        "links": {"survey": "bolyst"},
                    },
                    {"id": "bolyst", "title": "B", "notebook": "bolyst.ipynb", "output": "bolyst", "shareable": False},
                ]
            }
        )
    with pytest.raises(ValueError, match="not in the catalogue"):
        Catalogue.model_validate(
            {
                "reports": [
                    {
                        "id": "oversikt",
                        "title": "O",
                        "notebook": "oversikt.ipynb",
                        "output": "oversikt",
                        "links": {"survey": "finnes-ikke"},
                    }
                ]
            }
        )


def test_cards_link_to_the_detailed_reports():
    cat = catalogue()
    links = gcards.report_links_from(build_links.resolve(cat.get("oversikt-engerdal"), cat))
    cards, _ = gcards.build_cards(gstatus.Layers(region="3425"), PROFILE, links=links)
    hrefs = {c.goal: [link.href for link in c.links] for c in cards}
    assert hrefs["bolyst"] == ["bolyst-engerdal.html", "kraftfelt-samlet.html"]
    assert hrefs["innbyggertall"] == ["befolkning-engerdal.html", "kraftfelt-samlet.html"]
    assert 'href="befolkning-engerdal.html"' in gcards.render_cards(cards).data


# --------------------------------------------------------------------------- missing layers


def test_missing_layers_give_plain_norwegian_messages():
    cards, pop_status = gcards.build_cards(gstatus.Layers(region="3425"), PROFILE)
    assert pop_status is None
    assert [c.goal for c in cards] == list(GOALS)
    by_goal = {c.goal: c for c in cards}
    assert by_goal["bolyst"].messages == [gtext.MISSING_SURVEY]
    for goal in ("innbyggertall", "kvinner", "unge"):
        assert by_goal[goal].messages == [gtext.MISSING_SSB]
        assert by_goal[goal].figures == {}
    for card in cards:
        assert dict(card.facts)["I workshops og grendemøter"] == gtext.MISSING_WORKSHOPS
    html = gcards.render_cards(cards).data
    assert html.count("Ingen data:") == 4


def test_load_layers_with_nothing_there_does_not_raise(tmp_path):
    layers = gstatus.load_layers("3425", ssb_dir=tmp_path / "ssb", processed_dir=tmp_path / "processed")
    assert layers.population is None and "SSB" in layers.population_message
    assert layers.statements is None and layers.statements_message == gtext.MISSING_WORKSHOPS
    assert layers.responses is None and layers.survey_message == gtext.MISSING_SURVEY
    cards, _ = gcards.build_cards(layers, PROFILE)
    assert len(cards) == 4


def test_one_layer_present_others_missing():
    layers = gstatus.Layers(
        region="3425",
        responses=responses([5, 4, 4, 3, 2, 5]),
        survey_message=None,
        statements=statements(),
        statements_message=None,
    )
    cards, _ = gcards.build_cards(layers, PROFILE, theme_labels={})
    by_goal = {c.goal: c for c in cards}
    assert by_goal["bolyst"].messages == [] and by_goal["bolyst"].figures
    assert by_goal["innbyggertall"].messages == [gtext.MISSING_SSB]
    assert dict(by_goal["unge"].facts)["I workshops og grendemøter"].startswith("2 av 3 grupper")


# --------------------------------------------------------------------------- rendering


def test_render_escapes_every_text_value_and_uses_h3():
    card = gcards.GoalCard(
        goal="unge",
        title="<script>alert(1)</script>",
        headline="A & B",
        figures={"<b>etikett</b>": "<i>1 287</i>"},
        facts=[("Mål", 'Tema "<img src=x onerror=alert(1)>"')],
        messages=["<em>mangler</em>"],
        links=[gcards.ReportLink("<u>rapport</u>", 'x".html')],
    )
    html = gcards.render_cards([card]).data
    assert "<script>" not in html and "<img" not in html and "<b>" not in html and "<u>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; B" in html
    assert 'href="x&quot;.html"' in html
    assert html.startswith('<div class="goal-cards">')
    assert '<h3 id="mal-unge">' in html
    assert "<h1" not in html and "<h2" not in html


def test_theme_label_with_markup_is_escaped_in_the_card():
    w = gstatus.workshop_status(statements(), theme_labels={"skole": "<script>x</script>"})
    card = gcards.young_card(PROFILE.goal("unge"), None, workshop=w["unge"])
    html = gcards.card_html(card)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_headlines_one_line_per_goal():
    cards, _ = gcards.build_cards(gstatus.Layers(region="3425"), PROFILE)
    lines = gcards.headlines(cards)
    assert lines[0] == f"Økt bolyst: {gtext.MISSING_SURVEY}"
    assert len(lines) == 4


def test_population_figure_and_alt_text():
    s = gstatus.population_status(totals_pop(), "3425", target=1300, target_year=2030)
    fig = gplots.plot_population_path(s, "Engerdal")
    assert style.title_of(fig).startswith("Engerdal: 1 287 innbyggere i 2026")
    alt = gtext.population_figure_alt(s, "Engerdal")
    assert "1 305 i 2016 og 1 287 i 2026" in alt and "minst 1 300 i 2030" in alt


# --------------------------------------------------------------------------- the real snapshot


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="no SSB snapshot")
def test_engerdal_from_the_real_snapshot(tmp_path):
    layers = gstatus.load_layers("3425", ssb_dir=ssb_snapshot_dir(), processed_dir=tmp_path)
    assert layers.name == "Engerdal" and layers.county == "34"
    cards, s = gcards.build_cards(layers, PROFILE)
    assert (s.latest_year, s.latest) == (2026, 1287)
    assert s.history.set_index("year").loc[[2005, 2021, 2024], "total"].tolist() == [1499, 1250, 1361]
    n = s.requirement.persons_per_year
    assert 0 < n < 50
    card = {c.goal: c for c in cards}["innbyggertall"]
    assert card.headline == (
        f"1 287 innbyggere 1.1.2026; mål: minst 1 300 i 2030; det krever netto innflytting på om lag {n} per år."
    )
    assert math.isfinite(s.scenario_total)
    women = {c.goal: c for c in cards}["kvinner"]
    assert "Norge" in dict(women.facts)["Sammenlignet med"]
    assert np.isfinite(gstatus.women_status(layers.population, "3425").ratio)


def test_illustrative_notice_and_data_note_follow_the_layers():
    nothing = gstatus.Layers(region="3425")
    assert gtext.illustrative_what(nothing) is None
    assert gtext.data_note(nothing, PROFILE) == (
        "Tallene for økt innbyggertall, flere kvinner og flere unge er ekte tall fra "
        "Statistisk sentralbyrå (SSB). De vises når SSB-dataene er på plass."
    )
    both = gstatus.Layers(
        region="3425",
        statements=statements(),
        statements_message=None,
        responses=responses([5] * 6),
        survey_message=None,
    )
    assert gtext.illustrative_what(both) == (
        "Utsagnene fra workshops og grendemøter og svarene i innbyggerundersøkelsen"
    )
    assert gtext.data_note(both, PROFILE).endswith("(SSB). De vises når SSB-dataene er på plass.")
    real_survey = gstatus.Layers(
        region="3425", responses=responses([5] * 6), survey_message=None, survey_illustrative=False
    )
    assert gtext.illustrative_what(real_survey) is None
    assert "Merk" not in dict(
        gcards.bolyst_card(
            PROFILE.goal("bolyst"), gstatus.bolyst_status(real_survey.responses), illustrative=False
        ).facts
    )


def test_target_reached_without_migration_draws_no_path():
    pop, mort, fert, _ = synthetic_pop(years=range(2010, 2021), region="9999")
    latest = int(pop.loc[pop["year"] == 2020, "population"].sum())
    s = gstatus.population_status(pop, "9999", target=latest // 2, target_year=2024, mortality=mort, fertility=fert)
    assert s.requirement.per_year <= 0 and s.requirement.persons_per_year == 0
    card = gcards.population_card(PROFILE.goal("innbyggertall"), s)
    assert card.headline.endswith("det nås også uten netto innflytting.")
    fig = gplots.plot_population_path(s, "Testby")
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert not any(label.startswith("Veien til målet") for label in labels)
    assert "veien til målet" not in gtext.population_figure_alt(s, "Testby")


def test_an_overview_without_goals_promises_no_links() -> None:
    """Found with Kvitsøy and others: «Lenkene fører til rapportene …» above a section with no card and no link."""
    import json
    from types import SimpleNamespace

    from analysis.goals import sections as gsections
    from analysis.goals import text as gtext

    shown = " ".join(str(getattr(o, "data", o)) for o in gsections.goal_cards(SimpleNamespace(cards=[])))
    assert gtext.NO_GOAL_CARDS in shown and "Lenkene" not in shown
    notebook = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "oversikt.ipynb").read_text("utf-8"))
    markdown = " ".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert "lenke" not in markdown.lower()  # the card guide says it, only where there are cards
