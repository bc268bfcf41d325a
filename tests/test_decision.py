"""The overview's decision page: the rules behind each verdict, and numbers that are the same on every page."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from analysis.goals import decision
from analysis.goals.cards import GoalData
from analysis.goals.status import PopulationStatus, WomenStatus, YoungStatus
from analysis.population.projection import Requirement
from analysis.profile import load_profile

# --------------------------------------------------------------------------- rules


def _goal(kind: str):
    profile = load_profile()
    return next(g for g in profile.goals if g.indicator is not None and g.indicator.kind == kind)


def _pop_status(totals: dict[int, int], *, target=1300, scenario=1320.0, per_year=5.0) -> PopulationStatus:
    hist = pd.DataFrame({"year": list(totals), "total": list(totals.values())})
    latest_year = max(totals)
    change = {n: (totals[latest_year] - totals[latest_year - n], totals[latest_year - n]) for n in (1, 2)}
    req = Requirement(per_year, 1.0, target, 2030, latest_year, float(target), 1200.0, "model")
    return PopulationStatus(
        region="3425",
        latest_year=latest_year,
        latest=totals[latest_year],
        target=target,
        target_year=2030,
        history=hist,
        change=change,
        requirement=req,
        scenario_total=scenario,
    )


def test_population_target_reached_and_not_falling_is_on_track():
    s = _pop_status({2024: 1280, 2025: 1290, 2026: 1295})
    v = decision.population_verdict(GoalData(_goal("population_total"), s), s)
    assert v.status == decision.ON_TRACK
    assert v.label == "På vei mot målet"
    assert "opp 5 fra året før og opp 15 på to år" in v.change


def test_population_projection_below_target_is_not_on_track_and_asks_for_a_decision():
    s = _pop_status({2024: 1361, 2025: 1326, 2026: 1287}, scenario=1260.0, per_year=14.2)
    v = decision.population_verdict(GoalData(_goal("population_total"), s), s)
    assert v.status == decision.OFF_TRACK
    assert "om lag 1 260" in v.reason and "når ikke målet" in v.reason
    assert "netto innflytting på om lag 15 per år" in v.follow_up  # rounded up, as on the card
    assert v.change == "Folketallet var 1 287 1.1.2026 – ned 39 fra året før og ned 74 på to år (fra 1 361 1.1.2024)."


def test_projection_reaching_the_target_after_two_years_of_decline_is_unknown():
    """The case the issue names: the projection says «reached», the last two years fell by 74."""
    s = _pop_status({2024: 1361, 2025: 1326, 2026: 1287}, scenario=1312.0)
    v = decision.population_verdict(GoalData(_goal("population_total"), s), s)
    assert v.status == decision.UNKNOWN
    assert "falt med 74" in v.reason


def test_direction_rule_uses_five_year_means_and_a_one_percent_band():
    years = range(2017, 2027)
    assert decision.direction(pd.Series([90.0] * 5 + [92.0] * 5, index=years))[0] == decision.ON_TRACK
    assert decision.direction(pd.Series([92.0] * 5 + [90.0] * 5, index=years))[0] == decision.OFF_TRACK
    assert decision.direction(pd.Series([90.0] * 5 + [90.5] * 5, index=years))[0] == decision.UNKNOWN
    assert decision.direction(pd.Series([90.0] * 9, index=range(2018, 2027)))[0] == decision.UNKNOWN  # too short


def test_women_verdict_warns_when_the_latest_year_points_the_other_way():
    ratio = pd.Series([86, 85, 87, 86, 86, 90, 92, 84, 99, 84], index=range(2017, 2027), dtype=float)
    s = WomenStatus("3425", (20, 39), 2026, 84.4, float(ratio.iloc[-5:].mean()), 204, 242, series=ratio)
    v = decision.women_verdict(GoalData(_goal("women_per_100_men")), s)
    assert v.status == decision.ON_TRACK
    assert "alene (84)" in v.reason and "snur vurderingen" in v.reason
    assert v.change.endswith("ned 15 fra året før og uendret på to år (også 84 1.1.2024).")


def test_young_verdict_off_track_asks_for_follow_up():
    series = pd.Series([500.0] * 5 + [470.0] * 5, index=range(2017, 2027))
    s = YoungStatus("3425", 2026, 1287, 2016, (), series=series)
    v = decision.young_verdict(GoalData(_goal("age_bands")), s)
    assert v.status == decision.OFF_TRACK and v.follow_up


def test_survey_goal_is_unknown_until_the_survey_is_repeated():
    v = decision.verdicts([GoalData(_goal("survey_share"), status=object())])[0]
    assert v.status == decision.UNKNOWN and "Gjenta innbyggerundersøkelsen" in v.follow_up


def test_missing_data_gives_unknown_with_the_reason():
    v = decision.verdicts([GoalData(_goal("population_total"), message="SSB-dataene mangler.")])[0]
    assert v.status == decision.UNKNOWN and v.reason == "SSB-dataene mangler."


def test_summary_and_follow_ups_name_the_priorities_and_escape_text():
    vs = [
        decision.Verdict("a", "Mål <A>", decision.OFF_TRACK, "Folketallet var 1 – ned 1.", "x", "Gjør <noe>."),
        decision.Verdict("b", "Mål B", decision.UNKNOWN, "Ingen tall.", "y"),
    ]
    assert decision.summary_sentence(vs).startswith("Av 2 hovedmål er 1 ikke på vei og 1 kan ikke avgjøres ennå.")
    ps = [decision.Priority(1, "Bolig", 3.92, 7, True), decision.Priority(2, "Veier", 1.5, 2, False)]
    asks = decision.follow_ups(vs, ps)
    assert asks[0] == "Mål <A>: Gjør <noe>." and "(bolig, veier)" in asks[1] and "koblet til veier" in asks[1]
    table = decision.verdict_table_html(vs)
    assert "&lt;A&gt;" in table and "<A>" not in table
    assert "poengsum 3,92" in decision.priorities_html(ps, None)


# --------------------------------------------------------------------------- the same number on every page


class _Page(HTMLParser):
    """Key figures (label → value) and tables (caption → rows of cell texts) of a built report."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._stack: list[str] = []
        self._text: list[str] = []
        self._value: str | None = None
        self._in: str | None = None
        self.html = path.read_text(encoding="utf-8")
        self.feed(self.html)
        text = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", path.read_text(encoding="utf-8"), flags=re.S)
        self.text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", text)))

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag == "div" and cls in ("key-value", "key-label"):
            self._in, self._text = cls, []
        elif tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._in, self._text = "caption", []
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self.tables:
            self._in, self._text = "cell", []

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        text = re.sub(r"\s+", " ", "".join(self._text)).strip()
        if tag == "div" and self._in == "key-value":
            self._value, self._in = text, None
        elif tag == "div" and self._in == "key-label":
            self.figures.setdefault(text, self._value or "")
            self._in = None
        elif tag == "caption" and self._in == "caption":
            self.tables[-1] = (text, self.tables[-1][1])
            self._in = None
        elif tag in ("td", "th") and self._in == "cell":
            self.tables[-1][1][-1].append(text)
            self._in = None

    def table(self, caption_start: str) -> list[list[str]]:
        return next(rows for cap, rows in self.tables if cap.startswith(caption_start))


@pytest.fixture(scope="module")
def pages(built_catalogue) -> dict[str, _Page]:
    folder = Path(built_catalogue["reports"])
    names = {
        "overview": "oversikt-engerdal",
        "population": "befolkningsutvikling-engerdal",
        "survey": "bolyst-engerdal",
        "forcefield": "kraftfelt-samlet",
    }
    return {k: _Page(folder / f"{v}.html") for k, v in names.items()}


def test_population_figures_are_the_same_on_the_overview_and_the_population_report(pages):
    o, p = pages["overview"], pages["population"]
    latest = next(k for k in o.figures if k.startswith("Innbyggere 1.1."))
    assert o.figures[latest] == p.figures[latest] == "1 287"
    assert o.figures["Snitt siste 5 år"] == p.figures["Kvinner per 100 menn, 20–39 år (snitt siste 5 år)"]
    # latest single-year ratio: the card's figure and the population report's key-figure table
    year = latest.rsplit(".", 1)[1]
    ratio_label = next(k for k in o.figures if k.startswith("Kvinner per 100 menn"))
    table = p.table("Nøkkeltall for")
    col = table[0].index("Kvinner per 100 menn 20–39")
    row = next(r for r in table if r[0] == year)
    assert o.figures[ratio_label] == str(round(float(row[col].replace(",", "."))))
    # the required net in-migration and the main projection in the target year
    need = o.figures["Nødvendig netto innflytting per år"]
    assert re.search(rf"Om lag {need} flere innflyttere enn utflyttere per år", p.text)
    projected = re.search(r"Hovedberegningen i befolkningsrapporten gir om lag ([\d  ]+)\.", o.text).group(1)
    proj = p.table("Framskrevet folketall 1. januar")
    main = proj[0].index("Hovedberegning")
    target_year = re.search(r"minst [\d  ]+ innbyggere 1\.1\.(\d{4})", o.text).group(1)
    assert next(r for r in proj if r[0] == target_year)[main] == projected.strip()
    # the two-year change
    two = re.search(r"ned (\d+) på to år", o.text).group(1)
    assert f"{two} færre enn to år før" in p.text


def test_survey_count_is_the_same_on_the_overview_and_the_survey_report(pages):
    from analysis.survey.text import WEIGHTED_RESIDENTS

    assert pages["overview"].figures[WEIGHTED_RESIDENTS] == pages["survey"].figures[WEIGHTED_RESIDENTS] == "139"
    # every answer in the age range is accounted for on the survey page: the tables by age and gender, the sentence
    survey = pages["survey"]
    by_gender = survey.table("Antall svar etter kjønn")
    total = next(r for r in by_gender if r[0] == "Totalt")[-1]
    assert f"De {total} andre er med i analysen" in survey.text


def test_priorities_are_the_same_on_the_overview_and_the_across_groups_report(pages):
    items = re.search(r'<ol class="decision-priorities">(.*?)</ol>', pages["overview"].html, re.S).group(1)
    shown = re.findall(r"<li><strong>(.*?)</strong> – poengsum ([\d,]+), nevnt av (\d+) grupp", unescape(items))
    assert 3 <= len(shown) <= 5
    rows = pages["forcefield"].table("De 10 høyest rangerte")
    head = rows[0]
    by_theme = {r[head.index("Motkraft (tema)")]: r[head.index("Prioritet")] for r in rows[1:]}
    for theme, score, _n in shown:
        assert by_theme[theme.strip()] == score


def test_the_decision_page_comes_first_and_states_its_rule(pages):
    text, page = pages["overview"].text, pages["overview"].html
    assert page.index('class="report-table decision-table"') < page.index('class="goal-cards"')
    assert "Slik vurderes målene" in text
    table = pages["overview"].table("Status for hovedmålene")
    assert len(table) == 1 + len(load_profile().goals)
    assert all(r[1].split(" ", 1)[1] in decision.STATUS_LABELS.values() for r in table[1:])
    assert re.search(r"Av \d hovedmål er", text)
