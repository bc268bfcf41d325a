"""Kernels for the build: a small pool per worker process, started ahead of need, each used for one report.

* :class:`KernelPool` — ``take`` hands out a started kernel and at once starts the next one, so it is ready
  when the current report ends; a spare is warmed up with the package's heavy imports
  (:data:`WARM_MODULES`) before any notebook runs on it. A kernel is never handed out twice.
* :class:`Zygote` and :class:`ForkProvisioner` — where the platform can fork (Linux, macOS), each worker
  keeps a kernel template (:mod:`analysis.build.zygote`) that has imported ipykernel and the package once;
  a kernel is a new process forked from it, plugged into jupyter_client through its provisioner interface
  (ports, connection file and kernel command line as usual). No kernel ever ran another report's code.
* :func:`new_kernel_manager` — every kernel's manager; its clients are :class:`PromptKernelClient`s, whose
  ready check (run by nbclient before each notebook) does not wait 0.2 s for IOPub to fall silent, and which
  send a cell's execute request while the cell before it runs (:meth:`PromptKernelClient.send_after_next`).
* :func:`pool_mode` — ``ANALYSIS_KERNEL_POOL``: ``fork`` (default), ``warm`` (pooled, started from scratch)
  or ``0``/``off`` (each kernel started cold when its report begins); the output is the same.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import time
import uuid
from collections import deque
from dataclasses import dataclass
from multiprocessing import util as mp_util
from typing import Any

import pyarrow as pa
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.utils import run_sync

log = logging.getLogger("analysis.build")

KERNEL_NAME = "kommune-analyse-build"

#: Modules every report notebook imports (the package's heavy imports: pandas, pyarrow, matplotlib and the
#: analyses). A pooled kernel imports them right after it starts, while the previous report still runs, so
#: a notebook's import cell finds them loaded. Only ``sys.modules`` changes: no name is defined in the
#: notebook's namespace, and nothing is executed that a notebook does not do itself when it imports them.
WARM_MODULES = (
    "analysis.lineage",
    "analysis.population.sections",
    "analysis.goals.sections",
    "analysis.forcefield.sections",
    "analysis.survey.sections",
    # imported by pyarrow itself on a report's first filtered parquet read and first ``to_pandas`` (measured:
    # 0.05 s in every population report's kernel; `python -X importtime`)
    "pyarrow.dataset",
    "pyarrow.pandas_compat",
)
#: Called by each worker's kernel template (:class:`Zygote`) once, after the imports and before it forks any
#: kernel: the SSB snapshot's tables that every population report reads whole, parsed once per worker instead
#: of once per report (:func:`analysis.population.snapshot.preload`; the readers' cache is keyed by path, size
#: and modification time, and each reader still records the file when a report calls it).
PRELOAD = ("analysis.population.snapshot:preload",)
#: Sent silently (no execution count, no history, no output) to a pooled kernel right after its start.
WARM_CODE = f"(lambda names: [__import__(n) for n in names])({list(WARM_MODULES)!r})"
#: ``ANALYSIS_KERNEL_POOL``: see :func:`pool_mode` (the output is the same in every mode; tests compare them).
POOL_VARIABLE = "ANALYSIS_KERNEL_POOL"


def _allocator_env() -> dict[str, str]:
    """jemalloc for pyarrow where this pyarrow has it (Linux and macOS wheels): measured faster than the default
    mimalloc for the population reports on the 2-core build machine (benchmarks/bench_arrow_pool.py)."""
    try:
        pa.jemalloc_memory_pool()
    except (NotImplementedError, pa.ArrowNotImplementedError):
        return {}
    return {"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"}


#: Environment for the kernels the build starts (unless already set): pyarrow's allocator, chosen by
#: measurement (benchmarks/README.md).
KERNEL_ENV: dict[str, str] = _allocator_env()


def kernel_env(env: dict[str, str]) -> dict[str, str]:
    """The environment a report's kernel gets: the build's, with :data:`KERNEL_ENV` filled in where unset."""
    return {**KERNEL_ENV, **env}


class PromptKernelClient(AsyncKernelClient):
    """jupyter_client's asynchronous kernel client, except that :meth:`wait_for_ready` does not sit idle 0.2 s.

    jupyter_client ends its ready check (which nbclient runs before every notebook) by reading IOPub until
    0.2 s pass without a message, to drop what the kernel_info exchange published. In those 0.2 s neither the
    kernel nor the build does anything. nbclient reads only the IOPub messages that answer its own requests,
    so here the messages already there are dropped and any later one is left for nbclient to ignore.
    Everything before that is jupyter_client's own check: a kernel_info reply on the shell channel, then a
    message on IOPub, which shows that IOPub is connected. Set through the kernel manager's ``client_class``.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except queue.Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub is connected when the status of this request comes through
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except queue.Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:  # drop what is already there, without waiting for more
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except queue.Empty:
                break

    #: The execute request to send right after the next one (:meth:`send_after_next`): its arguments.
    _follow: tuple | None = None
    #: An execute request sent ahead of its turn: its arguments and its message id.
    _ahead: tuple[tuple, str] | None = None

    def _arguments(
        self, code, silent=False, store_history=True, user_expressions=None, allow_stdin=None, stop_on_error=True
    ) -> tuple:
        allow = self.allow_stdin if allow_stdin is None else allow_stdin
        return code, silent, store_history, dict(user_expressions or {}), allow, stop_on_error

    def send_after_next(self, code: str, *, store_history: bool = True, stop_on_error: bool = True) -> None:
        """Send this execute request right after the next one, before the next one has run.

        The kernel takes requests in order, so it starts this one the moment the one before ends, without
        waiting a round trip for the build to send it. When the one before fails (with ``stop_on_error``), the
        kernel aborts the request waiting behind it: the Jupyter protocol's rule that JupyterLab's "Run all"
        relies on. The later :meth:`execute` with the same arguments returns this request's id instead of
        sending it again.
        """
        self._follow = self._arguments(code, store_history=store_history, stop_on_error=stop_on_error)

    def take_ahead(self) -> str | None:
        """The id of a request sent ahead that nobody asked for (its reply is still to come), forgotten here;
        ``None`` when there is none."""
        ahead, self._ahead, self._follow = self._ahead, None, None
        return ahead[1] if ahead is not None else None

    def execute(
        self, code, silent=False, store_history=True, user_expressions=None, allow_stdin=None, stop_on_error=True
    ) -> str:
        """jupyter_client's ``execute``, which returns the id of the request sent ahead when it is this one."""
        args = self._arguments(code, silent, store_history, user_expressions, allow_stdin, stop_on_error)
        ahead, self._ahead = self._ahead, None
        if ahead is None:
            msg_id = super().execute(*args)
        elif ahead[0] == args:
            msg_id = ahead[1]
        else:  # the kernel would run the request sent ahead first: never run a cell out of its order
            raise RuntimeError("another execute request was sent ahead of this one (take_ahead() forgets it)")
        follow, self._follow = self._follow, None
        if follow is not None and follow != args:  # a plan for this very request is stale: never send it twice
            self._ahead = (follow, super().execute(*follow))
        return msg_id


def new_kernel_manager() -> AsyncKernelManager:
    """A kernel manager for one report's kernel (the build's kernelspec; clients are :class:`PromptKernelClient`)."""
    return AsyncKernelManager(kernel_name=KERNEL_NAME, client_class=f"{__name__}.PromptKernelClient")


@dataclass
class _Kernel:
    km: AsyncKernelManager
    key: tuple
    warm: BlockingKernelClient | None = None
    warm_id: str | None = None


class KernelPool:
    """Kernels started ahead of need: ``take`` hands out a started (and, with ``warm``, pre-imported) kernel and
    starts the next one at once, so it is ready when this report ends.

    A kernel is never handed out twice; the build shuts each one down after its report (``now=True``). A
    spare whose working folder or environment differs from what the next report needs is shut down and a new
    one started.
    """

    def __init__(self, *, warm: bool = True, fork: bool = False) -> None:
        self.warm = warm
        self.fork = fork and hasattr(os, "fork")
        self._spares: deque[_Kernel] = deque()
        self._zygote: Zygote | None = None

    def _zygote_for(self, cwd: str, env: dict[str, str]) -> Zygote:
        z = self._zygote
        if z is None or z.env != env or z.cwd != cwd or not z.alive():
            if z is not None:
                z.close()
            self._zygote = Zygote(env, cwd)
        return self._zygote

    @staticmethod
    def _key(cwd: str, env: dict[str, str]) -> tuple:
        return (cwd, tuple(sorted(env.items())))

    def _start(self, cwd: str, env: dict[str, str], *, fork: bool | None = None) -> _Kernel:
        km = new_kernel_manager()
        if self.fork if fork is None else fork:
            km.kernel_id = str(uuid.uuid4())
            km.provisioner = ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
            km.provisioner.zygote = self._zygote_for(cwd, env)
        run_sync(km.start_kernel)(cwd=cwd, env=dict(env))
        kernel = _Kernel(km, self._key(cwd, env))
        if self.warm:
            kc = BlockingKernelClient()
            kc.load_connection_info(km.get_connection_info())
            kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
            kernel.warm = kc
            kernel.warm_id = kc.execute(WARM_CODE, silent=True, store_history=False, allow_stdin=False)
        return kernel

    @staticmethod
    def _finish_warm_up(kernel: _Kernel, timeout: float) -> bool:
        """Wait until the warm-up ran (so a notebook's first cell never overtakes it), then close its client.

        False when the kernel died or did not answer within ``timeout`` seconds.
        """
        kc, kernel.warm = kernel.warm, None
        if kc is None:
            return _alive(kernel.km)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    msg = kc.get_shell_msg(timeout=min(1.0, max(0.01, deadline - time.monotonic())))
                except queue.Empty:
                    if not _alive(kernel.km):
                        return False
                    continue
                if msg.get("parent_header", {}).get("msg_id") == kernel.warm_id:
                    return True
            return False
        except Exception:  # noqa: BLE001 - a kernel we cannot talk to is not used
            return False
        finally:
            kc.stop_channels()

    def prestart(self, cwd: str, env: dict[str, str]) -> None:
        """Start a spare kernel now (e.g. when a worker starts, before its first report)."""
        self._spares.append(self._start_safely(cwd, env))

    def take(self, cwd: str, env: dict[str, str], *, prestart: bool = True, timeout: float = 60) -> AsyncKernelManager:
        """A started kernel for one report in ``cwd`` with ``env``; with ``prestart``, the next one starts now."""
        key = self._key(cwd, env)
        kernel = None
        while self._spares:
            spare = self._spares.popleft()
            if spare.key == key and _alive(spare.km):
                kernel = spare
                break
            self._discard(spare)
        if kernel is None:
            kernel = self._start_safely(cwd, env)
        if not self._finish_warm_up(kernel, timeout):
            # A kernel that died or hangs before any notebook code ran: never fail a report for it. Start one
            # the ordinary way (no template) and let nbclient's own start-up check decide.
            log.warning("a pooled kernel did not start; starting another")
            self._discard(kernel)
            kernel = self._start(cwd, env, fork=False)
            self._finish_warm_up(kernel, timeout)
        if prestart:
            try:
                self._spares.append(self._start_safely(cwd, env))
            except Exception:  # noqa: BLE001 - no spare: the next report starts its own kernel
                log.warning("could not start a spare kernel", exc_info=True)
        return kernel.km

    def _start_safely(self, cwd: str, env: dict[str, str]) -> _Kernel:
        """:meth:`_start`; when the template fails (it died, or cannot fork), a kernel started the ordinary way."""
        try:
            return self._start(cwd, env)
        except Exception:  # noqa: BLE001 - the template is an optimisation, never a reason for a failed report
            if not self.fork:
                raise
            log.warning("the kernel template failed; starting a kernel the ordinary way", exc_info=True)
            if self._zygote is not None:
                self._zygote.close()
                self._zygote = None
            return self._start(cwd, env, fork=False)

    def _discard(self, kernel: _Kernel) -> None:
        if kernel.warm is not None:
            kernel.warm.stop_channels()
        shutdown_now(kernel.km)

    def close(self) -> None:
        """Shut every spare kernel down (immediately), and the kernel template."""
        while self._spares:
            self._discard(self._spares.popleft())
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None


class Zygote:
    """The kernel template of one worker (:mod:`analysis.build.zygote`): a process that has imported ipykernel
    and :data:`WARM_MODULES` once and run :data:`PRELOAD` (in the kernels' folder, with their environment), and
    forks a new kernel process on request."""

    def __init__(self, env: dict[str, str], cwd: str | None = None) -> None:
        self.env = dict(env)
        self.cwd = cwd
        preload = [arg for hook in PRELOAD for arg in ("--preload", hook)]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "analysis.build.zygote", *preload, *WARM_MODULES],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self.env,
            cwd=cwd,
            text=True,
        )
        self._ready = False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _readline(self) -> dict:
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            raise RuntimeError("the kernel template stopped")
        return json.loads(line)

    def fork(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """A new kernel process running ``IPKernelApp`` with ``argv`` in ``cwd`` with ``env``; its pid."""
        if not self._ready:
            self._readline()  # {"ready": true}: the imports are done
            self._ready = True
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
        self.proc.stdin.flush()
        return int(self._readline()["pid"])

    def close(self) -> None:
        """End the template (it kills the kernels it forked that are still running)."""
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


class _ForkedProcess:
    """What jupyter_client's local provisioner uses of a ``Popen``, for a kernel forked by the template (which
    is its parent and reaps it: here it is only watched and signalled)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner (ports, connection file, the kernelspec's command line, the process
    group), except that the kernel process is forked by the worker's :class:`Zygote` instead of started from
    scratch. Set on a kernel manager before ``start_kernel`` (jupyter_client's provisioner hook)."""

    zygote: Zygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        if self.zygote is None or cmd[1:3] != ["-m", "ipykernel_launcher"]:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        pid = self.zygote.fork(cmd[3:], cwd, env)
        self.process = _ForkedProcess(pid)
        self.pid = pid
        self.pgid = pid  # the child called setsid()
        self.cwd = cwd
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        """Kill the kernel (jupyter_client's way) and wait, in short steps, until it is gone.

        jupyter_client checks whether a killed kernel is still alive and, if so, sleeps 0.1 s before checking
        again; a kernel killed a moment ago always is, so every report waited 0.1 s with its core idle
        (measured: 0.115 s from the last cell to a closed kernel). The template reaps its children at once,
        so here the wait is a few milliseconds and jupyter_client's first check finds the kernel gone.
        """
        await super().kill(restart=restart)
        process = self.process
        if isinstance(process, _ForkedProcess):
            deadline = time.monotonic() + 1.0
            while process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.002)


def _alive(km: AsyncKernelManager) -> bool:
    try:
        return bool(run_sync(km.is_alive)())
    except Exception:  # noqa: BLE001 - a kernel we cannot ask is not usable
        return False


def shutdown_now(km: AsyncKernelManager) -> None:
    """Stop a kernel at once (no graceful shutdown request: its report is written or it was never used)."""
    try:
        if run_sync(km.is_alive)():
            run_sync(km.shutdown_kernel)(now=True)
        else:
            run_sync(km.cleanup_resources)()
    except Exception:  # noqa: BLE001 - already gone
        log.debug("kernel shutdown failed", exc_info=True)


_POOL: KernelPool | None = None


def pool() -> KernelPool:
    """This process's kernel pool (one per worker process), shut down when the process ends."""
    global _POOL
    if _POOL is None:
        _POOL = KernelPool(warm=pool_enabled(), fork=pool_mode() == "fork")
        # A worker process ends through multiprocessing (no atexit there): its finalizers run.
        mp_util.Finalize(_POOL, _POOL.close, exitpriority=10)
        atexit.register(_POOL.close)
    return _POOL


def pool_mode(env: dict[str, str] | None = None) -> str:
    """How kernels start (``ANALYSIS_KERNEL_POOL``): ``fork`` (default where the platform can fork: pooled
    kernels forked from the worker's kernel template), ``warm`` (pooled kernels started from scratch, then
    warmed up) or ``off`` (``0``: each kernel started cold when its report begins)."""
    value = (env if env is not None else os.environ).get(POOL_VARIABLE, "").strip().lower()
    if value in ("0", "no", "false", "off"):
        return "off"
    if value == "warm" or not hasattr(os, "fork"):
        return "warm"
    return "fork"


def pool_enabled(env: dict[str, str] | None = None) -> bool:
    """False when ``ANALYSIS_KERNEL_POOL`` is ``0``/``off`` (kernels then start cold, one per report)."""
    return pool_mode(env) != "off"


def close_pool() -> None:
    """Shut this process's pool down (its spare kernels and template), if it has one."""
    if _POOL is not None:
        _POOL.close()
