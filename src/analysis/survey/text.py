"""Norwegian wording of the "Bolyst og flytting" report: labels, findings as sentences, reader tables.

Every sentence a reader sees about the survey is built here from the estimates of
:mod:`analysis.survey.analysis`, so it can be tested without running the notebook.
"""

from __future__ import annotations

import pandas as pd

from analysis.numfmt import MISSING, fmt_int, fmt_interval, fmt_num, fmt_pct
from analysis.privacy import MIN_CELL, fewer_than, n_label
from analysis.report.glossary import word

#: Where the free-text themes are compared from, in running text («workshopene og grendemøtene»).
MEETINGS = f"{word('workshop', 'plural_definite')} og {word('grendemote', 'plural_definite')}"
#: The workshops' and village meetings' column and legend label beside the survey.
MEETINGS_LABEL = f"{word('workshop', 'plural').capitalize()} og {word('grendemote', 'plural')} (andel utsagn)"

GENDER_LABELS = {"female": "Kvinner", "male": "Menn", "other": "Annet / ikke oppgitt"}


def status_labels(name: str) -> dict[str, str]:
    """Column labels for residents and out-movers: ``{"resident": "Bor i <name>", "out_mover": "Utflyttet"}``."""
    return {"resident": f"Bor i {name}", "out_mover": "Utflyttet"}


MOVE_LABELS = {"yes": "Ja", "maybe": "Kanskje", "no": "Nei"}


def satisfaction_table(
    table: pd.DataFrame, group_labels: dict[str, str] | None = None, *, threshold: int = MIN_CELL
) -> pd.DataFrame:
    """Reader's table of :func:`~analysis.survey.analysis.satisfaction_by_item`: item × group,
    "3,4 (3,1–3,7)", hidden groups as "færre enn <threshold>"."""

    def cell(r) -> str:
        if r["suppressed"]:
            return fewer_than(threshold)
        if pd.isna(r["mean"]):
            return MISSING
        return f"{fmt_num(r['mean'], 1)} ({fmt_interval(r['mean_lower'], r['mean_upper'], 1)})"

    t = table.assign(cell=table.apply(cell, axis=1))
    wide = t.pivot(index="label", columns="group", values="cell")
    wide = wide.reindex(index=list(dict.fromkeys(table["label"])), columns=list(dict.fromkeys(table["group"])))
    wide.columns = [(group_labels or {}).get(c, c) for c in wide.columns]
    wide.columns.name = None
    return wide.reset_index().rename(columns={"label": "Tema"})


def finding_satisfaction(table: pd.DataFrame) -> str:
    """One sentence: the items residents are most and least satisfied with (from ``satisfaction_by_item``)."""

    t = table[(table["item"] != "sat_overall") & ~table["suppressed"]].dropna(subset=["mean"])
    if t.empty:
        return "For få svar til å vise tilfredshet per tema."
    hi = t.nlargest(2, "mean")
    lo = t.nsmallest(2, "mean")
    return (
        f"Innbyggerne er mest fornøyde med {hi.iloc[0]['label'].lower()} ({fmt_num(hi.iloc[0]['mean'], 1)}) "
        f"og {hi.iloc[1]['label'].lower()} ({fmt_num(hi.iloc[1]['mean'], 1)}), og minst fornøyde med "
        f"{lo.iloc[0]['label'].lower()} ({fmt_num(lo.iloc[0]['mean'], 1)}) og "
        f"{lo.iloc[1]['label'].lower()} ({fmt_num(lo.iloc[1]['mean'], 1)}), på en skala fra 1 til 5."
    )


def finding_gender_gaps(table: pd.DataFrame, min_gap: float = 0.3) -> str:
    """Sentence naming the items where women and men differ most (CIs not overlapping = clear difference)."""

    t = table[~table["suppressed"]].pivot(index="label", columns="group", values=["mean", "mean_lower", "mean_upper"])
    if ("mean", "female") not in t.columns or ("mean", "male") not in t.columns:
        return "For få svar til å sammenligne kvinner og menn."
    gap = (t[("mean", "female")] - t[("mean", "male")]).dropna()
    big = gap[gap.abs() >= min_gap].sort_values()
    if big.empty:
        return "Kvinner og menn svarer omtrent likt på alle temaene (forskjeller under 0,3 poeng)."
    parts = []
    for label, g in big.items():
        clear = (t.loc[label, ("mean_upper", "female")] < t.loc[label, ("mean_lower", "male")]) or (
            t.loc[label, ("mean_upper", "male")] < t.loc[label, ("mean_lower", "female")]
        )
        who = "kvinner" if g < 0 else "menn"
        parts.append(
            (
                label.lower(),
                f"{who} er {fmt_num(abs(g), 1)} poeng mindre fornøyde"
                + ("" if clear else ", men usikkerheten er stor"),
            )
        )
    if len(parts) == 1:
        ((label, gap),) = parts
        return f"Kvinner og menn skiller seg mest i synet på {label}: {gap}."
    return "Kvinner og menn skiller seg mest i synet på " + "; ".join(f"{lab} ({gap})" for lab, gap in parts) + "."


def gender_title(table: pd.DataFrame, min_gap: float = 0.3) -> str:
    """Chart title of the women/men comparison: the largest gap, or that they answer alike.

    >>> t = pd.DataFrame({"label": ["Arbeid", "Arbeid"], "group": ["female", "male"], "mean": [2.2, 2.8],
    ...                   "mean_lower": [2.0, 2.6], "mean_upper": [2.4, 3.0], "suppressed": [False, False]})
    >>> gender_title(t)
    'Størst forskjell: kvinner er 0,6 poeng mindre fornøyde med arbeid enn menn'
    """
    t = table[~table["suppressed"]].pivot(index="label", columns="group", values="mean")
    if "female" not in t.columns or "male" not in t.columns:
        return "For få svar til å sammenligne kvinner og menn"
    gap = (t["female"] - t["male"]).dropna()
    if gap.empty or gap.abs().max() < min_gap:
        return "Kvinner og menn er omtrent like fornøyde med alle temaene"
    label = gap.abs().idxmax()
    who, other = ("kvinner", "menn") if gap[label] < 0 else ("menn", "kvinner")
    return f"Størst forskjell: {who} er {fmt_num(abs(gap[label]), 1)} poeng mindre fornøyde med {label.lower()} enn {other}"


def finding_drivers(table: pd.DataFrame, name: str) -> str:
    """Sentence: which items go most with overall satisfaction, and which of those score low."""
    t = table.dropna(subset=["importance_overall"])
    if t.empty:
        return "For få svar til å si hva som henger sammen med tilfredshet."
    top = t.nlargest(3, "importance_overall")
    low = top[top["satisfaction"] < 3]
    s = (
        f"Tilfredsheten med å bo i {name} henger sterkest sammen med "
        + ", ".join(top["label"].str.lower().tolist()[:-1])
        + f" og {top['label'].iloc[-1].lower()}."
    )
    if not low.empty:
        s += " Av disse får " + " og ".join(low["label"].str.lower()) + " lav score: her er det mest å hente."
    return s


def finding_move(table: pd.DataFrame, ages: str) -> str:
    """Sentence on residents' plans to move (from ``move_intentions`` without ``by``)."""

    t = table[(table["group"] == "Alle") & ~table["suppressed"]].set_index("answer")
    if t.empty or t["share"].isna().all():
        return "For få svar til å vise flytteplaner."
    return (
        f"{fmt_pct(t.loc['yes', 'share'])} av innbyggerne {ages} år planlegger å flytte innen fem år, "
        f"og {fmt_pct(t.loc['maybe', 'share'])} er usikre (vektede tall)."
    )


#: How :func:`finding_options` opens its sentence, per multiple-choice question of the out-movers.
OPTION_SENTENCES = {
    "reasons": ("De vanligste grunnene til at utflytterne flyttet, er", "grunnene til at de flyttet"),
    "conditions": (
        "Det utflytterne oftest sier skal til for at de flytter tilbake, er",
        "hva som skal til for at de flytter tilbake",
    ),
}


def finding_options(table: pd.DataFrame, what: str) -> str:
    """Sentence naming the (at most) three most common options of a multiple-choice question.

    ``what`` is ``"reasons"`` (why they left) or ``"conditions"`` (what would bring them back); any other
    text names the question in a general sentence.

    >>> t = pd.DataFrame({"label": ["Arbeid", "Utdanning"], "share": [0.54, 0.44], "suppressed": [False, False]})
    >>> finding_options(t, "reasons")
    'De vanligste grunnene til at utflytterne flyttet, er arbeid (54 %) og utdanning (44 %).'
    """

    start, topic = OPTION_SENTENCES.get(what, (f"Vanligst blant utflytterne ({what}) er", what))
    t = table[~table["suppressed"]].dropna(subset=["share"])
    if t.empty:
        return f"For få utflyttere har svart til å vise {topic}."
    top = t.head(3)
    names = [f"{r.label.lower()} ({fmt_pct(r.share)})" for r in top.itertuples()]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" og {names[-1]}"
    return f"{start} {listed}."


def summary_line(satisfaction: pd.DataFrame, moves: pd.DataFrame, name: str, ages: str) -> str:
    """The report's lead: what residents are most and least satisfied with, and how many plan to move.

    ``satisfaction`` is :func:`~analysis.survey.analysis.satisfaction_by_item` (no ``by``), ``moves``
    :func:`~analysis.survey.analysis.move_intentions` (no ``by``).
    """
    t = satisfaction[(satisfaction["item"] != "sat_overall") & ~satisfaction["suppressed"]].dropna(subset=["mean"])
    parts = []
    if len(t) >= 2:
        hi, lo = t.loc[t["mean"].idxmax()], t.loc[t["mean"].idxmin()]
        parts.append(
            f"Innbyggerne {ages} år i {name} er mest fornøyde med {hi['label'].lower()} "
            f"({fmt_num(hi['mean'], 1)} av 5) og minst fornøyde med {lo['label'].lower()} ({fmt_num(lo['mean'], 1)})."
        )
    m = moves[(moves["group"] == "Alle") & ~moves["suppressed"]].set_index("answer")
    if "yes" in m.index and m.loc["yes", "share"] == m.loc["yes", "share"]:
        maybe = (
            f", og {fmt_pct(m.loc['maybe', 'share'])} er usikre"
            if "maybe" in m.index and m.loc["maybe", "share"] == m.loc["maybe", "share"]
            else ""
        )
        parts.append(f"{fmt_pct(m.loc['yes', 'share'])} planlegger å flytte innen fem år{maybe}.")
    return " ".join(parts) or "For få svar til å si hva undersøkelsen viser."


# --------------------------------------------------------------------------- the report's sections

SATISFACTION_GUIDE = (
    "Hvert punkt er gjennomsnittet på en skala fra 1 (svært misfornøyd) til 5 (svært fornøyd), og streken viser "
    "usikkerheten (95 % konfidensintervall). Temaer til venstre for den stiplede linjen ved 3 trekker ned."
)
GENDER_GUIDE = (
    "Sirkler er kvinner og firkanter er menn; strekene viser 95 % konfidensintervall. "
    "Når strekene overlapper mye, kan forskjellen skyldes tilfeldigheter."
)
DRIVERS_GUIDE = (
    "Temaer høyt oppe henger sterkt sammen med hvor godt folk trives; temaer til venstre får lav score. "
    "Øverst til venstre ligger det som er viktig, men svakt – der gir forbedringer mest."
)
OUT_MOVERS_UNWEIGHTED = (
    "Svarene fra utflytterne er ikke vektet, for det finnes ikke noe register å vekte dem mot. De som svarte, "
    "er trolig de som fortsatt følger kommunen på nett."
)
THEMES_GUIDE = (
    "Hver søyle er andelen som nevner temaet; et svar kan ha flere temaer. "
    f"Der begge kildene har lange søyler, peker undersøkelsen, {MEETINGS} på det samme."
)


NO_ANSWERS = (
    "Ingen svar fra spørreundersøkelsen er lagt inn ennå. Legg eksportfilene (CSV eller Excel fra Nettskjema, "
    "Forms eller papirskjema) i mappen data/raw/survey og bygg rapportene på nytt (analysis reports)."
)


def too_few_answers(residents: int, threshold: int) -> str:
    """Shown instead of results when fewer residents answered than may be shown."""
    return (
        f"Undersøkelsen har for få svar fra innbyggere til å vise resultater: {fewer_than(threshold)} "
        "innbyggere har svart."
    )


def unweighted_reason(weighting: dict) -> str:
    """Why the answers are not weighted: missing population figures, or too few answers to weight by."""
    if weighting.get("reason") == "no_population":
        return (
            "Tallene er ikke vektet fordi befolkningstallene fra SSB manglet da svarene ble renset. De viser svarene "
            "slik de kom inn, og kan skjeve mot de aldersgruppene og det kjønnet som svarte mest. Legg inn "
            "befolkningstall og rens svarene på nytt for å vekte dem."
        )
    return (
        "Tallene er ikke vektet fordi svarene ikke kunne vektes til befolkningen (for få svar i noen grupper "
        "etter alder og kjønn). De viser svarene slik de kom inn."
    )


#: Label of the key figure with the residents' answers the weighted estimates rest on (the goals overview
#: shows the same figure under the same label).
WEIGHTED_RESIDENTS = "Innbyggersvar som er vektet"


def respondent_figures(
    residents: int,
    out_movers: int,
    name: str,
    weighting: dict,
    threshold: int,
    ages: str,
    weighted_residents: int | None = None,
) -> dict[str, str]:
    """Key figures on who answered (counts below the threshold are hidden).

    ``residents`` and ``out_movers`` count every answer in the age range (as the tables by age and gender);
    ``weighted_residents`` the residents' answers that could be weighted (the base of every estimate).
    """
    out = {
        f"Svar fra innbyggere {ages} år": n_label(residents, threshold),
        f"Svar fra utflyttere {ages} år": n_label(out_movers, threshold),
    }
    if weighted_residents is not None:
        out[WEIGHTED_RESIDENTS] = n_label(weighted_residents, threshold)
    out[f"Innbyggere {ages} år i {name} ({weighting.get('year', '–')})"] = fmt_int(weighting.get("population"))
    out["Effektivt antall svar etter vekting"] = fmt_num(weighting.get("effective_n"), 0)
    return out


def respondents_sentence(
    manifest: dict,
    ages: str,
    residents: int | None = None,
    out_movers: int | None = None,
    weighted: int | None = None,
    no_age: int = 0,
) -> str:
    """Where every valid answer went: held out, outside the age range, residents and out-movers, weighted.

    >>> respondents_sentence({"rows_clean": 300, "rows_rejected": 4, "flags": {"age_out_of_range": 2}}, "18–40",
    ...                      140, 158, 139, 1)  # doctest: +NORMALIZE_WHITESPACE
    'Til sammen 300 gyldige svar. 4 innsendinger ble holdt utenfor (dobbelt innsendt eller tomme), og 2 svar var fra
    personer utenfor 18–40 år. De 298 andre er med i analysen: 140 innbyggere og 158 utflyttere. 1 av dem oppga ikke
    alder og står bare i tabellen etter kjønn. 139 av innbyggersvarene er vektet etter alder og kjønn.'
    >>> respondents_sentence({"rows_clean": 10, "rows_rejected": 1}, "18–40")
    'Til sammen 10 gyldige svar. 1 innsending ble holdt utenfor (dobbelt innsendt eller tom), og ingen svar var fra personer utenfor 18–40 år.'
    """
    rejected = int(manifest.get("rows_rejected", 0))
    outside = int(manifest.get("flags", {}).get("age_out_of_range", 0))
    held = (
        "Ingen innsendinger ble holdt utenfor"
        if rejected == 0
        else f"{fmt_int(rejected)} {'innsending' if rejected == 1 else 'innsendinger'} ble holdt utenfor "
        f"(dobbelt innsendt eller {'tom' if rejected == 1 else 'tomme'})"
    )
    ages_text = (
        f"ingen svar var fra personer utenfor {ages} år"
        if outside == 0
        else f"{fmt_int(outside)} svar var fra personer utenfor {ages} år"
    )
    text = f"Til sammen {fmt_int(manifest.get('rows_clean', 0))} gyldige svar. {held}, og {ages_text}."
    if residents is None or out_movers is None:
        return text
    text += (
        f" De {fmt_int(residents + out_movers)} andre er med i analysen: {fmt_int(residents)} innbyggere og "
        f"{fmt_int(out_movers)} utflyttere."
    )
    if no_age:
        text += f" {fmt_int(no_age)} av dem oppga ikke alder og står bare i tabellen etter kjønn."
    if weighted is not None:
        text += f" {fmt_int(weighted)} av innbyggersvarene er vektet etter alder og kjønn."
    return text


def profile_caption(by: str, threshold: int) -> str:
    """Caption of a suppressed count table of respondents (``by``: "alder", "kjønn")."""
    return (
        f"Antall svar etter {by} og bosted (skjult: {fewer_than(threshold)}, eller skjult for at en annen liten "
        "celle ikke skal kunne regnes ut)"
    )


def share_intervals(lower: pd.Series, upper: pd.Series, threshold: int) -> list[str]:
    """95 % intervals of shares as text, hidden groups as "færre enn <threshold>"."""
    return [fmt_interval(a, b, percent=True) if a == a else fewer_than(threshold) for a, b in zip(lower, upper)]


def satisfaction_shares_table(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Mean (1–5), share satisfied (%) and its interval per item."""
    shares = table.assign(
        Snitt=table["mean"],
        Fornøyd=table["satisfied"] * 100,
        Intervall=share_intervals(table["satisfied_lower"], table["satisfied_upper"], threshold),
    )[["label", "Snitt", "Fornøyd", "Intervall"]]
    return shares.rename(
        columns={
            "label": "Tema",
            "Fornøyd": "Andel fornøyd eller svært fornøyd (%)",
            "Intervall": "95 % konfidensintervall",
        }
    )


def drivers_table(drivers: pd.DataFrame) -> pd.DataFrame:
    table = drivers.rename(
        columns={
            "label": "Tema",
            "satisfaction": "Tilfredshet (1–5)",
            "importance_overall": "Sammenheng med total tilfredshet (r)",
            "importance_stay": "Sammenheng med å ville bli boende (r)",
        }
    )
    return table[
        ["Tema", "Tilfredshet (1–5)", "Sammenheng med total tilfredshet (r)", "Sammenheng med å ville bli boende (r)"]
    ]


def recommendation_figures(rec: dict) -> dict[str, str]:
    """Mean (0–10), promoters and detractors with their 95 % intervals."""
    mean, pro, det = rec["mean"], rec["promoters"], rec["detractors"]
    return {
        "Snitt 0–10": f"{fmt_num(mean['estimate'], 1)} ({fmt_interval(mean['lower'], mean['upper'], 1)})",
        "Svarer 9 eller 10": f"{fmt_pct(pro['estimate'])} ({fmt_interval(pro['lower'], pro['upper'], percent=True)})",
        "Svarer 0–6": f"{fmt_pct(det['estimate'])} ({fmt_interval(det['lower'], det['upper'], percent=True)})",
    }


def move_table(moves: pd.DataFrame) -> pd.DataFrame:
    table = moves.assign(
        Svar=moves["answer"].map(MOVE_LABELS),
        Andel=moves["share"] * 100,
        Intervall=[fmt_interval(a, b, percent=True) for a, b in zip(moves["lower"], moves["upper"])],
    )
    return table[["Svar", "Andel", "Intervall"]].rename(
        columns={"Andel": "Andel (%)", "Intervall": "95 % konfidensintervall"}
    )


def move_back_table(shares: pd.DataFrame, threshold: int) -> pd.DataFrame:
    table = shares.assign(
        Andel=shares["share"] * 100, Intervall=share_intervals(shares["lower"], shares["upper"], threshold)
    )
    return table[["label", "Andel", "Intervall"]].rename(
        columns={"label": "Svar", "Andel": "Andel (%)", "Intervall": "95 % konfidensintervall"}
    )


def themes_alt(with_workshops: bool) -> str:
    return (
        "Liggende søyler med andelen som nevner hvert tema i fritekstsvarene"
        + (f", ved siden av andelen utsagn fra {MEETINGS}" if with_workshops else "")
        + "."
    )


def themes_table(comparison: pd.DataFrame, threshold: int) -> pd.DataFrame:
    table = comparison.assign(
        Undersøkelsen=[
            f"{fmt_num(v * 100, 0)} %" if v == v else fewer_than(threshold) for v in comparison["survey_share"]
        ],
        Møtene=[f"{fmt_num(v * 100, 0)} %" if v == v else MISSING for v in comparison["workshop_share"]],
    )[["label", "Undersøkelsen", "Møtene"]]
    return table.rename(
        columns={
            "label": "Tema",
            "Undersøkelsen": "Spørreundersøkelsen (andel som skrev fritekst)",
            "Møtene": MEETINGS_LABEL,
        }
    )


def weighting_sentence(name: str, weighting: dict, ages: str) -> str:
    """How the residents were weighted: post-stratified on age × sex, or raked (and why), in one paragraph.

    >>> w = {"method": "poststratified", "year": 2026, "design_effect": 1.5, "n_weighted": 139,
    ...      "effective_n": 92.9, "min_cell": 5}
    >>> weighting_sentence("Engerdal", w, "18–40")[:93]
    'Vekting: innbyggerne som svarte, er poststratifisert på aldersgruppe × kjønn: hvert svar fra '
    """
    year = weighting.get("year", "–")
    k = weighting.get("min_cell", 5)
    if weighting.get("method") == "poststratified":
        how = (
            "Vekting: innbyggerne som svarte, er poststratifisert på aldersgruppe × kjønn: hvert svar fra en "
            "aldersgruppe og et kjønn teller slik at svarene til sammen har samme fordeling som befolkningen "
            f"{ages} år i {name} 1.1.{year} i hver celle (SSB, tabell 07459), så kvinner og menn sammenlignes ved "
            f"samme aldersfordeling. Det er gjort fordi alle cellene hadde minst {k} svar."
        )
    else:
        cell = str(weighting.get("smallest_cell") or "").replace("|female", " kvinner").replace("|male", " menn")
        why = (
            f" Poststratifisering på aldersgruppe × kjønn ble ikke brukt fordi cellen {cell} år bare hadde "
            f"{fmt_int(weighting.get('smallest_cell_n'))} svar (minst {k} trengs)."
            if cell
            else ""
        )
        how = (
            "Vekting: innbyggerne som svarte, er vektet med raking (iterativ proporsjonal tilpasning) slik at de "
            f"til sammen ligner befolkningen {ages} år i {name} 1.1.{year} etter aldersgruppe og etter kjønn hver "
            f"for seg (SSB, tabell 07459).{why} Raking treffer ikke fordelingen av kjønn innen hver aldersgruppe, "
            "så forskjeller mellom kvinner og menn kan delvis skyldes alder."
        )
    return (
        how
        + f" Designeffekten av vektene er {fmt_num(weighting.get('design_effect'), 2)}, så "
        + f"{fmt_int(weighting.get('n_weighted'))} vektede svar gir like sikre tall som om "
        + f"{fmt_num(weighting.get('effective_n'), 0)} personer var trukket tilfeldig."
        + (
            f" Aldersgruppene {', '.join(weighting['merged_bands'])} er slått sammen i vektingen fordi en gruppe manglet svar."
            if weighting.get("merged_bands")
            else ""
        )
    )


def _persons(n: int) -> str:
    """«1 person», «2 personer», «ingen»."""
    n = int(n)
    return "ingen" if n == 0 else f"{fmt_int(n)} {'person' if n == 1 else 'personer'}"


def method_bullets(name: str, weighting: dict, manifest: dict, threshold: int, ages: str) -> list[str]:
    """How the numbers were computed: weighting, uncertainty, missing answers, privacy, importance, data quality."""
    calibrated = weighting.get("method") in ("poststratified", "raked")
    return [
        weighting_sentence(name, weighting, ages),
        "Usikkerhet: gjennomsnitt har 95 % konfidensintervall beregnet med Taylor-linearisering"
        + (
            " som tar hensyn til vektingen (kalibreringen til aldersgruppe og kjønn), slik R-pakken survey gjør; "
            "andeler har Wilson-intervall med det effektive antallet svar denne standardfeilen gir. "
            if calibrated
            else "; andeler har Wilson-intervall med effektivt antall svar. "
        )
        + "Intervallene tar ikke høyde for at de som svarer på en åpen nettundersøkelse kan skille seg fra "
        "dem som ikke svarer, ut over alder og kjønn.",
        "«Vet ikke» regnes som manglende svar, ikke som et tall. Utflyttere er ikke vektet.",
        f"Personvern: ingen antall, andeler eller gjennomsnitt vises for grupper med {fewer_than(threshold)} svar. "
        "I tabeller med totaler skjules også en annen celle, slik at en skjult celle ikke kan regnes ut. "
        "Fritekst er renset for navn, telefonnumre, e-postadresser og fødselsnumre før den vises.",
        "Betydning: hvor sterkt hvert tema henger sammen med total tilfredshet og med ønsket om å bli boende, målt som vektet "
        "korrelasjon. Det viser samvariasjon, ikke nødvendigvis årsak.",
        f"Datakvalitet: {fmt_int(manifest.get('cells_rejected', 0))} enkeltsvar kunne ikke leses og er regnet som manglende; "
        f"{_persons(manifest.get('flags', {}).get('straight_lining', 0))} svarte likt på alle temaene "
        "(tatt med, men markert).",
    ]
