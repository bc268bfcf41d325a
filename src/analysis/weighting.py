"""Survey weighting: post-stratification, raking, and weighted estimates with calibration-aware 95 % CIs.

Weights
    * :func:`poststratify_weights` — every respondent in a cell (e.g. age band ×
      sex) gets ``population of the cell / respondents in the cell``, so the
      weighted sample matches the population in every cell, jointly.
    * :func:`rake_weights` — iterative proportional fitting: the weighted sample
      matches the population totals of each variable separately (used when some
      cell has too few respondents to post-stratify). Vectorised numpy
      (``np.bincount`` per margin per iteration).

Estimates
    * :func:`weighted_mean` — ratio estimator ``Σwy / Σw``. Its standard error is
      the Taylor linearisation of a calibrated estimator (Deville & Särndal 1992;
      what R's ``survey`` package computes for ``postStratify``/``rake``/
      ``calibrate`` designs): with ``u_i = (y_i − ȳ)/Σw`` for the respondents of
      the estimate (0 for the others), ``e`` = the residuals of ``u`` regressed by
      ordinary least squares on the calibration cells' indicators over the whole
      calibrated sample (base weights are 1), ``x_i = w_i e_i`` and
      ``se² = n/(n−1) · Σ (x_i − x̄)²``. Calibration removes the part of the
      variance that age and sex explain, so these intervals are narrower than the
      naive ``√(n/(n−1)·Σw²(y−ȳ)²)/Σw`` (still used without a :class:`Calibration`).
      Subgroups (women, an age band) are domains of the whole sample, as in R.
    * :func:`weighted_share` — the same estimate for a 0/1 indicator, with a
      Wilson 95 % interval on the effective sample size implied by that standard
      error (``p(1−p)/se²``), which keeps the interval inside 0–1.

They treat respondents as independent draws within the weighting cells, ignore
the finite-population correction (conservative where a large share of the
population answered) and cannot correct for self-selection beyond age and sex.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError

Z95 = 1.959963984540054


@dataclass(frozen=True)
class RakeResult:
    """Weights and diagnostics from :func:`rake_weights`."""

    weights: pd.Series
    iterations: int
    converged: bool
    max_error: float

    @property
    def effective_n(self) -> float:
        return effective_sample_size(self.weights)

    @property
    def design_effect(self) -> float:
        return design_effect(self.weights)


def rake_weights(
    sample: pd.DataFrame,
    margins: Mapping[str, Mapping[object, float]],
    *,
    base_weights: pd.Series | np.ndarray | None = None,
    max_iter: int = 200,
    tol: float = 1e-10,
) -> RakeResult:
    """Rake ``sample`` so its weighted totals match ``margins`` on every variable.

    ``margins`` maps a column of ``sample`` to ``{category: population total}``.
    Every respondent must have a category listed in each margin, and every
    listed category with a positive total must have respondents (collapse
    categories first otherwise). All margins should sum to the same
    population total. Starts from ``base_weights`` (default 1) and scales
    weights margin by margin until the largest relative deviation from a
    target is below ``tol``. Returns a :class:`RakeResult` whose ``weights``
    Series has ``sample``'s index. Does not mutate ``sample``.

    >>> import pandas as pd
    >>> s = pd.DataFrame({"sex": ["f", "f", "m"], "band": ["a", "b", "a"]})
    >>> r = rake_weights(s, {"sex": {"f": 60, "m": 40}, "band": {"a": 50, "b": 50}})
    >>> [round(w, 6) for w in r.weights]
    [10.0, 50.0, 40.0]
    """

    n = len(sample)
    if n == 0:
        raise AnalysisError("cannot weight an empty sample")
    w = np.ones(n) if base_weights is None else np.asarray(base_weights, dtype=float).copy()
    if w.shape != (n,) or not np.isfinite(w).all() or (w <= 0).any():
        raise AnalysisError("base weights must be positive numbers, one per respondent")
    coded = []
    totals = []
    for var, targets in margins.items():
        if var not in sample.columns:
            raise AnalysisError(f"cannot weight on '{var}': the sample has no such column")
        cats = list(targets.keys())
        target = np.asarray([float(targets[c]) for c in cats])
        if (target < 0).any() or not np.isfinite(target).all():
            raise AnalysisError(f"population totals for '{var}' must be non-negative numbers")
        lookup = {c: i for i, c in enumerate(cats)}
        col = sample[var]
        codes = np.fromiter((lookup.get(v, -1) for v in col.to_numpy(dtype=object)), dtype=np.int64, count=n)
        if (codes < 0).any():
            bad = sorted({str(v) for v in col[codes < 0].unique()})
            raise AnalysisError(
                f"cannot weight on '{var}': respondents in categories without population figures: {', '.join(bad)}"
            )
        present = np.bincount(codes, minlength=len(cats))
        empty = [str(c) for c, k, t in zip(cats, present, target) if k == 0 and t > 0]
        if empty:
            raise AnalysisError(
                f"cannot weight on '{var}': no respondents in {', '.join(empty)} (merge it with a neighbouring group)"
            )
        coded.append(codes)
        totals.append(target)
    grand = [t.sum() for t in totals]
    if max(grand) - min(grand) > 1e-6 * max(grand):
        raise AnalysisError("the population totals of the weighting variables do not add up to the same total")

    converged, err, iterations = False, np.inf, 0
    while iterations < max_iter:
        iterations += 1
        for codes, target in zip(coded, totals):
            current = np.bincount(codes, weights=w, minlength=len(target))
            factor = np.divide(target, current, out=np.zeros_like(target), where=current > 0)
            w *= factor[codes]
        err = max(
            float(np.max(np.abs(np.bincount(c, weights=w, minlength=len(t)) - t) / np.maximum(t, 1e-12)))
            for c, t in zip(coded, totals)
        )
        if err < tol:
            converged = True
            break

    return RakeResult(pd.Series(w, index=sample.index, name="weight"), iterations, converged, err)


def poststratify_weights(cells: pd.Series | np.ndarray, targets: Mapping[object, float]) -> np.ndarray:
    """Post-stratification weights: ``targets[cell] / (respondents in the cell)`` for each respondent.

    Every respondent's cell must have a target and every target > 0 must have
    respondents (``AnalysisError`` otherwise). The weights of a cell add up to its target.

    >>> poststratify_weights(["a", "a", "b"], {"a": 10, "b": 5}).tolist()
    [5.0, 5.0, 5.0]
    """
    cells = np.asarray(cells, dtype=object)
    cats = list(targets)
    lookup = {c: i for i, c in enumerate(cats)}
    codes = np.fromiter((lookup.get(c, -1) for c in cells), dtype=np.int64, count=len(cells))
    if (codes < 0).any():
        bad = sorted({str(c) for c in cells[codes < 0]})
        raise AnalysisError(f"cannot post-stratify: respondents in cells without population figures: {', '.join(bad)}")
    target = np.asarray([float(targets[c]) for c in cats])
    counts = np.bincount(codes, minlength=len(cats))
    empty = [str(c) for c, k, t in zip(cats, counts, target) if k == 0 and t > 0]
    if empty:
        raise AnalysisError(f"cannot post-stratify: no respondents in {', '.join(empty)}")
    return target[codes] / counts[codes]


@dataclass(frozen=True)
class Calibration:
    """How weights were calibrated, for standard errors that account for it.

    ``method`` is ``"poststratified"`` (one variable: the cells) or ``"raked"``
    (one variable per margin); ``variables`` holds one array of category labels per
    variable, one entry per respondent of the calibrated sample, in the order the
    estimates' arrays use.
    """

    method: str
    variables: tuple[np.ndarray, ...]

    @property
    def n(self) -> int:
        return len(self.variables[0]) if self.variables else 0

    def design(self) -> np.ndarray:
        """The indicator (dummy) matrix of every category of every variable (n × categories)."""
        blocks = []
        for var in self.variables:
            codes, uniques = pd.factorize(np.asarray(var, dtype=object))
            block = np.zeros((len(codes), len(uniques)))
            block[np.arange(len(codes)), codes] = 1.0
            blocks.append(block)
        return np.hstack(blocks)

    def residuals(self, u: np.ndarray) -> np.ndarray:
        """``u`` minus its least-squares projection on the calibration variables' indicators."""
        u = np.asarray(u, dtype=float)
        if len(self.variables) == 1:  # post-stratification: subtract the cell means
            codes, _ = pd.factorize(np.asarray(self.variables[0], dtype=object))
            means = np.bincount(codes, weights=u) / np.bincount(codes)
            return u - means[codes]
        x = self.design()
        beta, *_ = np.linalg.lstsq(x, u, rcond=None)
        return u - x @ beta


def linearised_se(u: np.ndarray, weights: np.ndarray, calibration: Calibration | None = None) -> float:
    """Standard error of an estimate whose linearised variable is ``weights × u`` (with-replacement formula).

    With a :class:`Calibration`, ``u`` is first replaced by its residuals on the
    calibration variables, so the variance the weighting explains is removed.
    """
    u = np.asarray(u, dtype=float)
    w = np.asarray(weights, dtype=float)
    n = len(u)
    if n < 2:
        return float("nan")
    e = calibration.residuals(u) if calibration is not None else u
    x = w * e
    return float(np.sqrt(n / (n - 1) * ((x - x.mean()) ** 2).sum()))


def effective_sample_size(weights: pd.Series | np.ndarray) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` (missing weights ignored).

    >>> effective_sample_size([1, 1, 1, 1])
    4.0
    """

    w = np.asarray(weights, dtype=float)
    w = w[np.isfinite(w)]
    if len(w) == 0 or (w**2).sum() == 0:
        return 0.0
    return float(w.sum() ** 2 / (w**2).sum())


def design_effect(weights: pd.Series | np.ndarray) -> float:
    """Kish's design effect of unequal weights, ``n / n_eff = 1 + CV²``.

    >>> design_effect([1, 1, 3, 3])
    1.25
    """

    w = np.asarray(weights, dtype=float)
    w = w[np.isfinite(w)]
    ess = effective_sample_size(w)
    return float(len(w) / ess) if ess else float("nan")


def _clean_pair(values, weights) -> tuple[np.ndarray, np.ndarray]:

    y = np.asarray(values, dtype=float)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    ok = np.isfinite(y) & np.isfinite(w) & (w > 0)
    return y[ok], w[ok]


def weighted_mean(
    values: pd.Series | np.ndarray,
    weights: pd.Series | np.ndarray | None = None,
    *,
    bounds: tuple[float, float] | None = None,
    calibration: Calibration | None = None,
    domain: pd.Series | np.ndarray | None = None,
) -> dict[str, float]:
    """Weighted mean with a linearised 95 % CI; missing values and weights are left out.

    Returns ``{"estimate", "se", "lower", "upper", "n", "n_eff"}`` (``n`` =
    respondents with an answer). With fewer than 2 answers the SE and CI are
    NaN. ``bounds`` clips the CI to a scale, e.g. ``(1, 5)``. ``domain``
    (booleans) restricts the estimate to a subgroup. With ``calibration`` the
    arrays cover the whole calibrated sample (one entry per respondent, in its
    order) and the SE accounts for the calibration (module docstring); without
    it the naive SE of fixed weights is used on the subgroup alone.

    >>> r = weighted_mean([1, 2, 3, 4], [1, 1, 1, 1])
    >>> r["estimate"], round(r["se"], 4)
    (2.5, 0.6455)
    """

    y_all = np.asarray(values, dtype=float)
    w_all = np.ones_like(y_all) if weights is None else np.asarray(weights, dtype=float)
    keep = np.isfinite(y_all) & np.isfinite(w_all) & (w_all > 0)
    if domain is not None:
        keep &= np.asarray(domain, dtype=bool)
    y, w = y_all[keep], w_all[keep]
    n = len(y)
    out = {"estimate": np.nan, "se": np.nan, "lower": np.nan, "upper": np.nan, "n": n, "n_eff": 0.0}
    if n == 0:
        return out
    wsum = w.sum()
    est = float((w * y).sum() / wsum)
    out.update(estimate=est, n_eff=effective_sample_size(w))
    if n >= 2:
        if calibration is not None:
            if len(y_all) != calibration.n:
                raise AnalysisError("the values must cover the whole calibrated sample, one per respondent")
            u = np.where(keep, (np.where(keep, y_all, 0.0) - est) / wsum, 0.0)
            se = linearised_se(u, np.where(np.isfinite(w_all), w_all, 0.0), calibration)
        else:
            se = float(np.sqrt(n / (n - 1) * (w**2 * (y - est) ** 2).sum() / wsum**2))
        lo, hi = est - Z95 * se, est + Z95 * se
        if bounds is not None:
            lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
        out.update(se=se, lower=lo, upper=hi)
    return out


def wilson_interval(p: float, n_eff: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a share ``p`` with (effective) sample size ``n_eff``.

    >>> [round(x, 4) for x in wilson_interval(0.5, 100)]
    [0.4038, 0.5962]
    """

    if not n_eff or n_eff <= 0 or p != p:
        return (float("nan"), float("nan"))
    denom = 1 + z**2 / n_eff
    centre = (p + z**2 / (2 * n_eff)) / denom
    half = z * math.sqrt(p * (1 - p) / n_eff + z**2 / (4 * n_eff**2)) / denom
    # the bounds always contain p (guards against rounding at p = 0 or 1)
    return (max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


def weighted_share(
    indicator: pd.Series | np.ndarray,
    weights: pd.Series | np.ndarray | None = None,
    *,
    calibration: Calibration | None = None,
    domain: pd.Series | np.ndarray | None = None,
) -> dict[str, float]:
    """Weighted share of ``True``/1 among non-missing answers, with a Wilson 95 % CI.

    Returns ``{"estimate", "lower", "upper", "n", "n_eff", "se"}``. ``se`` is
    the linearised standard error (calibration-aware with ``calibration``, see
    :func:`weighted_mean`). With ``calibration`` the Wilson interval uses the
    effective sample size that standard error implies, ``p(1−p)/se²``; without
    it (and when the share is 0 or 1) Kish's ``n_eff = (Σw)²/Σw²``.

    >>> r = weighted_share([1, 0, 1, 1], [1, 1, 1, 1])
    >>> r["estimate"], r["n"]
    (0.75, 4)
    """
    r = weighted_mean(indicator, weights, calibration=calibration, domain=domain)
    p, se = r["estimate"], r["se"]
    calibrated = calibration is not None and se == se and se > 0 and 0 < p < 1
    n_eff = p * (1 - p) / se**2 if calibrated else r["n_eff"]
    lo, hi = wilson_interval(p, n_eff)
    return {"estimate": p, "lower": lo, "upper": hi, "n": r["n"], "n_eff": n_eff, "se": se}
