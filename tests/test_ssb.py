"""Tests for analysis.population.snapshot and .fetch: reading snapshots, code mapping and (below) the PxWebApi v2 fetcher."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError
from analysis.population import snapshot
from conftest import ssb_snapshot_dir

SSB_DIR = ssb_snapshot_dir()
needs_snapshot = pytest.mark.skipif(SSB_DIR is None, reason="no SSB snapshot (data/raw/ssb or ANALYSIS_SSB_DIR)")
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ssb"


def write_tiny_snapshot(folder: Path, population_text: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if population_text is None:
        population_text = (
            "region,year,sex,age,population\n"
            "0301,2024,female,0,10\n0301,2024,male,105,2\n3425,2024,female,30,7\n0,2024,male,40,100\n"
        )
    with gzip.open(folder / snapshot.POPULATION_FILE, "wt", encoding="utf-8") as fh:
        fh.write(population_text)
    (folder / snapshot.REGIONS_FILE).write_text(
        "region,name,type,county\n0,Norge-Noreg-Norway,land,\n03,Oslo-Oslove,fylke,\n"
        "0301,Oslo-Oslove,kommune,03\n3425,Engerdal,kommune,34\n3449,Sør-Aurdal,kommune,34\n",
        encoding="utf-8",
    )
    (folder / snapshot.REGION_CHANGES_FILE).write_text(
        "old_region,region,weight,first_year,last_year\n0434,3425,1.0,1940,2019\n"
        "0999,0301,0.25,2000,2019\n0999,3425,0.75,2000,2019\n",
        encoding="utf-8",
    )
    return folder


def test_read_population_dtypes_and_leading_zeros(tmp_path):
    folder = write_tiny_snapshot(tmp_path / "snap")
    pop = snapshot.read_population(folder)
    assert list(pop.columns) == ["region", "year", "sex", "age", "population"]
    assert pop["region"].tolist() == ["0301", "0301", "3425", "0"]
    assert pop["year"].dtype == "int64" and pop["age"].dtype == "int64" and pop["population"].dtype == "int64"
    assert isinstance(pop["sex"].dtype, pd.CategoricalDtype)
    assert list(pop["sex"].cat.categories) == ["female", "male"]
    # cached copy: mutating the result does not change the next read
    pop.loc[0, "population"] = -1
    assert snapshot.read_population(folder)["population"].iloc[0] == 10
    assert snapshot.read_population(folder, regions=["3425"])["population"].tolist() == [7]


def test_codes_that_lost_their_leading_zero_get_it_back(tmp_path):
    folder = write_tiny_snapshot(
        tmp_path / "snap", "region,year,sex,age,population\n301,2024,female,1,3\n3,2024,male,1,4\n0,2024,male,1,5\n"
    )
    assert snapshot.read_population(folder)["region"].tolist() == ["0301", "03", "0"]


def test_a_changed_file_is_read_again(tmp_path):
    folder = write_tiny_snapshot(tmp_path / "snap")
    assert snapshot.read_population(folder)["population"].sum() == 119
    write_tiny_snapshot(folder, "region,year,sex,age,population\n3425,2025,male,1,1\n")
    os.utime(folder / snapshot.POPULATION_FILE, ns=(1, 1))
    assert snapshot.read_population(folder)["population"].sum() == 1


def test_missing_folder_and_file_are_clear_errors(tmp_path):
    with pytest.raises(AnalysisError, match="does not exist.*fetch-ssb"):
        snapshot.read_population(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(AnalysisError, match="no population_by_age.csv.gz"):
        snapshot.read_population(tmp_path / "empty")
    assert snapshot.missing_files(tmp_path / "empty") == [snapshot.POPULATION_FILE, snapshot.REGIONS_FILE]
    message = snapshot.availability_message("3425", tmp_path / "nowhere")
    assert "Befolkningstallene fra SSB mangler" in message and str(tmp_path) not in message  # no local path
    assert "mangler" in snapshot.availability_message("3425", tmp_path / "empty")


def test_broken_population_files_are_clear_errors(tmp_path):
    folder = write_tiny_snapshot(tmp_path / "a", "region,year,sex,age\n3425,2024,female,1\n")
    with pytest.raises(AnalysisError):
        snapshot.read_population(folder)
    folder = write_tiny_snapshot(tmp_path / "b", "region,year,sex,age,population\n3425,2024,kvinne,1,1\n")
    with pytest.raises(AnalysisError, match="unknown sex"):
        snapshot.read_population(folder)
    folder = tmp_path / "c"
    write_tiny_snapshot(folder)
    (folder / snapshot.POPULATION_FILE).write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(AnalysisError, match="could not read"):
        snapshot.read_population(folder)


def test_regions_and_names(tmp_path):
    folder = write_tiny_snapshot(tmp_path / "snap")
    regions = snapshot.read_regions(folder)
    assert regions["region"].tolist()[:3] == ["0", "03", "0301"]
    assert snapshot.region_name("0", regions) == "Norge"
    assert snapshot.region_name("0301", regions) == "Oslo"
    assert snapshot.region_name("3449", regions) == "Sør-Aurdal"
    # the report also needs national mortality and fertility
    assert "mangler norway_mortality_by_age.csv, norway_fertility_by_age.csv" in snapshot.availability_message(
        "3425", folder
    )
    (folder / snapshot.MORTALITY_FILE).write_text("year,sex,age,deaths,exposure_population,death_rate\n", "utf-8")
    (folder / snapshot.FERTILITY_FILE).write_text("year,age,births_per_woman\n", "utf-8")
    assert snapshot.availability_message("3425", folder) is None
    assert "finnes ikke" in snapshot.availability_message("1234", folder)


def test_map_regions_renumbers_and_splits_with_weights(tmp_path):
    changes = snapshot.read_region_changes(write_tiny_snapshot(tmp_path / "snap"))
    frame = pd.DataFrame(
        {
            "region": ["0434", "0434", "3425", "0999", "0301"],
            "year": [2019, 2019, 2020, 2019, 2019],
            "sex": ["female", "male", "female", "female", "female"],
            "population": [600, 686, 620, 400, 1000],
        }
    )
    out = snapshot.map_regions(frame, changes)
    got = {(r.region, r.year, r.sex): r.population for r in out.itertuples()}
    assert got[("3425", 2019, "female")] == 600 + 300
    assert got[("3425", 2019, "male")] == 686
    assert got[("0301", 2019, "female")] == 1100
    assert got[("3425", 2020, "female")] == 620
    assert out["population"].sum() == frame["population"].sum()
    assert "0434" not in set(out["region"])
    # a code is only "old" within its years
    late = pd.DataFrame({"region": ["0434"], "year": [2021], "sex": ["female"], "population": [5]})
    assert snapshot.map_regions(late, changes)["region"].tolist() == ["0434"]


@needs_snapshot
def test_real_snapshot_reads_fast_enough_and_is_complete():
    pop = snapshot.read_population()
    assert len(pop) > 1_500_000
    assert pop["region"].nunique() == 373
    assert pop["age"].max() == 105
    eng = pop[pop["region"] == "3425"].groupby("year")["population"].sum()
    assert eng.loc[2005] == 1499 and eng.loc[2026] == 1287
    regions = snapshot.read_regions()
    assert (regions["type"] == "kommune").sum() == 357
    assert {"3424", "3417", "3449"} <= set(regions["region"])


@needs_snapshot
def test_projections_map_old_codes():
    proj = snapshot.read_projections()
    assert "3425" in set(proj["region"])
    assert "0434" not in set(proj["region"])
    eng = proj[(proj["region"] == "3425") & (proj["year"] == 2024)]
    assert eng["population"].iloc[0] == 1165


@needs_snapshot
def test_mortality_and_fertility_tables():
    mort = snapshot.read_mortality()
    fert = snapshot.read_fertility()
    assert mort["year"].max() == 2023 and fert["year"].max() == 2022
    tfr = fert[fert["year"] == 2020]["births_per_woman"].sum()
    assert tfr == pytest.approx(1.48, abs=0.01)


# --------------------------------------------------------------------------- fetcher (mocked HTTP)


def changes_file(tmp_path: Path) -> Path:
    path = tmp_path / "region_changes.csv"
    path.write_text(
        "old_region,region,weight,first_year,last_year\n0434,3425,1.0,1940,2019\n"
        "0432,3424,1.0,1940,2019\n04,34,1.0,1940,2019\n",
        encoding="utf-8",
    )
    return path


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 5000), min_size=4, max_size=4),
    share=st.floats(0.0, 1.0),
    year=st.integers(2015, 2024),
)
def test_map_regions_keeps_the_total_and_removes_old_codes_in_their_years(counts, share, year):
    changes = pd.DataFrame(
        {
            "old_region": ["0434", "0999", "0999"],
            "region": ["3425", "0301", "3425"],
            "weight": [1.0, share, 1.0 - share],
            "first_year": [1940, 2000, 2000],
            "last_year": [2019, 2019, 2019],
        }
    )
    frame = pd.DataFrame({"region": ["0434", "0999", "3425", "0301"], "year": year, "population": counts})
    out = snapshot.map_regions(frame, changes, value_columns=("population",))
    assert abs(int(out["population"].sum()) - sum(counts)) <= 1  # rounding of a split
    if year <= 2019:
        assert not {"0434", "0999"} & set(out["region"])
    else:
        assert set(out["region"]) == {"0434", "0999", "3425", "0301"}


def test_region_code_accepts_numbers_from_parameters():
    assert snapshot.region_code(3425) == "3425"
    assert snapshot.region_code(301) == "0301"
    assert snapshot.region_code("0") == "0"
    with pytest.raises(AnalysisError):
        snapshot.region_code("Engerdal")


@needs_snapshot
def test_residual_migration_matches_ssbs_registered_figures_for_engerdal():
    from analysis.population import migration

    pop = snapshot.read_population(regions=["3425"])
    mig = migration.residual_migration(pop, "3425", snapshot.read_mortality(), snapshot.read_fertility())
    check = migration.check_against_published(mig, snapshot.read_components(), "3425").set_index("year")
    assert check.loc[2012, "published"] == -6 and abs(check.loc[2012, "difference"]) < 3
    assert list(check.index) == list(range(2005, 2020))  # SSB's 06913 net migration 2005–2019
    assert check["difference"].abs().mean() < 8


def test_components_file_is_read_with_missing_figures_kept_missing(tmp_path):
    folder = tmp_path / "ssb"
    folder.mkdir()
    (folder / snapshot.COMPONENTS_FILE).write_text(
        "region,year,pop_start,births,deaths,natural_increase,in_migration,out_migration,net_migration,source\n"
        "434,2012,1390,10,18,-8,104,110,-6,SSB\n3425,2019,1286,,,-6,,,-13,SSB 06913\n",
        encoding="utf-8",
    )
    comp = snapshot.read_components(folder).set_index(["region", "year"])
    assert comp.loc[("0434", 2012), "net_migration"] == -6  # leading zero restored
    assert pd.isna(comp.loc[("3425", 2019), "births"]) and comp.loc[("3425", 2019), "natural_increase"] == -6
    assert snapshot.read_components(tmp_path / "nowhere").empty


def test_last_year_totals_come_from_the_parquet_metadata_and_match_a_scan(tmp_path):
    """The parquet writer stores each region's last-year total; the reader uses it only while it describes the
    file (same rows, same last year), else scans. Either way the totals are the scan's."""
    frame = pd.DataFrame(
        {
            "region": ["0301", "0301", "3425", "3425", "3425", "0"],
            "year": [2024, 2025, 2024, 2025, 2025, 2025],
            "sex": ["female", "male", "female", "female", "male", "male"],
            "age": [0, 1, 30, 30, 31, 40],
            "population": [10, 4, 7, 8, 9, 100],
        }
    )
    folder = write_tiny_snapshot(tmp_path / "snap")
    (folder / snapshot.POPULATION_FILE).unlink()
    path = snapshot.write_population_parquet(frame, folder / snapshot.POPULATION_PARQUET)
    expected = {"0": 100.0, "0301": 4.0, "3425": 17.0}
    stored = pq.read_metadata(path).metadata[snapshot.TOTALS_KEY.encode()]
    assert b'"year":2025' in stored and b'"rows":6' in stored
    snapshot.clear_cache()
    assert snapshot._last_year_totals(path) == expected
    assert snapshot.latest_totals(ssb_dir=folder) == {"0301": 4.0, "3425": 17.0}

    # a file changed by another tool that kept the metadata but not the rows: the stored totals are ignored
    table = pq.read_table(path)
    changed = pa.concat_tables([table, table.slice(4, 1)])  # 3425, 2025, female 30 (8) once more: 7 rows
    pq.write_table(changed.replace_schema_metadata(table.schema.metadata), path)
    assert snapshot._last_year_totals(path) == {**expected, "3425": 25.0}
    # without the metadata (pandas, or an older snapshot): scanned
    pq.write_table(table.replace_schema_metadata(None), path)
    assert snapshot._last_year_totals(path) == expected
    # the same number of rows, but the last row moved to a later year (old metadata kept): the year differs
    later = pa.concat_tables([table.slice(0, 5), table.slice(5, 1).set_column(1, "year", pa.array([2026], pa.int16()))])
    pq.write_table(later.replace_schema_metadata(table.schema.metadata), path)
    assert snapshot._last_year_totals(path) == {"3425": 9.0}


@pytest.mark.skipif(ssb_snapshot_dir() is None, reason="needs the SSB snapshot")
def test_the_old_number_named_as_example_is_the_municipalitys_own() -> None:
    """«gamle kommunenummer, som 1142 Stavanger» named Rennesøy, merged into Stavanger in 2020 (found with
    other municipalities); a number is named only where the municipality has exactly one earlier number."""
    from analysis.population.snapshot import former_code

    assert former_code("3425") == "0434"  # Engerdal: renumbered in 2020, nothing merged in
    for region in ("1103", "5001", "3203", "5503"):  # Stavanger, Trondheim, Asker, Harstad: several old numbers
        assert former_code(region) is None, region
