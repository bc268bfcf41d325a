"""The goals overview ("Oversikt over hovedmålene"): one card per main goal.

The council reads one page first: for each of the four goals (DESIGN §2:
``bolyst``, ``innbyggertall``, ``kvinner``, ``unge``) its indicator, latest
value, trend, target and the gap. The numbers come from three layers:

* population (real SSB figures): :func:`population_status`,
  :func:`women_status`, :func:`young_status`, built on
  :mod:`analysis.population` and :mod:`analysis.projection`;
* workshops and village meetings (force-field metrics):
  :func:`workshop_status`, built on :mod:`analysis.forcefield`;
* the survey: :func:`bolyst_status`, built on :mod:`analysis.survey.analysis`
  and :mod:`analysis.weighting`, with the small-cell rule of
  :mod:`analysis.privacy` (no free text at all).

Each ``*_status`` function returns plain data (a frozen dataclass), each
``*_card`` function turns it into a :class:`GoalCard` of Norwegian text with
numbers formatted by :mod:`analysis.numfmt`, and :func:`render_cards` shows
the cards as HTML (every text value escaped with
:func:`analysis.reporting.esc`; ``<h3>`` headings, for use under a ``##``
section of the notebook). :func:`load_layers` reads whatever layers exist and
keeps a plain Norwegian message for each one that is missing, so the report
always builds. :func:`report_links` finds the detailed reports in the
catalogue. Nothing here mutates its inputs.

>>> from analysis.goals import GoalCard, render_cards
>>> card = GoalCard("unge", "Flere yngre innbyggere", headline="204 i alderen 0–19 år <1.1.2026>")
>>> "&lt;1.1.2026&gt;" in render_cards([card]).data
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import AnalysisError
from analysis.labels import GOAL_LABELS, GOALS
from analysis.numfmt import MISSING, fmt_int, fmt_num, fmt_pct
from analysis.privacy import MIN_CELL
from analysis.reporting import esc

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from IPython.display import HTML
    from matplotlib.figure import Figure

    from analysis.catalogue import Catalogue
    from analysis.projection import Requirement

#: Default regions the women ratio is compared with (code, name), the reference for the gap first;
#: the overview itself uses Norway and the municipality's own county.
WOMEN_COMPARISONS: tuple[tuple[str, str], ...] = (("0", "Norge"), ("34", "Innlandet"))
#: Age bands of the "flere yngre" goal.
YOUNG_BANDS: tuple[tuple[int, int], ...] = ((0, 19), (20, 39))
#: How many years back the trend looks.
TREND_YEARS = 10

INDICATORS: dict[str, str] = {
    "bolyst": "Andel innbyggere 18–40 år som er fornøyde med å bo i kommunen (svar 4 eller 5 på en skala "
              "fra 1 til 5), vektet etter alder og kjønn. Innbyggerundersøkelsen.",
    "innbyggertall": "Folketall 1. januar. SSB, tabell 07459.",
    "kvinner": "Kvinner per 100 menn i alderen 20–39 år, 1. januar. SSB, tabell 07459.",
    "unge": "Innbyggere 0–19 år og 20–39 år, 1. januar. SSB, tabell 07459.",
}

MISSING_SSB = ("Befolkningstall fra SSB mangler, så dette målet kan ikke vises. Hent dataene med "
               "«analysis fetch-ssb» eller la ANALYSIS_SSB_DIR peke på en mappe med SSB-data.")
MISSING_WORKSHOPS = ("Det finnes ingen bearbeidede notater fra workshops og grendemøter ennå. Når notatene "
                     "ligger i data/raw/workshops/ og «analysis clean» er kjørt, vises kreftene her.")
EMPTY_WORKSHOPS = "Notatene fra workshops og grendemøter inneholder ingen utsagn ennå."
MISSING_SURVEY = ("Resultater fra innbyggerundersøkelsen finnes ikke ennå. Når svarene ligger i "
                  "data/raw/survey/ og «analysis clean» er kjørt, vises målingen av bolyst her.")
UNWEIGHTED_SURVEY = ("Svarene i innbyggerundersøkelsen er ikke vektet, fordi befolkningstall fra SSB manglet "
                     "da dataene ble renset. Kjør «analysis clean» på nytt med SSB-data.")
MISSING_PROJECTION = ("Dødelighet og fruktbarhet fra SSB-mappen mangler, så det kan ikke regnes ut hvor mye "
                      "innflytting som trengs.")


# --------------------------------------------------------------------------- small text helpers


def _plural(n: float, one: str, many: str) -> str:
    return one if abs(n) == 1 else many


def _trend_word(change: float) -> str:
    """``"økt"``, ``"gått ned"`` or ``"vært uendret"`` for a change.

    >>> _trend_word(3), _trend_word(-0.2), _trend_word(0)
    ('økt', 'gått ned', 'vært uendret')
    """
    if change > 0:
        return "økt"
    if change < 0:
        return "gått ned"
    return "vært uendret"


# --------------------------------------------------------------------------- layers


@dataclass
class Layers:
    """The data the overview draws on; a missing layer is ``None`` with a Norwegian message.

    ``population`` holds the municipality, its county and Norway
    (:func:`analysis.ssb.read_population`); ``mortality``/``fertility`` feed the
    projection; ``statements`` is the workshop table; ``responses`` the survey.
    """

    region: str
    name: str = "kommunen"
    county: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    population: "pd.DataFrame | None" = None
    population_message: str | None = MISSING_SSB
    mortality: "pd.DataFrame | None" = None
    fertility: "pd.DataFrame | None" = None
    statements: "pd.DataFrame | None" = None
    statements_message: str | None = MISSING_WORKSHOPS
    responses: "pd.DataFrame | None" = None
    survey_message: str | None = MISSING_SURVEY
    survey_illustrative: bool = True
    statements_illustrative: bool = True


def illustrative_what(layers: Layers) -> str | None:
    """What in the report is illustrative, for :func:`analysis.reporting.illustrative_notice` (``None``: nothing).

    >>> illustrative_what(Layers("3425", statements_message=None, statements=object()))
    'Utsagnene fra workshops og grendemøter'
    """
    parts = []
    if layers.statements is not None and layers.statements_illustrative:
        parts.append("utsagnene fra workshops og grendemøter")
    if layers.responses is not None and layers.survey_illustrative:
        parts.append("svarene i innbyggerundersøkelsen")
    if not parts:
        return None
    text = " og ".join(parts)
    return text[0].upper() + text[1:]


def data_note(layers: Layers) -> str:
    """One sentence telling readers which numbers are real (SSB); the illustrative notice covers the rest."""
    text = ("Tallene for økt innbyggertall, flere kvinner og flere unge er ekte tall fra Statistisk sentralbyrå "
            "(SSB).")
    if layers.population is None:
        text += " De vises når SSB-dataene er på plass."
    return text


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
    from analysis import ssb

    region = ssb.region_code(region)
    layers = Layers(region=region, name=f"kommune {region}")

    # population (real SSB figures)
    # A missing snapshot gets a message without the server's folder path (the report may be shared).
    message = MISSING_SSB if ssb.missing_files(ssb_dir) else ssb.availability_message(region, ssb_dir)
    if message is None:
        try:
            regions = ssb.read_regions(ssb_dir)
            county = str(regions.loc[regions["region"] == region, "county"].iloc[0] or "") or None
            wanted = list(dict.fromkeys([region, ssb.NORWAY, *([county] if county else [])]))
            layers.population = ssb.read_population(ssb_dir, regions=wanted)
            layers.county = county
            layers.name = ssb.region_name(region, regions)
            layers.names = {r: ssb.region_name(r, regions) for r in wanted}
            layers.population_message = None
        except AnalysisError as exc:
            layers.population_message = f"SSB-dataene kunne ikke leses: {exc.message}"
        if layers.population is not None:
            try:
                layers.mortality = ssb.read_mortality(ssb_dir)
                layers.fertility = ssb.read_fertility(ssb_dir)
            except AnalysisError:
                layers.mortality = layers.fertility = None
    else:
        layers.population_message = message

    # workshops and village meetings (illustrative data)
    try:
        from analysis.workshops import load_statements  # type: ignore[attr-defined]

        statements = load_statements(processed_dir)
        try:
            from analysis.workshops import load_manifest  # type: ignore[attr-defined]

            layers.statements_illustrative = bool(load_manifest(processed_dir).get("illustrative", True))
        except (ImportError, AnalysisError, OSError, ValueError):
            layers.statements_illustrative = True
        if len(statements):
            layers.statements = statements
            layers.statements_message = None
        else:
            layers.statements_message = EMPTY_WORKSHOPS
    except (ImportError, AnalysisError):
        layers.statements_message = MISSING_WORKSHOPS

    # survey (illustrative data)
    try:
        from analysis.survey import load_survey

        survey = load_survey(processed_dir)
        layers.responses = survey.responses
        layers.survey_illustrative = bool(survey.manifest.get("illustrative", True))
        layers.survey_message = None
    except (ImportError, AnalysisError):
        layers.survey_message = MISSING_SURVEY
    return layers


# --------------------------------------------------------------------------- population: innbyggertall


@dataclass(frozen=True)
class PopulationStatus:
    """Numbers of the ``innbyggertall`` card.

    ``gap`` is ``target − latest`` (negative: above the target).
    ``requirement`` is the yearly net in-migration that reaches the target
    (:func:`analysis.projection.required_net_migration`, movers shaped like
    the last five years), ``None`` when rates are missing or the target year
    has passed. ``scenario_total`` is the projected population on 1 January
    ``target_year`` with migration as the last five years, whose yearly
    net in-migration is ``scenario_net_per_year``. ``path`` has the columns
    ``year, required, scenario`` (projected totals) for the figure.
    """

    region: str
    latest_year: int
    latest: int
    target: int
    target_year: int
    history: "pd.DataFrame" = field(repr=False)
    change: dict[int, tuple[int, int]] = field(default_factory=dict)  # years back → (change, value then)
    requirement: "Requirement | None" = None
    scenario_total: float | None = None
    scenario_net_per_year: float | None = None
    path: "pd.DataFrame | None" = field(default=None, repr=False)

    @property
    def gap(self) -> int:
        return int(self.target - self.latest)


def population_status(
    pop: "pd.DataFrame",
    region: str,
    *,
    target: int = 1300,
    target_year: int = 2030,
    mortality: "pd.DataFrame | None" = None,
    fertility: "pd.DataFrame | None" = None,
    windows: Sequence[int] = (5, TREND_YEARS),
) -> PopulationStatus:
    """Latest population, change over ``windows`` years, the gap and (with rates) the required migration.

    ``pop`` is the long table of :func:`analysis.ssb.read_population`. Without
    ``mortality`` and ``fertility`` (or when the projection cannot be set up)
    ``requirement`` is ``None``.
    """
    from analysis import population, projection

    tot = population.totals(pop, region)
    series = tot.set_index("year")["total"]
    latest_year = int(series.index.max())
    latest = int(series.loc[latest_year])
    change = {}
    for n in windows:
        then = latest_year - int(n)
        if then in series.index:
            change[int(n)] = (latest - int(series.loc[then]), int(series.loc[then]))
    req = scenario_total = scenario_net = path = None
    if mortality is not None and fertility is not None and target_year > latest_year:
        import pandas as pd

        try:
            s = projection.setup(pop, region, mortality, fertility, horizon=int(target_year))
            req = projection.required_net_migration(s, target=target, target_year=int(target_year),
                                                    profile="last5" if "last5" in s.profiles else "none")
            years = list(range(s.base_year, int(target_year) + 1))
            required = projection.run(s, req.per_year * req.profile, int(target_year)).sum(axis=(1, 2))
            frame = {"year": years, "required": required}
            if "last5" in s.profiles:
                scen = projection.run(s, s.profiles["last5"], int(target_year)).sum(axis=(1, 2))
                frame["scenario"] = scen
                scenario_total = float(scen[-1])
                scenario_net = float(s.profiles["last5"].sum())
            path = pd.DataFrame(frame)
        except AnalysisError:
            req = None
    return PopulationStatus(region=str(region), latest_year=latest_year, latest=latest, target=int(target),
                            target_year=int(target_year), history=tot, change=change, requirement=req,
                            scenario_total=scenario_total, scenario_net_per_year=scenario_net, path=path)


# --------------------------------------------------------------------------- population: kvinner


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

    @property
    def women_for_balance(self) -> int | None:
        if self.reference is None or self.reference not in self.comparisons:
            return None
        return max(0, math.ceil(self.men * self.comparisons[self.reference] / 100 - self.women - 1e-9))


def women_status(
    pop: "pd.DataFrame",
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
    from analysis import population

    ratio = population.women_per_100_men(pop, region, ages).dropna()
    if ratio.empty:
        raise AnalysisError(f"no men aged {ages[0]}–{ages[1]} in region {region}")
    sub = pop[(pop["region"] == str(region)) & pop["age"].between(ages[0], ages[1])]
    latest_year = int(ratio.index.max())
    last = sub[sub["year"] == latest_year]
    women = int(last.loc[last["sex"].astype(str) == "female", "population"].sum())
    men = int(last.loc[last["sex"].astype(str) == "male", "population"].sum())
    then = latest_year - int(years_back)
    comp: dict[str, float] = {}
    present = set(pop["region"].astype(str).unique())
    for code, label in comparisons:
        if str(code) in present and str(code) != str(region):
            r = population.women_per_100_men(pop, str(code), ages).dropna()
            if latest_year in r.index:
                comp[label] = float(r.loc[latest_year])
    return WomenStatus(
        region=str(region), ages=tuple(ages), latest_year=latest_year, ratio=float(ratio.loc[latest_year]),
        ratio_mean5=float(ratio[ratio.index > latest_year - 5].mean()), women=women, men=men,
        year_then=then if then in ratio.index else None,
        ratio_then=float(ratio.loc[then]) if then in ratio.index else None,
        comparisons=comp, reference=next(iter(comp), None),
    )


# --------------------------------------------------------------------------- population: unge


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


def young_status(
    pop: "pd.DataFrame",
    region: str,
    *,
    bands: Sequence[tuple[int, int | None]] = YOUNG_BANDS,
    years_back: int = TREND_YEARS,
) -> YoungStatus:
    """People in the young age bands (0–19, 20–39): latest, ``years_back`` years ago, share of all."""
    from analysis import population

    counts = population.age_bands(pop, region, bands)
    totals = population.totals(pop, region).set_index("year")["total"]
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
    return YoungStatus(str(region), latest_year, int(totals.loc[latest_year]), then if has_then else None, tuple(out))


# --------------------------------------------------------------------------- survey: bolyst


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


def bolyst_status(responses: "pd.DataFrame", *, threshold: int = MIN_CELL) -> BolystStatus:
    """Weighted share satisfied with living in the municipality and the recommend score, residents 18–40.

    Uses :func:`analysis.survey.analysis.residents` (in scope, weighted) and
    :func:`analysis.weighting.weighted_share`/:func:`~analysis.weighting.weighted_mean`;
    hides everything below ``threshold`` answers (small-cell rule). Free text is never read.
    """
    import numpy as np

    from analysis.survey import analysis as sa
    from analysis.weighting import weighted_mean, weighted_share

    weighted = "weight" in responses.columns and bool(responses["weight"].notna().any())
    if not weighted:
        return BolystStatus(n=None, suppressed=True, threshold=threshold, weighted=False)
    res = sa.residents(responses)
    w = res["weight"].to_numpy(dtype=float)
    y = res["sat_overall"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(y)
    sat = weighted_share(np.where(ok, np.isin(y, sa.SATISFIED), np.nan), w)
    r = res["recommend"].astype("Float64").to_numpy(dtype=float, na_value=np.nan) if "recommend" in res else None
    rec = weighted_mean(r, w, bounds=(0, 10)) if r is not None else {"n": 0}
    if sat["n"] < threshold:
        return BolystStatus(n=None, suppressed=True, threshold=threshold)
    rec_ok = rec["n"] >= threshold
    return BolystStatus(
        n=int(sat["n"]), suppressed=False, threshold=threshold,
        satisfied=float(sat["estimate"]), satisfied_lower=float(sat["lower"]), satisfied_upper=float(sat["upper"]),
        recommend=float(rec["estimate"]) if rec_ok else None,
        recommend_lower=float(rec["lower"]) if rec_ok else None,
        recommend_upper=float(rec["upper"]) if rec_ok else None,
    )


# --------------------------------------------------------------------------- workshops


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
    statements: "pd.DataFrame",
    *,
    goals: Sequence[str] = GOALS,
    theme_labels: Mapping[str, str] | None = None,
    top: int = 2,
) -> dict[str, WorkshopGoal]:
    """Per goal: groups that discussed it, forces, counter-forces and the top ``top`` counter-force themes."""
    import numpy as np

    from analysis import forcefield as ff

    data = ff.prepare(statements)
    summary = ff.force_summary(data, goals=goals)
    n_total = int(summary["group"].nunique())
    per_goal = summary.groupby("goal", sort=False).agg(
        n_groups=("discussed", "sum"), n_kraft=("n_kraft", "sum"), n_motkraft=("n_motkraft", "sum"))
    long = ff.theme_long(data, ("motkraft",))
    labels = dict(theme_labels) if theme_labels is not None else ff.theme_labels()
    out = {}
    for goal in goals:
        themes: tuple[str, ...] = ()
        sub = long.loc[long["goal"] == goal]
        if len(sub):
            sub = sub.assign(s=np.nan_to_num(sub["strength"].to_numpy(dtype=float)))
            ranked = sub.groupby("theme").agg(n_groups=("group", "nunique"), strength=("s", "sum")).reset_index()
            ranked = ranked.sort_values(["n_groups", "strength", "theme"], ascending=[False, False, True],
                                        kind="stable")
            themes = tuple(ff.theme_label(t, labels) for t in ranked["theme"].head(top))
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


def workshop_sentence(w: WorkshopGoal) -> str:
    """The workshop line of a card.

    >>> workshop_sentence(WorkshopGoal("unge", 3, 11, 5, 1, ("Bolig",)))
    '3 av 11 grupper drøftet målet: 5 drivkrefter og 1 motkraft. Tyngste motkraft: «Bolig».'
    """
    if w.n_groups == 0:
        return f"Ingen av de {fmt_int(w.n_groups_total)} gruppene drøftet dette målet."
    text = (f"{fmt_int(w.n_groups)} av {fmt_int(w.n_groups_total)} "
            f"{_plural(w.n_groups_total, 'gruppe', 'grupper')} drøftet målet: "
            f"{fmt_int(w.n_kraft)} {_plural(w.n_kraft, 'drivkraft', 'drivkrefter')} og "
            f"{fmt_int(w.n_motkraft)} {_plural(w.n_motkraft, 'motkraft', 'motkrefter')}.")
    if w.counter_themes:
        head = "Tyngste motkraft" if len(w.counter_themes) == 1 else "Tyngste motkrefter"
        text += f" {head}: " + " og ".join(f"«{t}»" for t in w.counter_themes) + "."
    elif w.n_motkraft:
        text += " Motkreftene er ikke kodet med tema."
    return text


# --------------------------------------------------------------------------- links


@dataclass(frozen=True)
class ReportLink:
    """A link to a detailed report in the same folder (``href`` is ``<output>.html``)."""

    title: str
    href: str


def report_links(
    region: str, *, catalogue: "Catalogue | None" = None, shareable: bool = True
) -> dict[str, ReportLink]:
    """The detailed reports the cards link to, found in the catalogue (loaded when not given).

    Keys: ``population`` (``befolkningsutvikling.ipynb`` with this
    ``kommunenummer``), ``forcefield`` (``kraftfelt-samlet``, or else the first
    ``kraftfelt_samlet.ipynb`` entry) and ``survey`` (``bolyst.ipynb``, this
    kommunenummer or none). A key is left out when no entry fits, and all
    are when the catalogue cannot be read. A shareable overview links only to
    shareable reports, so no link breaks in the bundle sent out of the municipality.
    """
    if catalogue is None:
        from analysis.catalogue import load_catalogue

        try:
            catalogue = load_catalogue()
        except AnalysisError:
            return {}
    region = str(region)
    entries = [e for e in catalogue.reports if e.shareable or not shareable]

    def kommune(e) -> str | None:
        value = e.parameters.get("kommunenummer")
        return None if value is None else str(value)

    found: dict[str, ReportLink] = {}
    pop = [e for e in entries if e.notebook == "befolkningsutvikling.ipynb" and kommune(e) == region]
    ff = sorted((e for e in entries if e.notebook == "kraftfelt_samlet.ipynb"),
                key=lambda e: e.id != "kraftfelt-samlet")
    survey = [e for e in entries if e.notebook == "bolyst.ipynb" and kommune(e) in (None, region)]
    for key, hits in (("population", pop), ("forcefield", ff), ("survey", survey)):
        if hits:
            found[key] = ReportLink(hits[0].title, f"{hits[0].output}.html")
    return found


GOAL_LINKS: dict[str, tuple[str, ...]] = {
    "bolyst": ("survey", "forcefield"),
    "innbyggertall": ("population", "forcefield"),
    "kvinner": ("population", "forcefield"),
    "unge": ("population", "forcefield"),
}


# --------------------------------------------------------------------------- cards


@dataclass
class GoalCard:
    """One goal as readers see it: every value is finished Norwegian text (escaped when rendered).

    ``figures`` are key figures (label → value); ``facts`` are labelled
    lines (``Indikator``, ``Utvikling``, ``Mål``, ``Avstand til målet``,
    ``I workshops og grendemøter``); ``messages`` say plainly that the goal's own
    data are missing (shown as a note at the top of the card).
    """

    goal: str
    title: str
    headline: str = ""
    figures: dict[str, str] = field(default_factory=dict)
    facts: list[tuple[str, str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    links: list[ReportLink] = field(default_factory=list)


def _new_card(goal: str, workshop: WorkshopGoal | str | None, links: Mapping[str, ReportLink] | None) -> GoalCard:
    card = GoalCard(goal=goal, title=GOAL_LABELS.get(goal, goal))
    card.facts.append(("Indikator", INDICATORS[goal]))
    if isinstance(workshop, WorkshopGoal):
        card.facts.append(("I workshops og grendemøter", workshop_sentence(workshop)))
    elif isinstance(workshop, str):
        card.facts.append(("I workshops og grendemøter", workshop))
    links = links or {}
    card.links = [links[k] for k in GOAL_LINKS.get(goal, ()) if k in links]
    return card


def _insert_before_workshops(card: GoalCard, facts: list[tuple[str, str]]) -> None:
    pos = next((i for i, (k, _) in enumerate(card.facts) if k == "I workshops og grendemøter"), len(card.facts))
    card.facts[pos:pos] = facts


def population_card(
    status: PopulationStatus | None,
    *,
    message: str | None = None,
    workshop: WorkshopGoal | str | None = None,
    links: Mapping[str, ReportLink] | None = None,
) -> GoalCard:
    """The ``innbyggertall`` card; ``message`` is shown instead of numbers when ``status`` is ``None``."""
    card = _new_card("innbyggertall", workshop, links)
    if status is None:
        card.messages.insert(0, message or MISSING_SSB)
        return card
    s, req = status, status.requirement
    date = f"1.1.{s.latest_year}"
    card.headline = f"{fmt_int(s.latest)} innbyggere {date}; mål: minst {fmt_int(s.target)} i {s.target_year}"
    if req is not None and req.per_year > 0:
        card.headline += f"; det krever netto innflytting på om lag {fmt_int(req.persons_per_year)} per år."
    elif req is not None:
        card.headline += "; det nås også uten netto innflytting."
    else:
        card.headline += "."
    card.figures[f"Innbyggere {date}"] = fmt_int(s.latest)
    card.figures[f"Mål 1.1.{s.target_year}"] = f"minst {fmt_int(s.target)}"
    if req is not None:
        card.figures["Nødvendig netto innflytting per år"] = fmt_int(req.persons_per_year)
    trend = [f"{fmt_int(c, signed=True)} siste {n} år (fra {fmt_int(v)} i {s.latest_year - n})"
             for n, (c, v) in sorted(s.change.items())]
    facts = []
    if trend:
        facts.append(("Utvikling", "Endring " + "; ".join(trend) + "."))
    facts.append(("Mål", f"Minst {fmt_int(s.target)} innbyggere 1. januar {s.target_year} (kommunestyrets mål)."))
    if s.gap > 0:
        gap = f"{fmt_int(s.gap)} {_plural(s.gap, 'innbygger', 'innbyggere')} under målet i dag."
    elif s.gap < 0:
        gap = f"{fmt_int(-s.gap)} {_plural(s.gap, 'innbygger', 'innbyggere')} over målet i dag."
    else:
        gap = "Folketallet er akkurat på målet i dag."
    if req is not None:
        gap += (f" Uten flytting ventes om lag {fmt_int(req.without)} innbyggere 1.1.{s.target_year}. "
                f"{req.sentence()}")
        if s.scenario_total is not None and s.scenario_net_per_year is not None:
            verdict = "nås målet" if s.scenario_total >= s.target else "nås ikke målet"
            gap += (f" Med flytting som de siste fem årene (netto {fmt_num(s.scenario_net_per_year, 0, signed=True)}"
                    f" per år) blir folketallet om lag {fmt_int(s.scenario_total)} i {s.target_year}, og da "
                    f"{verdict}.")
    elif s.target_year <= s.latest_year:
        gap += f" Målåret {s.target_year} er passert."
    else:
        gap += " " + MISSING_PROJECTION
    facts.append(("Avstand til målet", gap))
    _insert_before_workshops(card, facts)
    return card


def women_card(
    status: WomenStatus | None,
    *,
    message: str | None = None,
    workshop: WorkshopGoal | str | None = None,
    links: Mapping[str, ReportLink] | None = None,
) -> GoalCard:
    """The ``kvinner`` card (women per 100 men aged 20–39)."""
    card = _new_card("kvinner", workshop, links)
    if status is None:
        card.messages.insert(0, message or MISSING_SSB)
        return card
    s = status
    band = f"{s.ages[0]}–{s.ages[1]} år"
    card.headline = f"{fmt_num(s.ratio, 0)} kvinner per 100 menn i alderen {band} 1.1.{s.latest_year}"
    if s.reference is not None:
        card.headline += f" ({s.reference}: {fmt_num(s.comparisons[s.reference], 0)})."
    else:
        card.headline += "."
    card.figures[f"Kvinner per 100 menn {band}, {s.latest_year}"] = fmt_num(s.ratio, 0)
    card.figures["Snitt siste 5 år"] = fmt_num(s.ratio_mean5, 0)
    card.figures[f"Kvinner {band}"] = fmt_int(s.women)
    facts = []
    if s.ratio_then is not None:
        facts.append(("Utvikling", (
            f"Tallet har {_trend_word(round(s.ratio) - round(s.ratio_then))} fra {fmt_num(s.ratio_then, 0)} i "
            f"{s.year_then} til {fmt_num(s.ratio, 0)} i {s.latest_year}. I en liten kommune svinger tallet mye "
            f"fra år til år; snittet for de siste fem årene er {fmt_num(s.ratio_mean5, 0)}.")))
    if s.comparisons:
        facts.append(("Sammenlignet med", "; ".join(f"{name} {fmt_num(v, 0)}" for name, v in s.comparisons.items())
                      + f" kvinner per 100 menn ({s.latest_year})."))
    facts.append(("Mål", "Flere kvinnelige innbyggere (målet er ikke tallfestet)."))
    need = s.women_for_balance
    if need is not None:
        ref = s.comparisons[s.reference]
        if need > 0:
            facts.append(("Avstand til målet", (
                f"Med dagens {fmt_int(s.men)} menn i alderen {band} trengs om lag {fmt_int(need)} flere "
                f"{_plural(need, 'kvinne', 'kvinner')} i samme alder for å ha like mange kvinner per 100 menn som "
                f"{s.reference} ({fmt_num(ref, 0)}).")))
        else:
            facts.append(("Avstand til målet", (
                f"Kommunen har minst like mange kvinner per 100 menn i alderen {band} som {s.reference} "
                f"({fmt_num(ref, 0)}).")))
    _insert_before_workshops(card, facts)
    return card


def young_card(
    status: YoungStatus | None,
    *,
    message: str | None = None,
    workshop: WorkshopGoal | str | None = None,
    links: Mapping[str, ReportLink] | None = None,
) -> GoalCard:
    """The ``unge`` card (people 0–19 and 20–39)."""
    card = _new_card("unge", workshop, links)
    if status is None:
        card.messages.insert(0, message or MISSING_SSB)
        return card
    s = status
    card.headline = (" og ".join(f"{fmt_int(b.latest)} i alderen {b.label}" for b in s.bands)
                     + f" 1.1.{s.latest_year}.")
    for b in s.bands:
        card.figures[f"Innbyggere {b.label}, {s.latest_year}"] = fmt_int(b.latest)
    facts = []
    if s.year_then is not None:
        facts.append(("Utvikling", " ".join(
            f"{b.label}: {fmt_int(b.then)} i {s.year_then} og {fmt_int(b.latest)} i {s.latest_year} "
            f"({fmt_int(b.change, signed=True)}); andel av befolkningen {fmt_pct(b.share_then, 1)} → "
            f"{fmt_pct(b.share, 1)}." for b in s.bands)))
    facts.append(("Mål", "Flere yngre innbyggere (målet er ikke tallfestet)."))
    if s.year_then is not None:
        gaps = [f"{fmt_int(-b.change)} flere i alderen {b.label}" for b in s.bands if b.change < 0]
        if gaps:
            gap = (f"For å komme tilbake til nivået i {s.year_then} trengs " + " og ".join(gaps) + ".")
        else:
            gap = f"Det er flere i alle de unge aldersgruppene enn i {s.year_then}."
        facts.append(("Avstand til målet", gap))
    _insert_before_workshops(card, facts)
    return card


def bolyst_card(
    status: BolystStatus | None,
    *,
    message: str | None = None,
    workshop: WorkshopGoal | str | None = None,
    links: Mapping[str, ReportLink] | None = None,
    illustrative: bool = True,
) -> GoalCard:
    """The ``bolyst`` card: first measurement (baseline) from the survey; hidden below the small-cell threshold."""
    card = _new_card("bolyst", workshop, links)
    if status is None:
        card.messages.insert(0, message or MISSING_SURVEY)
        return card
    s = status
    if not s.weighted:
        card.messages.insert(0, UNWEIGHTED_SURVEY)
        return card
    facts = []
    if s.suppressed:
        card.headline = (f"Færre enn {s.threshold} innbyggere har svart, så resultatet vises ikke "
                         "(personvern).")
    else:
        ci = f"{fmt_num(100 * s.satisfied_lower, 0)}–{fmt_pct(s.satisfied_upper)}"
        card.headline = (f"{fmt_pct(s.satisfied)} av innbyggerne 18–40 år er fornøyde med å bo i kommunen "
                         f"(95 % konfidensintervall {ci}).")
        card.figures["Fornøyde med å bo her"] = fmt_pct(s.satisfied)
        if s.recommend is not None:
            card.figures["Vil anbefale en venn å flytte hit (0–10)"] = fmt_num(s.recommend, 1)
        card.figures["Svar fra innbyggere 18–40 år"] = fmt_int(s.n)
        if s.recommend is not None:
            facts.append(("Anbefaling", (
                f"På spørsmålet om de vil anbefale en venn å flytte hit, svarer innbyggerne i snitt "
                f"{fmt_num(s.recommend, 1)} på en skala fra 0 til 10 (95 % konfidensintervall "
                f"{fmt_num(s.recommend_lower, 1)}–{fmt_num(s.recommend_upper, 1)}).")))
    facts.append(("Utvikling", "Dette er første måling (nullpunkt). Utviklingen kan vises når undersøkelsen "
                               "gjentas."))
    facts.append(("Mål", "Økt bolyst (målet er ikke tallfestet): andelen fornøyde skal øke fra denne målingen."))
    if illustrative:
        facts.append(("Merk", "Svarene er illustrative eksempeldata, ikke en ekte måling."))
    _insert_before_workshops(card, facts)
    return card


def build_cards(
    layers: Layers,
    *,
    target: int = 1300,
    target_year: int = 2030,
    links: Mapping[str, ReportLink] | None = None,
    theme_labels: Mapping[str, str] | None = None,
    threshold: int = MIN_CELL,
) -> tuple[list[GoalCard], PopulationStatus | None]:
    """All four cards in the council's order, and the population status (for the figure).

    A layer that is missing, or whose numbers cannot be computed, gives its
    cards a plain Norwegian message instead of numbers; this never raises
    for missing data.
    """
    workshops: dict[str, WorkshopGoal | str | None] = {g: layers.statements_message for g in GOALS}
    if layers.statements is not None:
        try:
            workshops.update(workshop_status(layers.statements, theme_labels=theme_labels))
        except AnalysisError as exc:
            workshops = {g: f"Notatene fra workshops og grendemøter kunne ikke leses: {exc.message}" for g in GOALS}

    pop_status = women = young = None
    pop_message = layers.population_message
    if layers.population is not None:
        try:
            pop_status = population_status(layers.population, layers.region, target=target, target_year=target_year,
                                           mortality=layers.mortality, fertility=layers.fertility)
            comparisons = [("0", layers.names.get("0", "Norge"))]
            if layers.county:
                comparisons.append((layers.county, layers.names.get(layers.county, layers.county)))
            women = women_status(layers.population, layers.region, comparisons=comparisons)
            young = young_status(layers.population, layers.region)
        except AnalysisError as exc:
            pop_status = women = young = None
            pop_message = f"Befolkningstallene kunne ikke beregnes: {exc.message}"

    bolyst = None
    survey_message = layers.survey_message
    if layers.responses is not None:
        try:
            bolyst = bolyst_status(layers.responses, threshold=threshold)
        except (AnalysisError, KeyError) as exc:
            survey_message = f"Svarene i innbyggerundersøkelsen kunne ikke leses ({exc})."

    cards = {
        "bolyst": bolyst_card(bolyst, message=survey_message, workshop=workshops["bolyst"], links=links,
                              illustrative=layers.survey_illustrative),
        "innbyggertall": population_card(pop_status, message=pop_message, workshop=workshops["innbyggertall"],
                                         links=links),
        "kvinner": women_card(women, message=pop_message, workshop=workshops["kvinner"], links=links),
        "unge": young_card(young, message=pop_message, workshop=workshops["unge"], links=links),
    }
    return [cards[g] for g in GOALS], pop_status


# --------------------------------------------------------------------------- rendering


def card_html(card: GoalCard, level: int = 3) -> str:
    """One card as an HTML ``<section>`` with a real heading; every text value escaped."""
    hid = f"mal-{esc(card.goal)}"
    parts = [f'<section class="goal-card" aria-labelledby="{hid}">',
             f'<h{level} id="{hid}">{esc(card.title)}</h{level}>']
    if card.headline:
        parts.append(f'<p class="goal-headline"><strong>{esc(card.headline)}</strong></p>')
    for msg in card.messages:
        parts.append(f'<div class="callout callout-info" role="note"><strong>Ingen data:</strong> {esc(msg)}</div>')
    if card.figures:
        cells = "".join(f'<div class="key-figure"><div class="key-value">{esc(v)}</div>'
                        f'<div class="key-label">{esc(k)}</div></div>' for k, v in card.figures.items())
        parts.append(f'<div class="key-figures">{cells}</div>')
    for label, text in card.facts:
        parts.append(f'<p class="goal-fact"><strong>{esc(label)}:</strong> {esc(text)}</p>')
    if card.links:
        lis = "".join(f'<li><a href="{esc(link.href)}">{esc(link.title)}</a></li>' for link in card.links)
        parts.append(f'<p class="goal-links">Les mer i rapportene:</p><ul class="goal-links">{lis}</ul>')
    parts.append("</section>")
    return "".join(parts)


def render_cards(cards: Sequence[GoalCard], level: int = 3) -> "HTML":
    """The cards in a ``goal-cards`` grid (``IPython.display.HTML``); headings are ``<h3>`` by default."""
    from IPython.display import HTML

    return HTML('<div class="goal-cards">' + "".join(card_html(c, level) for c in cards) + "</div>")


def headlines(cards: Sequence[GoalCard]) -> list[str]:
    """One line per card, ``"Økt innbyggertall: 1 287 innbyggere …"``, for a summary list."""
    out = []
    for c in cards:
        text = c.headline or (c.messages[0] if c.messages else MISSING)
        out.append(f"{c.title}: {text}")
    return out


# --------------------------------------------------------------------------- figure


def population_figure_title(status: PopulationStatus, name: str) -> str:
    """A title that states the finding of :func:`plot_population_path`."""
    req = status.requirement
    text = f"{name}: {fmt_int(status.latest)} innbyggere i {status.latest_year}"
    if req is not None and req.per_year > 0:
        text += (f" – målet om minst {fmt_int(status.target)} i {status.target_year} krever netto innflytting "
                 f"på om lag {fmt_int(req.persons_per_year)} per år")
    elif req is not None:
        text += f" – målet om minst {fmt_int(status.target)} i {status.target_year} nås uten innflytting"
    return text


def population_figure_alt(status: PopulationStatus, name: str, first_year: int | None = None) -> str:
    """Alt text for :func:`plot_population_path` with the numbers it shows."""
    hist = status.history
    hist = hist[hist["year"] >= (status.latest_year - 20 if first_year is None else int(first_year))]
    first = hist.iloc[0]
    text = (f"Linjediagram over folketallet i {name} 1. januar fra {int(first['year'])} til {status.latest_year}: "
            f"{fmt_int(first['total'])} i {int(first['year'])} og {fmt_int(status.latest)} i {status.latest_year}. "
            f"Målet er minst {fmt_int(status.target)} i {status.target_year}.")
    req = status.requirement
    if req is not None and req.per_year > 0:
        text += (f" En stiplet linje viser veien til målet med netto innflytting på om lag "
                 f"{fmt_int(req.persons_per_year)} per år.")
    if status.scenario_total is not None:
        text += (f" Med flytting som de siste fem årene blir folketallet om lag {fmt_int(status.scenario_total)} "
                 f"i {status.target_year}.")
    return text


def plot_population_path(status: PopulationStatus, name: str, first_year: int | None = None) -> "Figure":
    """Registered population, the target (star and line), the path that reaches it and the last-5-years scenario.

    History starts in ``first_year`` (default: 20 years before the latest year).
    """
    from analysis import plotting
    from analysis.population import wrap_title

    hist = status.history
    first_year = status.latest_year - 20 if first_year is None else int(first_year)
    hist = hist[hist["year"] >= first_year]
    fig, ax = plotting.new_figure(9, 5)
    ax.plot(hist["year"], hist["total"], color=plotting.OKABE_ITO["black"], linewidth=2.5, marker="o", ms=3,
            label="Registrert folketall")
    if status.path is not None and status.requirement is not None and status.requirement.per_year > 0:
        p = status.path
        n = fmt_int(status.requirement.persons_per_year)
        ax.plot(p["year"], p["required"], color=plotting.OKABE_ITO["blue"], linestyle="--", linewidth=2,
                marker="s", ms=3, label=f"Veien til målet (netto innflytting om lag {n} per år)")
    if status.path is not None and "scenario" in status.path:
        ax.plot(status.path["year"], status.path["scenario"], color=plotting.NEUTRAL, linestyle=":", linewidth=2,
                label="Flytting som de siste fem årene")
    ax.axhline(status.target, color=plotting.HIGHLIGHT, linestyle="--", linewidth=1.2)
    ax.plot([status.target_year], [status.target], marker="*", ms=16, color=plotting.HIGHLIGHT, linestyle="none",
            label=f"Mål: minst {fmt_int(status.target)} i {status.target_year}")
    ax.annotate(fmt_int(status.latest), (status.latest_year, status.latest), textcoords="offset points",
                xytext=(0, -16), ha="center", fontsize=10)
    ax.set_title(wrap_title(population_figure_title(status, name)))
    ax.set_ylabel("Innbyggere 1. januar")
    ax.set_xlabel("År")
    plotting.norwegian_axis(ax.yaxis)
    ax.legend(loc="best", fontsize=9)
    return fig
