"""A municipality whose figures before a split were shared out by a fixed share (Haram and Ålesund, 50/50 until
2023 in the snapshot): the reports use only its own years, on both pages, and say why."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.goals import cards
from analysis.goals import status as gstatus
from analysis.goals import text as gtext
from analysis.population import indicators, migration, sections
from analysis.profile import parse_profile
from conftest import ssb_snapshot_dir

CHANGES = pd.DataFrame(
    {
        "old_region": ["1507", "1507", "0434"],
        "region": ["1580", "1508", "3425"],
        "weight": [0.5, 0.5, 1.0],
        "first_year": [2020, 2020, 1940],
        "last_year": [2023, 2023, 2019],
    }
)


def _long(totals: dict[str, dict[int, int]]) -> pd.DataFrame:
    rows = [
        {"region": r, "year": y, "sex": "female", "age": 30, "population": v}
        for r, series in totals.items()
        for y, v in series.items()
    ]
    return pd.DataFrame(rows)


def test_only_the_shared_years_of_a_split_municipality_are_left_out():
    pop = _long(
        {
            "1580": {2022: 33561, 2023: 33758, 2024: 9357, 2025: 9409},  # half of the old Ålesund, then Haram
            "3425": {2019: 1286, 2020: 1268, 2021: 1270},  # renumbered (weight 1): whole
            "15": {2022: 100, 2023: 100, 2024: 300},  # a county jumps too, but counties are kept whole
        }
    )
    out, until = indicators.without_shared_history(pop, CHANGES)
    assert until == {"1580": 2023}
    assert sorted(out.loc[out["region"] == "1580", "year"]) == [2024, 2025]
    assert sorted(out.loc[out["region"] == "3425", "year"]) == [2019, 2020, 2021]
    assert sorted(out.loc[out["region"] == "15", "year"]) == [2022, 2023, 2024]
    # a split that moved a small part leaves no jump and nothing is cut
    small = _long({"1580": {2023: 9300, 2024: 9357}})
    assert indicators.without_shared_history(small, CHANGES)[1] == {}


def test_too_few_years_for_a_migration_period_gives_an_empty_table_not_an_error():
    mig = pd.DataFrame({"year": [2025, 2026], "sex": ["female", "male"], "age": [30, 30], "net": [1.0, -1.0]})
    out = migration.net_by_period(mig)
    assert out.empty and list(out.columns) == ["period", "first_year", "last_year", "sex", "band", "lo", "net"]


needs_snapshot = pytest.mark.skipif(ssb_snapshot_dir() is None, reason="no SSB snapshot")


@needs_snapshot
def test_the_haram_report_starts_after_the_split_and_says_why():
    r = sections.load("1580", None, backtest_from=2016, horizon=2050)
    assert r.split and r.split_until == {"1580": 2023}
    assert int(r.totals["year"].min()) == 2024
    shown = " ".join(str(getattr(o, "data", o)) for o in sections.now(r))
    assert "Kortere tidsserie" in shown and "fra 2024, med dagens grenser" in shown
    assert "færre enn i 2005" not in shown  # the shared-out 27 992 of 2005 is not compared with
    movers = " ".join(str(getattr(o, "data", o)) for o in sections.movers(r))
    assert "ingen hel femårsperiode" in movers
    assert sections.movers_table(r) == []
    assert sections.outlook_chart(r) == []  # no projection from two years


@needs_snapshot
def test_a_neighbour_comparing_with_haram_sees_no_shared_years():
    r = sections.load("1532", ["1580"], backtest_from=2016, horizon=2050)  # Giske, with Haram as peer
    assert not r.split and r.split_until == {"1580": 2023}
    haram = r.population[r.population["region"] == "1580"]
    assert int(haram["year"].min()) == 2024


@needs_snapshot
def test_the_overview_uses_the_same_years_and_makes_no_projection_for_haram(tmp_path):
    folder = ssb_snapshot_dir()
    layers = gstatus.load_layers("1580", ssb_dir=folder, processed_dir=tmp_path)
    assert layers.split and int(layers.population.loc[layers.population["region"] == "1580", "year"].min()) == 2024
    assert layers.mortality is None  # as the population report: no projection
    profile = parse_profile(
        {
            "kommune": {"number": "1580", "name": "Haram"},
            "goals": [
                {
                    "id": "innbyggertall",
                    "label": "Flere innbyggere",
                    "indicator": {"kind": "population_total"},
                    "target": {"value": 9800, "year": 2030},
                }
            ],
        }
    )
    built, pop_status = cards.build_cards(layers, profile)
    text = repr(built)
    assert pop_status is not None and pop_status.requirement is None
    assert gtext.SHARED_HISTORY_NO_PROJECTION in text
    assert "Hovedberegningen" not in text


@needs_snapshot
def test_means_and_the_pyramid_name_the_years_haram_has():
    r = sections.load("1580", None, backtest_from=2016, horizon=2050)
    women = " ".join(str(getattr(o, "data", o)) for o in sections.women(r))
    span = f"2024–{r.last_year}"  # the years after the split
    assert f"snitt {span}" in women and "siste fem år" not in women
    now = " ".join(str(getattr(o, "data", o)) for o in sections.now(r))
    assert f"(snitt {span})" in now and "siste 5 år" not in now
    pyramid = " ".join(str(getattr(o, "data", o)) for o in sections.pyramid(r))
    assert "streken hvor mange det var i 2024" in pyramid and "ti år tidligere" not in pyramid
    # and a municipality with its whole series keeps the usual wording
    e = sections.load("3425", None, backtest_from=2016, horizon=2050)
    assert "snitt siste fem år" in " ".join(str(getattr(o, "data", o)) for o in sections.women(e))
    assert "ti år tidligere" in " ".join(str(getattr(o, "data", o)) for o in sections.pyramid(e))


@needs_snapshot
def test_the_overview_card_names_the_years_of_its_mean(tmp_path):
    layers = gstatus.load_layers("1580", ssb_dir=ssb_snapshot_dir(), processed_dir=tmp_path)
    s = gstatus.women_status(layers.population, "1580")
    assert s.mean_first_year == 2024
    profile = parse_profile(
        {
            "kommune": {"number": "1580", "name": "Haram"},
            "goals": [{"id": "kvinner", "label": "Flere kvinner", "indicator": {"kind": "women_per_100_men"}}],
        }
    )
    text = repr(cards.build_cards(layers, profile)[0])
    assert f"Snitt 2024–{s.latest_year}" in text and "siste 5 år" not in text


@needs_snapshot
def test_a_split_municipality_without_target_promises_no_projection_and_says_why_there_is_no_backtest():
    r = sections.load("1580", None, backtest_from=2016, horizon=2050)
    assert r.target is None and r.split
    shown = " ".join(str(getattr(o, "data", o)) for part in (sections.now, sections.requirement) for o in part(r))
    assert "Framskrivingen leses av" not in shown and "Framskrivingen over viser" not in shown
    assert "regner rapporten ikke ut hvor mange flere som må flytte inn" in shown
    backtest = " ".join(str(getattr(o, "data", o)) for o in sections.backtest(r))
    assert "Modellen er ikke testet bakover for Haram" in backtest and "før 2024" in backtest
    # a municipality with its whole series still reads the projection at the reference year
    e = sections.load("3417", None, backtest_from=2016, horizon=2050)  # Grue
    assert e.target is None and "Framskrivingen leses av i 2030" in " ".join(
        str(getattr(o, "data", o)) for o in sections.now(e)
    )


@needs_snapshot
def test_the_charts_of_a_two_year_series_show_whole_years():
    from analysis.report import style
    from svgticks import label_problems, tick_labels

    r = sections.load("1508", None, backtest_from=2016, horizon=2050)  # Ålesund: own figures from 2024
    svgs = [
        o.data
        for part in (sections.history, sections.comparison, sections.women, sections.young, sections.pyramid)
        for o in part(r)
        if "<svg" in str(getattr(o, "data", ""))
    ]
    assert len(svgs) >= 4
    for svg in svgs:
        svg = svg[svg.index("<svg") : svg.rindex("</svg>") + 6]
        assert not label_problems(svg), tick_labels(svg)
    assert style.decimals_to_show([2024, 2025, 2026]) == 0


@needs_snapshot
def test_a_report_comparing_with_a_split_municipality_says_why_its_comparison_is_short():
    """Herøy (1515) had Haram as a default peer: its comparison covered 2024–2026 without a word on why."""
    r = sections.load("1532", ["1580"], backtest_from=2016, horizon=2050)  # Giske, with Haram as peer
    shown = " ".join(str(getattr(o, "data", o)) for o in sections.now(r))
    assert "Kortere sammenligning" in shown and "Tallene for Haram før 2024" in shown
    assert "starter derfor i 2024" in shown and "Kortere tidsserie" not in shown
    # and a report whose peers are all whole says nothing of the kind
    whole = sections.load("1532", ["1531"], backtest_from=2016, horizon=2050)
    assert "Kortere sammenligning" not in " ".join(str(getattr(o, "data", o)) for o in sections.now(whole))


@needs_snapshot
def test_init_does_not_choose_a_split_municipality_as_peer():
    from analysis.build.project import find_municipality

    heroy = find_municipality("1515", ssb_snapshot_dir())
    assert "1580" not in heroy.peers and len(heroy.peers) == 6  # four municipalities, the county, Norway
    assert find_municipality("1580", ssb_snapshot_dir()).peers[-2:] == ("15", "0")  # Haram itself still gets peers
