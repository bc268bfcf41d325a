"""Tests for analysis.population.snapshot and .fetch: reading snapshots, code mapping and (below) the PxWebApi v2 fetcher."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import _fake_pxweb as fake  # a fake PxWebApi v2 transport
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError
from analysis.population import fetch, snapshot
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


@pytest.fixture
def ssb_world(monkeypatch):
    server = fake.FakeSsb(fake.world(), max_cells=5000)
    fake.install(monkeypatch, server)
    return server


def changes_file(tmp_path: Path) -> Path:
    path = tmp_path / "region_changes.csv"
    path.write_text(
        "old_region,region,weight,first_year,last_year\n0434,3425,1.0,1940,2019\n"
        "0432,3424,1.0,1940,2019\n04,34,1.0,1940,2019\n",
        encoding="utf-8",
    )
    return path


def test_fetch_snapshot_builds_v2_requests_and_writes_a_continuous_snapshot(ssb_world, tmp_path):
    out = tmp_path / "ssb"
    lines: list[str] = []
    fetch.fetch_snapshot(
        out,
        from_year=2017,
        region_changes=changes_file(tmp_path),
        log=lines.append,
        now=lambda: __import__("datetime").datetime(2026, 3, 1, 6, 0, tzinfo=__import__("datetime").timezone.utc),
    )
    # requests: JSON-stat 2 data POSTs with a v2 selection body
    posts = [r for r in ssb_world.requests if r[0] == "POST"]
    assert posts and all(r[2]["outputFormat"] == "json-stat2" for r in posts)
    assert all(r[1].startswith("/tables/") and r[1].endswith("/data") for r in posts)
    first = next(r for r in posts if r[1] == "/tables/07459/data")
    sel = {s["variableCode"]: s["valueCodes"] for s in first[3]["selection"]}
    assert set(sel) == {"Region", "Kjonn", "Alder", "ContentsCode", "Tid"}
    assert sel["ContentsCode"] == ["Personer1"] and sel["Kjonn"] == ["1", "2"]
    # big query split into several requests under maxDataCells (pxwebpy batching)
    assert sum(1 for r in posts if r[1] == "/tables/07459/data") > 1
    # snapshot files in the shared format
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "metadata.json",
            "norway_fertility_by_age.csv",
            "norway_mortality_by_age.csv",
            "population_by_age.csv.gz",
            "population_changes.csv",
            "projections.csv",
            "region_changes.csv",
            "regions.csv",
        ]
    )
    pop = snapshot.read_population(out)
    eng = pop[pop["region"] == "3425"].groupby("year")["population"].sum()
    assert list(eng.index) == list(range(2017, 2023))  # 0434 before 2020 + 3425 after: one series
    assert "0434" not in set(pop["region"])
    assert pop["age"].max() == 105
    regions = snapshot.read_regions(out)
    assert set(regions["region"]) == {"0", "34", "3424", "3425"}
    assert regions.set_index("region").loc["3425", "type"] == "kommune"
    assert regions.set_index("region").loc["3425", "county"] == "34"
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["retrieved"] == "2026-03-01T06:00:00+00:00"
    assert meta["tables"]["population"]["table"] == "07459"
    assert meta["tables"]["population"]["query"]["Tid"][0] == "2017"
    fert = snapshot.read_fertility(out)
    assert fert[fert["year"] == 2022]["births_per_woman"].sum() == pytest.approx(10 * 0.05 + 25 * 0.005)
    mort = snapshot.read_mortality(out)
    assert set(mort["sex"].astype(str)) == {"female", "male"}
    q = 0.05 * 1.1**50 / 1000
    assert mort[(mort["age"] == 50)]["death_rate"].iloc[0] == pytest.approx(q / (1 - q / 2))
    proj = snapshot.read_projections(out)
    assert set(proj["alternative"]) == {"Hovedalternativet (MMMM)", "Lav nasjonal vekst (LLML)"}
    assert (
        proj[(proj["region"] == "34") & (proj["year"] == 2024) & (proj["alternative"].str.contains("MMMM"))][
            "population"
        ].iloc[0]
        == 2 * 605
    )


def test_fetch_only_some_regions(ssb_world, tmp_path):
    out = fetch.fetch_snapshot(
        tmp_path / "ssb",
        regions=["0434", "3425"],
        tables=["population"],
        from_year=2019,
        region_changes=changes_file(tmp_path),
        log=lambda _m: None,
    )
    post = next(r for r in ssb_world.requests if r[0] == "POST")
    assert {s["variableCode"]: s["valueCodes"] for s in post[3]["selection"]}["Region"] == ["0434", "3425"]
    assert set(snapshot.read_population(out)["region"]) == {"3425"}


def test_recorded_jsonstat2_response_is_parsed(monkeypatch, tmp_path):
    payload = json.loads((FIXTURES / "jsonstat2_07459_engerdal.json").read_text(encoding="utf-8"))
    server = fake.FakeSsb(fake.world())
    server.data = lambda request, table, body: server._response(request, 200, payload)
    fake.install(monkeypatch, server)
    api = fetch.connect()
    frame, labels, _ = fetch.fetch_population(api, ["0434", "3425"], 2019)
    got = {(r.region, r.year, r.sex, r.age): r.population for r in frame.itertuples()}
    assert got == {
        ("0434", 2019, "male", 0): 6,
        ("0434", 2019, "male", 105): 0,
        ("0434", 2019, "female", 0): 5,
        ("0434", 2019, "female", 105): 1,
        ("3425", 2020, "male", 0): 7,
        ("3425", 2020, "male", 105): 0,
        ("3425", 2020, "female", 0): 4,
        ("3425", 2020, "female", 105): 2,
    }
    assert labels["3425"] == "Engerdal"


def test_rate_limit_is_retried_then_succeeds(ssb_world, tmp_path):
    ssb_world.fail[("POST", "/tables/04232/data")] = [429, 429, 429, 429, 429]
    waits: list[float] = []
    out = fetch.fetch_snapshot(tmp_path / "ssb", tables=["fertility"], log=lambda _m: None, sleep=waits.append)
    assert waits  # we backed off at least once
    assert snapshot.read_fertility(out)["year"].max() == 2022


def test_unknown_table_is_a_clear_error_and_nothing_is_written(ssb_world, tmp_path):
    out = tmp_path / "ssb"
    with pytest.raises(AnalysisError, match="404.*--table"):
        fetch.fetch_snapshot(out, tables=["population"], table_ids={"population": "99999"}, log=lambda _m: None)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary folder left behind


def test_changed_variables_are_a_clear_error_and_the_old_snapshot_stays(ssb_world, tmp_path):
    out = write_tiny_snapshot(tmp_path / "ssb")
    before = sorted(p.name for p in out.iterdir())
    ssb_world.tables["07459"].dims[1].code = "Kjoenn"  # SSB renamed a variable
    with pytest.raises(AnalysisError, match="has changed.*Kjonn"):
        fetch.fetch_snapshot(out, log=lambda _m: None)
    assert sorted(p.name for p in out.iterdir()) == before
    assert snapshot.read_population(out)["population"].sum() == 119
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ssb"]


def test_failure_halfway_leaves_no_half_snapshot(ssb_world, tmp_path):
    ssb_world.fail[("POST", "/tables/07902/data")] = [400]
    with pytest.raises(AnalysisError, match="rejected the query"):
        fetch.fetch_snapshot(tmp_path / "ssb", log=lambda _m: None, sleep=lambda _s: None)
    assert list(tmp_path.iterdir()) == []


def test_no_network_is_a_clear_error(monkeypatch, tmp_path):
    import pxweb._internal.client as client
    import requests

    class Down(requests.adapters.BaseAdapter):
        def send(self, request, **kwargs):
            raise requests.ConnectionError("Name or service not known")

        def close(self):
            pass

    real = client.CachedSession

    def session(*a, **k):
        s = real(*a, **k)
        s.mount("https://", Down())
        return s

    monkeypatch.setattr(client, "CachedSession", session)
    with pytest.raises(AnalysisError, match="could not reach SSB"):
        fetch.fetch_snapshot(tmp_path / "ssb", log=lambda _m: None, sleep=lambda _s: None)
    assert list(tmp_path.iterdir()) == []


def test_fetch_ssb_command_is_registered_and_reports_errors(monkeypatch, ssb_world, tmp_path, capsys):
    from analysis import cli

    out = tmp_path / "ssb"
    code = cli.main(["fetch-ssb", "--out", str(out), "--tables", "fertility,mortality", "--from-year", "2020"])
    assert code == 0
    assert (out / "metadata.json").is_file()
    code = cli.main(["fetch-ssb", "--out", str(out), "--tables", "population", "--table", "population=12345"])
    assert code == 2
    assert "404" in capsys.readouterr().err
    assert (out / "norway_fertility_by_age.csv").is_file()  # the previous snapshot is intact


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


def test_read_components_keeps_full_years_reads_dashes_and_maps_renumbered_codes(tmp_path):
    folder = write_tiny_snapshot(tmp_path / "snap")
    (folder / snapshot.REGION_CHANGES_FILE).write_text(
        "old_region,region,weight,first_year,last_year\n0434,3425,1.0,1940,2019\n04,34,1.0,1940,2019\n"
        "05,34,1.0,1940,2019\n",
        encoding="utf-8",
    )
    (folder / snapshot.COMPONENTS_FILE).write_text(
        "unit,period,pop_start_date,pop_end_date,pop_start,births,deaths,natural_increase,in_migration_total,"
        "in_migration_from_abroad,out_migration_total,out_migration_to_abroad,net_migration,population_growth,"
        "pop_end,status,note,source\n"
        "0434 Engerdal,2012,2012-01-01,2013-01-01,1390,10,18,-8,104,58,110,9,-6,-14,1376,,,u\n"
        "0436 Tolga,2012,2012-01-01,2013-01-01,1681,16,16,0,1,1,1,1,-,-,1681,,,u\n"
        "04 Hedmark,2012,2012-01-01,2013-01-01,1,1,1,0,1,1,1,1,5,0,1,,,u\n"
        "0434 Engerdal,2003 H1,2003-01-01 (final),2003-07-01,1512,7,11,-4,40,8,26,1,14,10,1522,,,u\n",
        encoding="utf-8",
    )
    comp = snapshot.read_components(folder)
    assert comp["region"].tolist() == ["3425", "0436"]  # Hedmark (merged into Innlandet) is not Innlandet
    assert comp["net_migration"].tolist() == [-6, 0]
    assert comp["year"].tolist() == [2012, 2012]
    assert snapshot.read_components(tmp_path / "nowhere").empty


@needs_snapshot
def test_residual_migration_matches_ssbs_published_2012_figure_for_engerdal():
    from analysis.population import migration

    pop = snapshot.read_population(regions=["3425"])
    mig = migration.residual_migration(pop, "3425", snapshot.read_mortality(), snapshot.read_fertility())
    check = migration.check_against_published(mig, snapshot.read_components(), "3425")
    row = check.set_index("year").loc[2012]
    assert row["published"] == -6
    assert abs(row["difference"]) < 3


def test_fetched_population_changes_feed_the_published_components(ssb_world, tmp_path):
    out = fetch.fetch_snapshot(
        tmp_path / "ssb", tables=["changes"], from_year=2017, region_changes=changes_file(tmp_path), log=lambda _m: None
    )
    comp = snapshot.read_components(out)
    eng = comp[(comp["region"] == "3425")].set_index("year")
    assert list(eng.index) == list(range(2017, 2023))  # old code 0434 before 2020 mapped
    assert eng.loc[2018, "births"] == 1 and eng.loc[2018, "deaths"] == 2 and eng.loc[2018, "net_migration"] == -3


def test_an_unwritable_target_is_a_clear_error(ssb_world, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(AnalysisError, match="cannot write"):
        fetch.fetch_snapshot(blocker / "ssb", tables=["fertility"], log=lambda _m: None)
