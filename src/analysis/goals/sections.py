"""The sections of the goals overview ("Oversikt over hovedmålene"), ready to display.

``overview = sections.load(links)`` reads the municipality profile (its goals, targets and indicators)
and every data layer that exists (a missing one gives its cards a plain Norwegian message); each
section returns a list of display objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from IPython.display import HTML

from analysis.forcefield import metrics as ffm
from analysis.forcefield import text as fft
from analysis.goals import cards, decision, plots, status, text
from analysis.privacy import MIN_CELL
from analysis.profile import Profile, load_profile
from analysis.report import html
from analysis.report.glossary import glossary_section

Section = list[Any]

FIGURE_GUIDE = (
    "Den svarte linjen er registrert folketall. Den blå stiplede linjen viser hvordan folketallet må "
    "utvikle seg for å nå målet (stjernen), den grønne prikkede hovedberegningen fra rapporten om befolkningsutvikling, og de grå linjene "
    "sammenligningene uten flytting og med uendret folketall."
)
FIGURE_GUIDE_NO_TARGET = "Den svarte linjen er registrert folketall 1. januar hvert år."


@dataclass
class Overview:
    profile: Profile
    layers: status.Layers
    cards: list[cards.GoalCard]
    population: status.PopulationStatus | None
    verdicts: list[decision.Verdict] = field(default_factory=list)
    priorities: list[decision.Priority] = field(default_factory=list)
    links: dict[str, cards.ReportLink] = field(default_factory=dict)


def load(
    links: Mapping[str, Mapping[str, str]] | None = None,
    profile: Profile | None = None,
    group_weights: Mapping[str, float] | None = None,
) -> Overview:
    """The profile's municipality and goals, every layer that exists, one card and one verdict per goal, and
    the highest priorities (links as the build passes them; ``group_weights`` as the across-groups report's)."""
    profile = profile or load_profile()
    layers = status.load_layers(profile.kommune.number)
    report_links = cards.report_links_from(links)
    data, population = cards.goal_data(layers, profile)
    goal_cards = cards.cards_from(data, layers, profile, links=report_links)
    prio: list[decision.Priority] = []
    if layers.statements is not None and len(layers.statements):
        # the same table and weights as the across-groups report, so the scores are the same numbers
        prepared = ffm.prepare(ffm.for_display(layers.statements))
        table = ffm.priorities(prepared, weights=dict(group_weights) if group_weights else None)
        prio = decision.top_priorities(table, fft.theme_labels())
    return Overview(profile, layers, goal_cards, population, decision.verdicts(data), prio, report_links)


def decision_page(o: Overview) -> Section:
    """The decision page: a summary line, one verdict per goal by the stated rule, the highest priorities with a
    link, and what the council is asked to decide or follow up."""
    if not o.verdicts:
        return [html.paragraph(text.NO_GOAL_CARDS)]
    out: Section = [
        html.summary(decision.summary_sentence(o.verdicts)),
        HTML(decision.verdict_table_html(o.verdicts)),
        html.markdown(decision.RULES),
    ]
    if o.priorities:
        out += [
            html.heading("Hva bør prioriteres?", 3),
            HTML(decision.priorities_html(o.priorities, o.links.get("forcefield"))),
        ]
    asks = decision.follow_ups(o.verdicts, o.priorities)
    if asks:
        out += [html.heading("Til beslutning og oppfølging", 3), html.bullet_list(asks)]
    return out


def introduction(o: Overview) -> Section:
    """The illustrative-data notice (when some layer is illustrative) and which numbers are real."""
    out: Section = []
    what = text.illustrative_what(o.layers)
    if what:
        out.append(html.illustrative_notice(what))
    if o.layers.population is None:
        # Without the population figures the overview has nothing to measure most goals by.
        out.append(html.missing_data(o.layers.population_message or text.MISSING_SSB))
        return out
    out.append(html.paragraph(text.data_note(o.layers, o.profile)))
    if not o.profile.goals:
        out.append(html.callout(text.NO_GOALS, title="Ingen mål ennå:"))
    return out


def goal_cards(o: Overview) -> Section:
    """The goal cards with their guide (the guide promises links, so only where there are cards)."""
    if not o.cards:
        return [html.paragraph(text.NO_GOAL_CARDS)]
    return [html.paragraph(text.CARDS_GUIDE), cards.render_cards(o.cards)]


def population_path(o: Overview) -> Section:
    """The population figure: registered, the target, and the path that reaches it."""
    if o.population is None:
        return [html.no_data(o.layers.population_message or text.MISSING_SSB)]
    name = o.layers.name
    if o.population.target is None:
        caption, guide = f"Folketall 1. januar i {name}. Kilde: SSB, tabell 07459.", FIGURE_GUIDE_NO_TARGET
    else:
        caption = (
            f"Folketall 1. januar i {name}, mål og vei til målet. Kilde: SSB, tabell 07459; "
            "framskrivingen er egne beregninger."
        )
        guide = FIGURE_GUIDE
    return [
        html.figure(
            plots.plot_population_path(o.population, name),
            alt=text.population_figure_alt(o.population, name),
            caption=caption,
            guide=guide,
        )
    ]


def about(o: Overview) -> Section:
    """Sources and methods ("Om tallene"), with the privacy threshold the overview uses."""
    return [html.markdown(text.about_the_numbers(MIN_CELL, o.profile))]


def glossary() -> Section:
    """«Ord og begreper»: the words of this report, each with a one-line explanation."""
    return glossary_section("overview")
