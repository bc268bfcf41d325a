"""The decision page that opens the goals overview: one verdict per goal, the latest change, the highest
priorities from the workshops, and what the council is asked to decide or follow up.

Every number comes from the same status objects as the goal cards (:func:`analysis.goals.cards.goal_data`)
and, for the priorities, from :func:`analysis.forcefield.metrics.priorities` on the same statements and
group weights as the across-groups report — computed once, never re-derived here.

The rules (stated on the page, :data:`RULES`):

* a goal with a target number and year (the population total): **on track** when the population report's
  main projection reaches the target in the target year *and* the population did not fall over the last
  two years; **not on track** when the main projection does not reach it; **unknown** when the projection
  reaches it but the last two years fell (the projection rests on ten years of migration that the latest
  years contradict), or when there is no projection;
* a goal with a direction only (more women, more young people, more inhabitants without a number): the
  mean of the last five years against the mean of the five years before — up by more than
  :data:`DIRECTION_THRESHOLD` (1 %) **on track**, down by more than that **not on track**, otherwise
  **unknown** (no clear change); five-year means because single years jump in a small municipality;
* a goal measured by the survey: **unknown** until the survey is repeated (the first measurement is the
  baseline).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.goals.cards import GoalData, ReportLink
from analysis.goals.status import BolystStatus, PopulationStatus, WomenStatus, YoungStatus
from analysis.numfmt import fmt_int, fmt_num
from analysis.report.html import esc

ON_TRACK, OFF_TRACK, UNKNOWN = "on_track", "off_track", "unknown"

#: What a reader sees for each verdict.
STATUS_LABELS = {ON_TRACK: "På vei mot målet", OFF_TRACK: "Ikke på vei mot målet", UNKNOWN: "Kan ikke avgjøres ennå"}

#: A five-year mean must differ by more than this share from the five years before to count as a change.
DIRECTION_THRESHOLD = 0.01
#: Years in each of the two means the direction rule compares.
MEAN_YEARS = 5
#: How many priorities the decision page lists.
TOP_PRIORITIES = 5

RULES = (
    "Slik vurderes målene: Et mål med tall og år (innbyggertallet) er **på vei** når hovedberegningen i "
    "befolkningsrapporten når målet i målåret og folketallet ikke har falt de siste to årene; **ikke på vei** "
    "når hovedberegningen ikke når målet; og **kan ikke avgjøres ennå** når beregningen når målet, men "
    "folketallet har falt de siste to årene (beregningen bygger på flyttingen over ti år, som de siste årene ikke "
    "bekrefter). Et mål uten tall (flere kvinner, flere unge) er **på vei** når snittet for de siste fem årene er "
    "mer enn 1 % høyere enn snittet for de fem årene før, **ikke på vei** når det er mer enn 1 % lavere, og ellers "
    "**kan ikke avgjøres ennå**. Vi bruker femårssnitt fordi enkeltår kan svinge mye, særlig i små kommuner. Et mål som "
    "måles med innbyggerundersøkelsen kan vurderes først når undersøkelsen gjentas."
)


@dataclass(frozen=True)
class Verdict:
    """One goal on the decision page; every value is finished Norwegian text except ``status``."""

    goal: str
    title: str
    status: str  # ON_TRACK, OFF_TRACK or UNKNOWN
    change: str  # the latest change, last year and last two years, in plain words
    reason: str  # the rule applied, with its numbers
    follow_up: str | None = None  # what the council is asked to decide or follow up

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


# --------------------------------------------------------------------------- rules


def direction(series: pd.Series, years: int = MEAN_YEARS, threshold: float = DIRECTION_THRESHOLD):
    """``(status, recent mean, earlier mean, relative change)`` by the direction rule; UNKNOWN without
    ``2 × years`` years of data.

    >>> s = pd.Series([100.0] * 5 + [103.0] * 5, index=range(2017, 2027))
    >>> direction(s)[0], round(direction(s)[3], 3)
    ('on_track', 0.03)
    >>> direction(pd.Series([100.0, 99.6] * 5, index=range(2017, 2027)))[0]
    'unknown'
    """
    s = series.dropna().sort_index()
    if len(s) < 2 * years:
        return UNKNOWN, None, None, None
    recent = float(s.iloc[-years:].mean())
    earlier = float(s.iloc[-2 * years : -years].mean())
    if earlier == 0:
        return UNKNOWN, recent, earlier, None
    rel = recent / earlier - 1
    if rel > threshold:
        return ON_TRACK, recent, earlier, rel
    if rel < -threshold:
        return OFF_TRACK, recent, earlier, rel
    return UNKNOWN, recent, earlier, rel


def _means_sentence(
    series: pd.Series, recent: float | None, earlier: float | None, rel: float | None, what: str, decimals: int
) -> str:
    s = series.dropna().sort_index()
    if recent is None or earlier is None or rel is None:
        return f"For få år med tall til å sammenligne femårssnitt for {what}."
    last = int(s.index[-1])
    first_recent, last_earlier = last - MEAN_YEARS + 1, last - MEAN_YEARS
    direction_word = "høyere" if rel > 0 else "lavere"
    comparison = "det samme som" if rel == 0 else f"{fmt_num(abs(rel) * 100, 1)} % {direction_word} enn"
    return (
        f"Snittet for {what} {first_recent}–{last} er {fmt_num(recent, decimals)}, {comparison} snittet for "
        f"{last_earlier - MEAN_YEARS + 1}–{last_earlier} ({fmt_num(earlier, decimals)})."
    )


def _change_words(series: pd.Series, what: str, decimals: int = 0) -> str:
    """The latest value and its change from one and two years before, in plain words.

    >>> s = pd.Series([1361.0, 1326.0, 1287.0], index=[2024, 2025, 2026])
    >>> _change_words(s, "Folketallet")
    'Folketallet var 1 287 1.1.2026 – ned 39 fra året før og ned 74 på to år (fra 1 361 1.1.2024).'
    """
    s = series.dropna().sort_index()
    if s.empty:
        return "Ingen tall."
    last_year = int(s.index[-1])
    now = round(float(s.iloc[-1]), decimals)
    parts = []
    for back, span in ((1, "fra året før"), (2, "på to år")):
        if last_year - back not in s.index:
            continue
        delta = now - round(float(s.loc[last_year - back]), decimals)
        if delta == 0:
            parts.append(f"uendret {span}")
        else:
            parts.append(f"{'opp' if delta > 0 else 'ned'} {fmt_num(abs(delta), decimals)} {span}")
    head = f"{what} var {fmt_num(now, decimals)} 1.1.{last_year}"
    if not parts:
        return head + "."
    two = last_year - 2
    source = ""
    if two in s.index:
        before = fmt_num(float(s.loc[two]), decimals)
        same = round(float(s.loc[two]), decimals) == now
        source = f" ({'også ' if same else 'fra '}{before} 1.1.{two})"
    return f"{head} – {' og '.join(parts)}{source}."


def _latest_caveat(series: pd.Series, status: str, earlier: float | None) -> str:
    """A warning when the latest year alone points the other way than the five-year means."""
    s = series.dropna().sort_index()
    if earlier is None or s.empty:
        return ""
    last = float(s.iloc[-1])
    year = int(s.index[-1])
    if status == ON_TRACK and round(last) < round(earlier):
        return (
            f" Men tallet for {year} alene ({fmt_num(last, 0)}) er lavere enn det tidligere snittet; fortsetter "
            "nedgangen, snur vurderingen."
        )
    if status == OFF_TRACK and round(last) > round(earlier):
        return f" Men tallet for {year} alene ({fmt_num(last, 0)}) er høyere enn det tidligere snittet."
    return ""


# --------------------------------------------------------------------------- verdicts


def population_verdict(d: GoalData, s: PopulationStatus) -> Verdict:
    series = s.history.set_index("year")["total"].astype(float)
    change = _change_words(series, "Folketallet")
    if s.target is None:
        status, recent, earlier, rel = direction(series)
        reason = _means_sentence(series, recent, earlier, rel, "folketallet", 0)
        follow = None
        if status == OFF_TRACK:
            follow = "Følge opp hva som kan snu nedgangen i folketallet; rapporten om befolkningsutvikling viser om det er fødsler, dødsfall eller flytting som driver den."
        return Verdict(d.goal.id, d.goal.label, status, change, reason, follow)
    two = s.change.get(2)
    fell = two is not None and two[0] < 0
    req = s.requirement
    if s.scenario_total is None or req is None:
        reason = (
            f"Målet er minst {fmt_int(s.target)} innbyggere 1.1.{s.target_year}. Uten en beregning fram til målåret "
            "kan det ikke vurderes."
        )
        return Verdict(d.goal.id, d.goal.label, UNKNOWN, change, reason, None)
    projected = int(round(s.scenario_total))
    base = (
        f"Målet er minst {fmt_int(s.target)} innbyggere 1.1.{s.target_year}. Hovedberegningen i "
        f"befolkningsrapporten gir om lag {fmt_int(projected)}."
    )
    need = (
        f"netto innflytting på om lag {fmt_int(req.persons_per_year)} per år fram til {s.target_year}"
        if req.per_year > 0
        else None
    )
    if s.scenario_total < s.target:
        reason = base + " Den når ikke målet."
        follow = (
            f"Ta stilling til hvordan kommunen kan få {need} – eller om målet skal justeres."
            if need
            else "Ta stilling til om målet skal justeres."
        )
        return Verdict(d.goal.id, d.goal.label, OFF_TRACK, change, reason, follow)
    if fell:
        reason = (
            base + f" Den når målet, men folketallet har falt med {fmt_int(-two[0])} de siste to årene, og "
            "beregningen bygger på flyttingen over ti år."
        )
        follow = (
            f"Følge med på folketallet 1.1.{s.latest_year + 1}: faller det igjen, trengs {need}"
            if need
            else f"Følge med på folketallet 1.1.{s.latest_year + 1}: faller det igjen, er målet i fare"
        )
        follow += " – ta stilling til tiltak som gir flere tilflyttere."
        return Verdict(d.goal.id, d.goal.label, UNKNOWN, change, reason, follow)
    reason = base + " Den når målet, og folketallet har ikke falt de siste to årene."
    return Verdict(d.goal.id, d.goal.label, ON_TRACK, change, reason, None)


def _direction_verdict(d: GoalData, series: pd.Series, change_what: str, mean_what: str, follow: str) -> Verdict:
    """A goal with a direction only: the five-year rule, its numbers, and ``follow`` when it is not on track."""
    change = _change_words(series, change_what)
    status, recent, earlier, rel = direction(series)
    reason = _means_sentence(series, recent, earlier, rel, mean_what, 0) + _latest_caveat(series, status, earlier)
    return Verdict(d.goal.id, d.goal.label, status, change, reason, follow if status == OFF_TRACK else None)


def women_verdict(d: GoalData, s: WomenStatus) -> Verdict:
    band = f"{s.ages[0]}–{s.ages[1]} år"
    series = s.series if s.series is not None else pd.Series({s.latest_year: s.ratio})
    return _direction_verdict(
        d,
        series,
        f"Kvinner per 100 menn i alderen {band}",
        f"kvinner per 100 menn {band}",
        f"Be om tiltak som gjør det mer attraktivt for kvinner i alderen {band} å bo og arbeide i kommunen, og "
        "følge utviklingen hvert år.",
    )


def young_verdict(d: GoalData, s: YoungStatus) -> Verdict:
    labels = " og ".join(b.label for b in s.bands)
    series = s.series if s.series is not None else pd.Series({s.latest_year: float(sum(b.latest for b in s.bands))})
    return _direction_verdict(
        d,
        series,
        f"Innbyggere i alderen {labels}",
        f"innbyggere {labels}",
        f"Be om tiltak for barnefamilier og unge voksne; antallet i alderen {labels} går ned.",
    )


def survey_verdict(d: GoalData, s: BolystStatus | None) -> Verdict:
    change = "Første måling (nullpunkt); ingen endring å vise ennå."
    reason = "Målet måles med innbyggerundersøkelsen, og det finnes bare én måling."
    follow = "Gjenta innbyggerundersøkelsen med de samme spørsmålene, så utviklingen kan måles mot nullpunktet."
    return Verdict(d.goal.id, d.goal.label, UNKNOWN, change, reason, follow)


def verdicts(data: Sequence[GoalData]) -> list[Verdict]:
    """One verdict per goal, in the council's order."""
    out = []
    for d in data:
        if d.status is None and d.kind != "survey_share":
            why = d.message or "Målet har ingen indikator i profilen."
            out.append(Verdict(d.goal.id, d.goal.label, UNKNOWN, "Ingen tall.", why, None))
        elif d.kind == "population_total":
            out.append(population_verdict(d, d.status))
        elif d.kind == "women_per_100_men":
            out.append(women_verdict(d, d.status))
        elif d.kind == "age_bands":
            out.append(young_verdict(d, d.status))
        elif d.kind == "survey_share":
            if d.status is None:
                out.append(Verdict(d.goal.id, d.goal.label, UNKNOWN, "Ingen tall.", d.message or "", None))
            else:
                out.append(survey_verdict(d, d.status))
        else:
            out.append(Verdict(d.goal.id, d.goal.label, UNKNOWN, "Ingen tall.", "Ukjent indikator.", None))
    return out


# --------------------------------------------------------------------------- priorities


@dataclass(frozen=True)
class Priority:
    rank: int
    theme: str
    score: float
    n_groups: int
    answered: bool


def top_priorities(prio: pd.DataFrame, labels: Mapping[str, str], n: int = TOP_PRIORITIES) -> list[Priority]:
    """The ``n`` highest scored counter-force themes of :func:`analysis.forcefield.metrics.priorities`."""
    if prio is None or prio.empty:
        return []
    scored = prio.loc[prio["scored"].astype(bool)].head(n)
    return [
        Priority(
            int(r.rank),
            str(labels.get(r.theme, r.theme)),
            float(r.score),
            int(r.n_groups),
            bool(r.answered),
        )
        for r in scored.itertuples()
    ]


def follow_ups(vs: Sequence[Verdict], priorities: Sequence[Priority]) -> list[str]:
    """What the council is asked to decide or follow up: one line per goal that needs it, then the priorities."""
    out = [f"{v.title}: {v.follow_up}" for v in vs if v.follow_up]
    unanswered = [p.theme.lower() for p in priorities if not p.answered]
    if priorities:
        names = ", ".join(p.theme.lower() for p in priorities[:3])
        line = (
            f"Prioriteringer: ta stilling til hvilke tiltak mot de høyest rangerte motkreftene ({names}) som skal "
            "inn i budsjett og handlingsplan."
        )
        if unanswered:
            line += f" Ingen foreslåtte tiltak er koblet til {_join(unanswered)} ennå."
        out.append(line)
    return out


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


# --------------------------------------------------------------------------- rendering

_STATUS_MARK = {ON_TRACK: "▲", OFF_TRACK: "▼", UNKNOWN: "●"}


def verdict_table_html(vs: Sequence[Verdict]) -> str:
    """The verdicts as a table (goal, verdict, latest change, why); every text escaped."""
    rows = "".join(
        f'<tr class="verdict-{esc(v.status)}"><th scope="row">{esc(v.title)}</th>'
        f'<td class="verdict" data-label="Vurdering"><span aria-hidden="true">{_STATUS_MARK[v.status]}</span> '
        f"{esc(v.label)}</td>"
        f'<td data-label="Siste endring">{esc(v.change)}</td><td data-label="Hvorfor">{esc(v.reason)}</td></tr>'
        for v in vs
    )
    return (
        '<div class="table-wrap" role="region" aria-label="Status for hovedmålene" tabindex="0">'
        '<table class="report-table decision-table"><caption>Status for hovedmålene</caption>'
        '<thead><tr><th scope="col">Mål</th><th scope="col">Vurdering</th><th scope="col">Siste endring</th>'
        f'<th scope="col">Hvorfor</th></tr></thead><tbody>{rows}</tbody></table></div>'
    )


def priorities_html(ps: Sequence[Priority], link: ReportLink | None) -> str:
    if not ps:
        return ""
    items = "".join(
        f"<li><strong>{esc(p.theme)}</strong> – poengsum {esc(fmt_num(p.score, 2))}, nevnt av {esc(fmt_int(p.n_groups))} "
        f"{'gruppe' if p.n_groups == 1 else 'grupper'}"
        f"{'' if p.answered else '; ingen tiltak er koblet til ennå'}</li>"
        for p in ps
    )
    more = (
        f' <a href="{esc(link.href)}">Se hele rangeringen og hvordan poengsummen regnes ut i «{esc(link.title)}».</a>'
        if link is not None
        else ""
    )
    return (
        f"<p>De {len(ps)} høyest rangerte motkreftene fra workshopene og grendemøtene (samlet per tema; poengsum = "
        f'vektet antall grupper × styrke/5 × påvirkbarhet/5).{more}</p><ol class="decision-priorities">{items}</ol>'
    )


def summary_sentence(vs: Sequence[Verdict]) -> str:
    """One line for the page's lead and the index: how many goals are on track."""
    counts = {k: sum(1 for v in vs if v.status == k) for k in (ON_TRACK, OFF_TRACK, UNKNOWN)}
    n = len(vs)
    if n == 0:
        return "Kommunestyret har ikke satt mål ennå."
    parts = []
    if counts[ON_TRACK]:
        parts.append(f"{counts[ON_TRACK]} på vei")
    if counts[OFF_TRACK]:
        parts.append(f"{counts[OFF_TRACK]} ikke på vei")
    if counts[UNKNOWN]:
        parts.append(f"{counts[UNKNOWN]} kan ikke avgjøres ennå")
    head = f"Av {n} hovedmål er {_join(parts)}."
    pop = next((v for v in vs if v.goal and v.change.startswith("Folketallet")), None)
    return head + (f" {pop.change}" if pop is not None else "")
