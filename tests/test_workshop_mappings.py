"""Canonical values from the mapping file."""

from __future__ import annotations

import pytest

from analysis.errors import AnalysisError
from analysis.workshops.mappings import fold, load_mappings


@pytest.fixture(scope="module")
def m():
    return load_mappings()


@pytest.mark.parametrize("alias", ["Ungdomsrådet", "UR", "ungdomsråd", " UNGDOMSRÅDET ", "ungdomsradet"])
def test_group_aliases_ungdomsradet(m, alias):
    assert m.group(alias) == "ungdomsradet"


@pytest.mark.parametrize(
    ("alias", "gid"),
    [
        ("Grendemøte Drevsjø", "grendemote:drevsjo"),
        ("grendemote:drevsjo", "grendemote:drevsjo"),
        ("Elgå", "grendemote:elga"),
        ("Sømådalen", "grendemote:somadalen"),
        ("Engerdal sentrum", "grendemote:engerdal_sentrum"),
        ("Rådet for likestilling for funksjonshemmede", "funksjonshemmede"),
        ("Eldrerådet", "eldreradet"),
        ("Arbeidsgruppen", "arbeidsgruppe"),
        ("Kommunestyret", "kommunestyret"),
    ],
)
def test_group_aliases(m, alias, gid):
    assert m.group(alias) == gid


def test_unknown_group_is_none(m):
    assert m.group("Skolekorpset") is None


@pytest.mark.parametrize("alias", ["Økt bolyst", "Mål 1", "1", "bolyst", "ØKT  BOLYST"])
def test_goal_aliases(m, alias):
    assert m.goal(alias) == "bolyst"


def test_goals_all_four(m):
    assert [m.goal(f"Mål {i}") for i in range(1, 5)] == ["bolyst", "innbyggertall", "kvinner", "unge"]
    assert m.goal("Flere ynge innbyggere") == "unge"  # the council's own spelling
    assert m.goal("generelt") == ""
    assert m.goal("Mål 9") is None


@pytest.mark.parametrize(
    ("alias", "kind"),
    [
        ("Ønsket resultat", "onsket_resultat"),
        ("delmål", "delmal"),
        ("Tiltak", "tiltak"),
        ("Krefter", "kraft"),
        ("+", "kraft"),
        ("Motkrefter", "motkraft"),
        ("-", "motkraft"),
        ("hindring", "motkraft"),
    ],
)
def test_kinds(m, alias, kind):
    assert m.kind(alias) == kind


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("høy", (4, None)),
        ("3 - middels", (3, None)),
        ("svært høy", (5, None)),
        ("1", (1, None)),
        ("5.0", (5, None)),
        ("", (None, None)),
        ("7", (None, "7 is outside 1–5")),
        ("0", (None, "0 is outside 1–5")),
        ("3,5", (None, "3,5 is not a whole number 1–5")),
        ("kanskje", (None, "'kanskje' is not a number 1–5")),
        # a range is two scores: rejected with its reason, never read as its first number
        ("4-5", (None, "'4-5' is a range, not one score (write one number 1–5)")),
        ("2–3", (None, "'2–3' is a range, not one score (write one number 1–5)")),
        ("3 - 4", (None, "'3 - 4' is a range, not one score (write one number 1–5)")),
        ("4/5", (4, None)),  # «4 of 5» (documented)
        ("3 av 5", (3, None)),
    ],
)
def test_scale(m, value, expected):
    assert m.scale(value) == expected


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Tekst", "text"),
        (" UTSAGN ", "text"),
        ("Statement", "text"),
        ("Styrke (1–5)", "strength"),
        ("Påvirkbar (1–5)", "pavirkbar"),
        ("Influence", "pavirkbar"),
        ("Antall stemmer", "votes"),
        ("Hovedmål", "goal"),
        ("Krefter", "kraft"),
        ("Motkrefter", "motkraft"),
        ("Dato", "date"),
    ],
)
def test_column_synonyms(m, header, field):
    assert m.column(header) == field


def test_names(m):
    assert m.group_from_name("2021-02-10_arbeidsgruppe_workshop") == "arbeidsgruppe"
    assert m.group_from_name("grendemote_drevsjo_2021-06-03") == "grendemote:drevsjo"
    assert m.goal_from_name("Mål 2: Økt innbyggertall") == "innbyggertall"
    assert m.goal_from_name("2021-03-18") is None  # bare numbers are not goals


def test_fold():
    assert fold("Grendemøte  Drevsjø!") == "grendemote drevsjo"
    assert fold("Styrke (1-5)") == "styrke"


def test_project_override(tmp_path):
    extra = tmp_path / "mappings.yaml"
    extra.write_text("groups:\n  ungdomsradet: [Ungdommens råd]\n", encoding="utf-8")
    m = load_mappings(extra)
    assert m.group("Ungdommens råd") == "ungdomsradet"
    assert load_mappings().group("Ungdommens råd") is None


def test_conflicting_alias_is_an_error(tmp_path):
    extra = tmp_path / "mappings.yaml"
    extra.write_text("groups:\n  eldreradet: [UR]\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="listed under both"):
        load_mappings(extra)
