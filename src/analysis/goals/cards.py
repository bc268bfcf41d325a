"""The cards of the goals overview: one per main goal, every value finished Norwegian text.

Each ``*_card`` function turns a status from :mod:`analysis.goals.status` into a :class:`GoalCard`
(numbers formatted by :mod:`analysis.numfmt`), :func:`build_cards` makes all four from the layers,
and :func:`render_cards` shows them as HTML (every text value escaped with
:func:`analysis.report.html.esc`; ``<h3>`` headings, for use under a ``##`` section of the
notebook). Links to the detailed reports come in from the build (:func:`report_links_from`).

>>> from analysis.goals.cards import GoalCard, render_cards
>>> card = GoalCard("unge", "Flere yngre innbyggere", headline="204 i alderen 0–19 år <1.1.2026>")
>>> "&lt;1.1.2026&gt;" in render_cards([card]).data
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from IPython.display import HTML

from analysis.errors import AnalysisError
from analysis.goals.status import (
    BolystStatus,
    Layers,
    PopulationStatus,
    WomenStatus,
    WorkshopGoal,
    YoungStatus,
    bolyst_status,
    population_status,
    women_status,
    workshop_status,
    young_status,
)
from analysis.goals.text import (
    MISSING_PROJECTION,
    MISSING_SSB,
    MISSING_SURVEY,
    NO_INDICATOR,
    SHARED_HISTORY_NO_PROJECTION,
    UNWEIGHTED_SURVEY,
    _plural,
    _trend_word,
    indicator_text,
    population_verdict,
    workshop_sentence,
)
from analysis.numfmt import MISSING, fmt_int, fmt_interval, fmt_num, fmt_pct
from analysis.population.text import MEAN_YEARS, mean_span, requirement_sentence
from analysis.privacy import MIN_CELL, fewer_than
from analysis.profile import Goal, Profile
from analysis.report.html import esc
from analysis.survey.text import WEIGHTED_RESIDENTS

# --------------------------------------------------------------------------- layers


# --------------------------------------------------------------------------- population: innbyggertall


# --------------------------------------------------------------------------- population: kvinner


# --------------------------------------------------------------------------- population: unge


# --------------------------------------------------------------------------- survey: bolyst


# --------------------------------------------------------------------------- workshops


# --------------------------------------------------------------------------- links


@dataclass(frozen=True)
class ReportLink:
    """A link to a detailed report in the same folder (``href`` is ``<output>.html``)."""

    title: str
    href: str


def report_links_from(links: Mapping[str, Mapping[str, str]] | None) -> dict[str, ReportLink]:
    """The notebook parameter ``links`` (``{key: {"title", "href"}}``, set by the build) as :class:`ReportLink`s.

    Keys: ``population``, ``forcefield``, ``survey``. ``None`` (a notebook run by hand in JupyterLab,
    where the other reports' files are not beside it) gives no links.

    >>> report_links_from({"survey": {"title": "Bolyst", "href": "bolyst.html"}})
    {'survey': ReportLink(title='Bolyst', href='bolyst.html')}
    """
    return {key: ReportLink(str(v["title"]), str(v["href"])) for key, v in (links or {}).items()}


#: Which detailed reports a card links to, by the kind of its goal's indicator.
INDICATOR_LINKS: dict[str | None, tuple[str, ...]] = {
    "survey_share": ("survey", "forcefield"),
    "population_total": ("population", "forcefield"),
    "women_per_100_men": ("population", "forcefield"),
    "age_bands": ("population", "forcefield"),
    None: ("forcefield",),
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


def _new_card(
    goal: Goal, workshop: WorkshopGoal | str | None, links: Mapping[str, ReportLink] | None, survey_ages=(18, 40)
) -> GoalCard:
    card = GoalCard(goal=goal.id, title=goal.label)
    card.facts.append(("Indikator", indicator_text(goal.indicator, survey_ages)))
    if isinstance(workshop, WorkshopGoal):
        card.facts.append(("I workshops og grendemøter", workshop_sentence(workshop)))
    elif isinstance(workshop, str):
        card.facts.append(("I workshops og grendemøter", workshop))
    links = links or {}
    kind = goal.indicator.kind if goal.indicator is not None else None
    card.links = [links[k] for k in INDICATOR_LINKS[kind] if k in links]
    return card


def _insert_before_workshops(card: GoalCard, facts: list[tuple[str, str]]) -> None:
    pos = next((i for i, (k, _) in enumerate(card.facts) if k == "I workshops og grendemøter"), len(card.facts))
    card.facts[pos:pos] = facts


def population_card(
    goal: Goal,
    status: PopulationStatus | None,
    *,
    message: str | None = None,
    workshop: WorkshopGoal | str | None = None,
    links: Mapping[str, ReportLink] | None = None,
) -> GoalCard:
    """The card of a goal measured by the population; ``message`` is shown instead of numbers when ``status``
    is ``None``. Without a target (``status.target`` ``None``) it describes the trend and sets no gap."""
    card = _new_card(goal, workshop, links)
    if status is None:
        card.messages.insert(0, message or MISSING_SSB)
        return card
    s, req = status, status.requirement
    date = f"1.1.{s.latest_year}"
    if s.target is None:
        card.headline = f"{fmt_int(s.latest)} innbyggere {date}."
        card.figures[f"Innbyggere {date}"] = fmt_int(s.latest)
        trend = [
            f"{fmt_int(c, signed=True)} siste {n} år (fra {fmt_int(v)} i {s.latest_year - n})"
            for n, (c, v) in sorted(s.change.items())
        ]
        facts = [("Utvikling", "Endring " + "; ".join(trend) + ".")] if trend else []
        facts.append(("Mål", f"{goal.label} (målet er ikke tallfestet)."))
        _insert_before_workshops(card, facts)
        return card
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
    trend = [
        f"{fmt_int(c, signed=True)} siste {n} år (fra {fmt_int(v)} i {s.latest_year - n})"
        for n, (c, v) in sorted(s.change.items())
    ]
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
        gap += (
            f" Uten flytting ventes om lag {fmt_int(req.without)} innbyggere 1.1.{s.target_year}. "
            f"{requirement_sentence(req)}"
        )
        if s.scenario_total is not None:
            gap += " " + population_verdict(s)
    elif s.target_year <= s.latest_year:
        gap += f" Målåret {s.target_year} er passert."
    else:
        gap += " " + (s.no_projection_reason or MISSING_PROJECTION)
    facts.append(("Avstand til målet", gap))
    _insert_before_workshops(card, facts)
    return card


def women_card(
    goal: Goal,
    status: WomenStatus | None,
    *,
    message: str | None = None,
    workshop: WorkshopGoal | str | None = None,
    links: Mapping[str, ReportLink] | None = None,
) -> GoalCard:
    """The ``kvinner`` card (women per 100 men aged 20–39)."""
    card = _new_card(goal, workshop, links)
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
    first = s.latest_year - MEAN_YEARS + 1 if s.mean_first_year is None else s.mean_first_year
    card.figures[f"Snitt {mean_span(first, s.latest_year, 'digits')}"] = fmt_num(s.ratio_mean5, 0)
    card.figures[f"Kvinner {band}"] = fmt_int(s.women)
    facts = []
    if s.ratio_then is not None:
        facts.append(
            (
                "Utvikling",
                (
                    f"Tallet har {_trend_word(round(s.ratio) - round(s.ratio_then))} fra {fmt_num(s.ratio_then, 0)} i "
                    f"{s.year_then} til {fmt_num(s.ratio, 0)} i {s.latest_year}. I en liten kommune svinger tallet mye "
                    f"fra år til år; snittet for {mean_span(first, s.latest_year, 'definite')} er {fmt_num(s.ratio_mean5, 0)}."
                ),
            )
        )
    if s.comparisons:
        facts.append(
            (
                "Sammenlignet med",
                "; ".join(f"{name} {fmt_num(v, 0)}" for name, v in s.comparisons.items())
                + f" kvinner per 100 menn ({s.latest_year}).",
            )
        )
    facts.append(("Mål", f"{goal.label} (målet er ikke tallfestet)."))
    need = s.women_for_balance
    if need is not None:
        ref = s.comparisons[s.reference]
        if need > 0:
            facts.append(
                (
                    "Avstand til målet",
                    (
                        f"Med dagens {fmt_int(s.men)} menn i alderen {band} trengs om lag {fmt_int(need)} flere "
                        f"{_plural(need, 'kvinne', 'kvinner')} i samme alder for å ha like mange kvinner per 100 menn som "
                        f"{s.reference} ({fmt_num(ref, 0)})."
                    ),
                )
            )
        else:
            facts.append(
                (
                    "Avstand til målet",
                    (
                        f"Kommunen har minst like mange kvinner per 100 menn i alderen {band} som {s.reference} "
                        f"({fmt_num(ref, 0)})."
                    ),
                )
            )
    _insert_before_workshops(card, facts)
    return card


def young_card(
    goal: Goal,
    status: YoungStatus | None,
    *,
    message: str | None = None,
    workshop: WorkshopGoal | str | None = None,
    links: Mapping[str, ReportLink] | None = None,
) -> GoalCard:
    """The card of a goal measured by people in age bands (0–19 and 20–39 by default)."""
    card = _new_card(goal, workshop, links)
    if status is None:
        card.messages.insert(0, message or MISSING_SSB)
        return card
    s = status
    card.headline = " og ".join(f"{fmt_int(b.latest)} i alderen {b.label}" for b in s.bands) + f" 1.1.{s.latest_year}."
    for b in s.bands:
        card.figures[f"Innbyggere {b.label}, {s.latest_year}"] = fmt_int(b.latest)
    facts = []
    if s.year_then is not None:
        facts.append(
            (
                "Utvikling",
                " ".join(
                    f"{b.label}: {fmt_int(b.then)} i {s.year_then} og {fmt_int(b.latest)} i {s.latest_year} "
                    f"({fmt_int(b.change, signed=True)}); andel av befolkningen {fmt_pct(b.share_then, 1)} → "
                    f"{fmt_pct(b.share, 1)}."
                    for b in s.bands
                ),
            )
        )
    facts.append(("Mål", f"{goal.label} (målet er ikke tallfestet)."))
    if s.year_then is not None:
        gaps = [f"{fmt_int(-b.change)} flere i alderen {b.label}" for b in s.bands if b.change < 0]
        if gaps:
            gap = f"For å komme tilbake til nivået i {s.year_then} trengs " + " og ".join(gaps) + "."
        else:
            gap = f"Det er flere i alle de unge aldersgruppene enn i {s.year_then}."
        facts.append(("Avstand til målet", gap))
    _insert_before_workshops(card, facts)
    return card


def bolyst_card(
    goal: Goal,
    status: BolystStatus | None,
    *,
    message: str | None = None,
    workshop: WorkshopGoal | str | None = None,
    links: Mapping[str, ReportLink] | None = None,
    illustrative: bool = True,
    survey_ages: tuple[int, int] = (18, 40),
) -> GoalCard:
    """The ``bolyst`` card: first measurement (baseline) from the survey; hidden below the small-cell threshold."""
    card = _new_card(goal, workshop, links, survey_ages)
    ages = f"{survey_ages[0]}–{survey_ages[1]} år"
    if status is None:
        card.messages.insert(0, message or MISSING_SURVEY)
        return card
    s = status
    if not s.weighted:
        card.messages.insert(0, UNWEIGHTED_SURVEY)
        return card
    facts = []
    if s.suppressed:
        card.headline = (
            f"{fewer_than(s.threshold).capitalize()} innbyggere har svart, så resultatet vises ikke (personvern)."
        )
    else:
        ci = fmt_interval(s.satisfied_lower, s.satisfied_upper, percent=True)
        card.headline = (
            f"{fmt_pct(s.satisfied)} av innbyggerne {ages} er fornøyde med å bo i kommunen "
            f"(95 % konfidensintervall {ci})."
        )
        card.figures["Fornøyde med å bo her"] = fmt_pct(s.satisfied)
        if s.recommend is not None:
            card.figures["Vil anbefale en venn å flytte hit (0–10)"] = fmt_num(s.recommend, 1)
        card.figures[WEIGHTED_RESIDENTS] = fmt_int(s.n)
        if s.recommend is not None:
            facts.append(
                (
                    "Anbefaling",
                    (
                        f"På spørsmålet om de vil anbefale en venn å flytte hit, svarer innbyggerne i snitt "
                        f"{fmt_num(s.recommend, 1)} på en skala fra 0 til 10 (95 % konfidensintervall "
                        f"{fmt_interval(s.recommend_lower, s.recommend_upper, 1)})."
                    ),
                )
            )
    facts.append(("Utvikling", "Dette er første måling (nullpunkt). Utviklingen kan vises når undersøkelsen gjentas."))
    facts.append(("Mål", f"{goal.label} (målet er ikke tallfestet): andelen fornøyde skal øke fra denne målingen."))
    if illustrative:
        facts.append(("Merk", "Svarene er illustrative eksempeldata, ikke en ekte måling."))
    _insert_before_workshops(card, facts)
    return card


def indicator_card(
    goal: Goal, *, workshop: WorkshopGoal | str | None, links: Mapping[str, ReportLink] | None
) -> GoalCard:
    """The card of a goal the profile gives no indicator: what the workshops said, and a note."""
    card = _new_card(goal, workshop, links)
    card.messages.insert(0, NO_INDICATOR)
    return card


@dataclass
class GoalData:
    """One goal's numbers, computed once for its card and the decision page.

    ``status`` is the goal's status object from :mod:`analysis.goals.status` (``None`` with a plain
    Norwegian ``message`` when its data are missing); ``workshop`` what the workshops said.
    """

    goal: Goal
    status: object | None = None
    message: str | None = None
    workshop: WorkshopGoal | str | None = None

    @property
    def kind(self) -> str | None:
        return self.goal.indicator.kind if self.goal.indicator is not None else None


def goal_data(
    layers: Layers,
    profile: Profile,
    *,
    theme_labels: Mapping[str, str] | None = None,
    threshold: int = MIN_CELL,
) -> tuple[list[GoalData], PopulationStatus | None]:
    """Every goal's numbers in the council's order, and the population status (for the figure).

    A layer that is missing, or whose numbers cannot be computed, leaves a plain Norwegian message
    instead; this never raises for missing data. A goal without a target is never given one.
    """
    goal_ids = profile.goal_ids
    workshops: dict[str, WorkshopGoal | str | None] = {g: layers.statements_message for g in goal_ids}
    if layers.statements is not None:
        try:
            workshops.update(workshop_status(layers.statements, goals=goal_ids, theme_labels=theme_labels))
        except AnalysisError as exc:
            workshops = {g: f"Notatene fra workshops og grendemøter kunne ikke leses: {exc.message}" for g in goal_ids}

    target = profile.population_target()
    pop_status = None
    pop_message = layers.population_message
    comparisons = [("0", layers.names.get("0", "Norge"))]
    if layers.county_shown:
        comparisons.append((layers.county_shown, layers.names.get(layers.county_shown, layers.county_shown)))
    if layers.population is not None:
        try:
            pop_status = population_status(
                layers.population,
                layers.region,
                target=None if target is None else int(round(target.value)),
                target_year=None if target is None else target.year,
                mortality=layers.mortality,
                fertility=layers.fertility,
                county=layers.county or None,
                components=layers.components,
            )
        except AnalysisError as exc:
            pop_message = f"Befolkningstallene kunne ikke beregnes: {exc.message}"
        if pop_status is not None and layers.split:
            pop_status = replace(pop_status, no_projection_reason=SHARED_HISTORY_NO_PROJECTION)

    out = []
    for goal in profile.goals:
        d = GoalData(goal, workshop=workshops.get(goal.id))
        kind = d.kind
        if kind is None:
            pass
        elif kind == "survey_share":
            d.message = layers.survey_message
            if layers.responses is not None:
                try:
                    d.status = bolyst_status(
                        layers.responses, threshold=threshold, item=goal.indicator.item, values=goal.indicator.values
                    )
                except (AnalysisError, KeyError) as exc:
                    d.message = f"Svarene i innbyggerundersøkelsen kunne ikke leses ({exc})."
        elif kind == "population_total":
            d.status, d.message = pop_status, pop_message
        else:
            d.message = pop_message
            if layers.population is not None and pop_status is not None:
                try:
                    d.status = (
                        women_status(
                            layers.population, layers.region, comparisons=comparisons, ages=goal.indicator.ages
                        )
                        if kind == "women_per_100_men"
                        else young_status(layers.population, layers.region, bands=goal.indicator.bands)
                    )
                except AnalysisError as exc:
                    d.message = f"Befolkningstallene kunne ikke beregnes: {exc.message}"
        out.append(d)
    return out, pop_status


def cards_from(
    data: Sequence[GoalData], layers: Layers, profile: Profile, *, links: Mapping[str, ReportLink] | None = None
) -> list[GoalCard]:
    """One card per goal from :func:`goal_data`."""
    cards = []
    for d in data:
        common = {"workshop": d.workshop, "links": links}
        if d.kind is None:
            cards.append(indicator_card(d.goal, **common))
        elif d.kind == "survey_share":
            cards.append(
                bolyst_card(
                    d.goal,
                    d.status,
                    message=d.message,
                    illustrative=layers.survey_illustrative,
                    survey_ages=profile.survey.ages,
                    **common,
                )
            )
        elif d.kind == "population_total":
            cards.append(population_card(d.goal, d.status, message=d.message, **common))
        else:
            card_for = women_card if d.kind == "women_per_100_men" else young_card
            cards.append(card_for(d.goal, d.status, message=d.message, **common))
    return cards


def build_cards(
    layers: Layers,
    profile: Profile,
    *,
    links: Mapping[str, ReportLink] | None = None,
    theme_labels: Mapping[str, str] | None = None,
    threshold: int = MIN_CELL,
) -> tuple[list[GoalCard], PopulationStatus | None]:
    """One card per goal of ``profile`` in the council's order, and the population status (for the figure).

    A layer that is missing, or whose numbers cannot be computed, gives its
    cards a plain Norwegian message instead of numbers; this never raises
    for missing data. A goal without a target is described and compared, never given an invented target.
    """
    data, pop_status = goal_data(layers, profile, theme_labels=theme_labels, threshold=threshold)
    return cards_from(data, layers, profile, links=links), pop_status


# --------------------------------------------------------------------------- rendering


def card_html(card: GoalCard, level: int = 3) -> str:
    """One card as an HTML ``<section>`` with a real heading; every text value escaped."""
    hid = f"mal-{esc(card.goal)}"
    parts = [
        f'<section class="goal-card" aria-labelledby="{hid}">',
        f'<h{level} id="{hid}">{esc(card.title)}</h{level}>',
    ]
    if card.headline:
        parts.append(f'<p class="goal-headline"><strong>{esc(card.headline)}</strong></p>')
    for msg in card.messages:
        parts.append(f'<div class="callout callout-info" role="note"><strong>Ingen data:</strong> {esc(msg)}</div>')
    if card.figures:
        cells = "".join(
            f'<div class="key-figure"><div class="key-value">{esc(v)}</div><div class="key-label">{esc(k)}</div></div>'
            for k, v in card.figures.items()
        )
        parts.append(f'<div class="key-figures">{cells}</div>')
    for label, text in card.facts:
        parts.append(f'<p class="goal-fact"><strong>{esc(label)}:</strong> {esc(text)}</p>')
    if card.links:
        lis = "".join(f'<li><a href="{esc(link.href)}">{esc(link.title)}</a></li>' for link in card.links)
        parts.append(f'<p class="goal-links">Les mer i rapportene:</p><ul class="goal-links">{lis}</ul>')
    parts.append("</section>")
    return "".join(parts)


def render_cards(cards: Sequence[GoalCard], level: int = 3) -> HTML:
    """The cards in a ``goal-cards`` grid (``IPython.display.HTML``); headings are ``<h3>`` by default."""

    return HTML('<div class="goal-cards">' + "".join(card_html(c, level) for c in cards) + "</div>")


def headlines(cards: Sequence[GoalCard]) -> list[str]:
    """One line per card, ``"Økt innbyggertall: 1 287 innbyggere …"``, for a summary list."""
    out = []
    for c in cards:
        text = c.headline or (c.messages[0] if c.messages else MISSING)
        out.append(f"{c.title}: {text}")
    return out


# --------------------------------------------------------------------------- figure
