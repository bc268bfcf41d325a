"""The sections of the goals overview ("Oversikt over hovedmålene"), ready to display.

``overview = sections.load(kommunenummer, target, target_year, links)`` reads every layer that exists
(a missing one gives its cards a plain Norwegian message); each section returns a list of display
objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.goals import cards, plots, status, text
from analysis.privacy import MIN_CELL
from analysis.report import html

Section = list[Any]

FIGURE_GUIDE = (
    "Den svarte linjen er registrert folketall. Den blå stiplede linjen viser hvordan folketallet må "
    "utvikle seg for å nå målet (stjernen), den grå prikkede hva som skjer med flytting som de siste fem årene."
)


@dataclass
class Overview:
    layers: status.Layers
    cards: list[cards.GoalCard]
    population: status.PopulationStatus | None


def load(
    kommunenummer: object, target: int, target_year: int, links: Mapping[str, Mapping[str, str]] | None = None
) -> Overview:
    """Every layer that exists, and the four cards built from them (links as the build passes them)."""
    layers = status.load_layers(str(kommunenummer))
    goal_cards, population = cards.build_cards(
        layers, target=target, target_year=target_year, links=cards.report_links_from(links)
    )
    return Overview(layers, goal_cards, population)


def introduction(o: Overview) -> Section:
    """The illustrative-data notice (when some layer is illustrative) and which numbers are real."""
    out: Section = []
    what = text.illustrative_what(o.layers)
    if what:
        out.append(html.illustrative_notice(what))
    out.append(html.paragraph(text.data_note(o.layers)))
    return out


def goal_cards(o: Overview) -> Section:
    return [cards.render_cards(o.cards)]


def population_path(o: Overview) -> Section:
    """The population figure: registered, the target, and the path that reaches it."""
    if o.population is None:
        return [html.no_data(o.layers.population_message or text.MISSING_SSB)]
    name = o.layers.name
    return [
        html.figure(
            plots.plot_population_path(o.population, name),
            alt=text.population_figure_alt(o.population, name),
            caption=(
                f"Folketall 1. januar i {name}, mål og vei til målet. Kilde: SSB, tabell 07459; "
                "framskrivingen er egne beregninger."
            ),
            guide=FIGURE_GUIDE,
        )
    ]


def about(o: Overview) -> Section:
    """Sources and methods ("Om tallene"), with the privacy threshold the overview uses."""
    return [html.markdown(text.about_the_numbers(MIN_CELL))]
