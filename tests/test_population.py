"""Tests for analysis.population: indicators for the council's goals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError
from analysis.population import indicators, snapshot
from analysis.population import indicators as pp
from analysis.population import plots as pplots
from analysis.report import style
from conftest import ssb_snapshot_dir


def tiny() -> pd.DataFrame:
    rows = []
    for year, extra in ((2015, 0), (2025, 1)):
        for sex, n in (("female", 2), ("male", 3)):
            for age in (5, 25, 30, 70):
                rows.append({"region": "3425", "year": year, "sex": sex, "age": age, "population": n + extra})
    rows.append({"region": "0", "year": 2015, "sex": "female", "age": 40, "population": 100})
    rows.append({"region": "0", "year": 2025, "sex": "female", "age": 40, "population": 110})
    frame = pd.DataFrame(rows)
    frame["sex"] = frame["sex"].astype(pd.CategoricalDtype(["female", "male"]))
    return frame


def test_totals_and_sex():
    tot = pp.totals(tiny(), "3425")
    assert tot.to_dict("list") == {"year": [2015, 2025], "female": [8, 12], "male": [12, 16], "total": [20, 28]}


def test_women_per_100_men_and_bands():
    wpm = pp.women_per_100_men(tiny(), "3425")
    assert wpm.loc[2015] == pytest.approx(100 * 4 / 6)
    bands = pp.age_bands(tiny(), "3425", [(0, 19), (20, 39), (67, None)])
    assert list(bands.columns) == ["0–19 år", "20–39 år", "67 år og eldre"]
    assert bands.loc[2015].tolist() == [5, 10, 5]


def test_old_age_dependency_and_median():
    dep = pp.old_age_dependency(tiny(), "3425")
    assert dep.loc[2015] == pytest.approx(100 * 5 / 10)
    med = pp.median_age(tiny(), "3425")
    # 20 persons: 5 aged 5, 5 aged 25, 5 aged 30 -> the 10th person closes age 25: median 26.0
    assert med.loc[2015] == pytest.approx(26.0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=106, max_size=106).filter(lambda c: sum(c) > 0))
def test_median_age_splits_the_population_in_two(counts):
    frame = pd.DataFrame({"region": "1", "year": 2020, "sex": "female", "age": np.arange(106), "population": counts})
    med = float(pp.median_age(frame, "1").iloc[0])
    below = (
        sum(c for a, c in enumerate(counts) if a + 1 <= med) + counts[int(med)] * (med - int(med)) if med < 106 else 0
    )
    assert below == pytest.approx(sum(counts) / 2)


def test_indicators_pyramid_and_index():
    ind = pp.indicators(tiny(), "3425")
    assert {"total", "women_per_100_men", "0–19 år", "20–39 år", "median_age", "old_age_dependency"} <= set(ind)
    pyr = pp.pyramid(tiny(), "3425", 2015, band_width=10, top=60)
    assert pyr["female"].sum() == 8 and pyr["male"].sum() == 12
    assert pyr["age_band"].iloc[-1] == "60+"
    idx = pp.index_series(tiny(), ["3425", "0", "missing"], base_year=2015)
    assert list(idx.columns) == ["3425", "0"]
    assert idx.loc[2025, "3425"] == pytest.approx(140) and idx.loc[2025, "0"] == pytest.approx(110)


def test_unknown_region_is_a_clear_error():
    with pytest.raises(AnalysisError, match="kommunenummer"):
        pp.totals(tiny(), "9999")


def test_figures_have_titles():
    fig = pplots.plot_totals(pp.totals(tiny(), "3425"), "Engerdal", target=30, target_year=2030)
    assert "Engerdal" in style.title_of(fig)


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="no SSB snapshot (data/raw/ssb or ANALYSIS_SSB_DIR)")
def test_engerdal_figures_from_the_snapshot():
    from analysis.population import snapshot

    pop = snapshot.read_population(regions=["3425", "34", "0"])
    tot = pp.totals(pop, "3425").set_index("year")["total"]
    assert tot.loc[2005] == 1499 and tot.loc[2021] == 1250 and tot.loc[2024] == 1361 and tot.loc[2026] == 1287
    ind = pp.indicators(pop, "3425").set_index("year")
    assert 60 < ind.loc[2026, "women_per_100_men"] < 110
    assert 45 < ind.loc[2026, "median_age"] < 60
    idx = pp.index_series(pop, ["3425", "34", "0"], base_year=2005)
    assert idx.loc[2005].tolist() == [100, 100, 100]


def test_facts_about_the_rates_come_from_the_data() -> None:
    from analysis.population import text as ptext

    assert ptext.rates_held_sentence(2023, 2022).endswith("(dødelighet 2023, fruktbarhet 2022).")
    assert "(flytting 2005–2014, dødelighet og fruktbarhet fra 2015)" in ptext.backtest_intro(2015, 2005, 2015, 2015)
    assert "dødelighet fra 2014 og fruktbarhet fra 2013" in ptext.backtest_intro(2015, 2005, 2014, 2013)
    assert "(dødelighet 2019, fruktbarhet 2018) holdes fast" in ptext.about_the_numbers(2019, 2018)


def _band_sum_reference(sub: pd.DataFrame, lo: int, hi: int | None, sex: str | None = None) -> pd.Series:
    """How ``indicators._band_sum`` was computed with a pandas group-by (the numpy version must match it)."""
    mask = sub["age"] >= lo
    if hi is not None:
        mask &= sub["age"] <= hi
    if sex is not None:
        mask &= sub["sex"] == sex
    years = sorted(sub["year"].unique())
    return sub[mask].groupby("year")["population"].sum().reindex(years, fill_value=0)


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="needs the SSB snapshot")
def test_band_sums_are_the_group_by_sums_exactly() -> None:
    """The age-band sums behind women per 100 men, the young and the old-age ratio: the same series (values,
    dtype, index and names) as a pandas group-by, for municipalities, a county, Norway and the edge cases."""
    codes = ["1120", "0301", "3425", "1144", "34", "0"]
    pop = snapshot.read_population(ssb_snapshot_dir(), regions=codes)
    bands = [
        (20, 39, "female"),
        (20, 39, "male"),
        (0, 19, None),
        (67, None, None),
        (105, None, "male"),
        (200, 300, None),
    ]
    for code in codes:
        sub = pop[pop["region"] == code]
        for band in bands:
            pd.testing.assert_series_equal(indicators._band_sum(sub, *band), _band_sum_reference(sub, *band))
    sub = pop[pop["region"] == "3425"]
    pd.testing.assert_series_equal(
        indicators._band_sum(sub.iloc[0:0], 0, 10), _band_sum_reference(sub.iloc[0:0], 0, 10)
    )
    shares = sub.assign(population=sub["population"] * 0.37)  # weighted counts: pandas' own sum
    pd.testing.assert_series_equal(indicators._band_sum(shares, 20, 39), _band_sum_reference(shares, 20, 39))
    unknown = sub.assign(sex=sub["sex"].astype("string").mask(sub["age"] == 30))  # a sex SSB did not give
    pd.testing.assert_series_equal(
        indicators._band_sum(unknown, 20, 39, "female"), _band_sum_reference(unknown, 20, 39, "female").astype("int64")
    )
