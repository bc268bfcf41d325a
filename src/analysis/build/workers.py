"""How the build's worker processes start. Light on purpose: the command line imports it before the heavy
:mod:`analysis.build.execute` (papermill, nbconvert, pandas, matplotlib), so the workers' forkserver can start
importing that module while the build itself still imports it and works out its tasks.

* :func:`start_method` — a forkserver where the platform has one (Linux, macOS), else spawn (Windows);
* :func:`context` — the multiprocessing context the build's process pool uses (the forkserver preloads
  :data:`WORKER_MODULE`, so each worker is forked with it already imported);
* :func:`start_early` — start that forkserver now, when the build is about to need workers.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import os

#: What every worker runs; the forkserver imports it once, before it forks the first worker.
WORKER_MODULE = "analysis.build.execute"


def start_method(available: list[str] | None = None) -> str:
    """How worker processes start: a forkserver where the platform has one (Linux, macOS), else spawn
    (Windows). Both give each worker a clean interpreter; neither forks a process holding threads."""
    available = multiprocessing.get_all_start_methods() if available is None else available
    return "forkserver" if "forkserver" in available else "spawn"


def context() -> multiprocessing.context.BaseContext:
    """The context of the build's worker pool, its forkserver set to preload :data:`WORKER_MODULE`."""
    ctx = multiprocessing.get_context(start_method())
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload([WORKER_MODULE])
    return ctx


def start_early(reports: int, jobs: int | None) -> bool:
    """Start the workers' forkserver now when ``reports`` stale reports will be built by more than one worker;
    True when it was started (or already ran).

    The forkserver imports :data:`WORKER_MODULE` (1.5–2 s) before it can fork a worker. Started only when the pool
    is created, that import ran after the build's own; started here, before the build imports the module and
    checks the notebooks, both run at once on two cores: the first report of a 40-report build ended 2 s sooner
    (median of 3 paired runs, ``benchmarks/README.md``). Nothing runs in it but the import: each worker still gets
    the build's environment and working folder from its task.
    """
    if reports < 2 or start_method() != "forkserver":
        return False
    if min(jobs or os.cpu_count() or 1, reports) < 2:
        return False
    context()
    multiprocessing.forkserver.ensure_running()
    return True
