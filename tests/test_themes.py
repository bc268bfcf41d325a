"""Theme coding: codebook, determinism, speed-friendly behaviour, precision/recall on a hand-labelled sample."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.errors import AnalysisError
from analysis.themes import code_themes, keyword_pattern, load_codebook, theme_labels

GOLD = Path(__file__).resolve().parent / "fixtures" / "workshops" / "theme_gold.csv"
THEMES = [
    "bolig",
    "arbeid_naering",
    "samferdsel",
    "barnehage_skole",
    "helse_omsorg",
    "kultur_fritid",
    "natur_friluftsliv",
    "digital_infrastruktur",
    "kommunale_tjenester",
    "omdomme_identitet",
    "fellesskap_inkludering",
    "tilgjengelighet_likestilling",
]


def test_labels():
    labels = theme_labels()
    assert list(labels) == THEMES
    assert labels["arbeid_naering"] == "Arbeid og næring"
    assert labels["tilgjengelighet_likestilling"] == "Tilgjengelighet og likestilling"


def test_multi_label_sorted_and_deterministic():
    texts = ["Mangel på utleieboliger og dårlig mobildekning", "Godt å bo her", None, "", "FIBER TIL ELVDALEN"]
    out = code_themes(texts)
    assert out == [("bolig", "digital_infrastruktur"), (), (), (), ("digital_infrastruktur",)]
    assert code_themes(texts) == out
    assert all(list(t) == sorted(t) for t in out)


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("utleieboliger", "bolig"),
        ("eneboligtomt", "bolig"),
        ("veien til Drevsjø", "samferdsel"),
        ("gang- og sykkelvei", "samferdsel"),
        ("IT-tjenester", "digital_infrastruktur"),
        ("Sykehjemmet", "helse_omsorg"),
        ("universell utforming", "tilgjengelighet_likestilling"),
    ],
)
def test_compounds_and_phrases(text, theme):
    assert theme in code_themes([text])[0]


def test_village_names_are_not_themes():
    assert code_themes(["Elgå", "Drevsjø", "Sømådalen", "Heggeriset", "Elvdalen"]) == [()] * 5


def test_keyword_syntax():
    assert keyword_pattern("vei") == r"\bvei\b"
    assert keyword_pattern("*vei*") == r"\b\w*vei\w*\b"


def test_bad_codebook(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("themes:\n  Bad Id:\n    label: x\n    keywords: [a]\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="needs an id"):
        load_codebook(str(p))


GOLD_V2 = Path(__file__).resolve().parent / "fixtures" / "themes" / "theme_gold_v2.csv"


def _gold(path: Path = GOLD):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [set(filter(None, r["themes"].split("|"))) for r in rows]


def scores(path: Path = GOLD, *, model: bool = True) -> dict[str, tuple[float, float, int]]:
    """Micro-averaged precision and recall overall (key ``"all"``) and per theme: ``(precision, recall, n gold)``;
    ``model=False``: of the codebook alone."""
    texts, gold = _gold(path)
    pred = [set(p) for p in code_themes(texts, model=model)]
    out = {}
    for theme in [None, *THEMES]:

        def keep(labels: set[str], t=theme) -> set[str]:
            return labels if t is None else labels & {t}

        tp = sum(len(keep(g) & keep(p)) for g, p in zip(gold, pred))
        fp = sum(len(keep(p) - keep(g)) for g, p in zip(gold, pred))
        fn = sum(len(keep(g) - keep(p)) for g, p in zip(gold, pred))
        out[theme or "all"] = (tp / (tp + fp) if tp + fp else float("nan"), tp / (tp + fn), tp + fn)
    return out


def precision_recall(path: Path = GOLD) -> tuple[float, float, int]:
    p, r, _ = scores(path)["all"]
    return p, r, len(_gold(path)[0])


def test_new_gold_set_precision_recall_overall_and_per_theme():
    """The blind hand-labelled set (316 statements, docs/workshops.md): ≥ 0.90 overall; no theme below 0.85."""
    texts, gold = _gold(GOLD_V2)
    assert len(texts) >= 120
    assert all(g <= set(THEMES) for g in gold)
    result = scores(GOLD_V2)
    precision, recall, _ = result["all"]
    assert precision >= 0.90, precision
    assert recall >= 0.90, recall
    weak = {t: v for t, v in result.items() if t != "all" and (v[0] < 0.85 or v[1] < 0.85)}
    assert not weak, weak


GOLD_V3 = Path(__file__).resolve().parent / "fixtures" / "themes" / "theme_gold_v3.csv"
GOLD_V4 = Path(__file__).resolve().parent / "fixtures" / "themes" / "theme_gold_v4.csv"


@pytest.mark.parametrize(
    ("path", "min_precision", "min_recall"),
    [
        # a second annotator's blind set (232 statements, other conventions in places; README): a floor
        pytest.param(GOLD_V3, 0.86, 0.90, id="v3-second-annotator"),
        # a third annotator's blind set, coded once before any rule was changed for it (README): its first
        # figures (precision 0.836, recall 0.733) are a floor, not a target
        pytest.param(GOLD_V4, 0.83, 0.73, id="v4-third-annotator-measured-once"),
    ],
)
def test_other_annotators_sets_are_floors(path: Path, min_precision: float, min_recall: float):
    texts, gold = _gold(path)
    assert len(texts) >= 200 and all(g <= set(THEMES) for g in gold)
    precision, recall, _ = scores(path)["all"]
    assert precision >= min_precision, precision
    assert recall >= min_recall, recall


GOLD_V5 = Path(__file__).resolve().parent / "fixtures" / "themes" / "theme_gold_v5.csv"
#: per-theme (precision, recall) of the codebook on v5 when it was coded once (README), rounded down
V5_FIRST_SIGHT = {
    "arbeid_naering": (0.76, 0.94), "fellesskap_inkludering": (0.85, 0.62), "samferdsel": (0.87, 0.80),
    "barnehage_skole": (0.80, 0.87), "kommunale_tjenester": (0.84, 0.69), "bolig": (1.0, 0.86),
    "helse_omsorg": (0.76, 0.76), "kultur_fritid": (0.84, 0.76), "natur_friluftsliv": (0.80, 0.89),
    "omdomme_identitet": (0.90, 0.83), "digital_infrastruktur": (1.0, 0.76), "tilgjengelighet_likestilling": (0.93, 0.82),
}  # fmt: skip
# (identity precision 0.93 → 0.90 since the theme model: one false positive more, recall 0.83 → 1.0; v5 is now
# training data for the model, so its figures are fitted)


GOLD_V6 = Path(__file__).resolve().parent / "fixtures" / "themes" / "theme_gold_v6.csv"
#: per-theme (precision, recall) of the round-six codebook on v6, coded once (README), rounded down
V6_FIRST_SIGHT = {
    "bolig": (0.84, 0.88), "arbeid_naering": (0.82, 0.87), "samferdsel": (0.88, 0.85),
    "barnehage_skole": (0.84, 0.91), "helse_omsorg": (0.70, 0.77), "kultur_fritid": (0.90, 0.73),
    "natur_friluftsliv": (0.73, 0.85), "digital_infrastruktur": (1.0, 0.72), "kommunale_tjenester": (0.91, 0.84),
    "omdomme_identitet": (0.86, 0.76), "fellesskap_inkludering": (0.94, 0.54), "tilgjengelighet_likestilling": (1.0, 0.75),
}  # fmt: skip


GOLD_V7 = Path(__file__).resolve().parent / "fixtures" / "themes" / "theme_gold_v7.csv"
#: per-theme (precision, recall) of the round-seven codebook on v7, coded once (README), rounded down
V7_FIRST_SIGHT = {
    "bolig": (1.0, 0.89), "arbeid_naering": (0.82, 0.82), "samferdsel": (0.85, 0.90),
    "barnehage_skole": (0.76, 1.0), "helse_omsorg": (0.80, 0.94), "kultur_fritid": (0.85, 0.92),
    "natur_friluftsliv": (0.77, 0.87), "digital_infrastruktur": (0.90, 0.83), "kommunale_tjenester": (0.88, 0.83),
    "omdomme_identitet": (0.92, 0.80), "fellesskap_inkludering": (0.96, 0.80), "tilgjengelighet_likestilling": (1.0, 0.84),
}  # fmt: skip
# (community precision 1.0 → 0.96 since the theme model, recall 0.80 → 1.0; v7 is now training data, so fitted)

GOLD_V8 = Path(__file__).resolve().parent / "fixtures" / "themes" / "theme_gold_v8.csv"
#: per-theme (precision, recall) of the round-seven codebook on v8, coded once (README), rounded down
V8_FIRST_SIGHT = {
    "bolig": (0.91, 1.0), "arbeid_naering": (0.68, 0.86), "samferdsel": (0.80, 0.80),
    "barnehage_skole": (0.85, 0.95), "helse_omsorg": (0.76, 0.88), "kultur_fritid": (0.72, 0.88),
    "natur_friluftsliv": (0.85, 0.94), "digital_infrastruktur": (1.0, 0.94), "kommunale_tjenester": (0.90, 0.86),
    "omdomme_identitet": (0.81, 0.72), "fellesskap_inkludering": (0.88, 0.91), "tilgjengelighet_likestilling": (1.0, 0.75),
}  # fmt: skip

GOLD_V9 = Path(__file__).resolve().parent / "fixtures" / "themes" / "theme_gold_v9.csv"
#: per-theme (precision, recall) of the round-eight codebook on v9, coded once (README), rounded down
V9_FIRST_SIGHT = {
    "bolig": (0.82, 0.93), "arbeid_naering": (0.81, 0.84), "samferdsel": (0.92, 0.92),
    "barnehage_skole": (0.78, 0.93), "helse_omsorg": (0.80, 0.85), "kultur_fritid": (0.76, 0.81),
    "natur_friluftsliv": (0.92, 0.85), "digital_infrastruktur": (0.92, 0.85), "kommunale_tjenester": (0.86, 0.86),
    "omdomme_identitet": (1.0, 0.54), "fellesskap_inkludering": (0.80, 0.84), "tilgjengelighet_likestilling": (1.0, 0.66),
}  # fmt: skip


@pytest.mark.parametrize(
    ("path", "size", "min_precision", "min_recall", "first_sight"),
    [
        # a blind set written to the package's own labelling rules, coded once (README; precision 0.852, recall
        # 0.804); round six was later drawn from its errors
        pytest.param(GOLD_V5, 240, 0.85, 0.80, V5_FIRST_SIGHT, id="v5-fourth-annotator"),
        # 240 statements from many municipalities, written while round six was made and coded once (precision
        # 0.860, recall 0.792); round seven was later drawn from its errors
        pytest.param(GOLD_V6, 240, 0.85, 0.79, V6_FIRST_SIGHT, id="v6-fifth-annotator"),
        # 200 statements, written while round seven was made without access to it, coded once (0.870 / 0.870)
        pytest.param(GOLD_V7, 200, 0.86, 0.86, V7_FIRST_SIGHT, id="v7-sixth-annotator"),
        # 220 statements written blind after round seven (many traps), coded once (0.827 / 0.879); round eight
        # was later drawn from its errors
        pytest.param(GOLD_V8, 220, 0.82, 0.87, V8_FIRST_SIGHT, id="v8-seventh-annotator"),
        # 160 statements written blind while round eight was drawn from v8, coded once (0.848 / 0.839)
        pytest.param(GOLD_V9, 160, 0.84, 0.83, V9_FIRST_SIGHT, id="v9-eighth-annotator"),
    ],
)
def test_blind_sets_written_to_the_rules_measured_once_are_floors(
    path: Path, size: int, min_precision: float, min_recall: float, first_sight: dict[str, tuple[float, float]]
):
    """Each blind set's first figures (below the 0.90 target), overall and per theme, are floors: no later
    change makes new text worse unnoticed."""
    texts, gold = _gold(path)
    assert len(texts) == size and all(g <= set(THEMES) for g in gold)
    assert len(set(texts)) == len(texts)
    result = scores(path)
    precision, recall, _ = result["all"]
    assert precision >= min_precision, precision
    assert recall >= min_recall, recall
    worse = {t: result[t][:2] for t, (p, r) in first_sight.items() if result[t][0] < p or result[t][1] < r}
    assert not worse, worse


GOLD_V10 = Path(__file__).resolve().parent / "fixtures" / "themes" / "theme_gold_v10.csv"
#: per-theme (precision, recall) of the shipped coder (codebook + theme model) on v10, rounded down (README)
V10_SHIPPED = {
    "bolig": (1.0, 0.93), "arbeid_naering": (0.78, 0.95), "samferdsel": (0.94, 0.94),
    "barnehage_skole": (0.93, 0.93), "helse_omsorg": (0.92, 0.85), "kultur_fritid": (1.0, 0.95),
    "natur_friluftsliv": (0.92, 0.92), "digital_infrastruktur": (0.92, 0.92), "kommunale_tjenester": (0.93, 1.0),
    "omdomme_identitet": (1.0, 0.93), "fellesskap_inkludering": (0.91, 0.95), "tilgjengelighet_likestilling": (1.0, 0.92),
}  # fmt: skip


def test_the_blind_set_v10_meets_the_target_overall_and_per_theme():
    """v10 (170 statements, bokmål, nynorsk and fifteen dialect areas; README) was written and labelled to the
    rules, hashed before any coder ran, and is never trained on (tests/test_theme_model.py checks): precision
    and recall ≥ 0.90 each for the shipped coder; per theme no worse than today; the codebook alone no worse."""
    texts, gold = _gold(GOLD_V10)
    assert len(texts) == 170 and len(set(texts)) == 170 and all(g <= set(THEMES) for g in gold)
    result = scores(GOLD_V10)
    precision, recall, _ = result["all"]
    assert precision >= 0.90, precision
    assert recall >= 0.90, recall
    worse = {t: result[t][:2] for t, (p, r) in V10_SHIPPED.items() if result[t][0] < p or result[t][1] < r}
    assert not worse, worse
    alone_precision, alone_recall, _ = scores(GOLD_V10, model=False)["all"]
    assert alone_precision >= 0.92 and alone_recall >= 0.87  # codebook alone: 0.921 / 0.871


def test_old_gold_sample_precision_recall():
    """The older 95-item sample was labelled before the rules of the new set (see its README); a floor only."""
    precision, recall, n = precision_recall(GOLD)
    assert n >= 80
    assert all(g <= set(theme_labels()) for g in _gold(GOLD)[1])
    assert precision >= 0.90, precision
    assert recall >= 0.80, recall


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Husleia er alt for høy", "bolig"),
        ("Vi treng fleire utleigebustader", "bolig"),
        ("Veian e som eit vaskebrett", "samferdsel"),
        ("vidregåande burde vært her", "barnehage_skole"),
        ("Det e einsomt å vara ny her", "fellesskap_inkludering"),
        ("Heimetenesta må få meir ressursar", "helse_omsorg"),
        ("Sakshandsaminga i kommunen tek for lang tid", "kommunale_tjenester"),
        ("Dom snakke bygda ned sjøl", "omdomme_identitet"),
        # spelling variants (the codebook's «spellings»): dialect function words, parts of words, a dropped vowel
        ("Ongdommen har itj nåkka å finne på om kvelden", "kultur_fritid"),
        ("Æ fekk itj plass på sjukeheimen te mor", "helse_omsorg"),
        ("Det e ingen som tek telefonen på kommunehuset", "kommunale_tjenester"),
        ("Ungan trives på skol'n", "barnehage_skole"),
        ("Legevakta e to tima unna", "samferdsel"),
        ("Æ sitt aleine heime heile vinter'n", "fellesskap_inkludering"),
        # round seven: general ways of saying (not) being welcomed, dialect spellings, everyday service words
        ("Det tok tre år før vi ble invitert hjem til noen", "fellesskap_inkludering"),
        ("Ingen kom innom da vi flytta hit", "fellesskap_inkludering"),
        ("Dæm e så skeptisk til folk som kjæm utafra", "fellesskap_inkludering"),
        ("Hjæmmekontor e uaktuelt her", "arbeid_naering"),
        ("Ferja går for sjelden", "samferdsel"),
        ("Stiane i heia bør ryddast", "natur_friluftsliv"),
        ("Trappa inn til butikken e umulig med rullator", "tilgjengelighet_likestilling"),
        ("Halve landet har aldri hørt om oss", "omdomme_identitet"),
        ("Ongan har ingen plass å henge om kvelden", "kultur_fritid"),
        ("Mor treng hjelp til å dusje kvar dag", "helse_omsorg"),
        ("Bredbånnet e for treigt", "digital_infrastruktur"),
        ("Eldre treng hjelp med nettbanken", "digital_infrastruktur"),
    ],
)
def test_inflected_nynorsk_and_dialect_forms(text, theme):
    assert theme in code_themes([text])[0]


@pytest.mark.parametrize(
    ("text", "not_theme"),
    [
        ("Jobbe sammen på dugnad, det skaper samhold", "arbeid_naering"),
        ("Butikken e der vi treffes og prate", "arbeid_naering"),
        ("Satse på turistvei over fjellet", "arbeid_naering"),
        ("Vinteren er lang og mørk", "natur_friluftsliv"),
        ("Kontorfellesskap i Drevsjø for fjernarbeidere", "fellesskap_inkludering"),
        ("Billige tomter", "samferdsel"),  # «bil» + an ending, not «billig»
        ("Flere kvinner", "tilgjengelighet_likestilling"),  # demography, not equality
        ("Vi fikser det selv", "natur_friluftsliv"),  # «*elv» is not «selv»
        ("Alle stille opp på dugnad", "natur_friluftsliv"),  # «stille opp» is not quiet
        ("Hjemmetjenesten gjør en kjempejobb", "arbeid_naering"),  # figurative work (R16)
        ("Kort vei til sjefen", "samferdsel"),  # figurative distance (R6)
        ("Vi treffes på butikken", "arbeid_naering"),  # the shop as meeting place (R1)
        ("Turistvegen over fjellet", "arbeid_naering"),  # «veg» read as «vei»: the turistvei exclusion holds
        ("Vi leier hallen til bursdagsselskap", "bolig"),  # «leie» of a hall (R16)
        ("Dekningen er dårlig bak fjellet", "natur_friluftsliv"),  # the mountain as a place (R5)
        ("Dei som jobbar natt på sjukeheimen treng barnehage tidleg", "helse_omsorg"),  # who, not care (R3)
        ("Ungdommene flytter ut etter vgs", "barnehage_skole"),  # a time marker (R3)
        ("Søknaden har lege på vent i månader", "helse_omsorg"),  # nynorsk «har lege» (lain), not a doctor
        ("Gründerne trenger et nettverk av mentorer", "fellesskap_inkludering"),  # business network
        ("Vi må byggje bru mellom gamle og nye innbyggjarar", "samferdsel"),  # a figurative bridge
        ("Fiskebruket treng folk", "natur_friluftsliv"),  # fish processing is work, not fishing
        ("Frivillige legger ned en stor arbeidsinnsats", "arbeid_naering"),  # figurative work (R16)
    ],
)
def test_generic_stems_do_not_over_trigger(text, not_theme):
    assert not_theme not in code_themes([text])[0]


def test_exclusion_of_a_place_does_not_take_other_words_of_its_stem():
    # «=langs *» (along a road: a place) — written «langs *» it took «langt» and «lang» by their stem
    assert code_themes(["Det er for langt til alt", "Dårlig dekning langs riksvegen"]) == [
        ("samferdsel",),
        ("digital_infrastruktur",),
    ]


def test_phrase_gap_and_exact_forms(tmp_path) -> None:
    book = tmp_path / "themes.yaml"
    book.write_text(
        "themes:\n"
        "  omdomme:\n"
        "    label: Omdømme\n"
        "    keywords: ['snakk* ~ ned']\n"
        "  moter:\n"
        "    label: Møter\n"
        "    keywords: ['=møtes']\n",
        encoding="utf-8",
    )
    coded = code_themes(
        ["Vi snakker bygda vår ned", "snakke ned", "snakke om alt annet enn bygda ned", "Vi møtes", "Et møte"],
        path=str(book),
    )
    assert coded == [("omdomme",), ("omdomme",), (), ("moter",), ()]


def test_exclude_words_do_not_count_for_the_theme(tmp_path) -> None:
    book = tmp_path / "themes.yaml"
    book.write_text(
        "themes:\n"
        "  kultur:\n"
        "    label: Kultur\n"
        "    keywords: ['*kultur*']\n"
        "    exclude: ['*heltidskultur*']\n"
        "  helse:\n"
        "    label: Helse\n"
        "    keywords: ['*omsorg*']\n",
        encoding="utf-8",
    )
    coded = code_themes(["Heltidskultur i omsorgen", "Kulturhuset og heltidskultur", "Mer kultur"], path=str(book))
    assert coded == [("helse",), ("kultur",), ("kultur",)]


def test_shipped_codebook_excludes_work_words_from_culture_and_nature() -> None:
    # employment terms in a sector are work, not the sector (rule R4 of tests/fixtures/themes/README.md)
    assert code_themes(["Heltidskultur i pleie og omsorg", "Godt arbeidsmiljø på sykehjemmet"]) == [
        ("arbeid_naering",),
        ("arbeid_naering", "helse_omsorg"),
    ]


if __name__ == "__main__":  # pragma: no cover
    for path in (GOLD_V2, GOLD):
        print(path.name)
        for theme, (p, r, n) in scores(path).items():
            print(f"  {theme:30s} precision={p:.3f} recall={r:.3f} n={n}")
