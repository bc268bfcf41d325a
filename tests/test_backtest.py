"""The projection model's pieces against hand-computed examples, and the backtest harness's fairness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _ssb_helpers import synthetic_pop

from analysis.goals import status as gstatus
from analysis.goals import text as gtext
from analysis.population import backtest, cohort, projection
from analysis.population.cohort import N_AGES
from conftest import ssb_snapshot_dir

N = N_AGES


def flat_rates(years: int = 5, survival: float = 1.0) -> cohort.Rates:
    S = np.full((2, N), survival)
    return cohort.Rates(np.broadcast_to(S, (years, 2, N)).copy(), np.ones((years, 2)), np.zeros((years, N)))


def test_migration_rates_apply_to_the_population_at_risk():
    P0 = np.zeros((2, N))
    P0[0, 30] = 100.0  # 100 women aged 30
    rate = np.zeros((2, N))
    rate[0, 31] = -0.1  # 10 % of those at risk at the new age 31 leave
    out = cohort.project(P0, flat_rates(), 2, migration_rates=rate)
    assert out[1, 0, 31] == pytest.approx(90.0)  # 100 survive to 31, 10 of them leave
    assert out[2, 0, 32] == pytest.approx(90.0)  # the rate is for age 31 only
    # counts and rates add up
    counts = np.zeros((2, N))
    counts[0, 31] = 5.0
    both = cohort.project(P0, flat_rates(), 1, counts, migration_rates=rate)
    assert both[1, 0, 31] == pytest.approx(95.0)
    # a shrinking population loses fewer people: half the people, half the movers
    half = cohort.project(P0 / 2, flat_rates(), 1, migration_rates=rate)
    assert half[1, 0, 31] == pytest.approx(45.0)


def test_rates_are_shrunk_towards_the_county_and_damped():
    M = np.zeros((2, N))
    M[:, 20:30] = 1.0
    pop, mort, fert, _ = synthetic_pop(years=range(2005, 2021), region="9999", migration=M)
    county, *_ = synthetic_pop(years=range(2005, 2021), region="99", seed=7)
    both = pd.concat([pop, county])
    full = projection.Model(own_weight=1.0, damping=1.0, mortality_prior=1e12)
    s_own = projection.setup(both, "9999", mort, fert, county="99", model=full)
    s_cty = projection.setup(both, "9999", mort, fert, county="99", model=projection.Model(own_weight=0.0, damping=1.0))
    model = projection.Model(own_weight=0.3, damping=0.6)
    s_mix = projection.setup(both, "9999", mort, fert, county="99", model=model)
    expected = 0.6 * (0.3 * s_own.migration_rate + 0.7 * s_cty.migration_rate)
    np.testing.assert_allclose(s_mix.migration_rate, expected)
    # the own rate is net migrants over the population at risk (hand check at one age)
    inp = s_own.inputs
    assert inp.own_rate[0, 0, 25] == pytest.approx(
        1.0
        * 10
        / sum(cohort.at_risk(cohort.population_array(pop, ["9999"], [y])[0, 0])[0, 25] for y in range(2010, 2020)),
        rel=1e-6,
    )


def test_local_mortality_ratio_is_shrunk_towards_one():
    pop, mort, fert, _ = synthetic_pop(years=range(2005, 2021), region="9999")
    years = list(range(2005, 2021))
    P = cohort.population_array(pop, ["9999"], years)
    expected = 0.0
    for i, y in enumerate(years[:-1]):
        if y >= 2010:
            mx, _ = cohort.mortality_rates(mort, y)
            expected += float((0.5 * (P[i, 0] + P[i + 1, 0]) * mx).sum())
    # SSB registered 30 % more deaths than national rates give, every year 2010–2019
    res = projection.mig.residual_arrays(P, years, mort, fert)
    rows = []
    for i, y in enumerate(years[:-1]):
        if y >= 2010:
            mx, _ = cohort.mortality_rates(mort, y)
            rows.append({"region": "9999", "year": y, "deaths": 1.3 * float((0.5 * (P[i, 0] + P[i + 1, 0]) * mx).sum()),
                         "natural_increase": np.nan, "births": res.births[i, 0]})  # fmt: skip
    comp = pd.DataFrame(rows)
    for prior in (0.0, 100.0):
        s = projection.setup(pop, "9999", mort, fert, components=comp, model=projection.Model(mortality_prior=prior))
        want = (1.3 * expected + prior) / (expected + prior)
        assert s.smr == pytest.approx(want, rel=1e-9)
    assert projection.setup(pop, "9999", mort, fert).smr == 1.0  # no registered deaths: national rates


def test_fertility_factor_is_shrunk_towards_national():
    pop, mort, fert, _ = synthetic_pop(years=range(2005, 2021), region="9999", scale=1.4)
    raw = projection.setup(pop, "9999", mort, fert, model=projection.Model(fertility_prior=0.0))
    shrunk = projection.setup(pop, "9999", mort, fert, model=projection.Model(fertility_prior=1e9))
    assert raw.fertility_scale == pytest.approx(1.4, rel=1e-6)
    assert shrunk.fertility_scale == pytest.approx(1.0, abs=1e-4)
    middle = projection.setup(pop, "9999", mort, fert).fertility_scale
    assert 1.0 < middle < 1.4


def test_nothing_after_the_base_year_is_used():
    M = np.zeros((2, N))
    M[:, 20:30] = 0.5
    pop, mort, fert, _ = synthetic_pop(years=range(2005, 2021), region="9999", migration=M)
    planted = pop.copy()
    future = planted["year"] > 2015
    planted.loc[future, "population"] = planted.loc[future, "population"] * 3  # a future nobody knew in 2015
    comp = pd.DataFrame({"region": ["9999"] * 2, "year": [2016, 2018], "deaths": [9999.0, 9999.0],
                         "natural_increase": [np.nan] * 2})  # fmt: skip
    a = projection.backtest(pop, "9999", mort, fert, start_year=2015)
    b = projection.backtest(planted, "9999", mort, fert, start_year=2015, components=comp)
    pd.testing.assert_series_equal(a["projected"], b["projected"])  # same projection …
    assert (b["observed"] > a["observed"]).all()  # … compared with a different future


def test_the_harness_cuts_the_data_at_the_base_year():
    worlds = []
    for code, seed in (("9001", 1), ("9002", 2), ("90", 3)):
        pop, mort, fert, _ = synthetic_pop(years=range(2005, 2021), region=code, seed=seed)
        worlds.append(pop)
    pop = pd.concat(worlds, ignore_index=True)
    regions = pd.DataFrame(
        {"region": ["9001", "9002", "90"], "type": ["kommune", "kommune", "fylke"], "county": ["90", "90", ""]}
    )
    planted = pop.copy()
    planted.loc[(planted["region"] == "9001") & (planted["year"] == 2019), "population"] *= 5
    a = backtest.run(pop, regions, mort, fert, bases=[2013], end_year=2020)
    b = backtest.run(planted, regions, mort, fert, bases=[2013], end_year=2020)
    pd.testing.assert_series_equal(a["projected"], b["projected"])
    assert set(a["scenario"]) == set(projection.SCENARIOS) and set(a["region"]) == {"9001", "9002"}
    tables = backtest.summarise(a)
    assert {"overall", "horizon", "size"} <= set(tables)
    assert tables["horizon"]["horizon"].max() == 7


def test_a_split_history_is_not_projected():
    from analysis.population.indicators import split_history

    changes = pd.DataFrame(
        {"old_region": ["1507"], "region": ["1580"], "weight": [0.5], "first_year": [2020], "last_year": [2023]}
    )
    assert split_history("1580", changes, pd.Series({2023: 33758, 2024: 9357}))
    assert not split_history("1580", changes, pd.Series({2023: 9400, 2024: 9357}))


def test_the_overview_never_calls_the_target_reached_against_the_latest_years():
    s = gstatus.PopulationStatus(
        region="9999", latest_year=2026, latest=1287, target=1300, target_year=2030,
        history=pd.DataFrame({"year": [2024, 2026], "total": [1361, 1287]}), change={2: (-74, 1361)},
        scenario_total=1310.0,
    )  # fmt: skip
    verdict = gtext.population_verdict(s)
    assert "nås målet" not in verdict and "bare hvis nedgangen snur" in verdict
    assert "falt med 74 (fra 1 361 i 2024)" in verdict
    rising = gstatus.PopulationStatus(**{**s.__dict__, "change": {2: (20, 1267)}})
    assert "og da nås målet" in gtext.population_verdict(rising)


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="no SSB snapshot")
def test_targets_of_the_model_on_the_real_snapshot():
    """The backtest targets (base 2016, 2017–2026): SSB's own projection and the national error."""
    from analysis.population import snapshot

    pop, regions = snapshot.read_population(), snapshot.read_regions()
    bt = backtest.run(
        pop, regions, snapshot.read_mortality(), snapshot.read_fertility(), components=snapshot.read_components(),
        bases=[2016], changes=snapshot.read_region_changes(), scenarios=["model"],
    )  # fmt: skip
    ssb = backtest.official_comparison(bt, snapshot.read_projections(), 2016).set_index("region")
    assert ssb.loc["3425", "model"] < ssb.loc["3425", "SSB"]  # Engerdal: under SSB's 6.2 %
    assert ssb["model"].mean() < ssb["SSB"].mean()  # the six with an SSB 2016 projection
    last = bt[bt["year"] == 2026]
    assert last["pct_error"].abs().median() <= 0.028
    by_size = last.groupby("size_class", observed=True)["pct_error"].median()
    assert by_size.abs().max() <= 0.02


def test_national_rates_are_computed_once_per_table_and_year_and_never_stale():
    """The memo behind mortality_rates/fertility_array gives what a fresh computation gives, read-only,
    and a new or changed table is never answered from another table's memo."""
    _pop, mort, fert, _ = synthetic_pop(years=range(2005, 2021), region="9999")
    first, used = cohort.mortality_rates(mort, 2012)
    again, _ = cohort.mortality_rates(mort, 2012)
    assert again is first and used == 2012  # computed once
    fresh = cohort._mortality_year(mort.copy(), 2012)
    np.testing.assert_array_equal(first, fresh)
    with pytest.raises(ValueError):
        first[0, 0] = 1.0  # shared: nobody may change it in place
    assert cohort.mortality_rates(mort, 2100)[1] == int(mort["year"].max())  # held at the last year
    changed = mort.assign(death_rate=mort["death_rate"] * 2)
    np.testing.assert_array_equal(
        cohort.mortality_rates(changed, 2012)[0], cohort._mortality_year(changed.copy(), 2012)
    )
    assert not np.array_equal(cohort.mortality_rates(changed, 2012)[0], first)
    shorter = mort[mort["year"] < 2012]
    assert cohort.mortality_rates(shorter, 2012)[1] == 2011
    f1, _ = cohort.fertility_array(fert, 2012)
    np.testing.assert_array_equal(f1, cohort._fertility_year(fert.copy(), 2012))
    with pytest.raises(cohort.AnalysisError, match="empty"):
        cohort.mortality_rates(mort.iloc[:0], 2012)
