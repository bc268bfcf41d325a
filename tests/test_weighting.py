"""Tests for analysis.weighting: raking, effective sample size, weighted estimates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError
from analysis.weighting import (
    Z95,
    Calibration,
    design_effect,
    effective_sample_size,
    poststratify_weights,
    rake_weights,
    weighted_mean,
    weighted_share,
    wilson_interval,
)


def _sample(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [{"sex": s, "band": b} for (s, b), k in counts.items() for _ in range(k)]
    return pd.DataFrame(rows)


def test_hand_computed_two_variable_example():
    # Sample: sex x band counts [[20, 30], [10, 40]]; targets sex f=60 m=40, band a=50 b=50.
    # Raking preserves the sample's odds ratio (20*40)/(30*10) = 8/3, so the fitted cell x = m(f,a)
    # solves x(x-10) / ((60-x)(50-x)) = 8/3  <=>  x^2 - 170x + 4800 = 0  =>  x = (170 - sqrt(9700)) / 2.
    sample = _sample({("f", "a"): 20, ("f", "b"): 30, ("m", "a"): 10, ("m", "b"): 40})
    res = rake_weights(sample, {"sex": {"f": 60, "m": 40}, "band": {"a": 50, "b": 50}})
    x = (170 - math.sqrt(9700)) / 2
    expected = {("f", "a"): x, ("f", "b"): 60 - x, ("m", "a"): 50 - x, ("m", "b"): x - 10}
    fitted = sample.assign(w=res.weights).groupby(["sex", "band"])["w"].sum()
    for cell, value in expected.items():
        assert fitted[cell] == pytest.approx(value, abs=1e-8)
    assert res.converged
    # first half-step by hand: sex adjustment alone gives f: 60/50 = 1.2, m: 40/50 = 0.8
    one = rake_weights(sample, {"sex": {"f": 60, "m": 40}})
    assert sorted(set(np.round(one.weights, 12))) == [0.8, 1.2]


def test_doctest_style_exact_solution():
    s = pd.DataFrame({"sex": ["f", "f", "m"], "band": ["a", "b", "a"]})
    r = rake_weights(s, {"sex": {"f": 60, "m": 40}, "band": {"a": 50, "b": 50}})
    np.testing.assert_allclose(r.weights.to_numpy(), [10, 50, 40], atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 4),
    st.integers(2, 5),
    st.integers(0, 2**31 - 1),
)
def test_raking_reproduces_known_margins_exactly(n_sex, n_band, seed):
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 30, size=(n_sex, n_band))
    sample = _sample({(f"s{i}", f"b{j}"): int(counts[i, j]) for i in range(n_sex) for j in range(n_band)})
    total = 1000.0
    sex_t = rng.dirichlet(np.ones(n_sex)) * total
    band_t = rng.dirichlet(np.ones(n_band)) * total
    margins = {"sex": {f"s{i}": sex_t[i] for i in range(n_sex)}, "band": {f"b{j}": band_t[j] for j in range(n_band)}}
    base = rng.uniform(0.5, 2.0, len(sample))
    res = rake_weights(sample, margins, base_weights=base)
    assert res.converged
    w = sample.assign(w=res.weights)
    for var, targets in margins.items():
        got = w.groupby(var)["w"].sum()
        for cat, t in targets.items():
            assert got[cat] == pytest.approx(t, rel=1e-9)
    assert (res.weights > 0).all()
    assert list(res.weights.index) == list(sample.index)


def _naive_ipf(rows: list[tuple[str, str]], sex_t: dict, band_t: dict, iters: int = 500) -> list[float]:
    """Independent pure-Python IPF (cell totals, no numpy) for cross-checking."""
    cells: dict[tuple[str, str], int] = {}
    for r in rows:
        cells[r] = cells.get(r, 0) + 1
    fit = {c: float(k) for c, k in cells.items()}
    for _ in range(iters):
        for s, t in sex_t.items():
            cur = sum(v for (cs, _b), v in fit.items() if cs == s)
            for c in fit:
                if c[0] == s:
                    fit[c] *= t / cur
        for b, t in band_t.items():
            cur = sum(v for (_s, cb), v in fit.items() if cb == b)
            for c in fit:
                if c[1] == b:
                    fit[c] *= t / cur
    return [fit[r] / cells[r] for r in rows]


def test_matches_independent_pure_python_ipf():
    rng = np.random.default_rng(7)
    sexes = rng.choice(["female", "male"], size=150, p=[0.6, 0.4])
    bands = rng.choice(["18–24", "25–29", "30–34", "35–40"], size=150, p=[0.15, 0.25, 0.3, 0.3])
    sample = pd.DataFrame({"sex": sexes, "band": bands})
    sex_t = {"female": 126.0, "male": 155.0}
    band_t = {"18–24": 92.0, "25–29": 61.0, "30–34": 51.0, "35–40": 77.0}
    res = rake_weights(sample, {"sex": sex_t, "band": band_t})
    naive = _naive_ipf(list(zip(sexes, bands)), sex_t, band_t)
    np.testing.assert_allclose(res.weights.to_numpy(), naive, rtol=1e-8)
    # the weighted mean of any variable then agrees with a hand-rolled computation
    y = rng.integers(1, 6, size=150).astype(float)
    est = weighted_mean(y, res.weights)["estimate"]
    assert est == pytest.approx(sum(a * b for a, b in zip(naive, y)) / sum(naive), rel=1e-9)


def test_rake_errors_are_clear():
    s = pd.DataFrame({"sex": ["f", "m", "x"]})
    with pytest.raises(AnalysisError, match="without population figures: x"):
        rake_weights(s, {"sex": {"f": 1, "m": 1}})
    s = pd.DataFrame({"sex": ["f", "f"], "band": ["a", "a"]})
    with pytest.raises(AnalysisError, match="no respondents in m"):
        rake_weights(s, {"sex": {"f": 1, "m": 1}, "band": {"a": 2}})
    with pytest.raises(AnalysisError, match="same total"):
        rake_weights(s, {"sex": {"f": 10}, "band": {"a": 20}})
    with pytest.raises(AnalysisError, match="no such column"):
        rake_weights(s, {"age": {"1": 1}})
    with pytest.raises(AnalysisError, match="empty"):
        rake_weights(s.iloc[:0], {"sex": {"f": 1}})


def test_effective_sample_size_and_design_effect():
    assert effective_sample_size([1, 1, 1, 1]) == 4
    assert effective_sample_size([1, 1, 3, 3]) == pytest.approx(64 / 20)
    assert design_effect([1, 1, 3, 3]) == pytest.approx(1.25)
    w = np.array([0.5, 1.0, 2.0, 4.0])
    cv2 = w.var() / w.mean() ** 2  # Kish: deff = 1 + CV^2 (population variance)
    assert design_effect(w) == pytest.approx(1 + cv2)
    assert effective_sample_size([np.nan, 2, 2]) == 2


def test_weighted_mean_against_independent_formula_and_jackknife():
    rng = np.random.default_rng(3)
    y = rng.integers(1, 6, size=400).astype(float)
    w = rng.uniform(0.5, 3.0, size=400)
    r = weighted_mean(y, w)
    mean = sum(a * b for a, b in zip(w, y)) / sum(w)
    assert r["estimate"] == pytest.approx(mean, rel=1e-12)
    # linearisation by hand
    n = len(y)
    var = n / (n - 1) * sum((wi * (yi - mean)) ** 2 for wi, yi in zip(w, y)) / sum(w) ** 2
    assert r["se"] == pytest.approx(math.sqrt(var), rel=1e-12)
    # delete-one jackknife: an independent variance estimator that agrees for large n
    loo = [(np.dot(w, y) - w[i] * y[i]) / (w.sum() - w[i]) for i in range(n)]
    jk = (n - 1) / n * sum((v - np.mean(loo)) ** 2 for v in loo)
    assert r["se"] == pytest.approx(math.sqrt(jk), rel=0.02)
    assert r["lower"] == pytest.approx(mean - Z95 * r["se"])
    assert r["upper"] == pytest.approx(mean + Z95 * r["se"])
    assert r["n"] == 400


def test_weighted_mean_missing_and_bounds():
    r = weighted_mean(pd.Series([5, 5, np.nan, 4]), pd.Series([1, 1, 1, np.nan]), bounds=(1, 5))
    assert r["n"] == 2 and r["estimate"] == 5 and r["upper"] <= 5
    empty = weighted_mean([np.nan], [1])
    assert empty["n"] == 0 and math.isnan(empty["estimate"])
    one = weighted_mean([3], [2])
    assert one["estimate"] == 3 and math.isnan(one["se"])


def test_wilson_matches_textbook_formula():
    # unweighted Wilson interval for 15 of 50 (p = 0.3): 0.1910 to 0.4375 (standard tables)
    lo, hi = wilson_interval(0.3, 50)
    assert lo == pytest.approx(0.1910, abs=1e-4) and hi == pytest.approx(0.4375, abs=1e-4)
    lo, hi = wilson_interval(0.0, 10)
    assert lo == 0.0 and 0 < hi < 0.35


def test_weighted_share_uses_effective_n():
    w = np.r_[np.ones(50), np.full(50, 3.0)]
    x = np.r_[np.ones(30), np.zeros(20), np.ones(10), np.zeros(40)]
    r = weighted_share(x, w)
    assert r["estimate"] == pytest.approx((30 + 30) / (50 + 150))
    assert r["n_eff"] == pytest.approx(effective_sample_size(w))
    lo, hi = wilson_interval(r["estimate"], r["n_eff"])
    assert (r["lower"], r["upper"]) == (lo, hi)
    assert 0 <= r["lower"] < r["estimate"] < r["upper"] <= 1


# --------------------------------------------------------------------------- calibration-aware standard errors


def _survey_like(seed: int = 7, n: int = 300):
    """A sample where the answer depends on age band and sex and response rates differ by cell."""
    rng = np.random.default_rng(seed)
    bands = np.array(["18–24", "25–29", "30–34", "35–40"])
    band = rng.choice(bands, n, p=[0.15, 0.2, 0.3, 0.35])
    sex = rng.choice(["female", "male"], n, p=[0.6, 0.4])
    y = 2.0 + 0.5 * np.searchsorted(bands, band) + 0.9 * (sex == "female") + rng.normal(0, 0.8, n)
    pop = {
        f"{b}|{s}": float(v)
        for (b, s), v in zip([(b, s) for b in bands for s in ("female", "male")], rng.integers(20, 60, 8))
    }
    return band, sex, y, pop


def _margins(pop: dict[str, float]):
    band_t, sex_t = {}, {}
    for cell, v in pop.items():
        b, s = cell.split("|")
        band_t[b] = band_t.get(b, 0) + v
        sex_t[s] = sex_t.get(s, 0) + v
    return band_t, sex_t


def test_poststratified_se_equals_the_closed_form_and_is_near_the_textbook_formula():
    band, sex, y, pop = _survey_like()
    cells = np.char.add(np.char.add(band, "|"), sex)
    w = poststratify_weights(cells, pop)
    r = weighted_mean(y, w, calibration=Calibration("poststratified", (cells,)))
    n, big_n = len(y), sum(pop.values())
    # Linearisation of the post-stratified mean Σ_h (N_h/N) ȳ_h, written out cell by cell:
    # var = n/(n−1) · Σ_h (N_h/N)² · Σ_{i∈h} (y_i − ȳ_h)² / n_h²  (what R's survey computes)
    closed = 0.0
    textbook = 0.0  # Cochran/Lohr: Σ_h W_h² s_h² / n_h (no finite-population correction)
    for cell, big in pop.items():
        yh = y[cells == cell]
        closed += (big / big_n) ** 2 * ((yh - yh.mean()) ** 2).sum() / len(yh) ** 2
        textbook += (big / big_n) ** 2 * yh.var(ddof=1) / len(yh)
    closed *= n / (n - 1)
    assert r["estimate"] == pytest.approx(sum(pop[c] * y[cells == c].mean() for c in pop) / big_n)
    assert r["se"] == pytest.approx(math.sqrt(closed), rel=1e-12)
    assert r["se"] == pytest.approx(math.sqrt(textbook), rel=0.05)
    naive = weighted_mean(y, w)["se"]
    assert r["se"] < 0.9 * naive  # calibration removes the variance age and sex explain


def _jackknife_raked_se(band, sex, y, band_t, sex_t, domain=None) -> float:
    """Delete-one jackknife: drop each respondent, rake the rest again to the same totals, re-estimate."""
    n = len(y)
    domain = np.ones(n, bool) if domain is None else domain
    frame = pd.DataFrame({"band": band, "sex": sex})
    estimates = []
    for i in range(n):
        keep = np.arange(n) != i
        w = rake_weights(frame[keep], {"band": band_t, "sex": sex_t}).weights.to_numpy()
        d = domain[keep]
        estimates.append(np.sum(w[d] * y[keep][d]) / np.sum(w[d]))
    est = np.array(estimates)
    return float(np.sqrt((n - 1) / n * ((est - est.mean()) ** 2).sum()))


def _r_survey_raking_se(band, sex, y, w, domain) -> float:
    """R survey's svyrecvar for a raked design, transcribed: subtract margin means of x/w in turn, to convergence."""
    est = np.sum(w[domain] * y[domain]) / np.sum(w[domain])
    x = np.where(domain, w * (y - est) / np.sum(w[domain]), 0.0)
    for _ in range(500):
        for margin in (band, sex):
            ratio = pd.Series(x / w)
            x = x - w * ratio.groupby(margin).transform("mean").to_numpy()
    n = len(y)
    return float(np.sqrt(n / (n - 1) * ((x - x.mean()) ** 2).sum()))


def test_raked_se_matches_a_recalibrating_jackknife_and_rs_algorithm():
    band, sex, y, pop = _survey_like(seed=3, n=240)
    band_t, sex_t = _margins(pop)
    w = rake_weights(pd.DataFrame({"band": band, "sex": sex}), {"band": band_t, "sex": sex_t}).weights.to_numpy()
    cal = Calibration("raked", (band, sex))
    women = sex == "female"
    for domain in (None, women):
        r = weighted_mean(y, w, calibration=cal, domain=domain)
        d = np.ones(len(y), bool) if domain is None else domain
        assert r["se"] == pytest.approx(_r_survey_raking_se(band, sex, y, w, d), rel=1e-8)
        assert r["se"] == pytest.approx(_jackknife_raked_se(band, sex, y, band_t, sex_t, domain), rel=0.08)
    overall = weighted_mean(y, w, calibration=cal)
    assert overall["se"] < 0.9 * weighted_mean(y, w)["se"]


def test_calibrated_share_interval_and_unweighted_fallback():
    band, sex, y, pop = _survey_like(seed=11)
    cells = np.char.add(np.char.add(band, "|"), sex)
    w = poststratify_weights(cells, pop)
    high = (y > 3.5).astype(float)
    share = weighted_share(high, w, calibration=Calibration("poststratified", (cells,)))
    p, se = share["estimate"], share["se"]
    assert share["n_eff"] == pytest.approx(p * (1 - p) / se**2)
    assert share["lower"] < p < share["upper"]
    with pytest.raises(AnalysisError, match="whole calibrated sample"):
        weighted_mean(y[:10], w[:10], calibration=Calibration("poststratified", (cells,)))
    with pytest.raises(AnalysisError, match="no respondents"):
        poststratify_weights(["a"], {"a": 1, "b": 2})
