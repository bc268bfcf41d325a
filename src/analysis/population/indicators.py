"""Population indicators for the council's goals, for any municipality in an SSB snapshot.

All functions take the long population table of :func:`analysis.population.snapshot.read_population`
(``region, year, sex, age, population``; 1 January; age 105 = 105+) and a
region code, and return new frames (inputs are never mutated):

* :func:`totals` – total population and by sex, per year;
* :func:`women_per_100_men` – SSB's measure of the rural women deficit (20–39 by default);
* :func:`age_bands` – people in age bands (0–19 and 20–39 by default; configurable);
* :func:`median_age` – median age (ages treated as one-year intervals, interpolated);
* :func:`old_age_dependency` – people 67+ per 100 aged 20–66;
* :func:`indicators` – all of the above in one table per year;
* :func:`pyramid` – persons by age band and sex in one year;
* :func:`index_series` – population index (base year = 100) for several regions.

The ``plot_*`` functions return matplotlib figures in the project style
(:mod:`analysis.report.style`), with Norwegian titles and labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.population.text import band_label

YOUNG_BANDS: tuple[tuple[int, int], ...] = ((0, 19), (20, 39))

SEX_LABELS = {"female": "Kvinner", "male": "Menn"}


def _region(pop: pd.DataFrame, region: str) -> pd.DataFrame:
    region = str(region)
    sub = pop[pop["region"] == region]
    if sub.empty:
        raise AnalysisError(
            f"region {region} is not in the population data; check the kommunenummer (4 digits, today's borders)"
        )
    return sub


def age_sex_matrix(pop: pd.DataFrame, region: str) -> pd.DataFrame:
    """Persons by year (rows) and (sex, age) (columns) for one region; missing cells are 0."""
    sub = _region(pop, region)
    wide = sub.pivot_table(
        index="year", columns=["sex", "age"], values="population", aggfunc="sum", fill_value=0, observed=True
    )
    return wide.sort_index(axis=0).sort_index(axis=1)


def totals(pop: pd.DataFrame, region: str) -> pd.DataFrame:
    """Population on 1 January per year: columns ``year, female, male, total``.

    >>> import pandas as pd
    >>> p = pd.DataFrame({"region": "1", "year": [2020, 2020], "sex": ["female", "male"],
    ...                   "age": [30, 31], "population": [3, 4]})
    >>> totals(p, "1").to_dict("records")
    [{'year': 2020, 'female': 3, 'male': 4, 'total': 7}]
    """
    sub = _region(pop, region)
    wide = sub.groupby(["year", "sex"], observed=True)["population"].sum().unstack("sex", fill_value=0)
    for sex in ("female", "male"):
        if sex not in wide.columns:
            wide[sex] = 0
    out = wide[["female", "male"]].copy()
    out.columns = ["female", "male"]
    out["total"] = out["female"] + out["male"]
    out = out.reset_index()
    out.columns.name = None
    return out.astype({"year": "int64", "female": "int64", "male": "int64", "total": "int64"})


def _band_sum(sub: pd.DataFrame, lo: int, hi: int | None, sex: str | None = None) -> pd.Series:
    """Persons aged ``lo``–``hi`` (``None``: and older), of one sex or both, per year of ``sub``; 0 where none.

    Summed with numpy (one pass over the rows; a fifth of the time of a pandas group-by, and a population
    report asks for a dozen bands); the same series as
    ``sub[mask].groupby("year")["population"].sum().reindex(years, fill_value=0)``, dtype included.
    """
    age = sub["age"].to_numpy()
    mask = age >= lo
    if hi is not None:
        mask &= age <= hi
    if sex is not None:
        mask &= (sub["sex"] == sex).to_numpy(dtype=bool, na_value=False)
    counts = sub["population"].to_numpy()
    if counts.dtype.kind not in "iu":  # not whole numbers in a numpy column: pandas' own (compensated) sum
        years = sorted(sub["year"].unique())
        return sub[mask].groupby("year")["population"].sum().reindex(years, fill_value=0)
    years, where = np.unique(sub["year"].to_numpy(), return_inverse=True)
    sums = np.bincount(where[mask], weights=counts[mask], minlength=len(years))
    return pd.Series(sums.astype(counts.dtype), index=pd.Index(years, name="year"), name="population")


def women_per_100_men(pop: pd.DataFrame, region: str, ages: tuple[int, int] = (20, 39)) -> pd.Series:
    """Women per 100 men in the age band (SSB's measure of the women deficit), per year."""
    sub = _region(pop, region)
    women = _band_sum(sub, ages[0], ages[1], "female")
    men = _band_sum(sub, ages[0], ages[1], "male")
    out = (100 * women / men.where(men > 0)).astype("float64")
    out.name = "women_per_100_men"
    return out


def age_bands(pop: pd.DataFrame, region: str, bands: Sequence[tuple[int, int | None]] = YOUNG_BANDS) -> pd.DataFrame:
    """Persons per year in each age band (``hi=None`` means "and older"); columns are band labels."""

    sub = _region(pop, region)
    return pd.DataFrame({band_label(lo, hi): _band_sum(sub, lo, hi) for lo, hi in bands})


def median_age(pop: pd.DataFrame, region: str) -> pd.Series:
    """Median age per year, ages treated as one-year intervals ``[x, x+1)`` and interpolated.

    >>> import pandas as pd
    >>> p = pd.DataFrame({"region": "1", "year": 2020, "sex": "female", "age": [10, 20], "population": [1, 1]})
    >>> float(median_age(p, "1").iloc[0])
    11.0
    """

    wide = _region(pop, region).groupby(["year", "age"])["population"].sum().unstack("age", fill_value=0)
    ages = wide.columns.to_numpy(dtype=float)
    counts = wide.to_numpy(dtype=float)
    cum = np.cumsum(counts, axis=1)
    half = cum[:, -1:] / 2
    idx = (cum < half).sum(axis=1)  # first age where the cumulative count reaches half
    idx = np.minimum(idx, counts.shape[1] - 1)
    rows = np.arange(len(counts))
    before = np.where(idx > 0, cum[rows, np.maximum(idx - 1, 0)], 0.0)
    n = counts[rows, idx]
    frac = np.divide(half[:, 0] - before, n, out=np.zeros_like(n), where=n > 0)
    out = pd.Series(ages[idx] + frac, index=wide.index, name="median_age")
    return out


def old_age_dependency(pop: pd.DataFrame, region: str, old: int = 67, working: tuple[int, int] = (20, 66)) -> pd.Series:
    """People aged ``old``+ per 100 aged ``working`` (67+ per 100 aged 20–66), per year."""
    sub = _region(pop, region)
    num = _band_sum(sub, old, None)
    den = _band_sum(sub, working[0], working[1])
    out = (100 * num / den.where(den > 0)).astype("float64")
    out.name = "old_age_dependency"
    return out


def indicators(
    pop: pd.DataFrame,
    region: str,
    bands: Sequence[tuple[int, int | None]] = YOUNG_BANDS,
    women_ages: tuple[int, int] = (20, 39),
) -> pd.DataFrame:
    """All goal indicators per year for one region.

    Columns: ``year, total, female, male, women_per_100_men`` (in ``women_ages``),
    one column per age band (``"0–19 år"``, ``"20–39 år"``), ``median_age``,
    ``old_age_dependency``.
    """
    tot = totals(pop, region).set_index("year")
    out = tot[["total", "female", "male"]].copy()
    out["women_per_100_men"] = women_per_100_men(pop, region, women_ages)
    for col, series in age_bands(pop, region, bands).items():
        out[col] = series
    out["median_age"] = median_age(pop, region)
    out["old_age_dependency"] = old_age_dependency(pop, region)
    return out.reset_index()


def pyramid(pop: pd.DataFrame, region: str, year: int, band_width: int = 5, top: int = 90) -> pd.DataFrame:
    """Persons by age band and sex in ``year``: columns ``age_band, lo, female, male``.

    Bands are ``band_width`` years wide, the last one ``top``+ (small
    municipalities are too noisy for single years).
    """

    sub = _region(pop, region)
    sub = sub[sub["year"] == int(year)]
    if sub.empty:
        raise AnalysisError(f"no population for region {region} in {year}")
    lo = np.minimum(sub["age"].to_numpy() // band_width * band_width, top)
    frame = pd.DataFrame({"lo": lo, "sex": sub["sex"].astype(str).to_numpy(), "n": sub["population"].to_numpy()})
    wide = frame.groupby(["lo", "sex"])["n"].sum().unstack("sex", fill_value=0)
    wide = wide.reindex(range(0, top + 1, band_width), fill_value=0)
    for sex in ("female", "male"):
        if sex not in wide.columns:
            wide[sex] = 0
    out = wide[["female", "male"]].reset_index().rename(columns={"index": "lo"})
    out.columns.name = None
    out.insert(0, "age_band", [f"{a}+" if a >= top else f"{a}–{a + band_width - 1}" for a in out["lo"]])
    return out


def index_series(pop: pd.DataFrame, regions: Iterable[str], base_year: int | None = None) -> pd.DataFrame:
    """Total population indexed to ``base_year`` = 100 (default: first year all regions have).

    Returns a frame with ``year`` as index and one column per region code;
    regions not in the data are skipped.
    """
    regions = [str(r) for r in regions]
    sub = pop[pop["region"].isin(regions)]
    wide = sub.groupby(["year", "region"])["population"].sum().unstack("region")
    wide = wide[[r for r in regions if r in wide.columns]].dropna()
    if wide.empty:
        raise AnalysisError("none of the regions is in the population data")
    if base_year is None:
        base_year = int(wide.index.min())
    if base_year not in wide.index:
        raise AnalysisError(f"base year {base_year} is not in the population data")
    return 100 * wide / wide.loc[base_year]


def municipality_rank(values: pd.Series, region: str, kinds: Mapping[str, str]) -> tuple[int, int]:
    """``(rank, n)``: where ``region`` comes among the *municipalities* in ``values``, lowest first.

    ``values`` has one value per region code (e.g. the index in the last year); ``kinds`` maps region codes
    to their type in ``regions.csv`` (``kommune``, ``fylke``, ``land``). The county and Norway are compared
    in the chart but never ranked among the municipalities.

    >>> v = pd.Series({"3425": 86.0, "3424": 90.0, "34": 101.0, "0": 112.0, "3417": 80.0})
    >>> municipality_rank(v, "3425", {"3425": "kommune", "3424": "kommune", "3417": "kommune", "34": "fylke", "0": "land"})
    (2, 3)
    """

    def kind(code: str) -> str:  # without regions.csv types, a municipality is a four-digit code
        return kinds.get(code) or ("kommune" if len(code) == 4 and code.isdigit() else "")

    towns = values[[kind(str(r)) == "kommune" for r in values.index]].dropna()
    if str(region) not in towns.index:
        raise AnalysisError(f"{region} is not a municipality among the compared regions")
    ranked = list(towns.sort_values(kind="stable").index)
    return ranked.index(str(region)) + 1, len(ranked)


# --------------------------------------------------------------------------- figures


def frame_from_series(series: Mapping[str, pd.Series]) -> pd.DataFrame:
    """Columns from a mapping of region code → yearly series (years as index, sorted)."""

    return pd.DataFrame(dict(series)).sort_index()


def county_to_compare(region: str, regions: pd.DataFrame) -> str | None:
    """The county a municipality's report compares it with: None without one, and None when the county has no
    other municipality (Oslo: county 03 is municipality 0301, the same people; shown twice, it would look like
    a second area that happens to agree).

    >>> import pandas as pd
    >>> r = pd.DataFrame({"region": ["03", "0301", "34", "3425", "3426"], "type": ["fylke", "kommune", "fylke",
    ...                   "kommune", "kommune"], "county": ["", "03", "", "34", "34"]})
    >>> county_to_compare("0301", r), county_to_compare("3425", r), county_to_compare("9999", r)
    (None, '34', None)
    """
    hit = regions.loc[regions["region"] == str(region), "county"]
    county = str(hit.iloc[0]) if len(hit) and hit.iloc[0] else ""
    if not county:
        return None
    same = regions[(regions["type"] == "kommune") & (regions["county"] == county)]
    return county if len(same) > 1 else None


def default_peers(
    region: str, regions: pd.DataFrame, totals: Mapping[str, float], n: int = 4, exclude: Iterable[str] = ()
) -> list[str]:
    """Comparison regions for a municipality: the ``n`` others of its county closest in size, the county, Norway.

    ``exclude``: municipalities never chosen (``analysis init`` leaves out those split so recently that their
    own series is a few years long: a comparison with one starts in the year of the split).

    Size is the latest population (``totals``: region → persons); closeness is the ratio of the two,
    either way round (a municipality of 1 000 is as close to one of 2 000 as to one of 500). Ties go to
    the lower code, so the choice is the same on every run.

    >>> import pandas as pd
    >>> regions = pd.DataFrame({"region": ["34", "3401", "3402", "3403", "3404"], "type": ["fylke"] + ["kommune"] * 4,
    ...                         "county": ["", "34", "34", "34", "34"]})
    >>> default_peers("3401", regions, {"3401": 1000, "3402": 2000, "3403": 500, "3404": 30000}, n=2)
    ['3402', '3403', '34', '0']
    """
    region = str(region)
    county = regions.loc[regions["region"] == region, "county"]
    county = str(county.iloc[0]) if len(county) and county.iloc[0] else ""
    shown = county_to_compare(region, regions)  # not Oslo's county: it is Oslo
    own = float(totals.get(region, 0) or 0)
    skip = {str(x) for x in exclude} | {region}
    same = regions[(regions["type"] == "kommune") & (regions["county"] == county) & ~regions["region"].isin(skip)]
    scored = []
    for code in same["region"]:
        size = float(totals.get(code, 0) or 0)
        if size > 0 and own > 0:
            scored.append((abs(np.log(size / own)), code))
    peers = [code for _, code in sorted(scored)[:n]]
    return list(dict.fromkeys([*peers, *([shown] if shown else []), "0"]))


def split_end(
    region: str, changes: pd.DataFrame, totals: pd.Series, first_year: int = 2005, jump: float = 0.1
) -> int | None:
    """The last year of ``region``'s history that was spread from an earlier municipality by a fixed share,
    when it shows (:func:`split_history`); ``None`` otherwise.

    >>> import pandas as pd
    >>> ch = pd.DataFrame({"old_region": ["1507"], "region": ["1580"], "weight": [0.5], "first_year": [2020],
    ...                    "last_year": [2023]})
    >>> split_end("1580", ch, pd.Series({2023: 33758, 2024: 9357})), split_end("1580", ch, pd.Series({2023: 9300, 2024: 9357}))
    (2023, None)
    """
    rows = changes[
        (changes["region"] == str(region)) & (changes["weight"] < 0.999) & (changes["last_year"] >= first_year)
    ]
    found = None
    for end in sorted(set(rows["last_year"].astype(int))):
        before, after = totals.get(end), totals.get(end + 1)
        if before and after and abs(after / before - 1) > jump:
            found = end
    return found


def without_shared_history(population: pd.DataFrame, changes: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """``population`` (long: ``region, year, ..., population``) without the years in which a municipality's
    figures are an earlier municipality's spread by a fixed share (:func:`split_end`; the snapshot gives Haram
    and Ålesund half of the former Ålesund each until 2023): they are not the municipality's own figures.

    Returns the frame and, per municipality cut, the last year left out. Counties and Norway are kept whole.
    """
    until: dict[str, int] = {}
    # only a municipality that got an earlier one's figures by a share can have a year to cut (split_end finds
    # nothing for the others): the others' yearly totals are not summed at all
    shared = set(changes.loc[changes["weight"] < 0.999, "region"].astype(str))
    for region, rows in population.groupby("region", sort=True):
        if len(str(region)) != 4 or str(region) not in shared:  # municipalities have four digits
            continue
        end = split_end(str(region), changes, rows.groupby("year")["population"].sum())
        if end is not None:
            until[str(region)] = end
    if not until:
        return population, until
    cut = population["region"].astype(str).map(until)
    return population[~(cut.notna() & (population["year"] <= cut))].reset_index(drop=True), until


def split_history(
    region: str, changes: pd.DataFrame, totals: pd.Series, first_year: int = 2005, jump: float = 0.1
) -> bool:
    """True when ``region``'s history was spread from an earlier municipality by a fixed share and it shows.

    The snapshot spreads a split municipality's history over its successors by a fixed share (Haram
    and Ålesund 50/50 until 2023), so that part of its migration history is an artefact. It counts when
    the population (``totals``: year → persons) jumps by more than ``jump`` in the year the shared
    history ends; a split that moved a small part (Tysfjord into Narvik and Hamarøy) leaves no jump.

    >>> import pandas as pd
    >>> ch = pd.DataFrame({"old_region": ["1507"], "region": ["1580"], "weight": [0.5], "first_year": [2020],
    ...                    "last_year": [2023]})
    >>> split_history("1580", ch, pd.Series({2023: 33758, 2024: 9357})), split_history("1580", ch, pd.Series({2023: 9300, 2024: 9357}))
    (True, False)
    """
    return split_end(region, changes, totals, first_year, jump) is not None
