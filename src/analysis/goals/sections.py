"""The sections of the goals overview ("Oversikt over hovedmålene"), ready to display.

``overview = sections.load(links)`` reads the municipality profile (its goals, targets and indicators)
and every data layer that exists (a missing one gives its cards a plain Norwegian message); each
section returns a list of display objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.goals import cards, plots, status, text
from analysis.privacy import MIN_CELL
from analysis.profile import Profile, load_profile
from analysis.report import html

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


def load(links: Mapping[str, Mapping[str, str]] | None = None, profile: Profile | None = None) -> Overview:
    """The profile's municipality and goals, every layer that exists, and one card per goal (links as the
    build passes them)."""
    profile = profile or load_profile()
    layers = status.load_layers(profile.kommune.number)
    goal_cards, population = cards.build_cards(layers, profile, links=cards.report_links_from(links))
    return Overview(profile, layers, goal_cards, population)


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
    return [cards.render_cards(o.cards)] if o.cards else [html.paragraph(text.NO_GOAL_CARDS)]


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
