"""Tests for analysis.population.migration: the residual method recovers a planted migration profile."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _ssb_helpers import synthetic_pop
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError
from analysis.population import cohort, sections
from analysis.population import migration as mg
from analysis.population import text as ptext
from analysis.population.cohort import SEXES
from conftest import ssb_snapshot_dir

N = cohort.N_AGES


def planted_profile() -> np.ndarray:
    """Young women leave, young families and pensioners arrive; no migration at age 0."""
    M = np.zeros((2, N))
    ages = np.arange(N)
    M[0] = -3 * np.exp(-(((ages - 21) / 3) ** 2)) + 1.5 * np.exp(-(((ages - 35) / 6) ** 2))
    M[1] = -2 * np.exp(-(((ages - 23) / 3) ** 2)) + 1.0 * np.exp(-(((ages - 62) / 4) ** 2))
    M[:, 0] = 0
    return M


def test_residual_method_recovers_a_planted_profile_and_fertility_factor():
    M = planted_profile()
    pop, mort, fert, _ = synthetic_pop(migration=M, scale=0.8)
    mig = mg.residual_migration(pop, "9999", mort, fert)
    assert list(mig.columns) == ["year", "sex", "age", "net"]
    assert sorted(mig["year"].unique()) == list(range(2011, 2021))
    for _year, grp in mig.groupby("year"):
        got = grp.pivot_table(index="sex", columns="age", values="net", observed=True).to_numpy()
        np.testing.assert_allclose(got, M, atol=1e-8)
    P = cohort.population_array(pop, ["9999"], range(2010, 2021))[:, 0]
    res = mg.residual_arrays(P, list(range(2010, 2021)), mort, fert)
    assert mg.fertility_factor(res) == pytest.approx(0.8, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), level=st.floats(-0.5, 3.0))
def test_residual_then_projection_roundtrips(seed, level):
    rng = np.random.default_rng(seed)
    M = rng.normal(level, 0.3, size=(2, N))
    M[:, 0] = 0
    pop, mort, fert, arr = synthetic_pop(years=range(2010, 2014), seed=seed, migration=M)
    if (arr < 1e-12).any():  # clipping at zero makes the model world non-linear; skip those draws
        return
    res = mg.residual_arrays(arr, list(range(2010, 2014)), mort, fert)
    np.testing.assert_allclose(res.net, np.broadcast_to(M, res.net.shape), atol=1e-7)


def test_net_by_period_sums_bands_over_five_year_periods():
    M = planted_profile()
    pop, mort, fert, _ = synthetic_pop(years=range(2010, 2021), migration=M)
    mig = mg.residual_migration(pop, "9999", mort, fert)
    table = mg.net_by_period(mig)
    assert list(table["period"].unique()) == ["2010–2014", "2015–2019"]
    women_20_29 = table[(table["sex"] == "female") & (table["band"] == "20–29 år")]
    np.testing.assert_allclose(women_20_29["net"], 5 * M[0, 20:30].sum(), atol=1e-6)
    assert np.isclose(table["net"].sum(), 10 * M.sum())
    yearly = mg.yearly_net(mig)
    np.testing.assert_allclose(yearly["total"], M.sum(), atol=1e-6)


def test_needs_two_consecutive_years():
    pop, mort, fert, _ = synthetic_pop(years=range(2010, 2011))
    with pytest.raises(AnalysisError):
        mg.residual_migration(pop, "9999", mort, fert)
    with pytest.raises(AnalysisError):
        mg.residual_arrays(np.zeros((2, 2, N)), [2010, 2015], mort, fert)


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="no SSB snapshot (data/raw/ssb or ANALYSIS_SSB_DIR)")
def test_engerdal_residuals_add_up_to_the_population_change():
    from analysis.population import snapshot

    pop = snapshot.read_population(regions=["3425"])
    mig = mg.residual_migration(pop, "3425", snapshot.read_mortality(), snapshot.read_fertility())
    yearly = mg.yearly_net(mig).set_index("year")["total"]
    totals = pop.groupby("year")["population"].sum()
    # Net migration = change minus natural change; natural change in Engerdal is small and negative.
    natural = totals.diff().dropna() - yearly
    assert (natural.abs() < 40).all()
    assert natural.mean() < 5


def test_summary_and_headline_state_the_biggest_loss():
    M = planted_profile()
    pop, mort, fert, _ = synthetic_pop(years=range(2010, 2021), migration=M)
    table = mg.net_by_period(mg.residual_migration(pop, "9999", mort, fert))
    assert (
        ptext.headline(table, "Testby")
        == "Testby mistet flest kvinner 20–29 år ved flytting i 2015–2019, som i 2010–2014"
    )
    assert "Størst netto tap: kvinner 20–29 år" in ptext.summary_sentence(table)
    # «som i» only when the earlier period's biggest loss was the same band *and* sex (Herøy: men there, women now)
    first = table["first_year"] == table["first_year"].min()
    women = first & (table["sex"] == "female") & (table["band"] == "20–29 år")
    men = first & (table["sex"] == "male") & (table["band"] == "20–29 år")
    swapped = table.copy()
    swapped.loc[men, "net"] = table.loc[women, "net"].to_numpy() - 50
    assert ptext.headline(swapped, "Testby") == "Testby mistet flest kvinner 20–29 år ved flytting i 2015–2019"


def _net_by_period_reference(mig: pd.DataFrame, bands=mg.DEFAULT_BANDS, period_length: int = 5) -> pd.DataFrame:
    """``net_by_period`` as it was written with a pandas filter per period, sex and band (the numpy version must
    give the same frame, to the last bit)."""
    end_years = np.sort(mig["year"].unique())
    last = int(end_years[-1])
    rows = []
    for k in range(len(end_years) // period_length):
        hi_end = last - k * period_length
        lo_end = hi_end - period_length + 1
        sub = mig[(mig["year"] >= lo_end) & (mig["year"] <= hi_end)]
        for sex in SEXES:
            ss = sub[sub["sex"].astype(str) == sex]
            for lo, hi in bands:
                m = ss["age"] >= lo
                if hi is not None:
                    m &= ss["age"] <= hi
                rows.append(
                    {
                        "period": mg.period_label(lo_end - 1, hi_end - 1),
                        "first_year": lo_end - 1,
                        "last_year": hi_end - 1,
                        "sex": sex,
                        "band": mg.short_band_label(lo, hi),
                        "lo": lo,
                        "net": float(ss.loc[m, "net"].sum()),
                    }
                )
    out = pd.DataFrame(rows, columns=["period", "first_year", "last_year", "sex", "band", "lo", "net"])
    return out.sort_values(["first_year", "sex", "lo"]).reset_index(drop=True)


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="needs the SSB snapshot")
@pytest.mark.parametrize("code", ["3425", "0301", "1144", "5001"])
def test_net_by_period_sums_exactly_as_pandas_did(code: str) -> None:
    mig = sections.load(code, None, backtest_from=2016, horizon=2050).migration
    for bands, length in ((mg.DEFAULT_BANDS, 5), (((0, 9), (10, 19), (20, None)), 3)):
        pd.testing.assert_frame_equal(
            mg.net_by_period(mig, bands, length), _net_by_period_reference(mig, bands, length), check_exact=True
        )
    gaps = mig.assign(net=mig["net"].mask(mig["age"] % 7 == 0))  # a missing estimate is skipped, as pandas does
    pd.testing.assert_frame_equal(mg.net_by_period(gaps), _net_by_period_reference(gaps), check_exact=True)


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="needs the SSB snapshot")
def test_the_period_chart_shows_each_net_figure_once_where_pandas_put_it() -> None:
    """Each panel's bars are that period's figures per age band, women then men, as a pandas filter and reindex
    per period and sex gave them (a band a period lacks is a gap, not a zero); a figure given twice is an error."""
    from analysis.population import plots

    table = sections.load("3425", None, backtest_from=2016, horizon=2050).periods
    table = table[~((table["first_year"] == table["first_year"].min()) & (table["lo"] == 0))]  # one band missing
    fig = plots.plot_net_by_period(table, "Netto flytting")
    bands = list(dict.fromkeys(table.sort_values("lo")["band"]))
    for ax, period in zip(fig.axes, dict.fromkeys(table["period"])):
        sub = table[table["period"] == period]
        for sex, bars in zip(("female", "male"), ax.containers):
            expected = sub[sub["sex"] == sex].set_index("band").reindex(bands)["net"].to_numpy()
            np.testing.assert_array_equal([b.get_height() for b in bars], expected)
    oldest = fig.axes[0]  # the first panel is the oldest period, whose youngest band was taken out
    assert np.isnan(oldest.containers[0][0].get_height()) and np.isnan(oldest.containers[1][0].get_height())
    with pytest.raises(ValueError, match="given twice"):
        plots.plot_net_by_period(pd.concat([table, table.iloc[[0]]]), "Netto flytting")


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="needs the SSB snapshot")
@pytest.mark.parametrize("region", ["1856", "3101", "3425"])  # Røst and Halden (estimated years), Engerdal
def test_the_components_sentences_add_up_the_rows_of_the_table_below_them(region: str) -> None:
    """Found on Røst's page: «15 flere flyttet inn enn ut, og 4 flere døde» above rows that add up to 14 and 3."""
    import re

    r = sections.load(region, None, backtest_from=2016, horizon=2050)
    comp = mg.whole_people(r.components)
    table = ptext.components_table(comp).set_index("År")
    estimated = table[table["Tall"] == "Beregnet"]  # registered years are SSB's own figures, kept as published
    assert (estimated["Fødselsoverskudd"] + estimated["Netto innflytting"] == estimated["Endring"]).all()
    sentences = ptext.components_sentences(comp, r.name)
    assert sentences
    for sentence in sentences:
        start, end = map(int, re.search(r"Fra 1\. januar (\d{4}) til (\d{4})", sentence).groups())
        rows = table.loc[[str(y) for y in range(start, end)]]
        net, natural = rows["Netto innflytting"].sum(), rows["Fødselsoverskudd"].sum()
        moved = re.search(r"(\d+) flere flyttet (inn enn ut|ut enn inn)", sentence)
        born = re.search(r"(\d+) flere (ble født enn døde|døde enn ble født)", sentence)
        assert (int(moved[1]) * (1 if moved[2] == "inn enn ut" else -1) if moved else 0) == net, (sentence, rows)
        assert (int(born[1]) * (1 if born[2] == "ble født enn døde" else -1) if born else 0) == natural, (
            sentence, rows)  # fmt: skip
    # and the sentences speak of the same rows the section shows
    shown = " ".join(str(getattr(o, "data", o)) for o in sections.components(r))
    assert all(s in shown for s in sentences)


def test_whole_people_keeps_each_estimated_year_adding_up_and_registered_years_as_published() -> None:
    comp = pd.DataFrame(
        {
            "year": [2023, 2024, 2025],
            "change": [5.0, -2.0, 13.0],
            "natural": [-3.0, -1.6, -1.4],
            "net_migration": [7.0, -0.4, 14.4],
            "registered": [True, False, False],
        }
    )
    out = mg.whole_people(comp)
    assert out["natural"].tolist() == [-3.0, -2.0, -1.0] and out["net_migration"].tolist() == [7.0, 0.0, 14.0]
    assert (out.loc[1:, "natural"] + out.loc[1:, "net_migration"] == out.loc[1:, "change"]).all()
    assert str(out.loc[1, "net_migration"]) == "0.0"  # no negative zero to print as «−0»
    assert comp["natural"].tolist() == [-3.0, -1.6, -1.4]  # the input is left as it was


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="needs the SSB snapshot")
@pytest.mark.parametrize("region", ["1515", "3422", "5634", "3425"])  # Herøy, Åmot, Vardø, Engerdal
def test_the_migration_sentence_adds_up_the_table_below_it(region: str) -> None:
    """Found with other municipalities: «flyttet netto 142 inn, 73 av dem kvinner» above columns adding up to 140
    and 72 (each band rounded on its own)."""
    import re

    r = sections.load(region, None, backtest_from=2016, horizon=2050)
    table = ptext.migration_table(r.periods)
    period = r.periods.loc[r.periods["first_year"] == r.periods["first_year"].max(), "period"].iloc[0]
    women, men = table[f"{period} kvinner"].sum(), table[f"{period} menn"].sum()
    sentence = ptext.summary_sentence(r.periods)
    moved = re.search(r"flyttet netto ([\d ]+) personer? (inn|ut)", sentence.replace("\u00a0", " "))
    assert moved, sentence
    total = int(moved[1].replace(" ", "")) * (1 if moved[2] == "inn" else -1)
    assert total == women + men, (sentence, women, men)
    exact = mg.net_by_period(r.migration)
    assert total == round(exact.loc[exact["period"] == period, "net"].sum())  # the period's own rounded total
    if (of := re.search(r"([\d ]+) av dem kvinner", sentence)) is not None:
        assert int(of[1].replace(" ", "")) == abs(women), (sentence, women)
    assert (r.periods["net"] == r.periods["net"].round()).all()


def test_whole_periods_keep_each_periods_total_and_the_womens() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        t = pd.DataFrame(
            {
                "period": np.repeat(["a", "b"], 14),
                "sex": np.tile(np.repeat(["female", "male"], 7), 2),
                "net": rng.normal(0, 6, 28),
            }  # fmt: skip
        )
        out = mg.whole_periods(t)
        assert (out["net"] == out["net"].round()).all()
        assert ((out["net"] - t["net"]).abs() <= 1).all()  # no band moves by more than one person
        for period, grp in t.groupby("period"):
            got = out.loc[grp.index]
            assert got["net"].sum() == round(grp["net"].sum()), period
            women = grp["sex"] == "female"
            assert got.loc[women, "net"].sum() == round(grp.loc[women, "net"].sum()), period


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="needs the SSB snapshot")
@pytest.mark.parametrize("region", ["3449", "1856", "3101"])  # Sør-Aurdal, Røst, Halden: estimated recent years
def test_the_components_headline_and_the_migration_section_give_the_same_five_years(region: str) -> None:
    """Sør-Aurdal's page said «−6 fra flytting» (2021–2026) in one heading and «flyttet netto 5 personer ut»
    (2021–2025, the same moves) in the next section."""
    import re

    r = sections.load(region, None, backtest_from=2016, horizon=2050)
    comp = mg.whole_people(r.components)
    assert not comp.tail(5)["registered"].any()
    head = ptext.components_headline(comp)
    from_moves = int(re.search(r"([+−]?\d[\d ]*) fra flytting", head)[1].replace("−", "-").replace(" ", ""))
    period = r.periods[r.periods["first_year"] == r.periods["first_year"].max()]
    assert from_moves == period["net"].sum(), (head, ptext.summary_sentence(r.periods))
