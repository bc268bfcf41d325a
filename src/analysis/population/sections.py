"""The sections of the population report ("Befolkningsutvikling"), ready to display.

A notebook loads a :class:`PopulationReport` once with :func:`load` and shows each section with
``display(*sections.<name>(report))``. Every section returns a list of display objects
(:mod:`analysis.report.html`), empty when the SSB data are missing: the first section then shows
the one message saying what is missing. Numbers come from :mod:`.indicators`, :mod:`.migration` and
:mod:`.projection`, the wording from :mod:`.text`, the charts from :mod:`.plots`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from analysis.numfmt import fmt_int
from analysis.population import cohort, indicators, migration, plots, projection, snapshot, text
from analysis.profile import Profile, load_profile
from analysis.report import html
from analysis.report.glossary import glossary_section

Section = list[Any]


@dataclass
class PopulationReport:
    """What the report needs for one municipality; derived tables are computed when first used."""

    region: str
    peers: list[str]
    target: int | None  # the council's population target (None: none set; never invented)
    target_year: int  # the target's year, or the reference year of the projection when there is none
    backtest_from: int
    horizon: int
    message: str | None = None  # why there are no data (None: data present)
    population: pd.DataFrame | None = field(default=None, repr=False)
    name: str = "kommunen"
    county: str = "0"
    #: the county shown beside the municipality: None when it has no other municipality (Oslo)
    county_shown: str | None = None
    compare: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # region code → type in regions.csv (kommune, fylke, land)
    peers_are: str = text.SIMILAR_PEERS  # what the peers are, for the chart guide
    old_code: str | None = None  # the municipality's own earlier number, if it was renumbered
    #: the last year of a history spread from an earlier municipality by a fixed share (those years are left
    #: out of ``population``: they are not the municipality's own figures), per compared region that has one
    split_until: dict[str, int] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return self.message is None

    @cached_property
    def totals(self) -> pd.DataFrame:
        return indicators.totals(self.population, self.region)

    @cached_property
    def indicators(self) -> pd.DataFrame:
        return indicators.indicators(self.population, self.region).set_index("year")

    @property
    def last_year(self) -> int:
        return int(self.totals["year"].max())

    @property
    def has_target(self) -> bool:
        return self.target is not None

    @cached_property
    def mortality(self) -> pd.DataFrame:
        return snapshot.read_mortality()

    @cached_property
    def fertility(self) -> pd.DataFrame:
        return snapshot.read_fertility()

    @cached_property
    def projections(self) -> pd.DataFrame:
        return snapshot.read_projections()

    @cached_property
    def migration(self) -> pd.DataFrame:
        return migration.residual_migration(self.population, self.region, self.mortality, self.fertility)

    @cached_property
    def registered(self) -> pd.DataFrame:
        """SSB's registered components of change (06913) where the snapshot has them."""
        return snapshot.read_components()

    @cached_property
    def components(self) -> pd.DataFrame:
        return migration.yearly_components(self.totals, self.migration, self.registered, self.region)

    @cached_property
    def periods(self) -> pd.DataFrame:
        return migration.whole_periods(migration.net_by_period(self.migration))  # whole persons, sums kept

    @cached_property
    def setup(self) -> projection.Setup:
        return projection.setup(
            self.population, self.region, self.mortality, self.fertility, horizon=self.horizon,
            county=self.county if self.county != self.region else None, components=self.registered,
        )  # fmt: skip

    @property
    def split(self) -> bool:
        """True when the history before a split was spread by a fixed share (no migration or projection then)."""
        return self.region in self.split_until

    @cached_property
    def scenarios(self) -> pd.DataFrame:
        return projection.scenarios(self.setup, self.horizon)

    @property
    def rates_years(self) -> tuple[int, int]:
        """The data years of the national mortality and fertility the projection holds fixed."""
        return self.setup.rates.mortality_years[0], self.setup.rates.fertility_years[0]

    @property
    def at_target_year(self) -> pd.Series:
        return self.scenarios[self.scenarios["year"] == self.target_year].set_index("scenario")["total"]


def load(
    kommunenummer: object = None,
    peers: list[object] | None = None,
    *,
    backtest_from: int,
    horizon: int,
    profile: Profile | None = None,
) -> PopulationReport:
    """Read the SSB snapshot for ``kommunenummer`` and its comparison regions; never raises for missing data.

    ``kommunenummer`` None means the profile's municipality. The target comes from the profile, and
    only for the profile's own municipality: any other municipality is described and compared, never
    measured against a target nobody set. ``peers`` None means the profile's peers for its own
    municipality, and otherwise the municipalities of the same county closest in size
    (:func:`analysis.population.indicators.default_peers`), the county and Norway.
    """
    profile = profile or load_profile()
    region = snapshot.region_code(profile.kommune.number if kommunenummer in (None, "") else kommunenummer)
    own = region == profile.kommune.number
    target = profile.population_target() if own else None
    report = PopulationReport(
        region=region,
        peers=[snapshot.region_code(p) for p in peers] if peers is not None else [],
        target=target.value if target else None,
        target_year=target.year if target else 0,
        backtest_from=backtest_from,
        horizon=horizon,
        message=snapshot.availability_message(region, snapshot.snapshot_dir()),
    )
    if report.message is None:
        regions = snapshot.read_regions()
        report.name = snapshot.region_name(region, regions)
        report.county = regions.loc[regions["region"] == region, "county"].iloc[0] or "0"
        report.county_shown = indicators.county_to_compare(region, regions)
        if peers is None:
            own_peers = [snapshot.region_code(p) for p in profile.peers] if own else []
            report.peers = own_peers or indicators.default_peers(region, regions, snapshot.latest_totals(regions))
            if own_peers:
                report.peers_are = profile.peers_are
        else:
            report.peers_are = "sammenligningskommuner"
        if report.county_shown is None and report.county != "0":  # Oslo: its county is itself, not a peer
            report.peers = [p for p in report.peers if p != report.county]
        report.old_code = snapshot.former_code(region)
        report.compare = list(dict.fromkeys([region, *report.peers, *filter(None, [report.county_shown]), "0"]))
        wanted = sorted({*report.compare, report.county, "0"})
        report.names = {r: snapshot.region_name(r, regions) for r in wanted}
        types = dict(zip(regions["region"].astype(str), regions["type"].astype(str)))
        report.kinds = {r: types.get(r, "") for r in wanted}
        report.population, report.split_until = snapshot.read_own_population(regions=wanted)
        if not report.target_year:
            report.target_year = text.reference_year(report.last_year)
    return report


def missing(r: PopulationReport) -> Section:
    """The one message shown when the SSB data are missing (nothing otherwise)."""
    return [] if r.has_data else [html.missing_data(r.message)]


def now(r: PopulationReport) -> Section:
    """How many live here now: key figures, the change, and a note when no target is set."""
    if not r.has_data:
        return []
    latest = r.indicators.loc[r.last_year]
    out = [
        *(
            [html.caution(text.shared_history_notice(r.name, r.split_until[r.region]), title="Kortere tidsserie:")]
            if r.split
            else []
        ),
        *(
            [html.caution(text.peer_split_notice(split_peers), title="Kortere sammenligning:")]
            if (split_peers := {r.names.get(p, p): y for p, y in r.split_until.items() if p != r.region})
            else []
        ),
        html.summary(text.summary_line(r.totals, r.name)),
        html.key_figures(text.key_figures(latest, r.indicators, r.last_year, r.target, r.target_year)),
        html.paragraph(text.change_sentence(r.totals, r.name)),
    ]
    if not r.has_target:
        out.append(html.paragraph(text.no_target_sentence(r.name, r.target_year, projection=not r.split)))
    return out


def history(r: PopulationReport) -> Section:
    """The population over time, in all and for women and men."""
    if not r.has_data:
        return []
    first = r.totals.iloc[0]
    latest = r.indicators.loc[r.last_year]
    change = int(latest["total"] - first["total"])
    return [
        html.heading(text.history_headline(change, int(first["year"])), level=3),
        html.figure(
            plots.plot_totals(r.totals, r.name, target=r.target, target_year=r.target_year),
            alt=text.totals_alt(r.name, first, r.last_year, latest["total"]),
            caption=f"Folketall 1. januar i {r.name}, i alt og etter kjønn. Kilde: SSB, tabell 07459.",
            guide=text.TOTALS_GUIDE if r.has_target else text.TOTALS_GUIDE_NO_TARGET,
        ),
    ]


def history_table(r: PopulationReport) -> Section:
    if not r.has_data:
        return []
    return [html.table(text.totals_table(r.totals), caption=f"Folketall 1. januar i {r.name}", decimals=0)]


def components(r: PopulationReport) -> Section:
    """Births, deaths and migration per year: SSB's registered figures, estimates where the snapshot has none."""
    if not r.has_data or r.components.empty:
        return []
    comp = migration.whole_people(r.components)  # whole persons: the sentences add up the table's rows
    title = text.components_headline(comp)
    out = [html.heading(title, level=3)]
    out += [html.paragraph(sentence) for sentence in text.components_sentences(comp, r.name)]
    out.append(
        html.figure(
            plots.plot_components(comp, text.components_headline(comp, r.name)),
            alt=text.components_alt(comp, r.name),
            caption=f"Fødte, døde og flytting per år i {r.name}. {text.components_source(comp)}",
            guide=text.COMPONENTS_GUIDE,
        )
    )
    out.append(html.table(text.components_table(comp), caption=f"Endringer i folketallet per år, {r.name}", decimals=0))
    return out


def comparison(r: PopulationReport) -> Section:
    """The population index against the peers, the county and Norway."""
    if not r.has_data:
        return []
    index = indicators.index_series(r.population, r.compare)
    base_year = int(index.index.min())
    last = index.loc[r.last_year]
    other = r.county_shown or "0"
    value = index.loc[r.last_year, r.region]
    weaker = value < index.loc[r.last_year, other]
    rank, n_towns = indicators.municipality_rank(last, r.region, r.kinds)
    title = text.index_title(r.name, value, r.last_year, rank, n_towns)
    return [
        html.heading(text.index_headline(r.name, weaker, r.names.get(other, other), base_year), level=3),
        html.figure(
            plots.plot_index(index, r.names, r.region, title),
            alt=text.index_alt(r.name, base_year, len(last) - 1, value, r.last_year),
            caption=f"Folketall 1. januar, indeks {base_year} = 100. Kilde: SSB, tabell 07459 (kommunegrenser 2024).",
            guide=text.index_guide(
                r.name, r.peers_are if set(r.compare) - {r.region, r.county, "0"} else None, r.county_shown is not None
            ),
        ),
        html.table(
            text.index_change_table(index, r.last_year, r.names),
            caption=f"Endring i folketall {base_year}–{r.last_year}",
        ),
    ]


def women(r: PopulationReport) -> Section:
    """Women per 100 men aged 20–39, against the county and Norway."""
    if not r.has_data:
        return []
    shown = dict.fromkeys([r.region, *filter(None, [r.county_shown]), "0"])
    ratios = {reg: indicators.women_per_100_men(r.population, reg) for reg in shown}
    frame = indicators.frame_from_series(ratios).dropna()
    mean5, first, last = text.recent_mean(frame[r.region])
    span = text.mean_span(first, last)
    fig = plots.plot_lines(
        frame,
        {reg: r.names.get(reg, reg) for reg in frame.columns},
        text.women_title(r.name, mean5, span),
        "Kvinner per 100 menn, 20–39 år",
        reference=100,
        reference_label="Like mange",
    )
    return [
        html.heading(text.women_headline(mean5, text.recent_mean(frame["0"])[0], span), level=3),
        html.figure(
            fig,
            alt=text.women_alt(r.name, r.last_year, frame[r.region].iloc[-1], r.county_shown is not None),
            caption="Kvinner per 100 menn i alderen 20–39 år, 1. januar. Kilde: SSB, tabell 07459.",
            guide=text.WOMEN_GUIDE,
        ),
    ]


def young(r: PopulationReport) -> Section:
    """People aged 0–19 and 20–39 over time."""
    if not r.has_data:
        return []
    young = r.indicators[["0–19 år", "20–39 år"]]
    change = young.iloc[-1] - young.iloc[0]
    first_year = int(young.index.min())
    fig = plots.plot_lines(
        young,
        {"0–19 år": "0–19 år", "20–39 år": "20–39 år"},
        text.young_title(r.name, young, r.last_year),
        "Innbyggere",
    )
    return [
        html.heading(text.young_headline(change, first_year), level=3),
        html.figure(
            fig,
            alt=text.young_alt(r.name, first_year, r.last_year, change),
            caption=f"Unge innbyggere 1. januar i {r.name}. Kilde: SSB, tabell 07459.",
            guide=text.YOUNG_GUIDE,
        ),
    ]


def key_indicators(r: PopulationReport) -> Section:
    if not r.has_data:
        return []
    return [
        html.table(
            text.key_indicators_table(r.indicators, r.last_year),
            caption=f"Nøkkeltall for {r.name}, 1. januar",
            decimals=1,
        )
    ]


def pyramid(r: PopulationReport) -> Section:
    """The age pyramid now against ten years earlier."""
    if not r.has_data:
        return []
    year_before = max(int(r.totals["year"].min()), r.last_year - 10)
    now_ = indicators.pyramid(r.population, r.region, r.last_year)
    before = indicators.pyramid(r.population, r.region, year_before)
    median_before = r.indicators.loc[year_before, "median_age"]
    median_now = r.indicators.loc[r.last_year, "median_age"]
    title = text.pyramid_title(r.name, median_before, median_now, year_before, r.last_year)
    return [
        html.figure(
            plots.plot_pyramid(now_, before, r.last_year, year_before, title),
            alt=text.pyramid_alt(r.name, r.last_year, year_before),
            caption=f"Innbyggere etter alder og kjønn 1. januar {r.last_year} (søyler) og {year_before} (strek). Kilde: SSB.",
            guide=text.pyramid_guide(year_before, r.last_year),
        )
    ]


def movers(r: PopulationReport) -> Section:
    """Net migration by age and sex per five-year period (residual method), checked against SSB."""
    if not r.has_data:
        return []
    if r.periods.empty:
        return [html.paragraph(text.no_migration_periods(r.name, int(r.totals["year"].min()), r.last_year))]
    finding = text.summary_sentence(r.periods)
    out = [
        html.heading(text.headline(r.periods, r.name), level=3),
        html.callout(finding, title="Hovedfunn:"),
    ]
    checks = migration.check_against_published(r.migration, r.registered, r.region)
    if len(checks) == 1:
        row = checks.iloc[0]
        out.append(html.paragraph(text.published_check_sentence(int(row.year), row.published, row.residual, r.name)))
    elif len(checks) > 1:
        out.append(html.paragraph(text.published_check_summary(checks, r.name)))
    out.append(
        html.figure(
            plots.plot_net_by_period(r.periods, text.headline(r.periods, r.name)),
            alt=text.migration_alt(r.periods["period"].nunique(), finding),
            caption=f"Beregnet netto flytting (restmetoden) for {r.name}, sum per femårsperiode. Kilde: SSB, egne beregninger.",
            guide=text.MIGRATION_GUIDE,
        )
    )
    return out


def movers_table(r: PopulationReport) -> Section:
    if not r.has_data or r.periods.empty:
        return []
    return [
        html.table(
            text.migration_table(r.periods),
            caption=f"Netto flytting per femårsperiode, {r.name} (personer)",
            decimals=0,
        )
    ]


def outlook(r: PopulationReport) -> Section:
    """What the projection gives in the target year, the method in words, and its assumptions."""
    if not r.has_data:
        return []
    if r.split:
        return [html.caution(text.history_warning(r.name), title="Framskrivingen vises ikke:")]
    at = r.at_target_year
    out = [
        html.paragraph(text.rates_held_sentence(*r.rates_years)),
        html.heading(text.projection_headline(at["model"], at["none"], r.target_year), level=3),
        html.markdown(text.MODEL_METHOD),
        html.table(text.assumptions_table(r.setup), caption="Forutsetninger i framskrivingen"),
    ]
    model = r.scenarios[r.scenarios["scenario"] == "model"]
    end = float(model["total"].iloc[-1])
    base = float(model["total"].iloc[0])
    if base > 0 and not 0.5 <= end / base <= 2.0:
        out.insert(0, html.caution(text.explosion_warning(r.name, base, end, r.horizon)))
    return out


def outlook_chart(r: PopulationReport) -> Section:
    """Registered population and the projected scenarios, with SSB's projection where the snapshot has it."""
    if not r.has_data or r.split:
        return []
    at = r.at_target_year
    official = projection.newest_official(r.projections, r.region)
    official = official[official["year"] > r.last_year]
    fig = plots.plot_scenarios(
        r.totals,
        r.scenarios,
        r.name,
        text.scenarios_title(r.name, r.target_year, at["model"], at["none"]),
        target=r.target,
        target_year=r.target_year,
        official=official,
        official_label=text.official_label(official),
    )
    years = [r.last_year, r.target_year, 2035, 2040, r.horizon]
    return [
        html.figure(
            fig,
            alt=text.scenarios_alt(r.name, r.last_year, r.horizon, r.target_year, at),
            caption=f"Framskrevet folketall 1. januar for {r.name}: hovedberegningen, sammenligningene og flytting som "
            "før. Egne beregninger på SSB-data.",
            guide=text.SCENARIOS_GUIDE,
        ),
        html.table(text.scenarios_table(r.scenarios, years), caption="Framskrevet folketall 1. januar", decimals=0),
    ]


def requirement(r: PopulationReport) -> Section:
    """The yearly net in-migration the target needs (movers shaped as the last five, and ten, years)."""
    if not r.has_data:
        return []
    if r.target is None:
        return [html.paragraph(text.no_target_requirement(r.name, projection=not r.split))]
    if r.split:
        return [html.caution(text.history_warning(r.name), title="Kan ikke beregnes:")]
    reqs = projection.requirement_range(r.setup, target=r.target, target_year=r.target_year)
    req = reqs["model"]
    totals = [q.persons_per_year for q in reqs.values() if q.per_year > 0] or [req.persons_per_year]
    return [
        html.heading(text.requirement_headline(req, r.target, r.target_year), level=3),
        html.callout(text.requirement_sentence(req), title="Nøkkeltall:"),
        html.key_figures(
            text.requirement_figures(req, (min(totals), max(totals)), r.target_year, r.setup.profiles["last5"].sum())
        ),
        *[html.paragraph(p) for p in text.requirement_uncertainty(reqs)],
        html.paragraph(text.REQUIREMENT_METHOD.format(year=r.target_year, target=fmt_int(r.target))),
    ]


def backtest(r: PopulationReport) -> Section:
    """How well the model did: a projection from ``backtest_from`` against what was registered."""
    if not r.has_data:
        return []
    if r.split:
        return [html.paragraph(text.backtest_split(r.name, r.split_until[r.region]))]
    start = r.backtest_from
    if start not in set(r.totals["year"]):
        return [html.no_data(f"Folketallet for {start} mangler, så tilbaketesten kan ikke vises.")]
    intro = html.paragraph(
        text.backtest_intro(
            start,
            max(int(r.totals["year"].min()), start - projection.MODEL.window),
            cohort.mortality_rates(r.mortality, start - 1)[1],
            cohort.fertility_array(r.fertility, start - 1)[1],
        )
    )
    bt = projection.backtest(
        r.population, r.region, r.mortality, r.fertility, start_year=start,
        county=r.county if r.county != r.region else None, components=r.registered,
    )  # fmt: skip
    summary = projection.backtest_summary(bt).set_index("scenario")
    error = summary.loc["model"]
    last_year = int(error["last_year"])
    official = projection.official_projection(r.projections, r.region)
    official = official[official["vintage"].map(projection.vintage_year) == start]
    official = official[official["year"] >= start]
    ssb = projection.official_errors(official, r.totals, last_year)
    if ssb is not None:
        summary.loc["ssb"] = {"label": text.official_label(official), **ssb}
    fig = plots.plot_backtest(
        bt,
        r.totals,
        start,
        text.backtest_title(r.name, start, error["error_last"], last_year),
        official=official,
        official_label=text.official_label(official),
    )
    comparison = text.backtest_comparison(
        r.name, start, summary.loc["model", "mape"], ssb["mape"] if ssb else None,
        summary.loc["none", "mape"], summary.loc["constant", "mape"],
    )  # fmt: skip
    return [
        intro,
        html.paragraph(comparison),
        html.figure(
            fig,
            alt=text.backtest_alt(r.name, start, last_year, summary),
            caption=f"Tilbaketest: framskriving fra 1. januar {start} mot registrert folketall. Egne beregninger.",
            guide=text.backtest_guide(start),
        ),
        html.table(
            text.backtest_table(summary, last_year),
            caption="Avvik mellom framskrevet og registrert folketall",
            decimals=0,
        ),
    ]


def official(r: PopulationReport) -> Section:
    """SSB's own projections for the municipality: the newest beside the package's, an older one against what came."""
    if not r.has_data:
        return []
    proj = projection.official_projection(r.projections, r.region)
    if proj.empty:
        return [html.paragraph(text.NO_OFFICIAL)]
    out = []
    newest = projection.newest_official(r.projections, r.region)
    ahead = newest[newest["year"] > r.last_year]
    if len(ahead):
        own = r.scenarios[r.scenarios["scenario"] == "last5"].set_index("year")["total"]
        out.append(html.paragraph(text.newest_official_sentence(text.official_label(newest), ahead, own, r.name)))
    for _vintage, old in proj.groupby("vintage", sort=True):
        compared = old.merge(r.totals, on="year", how="inner")
        compared = compared[compared["year"] > compared["year"].min()]
        if len(compared):
            out.append(html.paragraph(text.official_sentence(text.official_label(old), compared)))
    return out


def about(r: PopulationReport) -> Section:
    """Sources and methods ("Om tallene"), with the years of the rates taken from the data."""
    if not r.has_data:
        return []
    return [html.markdown(text.about_the_numbers(*r.rates_years, r.old_code, r.name))]


def glossary() -> Section:
    """«Ord og begreper»: the words of this report, each with a one-line explanation."""
    return glossary_section("population")
