"""``analysis fetch-ssb`` against SSB's published shapes (tests/fixtures/ssb/README.md), on a local server.

The requests are checked against the tables' metadata by the server as SSB checks them; the answers
come in the layout of SSB's real JSON-stat 2 answers, filled with the repository's real SSB figures.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import cli
from analysis.population import cohort, fetch, snapshot
from analysis.population.pxapi import PxClient, SsbError, TableMeta, batches, jsonstat_frame, retry_after_seconds

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ssb"
sys.path.insert(0, str(FIXTURES))
from ssb_world import Fault, SsbServer, make_world  # noqa: E402

REAL = FIXTURES / "real"
REGIONS = ["3425", "3424", "34", "0"]


@pytest.fixture(scope="module")
def world():
    return make_world()


@pytest.fixture
def server(world):
    srv = SsbServer(world)
    url = srv.start()
    srv.url = url
    yield srv
    srv.stop()


def client_for(srv, **kw) -> PxClient:
    kw.setdefault("min_interval", 0.0)
    kw.setdefault("sleep", lambda s: None)
    kw.setdefault("log", lambda m: None)
    return PxClient(base_url=srv.url, **kw)


def posts(srv, table: str) -> list[dict]:
    return [body for method, path, _q, body, _t in srv.requests if method == "POST" and f"/tables/{table}/" in path]


def selected(body: dict) -> dict:
    return {s["variableCode"]: s for s in body["selection"]}


# --------------------------------------------------------------------------- JSON-stat 2, as SSB answers


def test_real_answers_are_read_row_major_with_nulls_and_status():
    doc = json.loads((REAL / "13615_data_nulls_status.json").read_text("utf-8"))
    frame = jsonstat_frame(doc)
    assert list(frame.columns) == [*doc["id"], "value", "status"]
    assert len(frame) == np.prod(doc["size"]) == len(doc["value"])
    nulls = [i for i, v in enumerate(doc["value"]) if v is None]
    assert frame["value"].isna().to_numpy().nonzero()[0].tolist() == nulls
    assert set(frame.loc[nulls, "status"]) == {"."} and frame.loc[0, "value"] == doc["value"][0]
    # last dimension fastest: the second row differs from the first only in Tid
    assert frame.iloc[0][doc["id"][:-1]].tolist() == frame.iloc[1][doc["id"][:-1]].tolist()
    prices = jsonstat_frame(json.loads((REAL / "09654_data.json").read_text("utf-8")))
    assert prices["value"].iloc[:3].tolist() == [20.1, 21.96, 21.05] and prices["Tid"].iloc[0] == "2024M01"
    three = jsonstat_frame(json.loads((REAL / "11585_data_status.json").read_text("utf-8")))
    assert set(three["status"]) >= {"", ".."}


def test_problem_bodies_become_clear_errors(server):
    body = json.loads((REAL / "problem_bodies.json").read_text("utf-8"))["NonExistentValue"]
    server.faults["/tables/07459/data"] = [Fault(400, body=body)]
    client = client_for(server)
    with pytest.raises(SsbError) as err:
        client.data("07459", [{"variableCode": "Region", "valueCodes": ["0"]}])
    assert err.value.status == 400 and err.value.title == "Non-existent value"
    assert "SSB rejected POST tables/07459/data (HTTP 400): Non-existent value" in str(err.value)


def test_retry_after_in_seconds_and_as_a_date():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Thu, 01 Jan 2026 00:00:10 GMT", now=1767225600.0) == 10.0
    assert retry_after_seconds("") is None


def test_batches_never_exceed_the_cell_limit():
    sel = [
        {"variableCode": "Region", "valueCodes": [f"K-{i:04d}" for i in range(357)]},
        {"variableCode": "Kjonn", "valueCodes": ["1", "2"]},
        {"variableCode": "Alder", "valueCodes": [f"{a:03d}" for a in range(106)]},
        {"variableCode": "Tid", "valueCodes": [str(y) for y in range(2005, 2027)]},
    ]
    parts = list(batches(sel, 800_000, ["Tid", "Region"]))
    sizes = [np.prod([len(s["valueCodes"]) for s in p]) for p in parts]
    assert max(sizes) <= 800_000 and sum(sizes) == 357 * 2 * 106 * 22 and len(parts) == 3
    assert sorted(y for p in parts for y in p[3]["valueCodes"]) == sel[3]["valueCodes"]


# --------------------------------------------------------------------------- requests built from metadata


def test_population_request_uses_ssbs_codelists_and_single_ages(server, tmp_path):
    summary = fetch.fetch_snapshot(
        tmp_path / "ssb", regions=REGIONS, from_year=2020, tables=["population"], client=client_for(server)
    )
    assert summary.ok and summary.written["population"] == ["population.parquet", "regions.csv"]
    bodies = [selected(b) for b in posts(server, "07459")]
    assert len(bodies) == 3  # municipalities, counties, Norway
    towns = next(b for b in bodies if b["Region"].get("codelist") == "agg_KommSummer")
    assert towns["Region"]["valueCodes"] == ["K-3424", "K-3425"]
    county = next(b for b in bodies if b["Region"].get("codelist") == "agg_KommFylker")
    assert county["Region"]["valueCodes"] == ["F-34"]
    norway = next(b for b in bodies if "codelist" not in b["Region"])
    assert norway["Region"]["valueCodes"] == ["0"]
    assert towns["Alder"]["valueCodes"][:2] == ["000", "001"] and towns["Alder"]["valueCodes"][-1] == "105"
    assert "codelist" not in towns["Alder"]  # single ages, never a grouping like F00-04
    assert towns["ContentsCode"]["valueCodes"] == ["Personer1"] and towns["Kjonn"]["valueCodes"] == ["1", "2"]
    # the figures are SSB's (the world serves the real ones): Engerdal 2026 = 1 287
    pop = snapshot.read_population(tmp_path / "ssb")
    totals = pop.groupby(["region", "year"])["population"].sum()
    assert totals[("3425", 2026)] == 1287 and totals[("3425", 2021)] == 1250
    shipped = snapshot.read_population(regions=REGIONS)
    shipped = shipped[shipped["year"] >= 2020].reset_index(drop=True)
    pd.testing.assert_frame_equal(pop.reset_index(drop=True), shipped, check_categorical=False)
    regions = snapshot.read_regions(tmp_path / "ssb").set_index("region")
    assert regions.loc["3425", "county"] == "34" and regions.loc["34", "type"] == "fylke"
    assert snapshot.region_name("0", regions.reset_index()) == "Norge"


def test_every_table_request_matches_its_metadata(world, server, tmp_path):
    fetch.fetch_snapshot(tmp_path / "ssb", regions=REGIONS, from_year=2015, client=client_for(server))
    for table in ("07459", "06913", "14288", "07902"):
        meta = TableMeta.from_jsonstat(table, world.tables[table].metadata())
        lists = {cid: [v["code"] for v in cl["values"]] for cid, cl in world.codelists.items()}
        sent = posts(server, table)
        assert sent, table
        for body in sent:
            fetch.check_selection(meta, body["selection"], lists)  # raises on any code SSB does not have
    changes = selected(posts(server, "06913")[0])
    assert changes["Region"]["codelist"] == "agg_KommSummerHist" and changes["Region"]["valueCodes"] == [
        "K_3424",
        "K_3425",
    ]
    assert changes["ContentsCode"]["valueCodes"] == [
        "Folkemengde", "Levende", "Dode", "Fodselsoverskudd", "Innflyttinger", "Utflyttinger", "Nettoinnflytting"
    ]  # fmt: skip
    life = selected(posts(server, "07902")[0])
    assert "AlderX" in life and life["AlderX"]["valueCodes"][-1] == "106" and life["Kjonn"]["valueCodes"] == ["1", "2"]
    assert life["ContentsCode"]["valueCodes"] == ["Dodssannsynlighet", "ForvGjenLevetid"]
    proj = [selected(b) for b in posts(server, "14288")]
    assert all("Kjonn" not in b and "Alder" not in b for b in proj)  # SSB sums sex and age
    assert {b["Region"].get("codelist") for b in proj} == {"vs_KommunFram2024Agg", "vs_FylkerFram2024", None}
    searched = [q for m, p, q, _b, _t in server.requests if p == "/tables"]
    assert searched and searched[0]["query"] == "title:Framskrevet folkemengde"


def test_metadata_mismatches_are_caught_before_sending(world):
    meta = TableMeta.from_jsonstat("07459", world.tables["07459"].metadata())
    lists = {"agg_KommSummer": [v["code"] for v in world.codelists["agg_KommSummer"]["values"]]}
    good = [
        {"variableCode": "Region", "valueCodes": ["K-3425"], "codelist": "agg_KommSummer"},
        {"variableCode": "ContentsCode", "valueCodes": ["Personer1"]},
        {"variableCode": "Tid", "valueCodes": ["2026"]},
    ]
    fetch.check_selection(meta, good, lists)
    bad_old_code = [dict(good[0], valueCodes=["K-0434"]), *good[1:]]
    with pytest.raises(SsbError, match="Region has no value"):
        fetch.check_selection(meta, bad_old_code, lists)
    with pytest.raises(SsbError, match="must be selected"):
        fetch.check_selection(meta, good[:2], lists)
    with pytest.raises(SsbError, match="no codelist 'agg_Nope'"):
        fetch.check_selection(meta, [dict(good[0], codelist="agg_Nope"), *good[1:]], lists)
    with pytest.raises(SsbError, match="not a single year of age"):
        fetch.single_age("F00-04")


def test_regions_are_filtered_per_table(server, tmp_path):
    lines: list[str] = []
    fetch.fetch_snapshot(
        tmp_path / "ssb",
        regions=["3425", "0434", "9999", "0"],
        from_year=2024,
        tables=["population", "changes"],
        client=client_for(server, log=lines.append),
        log=lines.append,
    )
    assert any("0434, 9999 not in the table at today's borders" in line for line in lines)
    for table in ("07459", "06913"):
        for body in posts(server, table):
            codes = selected(body)["Region"]["valueCodes"]
            assert not {"0434", "K-0434", "K_0434", "9999"} & set(codes)


def test_newest_regional_projection_is_found_by_search(server, tmp_path):
    summary = fetch.fetch_snapshot(tmp_path / "ssb", regions=["34"], tables=["projections"], client=client_for(server))
    assert summary.ok
    proj = pd.read_csv(tmp_path / "ssb" / "projections.csv", dtype={"region": str})
    assert set(proj["alternative"]) == {"MMMM", "LLML", "HHMH"}
    assert proj["vintage"].iloc[0] == "SSB regional projection 2024 (table 14288)"
    mmmm = proj[proj["alternative"] == "MMMM"].set_index("year")["population"]
    assert mmmm[2024] == 376304 and mmmm[2026] == 380517  # SSB's published 14288 figures for Innlandet
    meta = json.loads((tmp_path / "ssb" / "metadata.json").read_text())
    assert meta["tables"]["projections"]["table"] == "14288"


def test_life_tables_become_rates_with_ssbs_life_expectancy(server, tmp_path):
    fetch.fetch_snapshot(tmp_path / "ssb", tables=["mortality"], client=client_for(server))
    mort = snapshot.read_mortality(tmp_path / "ssb")
    assert mort["age"].max() == 105 and mort["year"].max() == 2024
    e0 = {}
    for s, sex in enumerate(("female", "male")):
        rates, _ = cohort.mortality_rates(mort, 2023)
        e0[sex] = cohort.life_table(rates[s]).e0
    # SSB's life tables give 84.6 (women) and 81.4 (men) for 2023 (tests/fixtures/ssb, SOURCES)
    assert e0["female"] == pytest.approx(84.6, abs=0.15) and e0["male"] == pytest.approx(81.4, abs=0.15)
    life = pd.read_csv(tmp_path / "ssb" / snapshot.LIFE_TABLE_FILE)
    assert life["age"].max() == 106 and set(life["sex"]) == {"female", "male"}


def test_registered_components_are_written(server, tmp_path):
    fetch.fetch_snapshot(
        tmp_path / "ssb", regions=["3425"], from_year=2010, tables=["changes"], client=client_for(server)
    )
    comp = snapshot.read_components(tmp_path / "ssb").set_index(["region", "year"])
    row = comp.loc[("3425", 2012)]
    assert (row["births"], row["deaths"], row["net_migration"], row["pop_start"]) == (10, 18, -6, 1390)
    assert row["natural_increase"] == -8 and np.isnan(comp.loc[("3425", 2013), "births"])  # not published → missing
    assert comp.loc[("3425", 2019), "net_migration"] == -13


def test_fertility_needs_a_table_with_ages(server, tmp_path):
    with pytest.raises(Exception, match="fertility needs a table id"):
        fetch.fetch_snapshot(tmp_path / "ssb", tables=["fertility"], client=client_for(server))


# --------------------------------------------------------------------------- robustness


def seed_snapshot(folder: Path) -> dict[str, bytes]:
    """An existing snapshot (a copy of the shipped one's small files) and its bytes."""
    folder.mkdir(parents=True)
    for name in ("regions.csv", "components.csv", "projections.csv", "norway_mortality_by_age.csv", "metadata.json"):
        (folder / name).write_bytes((snapshot.snapshot_dir() / name).read_bytes())
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_one_failing_table_keeps_its_old_files_and_the_others_are_written(server, tmp_path):
    folder = tmp_path / "ssb"
    before = seed_snapshot(folder)
    server.faults["/tables/06913/data"] = [Fault(500)] * 10
    lines: list[str] = []
    summary = fetch.fetch_snapshot(
        folder,
        regions=["3425"],
        from_year=2024,
        tables=["population", "changes"],
        client=client_for(server),
        log=lines.append,
    )
    assert not summary.ok and "HTTP 500" in summary.failed["changes"]
    assert (folder / "population.parquet").is_file()
    assert (folder / "components.csv").read_bytes() == before["components.csv"]  # the failed table's file is kept
    assert (folder / "projections.csv").read_bytes() == before["projections.csv"]  # not asked for: kept
    meta = json.loads((folder / "metadata.json").read_text())
    assert "changes" in meta["failed"] and meta["tables"]["population"]["table"] == "07459"
    assert any("batch 1 of 1" in line for line in lines)


def test_population_alone_keeps_every_other_table(server, tmp_path):
    folder = tmp_path / "ssb"
    before = seed_snapshot(folder)
    fetch.fetch_snapshot(folder, regions=["3425"], from_year=2025, tables=["population"], client=client_for(server))
    for name in ("components.csv", "projections.csv", "norway_mortality_by_age.csv"):
        assert (folder / name).read_bytes() == before[name], name


def test_a_stalled_server_times_out_in_the_configured_time_and_nothing_changes(server, tmp_path):
    folder = tmp_path / "ssb"
    before = seed_snapshot(folder)
    server.stall = True
    start = time.monotonic()
    with pytest.raises(Exception, match="nothing could be fetched") as err:
        fetch.fetch_snapshot(folder, regions=["3425"], tables=["population"], client=client_for(server, timeout=1.0))
    assert time.monotonic() - start < 6  # /config and the metadata each wait one second at most
    assert "did not answer within 1 s" in str(err.value)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize("status", [400, 500, 429])
def test_errors_leave_the_old_snapshot_untouched(server, tmp_path, status):
    folder = tmp_path / "ssb"
    before = seed_snapshot(folder)
    server.faults["/tables/07459/data"] = [Fault(status, retry_after="0")] * 10
    with pytest.raises(Exception, match="nothing could be fetched") as err:
        fetch.fetch_snapshot(folder, regions=["3425"], tables=["population"], client=client_for(server))
    assert {400: "HTTP 400", 500: "HTTP 500", 429: "rate limit"}[status] in str(err.value)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not list(tmp_path.glob(".ssb.*"))  # no temporary folder left behind


def test_rate_limit_waits_as_told_then_continues(server, tmp_path):
    server.faults["/tables/07459/data"] = [Fault(429, retry_after="3"), Fault(503, retry_after="2")]
    waits: list[float] = []
    summary = fetch.fetch_snapshot(
        tmp_path / "ssb",
        regions=["3425"],
        from_year=2025,
        tables=["population"],
        client=client_for(server, sleep=waits.append),
    )
    assert summary.ok and waits == [3.0, 2.0]


def test_one_request_at_a_time_and_spaced(server, tmp_path):
    import requests

    sent: list[float] = []

    class Recording(requests.Session):  # when the client sends each request (its own clock, not the server's)
        def request(self, *args, **kwargs):
            sent.append(time.monotonic())
            return super().request(*args, **kwargs)

    client = client_for(server, min_interval=0.2, sleep=time.sleep, session=Recording())
    fetch.fetch_snapshot(tmp_path / "ssb", regions=["3425"], from_year=2025, tables=["population"], client=client)
    assert server.max_active == 1  # never two at once
    assert len(sent) >= 5 and min(np.diff(sent)) >= 0.2 - 1e-3  # SSB's 30 a minute: at least min_interval apart


def test_large_selections_are_split_with_a_progress_line_per_batch(server, tmp_path):
    server.max_cells = 1_000
    lines: list[str] = []
    fetch.fetch_snapshot(
        tmp_path / "ssb", regions=["3425", "3424", "3417"], from_year=2015, tables=["population"],
        client=client_for(server), log=lines.append,
    )  # fmt: skip
    batch_lines = [line for line in lines if "07459 kommune: batch" in line]
    assert len(batch_lines) >= 12 and batch_lines[-1].startswith(
        f"  07459 kommune: batch {len(batch_lines)} of {len(batch_lines)}"
    )


def test_command_line_reports_partial_failure(server, tmp_path, monkeypatch, capsys):
    from analysis.population import pxapi

    original = pxapi.PxClient

    def local_client(**kw):
        return original(base_url=server.url, min_interval=0.0, sleep=lambda _s: None, **kw)

    monkeypatch.setattr(pxapi, "PxClient", local_client)
    server.faults["/tables/06913/data"] = [Fault(500)] * 10
    rc = cli.main(
        [
            "fetch-ssb",
            "--out",
            str(tmp_path / "ssb"),
            "--regions",
            "3425",
            "--from-year",
            "2025",
            "--tables",
            "population,changes",
        ]
    )
    assert rc == 1
    err = capsys.readouterr().err
    assert "changes: SSB had a server error (HTTP 500)" in err


# --------------------------------------------------------------------------- live (opt-in)


def _online() -> bool:
    try:
        socket.create_connection(("data.ssb.no", 443), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.mark.live
def test_live_api_matches_what_the_fetch_sends():
    """``pytest -m live``: the requests the fetch builds match SSB's real metadata (no data downloaded)."""
    if not _online():
        pytest.skip("no connection to data.ssb.no: the live check needs the internet (run `pytest -m live` online)")
    lines: list[str] = []
    assert fetch.check_tables(PxClient(log=lines.append), log=lines.append), "\n".join(lines)


def test_an_unwritable_target_is_a_clear_error(server, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(Exception, match="cannot write"):
        fetch.fetch_snapshot(
            blocker / "ssb", regions=["3425"], from_year=2026, tables=["population"], client=client_for(server)
        )


def test_a_report_builds_from_a_fresh_fetch(server, tmp_path, monkeypatch):
    """Into an empty folder: the fetched tables (plus fertility by age from the snapshot in use) make a report."""
    peers = ["3425", "3424", "3417", "3449", "3421", "3423", "3426", "3430", "34", "0"]
    folder = tmp_path / "fresh"
    summary = fetch.fetch_snapshot(folder, regions=peers, from_year=2005, client=client_for(server))
    assert summary.ok and (folder / snapshot.FERTILITY_FILE).is_file()
    monkeypatch.setenv("ANALYSIS_SSB_DIR", str(folder))
    snapshot.clear_cache()
    from analysis.population import sections

    r = sections.load(None, None, backtest_from=2015, horizon=2050)
    assert r.has_data and r.name == "Engerdal"
    shown = []
    for name in (
        "now",
        "history",
        "components",
        "comparison",
        "women",
        "movers",
        "outlook",
        "outlook_chart",
        "official",
        "about",
    ):
        shown += getattr(sections, name)(r)
    page = "".join(getattr(x, "data", "") or "" for x in shown)
    assert "1 287" in page and "Innlandet" in page
    assert "registrert av SSB (tabell 06913) for 2005–2019" in page  # the world's registered years
    assert r.rates_years[0] == 2024  # mortality from SSB's life tables (07902), newest year
    snapshot.clear_cache()
