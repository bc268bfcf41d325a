"""The kernel template's head start: the SSB snapshot's shared tables are read once per worker, not once per report.

What must hold: a report's kernel finds the tables already parsed, yet reads a file again when it changed, and
still records (``analysis.lineage``) every file it uses, and nothing it did not use.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from jupyter_client.blocking import BlockingKernelClient

from analysis import lineage
from analysis.build import execute as build_execute
from analysis.build import kernels, zygote
from analysis.population import snapshot
from conftest import ssb_snapshot_dir
from test_ssb import write_tiny_snapshot

SSB_DIR = ssb_snapshot_dir()


@pytest.fixture(autouse=True)
def _fresh_caches():
    snapshot.clear_cache()
    lineage.reset()
    yield
    snapshot.clear_cache()
    lineage.reset()


def test_preload_fills_the_cache_and_a_changed_file_is_read_again(tmp_path: Path, monkeypatch) -> None:
    folder = write_tiny_snapshot(tmp_path / "snap")
    read = snapshot.preload(folder)
    assert {Path(p).name for p in read} == {"regions.csv", "region_changes.csv", "population_by_age.csv.gz"}

    def never(name: str):
        def reader(path: Path):
            raise AssertionError(f"{path.name} was parsed again")

        reader.__name__ = name  # the cache is keyed by the reader's name
        return reader

    with monkeypatch.context() as m:  # served from the cache: the file is not parsed again
        for name in ("_read_regions_file", "_read_population_file"):
            m.setattr(snapshot, name, never(name))
        assert snapshot.read_regions(folder)["region"].tolist() == ["0", "03", "0301", "3425", "3449"]
        assert snapshot.read_population(folder)["population"].sum() == 119
    regions = folder / snapshot.REGIONS_FILE
    regions.write_text(regions.read_text(encoding="utf-8") + "3401,Kongsvinger,kommune,34\n", encoding="utf-8")
    assert "3401" in snapshot.read_regions(folder)["region"].tolist()  # changed since the preload: read again


def test_preload_skips_what_is_missing_or_broken(tmp_path: Path) -> None:
    assert snapshot.preload(tmp_path / "nowhere") == []
    folder = write_tiny_snapshot(tmp_path / "snap")
    (folder / snapshot.REGION_CHANGES_FILE).write_text("not,the,columns\n1,2,3\n", encoding="utf-8")
    read = snapshot.preload(folder)
    assert "region_changes.csv" not in {Path(p).name for p in read} and "regions.csv" in {Path(p).name for p in read}


def test_the_template_forgets_what_its_preload_recorded(capsys) -> None:
    """A hook's reads are no report's record; a failing hook is reported and skipped."""
    lineage.record(Path(__file__))
    zygote._preload(["analysis.population.snapshot:no_such_function"])
    assert lineage.recorded() == {}
    assert "no_such_function" in capsys.readouterr().err
    assert zygote._arguments(["--preload", "a.b:c", "x", "--preload", "d:e", "y"]) == (["x", "y"], ["a.b:c", "d:e"])


@pytest.mark.skipif(SSB_DIR is None or not hasattr(os, "fork"), reason="needs the SSB snapshot and fork")
def test_a_forked_kernel_starts_with_the_tables_read_and_nothing_recorded(tmp_path: Path, monkeypatch) -> None:
    """The kernel gets the template's parsed tables, records a file only when its notebook reads it, and reads
    a file that changed after the template read it."""
    ssb = tmp_path / "ssb"
    shutil.copytree(SSB_DIR, ssb)
    spec = build_execute._kernel_dir()
    monkeypatch.setenv("JUPYTER_PATH", str(spec))  # where the kernel manager finds the build's kernelspec
    env = {**os.environ, "ANALYSIS_SSB_DIR": str(ssb)}
    pool = kernels.KernelPool(warm=True, fork=True)
    kc = BlockingKernelClient()
    try:
        km = pool.take(str(tmp_path), env, prestart=False)
        assert isinstance(km.provisioner, kernels.ForkProvisioner)
        kc.load_connection_info(km.get_connection_info())
        kc.start_channels()
        kc.wait_for_ready(timeout=60)

        def ask(expression: str) -> str:
            reply = kc.execute_interactive(
                "", silent=True, user_expressions={"x": expression}, timeout=60, output_hook=lambda msg: None
            )
            found = reply["content"]["user_expressions"]["x"]
            assert found["status"] == "ok", found
            return found["data"]["text/plain"]

        kc.execute_interactive("from analysis.population import snapshot\nfrom analysis import lineage", timeout=60)
        cached = ask("sorted(__import__('pathlib').Path(k[0]).name for k in snapshot._CACHE)")
        for name in ("regions.csv", "region_changes.csv", "norway_mortality_by_age.csv", "projections.csv"):
            assert name in cached
        assert ask("lineage.recorded()") == "{}"
        (ssb / "components.csv").write_text("region,year,net_migration\n3425,2020,7\n", encoding="utf-8")
        assert ask("snapshot.read_components()['net_migration'].tolist()") == "[7]"
        assert ask("sorted(lineage.recorded())") == "['{ssb}/components.csv']"
        assert ask("len(snapshot.read_regions()) > 300") == "True"
        assert ask("sorted(lineage.recorded())") == "['{ssb}/components.csv', '{ssb}/regions.csv']"
        kernels.shutdown_now(km)
    finally:
        kc.stop_channels()
        pool.close()
        shutil.rmtree(spec, ignore_errors=True)
