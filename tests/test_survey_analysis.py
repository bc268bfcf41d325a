"""Tests for analysis.survey.analysis / plots and the "Bolyst og flytting" notebook."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.report import style
from analysis.survey import analysis as sa
from analysis.survey import plots as sp
from analysis.survey import text as stext
from analysis.survey.codebook import load_codebook
from analysis.weighting import weighted_mean
from conftest import REPO

CB = load_codebook()


def _frame(n_res: int = 60, n_out: int = 40, seed: int = 1) -> pd.DataFrame:
    """A small cleaned-responses frame built directly (no files), with random weights."""
    rng = np.random.default_rng(seed)
    n = n_res + n_out
    df = pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(n)],
            "status": pd.array(["resident"] * n_res + ["out_mover"] * n_out, dtype="string"),
            "gender": pd.array(rng.choice(["female", "male"], n), dtype="string"),
            "age_band": pd.array(rng.choice(CB.band_labels(), n), dtype="string"),
            "village": pd.array(rng.choice(["sentrum", "drevsjo"], n), dtype="string"),
            "in_scope": True,
            "weight": np.r_[rng.uniform(0.5, 3, n_res), np.ones(n_out)],
            "move_plans": pd.array(list(rng.choice(["yes", "maybe", "no"], n_res)) + [None] * n_out, dtype="string"),
            "left_reasons": pd.array(
                [None] * n_res + list(rng.choice(["work", "work;education", "housing"], n_out)), dtype="string"
            ),
            "recommend": pd.array(rng.integers(0, 11, n), dtype="Int64"),
            "text_best": pd.array(["Naturen og fjellet"] * n, dtype="string"),
            "text_improve": pd.array(["Flere utleieboliger"] * (n // 2) + [None] * (n - n // 2), dtype="string"),
        }
    )
    for q in [CB["sat_overall"], *CB.satisfaction_items()]:
        df[q.id] = pd.array(rng.integers(1, 6, n), dtype="Int64")
    return df


def test_satisfaction_matches_independent_weighted_mean():
    df = _frame()
    t = sa.satisfaction_by_item(df)
    res = df[df["status"] == "resident"]
    row = t[t["item"] == "sat_jobs"].iloc[0]
    y = res["sat_jobs"].astype(float).to_numpy()
    w = res["weight"].to_numpy()
    assert row["mean"] == pytest.approx((w * y).sum() / w.sum())
    assert row["satisfied"] == pytest.approx((w * (y >= 4)).sum() / w.sum())
    assert row["mean_lower"] < row["mean"] < row["mean_upper"]
    assert row["n"] == len(res)
    assert set(t["item"]) == {"sat_overall", *[q.id for q in CB.satisfaction_items()]}


def test_small_groups_are_suppressed_with_complement():
    df = _frame()
    # only 3 resident women
    res_idx = df.index[df["status"] == "resident"]
    df.loc[res_idx, "gender"] = "male"
    df.loc[res_idx[:3], "gender"] = "female"
    t = sa.satisfaction_by_item(df, "gender", order=["female", "male"], threshold=5)
    assert t["suppressed"].all()  # women < 5, men hidden as complement (2 groups)
    assert t[["mean", "mean_lower", "mean_upper", "satisfied"]].isna().all().all()
    wide = stext.satisfaction_table(t, stext.GENDER_LABELS)
    assert (wide[["Kvinner", "Menn"]] == "færre enn 5").all().all()
    # a third group lets the small one be hidden with its complement, the large one shown
    df.loc[res_idx[3:6], "gender"] = "other"
    t = sa.satisfaction_by_item(df, "gender", order=["female", "male", "other"], threshold=5)
    shown = t[~t["suppressed"]]
    assert set(shown["group"]) == {"male"}
    assert (t.loc[~t["suppressed"], "n"] >= 5).all()


def test_threshold_is_configurable():
    df = _frame(n_res=8, n_out=0)
    assert not sa.satisfaction_by_item(df, threshold=5)["suppressed"].any()
    assert sa.satisfaction_by_item(df, threshold=10)["suppressed"].all()


def test_drivers_and_stay_indicator():
    df = _frame(n_res=200, n_out=0, seed=4)
    # make overall satisfaction follow housing exactly
    df["sat_overall"] = df["sat_housing"]
    d = sa.drivers(df)
    assert d.iloc[0]["item"] == "sat_housing" and d.iloc[0]["importance_overall"] == pytest.approx(1.0)
    stay = sa.stay_indicator(df)
    assert set(stay.dropna().unique()) <= {0.0, 1.0}
    assert (stay[df["move_plans"] == "no"] == 1).all()


def test_move_intentions_sum_to_one_and_suppress():
    df = _frame(n_res=80, n_out=0)
    m = sa.move_intentions(df)
    assert m["share"].sum() == pytest.approx(1.0)
    by = sa.move_intentions(df, "age_band", order=CB.band_labels())
    for _, g in by.groupby("group"):
        if not g["suppressed"].any():
            assert g["share"].sum() == pytest.approx(1.0)
    df.loc[df["age_band"] == "18–24", "age_band"] = "25–29"
    df.loc[df.index[:2], "age_band"] = "18–24"
    by = sa.move_intentions(df, "age_band", order=CB.band_labels())
    assert by.loc[by["group"] == "18–24", "suppressed"].all()
    assert by.loc[by["group"] == "18–24", "share"].isna().all()


def test_option_shares_unweighted_out_movers():
    df = _frame()
    o = sa.option_shares(df, "left_reasons").set_index("code")
    answered = df.loc[df["status"] == "out_mover", "left_reasons"].dropna()
    assert o.loc["work", "share"] == pytest.approx(answered.str.contains("work").mean())
    assert o.loc["education", "share"] == pytest.approx(answered.str.contains("education").mean())
    small = _frame(n_res=5, n_out=3)
    assert sa.option_shares(small, "left_reasons")["suppressed"].all()


def test_recommendation_and_profile_table():
    df = _frame()
    r = sa.recommendation(df)
    res = df[df["status"] == "resident"]
    assert r["mean"]["estimate"] == pytest.approx(
        weighted_mean(res["recommend"].astype(float), res["weight"])["estimate"]
    )
    assert r["nps"] == pytest.approx(r["promoters"]["estimate"] - r["detractors"]["estimate"])
    df.loc[df.index[:2], "village"] = "elga"
    t = sa.profile_table(df, "village")
    assert "Elgå" in t.index
    shown = t.to_numpy(dtype=float, na_value=np.nan)
    assert np.nanmin(shown) >= 5


def test_text_themes_use_the_workshop_codebook():
    df = _frame()
    t = sa.text_themes(df).set_index("theme")
    assert t.loc["natur_friluftsliv", "share"] == pytest.approx(1.0)
    assert t.loc["bolig", "respondents"] == len(df) // 2
    cmp = sa.theme_comparison(t.reset_index(), None)
    assert cmp["workshop_share"].isna().all() and not cmp["both_top"].any()
    ws = pd.DataFrame({"theme": ["natur_friluftsliv", "bolig"], "share": [0.5, 0.4]})
    cmp = sa.theme_comparison(t.reset_index(), ws, top=2)
    assert set(cmp.loc[cmp["both_top"], "theme"]) == {"natur_friluftsliv", "bolig"}


def test_workshop_themes_unavailable_is_a_message(tmp_path):
    table, msg = sa.workshop_themes(tmp_path)
    if table is None:
        assert msg and isinstance(msg, str)
    else:  # the workshop module exists and found data
        assert {"theme", "share"} <= set(table.columns)


def test_findings_are_sentences():
    df = _frame(n_res=150, n_out=50)
    t = sa.satisfaction_by_item(df)
    assert stext.finding_satisfaction(t).startswith("Innbyggerne er mest fornøyde med")
    g = sa.satisfaction_by_item(df, "gender", order=["female", "male"])
    assert stext.finding_gender_gaps(g).endswith(".")
    assert "henger sterkest sammen" in stext.finding_drivers(sa.drivers(df), "Engerdal")
    assert "planlegger å flytte" in stext.finding_move(sa.move_intentions(df), "18–40")
    assert stext.finding_options(sa.option_shares(df, "left_reasons"), "reasons").startswith(
        "De vanligste grunnene til at utflytterne flyttet, er "
    )


def test_plots_have_titles_and_labels():
    df = _frame(n_res=150, n_out=50)
    figs = [
        sp.satisfaction_chart(sa.satisfaction_by_item(df, "gender", order=["female", "male"])),
        sp.drivers_chart(sa.drivers(df)),
        sp.move_chart(sa.move_intentions(df, "age_band", order=CB.band_labels()), title="Planer", ages="18–40"),
        sp.options_chart(sa.option_shares(df, "left_reasons"), xlabel="Andel"),
        sp.themes_chart(sa.theme_comparison(sa.text_themes(df), None)),
    ]
    for fig in figs:
        ax = fig.axes[0]
        assert style.title_of(fig) and ax.get_xlabel()


@pytest.mark.slow
def test_report_builds_from_illustrative_data(built_catalogue, tmp_path):
    """The notebook runs end to end on the illustrative data, shared (the session's build) and internal."""
    import nbformat

    def shown(path) -> str:
        nb = nbformat.read(path, as_version=4)
        return "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))

    html = shown(Path(built_catalogue["reports"]) / "bolyst-engerdal.ipynb")
    assert "Illustrative data" in html
    assert "Sitater fra fritekstsvarene vises bare i interne rapporter" in html
    assert html.count("<svg") >= 5 and '<title id="fig-' in html
    assert "912 34 567" not in html and "ola.nordmann" not in html
    # The internal variant (not shareable): quotes are shown, scrubbed. The notebook's quotes cell is
    # `display(*sections.quotes(...))`, so the section is called directly on the session's cleaned data.
    from analysis.survey import sections

    os.environ["ANALYSIS_PROCESSED_DIR"] = built_catalogue["processed"]
    internal = sections.load(min_cell=5, shareable=False, allow_quotes=False)
    html = "".join(item.data for item in sections.quotes(internal))
    assert "Eksempler på hva som må til" in html
    assert html.count("<li>") >= 3
    assert "912 34 567" not in html and "ola.nordmann" not in html and "Kari Nordmann" not in html
    assert "display(*sections.quotes(undersokelse))" in (REPO / "notebooks" / "bolyst.ipynb").read_text("utf-8")


def test_intervals_have_one_format() -> None:
    rec = {
        "mean": {"estimate": 7.25, "lower": 6.81, "upper": 7.69},
        "promoters": {"estimate": 0.45, "lower": 0.38, "upper": 0.52},
        "detractors": {"estimate": 0.2, "lower": 0.15, "upper": 0.26},
    }
    figures = stext.recommendation_figures(rec)
    assert figures == {
        "Snitt 0–10": "7,2 (6,8–7,7)",
        "Svarer 9 eller 10": "45 % (38–52 %)",
        "Svarer 0–6": "20 % (15–26 %)",
    }


def test_unweighted_reasons_are_told_apart():
    from analysis.survey import text as st

    missing = st.unweighted_reason({"error": "no population", "reason": "no_population"})
    other = st.unweighted_reason({"error": "no resident respondents aged 18–40 to weight", "reason": "not_weighted"})
    assert "befolkningstallene fra SSB manglet" in missing and "for få" not in missing
    assert "ikke kunne vektes" in other and "SSB manglet" not in other
    assert "for få svar" in st.too_few_answers(3, 5) and "færre enn 5" in st.too_few_answers(3, 5)


def test_survey_without_population_figures_is_shown_unweighted_not_as_too_few(tmp_path, monkeypatch):
    """Cleaned with no SSB snapshot: the answers are there, unweighted, and the page says why."""
    from analysis import cli
    from analysis.survey import sections

    monkeypatch.setenv("ANALYSIS_SSB_DIR", str(tmp_path / "no-ssb"))
    monkeypatch.setenv("ANALYSIS_PROCESSED_DIR", str(tmp_path / "processed"))
    assert cli.main(["clean", "--only", "survey"]) == 0
    report = sections.load(min_cell=5, shareable=True, allow_quotes=False)
    assert report.manifest["weighting"]["reason"] == "no_population"
    assert report.has_data and not report.weighted and len(report.residents) > 100
    shown = "".join(getattr(item, "data", "") for item in sections.intro(report))
    assert "ikke vektet fordi befolkningstallene fra SSB manglet" in shown
    assert "for få svar" not in shown
    satisfaction = "".join(getattr(item, "data", "") for item in sections.satisfaction(report))
    assert "<svg" in satisfaction  # estimates are shown (unweighted), not hidden as "too few answers"
