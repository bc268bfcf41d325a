"""Illustrative workshop and village-meeting notes (NOT the municipality's real notes).

:func:`write_illustrative` writes, deterministically, the messy raw files kept in
``data/raw/workshops/``: one workbook from the template (arbeidsgruppen), a
classic force-field workbook (kommunestyret), a Windows-1252 CSV with ``;``
(ungdomsrådet), a UTF-8-BOM CSV with English headers (eldrerådet), a thin
workbook with a heading above the table, merged cells and mojibake (rådet for
personer med funksjonsnedsettelse) and village meetings as one sheet per
village plus one CSV (Drevsjø). Content follows the project description: the
four main goals, 1 300 inhabitants in 2030, desired results written as if
achieved, sub-goals, measures, forces and counter-forces.

Tests reuse it to write planted data into a temporary folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from analysis import vocab
from analysis.profile import load_profile

_PROFILE = load_profile()
_GOALS = list(_PROFILE.goal_ids)
_VILLAGES = {v.id: v.name for v in _PROFILE.villages}

NOTICE = (
    "# Illustrative data\n\n"
    "The files in this folder are ILLUSTRATIVE workshop and village-meeting notes, written by\n"
    "`tools/illustrative/workshops.py` (`python -m tools.illustrative.workshops data/raw/workshops`) to show how the analysis works. They are not Engerdal\n"
    "municipality's real notes. Reports built from them say so (`illustrative: true` in the manifest).\n\n"
    "Filene i denne mappen er illustrative eksempeldata, ikke kommunens egne notater.\n"
)

# (goal, kind, text, strength, pavirkbar) — shared ideas several groups may name
SHARED = [
    ("innbyggertall", "onsket_resultat", "Engerdal har 1 300 innbyggere i 2030", None, None),
    ("innbyggertall", "onsket_resultat", "Nettoinnflyttingen har vært positiv hvert år siden 2025", None, None),
    ("bolyst", "onsket_resultat", "Innbyggerne trives og anbefaler Engerdal til venner og familie", None, None),
    ("kvinner", "onsket_resultat", "Det bor like mange kvinner som menn i alderen 20–40 år i Engerdal", None, None),
    ("unge", "onsket_resultat", "Unge voksne velger Engerdal når de etablerer seg med familie", None, None),
    ("bolyst", "delmal", "Flere møteplasser i grendene", None, None),
    ("innbyggertall", "delmal", "Flere boliger er tilgjengelige for tilflyttere", None, None),
    ("innbyggertall", "delmal", "Flere arbeidsplasser i kommunen", None, None),
    ("kvinner", "delmal", "Flere heltidsstillinger og kvinnearbeidsplasser", None, None),
    ("unge", "delmal", "Et godt fritidstilbud for ungdom hele året", None, None),
    ("innbyggertall", "tiltak", "Bygge utleieboliger i Engerdal sentrum og Drevsjø", None, 4),
    ("innbyggertall", "tiltak", "Tilflytterkontakt og velkomstpakke til alle nye innbyggere", None, 5),
    ("innbyggertall", "tiltak", "Tilby byggeklare tomter til redusert pris", None, 5),
    ("innbyggertall", "tiltak", "Kartlegge tomme hus og hjelpe eierne med salg eller utleie", None, 3),
    ("bolyst", "tiltak", "Lage en kafé og møteplass i sentrum", None, 4),
    ("bolyst", "tiltak", "Gi driftstilskudd til lag og foreninger", None, 5),
    ("kvinner", "tiltak", "Innføre heltidskultur i helse og omsorg", None, 4),
    ("kvinner", "tiltak", "Hjelpe partner til nyansatte med å finne jobb", None, 3),
    ("unge", "tiltak", "Garantert sommerjobb for ungdom mellom 15 og 18 år", None, 4),
    ("unge", "tiltak", "Desentralisert høyere utdanning gjennom et studiesenter", None, 2),
    ("innbyggertall", "tiltak", "Etablere kontorfellesskap for fjernarbeidere", None, 4),
    ("bolyst", "kraft", "Unik natur og nærhet til Femundsmarka nasjonalpark", 5, None),
    ("bolyst", "kraft", "Godt samhold og dugnadsånd i grendene", 4, None),
    ("unge", "kraft", "Trygge og gode oppvekstvilkår for barn", 4, None),
    ("innbyggertall", "kraft", "Mange hytteeiere som kan tenke seg å bli fastboende", 3, None),
    ("innbyggertall", "kraft", "Fjernarbeid er blitt vanlig etter pandemien", 4, None),
    ("bolyst", "kraft", "Gode muligheter for jakt, fiske og friluftsliv", 4, None),
    ("unge", "kraft", "Små skoler med god lærertetthet", 3, None),
    ("innbyggertall", "kraft", "Kort vei til beslutningstakerne i en liten kommune", 3, None),
    ("innbyggertall", "motkraft", "Mangel på utleieboliger", 5, None),
    ("unge", "motkraft", "Lang reisevei til videregående skole", 4, None),
    ("kvinner", "motkraft", "Få arbeidsplasser for kvinner med høyere utdanning", 4, None),
    ("bolyst", "motkraft", "Dårlig mobildekning og bredbånd i deler av kommunen", 4, None),
    ("bolyst", "motkraft", "Lite kollektivtransport mellom grendene", 3, None),
    ("bolyst", "motkraft", "Negativ omtale av kommunen i media", 2, None),
    ("unge", "motkraft", "Ungdom flytter ut for å ta utdanning og kommer ikke tilbake", 5, None),
    ("innbyggertall", "motkraft", "Få ledige stillinger innen privat næringsliv", 4, None),
    ("bolyst", "motkraft", "Dårlig vedlikeholdte fylkesveier", 3, None),
]

OWN = {
    "arbeidsgruppe": [
        ("innbyggertall", "delmal", "Boligstrategi er vedtatt og fulgt opp", None, None),
        ("innbyggertall", "tiltak", "Lage en boligstrategi med mål for utleieboliger", None, 5),
        ("innbyggertall", "tiltak", "Samarbeid med næringslivet om rekruttering av arbeidskraft", None, 3),
        ("bolyst", "tiltak", "Markedsføre Engerdal som et godt sted å bo", None, 4),
        ("kvinner", "tiltak", "Kartlegge hvorfor kvinner flytter ut", None, 5),
        ("bolyst", "kraft", "Engasjert arbeidsgruppe med politisk forankring", 4, None),
        ("innbyggertall", "motkraft", "Begrenset økonomi i kommunen", 4, None),
        ("innbyggertall", "motkraft", "Høy andel eldre og fødselsunderskudd", 5, None),
        ("unge", "kraft", "Ny barnehage med god kapasitet", None, None),
    ],
    "kommunestyret": [
        ("innbyggertall", "tiltak", "Opprette et næringsfond for gründere", None, 5),
        ("bolyst", "tiltak", "Redusere eiendomsskatten for boliger", None, 5),
        ("bolyst", "kraft", "Sterk sørsamisk kultur og historie", 3, None),
        ("innbyggertall", "kraft", "Reiselivet rundt Femund gir nye arbeidsplasser", 4, None),
        ("innbyggertall", "motkraft", "Treg saksbehandling av byggesaker", 2, None),
        ("kvinner", "motkraft", "Mannsdominerte næringer som skogbruk og kraft", 3, None),
        ("unge", "motkraft", "Få barnehageplasser midt i året", None, None),
        ("bolyst", "motkraft", "Lange avstander til lege og sykehus", 3, None),
    ],
    "ungdomsradet": [
        ("unge", "motkraft", "Ungdomsklubben har bare åpent én kveld i uka", 4, None),
        ("unge", "tiltak", "Ungdomsklubb med fast åpningstid flere dager i uka", None, 5),
        ("unge", "tiltak", "Bygge en skatepark ved skolen", None, 4),
        ("unge", "tiltak", "Kveldsbuss til Trysil og Rena i helgene", None, 2),
        ("bolyst", "tiltak", "Gratis wifi i sentrum og på samfunnshuset", None, 4),
        ("unge", "kraft", "Mange aktiviteter i naturen som ski, fiske og snøscooter", 4, None),
        ("unge", "motkraft", "Lite å gjøre for ungdom på kveldstid", 4, None),
        ("unge", "tiltak", "Lag en ungdomsside på kommunens nettside <script>alert('x')</script>", None, 3),
        ("kvinner", "motkraft", "Jenter flytter tidligere ut enn gutter", 4, None),
        ("unge", "onsket_resultat", "Ungdom som har flyttet ut, har lyst til å flytte hjem igjen", None, None),
    ],
    "eldreradet": [
        ("innbyggertall", "tiltak", "Bygge omsorgsboliger i sentrum nær tjenestene", None, 4),
        ("bolyst", "tiltak", "Seniorsenter med kafé og aktiviteter", None, 4),
        ("bolyst", "tiltak", "Trygghetsalarm og velferdsteknologi i hjemmet", None, 5),
        ("bolyst", "motkraft", "Ensomhet blant eldre i grendene", 4, None),
        ("bolyst", "motkraft", "Ensomhet blant eldre i grendane", 3, None),  # typed twice, once with a typo
        ("bolyst", "motkraft", "Hjemmesykepleien har lange avstander", 3, None),
        ("bolyst", "kraft", "Frivillige som kjører eldre til lege og butikk", 3, None),
        ("innbyggertall", "motkraft", "Eldre som vil flytte fra store hus finner ingen mindre bolig", 4, None),
        ("unge", "kraft", "Besteforeldre som bor nær kan hjelpe småbarnsfamilier", 2, None),
    ],
    "funksjonshemmede": [
        ("bolyst", "tiltak", "Universell utforming av alle kommunale bygg", None, 5),
        ("bolyst", "tiltak", "Rampe og HC-parkering ved samfunnshuset", None, 5),
        ("bolyst", "motkraft", "Manglende heis i rådhuset", 3, None),
        ("innbyggertall", "tiltak", "Tilrettelagt transport for rullestolbrukere", None, 3),
        ("bolyst", "tiltak", "Lettlest informasjon på kommunens nettside", None, 5),
        ("innbyggertall", "motkraft", "Få arbeidsplasser tilrettelagt for personer med nedsatt funksjonsevne", 4, None),
        ("bolyst", "kraft", "Kort vei til kommunens tjenester for den som bor i sentrum", 2, None),
    ],
}

VILLAGE_OWN = {
    "engerdal_sentrum": [
        (
            "bolyst",
            "onsket_resultat",
            "Engerdal sentrum er et levende sentrum med kafé, handel og møteplass",
            None,
            None,
        ),
        ("bolyst", "motkraft", "Tomme lokaler i sentrum", 3, None),
        ("innbyggertall", "tiltak", "Regulere et nytt boligfelt nær skolen", None, 5),
    ],
    "drevsjo": [
        ("bolyst", "motkraft", "Butikken i Drevsjø sliter med lav omsetning", 4, None),
        ("innbyggertall", "tiltak", "Flere utleieboliger i Drevsjø", None, 4),
        ("bolyst", "kraft", "Aktivt idrettslag og skiløyper i Drevsjø", 4, None),
    ],
    "elga": [
        ("bolyst", "motkraft", "Svært dårlig mobildekning i Elgå", 5, None),
        ("bolyst", "kraft", "Sørsamisk kultur og reindrift er en styrke for Elgå", 4, None),
        ("unge", "motkraft", "Lang skolevei for barna i Elgå", 4, None),
    ],
    "somadalen": [
        ("bolyst", "motkraft", "Veien gjennom Sømådalen er dårlig vedlikeholdt", 4, None),
        ("innbyggertall", "kraft", "Hyttefolket i Sømådalen kan bli fastboende", 3, None),
    ],
    "heggeriset": [
        ("bolyst", "tiltak", "Vedlikeholde grendehuset i Heggeriset", None, 4),
        ("bolyst", "kraft", "Sterkt samhold og mange dugnader i Heggeriset", 4, None),
    ],
    "elvdalen": [
        ("bolyst", "tiltak", "Fiber til alle husstander i Elvdalen", None, 3),
        ("innbyggertall", "motkraft", "Få ledige hus for salg i Elvdalen", 3, None),
    ],
}

#: Which counter-force(s) a measure answers, as a group would write it in «Svarer på motkraft»
#: (only where the group named that counter-force too). Measures not listed answer none on purpose:
#: a shared theme is not a link («Gi driftstilskudd til lag og foreninger» answers no counter-force).
LINKS = {
    "Bygge utleieboliger i Engerdal sentrum og Drevsjø": ["Mangel på utleieboliger"],
    "Kartlegge tomme hus og hjelpe eierne med salg eller utleie": ["Mangel på utleieboliger"],
    "Lage en boligstrategi med mål for utleieboliger": ["Mangel på utleieboliger"],
    "Flere utleieboliger i Drevsjø": ["Mangel på utleieboliger"],
    "Desentralisert høyere utdanning gjennom et studiesenter": [
        "Ungdom flytter ut for å ta utdanning og kommer ikke tilbake"
    ],
    "Garantert sommerjobb for ungdom mellom 15 og 18 år": [
        "Ungdom flytter ut for å ta utdanning og kommer ikke tilbake"
    ],
    "Hjelpe partner til nyansatte med å finne jobb": ["Få arbeidsplasser for kvinner med høyere utdanning"],
    "Innføre heltidskultur i helse og omsorg": ["Få arbeidsplasser for kvinner med høyere utdanning"],
    "Etablere kontorfellesskap for fjernarbeidere": ["Få ledige stillinger innen privat næringsliv"],
    "Opprette et næringsfond for gründere": ["Få ledige stillinger innen privat næringsliv"],
    "Markedsføre Engerdal som et godt sted å bo": ["Negativ omtale av kommunen i media"],
    "Ungdomsklubb med fast åpningstid flere dager i uka": [
        "Ungdomsklubben har bare åpent én kveld i uka",
        "Lite å gjøre for ungdom på kveldstid",
    ],
    "Bygge en skatepark ved skolen": ["Lite å gjøre for ungdom på kveldstid"],
    "Kveldsbuss til Trysil og Rena i helgene": ["Lite kollektivtransport mellom grendene"],
    "Gratis wifi i sentrum og på samfunnshuset": ["Dårlig mobildekning og bredbånd i deler av kommunen"],
    "Fiber til alle husstander i Elvdalen": ["Dårlig mobildekning og bredbånd i deler av kommunen"],
    "Bygge omsorgsboliger i sentrum nær tjenestene": ["Eldre som vil flytte fra store hus finner ingen mindre bolig"],
    "Trygghetsalarm og velferdsteknologi i hjemmet": ["Hjemmesykepleien har lange avstander"],
    "Universell utforming av alle kommunale bygg": ["Manglende heis i rådhuset"],
}

#: Påvirkbar of counter-forces, scored at the village meetings (they used Distriktssenteret's form,
#: which scores every item); the workshops scored påvirkbar on measures only.
VILLAGE_COUNTER_PAVIRKBAR = {
    "Mangel på utleieboliger": 4,
    "Lang reisevei til videregående skole": 1,
    "Få arbeidsplasser for kvinner med høyere utdanning": 3,
    "Dårlig mobildekning og bredbånd i deler av kommunen": 2,
    "Lite kollektivtransport mellom grendene": 3,
    "Negativ omtale av kommunen i media": 4,
    "Ungdom flytter ut for å ta utdanning og kommer ikke tilbake": 2,
    "Få ledige stillinger innen privat næringsliv": 2,
    "Dårlig vedlikeholdte fylkesveier": 1,
    "Tomme lokaler i sentrum": 4,
    "Butikken i Drevsjø sliter med lav omsetning": 3,
    "Svært dårlig mobildekning i Elgå": 1,
    "Lang skolevei for barna i Elgå": 2,
    "Veien gjennom Sømådalen er dårlig vedlikeholdt": 1,
    "Få ledige hus for salg i Elvdalen": 3,
}
VILLAGE_MEASURE_PAVIRKBAR = {"Regulere et nytt boligfelt nær skolen": 5, "Vedlikeholde grendehuset i Heggeriset": 4}

#: The analyst's confirmed links (data/raw/workshops/links.yaml): suggestions checked and found right.
LINKS_FILE = """# Koblinger mellom tiltak og motkrefter som analytikeren har sjekket (illustrativt eksempel).
# Leses av «analysis clean» i tillegg til kolonnen «Svarer på motkraft» i notatene; notatene endres aldri.
#   measure:  tiltakets tekst (eller id fra statements_links.csv)
#   answers:  motkreftene tiltaket svarer på (tekst eller id), i samme gruppe
#   group:    valgfri: bare i denne gruppen
#   replace:  valgfri: true erstatter koblingene fra notatene (en tom liste fjerner dem)
links:
  - group: eldreradet
    measure: Seniorsenter med kafé og aktiviteter
    answers: [Ensomhet blant eldre i grendene]
  - group: funksjonshemmede
    measure: Tilrettelagt transport for rullestolbrukere
    answers: [Få arbeidsplasser tilrettelagt for personer med nedsatt funksjonsevne]
"""

#: how many shared ideas each group names (thin groups on purpose)
SHARED_COUNT = {"arbeidsgruppe": 28, "kommunestyret": 26, "ungdomsradet": 20, "eldreradet": 17, "funksjonshemmede": 8}
VILLAGE_SHARED = 12

WORKSHOP_DATES = {
    "arbeidsgruppe": dt.date(2021, 2, 10),
    "kommunestyret": dt.date(2021, 3, 18),
    "ungdomsradet": dt.date(2021, 4, 22),
    "eldreradet": dt.date(2021, 5, 6),
    "funksjonshemmede": dt.date(2021, 5, 12),
}
VILLAGE_DATES = {
    "engerdal_sentrum": dt.date(2021, 6, 1),
    "drevsjo": dt.date(2021, 6, 3),
    "elga": dt.date(2021, 6, 8),
    "somadalen": dt.date(2021, 6, 10),
    "heggeriset": dt.date(2021, 6, 15),
    "elvdalen": dt.date(2021, 6, 17),
}

_WORDS = {1: "svært lav", 2: "lav", 3: "middels", 4: "høy", 5: "svært høy"}


def statements_for(group: str, rng: random.Random) -> list[dict]:
    """The illustrative statements of one group as dicts (canonical ids)."""
    if group.startswith(vocab.VILLAGE_PREFIX):
        own, n_shared = VILLAGE_OWN[group.split(":", 1)[1]], VILLAGE_SHARED
        pool = [s for s in SHARED if s[1] in ("kraft", "motkraft", "tiltak")]
    else:
        own, n_shared = OWN[group], SHARED_COUNT[group]
        pool = list(SHARED)
    if group == "eldreradet":  # the elderly council did not discuss "flere kvinner"
        pool = [s for s in pool if s[0] != "kvinner"]
    picked = rng.sample(pool, min(n_shared, len(pool))) + list(own)
    out = []
    village = group.startswith(vocab.VILLAGE_PREFIX)
    counters = {text for _, kind, text, _, _ in picked if kind == "motkraft"}
    for goal, kind, text, strength, pav in picked:
        if strength is not None and rng.random() < 0.2:
            strength = None  # some forces were not scored
        if village and kind == "motkraft":
            pav = VILLAGE_COUNTER_PAVIRKBAR.get(text)
        if village and kind == "tiltak":
            pav = VILLAGE_MEASURE_PAVIRKBAR.get(text, pav)
        out.append(
            {
                "group": group,
                "goal": goal,
                "kind": kind,
                "text": text,
                "strength": strength,
                "pavirkbar": pav,
                "votes": rng.choice([None, None, 0, 1, 2, 3, 5, 7]) if kind == "tiltak" else None,
                "answers": [c for c in LINKS.get(text, []) if c in counters] if kind == "tiltak" else [],
            }
        )
    return out


def _answers_by_row(statements: list[dict], row_of: dict[int, int]) -> list[str]:
    """The link cell of each statement, by row number (``row_of``: position → row in the sheet)."""
    where = {s["text"]: row_of[i] for i, s in enumerate(statements) if s["kind"] == "motkraft"}
    return [" og ".join(str(where[c]) for c in s["answers"]) for s in statements]


def _csv_bytes(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def _save(wb, path: Path) -> None:
    wb.properties.created = dt.datetime(2021, 1, 1)
    wb.properties.modified = dt.datetime(2021, 1, 1)
    wb.save(path)


def write_illustrative(folder: str | Path, seed: int = 2021) -> list[Path]:
    """Write the illustrative raw files into ``folder`` (e.g. ``data/raw/workshops``); return their paths."""
    import openpyxl
    import pandas as pd

    from analysis.workshops.template import write_template

    rng = random.Random(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "grendemoter").mkdir(exist_ok=True)
    written: list[Path] = []
    (folder / "ILLUSTRATIVE.md").write_text(NOTICE, encoding="utf-8")
    (folder / "links.yaml").write_text(LINKS_FILE, encoding="utf-8")

    # 1. arbeidsgruppen: the template, filled in
    st = statements_for("arbeidsgruppe", rng)
    st.append(dict(st[3]))  # typed twice
    ids = {s["text"]: f"s{i}" for i, s in enumerate(st) if s["kind"] == "motkraft"}
    frame = pd.DataFrame(st)
    frame["statement_id"] = [f"s{i}" for i in range(len(st))]
    frame["answers"] = [tuple(ids[c] for c in s["answers"]) for s in st]
    frame["date"] = pd.Timestamp(WORKSHOP_DATES["arbeidsgruppe"])
    frame["delmal"] = None
    path = folder / "2021-02-10_arbeidsgruppe_workshop.xlsx"
    write_template(path, frame)
    written.append(path)

    # 2. kommunestyret: classic force-field, one sheet per goal + a sheet of measures
    st = statements_for("kommunestyret", rng)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i, goal in enumerate(_GOALS, start=1):
        ws = wb.create_sheet(f"Mål {i}")
        ws["A1"] = "Kraftfeltanalyse – kommunestyret 18.03.2021"
        ws.merge_cells("A1:D1")
        ws["A2"] = f"Mål {i}: {_PROFILE.goal_labels[goal]}"
        ws.merge_cells("A2:D2")
        ws.append([])
        ws.append(["Krefter", "Styrke", "Motkrefter", "Styrke"])
        forces = [s for s in st if s["goal"] == goal and s["kind"] == "kraft"]
        counter = [s for s in st if s["goal"] == goal and s["kind"] == "motkraft"]
        for j in range(max(len(forces), len(counter))):
            f = forces[j] if j < len(forces) else None
            c = counter[j] if j < len(counter) else None
            ws.append([f and ("• " + f["text"]), f and f["strength"], c and c["text"], c and c["strength"]])
            if j == 1:
                ws.append([])  # a blank row in the middle
    ws = wb.create_sheet("Tiltak og resultat")
    ws.append(["Type", "Hovedmål", "Innspill", "Påvirkbar", "Antall stemmer", "Svarer på"])
    for s in st:
        if s["kind"] in ("tiltak", "onsket_resultat", "delmal"):
            ws.append(
                [
                    vocab.KIND_LABELS[s["kind"]].lower(),
                    f"Mål {_GOALS.index(s['goal']) + 1}",
                    s["text"],
                    s["pavirkbar"],
                    s["votes"],
                    "; ".join(s["answers"]) or None,
                ]
            )
    path = folder / "Kraftfeltanalyse kommunestyret 2021-03-18.xlsx"
    _save(wb, path)
    written.append(path)

    # 3. ungdomsrådet: Windows-1252 CSV with ';' and inconsistent spellings
    st = statements_for("ungdomsradet", rng)
    st.append({**st[0], "text": st[0]["text"].lower() + "!"})  # exact duplicate once folded
    spell_group = ["Ungdomsrådet", "UR", "ungdomsråd", "UNGDOMSRÅDET "]
    rows = [["GRUPPE", " mål ", "Type", "Innspill", "Styrke", "Påvirkbar", "Stemmer", "Dato", "Svarer på motkraft"]]
    answers = _answers_by_row(st, {k: k + 2 + (k > 6) for k in range(len(st))})  # a blank line after the 7th
    for k, s in enumerate(st):
        goal = [
            s["goal"] and _PROFILE.goal_labels[s["goal"]],
            f"Mål {_GOALS.index(s['goal']) + 1}",
            str(_GOALS.index(s["goal"]) + 1),
        ][k % 3]
        kind = {"kraft": ["kraft", "Krefter"], "motkraft": ["motkraft", "Motkrefter"]}.get(
            s["kind"], [vocab.KIND_LABELS[s["kind"]]]
        )[k % 2 if s["kind"] in ("kraft", "motkraft") else 0]
        strength = s["strength"]
        strength = (
            "" if strength is None else [str(strength), _WORDS[strength], f"{strength} - {_WORDS[strength]}"][k % 3]
        )
        rows.append(
            [
                spell_group[k % 4],
                goal,
                kind,
                s["text"],
                strength,
                s["pavirkbar"] or "",
                s["votes"] or "",
                WORKSHOP_DATES["ungdomsradet"].strftime("%d.%m.%Y"),
                answers[k],
            ]
        )
        if k == 6:
            rows.append([""] * 9)
    path = folder / "ungdomsraadet_workshop_april.csv"
    path.write_bytes(_csv_bytes(rows, ";", "cp1252"))
    written.append(path)

    # 4. eldrerådet: UTF-8 with BOM, ',' and English headers with odd spacing
    st = statements_for("eldreradet", rng)
    rows = [[" Group ", "Date", "GOAL", " Kind", "Statement  ", "Strength", "Influence", "Answers"]]
    for s in st:
        rows.append(
            [
                "Eldrerådet",
                WORKSHOP_DATES["eldreradet"].isoformat(),
                _PROFILE.goal_labels[s["goal"]],
                s["kind"].replace("onsket_resultat", "ønsket resultat"),
                "- " + s["text"],
                "" if s["strength"] is None else s["strength"],
                s["pavirkbar"] or "",
                "; ".join(s["answers"]),
            ]
        )
    path = folder / "eldreradet_2021-05-06.csv"
    path.write_bytes(_csv_bytes(rows, ",", "utf-8-sig"))
    written.append(path)

    # 5. funksjonshemmede: thin, heading above the table, merged goal cells, mojibake
    st = sorted(statements_for("funksjonshemmede", rng), key=lambda s: _GOALS.index(s["goal"]))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ark1"
    ws["A1"] = "Gruppe: Rådet for personer med funksjonsnedsettelse"
    ws["A2"] = "Dato"
    ws["B2"] = dt.datetime.combine(WORKSHOP_DATES["funksjonshemmede"], dt.time())
    ws.append([])
    ws.append(["Mål", "Type", "Beskrivelse", "Styrke (1-5)", "Påvirkbar", "Svarer på motkraft"])
    start = ws.max_row + 1
    for k, s in enumerate(st):
        text = s["text"]
        if k in (1, 4):  # typed in one program, opened in another
            text = text.encode("utf-8").decode("cp1252", errors="replace")
        ws.append(
            [
                _PROFILE.goal_labels[s["goal"]],
                vocab.KIND_LABELS[s["kind"]],
                text,
                s["strength"],
                s["pavirkbar"],
                "; ".join(s["answers"]) or None,
            ]
        )
    # merge runs of the same goal (as typed in Excel)
    r = start
    while r <= ws.max_row:
        end = r
        while end + 1 <= ws.max_row and ws.cell(end + 1, 1).value == ws.cell(r, 1).value:
            end += 1
        if end > r:
            for rr in range(r + 1, end + 1):
                ws.cell(rr, 1).value = None
            ws.merge_cells(start_row=r, start_column=1, end_row=end, end_column=1)
        r = end + 1
    path = folder / "RPF workshop mai 2021.xlsx"
    _save(wb, path)
    written.append(path)

    # 6. village meetings: one sheet per village + Drevsjø as its own CSV
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for village, name in _VILLAGES.items():
        st = statements_for(f"grendemote:{village}", rng)
        if village == "drevsjo":
            rows = [
                ["Grend", "Dato", "Mål", "Type", "Innspill", "Styrke", "Påvirkbar", "Stemmer", "Svarer på motkraft"]
            ]
            for s in st:
                rows.append(
                    [
                        "Drevsjø",
                        VILLAGE_DATES[village].strftime("%d.%m.%Y"),
                        _PROFILE.goal_labels[s["goal"]],
                        vocab.KIND_LABELS[s["kind"]],
                        s["text"],
                        s["strength"] or "",
                        s["pavirkbar"] or "",
                        s["votes"] or "",
                        "; ".join(s["answers"]),
                    ]
                )
            path = folder / "grendemoter" / "grendemote_drevsjo_2021-06-03.csv"
            path.write_bytes(_csv_bytes(rows, ",", "utf-8"))
            written.append(path)
            continue
        ws = wb.create_sheet(name)
        ws.append(["Dato", "Mål", "Type", "Innspill", "Styrke", "Påvirkbar", "Stemmer", "Svarer på motkraft"])
        answers = _answers_by_row(st, {k: k + 2 for k in range(len(st))})
        for s, link in zip(st, answers):
            ws.append(
                [
                    dt.datetime.combine(VILLAGE_DATES[village], dt.time()),
                    _PROFILE.goal_labels[s["goal"]],
                    vocab.KIND_LABELS[s["kind"]],
                    s["text"],
                    s["strength"],
                    s["pavirkbar"],
                    s["votes"],
                    link or None,
                ]
            )
    path = folder / "grendemoter" / "Grendemøter juni 2021.xlsx"
    _save(wb, path)
    written.append(path)
    return sorted(written)


if __name__ == "__main__":  # pragma: no cover
    import sys

    from analysis import paths

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else paths.raw_dir() / "workshops"
    for p in write_illustrative(target):
        print(p)
