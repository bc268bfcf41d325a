"""The theme model (analysis.themes.ThemeModel): the package's arithmetic is scikit-learn's, the shipped model
is the one its training statements give, and it is combined with the codebook as documented."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis import themes
from analysis.errors import AnalysisError
from tools import train_theme_model as train

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "themes"


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory):
    """A model trained with scikit-learn on one gold set (v3), written as the tool writes the shipped one."""
    texts, labels = train.read_labelled(FIXTURES / "theme_gold_v3.csv")
    ids = list(themes.theme_labels())
    vectorizer, models = train.fit(texts, labels, ids)
    path = tmp_path_factory.mktemp("model") / "model.npz"
    train.write_model(path, vectorizer, models, ids, "test")
    return path, vectorizer, models


def test_the_package_computes_scikit_learns_probabilities(small_model) -> None:
    path, vectorizer, models = small_model
    texts, _ = train.read_labelled(FIXTURES / "theme_gold_v4.csv")  # text the model has not seen
    texts += ["", "Tiltak:", "ÆØÅ æøå!!", "x" * 300]
    ours = themes.load_model(str(path)).probabilities(texts)
    theirs = np.column_stack([m.predict_proba(vectorizer.transform(texts))[:, 1] for m in models])
    assert ours.shape == (len(texts), 12)
    assert np.abs(ours - theirs).max() < 1e-9


def test_the_tool_writes_the_same_bytes_for_the_same_statements(small_model, tmp_path: Path) -> None:
    path, vectorizer, models = small_model
    again = tmp_path / "again.npz"
    train.write_model(again, vectorizer, models, list(themes.theme_labels()), "test")
    assert again.read_bytes() == path.read_bytes()


def test_the_shipped_model_was_trained_on_the_shipped_statements() -> None:
    """Changing a training file (or a gold set it learns from) without retraining fails here."""
    with np.load(themes.MODEL_PATH, allow_pickle=False) as npz:
        trained_on = str(npz["trained_on"][0])
    assert trained_on == train.training_hash(train.training_files()), "run tools/train_theme_model.py"
    model = themes.load_model()
    assert model.themes == tuple(themes.theme_labels())
    assert 0 < model.keep < model.add < 1
    assert not any(f.name == "theme_gold_v10.csv" for f in train.training_files()), "v10 is the blind test"


def test_the_model_checks_and_completes_the_codebook() -> None:
    """The documented rule: a codebook hit stays at p ≥ keep; a theme is added at p ≥ add unless the codebook's
    negative keywords rule it out in the text; fragments under three words are the codebook's alone."""
    texts = [
        "Husleia er alt for høy for unge",
        "Vi treffes på butikken hver dag",
        "Seksåringen sitter over en time på bussen hver vei",
        "Flere kvinner må flytte hit",
        "IT-tjenester",
        "Billige tomter",
        "",
        None,
    ]
    hybrid = themes.code_themes(texts)
    alone = themes.code_themes(texts, model=False)
    model = themes.load_model()
    coder = themes._coder(None)
    for text, got, hits in zip(texts[:4], hybrid, alone):
        p = model.probabilities([text])[0]
        short = len(text.split()) < themes.MODEL_VETO_MIN_WORDS  # a short note: the model only adds
        want = {t for t in hits if short or p[model.themes.index(t)] >= model.keep}
        want |= {t for t, q in zip(model.themes, p) if q >= model.add} - set(hits) - coder.ruled_out(text)
        assert got == tuple(sorted(want)), text
    assert "tilgjengelighet_likestilling" in coder.ruled_out(texts[3])
    assert "tilgjengelighet_likestilling" not in hybrid[3]  # demography (R11), whatever the model says
    assert hybrid[4:6] == alone[4:6] == [("digital_infrastruktur",), ("bolig",)]
    assert hybrid[6:] == [(), ()]
    notes = ["Vedlikeholde grendehuset i Heggeriset", "Bygge en skatepark ved skolen"]  # flip-chart notes
    assert all(set(a) <= set(h) for a, h in zip(themes.code_themes(notes, model=False), themes.code_themes(notes)))
    assert "kultur_fritid" in themes.code_themes(notes)[1]


def test_a_codebook_with_other_themes_is_used_alone(tmp_path: Path) -> None:
    book = tmp_path / "egne_tema.yaml"
    book.write_text('themes:\n  fisk:\n    label: Fiske\n    keywords: ["fisk*"]\n', encoding="utf-8")
    assert themes.code_themes(["Fiskebruket må åpne igjen", "Bolig"], str(book)) == [("fisk",), ()]


def test_a_broken_model_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(AnalysisError, match="theme model") as err:
        themes.load_model(str(bad))
    assert "model.npz" in str(err.value)
    partial = tmp_path / "partial.npz"
    np.savez(partial, themes=np.array(["bolig"]))
    with pytest.raises(AnalysisError, match="incomplete"):
        themes.load_model(str(partial))
