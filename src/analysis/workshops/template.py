"""The workshop input workbook: ``analysis template workshop --out FILE.xlsx``.

Sheet ``Veiledning`` explains in Norwegian how to fill it in; sheet ``Innspill``
has one row per statement with drop-down lists (group, goal, kind), whole
numbers 1–5 for strength and påvirkbar, votes ≥ 0, real date cells and, for a
measure, the counter-force(s) it answers («Svarer på motkraft»: a drop-down of the
counter-forces typed in the sheet, as ``row: text``; a row number or a text may
also be typed, several separated by ``;``). The lists live on a hidden sheet
``Lister`` (the counter-force list is kept up to date by formulas there). A filled template read back with
:func:`read_template` gives the same statements (round trip).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from analysis import vocab
from analysis.errors import AnalysisError
from analysis.fileio import atomic_path, mark_xlsx_text
from analysis.numfmt import fmt_int
from analysis.profile import Profile, load_profile
from analysis.workshops.cleaning import clean_records
from analysis.workshops.mappings import load_mappings
from analysis.workshops.readers import read_file, tables_frame

INPUT_SHEET = "Innspill"
HEADERS = [
    "Gruppe",
    "Dato",
    "Mål",
    "Delmål",
    "Type",
    "Tekst",
    "Styrke (1–5)",
    "Påvirkbar (1–5)",
    "Stemmer",
    "Svarer på motkraft",
]
WIDTHS = [34, 12, 28, 30, 17, 70, 13, 16, 10, 45]
MAX_ROWS = 2000


def _join(words: list[str]) -> str:
    """``a, b og c`` (Norwegian)."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1] if words else ""


def instructions(profile: Profile) -> list[tuple[str, str | None]]:
    """The instruction sheet's lines (text, style), in Norwegian, with the municipality's own goals and groups."""
    groups = [g.label[0].lower() + g.label[1:] for g in profile.groups]
    if profile.villages:
        groups.append("et grendemøte")
    goals = [g.label for g in profile.goals]
    goal_line = (
        f"Mål – ett av hovedmålene ({', '.join(goals)}). La feltet stå tomt hvis innspillet ikke gjelder ett "
        "bestemt mål."
        if goals
        else "Mål – kommunens mål for arbeidet, slik de står i profile.yaml. La feltet stå tomt hvis innspillet "
        "ikke gjelder ett bestemt mål."
    )
    target = profile.population_target()
    example = (
        f"{profile.kommune.name} har {fmt_int(target.value)} innbyggere i {target.year}"
        if target
        else f"{profile.kommune.name} har flere unge innbyggere"
    )
    return [
        ("Mal for innspill fra workshop og grendemøte", "title"),
        (f"Kommunen som samfunnsutvikler – {profile.kommune.name} kommune", "sub"),
        ("", None),
        ("Slik fyller du ut", "head"),
        ("Skriv ett innspill per rad i arket «Innspill». Ikke slå sammen celler, og ikke skriv formler.", None),
        ("Velg fra listene der cellen har en nedtrekksliste. Skriv dato som dd.mm.åååå.", None),
        ("", None),
        ("Kolonnene", "head"),
        (f"Gruppe – hvem innspillet kommer fra: {_join(groups) or 'gruppen som holdt workshopen'}.", None),
        ("Dato – dagen workshopen eller grendemøtet ble holdt.", None),
        (goal_line, None),
        ("Delmål – delmålet innspillet hører til, hvis det finnes (fritekst).", None),
        (
            f"Type – Ønsket resultat (skrevet som om det er nådd, f.eks. «{example}»), "
            "Delmål, Tiltak, Kraft (noe som driver mot målet) eller Motkraft (noe som holder igjen).",
            None,
        ),
        ("Tekst – innspillet slik gruppen formulerte det.", None),
        ("Styrke (1–5) – hvor sterk kraften eller motkraften er: 1 = svært svak, 5 = svært sterk.", None),
        (
            "Påvirkbar (1–5) – Distriktssenterets prioriteringsskala: hvor mye kommunen selv kan påvirke dette. "
            "1 = nesten ikke, 5 = helt og fullt.",
            None,
        ),
        ("Stemmer – antall stemmer/prikker innspillet fikk i prioriteringen (tomt hvis dere ikke stemte).", None),
        (
            "Svarer på motkraft – bare for tiltak: hvilken motkraft tiltaket svarer på. Velg fra listen (den viser "
            "motkreftene i arket som «radnummer: tekst»), eller skriv radnummeret eller teksten selv. Svarer tiltaket "
            "på flere, skriv for eksempel «7; 12». Står feltet tomt, kobles tiltaket ikke til noen motkraft – et felles "
            "tema er ikke nok.",
            None,
        ),
        ("", None),
        ("Når arket er fylt ut", "head"),
        (
            "Lagre filen i mappen data/raw/workshops/ og kjør «analysis clean». Rader som ikke kan leses, "
            "står i statements_rejects.csv med fil, rad, kolonne og årsak.",
            None,
        ),
    ]


def _lists(profile: Profile) -> dict[str, list[str]]:
    return {
        "Gruppe": list(profile.group_labels.values()),
        "Mål": list(profile.goal_labels.values()),
        "Type": list(vocab.KIND_LABELS.values()),
    }


def write_template(path: str | Path, statements: pd.DataFrame | None = None, profile: Profile | None = None) -> Path:
    """Write the input workbook to ``path`` (atomically); pre-fill it with ``statements`` if given.

    ``statements`` uses the canonical ids of the statements table; they are
    written as the Norwegian labels the drop-downs offer. The drop-downs list the groups, villages and
    goals of ``profile`` (default: the project's profile). Returns the path.
    """
    profile = profile or load_profile()
    values_of = _lists(profile)
    path = Path(path)
    wb = Workbook()
    guide = wb.active
    guide.title = "Veiledning"
    guide.column_dimensions["A"].width = 120
    for i, (text, style) in enumerate(instructions(profile), start=1):
        cell = guide.cell(row=i, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if style == "title":
            cell.font = Font(bold=True, size=16)
        elif style == "head":
            cell.font = Font(bold=True, size=12)
        elif style == "sub":
            cell.font = Font(italic=True)

    ws = wb.create_sheet(INPUT_SHEET)
    lists = wb.create_sheet("Lister")
    lists.sheet_state = "hidden"
    for c, (name, values) in enumerate(values_of.items(), start=1):
        lists.cell(row=1, column=c, value=name)
        for r, v in enumerate(values, start=2):
            lists.cell(row=r, column=c, value=v)

    fill = PatternFill("solid", fgColor="DDE8F0")
    for c, (h, w) in enumerate(zip(HEADERS, WIDTHS), start=1):
        cell = ws.cell(row=1, column=c, value=h)
        cell.font = Font(bold=True)
        cell.fill = fill
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "A2"
    last = MAX_ROWS + 1

    def add(dv: DataValidation, col: str) -> None:
        dv.add(f"{col}2:{col}{last}")
        ws.add_data_validation(dv)

    for col, list_col, title in (("A", "A", "Gruppe"), ("C", "B", "Mål"), ("E", "C", "Type")):
        n = len(values_of[title])
        if n == 0:  # a profile without goals: the goal column stays free text
            continue
        dv = DataValidation(
            type="list",
            formula1=f"=Lister!${list_col}$2:${list_col}${n + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=f"Velg {title.lower()} fra listen.",
        )
        add(dv, col)
    add(
        DataValidation(
            type="date",
            operator="greaterThan",
            formula1="36526",
            allow_blank=True,
            showErrorMessage=True,
            error="Skriv en dato (dd.mm.åååå).",
        ),
        "B",
    )
    # the counter-forces typed in the sheet, as "row: text", for the drop-down of column J:
    # D = running number of each counter-force row, E = the k-th counter-force (no gaps)
    kind_range = f"{INPUT_SHEET}!$E$2:$E${last}"
    for r in range(2, last + 1):
        lists.cell(
            row=r,
            column=4,
            value=f'=IF({INPUT_SHEET}!$E{r}="{vocab.KIND_LABELS["motkraft"]}",'
            f'COUNTIF({INPUT_SHEET}!$E$2:$E{r},"{vocab.KIND_LABELS["motkraft"]}"),"")',
        )
        k = r - 1
        lists.cell(
            row=r,
            column=5,
            value=f'=IFERROR(MATCH({k},$D$2:$D${last},0)+1&": "&INDEX({INPUT_SHEET}!$F$2:$F${last},'
            f'MATCH({k},$D$2:$D${last},0)),"")',
        )
    lists.cell(row=1, column=4, value="Motkraft nr.")
    lists.cell(row=1, column=5, value="Motkrefter")
    add(
        DataValidation(
            type="list",
            formula1=f'=OFFSET(Lister!$E$2,0,0,MAX(1,COUNTIF({kind_range},"{vocab.KIND_LABELS["motkraft"]}")),1)',
            allow_blank=True,
            showErrorMessage=False,  # a typed row number, text or "7; 12" is fine too
            promptTitle="Svarer på motkraft",
            prompt="Velg motkraften tiltaket svarer på, eller skriv radnummer eller tekst (flere: 7; 12).",
            showInputMessage=True,
        ),
        "J",
    )
    for col, label in (("G", "Styrke"), ("H", "Påvirkbar")):
        add(
            DataValidation(
                type="whole",
                operator="between",
                formula1="1",
                formula2="5",
                allow_blank=True,
                showErrorMessage=True,
                error=f"{label} er et helt tall fra 1 til 5.",
            ),
            col,
        )
    add(
        DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            error="Stemmer er et helt tall (0 eller mer).",
        ),
        "I",
    )
    for r in range(2, last + 1):
        ws.cell(row=r, column=2).number_format = "DD.MM.YYYY"
        ws.cell(row=r, column=6).alignment = Alignment(wrap_text=True, vertical="top")

    if statements is not None:
        row_of = {sid: r for r, sid in enumerate(statements.get("statement_id", pd.Series(dtype=object)), start=2)}
        text_of = dict(zip(statements.get("statement_id", []), statements.get("text", [])))
        for r, row in enumerate(statements.itertuples(index=False), start=2):
            rec = row._asdict()
            answers = rec.get("answers")
            answers = answers if isinstance(answers, tuple | list) else ()
            date = rec.get("date")
            values = [
                profile.group_labels.get(rec["group"], rec["group"]),
                date.date() if hasattr(date, "date") and not _isna(date) else None,
                profile.goal_labels.get(rec["goal"]) if not _isna(rec["goal"]) else None,
                None if _isna(rec.get("delmal")) else rec["delmal"],
                vocab.KIND_LABELS[rec["kind"]],
                rec["text"],
                *(None if _isna(rec.get(k)) else int(rec[k]) for k in ("strength", "pavirkbar", "votes")),
                "; ".join(f"{row_of[c]}: {text_of[c]}" for c in answers if c in row_of) or None,
            ]
            for c, v in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c, value=v)
                mark_xlsx_text(cell)  # text stays text: never run as a formula (OWASP CSV injection)
    wb.properties.creator = "analysis template workshop"
    wb.properties.created = dt.datetime(2020, 1, 1)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _isna(v) -> bool:

    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def read_template(path: str | Path) -> pd.DataFrame:
    """Read a filled template (or any readable workshop file) into a cleaned statements table.

    Raises AnalysisError when the file cannot be read; rows that cannot be
    cleaned are left out (use ``analysis clean`` to see them in the rejects file).
    """

    path = Path(path)
    m = load_mappings()
    fr = read_file(path, path.name, m)
    if fr.error:
        raise AnalysisError(fr.error)
    return clean_records(tables_frame(fr.tables), m).statements
