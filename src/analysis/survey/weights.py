"""Weights for the survey: residents post-stratified (or raked) to SSB's population by age band and sex.

Who gets which weight (column ``weight``):

* residents aged 18–40 with a known age: calibrated to the municipality's
  population on 1 January of the latest year in the SSB data, by age band
  (18–24, 25–29, 30–34, 35–40) and sex; the weights sum to that population.

  - **Post-stratified** on age band × sex cells when every woman/man cell has at
    least ``min_cell`` respondents (:data:`POSTSTRATIFY_MIN_CELL`): the weighted
    sample then matches the population in every cell, so women and men are
    compared at the same age distribution.
  - **Raked** (age band and sex separately) otherwise; the manifest and the
    report say so, and which cell was too small.

  Respondents who answered "Annet / ønsker ikke å oppgi" for gender keep their
  share of their age band (post-stratification: they get the band's average
  weight; raking: the female and male targets are scaled down by their share of
  the sample), so nobody is dropped for their answer.
* out-movers: weight 1 (there is no population register of out-movers to
  weight to; their results are unweighted and say so).
* out of scope (age outside 18–40, unknown status) and residents without an
  age: no weight (missing); they are left out of weighted estimates.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.population.snapshot import read_population
from analysis.survey.codebook import Codebook, load_codebook
from analysis.weighting import Calibration, design_effect, effective_sample_size, poststratify_weights, rake_weights

SEX_CODES = ("female", "male")
#: Post-stratify on age band × sex only when every woman/man cell has at least this many respondents;
#: with fewer, one respondent's answers would carry a large share of a cell and the weights swing, so
#: the answers are raked instead (docs/survey.md).
POSTSTRATIFY_MIN_CELL = 5
METHODS = ("poststratified", "raked")


@dataclass(frozen=True)
class WeightInfo:
    """What the weighting did, for the manifest and the report's methods section."""

    region: str
    year: int
    population: float
    n_weighted: int
    n_unweighted_residents: int
    effective_n: float
    design_effect: float
    iterations: int
    converged: bool
    min_weight: float
    max_weight: float
    merged_bands: tuple[str, ...] = ()
    method: str = "raked"
    min_cell: int = POSTSTRATIFY_MIN_CELL
    smallest_cell: str = ""
    smallest_cell_n: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def population_targets(
    population: pd.DataFrame, region: str, year: int | None = None, codebook: Codebook | None = None
) -> tuple[pd.DataFrame, int]:
    """Population by age band and sex (``age_band, sex, population``) for one region and year.

    ``population`` is SSB's long table (``region, year, sex, age, population``)
    as :func:`analysis.population.snapshot.read_population` returns it. ``year`` defaults to the
    latest year for the region. Returns ``(targets, year)``.
    """

    cb = codebook or load_codebook()
    pop = population[population["region"].astype(str) == str(region)]
    if pop.empty:
        raise AnalysisError(f"the SSB population data has no rows for region {region}")
    if year is None:
        year = int(pop["year"].max())
    pop = pop[pop["year"] == year]
    if pop.empty:
        raise AnalysisError(f"the SSB population data has no rows for region {region} in {year}")
    rows = []
    for (lo, hi), label in zip(cb.age_bands, cb.band_labels()):
        sel = pop[(pop["age"] >= lo) & (pop["age"] <= hi)]
        for sex in SEX_CODES:
            rows.append(
                {
                    "age_band": label,
                    "sex": sex,
                    "population": float(sel.loc[sel["sex"].astype(str) == sex, "population"].sum()),
                }
            )
    return pd.DataFrame(rows), int(year)


def read_population_targets(
    region: str, year: int | None = None, ssb_dir=None, codebook: Codebook | None = None
) -> tuple[pd.DataFrame, int]:
    """:func:`population_targets` from the SSB data layer (``analysis.population.snapshot.read_population``)."""

    return population_targets(read_population(ssb_dir, regions=[str(region)]), region, year, codebook)


def collapse_empty_bands(bands: pd.Series, targets: pd.Series) -> tuple[pd.Series, pd.Series, list[str]]:
    """Merge age bands without respondents into a neighbouring band (for raking only).

    ``targets`` is the population per band in age order. A band with people
    but no respondents is merged with its younger neighbour (the older one for
    the first band), repeatedly, e.g. ``18–24`` + ``25–29`` → ``18–29``.
    Returns ``(bands relabelled, targets merged, merged labels)``.

    >>> import pandas as pd
    >>> b, t, m = collapse_empty_bands(pd.Series(["25–29", "30–34"]),
    ...                                pd.Series({"18–24": 10, "25–29": 20, "30–34": 30}))
    >>> list(b), t.to_dict(), m
    (['18–29', '30–34'], {'18–29': 30, '30–34': 30}, ['18–29'])
    """

    labels = list(targets.index)
    groups = [[lab] for lab in labels]
    counts = bands.value_counts()

    def n(group: list[str]) -> int:
        return int(sum(counts.get(lab, 0) for lab in group))

    while len(groups) > 1:
        empty = [i for i, g in enumerate(groups) if n(g) == 0 and float(targets[g].sum()) > 0]
        if not empty:
            break
        i = empty[0]
        j = i - 1 if i > 0 else i + 1
        lo, hi = sorted((i, j))
        groups[lo : hi + 1] = [groups[lo] + groups[hi]]

    def name(group: list[str]) -> str:
        return group[0] if len(group) == 1 else f"{group[0].split('–')[0]}–{group[-1].split('–')[-1]}"

    mapping = {lab: name(g) for g in groups for lab in g}
    new_targets = pd.Series({name(g): targets[g].sum() for g in groups})
    return bands.map(mapping), new_targets, [name(g) for g in groups if len(g) > 1]


def weight_responses(
    responses: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    region: str,
    year: int = 0,
    min_cell: int = POSTSTRATIFY_MIN_CELL,
) -> tuple[pd.DataFrame, WeightInfo]:
    """Add ``weight``, ``weight_class`` and ``weight_method`` columns (see the module docstring).

    ``weight_class`` is ``"<age band>|<sex>"`` (the band as weighted, after merging
    bands without respondents; sex ``female``/``male``/``other``) and
    ``weight_method`` ``"poststratified"`` or ``"raked"``, for the weighted rows;
    :func:`calibration_of` turns them into the :class:`~analysis.weighting.Calibration`
    the standard errors need. Returns ``(new frame, WeightInfo)``. Raises
    ``AnalysisError`` when an age band has no resident respondents.
    """

    r = responses.copy()
    eligible = (
        r["in_scope"].astype(bool) & r["status"].eq("resident").fillna(False).astype(bool) & r["age_band"].notna()
    ).to_numpy()
    w = np.full(len(r), np.nan)
    w[r["status"].eq("out_mover").fillna(False).to_numpy(dtype=bool) & r["in_scope"].to_numpy(dtype=bool)] = 1.0
    sample = pd.DataFrame(
        {
            "age_band": r.loc[eligible, "age_band"].astype(str).to_numpy(),
            "sex": r.loc[eligible, "gender"]
            .astype(object)
            .where(r.loc[eligible, "gender"].isin(SEX_CODES).fillna(False), "other")
            .to_numpy(),
        }
    )
    if len(sample) == 0:
        raise AnalysisError("no resident respondents aged 18–40 to weight")
    total = float(targets["population"].sum())
    band_t = targets.groupby("age_band", sort=False)["population"].sum()
    sample["age_band"], band_t, merged = collapse_empty_bands(sample["age_band"], band_t)
    merged_of = {lab: name for name in band_t.index for lab in _band_members(name, targets["age_band"].unique())}
    cell_t = (
        targets.assign(age_band=targets["age_band"].map(merged_of))
        .groupby(["age_band", "sex"], sort=False)["population"]
        .sum()
    )
    counts = sample.groupby(["age_band", "sex"]).size()
    fm_counts = {
        (b, s): int(counts.get((b, s), 0)) for b in band_t.index for s in SEX_CODES if cell_t.get((b, s), 0) > 0
    }
    smallest = min(fm_counts, key=lambda k: (fm_counts[k], list(fm_counts).index(k))) if fm_counts else ("", "")
    smallest_n = fm_counts.get(smallest, 0)
    poststratify = bool(fm_counts) and smallest_n >= min_cell
    if poststratify:
        n_band = sample.groupby("age_band").size()
        n_other = sample.loc[sample["sex"] == "other"].groupby("age_band").size()
        cell_targets: dict[str, float] = {}
        for band, pop in band_t.items():
            share_other = float(n_other.get(band, 0)) / float(n_band.get(band, 1))
            for sex in SEX_CODES:
                cell_targets[f"{band}|{sex}"] = float(cell_t.get((band, sex), 0.0)) * (1 - share_other)
            if share_other > 0:
                cell_targets[f"{band}|other"] = share_other * float(pop)
        weights = poststratify_weights((sample["age_band"] + "|" + sample["sex"]).to_numpy(), cell_targets)
        iterations, converged = 1, True
    else:
        sex_t = targets.groupby("sex", sort=False)["population"].sum()
        p_other = float((sample["sex"] == "other").mean())
        sex_margin = {s: float(v) * (1 - p_other) for s, v in sex_t.items()}
        if p_other > 0:
            sex_margin["other"] = p_other * total
        result = rake_weights(sample, {"age_band": band_t.to_dict(), "sex": sex_margin})
        weights, iterations, converged = result.weights.to_numpy(), result.iterations, result.converged
    w[eligible] = weights
    r["weight"] = w
    classes = np.full(len(r), None, dtype=object)
    classes[eligible] = (sample["age_band"] + "|" + sample["sex"]).to_numpy()
    r["weight_class"] = pd.Series(classes, index=r.index, dtype="string")
    method = "poststratified" if poststratify else "raked"
    r["weight_method"] = pd.Series(np.where(eligible, method, None), index=r.index, dtype="string")
    info = WeightInfo(
        region=str(region),
        year=int(year),
        population=total,
        n_weighted=int(eligible.sum()),
        n_unweighted_residents=int((r["status"].eq("resident").fillna(False).to_numpy(dtype=bool) & ~eligible).sum()),
        effective_n=round(effective_sample_size(weights), 3),
        design_effect=round(design_effect(weights), 4),
        iterations=iterations,
        converged=converged,
        min_weight=round(float(np.min(weights)), 4),
        max_weight=round(float(np.max(weights)), 4),
        merged_bands=tuple(merged),
        method=method,
        min_cell=int(min_cell),
        smallest_cell=f"{smallest[0]}|{smallest[1]}",
        smallest_cell_n=int(smallest_n),
    )
    return r, info


def _band_members(name: str, labels) -> list[str]:
    """The original band labels a (possibly merged) band label stands for: ``18–29`` → ``18–24``, ``25–29``."""
    if name in set(labels):
        return [name]
    lo, hi = (int(x) for x in name.split("–"))
    return [lab for lab in labels if lo <= int(str(lab).split("–")[0]) and int(str(lab).split("–")[-1]) <= hi]


def calibration_of(frame: pd.DataFrame) -> Calibration | None:
    """The :class:`~analysis.weighting.Calibration` of the weighted rows of ``frame`` (in its order), or None.

    ``frame`` is the weighted residents (``weight_class``/``weight_method`` from
    :func:`weight_responses`); None when those columns are missing or empty (old
    processed files, unweighted answers), and the estimates then use the naive SE.
    """
    if "weight_class" not in frame.columns or "weight_method" not in frame.columns or frame.empty:
        return None
    classes = frame["weight_class"]
    methods = frame["weight_method"].dropna().unique()
    if classes.isna().any() or len(methods) != 1 or methods[0] not in METHODS:
        return None
    values = classes.astype(str).to_numpy(dtype=object)
    if methods[0] == "poststratified":
        return Calibration("poststratified", (values,))
    parts = np.array([v.split("|", 1) for v in values], dtype=object)
    return Calibration("raked", (parts[:, 0], parts[:, 1]))
