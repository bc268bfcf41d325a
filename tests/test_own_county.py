"""Oslo is both a municipality (0301) and a county (03) with the same people: its reports compare it with
Norway only, never with itself as if it were a second area."""

from __future__ import annotations

import re

import pytest

from analysis.goals import cards
from analysis.goals import status as gstatus
from analysis.population import indicators, sections, snapshot
from analysis.profile import parse_profile
from conftest import ssb_snapshot_dir

pytestmark = pytest.mark.skipif(ssb_snapshot_dir() is None, reason="no SSB snapshot")


def _text(section) -> str:
    return " ".join(str(getattr(o, "data", o)) for o in section)


def test_the_oslo_report_shows_oslo_once():
    r = sections.load("0301", None, backtest_from=2016, horizon=2050)
    assert r.county == "03" and r.county_shown is None
    assert r.compare == ["0301", "0"]
    comparison = _text(sections.comparison(r))
    assert "den andre er landet" in comparison and "fylket" not in comparison
    table = re.findall(r"<td>([^<]+)</td><td[^>]*>[^<]*%</td>", comparison)
    assert sorted(table) == ["Norge", "Oslo"], table  # was Norge, Oslo, Oslo
    women = _text(sections.women(r))
    assert women.count("<title") == 1 and "mot 9" in women  # one chart; Norway is the comparison
    assert "i Oslo og landet" in women and "fylket" not in women


def test_a_new_oslo_profile_gets_no_county_peer():
    regions = snapshot.read_regions()
    assert indicators.default_peers("0301", regions, snapshot.latest_totals(regions)) == ["0"]
    assert indicators.default_peers("3425", regions, snapshot.latest_totals(regions))[-2:] == ["34", "0"]


def test_a_profile_that_lists_the_county_as_a_peer_still_shows_oslo_once():
    profile = parse_profile({"kommune": {"number": "0301", "name": "Oslo"}, "peers": ["03", "0"]})
    r = sections.load(None, None, backtest_from=2016, horizon=2050, profile=profile)
    assert r.compare == ["0301", "0"]
    comparison = _text(sections.comparison(r))
    assert (
        "Oslo: indeks" in comparison and "av 1 kommuner" not in comparison and "1 sammenligningsområde." in comparison
    )


def test_a_municipality_with_neighbours_still_sees_them_and_its_county():
    r = sections.load("3425", None, backtest_from=2016, horizon=2050)  # Engerdal, Innlandet
    assert r.county_shown == "34" and "34" in r.compare and len(r.compare) > 3
    guide = _text(sections.comparison(r))
    assert "fylket og landet" in guide


def test_the_oslo_overview_compares_women_with_norway_only(tmp_path):
    layers = gstatus.load_layers("0301", ssb_dir=ssb_snapshot_dir(), processed_dir=tmp_path)
    assert layers.county == "03" and layers.county_shown is None
    profile = parse_profile(
        {
            "kommune": {"number": "0301", "name": "Oslo"},
            "goals": [{"id": "kvinner", "label": "Flere kvinner", "indicator": {"kind": "women_per_100_men"}}],
        }
    )
    built, _ = cards.build_cards(layers, profile)
    facts = dict(built[0].facts)
    assert re.fullmatch(r"Norge \d+ kvinner per 100 menn \(\d{4}\)\.", facts["Sammenlignet med"]), facts
