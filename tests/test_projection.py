"""Tests for analysis.population.projection (and .cohort): known arithmetic, stationarity, the gap solver and the backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _ssb_helpers import gompertz_mx, synthetic_pop
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis.errors import AnalysisError
from analysis.population import cohort
from analysis.population import projection as pj
from analysis.population import text as ptext
from conftest import ssb_snapshot_dir

N = cohort.N_AGES


def test_life_table_conversion_matches_hand_formula():
    mx = np.full(N, 0.02)
    lt = cohort.life_table(mx)
    assert lt.qx[1] == pytest.approx(0.02 / 1.01)
    assert lt.qx[0] == pytest.approx(0.02 / (1 + 0.9 * 0.02))
    assert lt.qx[-1] == 1.0
    assert lt.lx[0] == 1.0
    assert lt.lx[2] == pytest.approx((1 - lt.qx[0]) * (1 - lt.qx[1]))
    # Constant hazard: life expectancy close to 1/m.
    assert lt.e0 == pytest.approx(50, rel=0.02)


def test_one_year_of_a_hand_built_population_matches_hand_computation():
    P = np.zeros((2, N))
    P[0, 20], P[0, 21], P[1, 20] = 100, 50, 80
    S = np.stack([np.full(N, 0.9), np.full(N, 0.8)])
    f = np.zeros(N)
    f[20] = f[21] = 0.1
    rates = cohort.constant_rates(S, np.array([0.99, 0.98]), f)
    M = np.zeros((2, N))
    M[0, 21], M[1, 0] = 10, 1
    out = cohort.project(P, rates, 1, M, male_share=0.5)
    nxt = out[1]
    # survivors: women 21 = 0.9*100 + 10 migrants, women 22 = 0.9*50, men 21 = 0.8*80
    assert nxt[0, 21] == pytest.approx(100)
    assert nxt[0, 22] == pytest.approx(45)
    assert nxt[1, 21] == pytest.approx(64)
    # births: 0.1*(100+0)/2 + 0.1*(50+100)/2 = 12.5; half girls surviving 0.99, boys 0.98, +1 migrant boy
    assert nxt[0, 0] == pytest.approx(12.5 * 0.5 * 0.99)
    assert nxt[1, 0] == pytest.approx(12.5 * 0.5 * 0.98 + 1)
    assert nxt.sum() == pytest.approx(222.3125)
    assert np.array_equal(out[0], P)


def test_stationary_population_stays_stationary_with_replacement_fertility_and_no_migration():
    mx = np.stack([gompertz_mx(3.5e-5), gompertz_mx(6e-5)])
    lt = cohort.life_table(mx)
    S, Sb = cohort.survival_ratios(mx)
    s = cohort.MALE_SHARE_AT_BIRTH
    ages = np.arange(N)
    f = np.where((ages >= 15) & (ages <= 49), np.exp(-(((ages - 30) / 6.0) ** 2)), 0.0)
    nrr = (1 - s) * (f * lt.Lx[0]).sum()  # net reproduction rate, radix l(0) = 1
    f = f / nrr  # replacement: NRR = 1
    births_per_year = 1000.0
    P = np.stack([(1 - s) * births_per_year * lt.Lx[0], s * births_per_year * lt.Lx[1]])
    P[:, -1] = np.array([1 - s, s]) * births_per_year * lt.Tx[:, -1]
    out = cohort.project(P, cohort.constant_rates(S, Sb, f), 50)
    np.testing.assert_allclose(out[-1], P, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(out.sum(axis=(1, 2)), P.sum(), rtol=1e-10)


def test_many_regions_at_once_equal_one_by_one():
    rng = np.random.default_rng(5)
    P = rng.uniform(0, 50, size=(4, 2, N))
    M = rng.normal(0, 1, size=(4, 2, N))
    mx = np.stack([gompertz_mx(3.5e-5), gompertz_mx(6e-5)])
    S, Sb = cohort.survival_ratios(mx)
    f = np.where((np.arange(N) >= 15) & (np.arange(N) <= 49), 0.05, 0.0)
    rates = cohort.constant_rates(S, Sb, f)
    together = cohort.project(P, rates, 10, M, fertility_scale=np.array([1.0, 0.9, 1.1, 1.0]))
    for r, scale in enumerate([1.0, 0.9, 1.1, 1.0]):
        alone = cohort.project(P[r], rates, 10, M[r], fertility_scale=scale)
        np.testing.assert_allclose(together[:, r], alone)


@settings(max_examples=40, deadline=None)
@given(
    P=arrays(np.float64, (2, N), elements=st.floats(0, 1000)),
    surv=st.floats(0.5, 1.0),
)
def test_without_births_and_migration_the_population_never_grows(P, surv):
    rates = cohort.constant_rates(np.full((2, N), surv), np.ones(2), np.zeros(N))
    out = cohort.project(P, rates, 5)
    totals = out.sum(axis=(1, 2))
    assert np.all(np.diff(totals) <= 1e-9 * max(1.0, totals[0]))
    assert np.all(out >= 0)


def test_population_array_roundtrip_and_105_plus():
    frame = pd.DataFrame(
        {
            "region": ["1", "1", "2"],
            "year": [2020, 2020, 2021],
            "sex": ["female", "male", "male"],
            "age": [3, 107, 0],
            "population": [5, 2, 7],
        }
    )
    arr = cohort.population_array(frame, ["1", "2"], [2020, 2021])
    assert arr.shape == (2, 2, 2, N)
    assert arr[0, 0, 0, 3] == 5 and arr[0, 0, 1, 105] == 2 and arr[1, 1, 1, 0] == 7
    back = cohort.array_to_frame(arr, ["1", "2"], [2020, 2021])
    assert back["population"].sum() == 14
    assert set(back.columns) == {"region", "year", "sex", "age", "population"}


def test_setup_scenarios_and_required_migration_reaches_the_target():
    M = np.zeros((2, N))
    M[:, 20:35] = 0.4
    M[:, 60:70] = -0.1
    pop, mort, fert, arr = synthetic_pop(migration=M)
    s = pj.setup(pop, "9999", mort, fert)
    assert s.base_year == 2020
    assert s.fertility_scale == pytest.approx(1.0)
    np.testing.assert_allclose(s.profiles["last5"][:, 1:], M[:, 1:], atol=1e-8)
    sc = pj.scenarios(s, 2030)
    assert set(sc["scenario"]) == {"model", "none", "constant", "last5", "last10"}
    assert sc[sc["year"] == 2020]["total"].nunique() == 1
    target = float(arr[-1].sum()) + 100
    req = pj.required_net_migration(s, target=target, target_year=2025, profile="last5")
    assert req.reached >= target - 1e-4
    assert req.per_year > 0
    # one person fewer per year misses the target
    shape, _ = pj.movers_shape(s.profiles["last5"])
    short = pj.run(s, (req.per_year - 1) * shape, 2025)[-1].sum()
    assert short < target
    # women 20-39 are their share of the profile
    assert req.women_20_39 == pytest.approx(req.per_year * shape[0, 20:40].sum())
    assert "innbyggere 1.1.2025" in ptext.requirement_sentence(
        req
    ) and "kvinner 20–39 år" in ptext.requirement_sentence(req)


def test_movers_shape_falls_back_when_net_migration_is_negative():
    prof = np.zeros((2, N))
    prof[0, 25], prof[1, 25] = 2, -5
    shape, rule = pj.movers_shape(prof)
    assert rule == "gains" and shape.sum() == pytest.approx(1) and shape[0, 25] == 1
    shape, rule = pj.movers_shape(np.zeros((2, N)))
    assert rule == "flat" and shape.sum() == pytest.approx(1)


def test_backtest_on_a_model_world_is_exact():
    M = np.zeros((2, N))
    M[:, 20:30] = 0.5
    pop, mort, fert, _ = synthetic_pop(years=range(2005, 2021), migration=M)
    # hold rates fixed in the world too, so the model knows everything
    bt = pj.backtest(pop, "9999", mort, fert, start_year=2015)
    assert set(bt["year"]) == set(range(2016, 2021))
    summary = pj.backtest_summary(bt)
    assert set(summary["scenario"]) == {"model", "none", "constant", "last5", "last10"}
    # With a steady migration profile, the migration scenarios are close (rates drift 1 % a year).
    last5 = summary.set_index("scenario").loc["last5"]
    assert abs(last5["pct_error_last"]) < 0.01


def test_errors_are_analysis_errors():
    pop, mort, fert, _ = synthetic_pop()
    with pytest.raises(AnalysisError):
        pj.setup(pop, "0000", mort, fert)
    s = pj.setup(pop, "9999", mort, fert)
    with pytest.raises(AnalysisError):
        pj.required_net_migration(s, target=1000, target_year=2019)
    with pytest.raises(AnalysisError):
        pj.required_net_migration(s, target=1000, target_year=2030, profile="nope")


SSB = ssb_snapshot_dir()
needs_snapshot = pytest.mark.skipif(SSB is None, reason="no SSB snapshot (data/raw/ssb or ANALYSIS_SSB_DIR)")


@needs_snapshot
def test_engerdal_key_number_and_backtest_from_the_real_snapshot():
    from analysis.population import snapshot

    pop = snapshot.read_population(regions=["3425"])
    mort, fert = snapshot.read_mortality(), snapshot.read_fertility()
    s = pj.setup(pop, "3425", mort, fert)
    assert s.base_year >= 2026
    assert s.base.sum() == pop[pop["year"] == s.base_year]["population"].sum()
    req = pj.required_net_migration(s, target=1300, target_year=2030)
    assert req.reached >= 1300 - 1e-3
    assert req.without < 1300  # without migration Engerdal shrinks
    assert 0 < req.per_year < 100
    bt = pj.backtest(pop, "3425", mort, fert, start_year=2015)
    assert bt["year"].max() == 2026
    assert bt["pct_error"].abs().max() < 0.25


@needs_snapshot
def test_national_projection_without_migration_is_plausible():
    from analysis.population import snapshot

    pop = snapshot.read_population(regions=["0"])
    s = pj.setup(pop, "0", snapshot.read_mortality(), snapshot.read_fertility(), base_year=2022, fertility_scale=1.0)
    arr = pj.run(s, None, 2023)
    # Norway 2022 -> 2023 without migration: natural increase is small (births ~ deaths).
    change = arr[-1].sum() - arr[0].sum()
    assert abs(change) < 15000


def test_requirement_sentences_in_norwegian():
    def req(n, w, without=1200.0):
        return pj.Requirement(
            per_year=n,
            women_20_39=w,
            target=1300,
            target_year=2030,
            base_year=2026,
            reached=1300,
            without=without,
            profile_source="last5:observed",
        )

    assert ptext.requirement_sentence(req(12.3, 0.8)) == (
        "For å nå minst 1 300 innbyggere 1.1.2030 trengs netto innflytting på om lag 13 personer per år, "
        "hvorav om lag 1 kvinne 20–39 år."
    )
    assert req(12.3, 0.8).persons_per_year == 13 and req(12.3, 4.1).women_per_year == 4
    assert "nesten ingen" in ptext.requirement_sentence(req(20, 0.1))
    assert "flytter fortsatt netto om lag 3 kvinner" in ptext.requirement_sentence(req(20, -3.2))
    assert "også uten innflytting" in ptext.requirement_sentence(req(-4, -1, without=1320))


@needs_snapshot
def test_gap_to_target_one_call_for_the_goals_overview():
    req = pj.gap_to_target("3425", target=1300, target_year=2030)
    assert req.persons_per_year >= 1 and req.reached >= 1300 - 1e-3
    assert ptext.requirement_sentence(req).startswith("For å nå minst 1 300 innbyggere 1.1.2030")
