"""The reports' Norwegian: one glossary, group names in their natural form, counts that agree with their noun.

The glossary (:mod:`analysis.report.glossary`) decides the words; these tests fail when a text module,
a notebook, the catalogue or a built report uses a synonym it rules out («verksted» for workshop), and
check the sentences issue 16 found wrong («Rapporten viser det Kommunestyret sa i sin workshop eller sitt
grendemøte», «+1 kvinner», a rank that counted Norway among the municipalities).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.build.execute import display_parameters
from analysis.forcefield import metrics as ffm
from analysis.forcefield import text as fft
from analysis.population import indicators
from analysis.population import text as ptext
from analysis.report import glossary
from analysis.report.labels import group_in_text, group_title
from analysis.survey import text as stext

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "analysis"
#: Every module whose strings readers see (goals excepted: another part of issue 16 owns its wording).
READER_TEXT = [
    *sorted((SRC / "forcefield").glob("*.py")),
    *sorted((SRC / "survey").glob("*.py")),
    *sorted((SRC / "population").glob("*.py")),
    *sorted((SRC / "report").glob("*.py")),
    SRC / "build" / "index.py",
]


def _strings(path: Path) -> str:
    """The module's source without comments and the glossary's own list of words to avoid."""
    text = path.read_text(encoding="utf-8")
    if path.name == "glossary.py":
        text = re.sub(r"avoid=\(.*?\),\n", "", text, flags=re.S)
        text = text.split('"""', 2)[2]  # the module docstring names the words to avoid, as examples
        text = re.sub(r">>> find_synonyms\(.*?\n.*?\n", "", text)
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


# --------------------------------------------------------------------------- the glossary


def test_glossary_has_every_term_the_reports_use() -> None:
    ids = {t.id for t in glossary.TERMS}
    wanted = {"workshop", "grendemote", "drivkraft", "motkraft", "tiltak", "onsket_resultat", "delmal"}
    wanted |= {"pavirkbar", "viktighet", "prioriteringsmatrise", "gruppe"}
    assert wanted <= ids
    for t in glossary.TERMS:
        assert len(t.forms) == 4 and all(t.forms), t.id
        assert t.explanation.endswith(".") and len(t.explanation) < 260, t.id  # one plain line
        assert t.explanation[0].isupper(), t.id
    for ids_ in glossary.REPORT_TERMS.values():
        assert set(ids_) <= ids


def test_glossary_word_is_the_municipalitys_own() -> None:
    # the municipality's project description says «workshop», «workshopen», «workshops», «workshopene»
    assert [glossary.word("workshop", f) for f in glossary.FORMS] == [
        "workshop",
        "workshopen",
        "workshops",
        "workshopene",
    ]
    assert glossary.find_synonyms("i verkstedet, på arbeidsverkstedene og hos interessegruppene") == [
        ("verkstedet", "workshop"),
        ("arbeidsverkstedene", "workshop"),
        ("interessegruppene", "gruppe"),
    ]
    assert glossary.find_synonyms("Bilverkstedet i sentrum") == []  # a garage is not a synonym
    assert glossary.find_synonyms("drivkrefter og motkrefter, krefter uten styrke") == []
    with pytest.raises(KeyError, match="known"):
        glossary.word("nope")
    with pytest.raises(ValueError):
        glossary.word("workshop", "genitive")


def test_glossary_section_renders_escaped_definition_list() -> None:
    out = glossary.glossary_section("forcefield", heading_level=2)
    markup = "".join(o.data for o in out)
    assert markup.startswith('<h2>Ord og begreper</h2><dl class="glossary">')
    assert markup.count("<dt>") == len(glossary.REPORT_TERMS["forcefield"])
    assert "<dt>påvirkbar, påvirkbarhet</dt>" in markup and "<dt>workshop</dt>" in markup
    only = glossary.glossary_section(["motkraft"])
    assert len(only) == 1 and only[0].data.count("<dt>") == 1


@pytest.mark.parametrize("path", READER_TEXT, ids=lambda p: str(p.relative_to(SRC)))
def test_text_modules_use_the_glossarys_words(path: Path) -> None:
    found = glossary.find_synonyms(_strings(path))
    assert not found, f"{path.name}: use the glossary's words instead of {found}"


def test_notebooks_catalogue_and_readme_use_the_glossarys_words() -> None:
    texts = {"catalogue.yaml": (REPO / "catalogue.yaml").read_text(encoding="utf-8")}
    for nb in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        texts[nb.name] = "\n".join("".join(c["source"]) for c in cells)
    norsk = (REPO / "README.md").read_text(encoding="utf-8").split("**English:**")[0]
    texts["README.md (Norsk)"] = norsk
    problems = {name: glossary.find_synonyms(t) for name, t in texts.items() if glossary.find_synonyms(t)}
    assert not problems, problems


@pytest.mark.slow
def test_built_reports_use_the_glossarys_words(built_catalogue) -> None:
    """Every sentence a reader receives, in every built report (charts' SVG text included)."""
    problems = {}
    for page in sorted(Path(built_catalogue["reports"]).glob("*.html")):
        markup = re.sub(r"<style.*?</style>|<script.*?</script>", "", page.read_text(encoding="utf-8"), flags=re.S)
        text = html_lib.unescape(re.sub(r"<[^>]+>", " ", markup))
        found = glossary.find_synonyms(text)
        found += [(m, "group") for m in re.findall(r"\S+ \S+ [A-ZÆØÅ]\w+ sa i sin workshop", text)]
        if found:
            problems[page.name] = found
    assert not problems, problems


@pytest.mark.slow
def test_force_field_and_survey_reports_show_the_glossary(built_catalogue) -> None:
    reports = Path(built_catalogue["reports"])
    for name in ("kraftfelt-samlet", "kraftfelt-kommunestyret", "kraftfelt-grendemote-drevsjo", "bolyst-engerdal"):
        page = (reports / f"{name}.html").read_text(encoding="utf-8")
        assert "Ord og begreper" in page and '<dl class="glossary">' in page, name
        assert "<dt>workshop</dt>" in page, name


# --------------------------------------------------------------------------- group names in sentences


def test_group_names_in_titles_and_in_sentences() -> None:
    assert group_title("grendemote:drevsjo") == "Grendemøtet i Drevsjø"
    assert group_in_text("grendemote:drevsjo") == "grendemøtet i Drevsjø"
    assert group_in_text("kommunestyret") == "kommunestyret"
    assert fft.group_intro("kommunestyret").startswith("Rapporten viser hva kommunestyret sa i workshopen: ")
    assert fft.group_intro("grendemote:drevsjo").startswith(
        "Rapporten viser hva innbyggerne sa på grendemøtet i Drevsjø: "
    )
    for g in ("kommunestyret", "grendemote:drevsjo", "arbeidsgruppe"):
        for sentence in (fft.group_intro(g), fft.no_statements(g), fft.thin_group(g, 4)):
            assert "Kommunestyret" not in sentence and "Grendemøte " not in sentence, sentence
            assert "sin workshop" not in sentence and "sitt grendemøte" not in sentence
    assert "fra grendemøtet i Drevsjø" in fft.no_statements("grendemote:drevsjo")
    assert fft.group_at("grendemote:elga") == "på grendemøtet i Elgå"
    assert fft.measures_caption("kommunestyret") == "Tiltak kommunestyret foreslo"
    assert fft.measures_caption("grendemote:elga") == "Tiltak foreslått på grendemøtet i Elgå"
    assert fft.groups_in_text(["kommunestyret", "grendemote:elga"]) == "kommunestyret og grendemøtet i Elgå"


def test_group_summary_headlines_the_finding() -> None:
    summary = pd.DataFrame(
        {"goal": ["bolyst", "innbyggertall", "kvinner", "unge"], "net_force": [-8.0, 9.0, -3.0, -2.0]}
        | {"n_kraft": [1, 4, 0, 2], "n_motkraft": [5, 2, 1, 2]}
    )
    forces = pd.DataFrame(
        {"kind": ["motkraft", "motkraft", "kraft"], "text": ["Mangel på utleieboliger", "Lang vei", "Natur"]}
        | {"strength": [5.0, 3.0, 4.0], "scored": [True, True, True]}
    )
    line = fft.group_summary("kommunestyret", summary, forces, 10, 2)
    assert line == (
        "Hos kommunestyret veier motkreftene tyngst for tre av fire hovedmål, drivkreftene for ett. "
        "Den sterkeste motkraften er «Mangel på utleieboliger» (styrke 5). Gruppen foreslo 10 tiltak; 2 av dem er "
        "koblet til en motkraft."
    )
    assert not line.startswith("Denne siden")
    village = fft.group_summary("grendemote:drevsjo", summary, forces, 1, 0)
    assert village.startswith("På grendemøtet i Drevsjø veier motkreftene tyngst") and village.endswith(
        "Gruppen foreslo 1 tiltak; det er ikke koblet til noen motkraft."
    )
    assert fft.group_summary("ungdomsradet", summary.assign(net_force=-1.0), forces, 0, 0).startswith(
        "Hos ungdomsrådet veier motkreftene tyngst for alle de fire hovedmålene. "
    )
    none = summary.assign(net_force=float("nan"))
    assert fft.group_summary("kommunestyret", none, forces.iloc[0:0], 0, 0) == (
        "17 drivkrefter og motkrefter ble nevnt hos kommunestyret, men styrken er ikke vurdert. "
        "Gruppen foreslo ingen tiltak."
    )
    # rated on both sides and in balance (5 against 5) is not «not rated»
    balanced = pd.DataFrame({"goal": ["bolyst"], "net_force": [0.0], "n_kraft": [1], "n_motkraft": [1]})
    rated = pd.DataFrame({"kind": ["kraft", "motkraft"], "text": ["Natur", "Lang vei"], "strength": [5.0, 5.0]}
                         | {"scored": [True, True]})  # fmt: skip
    line = fft.group_summary("grendemote:namna", balanced, rated, 0, 0)
    assert "ikke vurdert" not in line and "veier drivkreftene og motkreftene like tungt for hovedmålet" in line


# --------------------------------------------------------------------------- counts and their nouns


def test_measures_sentence_agrees_with_its_counts() -> None:
    def frame(rows):
        return pd.DataFrame(rows, columns=["group", "goal", "kind", "text", "strength", "themes"])

    none_linked = frame(
        [
            ("a", "bolyst", "tiltak", "Bygg", None, ()),
            ("a", "bolyst", "tiltak", "Kartlegg", None, ()),
            ("a", "bolyst", "motkraft", "Få boliger", 4, ()),
            ("a", "bolyst", "motkraft", "Lang vei", 3, ()),
        ]
    )
    text = fft.measures_sentence(none_linked, "a")
    assert text.startswith("Ingen av de 2 tiltakene er koblet til noen av gruppens motkrefter")
    assert "Ingen av gruppens 2 motkrefter har et tiltak koblet til seg." in text
    assert "0 av" not in text


def test_statements_breakdown_and_samlet_cards_account_for_every_statement() -> None:
    counts = pd.DataFrame(
        {"group": ["a", "b"], "n_statements": [130, 98], "n_kraft": [30, 19], "n_motkraft": [40, 37]}
        | {"n_tiltak": [40, 37], "n_onsket_resultat": [8, 4], "n_delmal": [10, 3], "thin": [False, False]}
    )
    assert fft.statements_breakdown(counts) == (
        "49 drivkrefter, 77 motkrefter, 77 tiltak, 12 ønskede resultater og 13 delmål"
    )
    cards = fft.overview_figures(counts)
    assert cards["Utsagn i alt"] == "228"
    assert sum(int(v) for k, v in cards.items() if k not in ("Grupper", "Utsagn i alt")) == 228
    odd = counts.assign(n_statements=[131, 98])  # a statement of no known kind is counted, not lost
    assert fft.overview_figures(odd)["Andre utsagn"] == "1"
    assert fft.statements_breakdown(odd).endswith("13 delmål og 1 andre")


def test_all_summary_line_names_the_priorities_and_agreement() -> None:
    df = pd.DataFrame(
        {"group": ["a", "b", "c"], "goal": ["bolyst"] * 3, "kind": ["motkraft"] * 3}
        | {"text": ["Få boliger", "Ingen boliger", "Dyre boliger"], "strength": [4, 5, 3], "pavirkbar": [4, 4, 4]}
        | {"themes": [("bolig",)] * 3}
    )
    line = fft.all_summary_line(ffm.prepare(df), {"bolig": "Bolig"})
    assert line.startswith("«Bolig» er motkraften som rangeres høyest for prioritering.")
    assert "Minst 3 av 3 grupper" in line


@pytest.mark.parametrize(
    ("total", "women", "expected"),
    [
        (80, 41, "flyttet netto 80 personer inn, 41 av dem kvinner"),
        (5, 1, "flyttet netto 5 personer inn, 1 av dem kvinner"),
        (-12, 1, "flyttet netto 12 personer ut; blant kvinnene flyttet netto 1 kvinne inn"),
        (3, -1, "flyttet netto 3 personer inn; blant kvinnene flyttet netto 1 kvinne ut"),
        (1, 1, "flyttet netto 1 person inn, og det var en kvinne"),
        (4, 0, "flyttet netto 4 personer inn, ingen av dem kvinner"),
    ],
)
def test_net_migration_never_says_plus_one_women(total, women, expected) -> None:
    text = ptext.net_moves_text(total, women)
    assert text == expected
    assert not re.search(r"[+−-]\d+ kvinner|\b1 kvinner\b|\b1 personer\b", text)


def test_population_sentences_count_in_words() -> None:
    tot = pd.DataFrame({"year": [2005, 2016, 2024, 2026], "total": [1499, 1305, 1361, 1287]})
    assert ptext.summary_line(tot, "Engerdal") == (
        "Engerdal har 1 287 innbyggere (1.1.2026), 212 færre enn i 2005 og 74 færre enn to år før."
    )
    assert "har folketallet gått ned med 18 personer" in ptext.change_sentence(tot, "Engerdal")
    comp = pd.DataFrame(
        {"year": [2022, 2023], "change": [60, 48], "natural": [-10, -9], "net_migration": [70, 57]}
        | {"registered": [False, False]}
    )
    (sentence,) = ptext.components_sentences(comp.assign(year=[2022, 2023]), "Engerdal")
    assert sentence == (
        "Fra 1. januar 2022 til 2024 økte folketallet i Engerdal med 108: 127 flere flyttet inn enn ut, "
        "og 19 flere døde enn ble født (beregnet)."
    )
    assert ptext.components_headline(comp).startswith("Flyttingen betydde mest 2022–2024: +127 fra flytting")


def test_rank_counts_municipalities_only() -> None:
    """«nr. 3 av 10» counted Norway and Innlandet; the rank is among municipalities only."""
    last = pd.Series({"3425": 86.0, "3424": 84.0, "3417": 90.0, "3449": 88.0, "34": 80.0, "0": 112.0})
    kinds = {"3425": "kommune", "3424": "kommune", "3417": "kommune", "3449": "kommune", "34": "fylke", "0": "land"}
    assert indicators.municipality_rank(last, "3425", kinds) == (2, 4)  # the county (80) is lower, not counted
    assert indicators.municipality_rank(last, "3425", {}) == (2, 4)  # four-digit codes without regions.csv
    assert ptext.index_title("Engerdal", 86.0, 2026, 2, 4) == (
        "Engerdal: indeks 86 i 2026 (nr. 2 av 4 kommuner, lavest først)"
    )


def test_labels_inside_sentences_keep_proper_names() -> None:
    summary = pd.DataFrame({"label": ["Hovedberegning", "SSBs framskriving fra 2016"], "error_last": [-108, -139]})
    alt = ptext.backtest_alt("Engerdal", 2016, 2026, summary)
    assert "hovedberegning −108" in alt and "SSBs framskriving fra 2016 −139" in alt and "ssbs" not in alt


# --------------------------------------------------------------------------- survey


def test_survey_findings_read_as_sentences() -> None:
    reasons = pd.DataFrame({"label": ["Arbeid", "Utdanning", "Kjæreste eller familie"]})
    reasons = reasons.assign(share=[0.54, 0.44, 0.28], suppressed=False)
    assert stext.finding_options(reasons, "reasons") == (
        "De vanligste grunnene til at utflytterne flyttet, er arbeid (54 %), utdanning (44 %) og kjæreste eller "
        "familie (28 %)."
    )
    assert stext.finding_options(reasons.head(1), "conditions") == (
        "Det utflytterne oftest sier skal til for at de flytter tilbake, er arbeid (54 %)."
    )
    manifest = {"rows_clean": 300, "rows_rejected": 1, "flags": {"age_out_of_range": 0}}
    assert stext.respondents_sentence(manifest, "18–40") == (
        "Til sammen 300 gyldige svar. 1 innsending ble holdt utenfor (dobbelt innsendt eller tom), og ingen "
        "svar var fra personer utenfor 18–40 år."
    )
    assert "verksted" not in stext.THEMES_GUIDE and "workshopene og grendemøtene" in stext.THEMES_GUIDE


def test_survey_summary_line_headlines_the_finding() -> None:
    sat = pd.DataFrame(
        {"item": ["sat_overall", "sat_nature", "sat_jobs"], "label": ["Alt i alt", "Natur", "Arbeidsmuligheter"]}
        | {"mean": [3.6, 4.4, 2.5], "suppressed": [False, False, False]}
    )
    moves = pd.DataFrame(
        {"group": ["Alle"] * 3, "answer": ["yes", "maybe", "no"], "share": [0.11, 0.25, 0.64], "suppressed": False}
    )
    assert stext.summary_line(sat, moves, "Engerdal", "18–40") == (
        "Innbyggerne 18–40 år i Engerdal er mest fornøyde med natur (4,4 av 5) og minst fornøyde med "
        "arbeidsmuligheter (2,5). 11 % planlegger å flytte innen fem år, og 25 % er usikre."
    )


def test_gender_chart_has_its_own_title() -> None:
    t = pd.DataFrame(
        {"label": ["Arbeid"] * 2 + ["Natur"] * 2, "group": ["female", "male"] * 2, "mean": [2.2, 2.7, 4.4, 4.3]}
        | {"mean_lower": [2.0, 2.5, 4.2, 4.1], "mean_upper": [2.4, 2.9, 4.6, 4.5], "suppressed": [False] * 4}
    )
    assert stext.gender_title(t) == "Størst forskjell: kvinner er 0,5 poeng mindre fornøyde med arbeid enn menn"


# --------------------------------------------------------------------------- the header


def test_header_shows_readable_parameters() -> None:
    shown = dict(display_parameters({"group": "grendemote:drevsjo", "min_cell": 5, "kommunenummer": "3425"}))
    assert shown["Gruppe"] == "Grendemøtet i Drevsjø"
    assert shown["Minste gruppe som vises"] == "5 personer"
    assert shown["Kommune"] == "Engerdal (3425)"
    assert "group" not in shown and not any("grendemote:" in v for v in shown.values())
    assert dict(display_parameters({"group": "kommunestyret"}))["Gruppe"] == "Kommunestyret"


@pytest.mark.slow
def test_built_header_never_shows_raw_parameters(built_catalogue) -> None:
    page = (Path(built_catalogue["reports"]) / "kraftfelt-grendemote-drevsjo.html").read_text(encoding="utf-8")
    header = page.split("</header>", 1)[0]
    assert "<dt>Gruppe</dt><dd>Grendemøtet i Drevsjø</dd>" in header
    assert "grendemote:drevsjo" not in header and "group =" not in header


def test_every_notebook_ends_with_its_glossary() -> None:
    """Every report has «Ord og begreper» as its last section."""
    import json

    for nb_path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert "glossary()" in "".join(code[-1]["source"]), f"{nb_path.name}: «Ord og begreper» is not last"
