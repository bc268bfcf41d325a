"""The report pipeline: rebuild decision, atomic writes, lock, and real builds of fixture notebooks."""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import papermill
import papermill.engines
import pytest
from jupyter_core.utils import run_sync

from analysis import cli, paths
from analysis.build import execute as build_execute
from analysis.build import kernels
from analysis.build.catalogue import load_catalogue
from analysis.build.lock import BuildLock
from analysis.build.manifest import code_hash, is_up_to_date, report_key
from analysis.build.pipeline import BuildOptions, StaleReport
from analysis.errors import AnalysisError
from analysis.fileio import atomic_path, atomic_write_text, file_hash
from conftest import FIXTURES

CATALOGUE = """
reports:
  - id: hello
    title: "Testrapport – Sømådalen og Drevsjø"
    notebook: hello.ipynb
    output: hello
    parameters: {greeting: "Hei fra Elgå <b>ikke fet</b>", repeat: 2}
    shareable: true
    inputs: ["{raw}/input.csv"]
    sources: ["Oppdiktede testdata"]
"""
FAILING = """
  - id: failing
    title: "Feilende rapport"
    notebook: failing.ipynb
    output: failing
  - id: nodata
    title: "Rapport uten data"
    notebook: nodata.ipynb
    output: nodata
"""


@contextmanager
def _build_kernelspec():
    """The build's kernelspec folder on ``JUPYTER_PATH`` for the block, removed and the variable restored after."""
    spec = build_execute._kernel_dir()
    try:
        with pytest.MonkeyPatch.context() as mp:  # restores JUPYTER_PATH (or its absence) on the way out
            mp.setenv("JUPYTER_PATH", str(spec))
            yield spec
    finally:
        shutil.rmtree(spec, ignore_errors=True)


@contextmanager
def _started_kernel(cwd: Path):
    """A kernel of the build's own manager (:func:`kernels.new_kernel_manager`), started in ``cwd``; shut down after."""
    with _build_kernelspec():
        km = kernels.new_kernel_manager()
        try:
            run_sync(km.start_kernel)(cwd=str(cwd))
            yield km
        finally:
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=True)


def _write_catalogue(root: Path, text: str) -> Path:
    path = root / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- rebuild decision (no kernels)


def test_report_key_changes_with_notebook_parameters_inputs_and_code(pipeline_project: Path) -> None:
    (pipeline_project / "data" / "raw" / "input.csv").write_text("a,b\n1,2\n")
    entry = load_catalogue(_write_catalogue(pipeline_project, CATALOGUE)).reports[0]
    key, inputs = report_key(entry, "code-1", lambda p: __import__("analysis.fileio").fileio.file_hash(p))
    assert list(inputs) == ["{raw}/input.csv"]
    same, _ = report_key(entry, "code-1", lambda p: __import__("analysis.fileio").fileio.file_hash(p))
    assert key == same
    # package code
    assert report_key(entry, "code-2", lambda p: "x")[0] != report_key(entry, "code-1", lambda p: "x")[0]

    # input content
    (pipeline_project / "data" / "raw" / "input.csv").write_text("a,b\n1,3\n")
    assert report_key(entry, "code-1", file_hash)[0] != key
    # parameters
    entry2 = load_catalogue(_write_catalogue(pipeline_project, CATALOGUE.replace("repeat: 2", "repeat: 3"))).reports[0]
    assert report_key(entry2, "code-1", file_hash)[0] != report_key(entry, "code-1", file_hash)[0]
    # notebook content
    before = report_key(entry, "code-1", file_hash)[0]
    nb = pipeline_project / "notebooks" / "hello.ipynb"
    nb.write_text(nb.read_text().replace("Hei fra Elgå", "Hei fra Heggeriset"))
    assert report_key(entry, "code-1", file_hash)[0] != before


def test_code_hash_is_stable_and_covers_templates() -> None:
    assert code_hash() == code_hash()
    assert len(code_hash()) == 32


def test_is_up_to_date_needs_same_key_ok_status_and_files(tmp_path: Path, pipeline_project: Path) -> None:
    entry = load_catalogue(_write_catalogue(pipeline_project, CATALOGUE)).reports[0]
    manifest = {"reports": {"hello": {"key": "k", "status": "ok", "found_inputs": {}}}}
    assert not is_up_to_date(entry, "k", manifest, tmp_path)  # files missing
    (tmp_path / "hello.html").write_text("x")
    (tmp_path / "hello.ipynb").write_text("x")
    assert is_up_to_date(entry, "k", manifest, tmp_path)
    assert not is_up_to_date(entry, "other", manifest, tmp_path)
    # the files the notebook read: unchanged, changed, or (looked for and absent) now present
    read = pipeline_project / "data" / "raw" / "input.csv"
    read.write_text("a\n1\n")
    manifest["reports"]["hello"]["found_inputs"] = {"{raw}/input.csv": file_hash(read), "{raw}/later.csv": "absent"}
    assert is_up_to_date(entry, "k", manifest, tmp_path)
    read.write_text("a\n2\n")
    assert not is_up_to_date(entry, "k", manifest, tmp_path)
    read.write_text("a\n1\n")
    (pipeline_project / "data" / "raw" / "later.csv").write_text("b\n")
    assert not is_up_to_date(entry, "k", manifest, tmp_path)
    (pipeline_project / "data" / "raw" / "later.csv").unlink()
    manifest["reports"]["hello"]["found_inputs"] = None  # no record (the kernel could not say): always built
    assert not is_up_to_date(entry, "k", manifest, tmp_path)
    manifest["reports"]["hello"]["found_inputs"] = {}
    manifest["reports"]["hello"]["status"] = "failed"
    assert not is_up_to_date(entry, "k", manifest, tmp_path)


# ---------------------------------------------------------------- atomic writes and the lock


def test_atomic_write_leaves_old_file_on_crash(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    atomic_write_text(target, "gammel")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("halv")
            raise RuntimeError("krasj midt i skrivingen")
    assert target.read_text() == "gammel"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temp file left


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.txt"
    atomic_write_text(target, "første")
    atomic_write_text(target, "andre – æøå")
    assert target.read_text(encoding="utf-8") == "andre – æøå"


def test_lock_stops_a_second_build_with_a_clear_message(tmp_path: Path, pipeline_project: Path, monkeypatch) -> None:
    monkeypatch.setenv("ANALYSIS_REPORTS_DIR", str(tmp_path / "reports"))
    _write_catalogue(pipeline_project, CATALOGUE)
    with BuildLock(tmp_path / "reports"):
        with pytest.raises(AnalysisError, match="another build is already writing"):
            with BuildLock(tmp_path / "reports"):
                pass
        rc = cli.main(["build", "--only", "hello"])
        assert rc == 2  # the CLI reports the lock as a user error
    with BuildLock(tmp_path / "reports"):  # released afterwards
        pass


def test_lock_is_held_across_processes(tmp_path: Path) -> None:
    import subprocess
    import sys

    reports = tmp_path / "reports"
    with BuildLock(reports):
        code = (
            "import sys; from pathlib import Path; from analysis.build.lock import BuildLock; "
            "from analysis.errors import AnalysisError\n"
            f"try:\n    BuildLock(Path({str(reports)!r})).__enter__()\nexcept AnalysisError as e:\n    print(e); sys.exit(3)"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    assert "another build is already writing" in proc.stdout


# ---------------------------------------------------------------- real builds (kernels)


def _fixture_project(root: Path, catalogue: str) -> Path:
    """A throw-away project like ``pipeline_project``, for fixtures wider than one test."""
    shutil.copytree(FIXTURES / "pipeline" / "notebooks", root / "notebooks")
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "processed").mkdir(parents=True)
    (root / "data" / "raw" / "input.csv").write_text("a,b\n1,2\n")
    _write_catalogue(root, catalogue)
    return root


def _build_fixture_project(folder: Path) -> dict:
    root = _fixture_project(folder / "project", CATALOGUE + FAILING)
    reports = folder / "out"
    saved = dict(os.environ)
    os.environ.update(
        ANALYSIS_PROJECT_ROOT=str(root), ANALYSIS_CATALOGUE=str(root / "catalogue.yaml"), SOURCE_DATE_EPOCH="1785312000"
    )
    try:
        rc = cli.main(["build", "--reports-dir", str(reports), "--jobs", "2"])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"rc": rc, "reports": str(reports)}


@pytest.fixture(scope="module")
def built_fixture(tmp_path_factory) -> Path:
    """The fixture catalogue (one good, one failing report) built once for the tests that only read it."""
    info = _build_fixture_project(tmp_path_factory.mktemp("built-fixture"))
    assert info["rc"] == 1  # one report fails on purpose
    return Path(info["reports"])


@pytest.mark.slow
def test_build_writes_readable_selfcontained_html(built_fixture: Path) -> None:
    html = (built_fixture / "hello.html").read_text(encoding="utf-8")
    assert html.count("<html") == 1 and '<html lang="nb">' in html
    assert "<h1>Testrapport – Sømådalen og Drevsjø</h1>" in html  # catalogue title, æøå intact
    assert "prøver hele løypa: æ, ø og å" in html
    assert "Hei fra Elgå &lt;b&gt;ikke fet&lt;/b&gt;" in html  # parameter text escaped in the list
    # no code, no prompts (the stylesheet mentions them; the content must not)
    content = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    assert "jp-InputArea-editor" not in content and "highlight" not in content
    assert "In&nbsp;[" not in content and "Out[" not in content
    assert "new_figure" not in content and "import" not in content
    # nothing loaded from elsewhere
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "cdn" not in html.lower() or "cdnjs" not in html.lower()
    assert re.search(r'<svg[^>]*role="img"[^>]*><title id="fig-[0-9a-f]+">Stolpediagram', html)  # chart, named
    # header and footer
    assert "<dt>repeat</dt><dd>2</dd>" in html  # parameters, one line each
    assert "Oppdiktede testdata" in html and "Kan deles utenfor kommunen" in html
    assert "Bygget" in html and "29.07.2026" in html  # SOURCE_DATE_EPOCH
    assert re.search(r"Laget med kommune-analyse versjon \d", html)
    assert html.count("<h1") == 1  # the notebook's own "# Testrapport" line is replaced by the header


@pytest.mark.slow
def test_missing_data_found_by_the_notebook_is_one_message_and_marked(built_fixture: Path) -> None:
    manifest = json.loads((built_fixture / "build-manifest.json").read_text())
    rec = manifest["reports"]["nodata"]
    assert rec["status"] == "missing" and "Testdataene for Sømådalen mangler" in rec["error"]
    page = (built_fixture / "nodata.html").read_text(encoding="utf-8")
    assert "Mangler data:" in page and "Testdataene for Sømådalen mangler" in page
    assert "Denne overskriften skal ikke vises" not in page and "Heller ikke dette" not in page
    index = (built_fixture / "index.html").read_text(encoding="utf-8")
    row = re.search(r"<li>[^\n]*Rapport uten data.*?</li>", index, flags=re.S).group(0)
    assert "Mangler data" in row and "Testdataene for Sømådalen mangler" in row
    assert "1 rapport(er) mangler data" in index
    status = (built_fixture / "status.html").read_text(encoding="utf-8")
    assert re.search(r"<tr><td>[^\n]*Rapport uten data.*?Mangler data.*?</tr>", status)


@pytest.mark.slow
def test_failure_is_isolated_and_visible(built_fixture: Path) -> None:
    assert (built_fixture / "hello.html").is_file()  # the other report was built
    failing = (built_fixture / "failing.html").read_text(encoding="utf-8")
    manifest = json.loads((built_fixture / "build-manifest.json").read_text())
    assert "ZeroDivisionError" in (manifest["reports"]["failing"]["error"] or ""), manifest["reports"]["failing"]
    assert "Rapporten feilet under bygging" in failing
    assert "ZeroDivisionError" in failing
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<style.*?</style>", "", failing, flags=re.S)))
    assert "result = 1 / divisor  # feiler her" in text  # the failing cell's source is shown
    assert "never reached" not in text  # later cells did not run and their code stays hidden
    assert "divisor = 0" not in text.replace("result = 1 / divisor", "")  # other cells stay hidden
    index = (built_fixture / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nb">' in index
    assert 'href="hello.html"' in index and 'href="failing.html"' in index
    assert "Feilet" in index and "1 rapport(er) feilet" in index
    manifest = json.loads((built_fixture / "build-manifest.json").read_text())
    assert manifest["reports"]["failing"]["status"] == "failed"
    assert manifest["reports"]["hello"]["status"] == "ok"
    assert "ZeroDivisionError" in (built_fixture / "build.log").read_text()
    nb = json.loads((built_fixture / "hello.ipynb").read_text())
    assert nb["metadata"]["papermill"]["start_time"] is None  # timing normalised
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.slow
def test_incremental_rebuild(tmp_path: Path, monkeypatch, capsys) -> None:
    root = _fixture_project(tmp_path / "project", CATALOGUE)
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(root))
    monkeypatch.setenv("ANALYSIS_CATALOGUE", str(root / "catalogue.yaml"))
    reports = tmp_path / "out"
    assert cli.main(["build", "--reports-dir", str(reports)]) == 0
    # nothing changed: up to date
    capsys.readouterr()
    rc = cli.main(["build", "--reports-dir", str(reports), "--only", "hello"])
    out = capsys.readouterr().out
    assert rc == 0 and "0 built, 1 up to date" in out
    before = (reports / "hello.html").stat().st_mtime_ns
    # an input file changes -> rebuilt
    (root / "data" / "raw" / "input.csv").write_text("a,b\n9,9\n")
    rc = cli.main(["build", "--reports-dir", str(reports), "--only", "hello"])
    out = capsys.readouterr().out
    assert rc == 0 and "1 built, 0 up to date" in out
    assert (reports / "hello.html").stat().st_mtime_ns != before
    # --force rebuilds although nothing changed
    rc = cli.main(["build", "--reports-dir", str(reports), "--only", "hello", "--force"])
    assert "1 built" in capsys.readouterr().out


KERNELS = """
reports:
  - id: plant
    title: "Planter tilstand"
    notebook: plant.ipynb
    output: plant
  - id: probe
    title: "Ser etter tilstand"
    notebook: probe.ipynb
    output: probe
"""


@pytest.mark.slow
def test_each_report_gets_a_fresh_warm_kernel_and_what_it_read_decides_its_rebuild(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """One worker builds ``plant`` (a global, an environment variable and a module attribute left in its kernel),
    then ``probe`` on the kernel the pool started meanwhile: it sees none of it, and it finds the package already
    imported. ``probe`` reads components.csv through the snapshot reader: changing that file rebuilds ``probe``
    and only ``probe``, although the catalogue declares no inputs."""
    root = _fixture_project(tmp_path / "project", KERNELS)
    ssb = tmp_path / "ssb"
    ssb.mkdir()
    components = ssb / "components.csv"
    shutil.copyfile(paths.ssb_dir() / "components.csv", components)
    reports = tmp_path / "out"
    for var, value in {
        "ANALYSIS_PROJECT_ROOT": root,
        "ANALYSIS_CATALOGUE": root / "catalogue.yaml",
        "ANALYSIS_SSB_DIR": ssb,
        "SOURCE_DATE_EPOCH": "1785312000",
    }.items():
        monkeypatch.setenv(var, str(value))
    assert cli.main(["build", "--reports-dir", str(reports), "--jobs", "1"]) == 0
    assert "plantet: plantet" in (reports / "plant.html").read_text(encoding="utf-8")
    probe = (reports / "probe.html").read_text(encoding="utf-8")
    assert "spor: ingen" in probe  # no state from the report before
    assert "forvarmet: True" in probe  # the pooled kernel had imported the package before the first cell
    # what each notebook read, found by the readers, in the notebook's metadata and the manifest
    manifest = json.loads((reports / "build-manifest.json").read_text())
    assert manifest["reports"]["probe"]["found_inputs"] == {"{ssb}/components.csv": file_hash(components)}
    assert manifest["reports"]["plant"]["found_inputs"] == {}
    nb = json.loads((reports / "probe.ipynb").read_text())
    assert nb["metadata"]["analysis"]["inputs"] == manifest["reports"]["probe"]["found_inputs"]
    assert "components.csv" not in probe  # the record is never on the page
    capsys.readouterr()
    assert cli.main(["build", "--reports-dir", str(reports), "--jobs", "1"]) == 0
    assert "0 built, 2 up to date" in capsys.readouterr().out
    components.write_text(components.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cli.main(["build", "--reports-dir", str(reports), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 built, 1 up to date" in out and "ok     probe" in out
    components.unlink()  # a file the reader looked for and did not find is part of the record too
    assert cli.main(["build", "--reports-dir", str(reports), "--jobs", "1"]) == 0
    manifest = json.loads((reports / "build-manifest.json").read_text())
    assert manifest["reports"]["probe"]["found_inputs"] == {"{ssb}/components.csv": "absent"}
    capsys.readouterr()
    components.write_text("region,year,net_migration\n3425,2020,1\n", encoding="utf-8")
    assert cli.main(["build", "--reports-dir", str(reports), "--jobs", "1"]) == 0
    assert "1 built, 1 up to date" in capsys.readouterr().out


@pytest.mark.slow
def test_pooled_kernels_started_without_the_template_are_fresh_too(tmp_path: Path, monkeypatch) -> None:
    """``ANALYSIS_KERNEL_POOL=warm`` (what a platform without fork gets): kernels started from scratch ahead of
    need and warmed up; the next report still sees nothing of the one before."""
    root = _fixture_project(tmp_path / "project", KERNELS)
    reports = tmp_path / "out"
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(root))
    monkeypatch.setenv("ANALYSIS_CATALOGUE", str(root / "catalogue.yaml"))
    monkeypatch.setenv("ANALYSIS_KERNEL_POOL", "warm")
    assert cli.main(["build", "--reports-dir", str(reports), "--jobs", "1"]) == 0
    probe = (reports / "probe.html").read_text(encoding="utf-8")
    assert "spor: ingen" in probe and "forvarmet: True" in probe


@pytest.mark.slow
def test_requests_sent_ahead_never_run_a_cell_after_a_failed_one(tmp_path: Path, monkeypatch) -> None:
    """Each cell's execute request goes to the kernel while the cell before it runs (:class:`AheadClient`). A cell
    that fails stops the notebook there, as papermill does: the request waiting behind it is aborted by the kernel
    (the cell after writes a file: it is not written, and it has no output), and the kernel still says which
    files the notebook read before it failed. A notebook that runs through gives each cell its own output."""
    root = _fixture_project(
        tmp_path / "project", "reports:\n  - {id: ahead, title: Forut, notebook: ahead.ipynb, output: ahead}\n"
    )
    marker = tmp_path / "ran-after-the-failure.txt"
    ssb = tmp_path / "ssb"
    ssb.mkdir()
    components = ssb / "components.csv"
    shutil.copyfile(paths.ssb_dir() / "components.csv", components)

    def notebook(failing: bool) -> None:
        import nbformat

        cells = [
            nbformat.v4.new_markdown_cell("# Forut"),
            nbformat.v4.new_code_cell("detail = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("from analysis.population import snapshot\nn = len(snapshot.read_components())"),
            nbformat.v4.new_code_cell("print('celle to')"),
            nbformat.v4.new_code_cell("1 / 0" if failing else "print('celle tre')"),
            nbformat.v4.new_markdown_cell("Tekst mellom cellene."),
            nbformat.v4.new_code_cell(
                f"import pathlib\npathlib.Path({str(marker)!r}).write_text('kjørt')\nprint('celle fire')"
            ),
        ]
        kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernelspec})
        nbformat.write(nb, root / "notebooks" / "ahead.ipynb")

    sent_ahead: list[str] = []
    real = kernels.PromptKernelClient.send_after_next
    monkeypatch.setattr(
        kernels.PromptKernelClient,
        "send_after_next",
        lambda self, code, **kw: (sent_ahead.append(code.splitlines()[-1]), real(self, code, **kw))[1],
    )
    for var, value in {
        "ANALYSIS_PROJECT_ROOT": root,
        "ANALYSIS_CATALOGUE": root / "catalogue.yaml",
        "ANALYSIS_SSB_DIR": ssb,
    }.items():
        monkeypatch.setenv(var, str(value))
    reports = tmp_path / "out"
    notebook(failing=True)
    assert cli.main(["build", "--reports-dir", str(reports), "--jobs", "1"]) == 1
    assert sent_ahead[-3:] == ["print('celle to')", "1 / 0", "print('celle fire')"]  # sent behind the one before
    assert not marker.exists()  # the request behind the failed cell was aborted, not run
    manifest = json.loads((reports / "build-manifest.json").read_text())
    assert (
        manifest["reports"]["ahead"]["status"] == "failed"
        and "ZeroDivisionError" in manifest["reports"]["ahead"]["error"]
    )
    assert manifest["reports"]["ahead"]["found_inputs"] == {"{ssb}/components.csv": file_hash(components)}
    code = [c for c in json.loads((reports / "ahead.ipynb").read_text())["cells"] if c["cell_type"] == "code"]
    assert code[-1]["outputs"] == [] and code[-1]["execution_count"] is None
    assert code[-2]["outputs"][0]["ename"] == "ZeroDivisionError"
    notebook(failing=False)
    assert cli.main(["build", "--reports-dir", str(reports), "--jobs", "1"]) == 0
    assert marker.read_text() == "kjørt"
    code = [c for c in json.loads((reports / "ahead.ipynb").read_text())["cells"] if c["cell_type"] == "code"]
    assert ["".join(c["outputs"][0]["text"]) for c in code[-3:]] == ["celle to\n", "celle tre\n", "celle fire\n"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))


@pytest.mark.slow
def test_a_request_sent_ahead_is_returned_once_and_never_sent_twice(tmp_path: Path) -> None:
    """:class:`PromptKernelClient`: the request named by ``send_after_next`` goes out right after the next one; the
    later ``execute`` of it returns its id and sends nothing; any other request while it waits is an error (it
    would run out of its order), and ``take_ahead`` forgets it."""
    with _started_kernel(tmp_path) as km:
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        kc.send_after_next("n = n + 1")
        first = kc.execute("n = 1")
        second = kc.execute("n = n + 1")
        assert second != first
        kc.send_after_next("n = n * 10")
        third = kc.execute("n = n + 1")
        with pytest.raises(RuntimeError, match="sent ahead"):
            kc.execute("n = n + 100")
        pending = kc.execute("n = n * 10", silent=True)  # other arguments: not the request sent ahead
        assert kc.take_ahead() is None
        kc.send_after_next("n = n - 1")
        kc.execute("n = n * 2")
        waiting = kc.take_ahead()
        assert waiting is not None and kc.take_ahead() is None
        kc.send_after_next("n = n + 1000")  # a plan for the request that is sent now: not sent a second time
        last = kc.execute("n = n + 1000")
        assert kc.take_ahead() is None
        replies = {}
        while len(replies) < 8:
            msg = run_sync(kc.shell_channel.get_msg)(timeout=30)
            replies[msg["parent_header"]["msg_id"]] = msg["content"]
        assert all(r["status"] == "ok" for r in replies.values())
        assert {first, second, third, pending, waiting, last} <= set(replies)
        check = kc.execute("", silent=True, user_expressions={"n": "n"})
        while True:
            msg = run_sync(kc.shell_channel.get_msg)(timeout=30)
            if msg["parent_header"]["msg_id"] == check:
                break
        # n = 1; +1; +1; *10 (sent ahead, then not asked for); *10 (silent); *2; -1 (sent ahead, forgotten); +1000 once
        n = (((1 + 1 + 1) * 10 * 10) * 2) - 1 + 1000
        assert msg["content"]["user_expressions"]["n"]["data"]["text/plain"] == str(n)
        kc.stop_channels()


@pytest.mark.slow
def test_parameter_errors_stop_the_build_before_any_kernel(pipeline_project: Path, tmp_path: Path, capsys) -> None:
    _write_catalogue(
        pipeline_project,
        CATALOGUE.replace("repeat: 2", "repat: 2")
        + "  - {id: needs, title: Trenger, notebook: required.ipynb, output: needs}\n",
    )
    rc = cli.main(["build", "--reports-dir", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "parameter 'repat' is not declared" in err
    assert "'kommunenummer' without a default" in err
    assert not (tmp_path / "r" / "hello.html").exists()


def test_unknown_only_pattern_is_an_error(pipeline_project: Path, tmp_path: Path, capsys) -> None:
    _write_catalogue(pipeline_project, CATALOGUE)
    assert cli.main(["build", "--reports-dir", str(tmp_path / "r"), "--only", "nope*"]) == 2
    assert "no report id matches" in capsys.readouterr().err


def test_dir_options_set_environment(tmp_path: Path, pipeline_project: Path, monkeypatch) -> None:
    _write_catalogue(pipeline_project, "reports:\n")
    rc = cli.main(["build", "--reports-dir", str(tmp_path / "elsewhere"), "--data-dir", str(tmp_path / "d")])
    assert rc == 0
    assert paths.reports_dir() == (tmp_path / "elsewhere").resolve()
    assert paths.data_dir() == (tmp_path / "d").resolve()
    assert (tmp_path / "elsewhere" / "index.html").is_file()


@pytest.mark.slow
def test_share_bundle_has_only_shareable_html(built_fixture: Path, monkeypatch, capsys) -> None:
    import zipfile

    project = built_fixture.parent / "project"
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(project))
    monkeypatch.setenv("ANALYSIS_CATALOGUE", str(project / "catalogue.yaml"))

    rc = cli.main(["share", "--reports-dir", str(built_fixture)])
    assert rc == 0
    bundle = built_fixture / "deling.zip"
    names = sorted(zipfile.ZipFile(bundle).namelist())
    assert names == ["deling/hello.html", "deling/index.html"]  # failing is internal; no .ipynb
    index = (built_fixture / "deling" / "index.html").read_text(encoding="utf-8")
    assert "hello.html" in index and "Feilende rapport" not in index
    first = bundle.read_bytes()
    cli.main(["share", "--reports-dir", str(built_fixture)])
    assert bundle.read_bytes() == first  # deterministic zip


# ---------------------------------------------------------------- required data (checked before any kernel)

NEEDS_POPULATION = """
reports:
  - id: needs-population
    title: "Trenger befolkningstall"
    notebook: hello.ipynb
    output: needs-population
    requires: [population]
"""


def _needs_population(project: Path, optional: bool) -> None:
    _write_catalogue(project, NEEDS_POPULATION + ("    optional: true\n" if optional else ""))
    (project / "profile.yaml").write_text('kommune: {number: "3417", name: Grue}\n', encoding="utf-8")
    (project / "data" / "raw" / "ssb").mkdir(parents=True)  # an empty snapshot folder


def test_missing_required_data_fails_the_build_without_a_kernel(pipeline_project: Path, capsys) -> None:
    _needs_population(pipeline_project, optional=False)
    assert cli.main(["build"]) == 3
    err = capsys.readouterr().err
    assert "needs-population: Befolkningstallene fra SSB mangler" not in err  # the folder exists, files missing
    assert "SSB-utdraget mangler" in err and "--allow-missing" in err
    page = (pipeline_project / "reports" / "needs-population.html").read_text(encoding="utf-8")
    assert "Mangler data:" in page and "Hilsenen vises" not in page  # the notebook never ran
    assert str(pipeline_project) not in page  # no local folder on the page
    manifest = json.loads((pipeline_project / "reports" / "build-manifest.json").read_text())
    assert manifest["reports"]["needs-population"]["status"] == "missing"
    assert cli.main(["build"]) == 3  # still missing when nothing changed (up to date, still failing)
    assert cli.main(["build", "--allow-missing"]) == 0


def test_optional_report_waits_for_its_data(pipeline_project: Path) -> None:
    _needs_population(pipeline_project, optional=True)
    assert cli.main(["build"]) == 0
    index = (pipeline_project / "reports" / "index.html").read_text(encoding="utf-8")
    assert "Venter på data" in index and "mangler data" not in index.split("<table")[0]
    page = (pipeline_project / "reports" / "needs-population.html").read_text(encoding="utf-8")
    assert "Venter på data:" in page and "Mangler data:" not in page  # the page says what the index says


def test_charts_come_through_the_export_unchanged() -> None:
    """The page holds each inline SVG chart byte for byte where it was (no HTML parser re-writes the page)."""
    import nbformat

    from analysis.build import execute

    svg = '<svg role="img" viewBox="0 0 10 10"><title id="fig-1">Søyler</title><path d="M 0 0 L 1 1 "/></svg>'
    other = svg.replace("Søyler", "Linjer")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": f"<p>Før</p>{svg}<p>mellom</p>{other}"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<p>Ingen figur</p>"}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("## Del"), cell]
    page = execute.render_html(nb, {"title": "T", "failed": False, "error": "", "illustrative": False})
    assert svg in page and other in page and page.index(svg) < page.index("mellom") < page.index(other)
    assert "viewBox" in page  # not lower-cased
    assert re.search(r'<div class="[^"]*jp-OutputArea-output ?"[^>]*tabindex="0"', page)  # outputs focusable


def test_the_engine_writes_the_executed_notebook_once_not_at_every_cell(tmp_path: Path, monkeypatch) -> None:
    """papermill saves the whole notebook at every cell's start and end; with the build's engine it saves when the
    notebook starts and when it completes, and the file holds every cell's output."""
    assert papermill.engines.papermill_engines.get_engine("analysis") is build_execute.PooledEngine
    writes: list[str] = []
    real = papermill.engines.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb", lambda nb, path: (writes.append(path), real(nb, path)))
    out = tmp_path / "executed.ipynb"
    papermill.execute_notebook(
        str(FIXTURES / "pipeline" / "notebooks" / "hello.ipynb"),
        str(out),
        parameters={"greeting": "Hei fra Sømådalen", "repeat": 2},
        engine_name="analysis",
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    assert writes == [str(out)] * 2  # when it starts and when it completes; papermill alone: 2 + 2 per code cell
    nb = json.loads(out.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["metadata"]["papermill"]["status"] == "completed" for c in code)
    assert "Hei fra Sømådalen" in json.dumps(nb, ensure_ascii=False)
    assert any("image/svg+xml" in json.dumps(c["outputs"]) or "<svg" in json.dumps(c["outputs"]) for c in code)


def test_the_kernel_template_has_imported_what_a_population_report_imports(tmp_path: Path) -> None:
    """A kernel forked from the template finds every module a population report needs already loaded:
    running the report's sections imports no new pyarrow or matplotlib module (each would be paid again in
    every report's kernel; pyarrow loads ``pyarrow.dataset``, 0.04 s, itself on the first filtered read).
    Two private pandas modules (together under 1 ms) are left to load when needed."""
    script = (
        "import sys\n"
        "from analysis.build.kernels import WARM_MODULES\n"
        "from analysis.build.zygote import KERNEL_START_MODULES\n"
        "for name in (*WARM_MODULES, *KERNEL_START_MODULES): __import__(name)\n"
        "from analysis.population import sections\n"
        "before = set(sys.modules)\n"
        "r = sections.load('3425', None, backtest_from=2016, horizon=2050)\n"
        "for name in ('now', 'history', 'components', 'comparison', 'women', 'young', 'pyramid', 'movers',\n"
        "             'movers_table', 'outlook', 'outlook_chart', 'backtest', 'official'):\n"
        "    getattr(sections, name)(r)\n"
        "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in ('pyarrow', 'matplotlib')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "ANALYSIS_SSB_DIR"}
    env.update(MPLBACKEND="module://matplotlib_inline.backend_inline", PYDEVD_DISABLE_FILE_VALIDATION="1")
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=paths.project_root(), env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


@pytest.mark.slow
def test_the_ready_check_does_not_wait_for_silence_and_still_fails_on_a_dead_kernel(tmp_path: Path) -> None:
    """Clients of the build's kernels are :class:`PromptKernelClient`: the kernel_info handshake as jupyter_client
    does it, the IOPub messages it left dropped (not waited out; nbclient ignores a late status of it, as this
    reader does), the first request's output its own; a kernel that died is an error, not a wait without end."""
    with _started_kernel(tmp_path) as km:
        kc = km.client()
        assert isinstance(kc, kernels.PromptKernelClient)
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        msg_id = kc.execute("print('første svar')")
        outputs = []
        while True:
            msg = run_sync(kc.iopub_channel.get_msg)(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:  # only a late status of the handshake may remain
                assert msg["msg_type"] == "status", msg["msg_type"]
                assert msg["parent_header"].get("msg_type") == "kernel_info_request"
                continue
            if msg["msg_type"] == "stream":
                outputs.append(msg["content"]["text"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        assert outputs == ["første svar\n"]
        kc.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)
        dead = km.client()
        dead.start_channels()
        with pytest.raises(RuntimeError, match="died|respond"):
            run_sync(dead.wait_for_ready)(timeout=3)
        dead.stop_channels()


def test_one_notebook_for_many_entries_is_inspected_once(pipeline_project: Path, monkeypatch) -> None:
    """An entry expanded over many values (357 municipalities) inspects its notebook's parameters once per
    build, not once per report; every report still gets its own parameters."""
    _write_catalogue(
        pipeline_project,
        """
reports:
  - id: "hello-{n}"
    title: "Testrapport {n}"
    notebook: hello.ipynb
    output: "hello-{n}"
    parameters: {greeting: "Hei {n}", repeat: 1}
    for_each: [{n: "a"}, {n: "b"}, {n: "c"}]
""",
    )
    calls: list[Path] = []
    real = build_execute.notebook_parameters
    monkeypatch.setattr(build_execute, "notebook_parameters", lambda p: (calls.append(p), real(p))[1])
    seen: list[dict] = []

    def run(tasks, options, echo):
        seen.extend(tasks)
        return {t["id"]: {"id": t["id"], "status": "ok", "seconds": 0.0} for t in tasks}

    monkeypatch.setattr(build_execute, "_run_tasks", run)
    build_execute.run_stale(
        [StaleReport(e, "key", {}, None) for e in load_catalogue().reports], load_catalogue(), pipeline_project / "reports",
        BuildOptions(jobs=1), "i dag",
    )  # fmt: skip
    assert len(calls) == 1
    assert sorted((t["id"], t["parameters"]["greeting"]) for t in seen) == [
        ("hello-a", "Hei a"), ("hello-b", "Hei b"), ("hello-c", "Hei c"),
    ]  # fmt: skip


def test_a_relative_folder_setting_follows_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    """Folder settings are resolved once and remembered, but a relative one still means relative to the
    folder the process is in at the time."""
    (tmp_path / "one" / "p").mkdir(parents=True)
    (tmp_path / "two" / "p").mkdir(parents=True)
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", "p")
    monkeypatch.chdir(tmp_path / "one")
    assert paths.project_root() == (tmp_path / "one" / "p").resolve()
    monkeypatch.chdir(tmp_path / "two")
    assert paths.project_root() == (tmp_path / "two" / "p").resolve()
    monkeypatch.setenv("ANALYSIS_PROJECT_ROOT", str(tmp_path / "one" / "p"))
    assert paths.project_root() == (tmp_path / "one" / "p").resolve()


def test_a_killed_forked_kernel_is_gone_when_kill_returns(tmp_path: Path) -> None:
    """jupyter_client sleeps 0.1 s whenever a kernel it killed still exists at its first check; the build's
    provisioner returns from ``kill`` only when the forked kernel is gone, so that check finds it dead."""
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    with _build_kernelspec():
        pool = kernels.KernelPool(warm=True, fork=True)
        try:
            km = pool.take(str(tmp_path), dict(os.environ), prestart=False)
            assert isinstance(km.provisioner, kernels.ForkProvisioner)
            pid = km.provisioner.pid
            os.kill(pid, 0)  # running
            run_sync(km.provisioner.kill)()
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
            assert not run_sync(km.is_alive)()  # what jupyter_client asks before it would sleep
            run_sync(km.cleanup_resources)()
        finally:
            pool.close()


def test_an_optional_report_whose_notebook_found_no_data_says_it_waits() -> None:
    """The notebook shows «Mangler data:» (it cannot know whether its report is optional); the build makes the
    page of an optional report say «Venter på data:», as the index does, and keeps the message."""
    import nbformat

    from analysis.build import execute
    from analysis.build.requirements import missing_message
    from analysis.report.html import missing_data

    nb = nbformat.v4.new_notebook()
    shown = missing_data("Det er ikke registrert noen utsagn fra ungdomsrådet.").data
    nb.cells = [
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("display_data", data={"text/html": shown})])
    ]
    found = missing_message(nb)
    execute._mark_waiting(nb, found)
    page = nb.cells[0].outputs[0]["data"]["text/html"]
    assert "Venter på data:" in page and "Mangler data:" not in page and "callout-error" not in page
    assert missing_message(nb) == found  # the build still finds the message
