"""Norwegian wording of the goals overview: indicator descriptions, messages for missing data,
sentences and figure texts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.numfmt import fmt_int
from analysis.privacy import fewer_than
from analysis.profile import Indicator, Profile

if TYPE_CHECKING:  # pragma: no cover
    from analysis.goals.status import Layers, PopulationStatus, WorkshopGoal

    pass


def indicator_text(indicator: Indicator | None, survey_ages: tuple[int, int] = (18, 40)) -> str:
    """What a goal's indicator measures, in one sentence for the card.

    >>> indicator_text(Indicator(kind="women_per_100_men", ages=(20, 39)))
    'Kvinner per 100 menn i alderen 20–39 år, 1. januar. SSB, tabell 07459.'
    >>> indicator_text(Indicator(kind="age_bands", bands=((0, 19), (20, 39))))
    'Innbyggere 0–19 år og 20–39 år, 1. januar. SSB, tabell 07459.'
    """
    if indicator is None:
        return "Profilen sier ikke hvordan målet måles."
    if indicator.kind == "population_total":
        return "Folketall 1. januar. SSB, tabell 07459."
    if indicator.kind == "women_per_100_men":
        lo, hi = indicator.ages
        return f"Kvinner per 100 menn i alderen {lo}–{hi} år, 1. januar. SSB, tabell 07459."
    if indicator.kind == "age_bands":
        return (
            "Innbyggere "
            + " og ".join(f"{lo}–{hi} år" for lo, hi in indicator.bands)
            + ", 1. januar. SSB, tabell 07459."
        )
    lo, hi = survey_ages
    answers = " eller ".join(str(v) for v in indicator.values)
    if indicator.item == "sat_overall":
        return (
            f"Andel innbyggere {lo}–{hi} år som er fornøyde med å bo i kommunen (svar {answers} på en skala "
            "fra 1 til 5), vektet etter alder og kjønn. Innbyggerundersøkelsen."
        )
    return (
        f"Andel innbyggere {lo}–{hi} år som svarer {answers} på spørsmålet «{indicator.item}», vektet etter "
        "alder og kjønn. Innbyggerundersøkelsen."
    )


NO_GOALS = (
    "Kommunestyrets mål er ikke lagt inn i kommuneprofilen ennå. Rapporten viser derfor bare hvordan "
    "befolkningen utvikler seg, og regner ikke mot noe mål. Når målene er lagt inn, får hvert mål sitt eget kort."
)
NO_GOAL_CARDS = "Ingen mål er lagt inn ennå, så det er ingen kort å vise."
CARDS_GUIDE = (
    "Hvert kort viser indikatoren for målet, siste tall, utviklingen, målet og hvor langt det er igjen, og hva "
    "gruppene i workshops og grendemøter sa om målet. Lenkene fører til rapportene med flere detaljer."
)
NO_INDICATOR = (
    "Kommuneprofilen sier ikke hvordan dette målet måles, så kortet viser bare hva workshops og grendemøter sa om det."
)


MISSING_SSB = (
    "Befolkningstall fra SSB mangler, så dette målet kan ikke vises. Hent dataene med "
    "«analysis fetch-ssb» eller la ANALYSIS_SSB_DIR peke på en mappe med SSB-data."
)


MISSING_WORKSHOPS = (
    "Det finnes ingen bearbeidede notater fra workshops og grendemøter ennå. Når notatene "
    "ligger i data/raw/workshops/ og «analysis clean» er kjørt, vises kreftene her."
)


EMPTY_WORKSHOPS = "Notatene fra workshops og grendemøter inneholder ingen utsagn ennå."


MISSING_SURVEY = (
    "Resultater fra innbyggerundersøkelsen finnes ikke ennå. Når svarene ligger i "
    "data/raw/survey/ og «analysis clean» er kjørt, vises målingen av bolyst her."
)


UNWEIGHTED_SURVEY = (
    "Svarene i innbyggerundersøkelsen er ikke vektet, fordi befolkningstall fra SSB manglet "
    "da dataene ble renset. Kjør «analysis clean» på nytt med SSB-data."
)


MISSING_PROJECTION = (
    "Dødelighet og fruktbarhet fra SSB-mappen mangler, så det kan ikke regnes ut hvor mye innflytting som trengs."
)


SHARED_HISTORY_NO_PROJECTION = (
    "Kommunen ble delt nylig, og tallene fra før delingen er ikke kommunens egne, så det finnes for få år "
    "til å regne ut hvor mye innflytting som trengs (som i befolkningsrapporten)."
)


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


def illustrative_what(layers: Layers) -> str | None:
    """What in the report is illustrative, for :func:`analysis.report.html.illustrative_notice` (``None``: nothing).

    >>> from analysis.goals.status import Layers
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


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]


POPULATION_KINDS = ("population_total", "women_per_100_men", "age_bands")


def data_note(layers: Layers, profile: Profile) -> str:
    """One sentence telling readers which numbers are real (SSB); the illustrative notice covers the rest."""
    ssb = [g.in_text for g in profile.goals if g.indicator is not None and g.indicator.kind in POPULATION_KINDS]
    if ssb:
        text = f"Tallene for {_join(ssb)} er ekte tall fra Statistisk sentralbyrå (SSB)."
    else:
        text = "Befolkningstallene er ekte tall fra Statistisk sentralbyrå (SSB)."
    if layers.population is None:
        text += " De vises når SSB-dataene er på plass."
    return text


def workshop_sentence(w: WorkshopGoal) -> str:
    """The workshop line of a card.

    >>> from analysis.goals.status import WorkshopGoal
    >>> workshop_sentence(WorkshopGoal("unge", 3, 11, 5, 1, ("Bolig",)))
    '3 av 11 grupper drøftet målet: 5 drivkrefter og 1 motkraft. Tyngste motkraft: «Bolig».'
    >>> workshop_sentence(WorkshopGoal("unge", 2, 11, 0, 6, ()))
    '2 av 11 grupper drøftet målet: 6 motkrefter. Motkreftene er ikke kodet med tema.'
    """
    if w.n_groups == 0:
        return f"Ingen av de {fmt_int(w.n_groups_total)} gruppene drøftet dette målet."

    def count(n: int, one: str, many: str) -> str:
        return f"{fmt_int(n)} {_plural(n, one, many)}"

    named = [
        count(n, one, many)
        for n, one, many in ((w.n_kraft, "drivkraft", "drivkrefter"), (w.n_motkraft, "motkraft", "motkrefter"))
        if n
    ]
    what = " og ".join(named) if named else "ingen drivkrefter eller motkrefter"
    text = (
        f"{fmt_int(w.n_groups)} av {fmt_int(w.n_groups_total)} "
        f"{_plural(w.n_groups_total, 'gruppe', 'grupper')} drøftet målet: {what}."
    )
    if w.counter_themes:
        head = "Tyngste motkraft" if len(w.counter_themes) == 1 else "Tyngste motkrefter"
        text += f" {head}: " + " og ".join(f"«{t}»" for t in w.counter_themes) + "."
    elif w.n_motkraft:
        text += " Motkreftene er ikke kodet med tema."
    return text


def population_figure_title(status: PopulationStatus, name: str) -> str:
    """A title that states the finding of :func:`plot_population_path`."""
    req = status.requirement
    text = f"{name}: {fmt_int(status.latest)} innbyggere i {status.latest_year}"
    if status.target is None:
        return text
    if req is not None and req.per_year > 0:
        text += (
            f" – målet om minst {fmt_int(status.target)} i {status.target_year} krever netto innflytting "
            f"på om lag {fmt_int(req.persons_per_year)} per år"
        )
    elif req is not None:
        text += f" – målet om minst {fmt_int(status.target)} i {status.target_year} nås uten innflytting"
    return text


def population_figure_alt(status: PopulationStatus, name: str, first_year: int | None = None) -> str:
    """Alt text for :func:`plot_population_path` with the numbers it shows."""
    hist = status.history
    hist = hist[hist["year"] >= (status.latest_year - 20 if first_year is None else int(first_year))]
    first = hist.iloc[0]
    text = (
        f"Linjediagram over folketallet i {name} 1. januar fra {int(first['year'])} til {status.latest_year}: "
        f"{fmt_int(first['total'])} i {int(first['year'])} og {fmt_int(status.latest)} i {status.latest_year}."
    )
    if status.target is not None:
        text += f" Målet er minst {fmt_int(status.target)} i {status.target_year}."
    req = status.requirement
    if req is not None and req.per_year > 0:
        text += (
            f" En stiplet linje viser veien til målet med netto innflytting på om lag "
            f"{fmt_int(req.persons_per_year)} per år."
        )
    if status.scenario_total is not None:
        text += (
            f" Hovedberegningen (den grønne prikkede linjen) gir om lag {fmt_int(status.scenario_total)} "
            f"i {status.target_year}."
        )
    return text


def about_the_numbers(threshold: int, profile: Profile) -> str:
    """The overview's "Om tallene" list (Markdown written here): sources, methods and the privacy threshold used."""
    lo, hi = profile.survey.ages
    lines = ["- **Befolkningstallene**: SSB, tabell 07459, folkemengde 1. januar etter kjønn og alder (ekte tall)."]
    if profile.population_target() is not None:
        lines.append(
            "- **Nødvendig innflytting** er regnet ut med samme framskriving som i rapporten om befolkningsutvikling: "
            "dødelighet og fruktbarhet som i Norge (trukket mot kommunens nivå), og nye innbyggere med samme fordeling "
            "på alder og kjønn som i hovedberegningen. Tallet er et anslag, ikke en prognose; rapporten om "
            "befolkningsutvikling viser spennet med andre flyttemønstre."
        )
    for goal in profile.goals:
        if goal.indicator is not None and goal.indicator.kind == "survey_share":
            lines.append(
                f"- **{goal.label}** måles i innbyggerundersøkelsen blant innbyggere {lo}–{hi} år (første måling), "
                "vektet etter alder og kjønn."
            )
    lines.append(
        "- **Workshops og grendemøter**: antall grupper, drivkrefter og motkrefter per mål; tyngste motkraft er "
        "temaet flest grupper nevnte som motkraft."
    )
    lines.append(
        f"- **Personvern**: Resultater for {fewer_than(threshold)} personer vises ikke, og rapporten viser ingen "
        "fritekstsvar eller sitater."
    )
    return "\n".join(lines)


def population_verdict(s: PopulationStatus) -> str:
    """What the main projection says about the target, never "reached" against the latest two years' direction.

    The main projection is the population report's (:data:`analysis.population.projection.MODEL`); the
    latest two-year change is always stated. When the projection ends above the target but the last two
    years fell, the sentence says the target is reached only if the fall turns.
    """
    change = s.change.get(2)
    recent = ""
    if change is not None:
        delta, then = change
        word = "økt" if delta > 0 else "falt" if delta < 0 else "stått stille"
        amount = f" med {fmt_int(abs(delta))}" if delta else ""
        recent = f" De siste to årene har folketallet {word}{amount} (fra {fmt_int(then)} i {s.latest_year - 2})."
    projected = (
        f"Hovedberegningen i befolkningsrapporten gir om lag {fmt_int(s.scenario_total)} innbyggere i {s.target_year}"
    )
    if s.scenario_total >= s.target:
        if change is not None and change[0] < 0:
            return (
                f"{projected}, over målet – men den bygger på flyttingen over ti år.{recent} Målet nås bare hvis "
                "nedgangen snur."
            )
        return f"{projected}, og da nås målet.{recent}"
    return f"{projected}, og da nås ikke målet.{recent}"
