"""Run report notebooks: papermill executes, nbconvert renders, both through their Python APIs.

This module imports papermill and nbconvert (half a second), so the command line imports it only
when some report must be built; a rebuild with nothing to do never loads it.

* :func:`run_stale` checks the stale reports' parameters against their notebooks (papermill's
  inspection, before any kernel starts) and executes them in worker processes (``--jobs``);
* :func:`build_one` is what a worker does: execute on a kernel for this very interpreter (so a
  fresh virtualenv never hits "No such kernel"), normalise run-specific metadata, render the
  reader HTML and write both files atomically; a failing notebook gets a page showing the failing
  cell and its error;
* every report runs in a kernel of its own, handed out by the worker's pool (:mod:`analysis.build.kernels`:
  started ahead of need, the package already imported, shut down at once after the last cell); papermill
  runs the notebook through its engine interface (:class:`PooledEngine`, papermill's nbclient engine given
  that kernel manager), which also asks the kernel, after the last cell, for the files the notebook read
  (:mod:`analysis.lineage`) and keeps them in the notebook's metadata (``metadata.analysis.inputs``) for the
  rebuild decision;
* one nbconvert exporter per worker process renders every page (:func:`_exporter`, a :class:`ReportExporter`:
  nbconvert's HTML exporter without its closing BeautifulSoup round trip);
* :func:`build` is :func:`analysis.build.pipeline.build` with this module as its runner.
"""

from __future__ import annotations

import ast
import copy
import functools
import html as html_lib
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from jupyter_core.utils import run_sync
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

from analysis import __version__, paths
from analysis.build import workers
from analysis.build.catalogue import Catalogue
from analysis.build.kernels import KERNEL_NAME, close_pool, kernel_env, new_kernel_manager, pool_enabled, shutdown_now
from analysis.build.kernels import pool as _pool
from analysis.build.parameters import build_parameters, check_parameters, notebook_parameters
from analysis.build.pdf import write_pdfs
from analysis.build.pipeline import BuildOptions, BuildSummary, StaleReport
from analysis.build.pipeline import build as _build
from analysis.build.requirements import missing_message, missing_message_in, missing_requirement
from analysis.errors import AnalysisError
from analysis.fileio import atomic_write_text
from analysis.population import snapshot
from analysis.report.html import missing_data
from analysis.report.labels import group_title
from analysis.report.template import ILLUSTRATIVE_CLASS, SUMMARY_CLASS, TEMPLATE_DIR, add_toc, report_css

log = logging.getLogger("analysis.build")


def _kernel_dir() -> Path:
    """A private Jupyter data folder with a kernelspec for *this* interpreter."""
    base = Path(tempfile.mkdtemp(prefix="analysis-kernel-"))
    spec_dir = base / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    # CRITICAL: the kernel's own log only ever said "KeyboardInterrupt caught in kernel." when the
    # client shut an idle kernel down; errors in a notebook reach the build through papermill.
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "--IPKernelApp.log_level=CRITICAL",
            "--HistoryManager.enabled=False",
            "-f",
            "{connection_file}",
        ],
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
    """Hide code (except a cell that failed) and drop the notebook's own ``# Title`` line.

    When a cell showed :func:`analysis.report.html.missing_data`, the page ends with that message: the
    cells after it (headings with nothing under them) are left out.
    """
    found = missing_message(nb)
    if found is not None:
        nb.cells = nb.cells[: found[0] + 1]
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


def shows_illustrative_notice(nb: Any) -> bool:
    """True when an output of the executed notebook is :func:`analysis.report.html.illustrative_notice`.

    The notebook knows whether its data are illustrative (the cleaned data's manifest says so); the
    build takes it from there, so a report built from real data is never labelled illustrative.
    """
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            html = out.get("data", {}).get("text/html", "")
            if isinstance(html, list):
                html = "".join(html)
            if ILLUSTRATIVE_CLASS in html:
                return True
    return False


#: Attributes inside a tag, quotes respected (a ``>`` inside a quoted value does not end the tag).
_ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
#: What the page is scanned for: comments, script/style/textarea (raw text, skipped), ``<div>`` and ``<img>`` tags.
_SCAN = re.compile(r"<!--.*?-->|<(script|style|textarea)\b.*?</\1\s*>|<(div|img)\b(" + _ATTRS + r")>", re.I | re.S)
#: One attribute: name, then an optional value (double-quoted, single-quoted or bare).
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
#: The classes of the divs nbconvert makes focusable (a cell's input, each output).
_FOCUSABLE = {"jp-Cell-inputWrapper", "jp-OutputArea-output"}
#: The alt text an image output without one gets (nbconvert's is English).
MISSING_ALT = "Bilde uten beskrivelse"


def _focusable_outputs(page: str) -> tuple[str, int]:
    """What nbconvert's HTML exporter does to a page after rendering it, without its BeautifulSoup round trip:
    ``tabindex="0"`` on every ``div`` of class ``jp-Cell-inputWrapper`` or ``jp-OutputArea-output`` (keyboard
    users can reach and scroll a cell's input and each output) and an alt text on an ``<img>`` without one. The
    same elements change as with nbconvert's CSS selectors; comments and raw text are left alone. Returns the
    page and the number of images that had no alt text."""
    missing_alt = 0

    def tag(match: re.Match) -> str:
        name, attrs = match.group(2), match.group(3)
        if name is None:  # a comment or raw text
            return match.group(0)
        found = [
            (m.group(1).lower(), next((v for v in m.groups()[1:] if v is not None), ""), m.span())
            for m in _ATTR.finditer(attrs)
        ]
        if name.lower() == "img":
            if any(n == "alt" for n, _, _ in found):
                return match.group(0)
            nonlocal missing_alt
            missing_alt += 1
            body = attrs.rstrip()
            closing = "/" if body.endswith("/") else ""
            return f'<{name}{body.removesuffix("/").rstrip()} alt="{MISSING_ALT}"{closing}>'
        classes = " ".join(v for n, v, _ in found if n == "class").split()
        if _FOCUSABLE.isdisjoint(classes):
            return match.group(0)
        for n, _, (start, end) in reversed(found):  # nbconvert sets tabindex="0" whatever was there
            if n == "tabindex":
                attrs = attrs[:start].rstrip() + attrs[end:]
        return f'<{name}{attrs} tabindex="0">'

    page = _SCAN.sub(tag, page)
    return page, missing_alt


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter without two costs that change nothing on a report page.

    * ``HTMLExporter.from_notebook_node`` ends by parsing the whole page with BeautifulSoup and writing it out
      again, to make outputs focusable and give images without alt text a default. That round trip was 76 ms of
      the export's 126 ms for a population report (median of 10, even with the SVG charts kept out of it) and
      rewrote every tag (attributes sorted, ``<br/>``...); :func:`_focusable_outputs` makes the same two changes
      on the same elements (the alt text in Norwegian). The export is now 44 ms; the element tree is the same
      (``tests/test_report_export.py`` compares every page of the catalogue).
    * nbconvert validates the whole notebook after each of its preprocessors, also after the eight that are
      disabled; only the enabled ones are listed (``default_preprocessors``), and the notebook is validated
      once, after the last (``optimistic_validation``).
    """

    def from_notebook_node(self, nb, resources=None, **kw):  # as HTMLExporter's, without the round trip
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        page, missing_alt = _focusable_outputs(page)
        if missing_alt:
            self.log.warning("Alternative text is missing on %s image(s).", missing_alt)
        return page, resources


@functools.cache
def _exporter() -> HTMLExporter:
    """One nbconvert exporter per process (its templates are loaded once, not once per report)."""
    return ReportExporter(
        template_name="report",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="nb",
        embed_images=True,
        # the notebook is validated once, after all its preprocessors, not after each of them (2.4 ms each)
        optimistic_validation=True,
        # the preprocessors enabled by default (the report template adds its own)
        default_preprocessors=[
            "nbconvert.preprocessors.TagRemovePreprocessor",
            "nbconvert.preprocessors.RegexRemovePreprocessor",
            "nbconvert.preprocessors.HighlightMagicsPreprocessor",
        ],
    )


def render_html(nb: Any, meta: dict[str, Any]) -> str:
    """Export an executed notebook to self-contained reader HTML with nbconvert's Python API."""
    nb = copy.deepcopy(nb)
    _prepare_for_html(nb)
    exporter = _exporter()
    resources = {"report": {**meta, "css": report_css(), "version": __version__}, "metadata": {"name": meta["title"]}}
    nb.metadata["title"] = meta["title"]
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return add_toc(body)


def _local_prefixes() -> list[tuple[str, str]]:
    """Folders of this machine that must not appear on a page, longest first, with what replaces them."""
    pairs = {
        str(paths.project_root()): "<prosjekt>",
        str(Path(sys.prefix).resolve()): "<python>",
        str(Path(sys.prefix)): "<python>",
        str(Path(tempfile.gettempdir()).resolve()): "<tmp>",
        str(Path.home()): "<hjemmemappe>",
    }
    for var in ("ANALYSIS_DATA_DIR", "ANALYSIS_PROCESSED_DIR", "ANALYSIS_REPORTS_DIR", "ANALYSIS_SSB_DIR"):
        if os.environ.get(var):
            pairs[str(Path(os.environ[var]).resolve())] = f"<{var.removeprefix('ANALYSIS_').lower()}>"
    found = [(k, v) for k, v in pairs.items() if len(k) > 3]
    # In JSON (the .ipynb file) a Windows path's backslashes are doubled.
    found += [(k.replace("\\", "\\\\"), v) for k, v in found if "\\" in k]
    return sorted(found, key=lambda kv: -len(kv[0]))


def _notebook_text(nb: Any) -> str:
    """The notebook file's text as ``nbformat.write`` writes it, with local folders redacted."""
    text = redact_local_paths(nbformat.writes(nb))
    return text if text.endswith("\n") else text + "\n"


def redact_local_paths(text: str) -> str:
    """Replace this machine's folders (project, Python, temporary, home) in ``text`` with neutral names.

    Warnings and errors a notebook prints name files with their absolute paths; a page that is shared
    must not show where the analyst's files are or the user name in them.
    """
    for prefix, name in _local_prefixes():
        text = text.replace(prefix, name)
    return text


def _missing_notebook(message: str, waiting: bool = False) -> Any:
    """The notebook of a report whose required data are missing: one output with the message."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            source="# Rapporten ble ikke kjørt: data mangler",
            outputs=[
                nbformat.v4.new_output("display_data", data={"text/html": missing_data(message, waiting=waiting).data})
            ],
        )
    )
    return nb


def _mark_waiting(nb: Any, found: tuple[int, str]) -> None:
    """An optional report whose notebook showed :func:`missing_data`: the page says «Venter på data», as the
    index does (the notebook cannot know whether its report is optional)."""
    for out in nb.cells[found[0]].get("outputs", []):
        html_text = out.get("data", {}).get("text/html", "")
        if isinstance(html_text, list):
            html_text = "".join(html_text)
        if missing_message_in(html_text) == found[1]:
            out["data"]["text/html"] = missing_data(found[1], waiting=True).data


def _error_notebook(message: str) -> Any:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            source="# Notebooken kunne ikke kjøres",
            outputs=[nbformat.v4.new_output("error", ename="BuildError", evalue=message, traceback=[message])],
        )
    )
    return nb


#: What the build asks a kernel for after the notebook's last cell: the files it read (analysis.lineage).
INPUTS_EXPRESSION = "__import__('analysis.lineage').lineage.recorded_json()"


class AheadClient(PapermillNotebookClient):
    """papermill's notebook client, which sends each code cell's execute request while the cell before it runs.

    A kernel idles between two cells while the build reads the first one's reply and sends the next request:
    a millisecond or more, 20 times in a population report (85 ms per report, measured with one worker), and
    with two workers on two cores a core often idles with it. Here each cell's request goes to the kernel
    (:meth:`PromptKernelClient.send_after_next <analysis.build.kernels.PromptKernelClient.send_after_next>`)
    right after the request of the cell before, one ahead, so the kernel goes on at once. Everything else is
    nbclient's and papermill's: the cells run in order, each output is read as before, and when a cell fails
    the kernel aborts the request waiting behind it (the Jupyter protocol's ``stop_on_error``), so no cell runs
    after a failed one; papermill stops there as before. Kernel clients without ``send_after_next`` run one
    cell at a time.
    """

    def _runs(self, cell) -> bool:  # nbclient's rule for a cell it executes
        return (
            cell.cell_type == "code"
            and bool(cell.source.strip())
            and self.skip_cells_with_tag not in cell.metadata.get("tags", [])
        )

    def _stop_on_error(self, cell) -> bool:  # nbclient's stop_on_error for a cell's request
        allows = (not self.force_raise_errors) and (
            self.allow_errors or "raises-exception" in cell.metadata.get("tags", [])
        )
        return not allows

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if self._runs(cell) and hasattr(self.kc, "send_after_next"):
            following = next((c for c in self.nb.cells[cell_index + 1 :] if self._runs(c)), None)
            if following is not None:
                self.kc.send_after_next(
                    following.source, store_history=store_history, stop_on_error=self._stop_on_error(following)
                )
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    execute_cell = run_sync(async_execute_cell)  # nbclient binds its sync wrapper to its own coroutine

    def papermill_execute_cells(self):
        super().papermill_execute_cells()
        # after a failed cell, the request sent behind it was aborted: read its reply before asking anything else
        pending = self.kc.take_ahead() if hasattr(self.kc, "take_ahead") else None
        if pending is not None:
            self.wait_for_reply(pending)


class PooledEngine(NBClientEngine):
    """papermill's nbclient engine on a kernel manager the build passes in (``km``), with two additions after the
    notebook's last cell: the kernel is asked for the files the notebook read (:mod:`analysis.lineage`; kept in
    ``metadata.analysis.inputs``), then shut down at once; and the notebook is written once, when it completes,
    not at every cell. Registered with papermill as ``analysis``.
    """

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        # as NBClientEngine.execute_managed_notebook, but the client is kept to ask the kernel afterwards
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logging.getLogger("papermill"),
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = AheadClient(nb_man, **final_kwargs)
        # papermill writes the whole notebook at every cell's start and end (72 writes of up to 400 KB for a
        # population report: 0.38 s, measured in one process); with no output path while the cells run, it
        # writes when the notebook starts and when it completes (or fails), with the same content.
        output_path, nb_man.output_path = nb_man.output_path, None
        try:
            client.execute(cleanup_kc=False)
            nb_man.nb.metadata.setdefault("analysis", {})["inputs"] = _recorded_inputs(client)
        finally:
            nb_man.output_path = output_path
            if client.km is not None:
                client._cleanup_kernel()  # shutdown_kernel="immediate": now=True, then the client's channels
        return nb_man.nb


papermill_engines.register("analysis", PooledEngine)


def _recorded_inputs(client: PapermillNotebookClient) -> dict[str, str] | None:
    """The kernel's record of the files its notebook read (``None`` when it could not be had)."""
    try:
        msg_id = client.kc.execute(
            "", silent=True, store_history=False, user_expressions={"inputs": INPUTS_EXPRESSION}, allow_stdin=False
        )
        reply = client.wait_for_reply(msg_id)
        found = reply["content"]["user_expressions"]["inputs"]
        if found.get("status") != "ok":
            log.warning("the kernel could not say which files it read: %s", found.get("evalue"))
            return None
        data = json.loads(ast.literal_eval(found["data"]["text/plain"]))
    except Exception:  # noqa: BLE001 - without a record the report is rebuilt every time; never a failed report
        log.warning("the kernel could not say which files it read", exc_info=True)
        return None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def build_one(task: dict[str, Any]) -> dict[str, Any]:
    """Execute one report and write its notebook and HTML. Runs in a worker process.

    ``task`` holds plain values (picklable). Returns a result dict; never
    raises for a notebook failure (that is a result), only for bugs here.
    """
    # A forkserver worker inherits the environment of the first build in this
    # process; take the current build's (folders, kernel path) from the task.
    os.environ.clear()
    os.environ.update(task["env"])
    start = time.perf_counter()
    reports_dir = Path(task["reports_dir"])
    html_path = reports_dir / f"{task['output']}.html"
    nb_path = reports_dir / f"{task['output']}.ipynb"
    status, error = "ok", None
    phases: dict[str, float] = {}  # where the time went: kernel, papermill (cells within), html, write
    if task.get("missing"):
        return _write_missing(task, task["missing"], start)
    with tempfile.TemporaryDirectory(prefix="analysis-run-") as tmp:
        executed = Path(tmp) / "executed.ipynb"
        env = kernel_env(task["env"])
        km = None
        clock = time.perf_counter()
        try:
            if pool_enabled(env):
                km = _pool().take(task["cwd"], env, prestart=task.get("prestart", True))
            else:
                km = new_kernel_manager()
                run_sync(km.start_kernel)(cwd=task["cwd"], env=env)
            phases["kernel"], clock = time.perf_counter() - clock, time.perf_counter()
            nb = pm.execute_notebook(
                task["notebook"],
                str(executed),
                parameters=task["parameters"],
                engine_name="analysis",
                kernel_name=KERNEL_NAME,
                km=km,
                shutdown_kernel="immediate",
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=task["cwd"],
                execution_timeout=task["timeout"],
                start_timeout=120,
            )
        except pm.PapermillExecutionError as exc:
            status = "failed"
            error = f"{exc.ename}: {exc.evalue}".strip().rstrip(":")
        except Exception as exc:  # noqa: BLE001 - kernel died, bad notebook JSON ...: a failed report, not a failed build
            status = "failed"
            error = f"{type(exc).__name__}: {exc}"
        finally:
            if km is not None:
                shutdown_now(km)  # normally done by the engine; here when papermill failed before it ran
        phases["papermill"], clock = time.perf_counter() - clock, time.perf_counter()
        # a report that ran has the notebook papermill returned (the one it wrote: not read back, 10 ms); for a
        # failed one papermill wrote the notebook with its error markers before raising
        if status != "ok":
            nb = (
                nbformat.read(str(executed), as_version=4)
                if executed.is_file()
                else _error_notebook(error or "unknown error")
            )
    phases["cells"] = sum(float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0) for c in nb.cells)
    _normalise_notebook(nb, task["notebook_name"], task["output"])
    found = missing_message(nb) if status == "ok" else None
    if found is not None:
        status, error = ("waiting" if task.get("optional") else "missing"), found[1]
        if status == "waiting":
            _mark_waiting(nb, found)
    illustrative = shows_illustrative_notice(nb)
    summary = summary_of(nb) if status == "ok" else None
    meta = dict(task["meta"], failed=status != "ok", error=error or "", illustrative=illustrative)
    html = render_html(nb, meta)
    phases["html"], clock = time.perf_counter() - clock, time.perf_counter()
    if not _parent_alive():  # the build was killed while this report ran: it no longer holds the lock
        os._exit(70)
    atomic_write_text(nb_path, _notebook_text(nb))
    atomic_write_text(html_path, redact_local_paths(html))
    phases["write"] = time.perf_counter() - clock
    return {
        "id": task["id"],
        "status": status,
        "error": error,
        "seconds": round(time.perf_counter() - start, 2),
        "phases": {k: round(v, 3) for k, v in phases.items()},
        "illustrative": illustrative,
        "summary": summary,
        "html": html_path.name,
        "notebook": nb_path.name,
        "found_inputs": nb.metadata.get("analysis", {}).get("inputs"),
    }


def summary_of(nb: Any) -> str | None:
    """The report's one-line summary (:func:`analysis.report.html.summary`) from the executed notebook."""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            text = out.get("data", {}).get("text/html", "")
            if isinstance(text, list):
                text = "".join(text)
            hit = _SUMMARY_RE.search(text)
            if hit:
                return html_lib.unescape(hit.group(1))
    return None


_SUMMARY_RE = re.compile(r'class="' + re.escape(SUMMARY_CLASS) + r'"[^>]*\bdata-summary="([^"]*)"')


def _write_missing(task: dict[str, Any], message: str, start: float) -> dict[str, Any]:
    """A report whose required data are missing, without starting a kernel: one message on the page."""
    reports_dir = Path(task["reports_dir"])
    html_path = reports_dir / f"{task['output']}.html"
    nb_path = reports_dir / f"{task['output']}.ipynb"
    status = "waiting" if task.get("optional") else "missing"
    nb = _missing_notebook(message, waiting=status == "waiting")
    meta = dict(task["meta"], failed=False, error="", illustrative=False)
    html = render_html(nb, meta)
    atomic_write_text(nb_path, _notebook_text(nb))
    atomic_write_text(html_path, redact_local_paths(html))
    return {
        "id": task["id"],
        "status": status,
        "error": message,
        "seconds": round(time.perf_counter() - start, 2),
        "illustrative": False,
        "html": html_path.name,
        "notebook": nb_path.name,
        "found_inputs": {},  # not run: the key holds the files its requirement check looked at
    }


def _parent_alive() -> bool:
    """True in the build's own process, and in a worker while the build that started it is alive."""
    parent = multiprocessing.parent_process()
    return parent is None or parent.is_alive()


def _init_worker(env: dict[str, str] | None = None, cwd: str | None = None) -> None:
    """Worker initializer: watch the build process (:func:`_die_with_parent`) and start this worker's first
    kernel at once (with the build's environment), so it is ready when the first report arrives."""
    _die_with_parent()
    if env is not None and cwd is not None:
        env = kernel_env(env)
        if pool_enabled(env):
            os.environ.clear()
            os.environ.update(env)
            _pool().prestart(cwd, env)


def _die_with_parent() -> None:
    """End this worker (and so its kernel, whose parent poller watches it) as soon as the
    build process is gone — killed with ``kill -9`` or crashed — so no orphan goes on writing reports
    without the lock. Waits on the parent's sentinel (an inherited pipe: no polling, any platform)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(70)  # the build is gone: stop now, write nothing more

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


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
        mark = {"ok": "ok    ", "missing": "MISSING DATA", "waiting": "waiting for data"}.get(res["status"], "FAILED")
        line = f"[{n}/{total}] {mark} {res['id']} ({res['seconds']:.1f} s)"
        if res.get("error") and res["status"] != "waiting":
            line += f": {res['error']}"
        echo(line)
        (log.error if res["status"] == "failed" else log.info)(line)
        if res.get("phases"):
            log.info("  time in %s: %s", res["id"], ", ".join(f"{k} {v:.2f} s" for k, v in res["phases"].items()))
        if res.get("traceback"):
            log.error("traceback for %s:\n%s", res["id"], res["traceback"])

    try:
        log.info("building %d report(s) with %d worker(s)", total, jobs)
        # Reports whose data are missing need no kernel: their one-message page is written here.
        for task in [t for t in tasks if t.get("missing")]:
            report(_safe_build_one(task))
        tasks = _schedule([t for t in tasks if not t.get("missing")], jobs)
        if jobs == 1 or len(tasks) <= 1:
            try:
                for task in tasks:
                    echo(f"building {task['id']} …")
                    report(_safe_build_one(task))
            finally:
                close_pool()
        else:
            ctx = workers.context()
            with ProcessPoolExecutor(
                max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(env, tasks[0]["cwd"])
            ) as pool:
                futures = {pool.submit(_safe_build_one, t): t for t in tasks}
                for fut in as_completed(futures):
                    task = futures[fut]
                    try:
                        res = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker fails its report only
                        res = {"id": task["id"], "status": "failed", "error": f"worker crashed: {exc}", "seconds": 0.0}
                    report(res)
    finally:
        if old_jupyter_path is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old_jupyter_path
        shutil.rmtree(kernel_base, ignore_errors=True)
    return results


def _schedule(tasks: list[dict[str, Any]], jobs: int) -> list[dict[str, Any]]:
    """The order reports are handed to the workers: longest first (by the time of their last build), so two
    workers end together; the last ``jobs`` reports start no spare kernel (no report would use it)."""
    ordered = sorted(tasks, key=lambda t: -(t.get("expected_seconds") or 0.0))
    for i, task in enumerate(ordered):
        task["prestart"] = i < len(ordered) - jobs
    return ordered


def _safe_build_one(task: dict[str, Any]) -> dict[str, Any]:
    """``build_one`` that turns an unexpected error into a failed result (with the traceback logged)."""
    try:
        return build_one(task)
    except Exception as exc:  # noqa: BLE001 - a bug here fails one report, logged with its traceback
        return {
            "id": task["id"],
            "status": "failed",
            "error": f"pipeline error: {type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
            "seconds": 0.0,
        }


def _param_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


#: How a report's header names its parameters (the rest are shown as they are).
PARAMETER_LABELS = {
    "group": "Gruppe",
    "kommunenummer": "Kommune",
    "min_cell": "Minste gruppe som vises",
    "top_n": "Antall i lister",
}


def display_parameters(parameters: dict[str, Any]) -> list[tuple[str, str]]:
    """The header's parameter lines, for readers: «Gruppe: Grendemøtet i Drevsjø», «Kommune: Grue (3417)»."""
    out = []
    for key, value in sorted(parameters.items()):
        label = PARAMETER_LABELS.get(key, key)
        text = _param_text(value)
        try:
            if key == "group":
                text = group_title(str(value))
            elif key == "kommunenummer":
                code = snapshot.region_code(value)
                text = f"{snapshot.region_name(code)} ({code})"
            elif key == "min_cell":
                text = f"{int(value)} personer"
        except (AnalysisError, OSError, ValueError):
            pass
        out.append((label, text))
    return out


def run_stale(
    stale: list[StaleReport],
    catalogue: Catalogue,
    reports_dir: Path,
    options: BuildOptions,
    build_date: str,
) -> dict[str, dict[str, Any]]:
    """Check every stale report's parameters, then execute them all; results by report id.

    The checks (papermill's inspection of each notebook's ``parameters`` cell) run before any
    kernel starts; a problem in any entry stops the build with :class:`AnalysisError` listing them all.
    """
    tasks, problems = [], []
    # One notebook serves many entries (357 for the population report of every municipality), and what a
    # report lacks depends only on what it requires and its municipality: each is worked out once per build
    # (for 357 entries this took 3 s before the first worker started, with one core idle).
    declared_by_notebook: dict[Path, dict[str, dict[str, Any]] | AnalysisError] = {}
    missing_by_need: dict[tuple[tuple[str, ...], str], str | None] = {}
    for item in stale:
        entry = item.entry
        nb_path = entry.notebook_path()
        if nb_path not in declared_by_notebook:
            try:
                declared_by_notebook[nb_path] = notebook_parameters(nb_path)
            except AnalysisError as exc:
                declared_by_notebook[nb_path] = exc
        declared = declared_by_notebook[nb_path]
        if isinstance(declared, AnalysisError):
            problems.append(f"report '{entry.id}': {declared}")
            continue
        problems.extend(check_parameters(entry, declared))
        need = (tuple(entry.requires), str(entry.parameters.get("kommunenummer", "")))
        if need not in missing_by_need:
            missing_by_need[need] = missing_requirement(entry)
        tasks.append(
            {
                "id": entry.id,
                "missing": missing_by_need[need],
                "optional": entry.optional,
                "notebook": str(nb_path),
                "notebook_name": entry.notebook,
                "output": entry.output,
                "parameters": build_parameters(entry, declared, catalogue),
                "reports_dir": str(reports_dir),
                "cwd": str(nb_path.parent),
                "timeout": options.timeout,
                "expected_seconds": item.seconds,
                "meta": {
                    "title": entry.title,
                    "kicker": "Kommunen som samfunnsutvikler",
                    "parameters": display_parameters(entry.parameters),
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
        raise AnalysisError(
            "the catalogue does not match the notebooks (no report was built):\n  - " + "\n  - ".join(problems)
        )
    return _run_tasks(tasks, options, options.echo)


def build(options: BuildOptions | None = None) -> BuildSummary:
    """:func:`analysis.build.pipeline.build` with :func:`run_stale` as the runner (the library entry point)."""
    return _build(options, run_stale, write_pdfs)
