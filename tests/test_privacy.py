"""Tests for analysis.privacy: small-cell suppression and PII scrubbing."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import privacy
from analysis.privacy import (
    MIN_CELL,
    can_show_quotes,
    label_suppressed,
    n_label,
    quotes_for_report,
    safe_html,
    scrub_series,
    scrub_text,
    suppress_groups,
    suppress_small,
    suppression_mask,
)
from analysis.profile import load_profile

CORPUS = yaml.safe_load((Path(__file__).parent / "fixtures" / "survey" / "pii_corpus.yaml").read_text("utf-8"))


# ----------------------------------------------------------------- PII


@pytest.mark.parametrize("entry", CORPUS["planted"], ids=lambda e: e["text"][:30])
def test_planted_identifiers_do_not_survive(entry):
    out = scrub_text(entry["text"])
    for secret in entry["secrets"]:
        assert secret.lower() not in out.lower(), (secret, out)


@pytest.mark.parametrize("text", CORPUS["ordinary"])
def test_ordinary_text_left_alone(text):
    assert scrub_text(text) == text


def test_place_names_never_scrubbed():
    for place in ["Engerdal", "Drevsjø", "Elgå", "Sømådalen", "Heggeriset", "Elvdalen", "Trysil", "Femund"]:
        assert scrub_text(f"Vi bor i {place}.") == f"Vi bor i {place}."
        # also right after a first name: the place is not taken for a surname
        assert place in scrub_text(f"Jeg og Kari {place} er fornøyde")


# ----------------------------------------------------------------- names standing alone (issue 14)

PLANTED = Path(__file__).parent / "fixtures" / "privacy"


def _word_count(word: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text))


def measure_scrubber(path: Path) -> dict[str, int]:
    """Names removed and words kept by :func:`scrub_text` on a planted-name corpus (see its header)."""
    sentences = yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]
    out = {"names": 0, "removed": 0, "keep": 0, "kept": 0, "places": 0, "places_kept": 0}
    places = privacy.place_names()
    for s in sentences:
        scrubbed = scrub_text(s["t"])
        for name in s["n"]:
            out["names"] += 1
            out["removed"] += all(_word_count(w, scrubbed) == 0 for w in name.split())
        for word in s["k"]:
            ok = _word_count(word, scrubbed) == _word_count(word, s["t"])
            out["keep"] += 1
            out["kept"] += ok
            if word in places:
                out["places"] += 1
                out["places_kept"] += ok
    return out


@pytest.mark.parametrize("corpus", ["planted_names.yaml", "planted_names_holdout.yaml"])
def test_names_are_scrubbed_and_places_and_ordinary_words_kept(corpus):
    """Recall ≥ 0.95 on planted names (also surnames standing alone), ≥ 0.95 of places and ordinary words kept."""
    m = measure_scrubber(PLANTED / corpus)
    assert m["removed"] / m["names"] >= 0.95, m
    assert m["kept"] / m["keep"] >= 0.95, m
    assert m["places_kept"] / m["places"] >= 0.95, m


def test_the_planted_corpus_is_big_enough_and_has_the_villages_and_other_places():
    sentences = yaml.safe_load((PLANTED / "planted_names.yaml").read_text(encoding="utf-8"))["sentences"]
    assert len(sentences) >= 200
    keep = {w for s in sentences for w in s["k"]}
    villages = {v.name for v in load_profile().villages}
    assert villages <= keep | {"Engerdal sentrum"}
    assert {"Trysil", "Hamar", "Elverum", "Røros", "Oslo", "Lund", "Vik", "Strand"} <= keep


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("Rektor Bakken gjør en god jobb.", "Rektor [navn] gjør en god jobb."),
        ("Bakken ned mot skolen er glatt.", "Bakken ned mot skolen er glatt."),
        ("Vi har snakket med Haugen om saken.", "Vi har snakket med [navn] om saken."),
        ("Vi bor på Bakken i Drevsjø.", "Vi bor på Bakken i Drevsjø."),
        ("Haugen sier at skolen må bestå.", "[navn] sier at skolen må bestå."),
        ("Bussen til Trysil er for sjelden.", "Bussen til Trysil er for sjelden."),
        (
            "Turen til Strand i Rogaland var lang, sa doktor Strand.",
            "Turen til Strand i Rogaland var lang, sa doktor [navn].",
        ),
    ],
)
def test_surnames_alone_are_read_in_context(text, scrubbed):
    assert scrub_text(text) == scrubbed


def test_placeholders_are_norwegian():
    out = scrub_text("Kari Nordmann, kari@example.no, 912 34 567, 01010150074")
    assert out == "[navn], [e-post], [telefon], [fødselsnummer]"


def test_fnr_checksum_decides():
    assert privacy._fnr_valid("01010150074")
    assert not privacy._fnr_valid("01010150075")
    # an 11-digit number that fails the check is not a fødselsnummer and not a phone number
    assert scrub_text("nummer 01010150075") == "nummer 01010150075"


def _make_fnr(draw_digits: list[int]) -> str | None:
    d = draw_digits[:9]
    w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = (11 - sum(a * b for a, b in zip(w1, d)) % 11) % 11
    if k1 == 10:
        return None
    d = d + [k1]
    k2 = (11 - sum(a * b for a, b in zip(w2, d)) % 11) % 11
    if k2 == 10:
        return None
    return "".join(map(str, d + [k2]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=9, max_size=9), st.sampled_from(["", " "]))
def test_any_valid_fnr_is_scrubbed(digits, sep):
    fnr = _make_fnr(digits)
    if fnr is None:
        return
    written = fnr[:6] + sep + fnr[6:]
    out = scrub_text(f"Mitt fnr er {written}.")
    assert fnr not in out.replace(" ", "")
    assert "[fødselsnummer]" in out


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 9),
    st.lists(st.integers(0, 9), min_size=7, max_size=7),
    st.sampled_from(["", "+47 ", "+47", "0047 "]),
    st.sampled_from(["8", "3-2-3", "2-2-2-2"]),
)
def test_any_phone_number_is_scrubbed(first, rest, prefix, grouping):
    digits = str(first) + "".join(map(str, rest))
    if grouping == "8":
        body = digits
    elif grouping == "3-2-3":
        body = f"{digits[:3]} {digits[3:5]} {digits[5:]}"
    else:
        body = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    out = scrub_text(f"Ring {prefix}{body} i kveld")
    assert out == "Ring [telefon] i kveld"


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 9999), st.integers(1900, 2100))
def test_short_numbers_and_years_survive(n, year):
    text = f"Vi er {n} innbyggere i {year}."
    assert scrub_text(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcæøå ABCÆØÅKPLO0123456789.,;:@+-\n")), max_size=80))
def test_scrub_is_idempotent_and_total(text):
    once = scrub_text(text)
    assert isinstance(once, str)
    assert scrub_text(once) == once


def test_every_shipped_first_name_is_scrubbed_mid_sentence():
    for name in sorted(privacy.first_names()):
        out = scrub_text(f"Jeg snakket med {name} i går")
        assert name not in out.split(), (name, out)


def test_first_names_list_is_substantial():
    assert len(privacy.first_names()) >= 300


def test_scrub_series_vectorised_and_keeps_missing():
    s = pd.Series(["Ring 912 34 567", None, "Fin natur", "Ring 912 34 567"], index=[10, 11, 12, 13])
    out = scrub_series(s)
    assert list(out.index) == [10, 11, 12, 13]
    assert out.iloc[0] == "Ring [telefon]" and out.iloc[3] == "Ring [telefon]"
    assert pd.isna(out.iloc[1]) and out.iloc[2] == "Fin natur"


def test_safe_html_scrubs_and_escapes():
    assert safe_html('<script>alert("Kari")</script>') == "&lt;script&gt;alert(&quot;[navn]&quot;)&lt;/script&gt;"


def test_can_show_quotes_rule():
    assert can_show_quotes(False, False)
    assert can_show_quotes(False, True)
    assert not can_show_quotes(True, False)
    assert can_show_quotes(True, True)


def test_quotes_for_report():
    texts = ["Ring Kari på 912 34 567", None, "", "Fin natur", "Fin natur"]
    assert quotes_for_report(texts, shareable=True, allow_quotes=False) == []
    assert quotes_for_report(texts, shareable=False, allow_quotes=False) == ["Ring [navn] på [telefon]", "Fin natur"]
    assert quotes_for_report(texts, shareable=False, allow_quotes=False, limit=1) == ["Ring [navn] på [telefon]"]


# ----------------------------------------------------------------- suppression


def _recoverable(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Independent audit: hidden cells fixed by the row/column equations (rank test)."""
    r, c = values.shape[0] - 1, values.shape[1] - 1
    idx = [tuple(x) for x in np.argwhere(hidden)]
    if not idx:
        return np.zeros_like(hidden)
    rows = []
    for i in range(r + 1):  # row i: inner cells minus the row total = known
        rows.append([0.0 if ci != i else (1.0 if cj < c else -1.0) for ci, cj in idx])
    for j in range(c + 1):  # column j: inner cells minus the column total = known
        rows.append([0.0 if cj != j else (1.0 if ci < r else -1.0) for ci, cj in idx])
    a = np.array(rows)
    base = np.linalg.matrix_rank(a)
    out = np.zeros_like(hidden)
    for k, cell in enumerate(idx):
        e = np.zeros(len(idx))
        e[k] = 1.0
        out[cell] = np.linalg.matrix_rank(np.vstack([a, e])) == base
    return out


def _augmented(table: pd.DataFrame) -> np.ndarray:
    v = table.to_numpy(dtype=float)
    full = np.zeros((v.shape[0] + 1, v.shape[1] + 1))
    full[:-1, :-1] = v
    full[:-1, -1] = v.sum(axis=1)
    full[-1, :-1] = v.sum(axis=0)
    full[-1, -1] = v.sum()
    return full


tables = st.integers(1, 5).flatmap(
    lambda r: st.integers(1, 5).flatmap(
        lambda c: st.lists(st.lists(st.integers(0, 40), min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.integers(2, 10), st.booleans())
def test_suppression_invariants(rows, threshold, hide_zeros):
    table = pd.DataFrame(rows, columns=[f"c{j}" for j in range(len(rows[0]))])
    out = suppress_small(table, threshold, hide_zeros=hide_zeros)
    values = _augmented(table)
    hidden = out.isna().to_numpy()
    shown = values[~hidden]
    # 1. no published cell (totals included) under the threshold
    if hide_zeros:
        assert (shown >= threshold).all()
    else:
        assert ((shown >= threshold) | (shown == 0)).all()
    # 2. published cells are the true counts
    np.testing.assert_array_equal(out.to_numpy(dtype=float, na_value=np.nan)[~hidden], shown)
    # 3. no row or column (with its total) has exactly one hidden cell
    for i in range(hidden.shape[0]):
        assert hidden[i, :].sum() != 1
    for j in range(hidden.shape[1]):
        assert hidden[:, j].sum() != 1
    # 4. no hidden cell recoverable from the row and column totals (independent rank audit)
    assert not _recoverable(values, hidden).any()


def test_two_blocks_joined_by_a_bridge_are_fixed():
    # Two 2x2 suppressed blocks sharing a single connecting cell: every line has >= 2 hidden
    # cells after the simple pass, but the connecting cell can still be solved; the audit catches it.
    table = pd.DataFrame(
        [[1, 2, 50, 60], [3, 4, 70, 80], [90, 100, 1, 2], [110, 120, 3, 4]],
        columns=list("abcd"),
    )
    out = suppress_small(table)
    hidden = out.isna().to_numpy()
    assert not _recoverable(_augmented(table), hidden).any()


def test_suppress_small_hand_example():
    table = pd.DataFrame({"kvinne": [3, 40], "mann": [20, 50]}, index=["18-29", "30-40"])
    out = suppress_small(table)
    assert out.loc["Totalt", "Totalt"] == 113
    assert out.iloc[:2, :2].isna().all().all()  # 3 primary, 20/40 complements, 50 to close the loop
    assert out.loc["18-29", "Totalt"] == 23
    assert not suppress_small(table, margins=False).index.isin(["Totalt"]).any()
    assert table.loc["18-29", "kvinne"] == 3  # input not mutated


def test_suppress_nothing_when_all_large():
    table = pd.DataFrame({"a": [10, 20], "b": [30, 40]})
    out = suppress_small(table)
    assert not out.isna().any().any()


def test_threshold_is_configurable():
    table = pd.DataFrame({"a": [7, 20], "b": [30, 40]})
    assert not suppress_small(table, 5).isna().any().any()
    assert suppress_small(table, 10).isna().any().any()


def test_mask_shape_and_labels():
    table = pd.DataFrame({"a": [3, 20], "b": [30, 40]}, index=["x", "y"])
    mask = suppression_mask(table)
    assert list(mask.index) == ["x", "y", "Totalt"] and list(mask.columns) == ["a", "b", "Totalt"]
    labelled = label_suppressed(suppress_small(table))
    assert labelled.loc["x", "a"] == "skjult"
    assert labelled.loc["Totalt", "Totalt"] == "93"


def test_n_label():
    assert n_label(4) == "færre enn 5"
    assert n_label(5) == "5"
    assert n_label(2, threshold=3) == "færre enn 3"
    assert n_label(pd.NA) == "færre enn 5"
    assert n_label(1287) == "1 287"


def test_suppress_groups_primary_and_complementary():
    df = pd.DataFrame(
        {"gruppe": ["kvinne", "mann", "annet"], "n": [60, 40, 2], "andel": [0.5, 0.4, 1.0], "lav": [0.4, 0.3, 0.2]}
    )
    out = suppress_groups(df)
    assert out["suppressed"].tolist() == [False, True, True]  # "annet" < 5, "mann" hidden as complement
    assert out.loc[out["suppressed"], ["andel", "lav"]].isna().all().all()
    assert out["n"].isna().tolist() == [False, True, True]
    assert df["andel"].tolist() == [0.5, 0.4, 1.0]  # not mutated
    # without complements only the small group is hidden
    assert suppress_groups(df, complementary=False)["suppressed"].tolist() == [False, False, True]
    # two small groups hide each other: no complement needed
    df2 = df.assign(n=[60, 3, 2])
    assert suppress_groups(df2)["suppressed"].tolist() == [False, True, True]


def test_min_cell_default():
    assert MIN_CELL == 5


def test_the_fewer_than_label_follows_the_threshold_used() -> None:
    from analysis.goals.text import about_the_numbers
    from analysis.profile import load_profile
    from analysis.survey.text import profile_caption, share_intervals

    assert privacy.fewer_than(5) == "færre enn 5" and privacy.fewer_than(10) == "færre enn 10"
    assert privacy.n_label(7, 10) == "færre enn 10" and privacy.n_label(12, 10) == "12"
    assert "færre enn 8" in profile_caption("alder", 8)
    assert share_intervals([float("nan"), 0.2], [float("nan"), 0.4], 8) == ["færre enn 8", "20–40 %"]
    assert "færre enn 3 personer" in about_the_numbers(3, load_profile())
