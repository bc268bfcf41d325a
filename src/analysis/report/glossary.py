"""The package's one glossary: the Norwegian words reports use for the analysis's concepts.

Every report says the same thing with the same word. The municipality's own project description calls
the stakeholder sessions *workshops* («en workshop», «workshopen», «workshops», «workshopene»), so the
reports do too — never «verksted» or «arbeidsverksted». Text modules take their words from here
(:func:`word`), a report can show a short «Ord og begreper» list (:func:`glossary_section`), and
:func:`find_synonyms` finds a word a report must not use (a test runs it over every text module and
every built report).

>>> word("workshop", "definite")
'workshopen'
>>> word("grendemote", "plural_definite")
'grendemøtene'
>>> term("motkraft").explanation[:34]
'Noe som holder igjen og gjør målet'
>>> find_synonyms("Temaene i verkstedene og i et arbeidsverksted")
[('verkstedene', 'workshop'), ('arbeidsverksted', 'workshop')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.report import html

FORMS = ("singular", "definite", "plural", "plural_definite")


@dataclass(frozen=True)
class Term:
    """One concept: its id, the word readers see (and its forms), a one-line explanation, words not to use.

    ``forms`` are the indefinite and definite singular and plural (``workshop, workshopen, workshops,
    workshopene``); ``avoid`` are regular expressions (case-insensitive, whole words) of synonyms a report
    must not use for this concept.
    """

    id: str
    forms: tuple[str, str, str, str]
    explanation: str
    heading: str | None = None  # how the glossary lists it, when not the singular (e.g. «påvirkbar, påvirkbarhet»)
    avoid: tuple[str, ...] = ()

    @property
    def word(self) -> str:
        """The word in its basic form (indefinite singular)."""
        return self.forms[0]

    @property
    def title(self) -> str:
        """The word as the glossary lists it."""
        return self.heading or self.word


#: The concepts in the order a reader meets them (the force-field terms first, then survey and population).
TERMS: tuple[Term, ...] = (
    Term(
        "workshop",
        ("workshop", "workshopen", "workshops", "workshopene"),
        "Samling der en gruppe – arbeidsgruppen, kommunestyret eller et av rådene – gikk gjennom kommunens "
        "hovedmål etter samme opplegg: ønskede resultater, delmål, drivkrefter, motkrefter og tiltak.",
        avoid=(r"(arbeids)?verksted\w*",),
    ),
    Term(
        "grendemote",
        ("grendemøte", "grendemøtet", "grendemøter", "grendemøtene"),
        "Møte med innbyggerne i én grend (bygd), med samme opplegg som i workshopene.",
        avoid=(r"bygdemøte\w*",),
    ),
    Term(
        "gruppe",
        ("gruppe", "gruppen", "grupper", "gruppene"),
        "De som har holdt en workshop eller et grendemøte: arbeidsgruppen, kommunestyret, rådene og hver "
        "grend for seg. Hver gruppe har sin egen rapport.",
        avoid=(r"interessegruppe\w*", r"interessent\w*"),
    ),
    Term(
        "utsagn",
        ("utsagn", "utsagnet", "utsagn", "utsagnene"),
        "Én linje i notatene fra en workshop eller et grendemøte: et ønsket resultat, et delmål, en drivkraft, "
        "en motkraft eller et tiltak.",
    ),
    Term(
        "hovedmal",
        ("hovedmål", "hovedmålet", "hovedmål", "hovedmålene"),
        "Målene kommunestyret har vedtatt, for eksempel økt bolyst eller flere yngre innbyggere.",
    ),
    Term(
        "onsket_resultat",
        ("ønsket resultat", "det ønskede resultatet", "ønskede resultater", "de ønskede resultatene"),
        "Det gruppen vil at skal være oppnådd, skrevet som om det allerede har skjedd: «Det bor like mange "
        "kvinner som menn i kommunen».",
    ),
    Term(
        "delmal",
        ("delmål", "delmålet", "delmål", "delmålene"),
        "Et mindre, konkret mål på veien mot et hovedmål.",
    ),
    Term(
        "kraftfeltanalyse",
        ("kraftfeltanalyse", "kraftfeltanalysen", "kraftfeltanalyser", "kraftfeltanalysene"),
        "Metoden workshopene brukte: for hvert mål skrives det opp hva som drar mot målet og hva som holder "
        "igjen, og hvor sterkt, slik at tiltakene kan rettes mot det som holder igjen.",
    ),
    Term(
        "drivkraft",
        ("drivkraft", "drivkraften", "drivkrefter", "drivkreftene"),
        "Noe som drar kommunen mot målet, for eksempel at fjernarbeid er blitt vanlig. I notatmalen heter det «kraft».",
        avoid=(r"pådriver\w*", r"krefter (og|eller) motkrefter"),
    ),
    Term(
        "motkraft",
        ("motkraft", "motkraften", "motkrefter", "motkreftene"),
        "Noe som holder igjen og gjør målet vanskeligere å nå, for eksempel mangel på utleieboliger.",
        avoid=(r"motstandskraft\w*", r"bremsekraft\w*"),
    ),
    Term(
        "styrke",
        ("styrke", "styrken", "styrker", "styrkene"),
        "Hvor sterkt gruppen mener en drivkraft eller motkraft virker, fra 1 (svakt) til 5 (sterkt).",
    ),
    Term(
        "nettokraft",
        ("nettokraft", "nettokraften", "nettokrefter", "nettokreftene"),
        "Summen av styrken til drivkreftene minus summen av styrken til motkreftene for et mål. Under null: "
        "motkreftene veier tyngst.",
    ),
    Term(
        "tiltak",
        ("tiltak", "tiltaket", "tiltak", "tiltakene"),
        "Noe kommunen eller andre kan gjøre for å nå målet, gjerne for å svekke en motkraft. Et tiltak er "
        "«koblet» til en motkraft når gruppen (eller analytikeren) har skrevet hvilken motkraft det svarer på.",
    ),
    Term(
        "tema",
        ("tema", "temaet", "temaer", "temaene"),
        "Det et utsagn handler om, for eksempel bolig eller samferdsel. Temaene settes automatisk, av en "
        "ordliste og en modell lært av over 5\u00a0000 håndkodede utsagn, og kan ta feil i enkeltutsagn.",
    ),
    Term(
        "pavirkbar",
        ("påvirkbarhet", "påvirkbarheten", "påvirkbarheter", "påvirkbarhetene"),
        "Hvor mye kommunen selv kan påvirke en motkraft eller et tiltak, fra 1 (nesten ikke) til 5 (i stor "
        "grad). Det som er lite påvirkbart, må ofte påvirkes hos fylket eller staten.",
        heading="påvirkbar, påvirkbarhet",
        avoid=(r"påvirkningsgrad\w*", r"påvirkelig\w*"),
    ),
    Term(
        "viktighet",
        ("viktighet", "viktigheten", "viktigheter", "viktighetene"),
        "Hvor viktig en motkraft eller et tiltak er, fra 1 til 5: styrken gruppen ga det, eller for et tiltak "
        "uten egen styrke, styrken til motkreftene det er koblet til.",
    ),
    Term(
        "prioriteringsmatrise",
        ("prioriteringsmatrise", "prioriteringsmatrisen", "prioriteringsmatriser", "prioriteringsmatrisene"),
        "Distriktssenterets diagram som plasserer motkrefter og tiltak etter viktighet (loddrett) og "
        "påvirkbarhet (vannrett). Øverst til høyre står det som er viktig og som kommunen selv kan gjøre noe med.",
        avoid=(r"prioritetsmatrise\w*", r"prioriteringskart\w*"),
    ),
    Term(
        "bolyst",
        ("bolyst", "bolysten", "bolyster", "bolystene"),
        "Lysten til å bo et sted: hvor godt folk trives, og om de vil bli boende eller flytte hit.",
    ),
    Term(
        "utflytter",
        ("utflytter", "utflytteren", "utflyttere", "utflytterne"),
        "En som har bodd i kommunen og flyttet ut. I spørreundersøkelsen svarte også utflyttere.",
    ),
    Term(
        "vekting",
        ("vekting", "vektingen", "vektinger", "vektingene"),
        "Svarene telles slik at de til sammen har samme fordeling på alder og kjønn som befolkningen, så "
        "grupper som svarte mye, ikke får for stor plass.",
    ),
    Term(
        "konfidensintervall",
        ("konfidensintervall", "konfidensintervallet", "konfidensintervaller", "konfidensintervallene"),
        "Spennet det sanne tallet trolig ligger i (95 %). Et bredt intervall betyr at tallet er usikkert.",
    ),
    Term(
        "framskriving",
        ("framskriving", "framskrivingen", "framskrivinger", "framskrivingene"),
        "Beregning av hvordan folketallet kan utvikle seg hvis fødsler, dødsfall og flytting fortsetter som "
        "forutsatt. Det er et regnestykke, ikke en spådom.",
        avoid=(r"befolkningsprognose\w*", r"fremskriving\w*", r"fremskrivning\w*", r"framskrivning\w*"),
    ),
    Term(
        "nettoinnflytting",
        ("netto innflytting", "netto innflytting", "netto innflytting", "netto innflytting"),
        "Hvor mange flere som flyttet inn enn ut. Et negativt tall betyr at flere flyttet ut enn inn.",
    ),
    Term(
        "fodselsoverskudd",
        ("fødselsoverskudd", "fødselsoverskuddet", "fødselsoverskudd", "fødselsoverskuddene"),
        "Fødte minus døde. Et negativt tall (fødselsunderskudd) betyr at flere døde enn ble født.",
    ),
    Term(
        "registrert",
        ("registrert", "registrert", "registrerte", "registrerte"),
        "Tall SSB har registrert. «Beregnet» betyr at tallet er regnet ut i denne rapporten; rapportene "
        "sier alltid hvilket.",
        heading="registrert og beregnet",
    ),
)

_BY_ID: dict[str, Term] = {t.id: t for t in TERMS}

#: The terms each kind of report lists under «Ord og begreper».
REPORT_TERMS: dict[str, tuple[str, ...]] = {
    "forcefield": (
        "workshop",
        "grendemote",
        "gruppe",
        "utsagn",
        "onsket_resultat",
        "delmal",
        "drivkraft",
        "motkraft",
        "styrke",
        "nettokraft",
        "tiltak",
        "tema",
        "pavirkbar",
        "viktighet",
        "prioriteringsmatrise",
    ),
    "survey": ("bolyst", "utflytter", "vekting", "konfidensintervall", "tema", "workshop", "grendemote"),
    "population": ("framskriving", "nettoinnflytting", "fodselsoverskudd", "registrert"),
    "overview": (
        "bolyst",
        "framskriving",
        "nettoinnflytting",
        "workshop",
        "grendemote",
        "motkraft",
        "tiltak",
        "pavirkbar",
        "tema",
        "registrert",
    ),
}


def term(term_id: str) -> Term:
    """The glossary entry of ``term_id`` (``KeyError`` naming the known ids when there is none)."""
    try:
        return _BY_ID[term_id]
    except KeyError:
        raise KeyError(f"no glossary term {term_id!r}; known: {', '.join(_BY_ID)}") from None


def word(term_id: str, form: str = "singular") -> str:
    """A glossary word in one of its forms: ``singular``, ``definite``, ``plural``, ``plural_definite``.

    >>> word("workshop", "plural"), word("drivkraft", "plural_definite")
    ('workshops', 'drivkreftene')
    """
    if form not in FORMS:
        raise ValueError(f"form must be one of {', '.join(FORMS)}")
    return term(term_id).forms[FORMS.index(form)]


def _avoid_patterns() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(rf"(?<!\w){p}(?!\w)", re.IGNORECASE), t.id) for t in TERMS for p in t.avoid]


_AVOID = _avoid_patterns()


def find_synonyms(text: str) -> list[tuple[str, str]]:
    """The words in ``text`` a report must not use, each with the id of the glossary term to use instead.

    >>> find_synonyms("Svarene fra workshopene og grendemøtene")
    []
    >>> find_synonyms("Mange krefter og motkrefter")
    [('krefter og motkrefter', 'drivkraft')]
    """
    found = [(m.start(), m.group(0), tid) for pattern, tid in _AVOID for m in pattern.finditer(text)]
    return [(w, tid) for _, w, tid in sorted(found)]


def glossary_items(term_ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """``(word as listed, explanation)`` for ``term_ids`` (every term when ``None``), in the order given."""
    ids = list(term_ids) if term_ids is not None else [t.id for t in TERMS]
    return [(term(i).title, term(i).explanation) for i in ids]


def glossary_section(report: str | Sequence[str] | None = None, *, heading_level: int | None = None) -> list[Any]:
    """The «Ord og begreper» list for a report, ready to display: ``display(*glossary_section("forcefield"))``.

    ``report`` is a key of :data:`REPORT_TERMS` or a list of term ids (every term when ``None``).
    ``heading_level`` adds a heading «Ord og begreper» at that level (a notebook usually writes its own
    Markdown heading, so the default adds none).
    """
    ids = REPORT_TERMS[report] if isinstance(report, str) else report
    out: list[Any] = []
    if heading_level is not None:
        out.append(html.heading("Ord og begreper", heading_level))
    out.append(html.definition_list(glossary_items(ids), css_class="glossary"))
    return out
