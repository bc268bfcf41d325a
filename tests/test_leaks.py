"""Leak test: build every shareable report from data with planted identifiers and tiny groups.

Workshop notes get an extra file whose statements carry a person's name, phone numbers, an e-mail
address, a valid national identity number (fødselsnummer) and a <script> payload; the survey export
is regenerated with the same identifiers in its free text. None of them may appear in any HTML or
executed notebook of a report meant for sharing, the script must stay escaped text, and no table
may show a count, share or mean for a survey group of 1–4 respondents.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from analysis import cli
from analysis.build.catalogue import load_catalogue

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


def _valid_fnr() -> str:
    """A syntactically valid Norwegian national identity number (checksums pass), made up."""
    w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
    w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    for serial in range(100, 1000):
        digits = [int(c) for c in f"150790{serial}"]
        k1 = 11 - sum(a * b for a, b in zip(w1, digits)) % 11
        k1 = 0 if k1 == 11 else k1
        if k1 == 10:
            continue
        digits.append(k1)
        k2 = 11 - sum(a * b for a, b in zip(w2, digits)) % 11
        k2 = 0 if k2 == 11 else k2
        if k2 == 10:
            continue
        return "".join(map(str, digits + [k2]))
    raise AssertionError("no valid number found")


FNR = _valid_fnr()
PLANTED_TEXTS = [
    "Kontakt Kari Nordmann på 912 34 567 om flere utleieboliger i sentrum",
    "Send innspill om bredbånd til ola.hansen@engerdal-test.no før møtet",
    f"Søknaden fra Per Olsen (fnr {FNR}) om tomt må behandles raskt",
    "Ring +47 41 23 45 67 for å bestille skyss til legen",
    "<script>window.__planted_script_ran = true; alert('planted')</script> Flere boliger for unge",
]
IDENTIFIERS = [
    "Kari Nordmann",
    "Nordmann",
    "912 34 567",
    "91234567",
    "ola.hansen@engerdal-test.no",
    "ola.hansen",
    "engerdal-test.no",
    FNR,
    "Per Olsen",
    "41 23 45 67",
    "41234567",
]


def _planted_workshop_csv(path: Path) -> None:
    import csv

    groups = ["Arbeidsgruppa", "Ungdomsrådet", "Grendemøte Drevsjø"]
    kinds = ["motkraft", "kraft", "tiltak"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(["Gruppe", "Mål", "Type", "Innspill", "Styrke", "Påvirkbar"])
        for i, text in enumerate(PLANTED_TEXTS):
            for j, group in enumerate(groups):
                writer.writerow([group, "Økt bolyst", kinds[(i + j) % 3], text, (i % 5) + 1, 3])


PLANTED_GROUPS = ("arbeidsgruppe", "ungdomsradet", "grendemote:drevsjo")


def leak_entries(catalogue) -> list:
    """The shareable reports that can show planted data: those reading workshop or survey data.

    Per-group reports are built only for the groups that got planted statements; the other groups'
    reports read no planted row, so building them would prove nothing.
    """
    out = []
    for e in catalogue.reports:
        # the overview (start_here) shows counts from every layer; the others read what they require
        if not e.shareable or not ({"workshops", "survey"} & set(e.requires) or e.start_here):
            continue
        group = e.parameters.get("group")
        if group is not None and group not in PLANTED_GROUPS:
            continue
        out.append(e)
    return out


def _planted(folder: Path) -> dict:
    from conftest import ssb_snapshot_dir
    from tools.illustrative.survey import write_illustrative

    data = folder / "data"
    shutil.copytree(REPO / "data" / "raw" / "workshops", data / "raw" / "workshops")
    _planted_workshop_csv(data / "raw" / "workshops" / "planted_notes.csv")
    write_illustrative(data / "raw" / "survey", extra_texts=PLANTED_TEXTS)
    entries = leak_entries(load_catalogue(REPO / "catalogue.yaml"))
    env = {"SOURCE_DATE_EPOCH": "1785312000"}
    snap = ssb_snapshot_dir()
    if snap:
        env["ANALYSIS_SSB_DIR"] = str(snap)
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        reports, processed = folder / "reports", folder / "processed"
        clean_rc = cli.main(["clean", "--data-dir", str(data), "--processed-dir", str(processed)])
        build_rc = cli.main(
            [
                "build",
                "--data-dir",
                str(data),
                "--processed-dir",
                str(processed),
                "--reports-dir",
                str(reports),
                "--jobs",
                "2",
                "--only",
                ",".join(e.id for e in entries),
            ]
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        "clean_rc": clean_rc,
        "build_rc": build_rc,
        "reports": str(reports),
        "processed": str(processed),
        "ids": [e.id for e in entries],
    }


@pytest.fixture(scope="session")
def planted_build(tmp_path_factory) -> dict:
    """The leak-test build, once per session (shared by the xdist workers)."""
    from conftest import once_per_session

    info = once_per_session(tmp_path_factory, "planted-build", _planted)
    cat = load_catalogue(REPO / "catalogue.yaml")
    return {
        **info,
        "reports": Path(info["reports"]),
        "processed": Path(info["processed"]),
        "entries": [cat.get(i) for i in info["ids"]],
    }


def test_the_leak_test_covers_every_kind_of_report_that_reads_planted_data(planted_build) -> None:
    notebooks = {e.notebook for e in planted_build["entries"]}
    assert notebooks == {"oversikt.ipynb", "kraftfelt_samlet.ipynb", "kraftfelt_gruppe.ipynb", "bolyst.ipynb"}
    groups = {e.parameters.get("group") for e in planted_build["entries"]} - {None}
    assert groups == set(PLANTED_GROUPS)


def _outputs(build: dict) -> dict[str, str]:
    files = {}
    for e in build["entries"]:
        for suffix in (".html", ".ipynb"):
            path = build["reports"] / f"{e.output}{suffix}"
            assert path.is_file(), f"{e.id}: {path.name} was not built"
            files[path.name] = path.read_text(encoding="utf-8")
    return files


def test_planted_data_builds(planted_build) -> None:
    assert planted_build["clean_rc"] == 0
    manifest = json.loads((planted_build["reports"] / "build-manifest.json").read_text())
    failed = {k: v["error"] for k, v in manifest["reports"].items() if v["status"] != "ok"}
    assert not failed, failed


def test_planted_statements_reached_the_cleaned_data(planted_build) -> None:
    """The test is only meaningful if the identifiers went in: they are in the raw data."""
    import pandas as pd

    statements = pd.read_parquet(planted_build["processed"] / "statements.parquet")
    assert statements["text_raw"].str.contains("Kari Nordmann", regex=False).any()


def test_no_identifier_in_shareable_outputs(planted_build) -> None:
    leaks = {}
    for name, text in _outputs(planted_build).items():
        plain = html_lib.unescape(text)
        found = [ident for ident in IDENTIFIERS if ident in plain or ident in text]
        if found:
            leaks[name] = found
    assert not leaks, f"identifiers in shareable reports: {leaks}"


def test_planted_script_is_escaped(planted_build) -> None:
    for name, text in _outputs(planted_build).items():
        if name.endswith(".html"):
            assert "<script>window.__planted" not in text, f"{name}: planted script is live markup"
            assert not re.search(r"<script\b", re.sub(r"<style.*?</style>", "", text, flags=re.S)), (
                f"{name}: a <script> element"
            )


def _tables(html: str) -> list[list[list[str]]]:
    tables = []
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        rows = []
        for tr in re.findall(r"<tr.*?</tr>", table, flags=re.S):
            cells = [
                html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)
            ]
            rows.append(cells)
        tables.append(rows)
    return tables


_NUMBER = re.compile(r"^[−+-]?\d[\d  ]*(,\d+)?\s*%?$")


def test_no_figures_for_groups_of_fewer_than_five(planted_build) -> None:
    """Find survey categories with 1–4 respondents; no table row or column for them may show a number."""

    from analysis.survey.codebook import load_codebook
    from analysis.survey.store import load_survey

    responses = load_survey(planted_build["processed"]).responses
    codebook = load_codebook()
    small_labels: set[str] = set()
    subsets = {"all": responses}
    if "status" in responses.columns:
        subsets.update({str(s): responses[responses["status"] == s] for s in responses["status"].dropna().unique()})
    for col in ("gender", "village", "age_band", "children", "years_lived"):
        if col not in responses.columns:
            continue
        labels = codebook[col].labels() if col in codebook else {}
        for frame in subsets.values():
            counts = frame[col].dropna().astype(str).value_counts()
            for code, n in counts.items():
                if 1 <= n <= 4:
                    small_labels.add(str(labels.get(code, code)))
    assert small_labels, "the planted survey should contain groups of 1–4 respondents"
    problems = []
    for e in planted_build["entries"]:
        html = (planted_build["reports"] / f"{e.output}.html").read_text(encoding="utf-8")
        for rows in _tables(html):
            if not rows:
                continue
            header = rows[0]
            for r in rows[1:]:
                if r and r[0] in small_labels:
                    nums = [c for c in r[1:] if _NUMBER.match(c)]
                    if nums:
                        problems.append((e.id, r))
            for j, h in enumerate(header):
                if j and h in small_labels:
                    nums = [r[j] for r in rows[1:] if j < len(r) and _NUMBER.match(r[j])]
                    if nums:
                        problems.append((e.id, h, nums))
    assert not problems, f"figures shown for groups of fewer than 5: {problems[:5]}"
