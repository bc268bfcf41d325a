"""The report build: catalogue → stale reports → runner → ``reports/``.

:func:`build` runs the catalogue:

* reports whose inputs did not change are skipped (content hashes of the notebook, its
  parameters, the package's code and every file the notebook read last time -- recorded by the
  package's readers, :mod:`analysis.lineage` -- plus the catalogue's optional ``inputs``, kept in
  ``reports/build-manifest.json``, see :mod:`analysis.build.manifest`), so a rebuild with nothing
  changed only hashes files (:func:`plan` decides);
* the stale reports go to a *runner* -- :func:`analysis.build.execute.run_stale`, which checks
  their parameters before any kernel starts and executes them in worker processes;
* ``reports/index.html`` lists every report with its status (:mod:`analysis.build.index`); a lock
  keeps two builds from writing ``reports/`` at once (:mod:`analysis.build.lock`); progress goes to
  the terminal and ``reports/build.log``.

This module imports nothing heavy: the runner (papermill, nbconvert) is passed in, so the command
line loads it only when some report must be built. :func:`analysis.build.execute.build` is the
same call with the runner filled in.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from analysis import paths
from analysis.build.catalogue import Catalogue, ReportEntry, load_catalogue
from analysis.build.index import STATUS_PAGE, render_index, render_status
from analysis.build.lock import BuildLock
from analysis.build.manifest import HashCache, code_hash, is_up_to_date, read_manifest, report_key, write_manifest
from analysis.errors import AnalysisError
from analysis.fileio import atomic_write_text

LOG_NAME = "build.log"

log = logging.getLogger("analysis.build")


def build_date_text(now: datetime | None = None) -> str:
    """The build time readers see: ``SOURCE_DATE_EPOCH`` if set (reproducible builds), else now, Oslo time."""
    if now is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        now = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch.isdigit() else datetime.now(UTC)
    return now.astimezone(ZoneInfo("Europe/Oslo")).strftime("%d.%m.%Y kl. %H:%M")


@dataclass
class BuildOptions:
    only: str | None = None
    jobs: int | None = None
    force: bool = False
    catalogue: Path | None = None
    timeout: int = 900  # seconds per cell
    echo: Callable[[str], None] = print
    allow_missing: bool = False  # missing required data does not fail the build
    pdf: bool = False  # also print every built report to an A4 PDF (Chromium)


@dataclass
class ReportResult:
    id: str
    status: str  # ok | failed | missing | waiting | skipped
    seconds: float = 0.0
    error: str | None = None
    html: str | None = None
    notebook: str | None = None
    recorded: str | None = None  # for a skipped report: the status of its last build (ok, missing, waiting)


#: Exit codes of ``analysis build`` and ``analysis reports``.
EXIT_OK, EXIT_FAILED, EXIT_MISSING = 0, 1, 3


@dataclass
class BuildSummary:
    results: list[ReportResult] = field(default_factory=list)
    seconds: float = 0.0
    allow_missing: bool = False

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
    def missing(self) -> list[ReportResult]:
        """Reports whose required data are missing (built now, or up to date from an earlier build)."""
        return [r for r in self.results if "missing" in (r.status, r.recorded)]

    @property
    def waiting(self) -> list[ReportResult]:
        """Optional reports waiting for their data (not an error)."""
        return [r for r in self.results if "waiting" in (r.status, r.recorded)]

    @property
    def exit_code(self) -> int:
        """1 when a report failed; 3 when required data are missing (unless allowed); else 0."""
        if self.failed:
            return EXIT_FAILED
        if self.missing and not self.allow_missing:
            return EXIT_MISSING
        return EXIT_OK


@dataclass
class StaleReport:
    """A report that must be built: its entry, content key and the input hashes behind the key."""

    entry: ReportEntry
    key: str
    inputs: dict[str, str]
    seconds: float | None = None  # how long its last build took (the longest are started first)


class Runner(Protocol):
    """Builds stale reports; returns one result dict per report id (``status``, ``error``, ``seconds`` ...)."""

    def __call__(
        self,
        stale: list[StaleReport],
        catalogue: Catalogue,
        reports_dir: Path,
        options: BuildOptions,
        build_date: str,
    ) -> dict[str, dict[str, Any]]: ...


def _setup_log(reports_dir: Path) -> logging.Handler:
    handler = logging.FileHandler(reports_dir / LOG_NAME, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return handler


PdfWriter = Callable[[list[tuple[Path, str, str]]], dict[str, str]]


def _remove_temporaries(folder: Path) -> list[Path]:
    """Temporary files an interrupted build left (``.name.XXXX.tmp.html``, hidden): removed at the start of
    the next build, under the lock, so ``reports/`` never keeps them."""
    removed = []
    for p in sorted(folder.glob(".*.tmp*")):
        if p.is_file():
            try:
                p.unlink()
            except OSError:
                continue
            removed.append(p)
    return removed


def build(options: BuildOptions | None, runner: Runner, pdf_writer: PdfWriter | None = None) -> BuildSummary:
    """Build the catalogue into ``paths.reports_dir()`` with ``runner`` for the stale reports.

    With ``options.pdf``, ``pdf_writer`` (:func:`analysis.build.pdf.write_pdfs`) prints every built report
    whose PDF is missing or older than its HTML.
    """
    options = options or BuildOptions()
    t0 = time.perf_counter()
    catalogue = load_catalogue(options.catalogue)
    selected = catalogue.select(options.only)
    if options.only and not selected:
        raise AnalysisError(
            f"no report id matches --only {options.only!r}; known ids: " + ", ".join(e.id for e in catalogue.reports)
        )
    reports_dir = paths.reports_dir()
    reports_dir.mkdir(parents=True, exist_ok=True)
    with BuildLock(reports_dir):
        handler = _setup_log(reports_dir)
        for leftover in _remove_temporaries(reports_dir):
            log.warning("removed %s, left by an interrupted build", leftover.name)
        try:
            summary = _build_locked(catalogue, selected, reports_dir, options, runner, pdf_writer)
        finally:
            log.removeHandler(handler)
            handler.close()
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def _update_pdfs(catalogue, selected, manifest: dict, reports_dir: Path, pdf_writer: PdfWriter | None) -> None:
    """Print missing or stale PDFs (with a writer); forget a PDF that is older than its report's HTML."""
    todo, ids = [], {}
    for entry in selected:
        rec = manifest["reports"].get(entry.id) or {}
        html = reports_dir / f"{entry.output}.html"
        pdf = html.with_suffix(".pdf")
        if rec.get("status") != "ok" or not html.is_file():
            rec.pop("pdf", None)
            continue
        fresh = pdf.is_file() and pdf.stat().st_mtime >= html.stat().st_mtime
        if fresh:
            rec["pdf"] = pdf.name
        elif pdf_writer is not None:
            todo.append((html, entry.title, rec.get("built", "")))
            ids[html.name] = entry.id
        else:
            rec.pop("pdf", None)
            pdf.unlink(missing_ok=True)  # a PDF of an older version must not be shared
    if todo and pdf_writer is not None:
        log.info("printing %d report(s) to PDF", len(todo))
        for html_name, pdf_name in pdf_writer(todo).items():
            manifest["reports"][ids[html_name]]["pdf"] = pdf_name


def plan(
    catalogue: Catalogue,
    selected: list[ReportEntry],
    manifest: dict[str, Any],
    reports_dir: Path,
    *,
    force: bool = False,
) -> tuple[list[StaleReport], list[ReportEntry]]:
    """The rebuild decision: ``(reports to build, reports up to date)``; reads and hashes files, runs nothing."""
    code = code_hash()
    hasher = HashCache()
    stale: list[StaleReport] = []
    fresh: list[ReportEntry] = []
    for entry in selected:
        key, inputs = report_key(entry, code, hasher, catalogue)
        if not force and is_up_to_date(entry, key, manifest, reports_dir, hasher):
            fresh.append(entry)
        else:
            previous = manifest.get("reports", {}).get(entry.id) or {}
            stale.append(StaleReport(entry, key, inputs, previous.get("seconds")))
    return stale, fresh


def _build_locked(
    catalogue: Catalogue,
    selected: list[ReportEntry],
    reports_dir: Path,
    options: BuildOptions,
    runner: Runner,
    pdf_writer: PdfWriter | None = None,
) -> BuildSummary:
    summary = BuildSummary(allow_missing=options.allow_missing)
    manifest = read_manifest(reports_dir)
    stale, fresh = plan(catalogue, selected, manifest, reports_dir, force=options.force)
    for entry in fresh:
        rec = manifest["reports"][entry.id]
        summary.results.append(ReportResult(entry.id, "skipped", error=rec.get("error"), recorded=rec.get("status")))
    log.info("build started: %d selected, %d to build, %d up to date", len(selected), len(stale), len(summary.skipped))

    build_date = build_date_text()
    results = runner(stale, catalogue, reports_dir, options, build_date) if stale else {}
    for item in stale:
        res = results[item.entry.id]
        manifest["reports"][item.entry.id] = {
            "key": item.key if res["status"] in ("ok", "missing", "waiting") else None,
            "status": res["status"],
            "error": res.get("error"),
            "html": res.get("html"),
            "notebook": res.get("notebook"),
            "built": build_date,
            "seconds": res.get("seconds"),
            "illustrative": bool(res.get("illustrative")),
            "summary": res.get("summary"),
            "inputs": item.inputs,
            "found_inputs": res.get("found_inputs"),
        }
        summary.results.append(
            ReportResult(
                item.entry.id,
                res["status"],
                res.get("seconds", 0.0),
                res.get("error"),
                res.get("html"),
                res.get("notebook"),
            )
        )
    _update_pdfs(catalogue, selected, manifest, reports_dir, pdf_writer if options.pdf else None)
    # Forget reports that left the catalogue.
    known = {e.id for e in catalogue.reports}
    manifest["reports"] = {k: v for k, v in manifest["reports"].items() if k in known}
    write_manifest(reports_dir, manifest)
    for name, page in (
        ("index.html", render_index(catalogue, manifest)),
        (STATUS_PAGE, render_status(catalogue, manifest)),
    ):
        path = reports_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != page:
            atomic_write_text(path, page)
    for r in summary.skipped:
        log.info("up to date: %s", r.id)
    for r in summary.missing:
        log.warning("missing data: %s: %s", r.id, r.error)
    if summary.failed:
        log.error("build finished with %d failure(s): %s", len(summary.failed), ", ".join(r.id for r in summary.failed))
    else:
        log.info(
            "build finished: %d built, %d up to date, %d missing data, %d waiting for data",
            len(summary.built),
            len(summary.skipped),
            len(summary.missing),
            len(summary.waiting),
        )
    return summary
