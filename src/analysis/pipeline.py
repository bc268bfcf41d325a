"""The report pipeline: catalogue → papermill → nbconvert → ``reports/``.

``build()`` runs the catalogue:

* reports whose inputs did not change are skipped (content hashes of the
  notebook, its parameters, the package's code and every input file, kept in
  ``reports/build-manifest.json``), so a rebuild with nothing changed only
  hashes files;
* stale reports are checked against their notebook's ``parameters`` cell
  (papermill's inspection) before any kernel starts;
* each report is executed with papermill's Python API and exported with
  nbconvert's Python API in a worker process (``--jobs``), on a kernel that
  runs this very interpreter, so a fresh virtualenv never hits "No such
  kernel";
* the executed notebook and the HTML are written atomically; a failing
  notebook gets an HTML page showing the failing cell and its error, the
  others still build, and the build's result is non-zero;
* ``reports/index.html`` lists every report with its status; a lock keeps two
  builds from writing ``reports/`` at once; progress goes to the terminal and
  ``reports/build.log``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from analysis import __version__, paths
from analysis.catalogue import Catalogue, ReportEntry, build_parameters, check_parameters, load_catalogue, notebook_parameters
from analysis.errors import AnalysisError
from analysis.fileio import atomic_path, atomic_write_text, bytes_hash, file_hash

MANIFEST_NAME = "build-manifest.json"
LOCK_NAME = ".build.lock"
LOG_NAME = "build.log"
KERNEL_NAME = "kommune-analyse-build"
TEMPLATE_DIR = paths.PACKAGE_DIR / "templates"
# Bump when the way reports are rendered changes in a way the code hash would not catch.
PIPELINE_FORMAT = 1

log = logging.getLogger("analysis.build")


# --------------------------------------------------------------------------- hashing


_CODE_SUFFIXES = {".py", ".yaml", ".yml", ".j2", ".css", ".json", ".txt", ".csv"}


def code_hash(package_dir: Path = paths.PACKAGE_DIR) -> str:
    """A hash over the package's own source files (code, templates, codebooks)."""
    parts = []
    for p in sorted(package_dir.rglob("*")):
        if p.is_file() and p.suffix in _CODE_SUFFIXES and "__pycache__" not in p.parts:
            parts.append(f"{p.relative_to(package_dir).as_posix()}:{file_hash(p)}")
    return bytes_hash("\n".join(parts).encode())


class _HashCache:
    def __init__(self) -> None:
        self._cache: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        if path not in self._cache:
            self._cache[path] = file_hash(path)
        return self._cache[path]


def _display_path(path: Path) -> str:
    """A path relative to a known folder, so manifests do not depend on where the data lives."""
    for label, base in (
        ("processed", paths.processed_dir()),
        ("ssb", paths.ssb_dir()),
        ("raw", paths.raw_dir()),
        ("data", paths.data_dir()),
        ("root", paths.project_root()),
    ):
        try:
            return f"{{{label}}}/{path.resolve().relative_to(base.resolve()).as_posix()}"
        except ValueError:
            continue
    return str(path)


def report_key(entry: ReportEntry, code: str, hasher: Callable[[Path], str]) -> tuple[str, dict[str, str]]:
    """The content key of a report and the input hashes it was computed from."""
    nb_path = entry.notebook_path()
    inputs = {_display_path(p): hasher(p) for p in entry.input_files()}
    material = {
        "format": PIPELINE_FORMAT,
        "version": __version__,
        "code": code,
        "notebook": hasher(nb_path) if nb_path.is_file() else "missing",
        "entry": entry.model_dump(mode="json"),
        "inputs": inputs,
    }
    return bytes_hash(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()), inputs


# --------------------------------------------------------------------------- manifest


def read_manifest(reports_dir: Path) -> dict[str, Any]:
    path = reports_dir / MANIFEST_NAME
    if not path.is_file():
        return {"reports": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return {"reports": {}}
    data.setdefault("reports", {})
    return data


def write_manifest(reports_dir: Path, manifest: dict[str, Any]) -> None:
    atomic_write_text(reports_dir / MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def is_up_to_date(entry: ReportEntry, key: str, manifest: dict[str, Any], reports_dir: Path) -> bool:
    """True when the last build of ``entry`` succeeded with the same key and its files exist."""
    rec = manifest.get("reports", {}).get(entry.id)
    if not rec or rec.get("key") != key or rec.get("status") != "ok":
        return False
    return (reports_dir / f"{entry.output}.html").is_file() and (reports_dir / f"{entry.output}.ipynb").is_file()


# --------------------------------------------------------------------------- lock


class BuildLock:
    """An exclusive lock on a reports folder (released when the process ends, even on a crash)."""

    def __init__(self, reports_dir: Path) -> None:
        from filelock import FileLock

        self.path = reports_dir / LOCK_NAME
        reports_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.path), thread_local=False)

    def __enter__(self) -> "BuildLock":
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise AnalysisError(
                f"another build is already writing to {self.path.parent}. Wait for it to finish and "
                "run the command again (the lock is released automatically when that build ends).",
                file=self.path,
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


# --------------------------------------------------------------------------- options and results


def build_date_text(now: datetime | None = None) -> str:
    """The build time readers see: ``SOURCE_DATE_EPOCH`` if set (reproducible builds), else now, Oslo time."""
    from zoneinfo import ZoneInfo

    if now is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        now = datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    try:
        local = now.astimezone(ZoneInfo("Europe/Oslo"))
    except Exception:  # pragma: no cover - no tz database
        local = now
    return local.strftime("%d.%m.%Y kl. %H:%M")


@dataclass
class BuildOptions:
    only: str | None = None
    jobs: int | None = None
    force: bool = False
    catalogue: Path | None = None
    timeout: int = 900  # seconds per cell
    echo: Callable[[str], None] = print


@dataclass
class ReportResult:
    id: str
    status: str  # ok | failed | skipped
    seconds: float = 0.0
    error: str | None = None
    html: str | None = None
    notebook: str | None = None


@dataclass
class BuildSummary:
    results: list[ReportResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def built(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "ok"]

    @property
    def skipped(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "skipped"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# --------------------------------------------------------------------------- the worker


def _kernel_dir() -> Path:
    """A private Jupyter data folder with a kernelspec for *this* interpreter."""
    base = Path(tempfile.mkdtemp(prefix="analysis-kernel-"))
    spec_dir = base / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    # CRITICAL: the kernel's own log only ever said "KeyboardInterrupt caught in kernel." when the
    # client shut an idle kernel down; errors in a notebook reach the build through papermill.
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "--IPKernelApp.log_level=CRITICAL", "-f", "{connection_file}"],
        "display_name": "Python (kommune-analyse)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return base


def _normalise_notebook(nb: Any, entry_notebook: str, output_name: str) -> None:
    """Remove run-specific metadata so the same inputs give the same notebook bytes."""
    meta = nb.metadata
    pm = meta.get("papermill")
    if pm is not None:
        for key in ("start_time", "end_time", "duration"):
            if key in pm:
                pm[key] = None
        pm["input_path"] = f"notebooks/{entry_notebook}"
        pm["output_path"] = f"reports/{output_name}.ipynb"
        pm.pop("environment_variables", None)
    meta["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    for i, cell in enumerate(nb.cells):
        cmeta = cell.get("metadata", {})
        cmeta.pop("execution", None)
        cpm = cmeta.get("papermill")
        if cpm is not None:
            for key in ("start_time", "end_time", "duration"):
                if key in cpm:
                    cpm[key] = None
        tags = cmeta.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            cell["id"] = f"papermill-error-{i}"


def _prepare_for_html(nb: Any) -> None:
    """Hide code (except a cell that failed) and drop the notebook's own ``# Title`` line."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        failed = any(o.get("output_type") == "error" for o in cell.get("outputs", [])) or (
            cell.get("metadata", {}).get("papermill", {}).get("exception") is True
        )
        if not failed:
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    # The page title comes from the catalogue (the only <h1>); drop the notebook's own.
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            if "papermill-error-cell-tag" in cell.get("metadata", {}).get("tags", []):
                continue
            lines = cell.source.splitlines()
            if lines and lines[0].startswith("# "):
                cell.source = "\n".join(lines[1:]).lstrip("\n")
            break


def _css() -> str:
    return (TEMPLATE_DIR / "report" / "report.css").read_text(encoding="utf-8")


def shows_illustrative_notice(nb: Any) -> bool:
    """True when an output of the executed notebook is :func:`analysis.reporting.illustrative_notice`.

    The notebook knows whether its data are illustrative (the cleaned data's manifest says so); the
    build takes it from there, so a report built from real data is never labelled illustrative.
    """
    from analysis.reporting import ILLUSTRATIVE_CLASS

    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            html = out.get("data", {}).get("text/html", "")
            if isinstance(html, list):
                html = "".join(html)
            if ILLUSTRATIVE_CLASS in html:
                return True
    return False


def render_html(nb: Any, meta: dict[str, Any]) -> str:
    """Export an executed notebook to self-contained reader HTML with nbconvert's Python API."""
    import copy

    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    _prepare_for_html(nb)
    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="nb",
        embed_images=True,
    )
    resources = {"report": {**meta, "css": _css(), "version": __version__}, "metadata": {"name": meta["title"]}}
    nb.metadata["title"] = meta["title"]
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _error_notebook(message: str) -> Any:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            source="# Notebooken kunne ikke kjøres",
            outputs=[nbformat.v4.new_output("error", ename="BuildError", evalue=message, traceback=[message])],
        )
    )
    return nb


def build_one(task: dict[str, Any]) -> dict[str, Any]:
    """Execute one report and write its notebook and HTML. Runs in a worker process.

    ``task`` holds plain values (picklable). Returns a result dict; never
    raises for a notebook failure (that is a result), only for bugs here.
    """
    import nbformat
    import papermill as pm

    # A forkserver worker inherits the environment of the first build in this
    # process; take the current build's (folders, kernel path) from the task.
    os.environ.clear()
    os.environ.update(task["env"])
    start = time.perf_counter()
    reports_dir = Path(task["reports_dir"])
    html_path = reports_dir / f"{task['output']}.html"
    nb_path = reports_dir / f"{task['output']}.ipynb"
    status, error = "ok", None
    with tempfile.TemporaryDirectory(prefix="analysis-run-") as tmp:
        executed = Path(tmp) / "executed.ipynb"
        try:
            pm.execute_notebook(
                task["notebook"],
                str(executed),
                parameters=task["parameters"],
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=task["cwd"],
                execution_timeout=task["timeout"],
                start_timeout=120,
            )
        except pm.PapermillExecutionError as exc:
            status = "failed"
            error = f"{exc.ename}: {exc.evalue}".strip().rstrip(":")
        except Exception as exc:  # kernel died, bad notebook JSON, ...
            status = "failed"
            error = f"{type(exc).__name__}: {exc}"
        if executed.is_file():
            nb = nbformat.read(str(executed), as_version=4)
        else:
            nb = _error_notebook(error or "unknown error")
    _normalise_notebook(nb, task["notebook_name"], task["output"])
    illustrative = shows_illustrative_notice(nb)
    meta = dict(task["meta"], failed=status != "ok", error=error or "", illustrative=illustrative)
    html = render_html(nb, meta)
    with atomic_path(nb_path) as tmp_nb:
        nbformat.write(nb, str(tmp_nb))
    atomic_write_text(html_path, html)
    return {
        "id": task["id"],
        "status": status,
        "error": error,
        "seconds": round(time.perf_counter() - start, 2),
        "illustrative": illustrative,
        "html": html_path.name,
        "notebook": nb_path.name,
    }


# --------------------------------------------------------------------------- index page


def _status_label(status: str | None) -> str:
    return {"ok": "Bygget", "failed": "Feilet", None: "Ikke bygget"}.get(status, status or "Ikke bygget")


def render_index(catalogue: Catalogue, manifest: dict[str, Any], *, only_shareable: bool = False) -> str:
    """``reports/index.html``: every report with its status and a link (self-contained, Norwegian)."""
    from analysis.reporting import esc

    rows = []
    for entry in catalogue.reports:
        if only_shareable and not entry.shareable:
            continue
        rec = manifest.get("reports", {}).get(entry.id, {})
        status = rec.get("status")
        link = (
            f'<a href="{esc(entry.output)}.html">{esc(entry.title)}</a>'
            if rec.get("html")
            else esc(entry.title)
        )
        css = {"ok": "ok", "failed": "failed"}.get(status or "", "missing")
        error = f'<div class="err">{esc(rec.get("error"))}</div>' if status == "failed" and rec.get("error") else ""
        rows.append(
            f"<tr><td>{link}{error}</td><td class=\"{css}\">{esc(_status_label(status))}</td>"
            f"<td>{'Ja' if entry.shareable else 'Nei (intern)'}</td>"
            f"<td>{'Ja' if rec.get('illustrative') else ('–' if status is None else 'Nei')}</td>"
            f"<td>{esc(rec.get('built', '–'))}</td></tr>"
        )
    failed = sum(1 for e in catalogue.reports if manifest.get("reports", {}).get(e.id, {}).get("status") == "failed")
    summary = (
        f'<p class="failed-summary" role="alert">{failed} rapport(er) feilet ved siste bygging. Se build.log.</p>'
        if failed and not only_shareable
        else ""
    )
    title = "Rapporter som kan deles" if only_shareable else "Rapporter"
    return f"""<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)} – kommunen som samfunnsutvikler</title>
<style>
body {{ font-family: "Source Sans Pro", "Segoe UI", "DejaVu Sans", Arial, sans-serif; max-width: 62rem; margin: 0 auto; padding: 1.5rem; color: #1a1a1a; line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #d0d0d0; padding: .4rem .6rem; text-align: left; vertical-align: top; }}
th {{ background: #f0f4f8; }}
.ok {{ color: #1b5e20; font-weight: bold; }}
.failed {{ color: #b00020; font-weight: bold; }}
.missing {{ color: #4a4a4a; }}
.err {{ color: #b00020; font-size: .9rem; overflow-wrap: anywhere; }}
.failed-summary {{ background: #fdecee; border-left: 5px solid #b00020; padding: .6rem .9rem; }}
a {{ color: #0b5394; }}
footer {{ margin-top: 2rem; color: #4a4a4a; font-size: .9rem; }}
</style>
</head>
<body>
<header><h1>{esc(title)}</h1>
<p>Analyser for «kommunen som samfunnsutvikler»: kraftfeltanalyser fra arbeidsverksteder og grendemøter,
innbyggerundersøkelsen og befolkningsutviklingen fra SSB.</p></header>
<main>
{summary}
<table>
<caption>Alle rapporter i katalogen med status fra siste bygging</caption>
<thead><tr><th scope="col">Rapport</th><th scope="col">Status</th><th scope="col">Kan deles</th><th scope="col">Illustrative data</th><th scope="col">Bygget</th></tr></thead>
<tbody>
{''.join(rows)}
</tbody>
</table>
</main>
<footer><p>Laget med kommune-analyse versjon {esc(__version__)}.</p></footer>
</body>
</html>
"""


# --------------------------------------------------------------------------- build


def _setup_log(reports_dir: Path) -> logging.Handler:
    handler = logging.FileHandler(reports_dir / LOG_NAME, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return handler


def build(options: BuildOptions | None = None) -> BuildSummary:
    """Build the catalogue into ``paths.reports_dir()``; see the module docstring."""
    options = options or BuildOptions()
    echo = options.echo
    t0 = time.perf_counter()
    catalogue = load_catalogue(options.catalogue)
    selected = catalogue.select(options.only)
    if options.only and not selected:
        raise AnalysisError(
            f"no report id matches --only {options.only!r}; known ids: " + ", ".join(e.id for e in catalogue.reports)
        )
    reports_dir = paths.reports_dir()
    reports_dir.mkdir(parents=True, exist_ok=True)
    summary = BuildSummary()
    with BuildLock(reports_dir):
        handler = _setup_log(reports_dir)
        try:
            summary = _build_locked(catalogue, selected, reports_dir, options, echo)
        finally:
            log.removeHandler(handler)
            handler.close()
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def _build_locked(
    catalogue: Catalogue,
    selected: list[ReportEntry],
    reports_dir: Path,
    options: BuildOptions,
    echo: Callable[[str], None],
) -> BuildSummary:
    summary = BuildSummary()
    manifest = read_manifest(reports_dir)
    code = code_hash()
    hasher = _HashCache()
    stale: list[tuple[ReportEntry, str, dict[str, str]]] = []
    for entry in selected:
        key, inputs = report_key(entry, code, hasher)
        if not options.force and is_up_to_date(entry, key, manifest, reports_dir):
            summary.results.append(ReportResult(entry.id, "skipped"))
        else:
            stale.append((entry, key, inputs))
    log.info("build started: %d selected, %d to build, %d up to date", len(selected), len(stale), len(summary.skipped))

    # Check every stale report's parameters before any kernel starts.
    tasks, problems = [], []
    build_date = build_date_text()
    for entry, key, inputs in stale:
        nb_path = entry.notebook_path()
        try:
            declared = notebook_parameters(nb_path)
        except AnalysisError as exc:
            problems.append(f"report '{entry.id}': {exc}")
            continue
        problems.extend(check_parameters(entry, declared))
        params = build_parameters(entry, declared)
        tasks.append(
            {
                "id": entry.id,
                "key": key,
                "inputs": inputs,
                "notebook": str(nb_path),
                "notebook_name": entry.notebook,
                "output": entry.output,
                "parameters": params,
                "reports_dir": str(reports_dir),
                "cwd": str(nb_path.parent),
                "timeout": options.timeout,
                "meta": {
                    "title": entry.title,
                    "kicker": "Kommunen som samfunnsutvikler",
                    "parameters": [(k, _param_text(v)) for k, v in sorted(entry.parameters.items())],
                    "build_date": build_date,
                    "sources": list(entry.sources),
                    "sharing": "Kan deles utenfor kommunen"
                    if entry.shareable
                    else "Kun til intern bruk i kommunen (skal ikke deles)",
                },
            }
        )
    if problems:
        for p in problems:
            log.error(p)
        raise AnalysisError("the catalogue does not match the notebooks (no report was built):\n  - " + "\n  - ".join(problems))

    results = _run_tasks(tasks, options, echo)
    now = build_date
    for task in tasks:
        res = results[task["id"]]
        manifest["reports"][task["id"]] = {
            "key": task["key"] if res["status"] == "ok" else None,
            "status": res["status"],
            "error": res.get("error"),
            "html": res.get("html"),
            "notebook": res.get("notebook"),
            "built": now,
            "seconds": res.get("seconds"),
            "illustrative": bool(res.get("illustrative")),
            "inputs": task["inputs"],
        }
        summary.results.append(
            ReportResult(task["id"], res["status"], res.get("seconds", 0.0), res.get("error"), res.get("html"), res.get("notebook"))
        )
    # Forget reports that left the catalogue.
    known = {e.id for e in catalogue.reports}
    manifest["reports"] = {k: v for k, v in manifest["reports"].items() if k in known}
    write_manifest(reports_dir, manifest)
    index_path = reports_dir / "index.html"
    index_html = render_index(catalogue, manifest)
    if not index_path.is_file() or index_path.read_text(encoding="utf-8") != index_html:
        atomic_write_text(index_path, index_html)
    for r in summary.skipped:
        log.info("up to date: %s", r.id)
    if summary.failed:
        log.error("build finished with %d failure(s): %s", len(summary.failed), ", ".join(r.id for r in summary.failed))
    else:
        log.info("build finished: %d built, %d up to date", len(summary.built), len(summary.skipped))
    return summary


def _param_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _run_tasks(tasks: list[dict[str, Any]], options: BuildOptions, echo: Callable[[str], None]) -> dict[str, dict]:
    if not tasks:
        return {}
    jobs = max(1, min(options.jobs or os.cpu_count() or 1, len(tasks)))
    kernel_base = _kernel_dir()
    old_jupyter_path = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(kernel_base) + (os.pathsep + old_jupyter_path if old_jupyter_path else "")
    results: dict[str, dict] = {}
    total = len(tasks)
    env = dict(os.environ)
    for task in tasks:
        task["env"] = env

    def report(res: dict) -> None:
        results[res["id"]] = res
        n = len(results)
        mark = "ok    " if res["status"] == "ok" else "FAILED"
        line = f"[{n}/{total}] {mark} {res['id']} ({res['seconds']:.1f} s)"
        if res.get("error"):
            line += f": {res['error']}"
        echo(line)
        (log.info if res["status"] == "ok" else log.error)(line)
        if res.get("traceback"):
            log.error("traceback for %s:\n%s", res["id"], res["traceback"])

    try:
        log.info("building %d report(s) with %d worker(s)", total, jobs)
        if jobs == 1:
            for task in tasks:
                echo(f"building {task['id']} …")
                report(_safe_build_one(task))
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["analysis.pipeline", "papermill", "nbconvert", "nbformat"])
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                futures = {pool.submit(_safe_build_one, t): t for t in tasks}
                for fut in as_completed(futures):
                    task = futures[fut]
                    try:
                        res = fut.result()
                    except Exception as exc:  # worker crashed
                        res = {"id": task["id"], "status": "failed", "error": f"worker crashed: {exc}", "seconds": 0.0}
                    report(res)
    finally:
        if old_jupyter_path is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old_jupyter_path
        shutil.rmtree(kernel_base, ignore_errors=True)
    return results


def _safe_build_one(task: dict[str, Any]) -> dict[str, Any]:
    """``build_one`` that turns an unexpected error into a failed result (with the traceback logged)."""
    try:
        return build_one(task)
    except Exception as exc:  # pragma: no cover - a bug in the pipeline itself
        import traceback

        return {
            "id": task["id"],
            "status": "failed",
            "error": f"pipeline error: {type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
            "seconds": 0.0,
        }
