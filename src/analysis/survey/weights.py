"""Weights for the survey: residents raked to SSB's population by age band and sex.

Who gets which weight (column ``weight``):

* residents aged 18–40 with a known age: raked to the municipality's
  population on 1 January of the latest year in the SSB data, by age band
  (18–24, 25–29, 30–34, 35–40) and sex; the weights sum to that population.
  Respondents who answered "Annet / ønsker ikke å oppgi" for gender keep their
  share of the sample in the sex margin (the female and male targets are
  scaled down by that share), so nobody is dropped for their answer.
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
from analysis.weighting import rake_weights

SEX_CODES = ("female", "male")


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
    responses: pd.DataFrame, targets: pd.DataFrame, *, region: str, year: int = 0
) -> tuple[pd.DataFrame, WeightInfo]:
    """Add a ``weight`` column (see the module docstring). Returns ``(new frame, WeightInfo)``.

    Raises ``AnalysisError`` when an age band has no resident respondents.
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
    total = float(targets["population"].sum())
    band_t = targets.groupby("age_band", sort=False)["population"].sum()
    sample["age_band"], band_t, merged = collapse_empty_bands(sample["age_band"], band_t)
    sex_t = targets.groupby("sex", sort=False)["population"].sum()
    p_other = float((sample["sex"] == "other").mean()) if len(sample) else 0.0
    sex_margin = {s: float(v) * (1 - p_other) for s, v in sex_t.items()}
    if p_other > 0:
        sex_margin["other"] = p_other * total
    if len(sample) == 0:
        raise AnalysisError("no resident respondents aged 18–40 to weight")
    result = rake_weights(sample, {"age_band": band_t.to_dict(), "sex": sex_margin})
    w[eligible] = result.weights.to_numpy()
    r["weight"] = w
    info = WeightInfo(
        region=str(region),
        year=int(year),
        population=total,
        n_weighted=int(eligible.sum()),
        n_unweighted_residents=int((r["status"].eq("resident").fillna(False).to_numpy(dtype=bool) & ~eligible).sum()),
        effective_n=round(result.effective_n, 3),
        design_effect=round(result.design_effect, 4),
        iterations=result.iterations,
        converged=result.converged,
        min_weight=round(float(result.weights.min()), 4),
        max_weight=round(float(result.weights.max()), 4),
        merged_bands=tuple(merged),
    )
    return r, info
