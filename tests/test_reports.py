"""The real catalogue, built once per session from the repo's data (see conftest.built_catalogue).

Checks what a reader receives: every report built, self-contained Norwegian HTML without code,
each under 3 MB, illustrative data labelled, and byte-identical output when built twice from the
same inputs (the build date is fixed with SOURCE_DATE_EPOCH; papermill timing is normalised).
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from analysis import cli
from analysis.build.catalogue import load_catalogue

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
MAX_BYTES = 3 * 1024 * 1024


def _content(html: str) -> str:
    return re.sub(r"<style.*?</style>", "", html, flags=re.S)


def _text(html: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", _content(html)))


def test_every_report_built(built_catalogue) -> None:
    assert built_catalogue["clean_rc"] == 0, "analysis clean reported unreadable files in data/raw"
    manifest = json.loads((Path(built_catalogue["reports"]) / "build-manifest.json").read_text())
    cat = load_catalogue(REPO / "catalogue.yaml")
    failed = {k: v["error"] for k, v in manifest["reports"].items() if v["status"] != "ok"}
    assert not failed, failed
    assert set(manifest["reports"]) == {e.id for e in cat.reports}
    assert built_catalogue["build_rc"] == 0


def test_reports_are_selfcontained_norwegian_and_codefree(built_catalogue) -> None:
    reports = Path(built_catalogue["reports"])
    cat = load_catalogue(REPO / "catalogue.yaml")
    for entry in cat.reports:
        html = (reports / f"{entry.output}.html").read_text(encoding="utf-8")
        content = _content(html)
        assert '<html lang="nb">' in html, entry.id
        assert not re.search(r"<script[^>]+src=", html), entry.id
        assert not re.search(r"<link[^>]+href=", html), entry.id
        assert not re.search(r"""(src|href)=["']https?://""", content), entry.id
        assert "jp-InputArea-editor" not in content and "In&nbsp;[" not in content, f"{entry.id}: code shown"
        assert "Traceback" not in content, f"{entry.id}: an error is shown"
        assert html_lib.escape(entry.title, quote=False) in html, entry.id
        assert re.search("[æøå]", _text(html)), entry.id
        for img in re.findall(r"<img[^>]*>", content):
            assert re.search(r'alt="[^"]+', img), f"{entry.id}: image without alt text"
            assert 'src="data:image/' in img, f"{entry.id}: image not embedded"


def test_illustrative_data_is_labelled_and_real_data_is_not(built_catalogue) -> None:
    """The repo's workshop and survey data are illustrative; SSB figures are real.

    A report that reads workshop or survey data shows the notice (once, from the notebook), its header
    says so, and the index marks it; a population-only report is not marked.
    """
    reports = Path(built_catalogue["reports"])
    manifest = json.loads((reports / "build-manifest.json").read_text(encoding="utf-8"))
    for entry in load_catalogue(REPO / "catalogue.yaml").reports:
        html = (reports / f"{entry.output}.html").read_text(encoding="utf-8")
        read = manifest["reports"][entry.id]["found_inputs"]  # the files its notebook read
        uses_made_up = any(name.startswith(("{processed}/statements", "{processed}/survey")) for name in read)
        assert manifest["reports"][entry.id]["illustrative"] is uses_made_up, entry.id
        assert html.count('class="callout callout-caution illustrative-notice"') == (1 if uses_made_up else 0), entry.id
        assert ("Illustrative eksempeldata" in html) is uses_made_up, entry.id


def test_a_fresh_clone_builds_real_population_figures(built_catalogue) -> None:
    """No ANALYSIS_SSB_DIR (as in CI and on a fresh clone): the shipped snapshot gives SSB's real figures."""
    assert "ANALYSIS_SSB_DIR" not in os.environ
    reports = Path(built_catalogue["reports"])
    population = reports / "befolkningsutvikling-engerdal.html"
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", population.read_text("utf-8")))
    assert "Engerdal hadde 1 287 innbyggere 1. januar 2026, mot 1 499 i 2005" in re.sub(r"\s+", " ", text)
    manifest = json.loads((Path(built_catalogue["processed"]) / "survey_manifest.json").read_text())
    assert manifest["weighting"]["converged"] and manifest["weighting"]["year"] == 2026  # weighted to SSB
    statuses = json.loads((reports / "build-manifest.json").read_text())["reports"]
    assert {v["status"] for v in statuses.values()} == {"ok"}


def test_each_report_is_under_3_mb(built_catalogue) -> None:
    sizes = {p.name: p.stat().st_size for p in Path(built_catalogue["reports"]).glob("*.html")}
    too_big = {k: v for k, v in sizes.items() if v >= MAX_BYTES}
    assert not too_big, too_big


def test_index_lists_every_report(built_catalogue) -> None:
    index = (Path(built_catalogue["reports"]) / "index.html").read_text(encoding="utf-8")
    for entry in load_catalogue(REPO / "catalogue.yaml").reports:
        assert f'href="{entry.output}.html"' in index, entry.id
    assert "Feilet" not in index
    # for readers: start at the overview, then the reports by purpose, each with what it shows
    start = re.search(r'<div class="start">.*?</div>', index, flags=re.S).group(0)
    assert "Start her" in start and 'href="oversikt-engerdal.html"' in start
    assert [h for h in re.findall(r"<h2>(.*?)</h2>", index)] == [
        "Befolkning", "Workshops og grendemøter", "Spørreundersøkelsen"
    ]  # fmt: skip
    assert "Engerdal har 1\xa0287 innbyggere (1.1.2026)" in html_lib.unescape(index)  # thousands kept on one line
    status = (Path(built_catalogue["reports"]) / "status.html").read_text(encoding="utf-8")
    assert status.count("<tr><td>") == len(load_catalogue(REPO / "catalogue.yaml").reports)


def test_building_twice_gives_identical_files(built_catalogue, tmp_path: Path) -> None:
    """A second build from the same inputs is byte-identical: one report per notebook, and the index.

    The session's build ran on pooled, pre-warmed kernels; this one starts each kernel cold
    (``ANALYSIS_KERNEL_POOL=0``), so it also shows the pool changes nothing a reader gets.
    """
    first = Path(built_catalogue["reports"])
    cat = load_catalogue(REPO / "catalogue.yaml")
    one_per_notebook = list({e.notebook: e for e in reversed(cat.reports)}.values())
    second = tmp_path / "again"
    env = {
        "ANALYSIS_PROCESSED_DIR": built_catalogue["processed"],
        "ANALYSIS_REPORTS_DIR": str(second),
        "SOURCE_DATE_EPOCH": "1785312000",
        "ANALYSIS_KERNEL_POOL": "0",
    }
    os.environ.update(env)
    assert cli.main(["build", "--jobs", "2", "--only", ",".join(e.id for e in one_per_notebook)]) == 0
    assert {e.notebook for e in one_per_notebook} == {p.name for p in (REPO / "notebooks").glob("*.ipynb")}
    differing = []
    for entry in one_per_notebook:
        for suffix in (".html", ".ipynb"):
            name = f"{entry.output}{suffix}"
            if (first / name).read_bytes() != (second / name).read_bytes():
                differing.append(name)
    assert not differing, f"not reproducible: {differing}"


def test_a_changed_file_rebuilds_exactly_the_reports_that_read_it(built_catalogue, tmp_path: Path) -> None:
    """Every file a report read is in the manifest (found by the readers, not declared); changing any one of
    them makes the rebuild decision pick exactly the reports that read it. Runs no kernel: the session's
    manifest is planned against a copy of the project, the SSB snapshot and the cleaned data."""
    from analysis import lineage
    from analysis.build.manifest import read_manifest
    from analysis.build.pipeline import plan

    reports = Path(built_catalogue["reports"])
    manifest = read_manifest(reports)
    found = {rid: rec["found_inputs"] for rid, rec in manifest["reports"].items()}
    assert all(isinstance(f, dict) and f for f in found.values()), "a report without a record of what it read"
    # the bug this fixes: components.csv was missing from the overview's declared inputs
    assert (
        "{ssb}/components.csv" in found["befolkning-engerdal"] and "{ssb}/components.csv" in found["oversikt-engerdal"]
    )
    assert "{ssb}/components.csv" not in found["kraftfelt-samlet"]
    assert "{processed}/statements.parquet" in found["kraftfelt-arbeidsgruppe"]
    assert not any(name.startswith("/") for f in found.values() for name in f)  # portable, never a local path

    root = tmp_path / "project"
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    for name in ("profile.yaml", "catalogue.yaml"):
        shutil.copyfile(REPO / name, root / name)
    shutil.copytree(built_catalogue["ssb"] or REPO / "data" / "raw" / "ssb", tmp_path / "ssb")
    shutil.copytree(built_catalogue["processed"], tmp_path / "processed")
    os.environ.update(
        ANALYSIS_PROJECT_ROOT=str(root),
        ANALYSIS_SSB_DIR=str(tmp_path / "ssb"),
        ANALYSIS_PROCESSED_DIR=str(tmp_path / "processed"),
    )
    catalogue = load_catalogue(root / "catalogue.yaml")

    def stale() -> set[str]:
        return {s.entry.id for s in plan(catalogue, catalogue.reports, manifest, reports)[0]}

    assert stale() == set()  # the same content elsewhere: nothing to build
    names = sorted({name for f in found.values() for name in f})
    assert len(names) >= 12
    for name in names:
        path = lineage.resolve(name)
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        try:
            assert stale() == {rid for rid, f in found.items() if name in f}, name
        finally:
            path.write_bytes(original)
    assert stale() == set()
