"""A kernel template: imports ipykernel and the package once, then forks a brand-new kernel process per report.

Started by a build worker (``python -m analysis.build.zygote [--preload MODULE:FUNCTION]... MODULE...``) with the
environment and working folder its kernels get. It imports ipykernel and the given modules (pandas, pyarrow,
matplotlib, the analyses), calls each preload function (the SSB snapshot's shared tables read into the
readers' cache), forgets what those reads recorded (:func:`analysis.lineage.reset`), and then waits
for requests on stdin, one JSON line each (``{"argv": [...], "cwd": ..., "env": {...}}``); for each it forks
a child that becomes an ordinary ipykernel (``IPKernelApp``) in its own session and answers ``{"pid": N}``
on its private pipe. The template itself never runs a line of any notebook: every kernel starts from the
same state, the state of a fresh interpreter that has imported those modules and read those tables -- what a
pre-warmed kernel has after its warm-up, without paying for the interpreter start, the imports and the reads
again for every report.

When the worker goes away (stdin closes) the template kills the kernels it started and exits. Linux and
macOS only (``os.fork``); elsewhere the build starts kernels the ordinary way.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import signal
import sys
import traceback

import ipykernel.ipkernel  # noqa: F401 - loaded once here, not once per kernel
from ipykernel.kernelapp import IPKernelApp

#: What every kernel imports while it starts (measured: the modules a kernel has at its first cell that the
#: template had not): ipykernel's debugger, which loads debugpy and pydevd (130 modules), IPython's history
#: (sqlite3), its inspector and debugger. Importing them once here saves each kernel 0.1 s.
KERNEL_START_MODULES = (
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "sqlite3",
    "psutil",
    "tornado.queues",
)


def _die_with_template(template_pid: int) -> None:
    """Have the kernel killed when its template dies, however it dies (Linux: ``PR_SET_PDEATHSIG``).

    The template kills its kernels when its worker goes away, but a template killed by a signal (the build's
    process group stopped with SIGTERM, an out-of-memory kill) cannot; its kernels, each in a session of its
    own, would otherwise live on as orphans.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != template_pid:  # the template died before the line above took effect
        os._exit(1)


def _child(request: dict, out_fd: int, template_pid: int) -> None:
    """In the forked child: become an ordinary kernel (never returns)."""
    try:
        _die_with_template(template_pid)
        os.setsid()  # its own process group, as jupyter_client's launcher gives a kernel
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its own subprocesses
        os.close(out_fd)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        np = sys.modules.get("numpy")
        if np is not None:  # a cold kernel seeds numpy's global generator from the OS; so does this one
            np.random.seed()
        argv = list(request["argv"])
        sys.argv = [sys.argv[0], *argv]
        IPKernelApp.launch_instance(argv=argv)
    except BaseException:  # noqa: BLE001 - the child must never return into the template's loop
        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def _preload(hooks: list[str]) -> None:
    """Call each ``module:function`` (no arguments); a failing one is reported on stderr and skipped (a preload
    is a head start, never a reason for a failed report). What the calls read is not any report's record."""
    for hook in hooks:
        module, _, function = hook.partition(":")
        try:
            getattr(importlib.import_module(module), function)()
        except Exception:  # noqa: BLE001 - the kernels read it themselves
            traceback.print_exc()
    lineage = sys.modules.get("analysis.lineage")
    if lineage is not None:
        lineage.reset()


def _arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    """``(modules, preload hooks)`` from the command line: ``--preload MODULE:FUNCTION`` (repeatable), then modules."""
    modules: list[str] = []
    hooks: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--preload":
            hooks.append(next(args))
        else:
            modules.append(arg)
    return modules, hooks


def main(modules: list[str], preload: tuple[str, ...] | list[str] = ()) -> None:
    # The protocol pipe is a private copy of stdout; fd 1 then goes to stderr, so nothing a module prints
    # while being imported can garble an answer.
    out_fd = os.dup(1)
    os.dup2(2, 1)
    # As ipykernel_launcher: the current folder is not on the path while loading (IPython adds it back).
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    # As IPKernelApp does before a notebook imports matplotlib.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # pydevd warns on stderr about frozen modules when it is imported; the kernels never debug
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in (*modules, *KERNEL_START_MODULES):
        __import__(name)
    _preload(list(preload))
    # Everything loaded so far lives as long as the template: move it out of the garbage collector's
    # reach (gc.freeze), so a kernel's full collections never walk, and never copy-on-write, the pages
    # it shares with the template.
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system, never left as zombies
    children: list[int] = []
    os.write(out_fd, b'{"ready": true}\n')
    for line in sys.stdin:
        request = json.loads(line)
        template_pid = os.getpid()
        pid = os.fork()
        if pid == 0:
            _child(request, out_fd, template_pid)
        children.append(pid)
        os.write(out_fd, (json.dumps({"pid": pid}) + "\n").encode())
    for pid in children:  # the worker is gone: so are its kernels
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


if __name__ == "__main__":
    main(*_arguments(sys.argv[1:]))
