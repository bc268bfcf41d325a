"""Illustrative survey data: a seeded generator of made-up exports (ILLUSTRATIVE, not real answers).

``write_illustrative(folder)`` writes the three exports committed in
``data/raw/survey/``:

* ``bolyst_nettskjema_utf8.csv`` — Nettskjema-style CSV, UTF-8, ``;``,
  question ids as headers, ``$submission_id``/``$created`` columns;
* ``bolyst_nettskjema_cp1252.csv`` — a later export re-saved in Excel on
  Windows (Windows-1252, ``;``);
* ``bolyst_papirskjema.xlsx`` — paper forms typed into a spreadsheet, with
  the question texts as headers and no submission id.

About 300 respondents (residents and out-movers aged 18–40), with planted
problems the cleaning must catch: two double submissions and one answer
exported in both CSV files, an empty submission, a blank spreadsheet row, ages outside 18–40, a label that
is not in the codebook, an age that is not a number, straight-liners, and
free text containing a name, a phone number and an e-mail address.
``extra_texts`` lets a test plant further free text (e.g. identifiers for a
leak test). The same seed gives the same files, byte for byte.

``generate_labels(n_residents, n_out_movers, seed)`` is the vectorised core
(used by the benchmark for 100 000 answers).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.profile import load_profile
from analysis.survey.codebook import Codebook, load_codebook

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

SEED = 20260315
UTF8_FILE = "bolyst_nettskjema_utf8.csv"
CP1252_FILE = "bolyst_nettskjema_cp1252.csv"
XLSX_FILE = "bolyst_papirskjema.xlsx"

# item: (resident mean, out-mover mean, women − men, "vet ikke" probability)
_ITEMS = {
    "sat_housing": (2.4, 2.2, -0.1, 0.04),
    "sat_jobs": (2.5, 2.0, -0.5, 0.05),
    "sat_kindergarten": (3.9, 3.6, 0.0, 0.45),
    "sat_school": (3.5, 3.3, 0.0, 0.45),
    "sat_health": (3.3, 3.2, -0.2, 0.06),
    "sat_transport": (2.4, 2.3, 0.0, 0.03),
    "sat_broadband": (2.6, 2.5, 0.0, 0.03),
    "sat_culture": (2.8, 2.4, -0.3, 0.05),
    "sat_nature": (4.6, 4.5, 0.0, 0.01),
    "sat_community": (3.8, 3.2, 0.1, 0.04),
}
_DRIVERS = {"sat_housing": 0.2, "sat_jobs": 0.15, "sat_community": 0.3, "sat_nature": 0.12, "sat_culture": 0.1}

_BEST = [
    "Naturen og roen",
    "Nærheten til fjellet og Femunden",
    "Godt fellesskap og trygge oppvekstvilkår for barna",
    "Kort vei til skiløyper, jakt og fiske",
    "Alle kjenner alle, og folk stiller opp på dugnad",
    "Stillheten og stjernehimmelen om vinteren",
    "Trygt og oversiktlig, gode naboer",
    "Barnehagen har små grupper og flinke ansatte",
    "Friluftsliv rett utenfor døra",
    "Jeg har familien min her",
    "Lav boligpris sammenlignet med byen",
    "Idrettslaget og skiløypene i Drevsjø",
]
_IMPROVE_RESIDENT = [
    "Flere utleieboliger for unge voksne",
    "Flere jobber, særlig for kvinner",
    "Bedre mobildekning mellom Drevsjø og Elgå",
    "Fiber til hele kommunen, også Heggeriset og Sømådalen",
    "Kontorfellesskap for oss som jobber hjemmefra",
    "Bedre veier og buss til Trysil og Elverum",
    "Mer å gjøre for ungdom og unge voksne på kveldstid",
    "En kafé eller møteplass i sentrum",
    "Byggeklare tomter og hjelp til å bygge",
    "Fastlege som blir værende",
    "Et treningssenter med åpningstid for folk som jobber",
    "Bedre velkomst for nye innbyggere",
]
_IMPROVE_OUT = [
    "Jeg flytter hjem om det finnes en relevant jobb for meg og partneren",
    "Mulighet for fjernarbeid med godt bredbånd",
    "Boliger til leie, ikke bare til salgs",
    "Flere jobber innen helse og teknologi",
    "Studietilbud eller desentralisert utdanning nærmere",
    "Mindre avstander til sykehus og butikker",
    "Et levende sentrum med kafé og kultur",
    "Barnehageplass hele året",
]
_PLANTED_TEXTS = [
    ("text_improve", "Ring meg på 912 34 567 om dere vil ha hjelp til å starte en ungdomsklubb"),
    ("text_improve", "Send gjerne info om tomter til ola.nordmann@example.no"),
    ("text_best", "Naboen min Kari Nordmann på Drevsjø er grunnen til at vi ble boende"),
]


def _choice(rng: np.random.Generator, labels: Sequence[str], p: Sequence[float], n: int) -> np.ndarray:
    import numpy as np

    p = np.asarray(p, dtype=float)
    return np.asarray(labels, dtype=object)[rng.choice(len(labels), size=n, p=p / p.sum())]


def _multi(rng: np.random.Generator, labels: Sequence[str], p: np.ndarray, sep: str) -> np.ndarray:
    """One cell per row with the labels picked (probabilities per row × option), at least one."""
    import numpy as np

    picks = rng.random(p.shape) < p
    none = ~picks.any(axis=1)
    picks[none, np.argmax(p[none], axis=1)] = True
    labels = np.asarray(labels, dtype=object)
    return np.array([sep.join(labels[row]) for row in picks], dtype=object)


def generate_labels(
    n_residents: int = 140, n_out_movers: int = 160, seed: int = SEED, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Made-up answers as an export shows them (labels, question ids as columns). Illustrative only."""
    import numpy as np
    import pandas as pd

    cb = codebook or load_codebook()
    rng = np.random.default_rng(seed)
    n = n_residents + n_out_movers
    lab = {q.id: q.labels() for q in cb.questions}
    resident = np.r_[np.ones(n_residents, bool), np.zeros(n_out_movers, bool)]
    out: dict[str, np.ndarray] = {}
    out["status"] = np.where(resident, lab["status"]["resident"], lab["status"]["out_mover"]).astype(object)
    female = rng.random(n) < np.where(resident, 0.58, 0.55)
    other = rng.random(n) < 0.02
    gender = np.where(other, "other", np.where(female, "female", "male"))
    out["gender"] = np.array([lab["gender"][g] for g in gender], dtype=object)
    band_res = rng.choice(4, size=n, p=[0.18, 0.24, 0.28, 0.30])
    band_out = rng.choice(4, size=n, p=[0.15, 0.30, 0.30, 0.25])
    band = np.where(resident, band_res, band_out)
    lo = np.array([b[0] for b in cb.age_bands])[band]
    hi = np.array([b[1] for b in cb.age_bands])[band]
    age = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(int)
    out["age"] = age.astype(str).astype(object)
    villages = [v.id for v in load_profile().villages] + ["annet"]
    out["village"] = _choice(rng, [lab["village"][v] for v in villages], [35, 30, 8, 10, 7, 8, 2], n)
    yl = ["lt2", "y2_5", "y6_10", "gt10"]
    out["years_lived"] = np.where(
        resident,
        _choice(rng, [lab["years_lived"][v] for v in yl], [10, 15, 15, 60], n),
        _choice(rng, [lab["years_lived"][v] for v in yl], [5, 10, 15, 70], n),
    )
    kids = rng.random(n) < np.clip(0.1 + 0.02 * (age - 18), 0, 0.7)
    out["children"] = np.where(kids, lab["children"]["yes"], lab["children"]["no"]).astype(object)

    general = rng.normal(0, 0.6, n)
    scores = {}
    for item, (m_res, m_out, fem, p_dk) in _ITEMS.items():
        mu = np.where(resident, m_res, m_out) + fem * (gender == "female") + general
        if item == "sat_culture":
            mu = mu - 0.3 * (band == 0)
        v = np.clip(np.rint(mu + rng.normal(0, 0.8, n)), 1, 5)
        scores[item] = v
        dk = rng.random(n) < (p_dk if item not in ("sat_kindergarten", "sat_school") else np.where(kids, 0.05, 0.8))
        out[item] = np.where(dk, "Vet ikke", np.array([lab[item][int(x)] for x in v], dtype=object))
    overall = 0.7 + sum(w * scores[i] for i, w in _DRIVERS.items()) + 0.3 * general + rng.normal(0, 0.45, n)
    overall = np.clip(np.rint(overall), 1, 5)
    out["sat_overall"] = np.array([lab["sat_overall"][int(x)] for x in overall], dtype=object)
    rec = np.clip(np.rint(2.1 * overall - 1.5 + rng.normal(0, 1.4, n)), 0, 10).astype(int)
    out["recommend"] = np.array([lab["recommend"][r] if r in (0, 10) else str(r) for r in rec], dtype=object)

    p_move = 1 / (1 + np.exp(-(-0.9 - 1.1 * (overall - 3.5) + 0.7 * (band == 0) - 0.4 * kids)))
    u = rng.random(n)
    move = np.where(u < p_move * 0.6, "yes", np.where(u < p_move * 0.6 + 0.25, "maybe", "no"))
    move_lab = np.array([lab["move_plans"][m] for m in move], dtype=object)
    move_lab[rng.random(n) < 0.06] = "Vet ikke"
    out["move_plans"] = np.where(resident, move_lab, "")

    left = list(lab["left_reasons"].values())
    p_left = np.tile([0.45, 0.35, 0.25, 0.2, 0.1, 0.2, 0.15, 0.15, 0.04], (n, 1))
    p_left[:, 1] += 0.3 * (band <= 1)
    p_left[:, 0] += 0.1 * (gender == "female")
    sep = cb.multiple_separator
    out["left_reasons"] = np.where(resident, "", _multi(rng, left, p_left, sep))
    cond_codes = list(lab["return_conditions"].keys())
    p_cond = np.tile([0.6, 0.3, 0.35, 0.2, 0.25, 0.2, 0.15, 0.12], (n, 1))
    p_cond[:, 3] += 0.3 * kids
    never = rng.random(n) < 0.12
    p_cond[never] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    p_cond[~never, 7] = 0.0
    out["return_conditions"] = np.where(
        resident, "", _multi(rng, [lab["return_conditions"][c] for c in cond_codes], p_cond, sep)
    )
    back = np.where(never, "no", _choice(rng, ["yes_5y", "yes_later", "maybe", "no"], [14, 22, 40, 24], n))
    out["move_back"] = np.where(resident, "", np.array([lab["move_back"][b] for b in back], dtype=object))

    best = _choice(rng, _BEST, np.ones(len(_BEST)), n)
    out["text_best"] = np.where(rng.random(n) < 0.55, best, "")
    imp = np.where(
        resident,
        _choice(rng, _IMPROVE_RESIDENT, np.ones(len(_IMPROVE_RESIDENT)), n),
        _choice(rng, _IMPROVE_OUT, np.ones(len(_IMPROVE_OUT)), n),
    )
    out["text_improve"] = np.where(rng.random(n) < 0.6, imp, "")

    frame = pd.DataFrame({q.id: out[q.id] for q in cb.questions})
    # interleave residents and out-movers as they arrive over the weeks
    order = rng.permutation(n)
    return frame.iloc[order].reset_index(drop=True)


def _export_frame(labels: pd.DataFrame, first_id: int, start_day: int, rng: np.random.Generator) -> pd.DataFrame:
    import pandas as pd

    n = len(labels)
    ids = [str(first_id + 7 * i) for i in range(n)]
    minutes = sorted(int(x) for x in rng.integers(0, 60 * 24 * 20, size=n))
    base = pd.Timestamp("2026-03-01 08:00") + pd.Timedelta(days=start_day)
    created = [(base + pd.Timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M:%S") for m in minutes]
    return pd.concat(
        [pd.DataFrame({"$submission_id": ids, "$created": created}), labels.reset_index(drop=True)], axis=1
    )


def _csv_bytes(frame: pd.DataFrame, encoding: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        w.writerow(["" if v is None else str(v) for v in row])
    return buf.getvalue().encode(encoding)


def _xlsx_bytes(frame: pd.DataFrame) -> bytes:
    """An xlsx with fixed timestamps (the same input gives the same bytes)."""
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Svar"
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        ws.append([None if v in ("", None) else (int(v) if str(v).isdigit() else v) for v in row])
    fixed = dt.datetime(2026, 4, 1, 12, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "illustrativ generator"
    raw = io.BytesIO()
    wb.save(raw)
    # rewrite the zip with fixed entry times
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                data = re.sub(
                    rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>",
                    b'<dcterms:modified xsi:type="dcterms:W3CDTF">2026-04-01T12:00:00Z</dcterms:modified>',
                    data,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 4, 1, 12, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data)
    return out.getvalue()


def illustrative_exports(
    seed: int = SEED, extra_texts: Sequence[str] = (), codebook: Codebook | None = None
) -> dict[str, pd.DataFrame]:
    """The three illustrative exports as frames of labels (file name → frame), problems planted."""
    import numpy as np
    import pandas as pd

    cb = codebook or load_codebook()
    rng = np.random.default_rng(seed + 1)
    labels = generate_labels(140, 160, seed, cb)
    # straight-liners: the same answer to every satisfaction item
    for i, value in ((5, "Fornøyd"), (40, "Verken fornøyd eller misfornøyd")):
        for q in cb.satisfaction_items():
            labels.at[i, q.id] = value
    # free text with identifiers (scrubbed when read)
    for k, (col, text) in enumerate(_PLANTED_TEXTS):
        labels.at[10 + 7 * k, col] = text
    for k, text in enumerate(extra_texts):
        labels.at[(60 + 3 * k) % len(labels), "text_improve"] = text
    # out of range and unreadable values
    labels.at[20, "age"] = "17"
    labels.at[150, "age"] = "44"
    labels.at[90, "age"] = "tjuefem"
    labels.at[33, "sat_culture"] = "Ganske fornøyd"

    utf8 = _export_frame(labels.iloc[:185], 2_410_001, 0, rng)
    # double submissions: the same answers sent twice, a few minutes apart, with new ids
    doubles = utf8.iloc[[12, 77]].copy()
    doubles["$submission_id"] = ["2419901", "2419902"]
    doubles["$created"] = [c[:-2] + "59" for c in doubles["$created"]]
    utf8 = pd.concat(
        [utf8.iloc[:80], doubles.iloc[[0]], utf8.iloc[80:150], doubles.iloc[[1]], utf8.iloc[150:]], ignore_index=True
    )
    cp = _export_frame(labels.iloc[185:270], 2_430_001, 20, rng)
    # the same submission exported in both files, and an empty submission (sent without answers)
    blank = cp.iloc[[0]].copy()
    blank.loc[:, list(labels.columns)] = ""
    blank["$submission_id"] = "2439999"
    cp = pd.concat([cp.iloc[:40], blank, cp.iloc[40:], utf8.iloc[[100]]], ignore_index=True)
    paper = labels.iloc[270:].reset_index(drop=True)
    paper = pd.concat(
        [paper.iloc[:12], pd.DataFrame([{c: "" for c in paper.columns}]), paper.iloc[12:]], ignore_index=True
    )
    paper.columns = [cb[c].text for c in paper.columns]
    return {UTF8_FILE: utf8, CP1252_FILE: cp, XLSX_FILE: paper}


def write_illustrative(folder: str | Path, seed: int = SEED, extra_texts: Sequence[str] = ()) -> list[Path]:
    """Write the illustrative exports into ``folder`` (atomically) and return their paths."""
    from analysis.fileio import atomic_write_bytes

    folder = Path(folder)
    frames = illustrative_exports(seed, extra_texts)
    paths = [
        atomic_write_bytes(folder / UTF8_FILE, _csv_bytes(frames[UTF8_FILE], "utf-8")),
        atomic_write_bytes(folder / CP1252_FILE, _csv_bytes(frames[CP1252_FILE], "cp1252")),
        atomic_write_bytes(folder / XLSX_FILE, _xlsx_bytes(frames[XLSX_FILE])),
    ]
    readme = (
        "# Illustrative survey exports (made up)\n\n"
        "These files are ILLUSTRATIVE: generated by `tools/illustrative/survey.py` "
        f"(seed {seed}) to show how the survey analysis works. They are not answers from real people.\n"
        "Planted problems: double submissions, one answer exported in both CSV files, an empty submission, a blank spreadsheet row, ages "
        "outside 18–40, an unknown label, an age that is not a number, straight-liners, and free text with "
        "a name, a phone number and an e-mail address (scrubbed when read).\n\n"
        "Regenerate (from the repository root): `python -m tools.illustrative.survey data/raw/survey`\n"
    )
    from analysis.fileio import atomic_write_text

    paths.append(atomic_write_text(folder / "README.md", readme))
    return paths


if __name__ == "__main__":  # pragma: no cover
    import sys

    for p in write_illustrative(sys.argv[1] if len(sys.argv) > 1 else "data/raw/survey"):
        print(p)
