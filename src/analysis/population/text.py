"""Norwegian wording of the population report: headlines, sentences, reader tables.

Every sentence a reader sees about population is built here from the numbers of
:mod:`~analysis.population.indicators`, :mod:`~analysis.population.migration` and
:mod:`~analysis.population.projection`, so it is tested without running the notebook.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from analysis.numfmt import fmt_int, fmt_num, fmt_pct
from analysis.report.labels import and_list

if TYPE_CHECKING:  # pragma: no cover
    from analysis.population.projection import Requirement, Setup


def _more_or_fewer(change: float, unit: str = "") -> str:
    """«212 færre», «3 flere», «like mange» (``unit`` after the number: «212 færre innbyggere»)."""
    n = round(float(change))
    if n == 0:
        return "like mange" + (f" {unit}" if unit else "")
    count = "én" if abs(n) == 1 else fmt_int(abs(n))
    return f"{count} {'flere' if n > 0 else 'færre'}" + (f" {unit}" if unit else "")


def summary_line(tot: pd.DataFrame, name: str) -> str:
    """The report's one line: the population now, the change since the first year and over the last two.

    >>> tot = pd.DataFrame({"year": [2005, 2024, 2026], "total": [1499, 1361, 1287]})
    >>> summary_line(tot, "Engerdal")
    'Engerdal har 1 287 innbyggere (1.1.2026), 212 færre enn i 2005 og 74 færre enn to år før.'
    """
    t = tot.set_index("year")["total"]
    first, last = int(t.index.min()), int(t.index.max())
    text = f"{name} har {fmt_int(t[last])} innbyggere (1.1.{last}), {_more_or_fewer(t[last] - t[first])} enn i {first}"
    if last - 2 in t.index and last - 2 != first:
        text += f" og {_more_or_fewer(t[last] - t[last - 2])} enn to år før"
    return text + "."


def change_sentence(tot: pd.DataFrame, name: str) -> str:
    """A Norwegian sentence on the change in total population, first year → last year and the last 10 years."""

    t = tot.set_index("year")["total"]
    first, last = int(t.index.min()), int(t.index.max())
    parts = [
        f"{name} hadde {fmt_int(t[last])} innbyggere 1. januar {last}, mot {fmt_int(t[first])} i {first} "
        f"({fmt_int(t[last] - t[first], signed=True)}, {fmt_pct((t[last] - t[first]) / t[first], signed=True)})."
    ]
    ten = last - 10
    if ten in t.index and ten != first:
        change = round(float(t[last] - t[ten]))
        if change == 0:
            parts.append("De siste ti årene er folketallet uendret.")
        else:
            parts.append(
                f"De siste ti årene har folketallet {'økt' if change > 0 else 'gått ned'} med "
                f"{fmt_int(abs(change))} {'person' if abs(change) == 1 else 'personer'}."
            )
    lo_year = int(t.idxmin())
    if lo_year not in (first, last):
        parts.append(f"Det laveste folketallet var {fmt_int(t[lo_year])} i {lo_year}.")
    return " ".join(parts)


def short_band_label(lo: int, hi: int | None) -> str:
    """``(20, 29)`` → ``"20–29 år"``; ``(67, None)`` → ``"67+ år"`` (the migration tables' bands)."""
    return f"{lo}+ år" if hi is None else f"{lo}–{hi} år"


def period_label(first: int, last: int) -> str:
    """Period of moves from 1.1.``first`` to 1.1.``last``+1, e.g. ``"2021–2025"``."""
    return f"{first}–{last}"


def summary_sentence(table: pd.DataFrame) -> str:
    """One Norwegian sentence on the latest period of :func:`net_by_period`: biggest net loss and gain."""

    if table.empty:
        return "Det er for få år med data til å beregne flytting over femårsperioder."
    last = table[table["first_year"] == table["first_year"].max()]
    sex_word = {"female": "kvinner", "male": "menn"}
    lo_row = last.loc[last["net"].idxmin()]
    hi_row = last.loc[last["net"].idxmax()]
    total = last["net"].sum()
    women = last.loc[last["sex"] == "female", "net"].sum()
    parts = [f"I {lo_row['period']} {net_moves_text(total, women)}."]
    if lo_row["net"] < 0:
        parts.append(
            f"Størst netto tap: {sex_word[lo_row['sex']]} {lo_row['band']} ({fmt_int(lo_row['net'], signed=True)})."
        )
    if hi_row["net"] > 0:
        parts.append(
            f"Størst netto gevinst: {sex_word[hi_row['sex']]} {hi_row['band']} ({fmt_int(hi_row['net'], signed=True)})."
        )
    return " ".join(parts)


def _persons(n: float, one: str = "person", many: str = "personer") -> str:
    n = abs(round(float(n)))
    return f"{fmt_int(n)} {one if n == 1 else many}"


def net_moves_text(total: float, women: float) -> str:
    """Net migration in words, with the women among it, never «+1 kvinner»:

    >>> net_moves_text(80, 41)
    'flyttet netto 80 personer inn, 41 av dem kvinner'
    >>> net_moves_text(-12, 1)
    'flyttet netto 12 personer ut; blant kvinnene flyttet netto 1 kvinne inn'
    >>> net_moves_text(-1, -1)
    'flyttet netto 1 person ut, og det var en kvinne'
    >>> net_moves_text(0, 0)
    'flyttet like mange inn som ut'
    """
    total, women = round(float(total)), round(float(women))
    if total == 0:
        text = "flyttet like mange inn som ut"
        if women:
            text += (
                f"; blant kvinnene flyttet netto {_persons(women, 'kvinne', 'kvinner')} {'inn' if women > 0 else 'ut'}"
            )
        return text
    way = "inn" if total > 0 else "ut"
    text = f"flyttet netto {_persons(total)} {way}"
    if women == 0:
        return text + ", ingen av dem kvinner"
    if (women > 0) == (total > 0) and abs(women) <= abs(total):
        if abs(total) == 1:
            return text + ", og det var en kvinne"
        return text + f", {fmt_int(abs(women))} av dem kvinner"
    return (
        text + f"; blant kvinnene flyttet netto {_persons(women, 'kvinne', 'kvinner')} {'inn' if women > 0 else 'ut'}"
    )


def headline(table: pd.DataFrame, name: str) -> str:
    """A chart title stating the finding of the latest period, e.g. "Engerdal mister flest kvinner 20–29 år"."""
    if table.empty:
        return f"{name}: netto flytting etter alder og kjønn"
    sex_word = {"female": "kvinner", "male": "menn"}
    first = table[table["first_year"] == table["first_year"].min()]
    last = table[table["first_year"] == table["first_year"].max()]
    lo = last.loc[last["net"].idxmin()]
    lo_first = first.loc[first["net"].idxmin()]
    if lo["net"] < 0:
        text = f"{name} mistet flest {sex_word[lo['sex']]} {lo['band']} ved flytting i {lo['period']}"
        if lo_first["period"] != lo["period"] and (lo_first["band"], lo_first["sex"]) == (lo["band"], lo["sex"]):
            text += f", som i {lo_first['period']}"
        return text
    return f"{name} fikk netto tilflytting i alle grupper i {lo['period']}"


def assumptions_table(s: Setup) -> pd.DataFrame:
    """The projection's assumptions for readers: columns ``Forutsetning``, ``Verdi`` (Norwegian text)."""

    S0, Sb0, f0 = s.rates.step(0)
    mort_year = s.rates.mortality_years[0] if s.rates.mortality_years else None
    fert_year = s.rates.fertility_years[0] if s.rates.fertility_years else None
    tfr = float(f0.sum())
    rows = [
        ("Startår (folketall 1. januar)", str(s.base_year)),
        (f"Fruktbarhet i Norge ({fert_year}), barn per kvinne", fmt_num(tfr, 2)),
        (
            f"Lokal fruktbarhetsfaktor (fødte i kommunen mot landets rater, {s.factor_years[0]}–{s.base_year})",
            fmt_num(s.fertility_scale, 2),
        ),
        ("Fruktbarhet brukt i framskrivingen, barn per kvinne", fmt_num(tfr * s.fertility_scale, 2)),
    ]
    if mort_year is not None and s.rates.e0 is not None:
        mx_e0 = s.rates.e0[0]
        rows.append((f"Forventet levealder ved fødsel, kvinner ({mort_year})", fmt_num(mx_e0[0], 1) + " år"))
        rows.append((f"Forventet levealder ved fødsel, menn ({mort_year})", fmt_num(mx_e0[1], 1) + " år"))
    if s.smr != 1.0:
        inp = s.inputs
        rows.append(
            (
                f"Lokal dødelighet mot landet (registrerte dødsfall {inp.factor_years[0]}–{s.base_year - 1}, utjevnet)",
                fmt_num(s.smr, 2),
            )
        )
    rows.append(
        (
            "Netto innflytting første år, hovedberegningen",
            fmt_num(float(s.model_net.sum()), 1, signed=True) + " personer",
        )
    )
    rows.append(
        ("  herav kvinner 20–39 år, hovedberegningen", fmt_num(float(s.model_net[0, 20:40].sum()), 1, signed=True))
    )
    for key, prof in s.profiles.items():
        if key == "none":
            continue
        rows.append(
            (
                f"Netto innflytting per år, {_lower_first(SCENARIO_LABELS.get(key, key))}",
                fmt_num(float(prof.sum()), 1, signed=True) + " personer",
            )
        )
        rows.append(
            (
                f"  herav kvinner 20–39 år, {_lower_first(SCENARIO_LABELS.get(key, key))}",
                fmt_num(float(prof[0, 20:40].sum()), 1, signed=True),
            )
        )
    return pd.DataFrame(rows, columns=["Forutsetning", "Verdi"])


def official_label(official: pd.DataFrame) -> str:
    """Norwegian label for an official projection, e.g. ``"SSBs framskriving fra 2016"``."""

    if official is None or official.empty:
        return "SSBs framskriving"
    found = re.search(r"(19|20)\d\d", str(official["vintage"].iloc[0]))
    return f"SSBs framskriving fra {found.group(0)}" if found else "SSBs framskriving"


SCENARIO_LABELS = {
    "model": "Hovedberegning",
    "none": "Ingen flytting",
    "constant": "Uendret folketall",
    "last5": "Flytting som siste 5 år (antall)",
    "last10": "Flytting som siste 10 år (antall)",
}


def band_label(lo: int, hi: int | None) -> str:
    """``(20, 39)`` → ``"20–39 år"``; ``(67, None)`` → ``"67 år og eldre"``."""
    return f"{lo} år og eldre" if hi is None else f"{lo}–{hi} år"


def requirement_sentence(req: Requirement) -> str:
    """The key number of :func:`~analysis.population.projection.required_net_migration` as one Norwegian sentence."""
    if req.per_year <= 0:
        return (
            f"Uten netto innflytting ventes folketallet å bli om lag {fmt_int(req.without)} "
            f"1.1.{req.target_year}, altså minst {fmt_int(req.target)} også uten innflytting."
        )
    n, w = req.persons_per_year, req.women_per_year
    people = "person" if n == 1 else "personer"
    women = "kvinne" if abs(w) == 1 else "kvinner"
    start = (
        f"For å nå minst {fmt_int(req.target)} innbyggere 1.1.{req.target_year} trengs netto "
        f"innflytting på om lag {fmt_int(n)} {people} per år"
    )
    if w < 0:
        return (
            f"{start}; med dette flyttemønsteret flytter fortsatt netto om lag {fmt_int(-w)} {women} "
            "20–39 år ut hvert år."
        )
    if w == 0:
        return f"{start}, men med dette flyttemønsteret er nesten ingen av dem kvinner 20–39 år."
    return f"{start}, hvorav om lag {fmt_int(w)} {women} 20–39 år."


# --------------------------------------------------------------------------- the report's sections

TOTALS_GUIDE = (
    "Den øverste linjen viser alle innbyggere, den stiplede oransje linjen er kommunens mål. "
    "Det nederste panelet viser kvinner og menn hver for seg, slik at man ser om forskjellen mellom dem øker."
)
TOTALS_GUIDE_NO_TARGET = (
    "Den øverste linjen viser alle innbyggere. "
    "Det nederste panelet viser kvinner og menn hver for seg, slik at man ser om forskjellen mellom dem øker."
)
WOMEN_GUIDE = (
    "Linjer under den grå stiplede linjen betyr færre kvinner enn menn i alderen 20–39 år. "
    "I en liten kommune gjør få personer store utslag, så se på nivået over flere år."
)
YOUNG_GUIDE = (
    "Hver linje viser antall personer i en aldersgruppe 1. januar hvert år. "
    "Synkende linjer betyr færre barn og unge voksne, som også gir færre fødte senere."
)


def pyramid_guide(year_before: int, year: int) -> str:
    """The pyramid's guide; the line is ten years earlier, or the first year of a shorter series.

    >>> pyramid_guide(2015, 2025).split(". ")[0]
    'Søylene viser hvor mange som er i hver aldersgruppe nå, streken hvor mange det var ti år tidligere'
    >>> pyramid_guide(2024, 2025).split(". ")[0]
    'Søylene viser hvor mange som er i hver aldersgruppe nå, streken hvor mange det var i 2024'
    """
    then = "ti år tidligere" if year - year_before == 10 else f"i {year_before}"
    return (
        f"Søylene viser hvor mange som er i hver aldersgruppe nå, streken hvor mange det var {then}. "
        "Der søylen er kortere enn streken, har gruppen blitt mindre."
    )


MIGRATION_GUIDE = (
    "Søyler over null betyr at kommunen fikk flere innbyggere i gruppen enn den mistet ved flytting; "
    "søyler under null betyr netto utflytting. Alder er alder ved slutten av perioden."
)
SCENARIOS_GUIDE = (
    "Den svarte linjen er registrert folketall. Den tykke blå er hovedberegningen; de grå er sammenligningene "
    "uten flytting og med uendret folketall; de tynne viser flytting som de siste fem eller ti årene. "
    "Stjernen er målet, der kommunen har satt et."
)
REQUIREMENT_METHOD = (
    "Tallet er funnet ved å prøve ulike nivåer for netto innflytting i framskrivingen til folketallet "
    "1. januar {year} blir minst {target}. De som flytter, har samme fordeling på alder og "
    "kjønn som i hovedberegningen (spennet: med de andre flyttemønstrene). Fordi flyttingen i en liten kommune "
    "svinger mye, er tallet et anslag, ikke en prognose."
)


#: The years a recent mean («snitt siste fem år») covers.
MEAN_YEARS = 5


def mean_span(first: int, last: int, form: str = "words") -> str:
    """What a recent mean from ``first`` to ``last`` covers, to follow «snitt» (``form`` "words": «siste fem år»;
    "digits": «siste 5 år») or «snittet for» ("definite": «de siste fem årene») when it covers
    :data:`MEAN_YEARS` years; else the years themselves (a municipality with a shorter series).

    >>> mean_span(2021, 2025), mean_span(2021, 2025, "digits"), mean_span(2021, 2025, "definite")
    ('siste fem år', 'siste 5 år', 'de siste fem årene')
    >>> mean_span(2024, 2025), mean_span(2025, 2025, "definite")
    ('2024–2025', '2025')
    """
    if last - first + 1 >= MEAN_YEARS:
        return {"words": "siste fem år", "digits": f"siste {MEAN_YEARS} år", "definite": "de siste fem årene"}[form]
    return str(last) if first == last else f"{first}–{last}"


def recent_mean(series: pd.Series) -> tuple[float, int, int]:
    """The mean over the last :data:`MEAN_YEARS` calendar years up to the latest value (index: year), and the
    first and last year with a value in it (fewer years where the series is shorter or has gaps).

    >>> recent_mean(pd.Series([80.0, 90.0, 100.0], index=[2016, 2025, 2026]))
    (95.0, 2025, 2026)
    """
    values = series.dropna()
    last = int(values.index.max())
    recent = values[values.index > last - MEAN_YEARS]
    return float(recent.mean()), int(recent.index.min()), last


def key_figures(
    latest: pd.Series, indicators: pd.DataFrame, year: int, target: int | None, target_year: int
) -> dict[str, str]:
    """The key figures at the top of the report (label → formatted value); the target only where one is set."""
    mean5, first, last = recent_mean(indicators["women_per_100_men"])
    figures = {
        f"Innbyggere 1.1.{year}": fmt_int(latest["total"]),
        f"Kvinner per 100 menn, 20–39 år (snitt {mean_span(first, last, 'digits')})": fmt_num(mean5, 0),
        "Innbyggere 20–39 år": fmt_int(latest["20–39 år"]),
        "Medianalder": fmt_num(latest["median_age"], 1) + " år",
    }
    if target is not None:
        figures[f"Mål for {target_year}"] = f"minst {fmt_int(target)}"
    return figures


def reference_year(last_year: int) -> int:
    """The year the projection is read at when no target year is set: the first round year 4+ years ahead.

    >>> reference_year(2026), reference_year(2027)
    (2030, 2035)
    """
    return -(-(last_year + 4) // 5) * 5


def no_target_sentence(name: str, reference_year: int, projection: bool = True) -> str:
    """Said once, near the top, when no target for the population is set for this municipality.

    ``projection``: whether the page shows a projection to read (not for a municipality split from another).
    """
    read_at = f" Framskrivingen leses av i {reference_year}." if projection else ""
    return (
        f"Det er ikke lagt inn noe tallfestet mål for folketallet i {name}. Rapporten beskriver derfor "
        f"utviklingen og sammenligner med andre kommuner, uten å regne mot et mål.{read_at}"
    )


def no_target_requirement(name: str, projection: bool = True) -> str:
    """The requirement section when no target is set: nothing is computed against an invented target."""
    shown = " Framskrivingen over viser hvor folketallet går med og uten flytting." if projection else ""
    return (
        f"Uten et tallfestet mål for folketallet i {name} regner rapporten ikke ut hvor mange flere som må "
        f"flytte inn.{shown}"
    )


def peer_split_notice(split: dict[str, int]) -> str:
    """Why the comparison with other municipalities is short: a compared municipality was split
    (``split``: its name → the last year of its shared-out figures, as :func:`shared_history_notice`).

    >>> peer_split_notice({"Haram": 2023})
    'Tallene for Haram før 2024 er ikke kommunens egne: kommunen ble delt i 2024, og datagrunnlaget fordeler den tidligere kommunens folketall med en fast andel. Sammenligningen med andre kommuner starter derfor i 2024.'
    """
    names = and_list(list(split))
    first = max(split.values()) + 1
    years = sorted({y + 1 for y in split.values()})
    one = len(split) == 1
    return (
        f"Tallene for {names} før {and_list([str(y) for y in years])} er ikke "
        f"{'kommunens' if one else 'kommunenes'} egne: {'kommunen' if one else 'kommunene'} ble delt i "
        f"{and_list([str(y) for y in years])}, og datagrunnlaget fordeler den tidligere kommunens folketall med en "
        f"fast andel. Sammenligningen med andre kommuner starter derfor i {first}."
    )


def backtest_split(name: str, until: int) -> str:
    """The backtest section of a municipality whose figures up to ``until`` are a share of another one's
    (:func:`shared_history_notice`)."""
    return (
        f"Modellen er ikke testet bakover for {name}: folketallet før {until + 1} er fordelt fra en tidligere "
        "kommune med en fast andel, så det finnes ennå ingen egne år å teste den på."
    )


def history_headline(change: int, first_year: int) -> str:
    """``"Folketallet har falt med 212 personer siden 2005"``."""
    return f"Folketallet har {'falt' if change < 0 else 'økt'} med {fmt_int(abs(change))} personer siden {first_year}"


def totals_alt(name: str, first: pd.Series, last_year: int, last_total: float) -> str:
    return (
        f"Linjediagram over folketallet i {name} 1. januar fra {int(first['year'])} til {last_year}: "
        f"{fmt_int(first['total'])} i {int(first['year'])} og {fmt_int(last_total)} i {last_year}. "
        "Nederst kvinner og menn hver for seg."
    )


def index_headline(name: str, weaker: bool, other: str, base_year: int) -> str:
    return f"{name} har {'hatt svakere' if weaker else 'hatt bedre'} utvikling enn {other} siden {base_year}"


def index_title(name: str, value: float, year: int, rank: int, n: int) -> str:
    """The index chart's title; ``rank`` of ``n`` counts municipalities only (never the county or Norway).

    >>> index_title("Engerdal", 86.2, 2026, 3, 8)
    'Engerdal: indeks 86 i 2026 (nr. 3 av 8 kommuner, lavest først)'
    >>> index_title("Oslo", 137.5, 2026, 1, 1)
    'Oslo: indeks 138 i 2026'
    """
    if n < 2:  # no other municipality to rank against (Oslo)
        return f"{name}: indeks {fmt_num(value, 0)} i {year}"
    return f"{name}: indeks {fmt_num(value, 0)} i {year} (nr. {rank} av {n} kommuner, lavest først)"


def index_alt(name: str, base_year: int, n_others: int, value: float, year: int) -> str:
    return (
        f"Linjediagram med folketall som indeks ({base_year} = 100) for {name} og {n_others} "
        f"{'sammenligningsområde' if n_others == 1 else 'sammenligningsområder'}. {name} har indeks "
        f"{fmt_num(value, 0)} i {year}."
    )


SIMILAR_PEERS = "de kommunene i samme fylke som ligger nærmest i folketall"


def index_guide(name: str, peers: str | None = SIMILAR_PEERS, county: bool = True) -> str:
    """The chart guide; ``peers`` says what the comparison municipalities are (the profile may say it; None:
    there are none), ``county`` whether the county is shown (not for Oslo, which is its own county).

    >>> index_guide("Oslo", None, False).split(". ")[0]
    'Den tykke svarte linjen er Oslo; den andre er landet'
    """
    others = [*filter(None, [peers]), *(["fylket"] if county else []), "landet"]
    return (
        f"Den tykke svarte linjen er {name}; {'de andre' if len(others) > 1 else 'den andre'} er {and_list(others)}. "
        "Linjer som faller, viser områder som har mistet en større del av folketallet siden første år."
    )


def women_headline(mean5: float, norway_mean5: float, span: str = "siste fem år") -> str:
    """``span``: what the means cover (:func:`mean_span`)."""
    return (
        f"{fmt_num(mean5, 0)} kvinner per 100 menn i alderen 20–39 år, mot {fmt_num(norway_mean5, 0)} "
        f"i hele landet (snitt {span})"
    )


def women_title(name: str, mean5: float, span: str = "siste fem år") -> str:
    return f"{name}: {fmt_num(mean5, 0)} kvinner per 100 menn i alderen 20–39 år (snitt {span})"


def women_alt(name: str, year: int, latest: float, county: bool = True) -> str:
    """``county``: whether the chart has the county (not for Oslo, which is its own county)."""
    return (
        f"Linjediagram over kvinner per 100 menn i alderen 20–39 år i {name}{', fylket' if county else ''} og landet. "
        f"I {year} var tallet {fmt_num(latest, 0)} i {name}."
    )


def young_headline(change: pd.Series, first_year: int) -> str:
    return (
        f"{fmt_int(abs(change['0–19 år']))} {'færre' if change['0–19 år'] < 0 else 'flere'} barn og unge "
        f"(0–19 år) og {fmt_int(abs(change['20–39 år']))} "
        f"{'færre' if change['20–39 år'] < 0 else 'flere'} i alderen 20–39 år enn i {first_year}"
    )


def young_title(name: str, young: pd.DataFrame, year: int) -> str:
    return (
        f"{name}: {fmt_int(young['0–19 år'].iloc[-1])} i alderen 0–19 år og "
        f"{fmt_int(young['20–39 år'].iloc[-1])} i alderen 20–39 år i {year}"
    )


def young_alt(name: str, first_year: int, year: int, change: pd.Series) -> str:
    return (
        f"Linjediagram over antall innbyggere 0–19 år og 20–39 år i {name} fra {first_year} "
        f"til {year}. Endring 0–19 år: {fmt_int(change['0–19 år'], signed=True)}; "
        f"20–39 år: {fmt_int(change['20–39 år'], signed=True)}."
    )


def pyramid_title(name: str, median_before: float, median_now: float, year_before: int, year: int) -> str:
    """The pyramid's headline: how the median age moved, with as many decimals as it takes to see the move.

    >>> pyramid_title("Engerdal", 52.4, 54.1, 2016, 2026)
    'Engerdal: medianalderen har økt fra 52 til 54 år (2016–2026)'
    >>> pyramid_title("Ålesund", 40.2, 40.4, 2024, 2026)
    'Ålesund: medianalderen har økt fra 40,2 til 40,4 år (2024–2026)'
    >>> pyramid_title("Røst", 47.0, 47.0, 2016, 2026)
    'Røst: medianalderen er 47 år, den samme som i 2016 (2016–2026)'
    """
    decimals = 0 if fmt_num(median_before, 0) != fmt_num(median_now, 0) else 1
    before, now = fmt_num(median_before, decimals), fmt_num(median_now, decimals)
    if before == now:
        return f"{name}: medianalderen er {fmt_num(median_now, 0)} år, den samme som i {year_before} ({year_before}–{year})"
    return (
        f"{name}: medianalderen har {'økt' if median_now > median_before else 'sunket'} fra "
        f"{before} til {now} år ({year_before}–{year})"
    )


def pyramid_alt(name: str, year: int, year_before: int) -> str:
    return (
        f"Alderspyramide for {name} i {year} med femårige aldersgrupper, menn til venstre og kvinner "
        f"til høyre, og en strek for {year_before} til sammenligning."
    )


def _parts(comp: pd.DataFrame) -> str:
    """«127 flere flyttet inn enn ut, og 19 flere døde enn ble født (beregnet)»: the two parts of a change in words."""
    natural, net = round(float(comp["natural"].sum())), round(float(comp["net_migration"].sum()))
    how = (
        "registrert av SSB"
        if comp["registered"].all()
        else "beregnet"
        if not comp["registered"].any()
        else "delvis beregnet"
    )
    moves = (
        "like mange flyttet inn som ut"
        if net == 0
        else f"{fmt_int(abs(net))} flere flyttet {'inn enn ut' if net > 0 else 'ut enn inn'}"
    )
    births = (
        "like mange ble født som døde"
        if natural == 0
        else f"{fmt_int(abs(natural))} flere {'ble født enn døde' if natural > 0 else 'døde enn ble født'}"
    )
    return f"{moves}, og {births} ({how})"


def components_sentences(comp: pd.DataFrame, name: str) -> list[str]:
    """The last two two-year periods: how much the population changed and through which part.

    ``comp`` is :func:`analysis.population.migration.yearly_components`; registered figures are SSB's,
    the others estimated (said in the sentence).
    """
    out = []
    last = int(comp["year"].max()) + 1  # the last 1 January
    for start in (last - 4, last - 2):
        part = comp[(comp["year"] >= start) & (comp["year"] < start + 2)]
        if len(part) < 2:
            continue
        change = part["change"].sum()
        verb = "økte" if change > 0 else "falt" if change < 0 else "holdt seg"
        amount = f" med {fmt_int(abs(change))}" if change else ""
        out.append(f"Fra 1. januar {start} til {start + 2} {verb} folketallet i {name}{amount}: {_parts(part)}.")
    return out


def components_headline(comp: pd.DataFrame, name: str | None = None) -> str:
    """What drove the change over the last five years: migration or births and deaths (``name``: for a chart title).

    >>> comp = pd.DataFrame({"year": [2021, 2022], "natural": [-20, -23], "net_migration": [30, 50]})
    >>> components_headline(comp), components_headline(comp, "Engerdal")
    ('Flyttingen betydde mest 2021–2023: +80 fra flytting, −43 fra fødte og døde', 'I Engerdal betydde flyttingen mest 2021–2023: +80 fra flytting, −43 fra fødte og døde')
    """
    part = comp.tail(5)
    natural, net = part["natural"].sum(), part["net_migration"].sum()
    first, last = int(part["year"].min()), int(part["year"].max()) + 1
    if abs(net) >= abs(natural):
        driver, numbers = (
            "flyttingen",
            f"{fmt_int(net, signed=True)} fra flytting, {fmt_int(natural, signed=True)} fra fødte og døde",
        )
    else:
        driver, numbers = (
            "fødte og døde",
            f"{fmt_int(natural, signed=True)} fra fødte og døde, {fmt_int(net, signed=True)} fra flytting",
        )
    if name:
        return f"I {name} betydde {driver} mest {first}–{last}: {numbers}"
    return f"{driver.capitalize()} betydde mest {first}–{last}: {numbers}"


def components_alt(comp: pd.DataFrame, name: str) -> str:
    first, last = int(comp["year"].min()), int(comp["year"].max())
    n_reg = int(comp["registered"].sum())
    return (
        f"Søylediagram med fødselsoverskudd og netto innflytting i {name} for hvert år {first}–{last}, og endringen i "
        f"folketallet som punkter. {n_reg} av {len(comp)} år har tall registrert av SSB; resten er beregnet."
    )


COMPONENTS_GUIDE = (
    "Grønne søyler er fødselsoverskuddet (fødte minus døde), blå er netto innflytting (innflyttere minus "
    "utflyttere). Helfargede søyler er tall SSB har registrert (tabell 06913); skraverte er beregnet med "
    "restmetoden der datagrunnlaget mangler SSBs tall. Det svarte punktet er endringen i folketallet."
)


def components_source(comp: pd.DataFrame) -> str:
    """Which years are SSB's registered figures and which are estimated, for the caption."""
    reg = comp[comp["registered"]]["year"]
    est = comp[~comp["registered"]]["year"]
    parts = []
    if len(reg):
        parts.append(f"registrert av SSB (tabell 06913) for {_years(reg)}")
    if len(est):
        parts.append(f"beregnet med restmetoden for {_years(est)}")
    return "Tallene er " + " og ".join(parts) + "."


def _years(years: pd.Series) -> str:
    ys = sorted(int(y) for y in years)
    runs, start = [], ys[0]
    for a, b in zip(ys, ys[1:] + [None]):
        if b != a + 1:
            runs.append(f"{start}–{a}" if a != start else f"{a}")
            if b is not None:
                start = b
    return ", ".join(runs)


def components_table(comp: pd.DataFrame) -> pd.DataFrame:
    """Reader table: one row per year, newest first."""
    t = comp.sort_values("year", ascending=False)
    return pd.DataFrame(
        {
            "År": t["year"].astype(int).astype(str),
            "Endring": t["change"].round().astype(int),
            "Fødselsoverskudd": t["natural"].round(),
            "Netto innflytting": t["net_migration"].round(),
            "Fødte": t["births"],
            "Døde": t["deaths"],
            "Tall": t["registered"].map({True: "Registrert (SSB)", False: "Beregnet"}),
        }
    )


def published_check_summary(check: pd.DataFrame, name: str) -> str:
    """One sentence comparing the residual estimate with SSB's registered net migration (all years it has)."""
    years = _years(check["year"])
    mean = check["difference"].abs().mean()
    worst = check.loc[check["difference"].abs().idxmax()]
    return (
        f"Kontroll mot SSBs registrerte tall: For {years} registrerte SSB netto innflytting i {name} på til sammen "
        f"{fmt_int(check['published'].sum(), signed=True)} personer; restmetoden gir "
        f"{fmt_int(check['residual'].sum(), signed=True)}. Beregningen avviker i snitt med {fmt_num(mean, 0)} "
        f"personer per år (mest i {int(worst['year'])}: {fmt_int(worst['residual'], signed=True)} mot "
        f"{fmt_int(worst['published'], signed=True)})."
    )


def published_check_sentence(year: int, published: float, residual: float, name: str) -> str:
    return (
        f"Kontroll: For {year} publiserte SSB netto innflytting på {fmt_int(published, signed=True)} "
        f"personer i {name}; restmetoden gir {fmt_int(residual, signed=True)}."
    )


def migration_alt(n_periods: int, finding: str) -> str:
    return (
        f"Søylediagram i {n_periods} paneler, ett per femårsperiode, med netto flytting "
        f"for kvinner og menn i aldersgrupper. {finding}"
    )


def projection_headline(model: float, none: float, target_year: int) -> str:
    return (
        f"Hovedberegningen gir om lag {fmt_int(model)} innbyggere i {target_year}; uten flytting blir det om lag "
        f"{fmt_int(none)}"
    )


def scenarios_title(name: str, target_year: int, model: float, none: float) -> str:
    return f"{name} i {target_year}: {fmt_int(model)} i hovedberegningen, {fmt_int(none)} uten flytting"


def scenarios_alt(name: str, last_year: int, horizon: int, target_year: int, at_target: pd.Series) -> str:
    return (
        f"Linjediagram med registrert folketall i {name} til {last_year} og framskrivinger til "
        f"{horizon}. I {target_year}: "
        + "; ".join(f"{_lower_first(SCENARIO_LABELS[k])} {fmt_int(v)}" for k, v in at_target.items())
        + "."
    )


MODEL_METHOD = (
    "**Hovedberegningen** fører flyttingen videre som *andeler*: hvor mange som i snitt har flyttet inn eller ut "
    "per innbygger i hver alder og for hvert kjønn de siste ti årene. Andelene er satt halvveis mot fylkets, "
    "fordi noen få personer gir store utslag i en liten kommune, og bare 60 prosent av dem føres videre, "
    "fordi uvanlig store inn- eller utflyttinger sjelden varer. Når folketallet synker, flytter da også færre "
    "ut. Fruktbarheten og dødeligheten i kommunen trekkes mot landets på samme måte. Valgene er gjort ved å "
    "teste metoden på alle landets kommuner fra 2011, 2013 og 2016 (se tilbaketesten under). "
    "**Ingen flytting** og **uendret folketall** er med som sammenligning: en framskriving som ikke slår dem, "
    "sier lite. Linjene for flytting som de siste fem eller ti årene fører antallet flyttere videre uendret; "
    "de viser hvor mye svingningene i flyttingen betyr."
)


def requirement_headline(req: Requirement, target: int, target_year: int) -> str:
    if req.per_year > 0:
        return (
            f"Om lag {fmt_int(req.persons_per_year)} flere innflyttere enn utflyttere per år trengs for å nå "
            f"{fmt_int(target)} i {target_year}"
        )
    return f"Målet på {fmt_int(target)} i {target_year} nås også uten netto innflytting"


def requirement_figures(
    req: Requirement, spread: tuple[float, float], target_year: int, net_last: float
) -> dict[str, str]:
    lo, hi = spread
    return {
        f"Uten flytting 1.1.{target_year}": fmt_int(req.without),
        "Nødvendig netto innflytting per år": fmt_int(req.persons_per_year),
        "Spenn etter flyttemønster": f"{fmt_int(lo)}–{fmt_int(hi)}" if round(lo) != round(hi) else fmt_int(lo),
        "Netto innflytting per år, siste 5 år": fmt_num(net_last, 0, signed=True),
    }


#: The migration profiles the requirement is computed with (key → how the report names it).
REQUIREMENT_PROFILES = {
    "model": "hovedberegningens mønster",
    "last5": "mønsteret de siste fem årene",
    "last10": "mønsteret de siste ti årene",
    "county": "fylkets mønster",
}


def requirement_uncertainty(reqs: dict[str, Requirement]) -> list[str]:
    """What is robust in the requirement (the total per year) and what is not (how many are women 20–39)."""
    positive = {k: r for k, r in reqs.items() if r.per_year > 0}
    if not positive:
        return []
    totals = [r.persons_per_year for r in positive.values()]
    women = {k: r.women_per_year for k, r in positive.items()}
    out = [
        f"Det samlede tallet er robust: med ulike flyttemønstre ({', '.join(REQUIREMENT_PROFILES[k] for k in positive)}) "
        f"trengs mellom {fmt_int(min(totals))} og {fmt_int(max(totals))} personer per år."
    ]
    lo, hi = min(women.values()), max(women.values())
    if lo == hi:
        out.append(f"Om lag {fmt_int(lo)} av dem er kvinner 20–39 år i alle mønstrene.")
    else:
        detail = "; ".join(f"{fmt_int(w, signed=True)} med {REQUIREMENT_PROFILES[k]}" for k, w in women.items())
        out.append(
            "Hvor mange av dem som må være kvinner 20–39 år, er derimot ikke robust: tallet følger helt av hvilket "
            f"flyttemønster man legger til grunn ({detail}). SSB publiserer ikke inn- og utflytting etter alder "
            "for kommunen, så det finnes ikke noe sikrere mønster å regne med; tallet sier bare at flyttemønsteret "
            "må endre seg hvis flere av de nye innbyggerne skal være unge kvinner."
        )
    return out


def backtest_title(name: str, start_year: int, error: float, last_year: int) -> str:
    """The backtest chart's title: how far off the main projection was, and in which direction.

    >>> backtest_title("Engerdal", 2016, -108, 2026)
    'Engerdal: hovedberegningen fra 2016 bommet med −108 personer i 2026 (for lavt)'
    """
    n = round(float(error))
    if n == 0:
        return f"{name}: hovedberegningen fra {start_year} traff folketallet i {last_year}"
    return (
        f"{name}: hovedberegningen fra {start_year} bommet med {fmt_int(n, signed=True)} "
        f"{'person' if abs(n) == 1 else 'personer'} i {last_year} ({'for lavt' if n < 0 else 'for høyt'})"
    )


def backtest_alt(name: str, start_year: int, last_year: int, summary: pd.DataFrame) -> str:
    return (
        f"Linjediagram: registrert folketall i {name} og framskrivinger startet i {start_year}. "
        f"Avvik i {last_year}: "
        + "; ".join(f"{_lower_first(r.label)} {fmt_int(r.error_last, signed=True)}" for r in summary.itertuples())
        + "."
    )


def _lower_first(label: str) -> str:
    """A label inside a sentence: «Hovedberegning» → «hovedberegning», but «SSBs framskriving» stays.

    >>> _lower_first("Ingen flytting"), _lower_first("SSBs framskriving fra 2016")
    ('ingen flytting', 'SSBs framskriving fra 2016')
    """
    label = str(label)
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def backtest_guide(start_year: int) -> str:
    return (
        "Den svarte linjen er det som faktisk skjedde; de fargede er hva modellen ville sagt i "
        f"{start_year}. Jo nærmere den svarte linjen, jo bedre traff modellen."
    )


NO_OFFICIAL = (
    "Datagrunnlaget har ingen framskriving fra SSB for denne kommunen. Med «analysis fetch-ssb» hentes SSBs "
    "nyeste regionale framskriving for alle kommuner."
)


def newest_official_sentence(label: str, ahead: pd.DataFrame, own: pd.Series, name: str) -> str:
    """SSB's newest projection beside the package's own (migration as the last five years), for a few years."""
    years = [y for y in (2030, 2035, 2040, 2050) if y in set(ahead["year"])][:3] or list(ahead["year"].tail(1))
    ssb = ahead.set_index("year")["population"]
    parts = [
        f"{y}: {fmt_int(ssb[y])}" + (f" (denne rapportens framskriving: {fmt_int(own[y])})" if y in own.index else "")
        for y in years
    ]
    return f"{label} (hovedalternativet) for {name} gir " + "; ".join(parts) + "."


def official_sentence(label: str, compared: pd.DataFrame) -> str:
    return (
        f"{label} ga "
        + "; ".join(
            f"{fmt_int(r.population)} for {r.year} (registrert {fmt_int(r.total)})"
            for r in compared.tail(3).itertuples()
        )
        + "."
    )


# --------------------------------------------------------------------------- reader tables


def totals_table(totals: pd.DataFrame) -> pd.DataFrame:
    """Population per year, newest first: ``År, I alt, Kvinner, Menn``."""
    table = totals.sort_values("year", ascending=False).rename(
        columns={"year": "År", "female": "Kvinner", "male": "Menn", "total": "I alt"}
    )
    table["År"] = table["År"].astype(str)
    return table[["År", "I alt", "Kvinner", "Menn"]]


def index_change_table(index: pd.DataFrame, year: int, names: dict[str, str]) -> pd.DataFrame:
    """Change since the index base year per region: ``Område, Endring`` (``"−12,3 %"``), by name."""
    change = (index.loc[year] - 100).rename("Endring").to_frame()
    change.insert(0, "Område", [names.get(r, r) for r in change.index])
    change["Endring"] = [fmt_num(v, 1, signed=True) + " %" for v in change["Endring"]]
    return change.sort_values("Område")


def key_indicators_table(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """The goal indicators 20 and 10 years ago and now (where the data reach back)."""
    chosen = indicators.loc[[a for a in (year - 20, year - 10, year) if a in indicators.index]]
    table = chosen.reset_index().rename(
        columns={
            "year": "År",
            "total": "I alt",
            "women_per_100_men": "Kvinner per 100 menn 20–39",
            "median_age": "Medianalder",
            "old_age_dependency": "67+ per 100 i alderen 20–66",
        }
    )
    table["År"] = table["År"].astype(str)
    return table[
        [
            "År",
            "I alt",
            "0–19 år",
            "20–39 år",
            "Kvinner per 100 menn 20–39",
            "Medianalder",
            "67+ per 100 i alderen 20–66",
        ]
    ]


def migration_table(periods: pd.DataFrame) -> pd.DataFrame:
    """Net migration per age band (rows) and period × sex (columns)."""
    wide = periods.pivot_table(index=["band", "lo"], columns=["period", "sex"], values="net", observed=True)
    wide = wide.sort_index(level="lo").droplevel("lo")
    wide.columns = [f"{p} {'kvinner' if s == 'female' else 'menn'}" for p, s in wide.columns]
    return wide.reset_index().rename(columns={"band": "Alder"})


def scenarios_table(scenarios: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Projected totals in selected years (rows) per scenario (columns)."""
    chosen = scenarios[scenarios["year"].isin(years)]
    wide = chosen.pivot_table(index="year", columns="label", values="total").round(0)
    wide.index = wide.index.astype(str)
    return wide.reset_index().rename(columns={"year": "År"})


def backtest_table(summary: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Backtest errors per scenario (and SSB's projection from the same year, where given): persons and
    percent in the last year, mean absolute percentage error."""
    table = summary.reset_index()[["label", "error_last", "pct_error_last", "mape"]]
    table["pct_error_last"] = [fmt_pct(v, 1) for v in table["pct_error_last"]]
    table["mape"] = [fmt_pct(v, 1) for v in table["mape"]]
    table.columns = [
        "Forutsetning",
        f"Avvik {last_year} (personer)",
        "Avvik i prosent",
        "Gjennomsnittlig avvik alle år",
    ]
    return table


def rates_held_sentence(mortality_year: int, fertility_year: int) -> str:
    """Which years' national rates a projection holds fixed (from the data, never typed by hand)."""
    return (
        f"Dødelighet og fruktbarhet holdes på siste kjente nivå (dødelighet {mortality_year}, "
        f"fruktbarhet {fertility_year})."
    )


def backtest_intro(start_year: int, first_year: int, mortality_year: int, fertility_year: int) -> str:
    """What the backtest knew: migration from the years before ``start_year`` and the rates it held."""
    rates = (
        f"dødelighet og fruktbarhet fra {mortality_year}"
        if mortality_year == fertility_year
        else f"dødelighet fra {mortality_year} og fruktbarhet fra {fertility_year}"
    )
    return (
        f"For å teste metoden har vi framskrevet fra 1. januar {start_year} med bare de opplysningene som "
        f"fantes da (flytting {first_year}–{start_year - 1}, {rates}), og sammenlignet med det som faktisk "
        "skjedde."
    )


def about_the_numbers(mortality_year: int, fertility_year: int, old_code: str | None = None, name: str = "") -> str:
    """The "Om tallene" list (Markdown written here, not data): sources, methods and the rates' years.

    ``old_code`` is the municipality's own earlier number, named as the example of a renumbering.
    """
    example = f", som {old_code} {name}," if old_code else ""
    return (
        "- **Folketall**: SSB, tabell 07459, folkemengde 1. januar etter kommune, kjønn og alder (kommunegrenser "
        f"per 2024; gamle kommunenummer{example} er ført over til dagens).\n"
        "- **Dødelighet og fruktbarhet**: Human Mortality Database og Human Fertility Database, basert på SSBs "
        "registre for hele Norge. Dødelighet omregnes til overlevelse med en vanlig dødelighetstabell. Siste "
        f"kjente år (dødelighet {mortality_year}, fruktbarhet {fertility_year}) holdes fast i framskrivingen.\n"
        "- **Flytting** er beregnet med restmetoden og er et anslag. I små kommuner gir noen få personer store "
        "utslag.\n"
        "- Tall for 105 år og eldre er slått sammen."
    )


def backtest_comparison(
    name: str, start_year: int, ours: float, ssb: float | None, none: float, constant: float
) -> str:
    """One sentence: the main projection's error beside SSB's from the same year and the two benchmarks."""
    text = (
        f"Fra {start_year} bommet hovedberegningen for {name} i snitt med {fmt_pct(ours, 1)} per år, "
        f"mot {fmt_pct(none, 1)} uten flytting og {fmt_pct(constant, 1)} med uendret folketall"
    )
    if ssb is not None:
        text += f"; SSBs egen framskriving fra {start_year} bommet med {fmt_pct(ssb, 1)}"
    return text + "."


def history_warning(name: str) -> str:
    """The page's warning when the municipality's history was split from another one by a fixed share."""
    return (
        f"Folketallet for {name} før siste kommunedeling er fordelt fra en tidligere kommune med en fast andel, "
        "så endringene i de årene viser fordelingen, ikke flytting. Flyttemønster og framskriving kan derfor ikke "
        "regnes ut for kommunen før det finnes flere år med egne tall."
    )


def shared_history_notice(name: str, until: int) -> str:
    """Why the page starts in the year after a split, when the snapshot's earlier figures were shared out."""
    return (
        f"Tallene for {name} før {until + 1} er ikke kommunens egne. Kommunen ble delt i {until + 1}, og "
        "datagrunnlaget fordeler den tidligere kommunens folketall på kommunene etter delingen med en fast andel. "
        f"Rapporten bruker derfor bare tall fra {until + 1}, med dagens grenser. Endringer over lengre tid, "
        "flyttemønster og framskriving kan regnes ut når det finnes flere år med egne tall."
    )


def no_migration_periods(name: str, first: int, last: int) -> str:
    """The migration section's text when the data hold no complete five-year period."""
    years = last - first
    span = "ett år" if years == 1 else f"{years} år"
    return (
        f"Flytting vises som summer over femårsperioder. Tallene for {name} går fra {first} til {last} ({span} "
        "med endringer), så det er ennå ingen hel femårsperiode å vise."
    )


def explosion_warning(name: str, base: float, end: float, year: int) -> str:
    return (
        f"Framskrivingen for {name} går fra {fmt_int(base)} til {fmt_int(end)} i {year}, en svært stor endring. "
        "Sjekk tallene: store enkeltår (et mottak, en ny grense) kan gi et flyttemønster som ikke varer."
    )
