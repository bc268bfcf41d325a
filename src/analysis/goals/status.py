"""The numbers behind the goals overview: one status per goal from the population, workshop
and survey layers.

* :func:`load_layers` reads whatever layers exist and keeps a plain Norwegian message for each
  one that is missing, so the report always builds;
* :func:`population_status`, :func:`women_status`, :func:`young_status` (real SSB figures, built on
  :mod:`analysis.population`), :func:`bolyst_status` (the survey, small-cell rule of
  :mod:`analysis.privacy`, no free text) and :func:`workshop_status` (force-field counts) return
  plain data (frozen dataclasses) for :mod:`analysis.goals.cards`.

Nothing here mutates its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.forcefield import metrics as ffm
from analysis.forcefield import text as fft
from analysis.goals.text import EMPTY_WORKSHOPS, MISSING_SSB, MISSING_SURVEY, MISSING_WORKSHOPS
from analysis.population import indicators, projection, snapshot
from analysis.population.text import recent_mean
from analysis.privacy import MIN_CELL
from analysis.profile import load_profile
from analysis.survey import analysis as sa
from analysis.survey.store import load_survey
from analysis.weighting import weighted_mean, weighted_share
from analysis.workshops.store import load_manifest, load_statements

if TYPE_CHECKING:  # pragma: no cover
    from analysis.population.projection import Requirement


#: Default regions the women ratio is compared with (code, name), the reference for the gap first;
#: the overview itself uses Norway and the municipality's own county.
WOMEN_COMPARISONS: tuple[tuple[str, str], ...] = (("0", "Norge"), ("34", "Innlandet"))


#: Age bands of the "flere yngre" goal.
YOUNG_BANDS: tuple[tuple[int, int], ...] = ((0, 19), (20, 39))


#: How many years back the trend looks.
TREND_YEARS = 10


@dataclass
class Layers:
    """The data the overview draws on; a missing layer is ``None`` with a Norwegian message.

    ``population`` holds the municipality, its county and Norway
    (:func:`analysis.population.snapshot.read_population`); ``mortality``/``fertility`` feed the
    projection; ``statements`` is the workshop table; ``responses`` the survey.
    """

    region: str
    name: str = "kommunen"
    county: str | None = None
    #: the county the cards compare with: None when it has no other municipality (Oslo is its own county)
    county_shown: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    population: pd.DataFrame | None = None
    population_message: str | None = MISSING_SSB
    mortality: pd.DataFrame | None = None
    fertility: pd.DataFrame | None = None
    components: pd.DataFrame | None = None  # SSB's registered births and deaths, where the snapshot has them
    #: the municipality's figures before a split were shared out by a fixed share: those years are left out of
    #: ``population`` and no projection is made (as in the population report)
    split: bool = False
    statements: pd.DataFrame | None = None
    statements_message: str | None = MISSING_WORKSHOPS
    responses: pd.DataFrame | None = None
    survey_message: str | None = MISSING_SURVEY
    survey_illustrative: bool = True
    statements_illustrative: bool = True


def load_layers(
    region: str,
    *,
    ssb_dir: str | Path | None = None,
    processed_dir: str | Path | None = None,
) -> Layers:
    """Read the population, workshop and survey layers that exist; never raises for a missing one.

    ``region`` is a kommunenummer (``"3425"``). SSB data come from ``ssb_dir``
    (default ``ANALYSIS_SSB_DIR``), the cleaned tables from ``processed_dir``
    (default ``ANALYSIS_PROCESSED_DIR``). Each missing or unreadable layer
    leaves its field ``None`` and a plain Norwegian message for the card.
    Only counts and theme labels of the workshop statements are used; their text is never shown.
    """

    region = snapshot.region_code(region)
    layers = Layers(region=region, name=f"kommune {region}")

    # population (real SSB figures)
    # A missing snapshot gets a message without the server's folder path (the report may be shared).
    message = MISSING_SSB if snapshot.missing_files(ssb_dir) else snapshot.availability_message(region, ssb_dir)
    if message is None:
        try:
            regions = snapshot.read_regions(ssb_dir)
            county = str(regions.loc[regions["region"] == region, "county"].iloc[0] or "") or None
            wanted = list(dict.fromkeys([region, snapshot.NORWAY, *([county] if county else [])]))
            # as the population report: no years whose figures were shared out from an earlier municipality
            layers.population, until = snapshot.read_own_population(ssb_dir, regions=wanted)
            layers.split = region in until
            layers.county = county
            layers.county_shown = indicators.county_to_compare(region, regions)
            layers.name = snapshot.region_name(region, regions)
            layers.names = {r: snapshot.region_name(r, regions) for r in wanted}
            layers.population_message = None
        except AnalysisError as exc:
            layers.population_message = f"SSB-dataene kunne ikke leses: {exc.message}"
        if layers.population is not None and not layers.split:  # no projection from a few years (as the report)
            try:
                layers.mortality = snapshot.read_mortality(ssb_dir)
                layers.fertility = snapshot.read_fertility(ssb_dir)
                layers.components = snapshot.read_components(ssb_dir)
            except AnalysisError:
                layers.mortality = layers.fertility = None
    else:
        layers.population_message = message

    # workshops and village meetings (illustrative data)
    try:
        statements = load_statements(processed_dir)
        try:
            layers.statements_illustrative = bool(load_manifest(processed_dir).get("illustrative", True))
        except (AnalysisError, OSError, ValueError):
            layers.statements_illustrative = True
        if len(statements):
            layers.statements = statements
            layers.statements_message = None
        else:
            layers.statements_message = EMPTY_WORKSHOPS
    except AnalysisError:
        layers.statements_message = MISSING_WORKSHOPS

    # survey (illustrative data)
    try:
        survey = load_survey(processed_dir)
        layers.responses = survey.responses
        layers.survey_illustrative = bool(survey.manifest.get("illustrative", True))
        layers.survey_message = None
    except AnalysisError:
        layers.survey_message = MISSING_SURVEY
    return layers


@dataclass(frozen=True)
class PopulationStatus:
    """Numbers of the ``innbyggertall`` card.

    ``target``/``target_year`` are the council's target (``None`` when it set none: then the card
    describes and compares and never invents one). ``gap`` is ``target − latest`` (negative: above
    the target). ``requirement`` is the yearly net in-migration that reaches the target
    (:func:`analysis.population.projection.required_net_migration`, movers shaped like
    the last five years), ``None`` when rates are missing or the target year
    has passed. ``scenario_total`` is the projected population on 1 January
    ``target_year`` with migration as the last five years, whose yearly
    net in-migration is ``scenario_net_per_year``. ``path`` has the columns
    ``year, required, scenario`` (projected totals) for the figure.
    """

    region: str
    latest_year: int
    latest: int
    target: int | None
    target_year: int | None
    history: pd.DataFrame = field(repr=False)
    change: dict[int, tuple[int, int]] = field(default_factory=dict)  # years back → (change, value then)
    requirement: Requirement | None = None
    #: why there is no requirement when the target year is still ahead (``None``: the rates were missing)
    no_projection_reason: str | None = None
    scenario_total: float | None = None
    scenario_net_per_year: float | None = None
    path: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def gap(self) -> int | None:
        return None if self.target is None else int(self.target - self.latest)


def population_status(
    pop: pd.DataFrame,
    region: str,
    *,
    target: int | None = None,
    target_year: int | None = None,
    mortality: pd.DataFrame | None = None,
    fertility: pd.DataFrame | None = None,
    windows: Sequence[int] = (2, 5, TREND_YEARS),
    county: str | None = None,
    components: pd.DataFrame | None = None,
) -> PopulationStatus:
    """Latest population, change over ``windows`` years, the gap and (with rates) the required migration.

    ``pop`` is the long table of :func:`analysis.population.snapshot.read_population`. Without
    ``mortality`` and ``fertility`` (or when the projection cannot be set up)
    ``requirement`` is ``None``.
    """

    tot = indicators.totals(pop, region)
    series = tot.set_index("year")["total"]
    latest_year = int(series.index.max())
    latest = int(series.loc[latest_year])
    change = {}
    for n in windows:
        then = latest_year - int(n)
        if then in series.index:
            change[int(n)] = (latest - int(series.loc[then]), int(series.loc[then]))
    req = scenario_total = scenario_net = path = None
    has_target = target is not None and target_year is not None
    if has_target and mortality is not None and fertility is not None and target_year > latest_year:
        try:
            s = projection.setup(
                pop, region, mortality, fertility, horizon=int(target_year), county=county, components=components
            )
            req = projection.required_net_migration(s, target=target, target_year=int(target_year), profile="model")
            years = list(range(s.base_year, int(target_year) + 1))
            required = projection.run(s, req.per_year * req.profile, int(target_year)).sum(axis=(1, 2))
            # the same main projection as the population report (one source for the number on both pages)
            scen = projection.run(s, "model", int(target_year)).sum(axis=(1, 2))
            none = projection.run(s, "none", int(target_year)).sum(axis=(1, 2))
            scenario_total = float(scen[-1])
            scenario_net = float(s.model_net.sum())
            path = pd.DataFrame(
                {"year": years, "required": required, "scenario": scen, "none": none, "constant": float(latest)}
            )
        except AnalysisError:
            req = None
    return PopulationStatus(
        region=str(region),
        latest_year=latest_year,
        latest=latest,
        target=int(target) if has_target else None,
        target_year=int(target_year) if has_target else None,
        history=tot,
        change=change,
        requirement=req,
        scenario_total=scenario_total,
        scenario_net_per_year=scenario_net,
        path=path,
    )


@dataclass(frozen=True)
class WomenStatus:
    """Numbers of the ``kvinner`` card (women per 100 men aged ``ages``).

    ``ratio``/``women``/``men`` are for the latest year; ``ratio_mean5`` the
    mean of the last five years (single years jump in a small municipality);
    ``ratio_then`` the ratio ``years_back`` years earlier. ``comparisons``
    maps a region name to its latest ratio; ``reference`` is the first of
    them (Norway) and ``women_for_balance`` how many more women of those ages
    would give the reference ratio with today's men (0 when none are needed).
    """

    region: str
    ages: tuple[int, int]
    latest_year: int
    ratio: float
    ratio_mean5: float
    women: int
    men: int
    year_then: int | None = None
    ratio_then: float | None = None
    comparisons: dict[str, float] = field(default_factory=dict)
    reference: str | None = None
    #: the ratio for every year with data (index: year), for the decision page's trend rule
    series: pd.Series | None = field(default=None, repr=False, compare=False)
    #: the first year in ``ratio_mean5`` (fewer than five years for a municipality with a short series)
    mean_first_year: int | None = None

    @property
    def women_for_balance(self) -> int | None:
        if self.reference is None or self.reference not in self.comparisons:
            return None
        return max(0, math.ceil(self.men * self.comparisons[self.reference] / 100 - self.women - 1e-9))


def women_status(
    pop: pd.DataFrame,
    region: str,
    *,
    comparisons: Sequence[tuple[str, str]] = WOMEN_COMPARISONS,
    ages: tuple[int, int] = (20, 39),
    years_back: int = TREND_YEARS,
) -> WomenStatus:
    """Women per 100 men aged ``ages``: latest, five-year mean, ``years_back`` years ago, and peers.

    ``comparisons`` is a sequence of ``(region code, name)``; regions missing
    from ``pop`` are skipped, the first one present is the reference for the gap.
    """

    ratio = indicators.women_per_100_men(pop, region, ages).dropna()
    if ratio.empty:
        raise AnalysisError(f"no men aged {ages[0]}–{ages[1]} in region {region}")
    sub = pop[(pop["region"] == str(region)) & pop["age"].between(ages[0], ages[1])]
    latest_year = int(ratio.index.max())
    last = sub[sub["year"] == latest_year]
    women = int(last.loc[last["sex"].astype(str) == "female", "population"].sum())
    men = int(last.loc[last["sex"].astype(str) == "male", "population"].sum())
    then = latest_year - int(years_back)
    mean5, mean_first, _ = recent_mean(ratio)  # the population report's «snitt siste fem år» too
    comp: dict[str, float] = {}
    present = set(pop["region"].astype(str).unique())
    for code, label in comparisons:
        if str(code) in present and str(code) != str(region):
            r = indicators.women_per_100_men(pop, str(code), ages).dropna()
            if latest_year in r.index:
                comp[label] = float(r.loc[latest_year])
    return WomenStatus(
        region=str(region),
        ages=tuple(ages),
        latest_year=latest_year,
        ratio=float(ratio.loc[latest_year]),
        ratio_mean5=mean5,
        mean_first_year=mean_first,
        women=women,
        men=men,
        year_then=then if then in ratio.index else None,
        ratio_then=float(ratio.loc[then]) if then in ratio.index else None,
        comparisons=comp,
        reference=next(iter(comp), None),
        series=ratio.astype(float),
    )


@dataclass(frozen=True)
class BandStatus:
    """One age band of the ``unge`` card: persons and share of the population, now and ``year_then``."""

    label: str
    latest: int
    share: float
    then: int | None = None
    share_then: float | None = None

    @property
    def change(self) -> int | None:
        return None if self.then is None else self.latest - self.then


@dataclass(frozen=True)
class YoungStatus:
    """Numbers of the ``unge`` card: one :class:`BandStatus` per age band."""

    region: str
    latest_year: int
    total: int
    year_then: int | None
    bands: tuple[BandStatus, ...]
    #: people in all the bands together for every year with data (index: year), for the decision page
    series: pd.Series | None = field(default=None, repr=False, compare=False)


def young_status(
    pop: pd.DataFrame,
    region: str,
    *,
    bands: Sequence[tuple[int, int | None]] = YOUNG_BANDS,
    years_back: int = TREND_YEARS,
) -> YoungStatus:
    """People in the young age bands (0–19, 20–39): latest, ``years_back`` years ago, share of all."""

    counts = indicators.age_bands(pop, region, bands)
    totals = indicators.totals(pop, region).set_index("year")["total"]
    latest_year = int(counts.index.max())
    then = latest_year - int(years_back)
    has_then = then in counts.index
    out = []
    for col in counts.columns:
        now = int(counts.loc[latest_year, col])
        share = now / totals.loc[latest_year] if totals.loc[latest_year] else float("nan")
        before = int(counts.loc[then, col]) if has_then else None
        share_then = (before / totals.loc[then]) if has_then and totals.loc[then] else None
        out.append(BandStatus(str(col), now, float(share), before, None if share_then is None else float(share_then)))
    return YoungStatus(
        str(region),
        latest_year,
        int(totals.loc[latest_year]),
        then if has_then else None,
        tuple(out),
        series=counts.sum(axis=1).astype(float),
    )


@dataclass(frozen=True)
class BolystStatus:
    """Numbers of the ``bolyst`` card, from weighted resident answers (first measurement).

    ``satisfied`` is the weighted share answering 4–5 on "alt i alt, hvor
    fornøyd er du med å bo i kommunen" with its 95 % CI; ``recommend`` the
    weighted mean (0–10) of "would you recommend a friend to move here" with
    its CI. Everything is ``None`` and ``suppressed`` True when fewer than
    ``threshold`` residents answered (the count itself is then not shown either).
    """

    n: int | None
    suppressed: bool
    threshold: int = MIN_CELL
    satisfied: float | None = None
    satisfied_lower: float | None = None
    satisfied_upper: float | None = None
    recommend: float | None = None
    recommend_lower: float | None = None
    recommend_upper: float | None = None
    weighted: bool = True


def bolyst_status(
    responses: pd.DataFrame,
    *,
    threshold: int = MIN_CELL,
    item: str = "sat_overall",
    values: Sequence[int] = sa.SATISFIED,
) -> BolystStatus:
    """Weighted share of residents answering ``values`` to ``item`` (satisfied with living in the
    municipality by default) and the recommend score.

    Uses :func:`analysis.survey.analysis.residents` (in scope, weighted) and
    :func:`analysis.weighting.weighted_share`/:func:`~analysis.weighting.weighted_mean`;
    hides everything below ``threshold`` answers (small-cell rule). Free text is never read.
    """

    weighted = "weight" in responses.columns and bool(responses["weight"].notna().any())
    if not weighted:
        return BolystStatus(n=None, suppressed=True, threshold=threshold, weighted=False)
    res = sa.residents(responses)
    w = res["weight"].to_numpy(dtype=float)
    if item not in res.columns:
        raise AnalysisError(f"the survey has no question '{item}' (the profile's indicator names it)")
    y = res[item].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(y)
    sat = weighted_share(np.where(ok, np.isin(y, list(values)), np.nan), w)
    r = res["recommend"].astype("Float64").to_numpy(dtype=float, na_value=np.nan) if "recommend" in res else None
    rec = weighted_mean(r, w, bounds=(0, 10)) if r is not None else {"n": 0}
    if sat["n"] < threshold:
        return BolystStatus(n=None, suppressed=True, threshold=threshold)
    rec_ok = rec["n"] >= threshold
    return BolystStatus(
        n=int(sat["n"]),
        suppressed=False,
        threshold=threshold,
        satisfied=float(sat["estimate"]),
        satisfied_lower=float(sat["lower"]),
        satisfied_upper=float(sat["upper"]),
        recommend=float(rec["estimate"]) if rec_ok else None,
        recommend_lower=float(rec["lower"]) if rec_ok else None,
        recommend_upper=float(rec["upper"]) if rec_ok else None,
    )


@dataclass(frozen=True)
class WorkshopGoal:
    """What workshops and village meetings said about one goal (counts only, no quotes).

    ``n_groups`` groups discussed the goal (said anything about it) out of
    ``n_groups_total``; ``n_kraft``/``n_motkraft`` count driving and
    restraining forces; ``counter_themes`` are the labels of the strongest
    counter-force themes: named by the most groups, ties broken by summed
    strength, then theme id.
    """

    goal: str
    n_groups: int
    n_groups_total: int
    n_kraft: int
    n_motkraft: int
    counter_themes: tuple[str, ...] = ()


def workshop_status(
    statements: pd.DataFrame,
    *,
    goals: Sequence[str] | None = None,
    theme_labels: Mapping[str, str] | None = None,
    top: int = 2,
) -> dict[str, WorkshopGoal]:
    """Per goal: groups that discussed it, forces, counter-forces and the top ``top`` counter-force themes."""

    goals = list(goals) if goals is not None else list(load_profile().goal_ids)
    data = ffm.prepare(statements)
    summary = ffm.force_summary(data, goals=goals)
    n_total = int(summary["group"].nunique())
    per_goal = summary.groupby("goal", sort=False).agg(
        n_groups=("discussed", "sum"), n_kraft=("n_kraft", "sum"), n_motkraft=("n_motkraft", "sum")
    )
    long = ffm.theme_long(data, ("motkraft",))
    labels = dict(theme_labels) if theme_labels is not None else fft.theme_labels()
    out = {}
    for goal in goals:
        themes: tuple[str, ...] = ()
        sub = long.loc[long["goal"] == goal]
        if len(sub):
            sub = sub.assign(s=np.nan_to_num(sub["strength"].to_numpy(dtype=float)))
            ranked = sub.groupby("theme").agg(n_groups=("group", "nunique"), strength=("s", "sum")).reset_index()
            ranked = ranked.sort_values(
                ["n_groups", "strength", "theme"], ascending=[False, False, True], kind="stable"
            )
            themes = tuple(fft.theme_label(t, labels) for t in ranked["theme"].head(top))
        row = per_goal.loc[goal] if goal in per_goal.index else None
        out[goal] = WorkshopGoal(
            goal=goal,
            n_groups=int(row["n_groups"]) if row is not None else 0,
            n_groups_total=n_total,
            n_kraft=int(row["n_kraft"]) if row is not None else 0,
            n_motkraft=int(row["n_motkraft"]) if row is not None else 0,
            counter_themes=themes,
        )
    return out
