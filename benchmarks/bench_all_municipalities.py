"""Benchmark: the population report for every municipality in Norway (357), in one ``analysis build``.

Makes a project with ``analysis init`` (for the first municipality), replaces its catalogue with one
population entry expanded over every kommunenummer in the SSB snapshot's regions (``for_each``), and runs
``analysis build --jobs N`` on it while sampling the memory of the whole process tree (the build, its
workers, their kernel templates and kernels): the sum of PSS (proportional set size: a page shared by n
processes counts 1/n in each, so the sum is the memory the tree really holds) near the peaks and, every
``--sample`` seconds, the sum of RSS (every shared page counted in every process: an upper bound that
overstates forked processes); see :class:`TreeMemory`, and the CPU the sampling itself took. Checks that every report is ``ok`` and prints the time per report, the peak memory and
the size of the output.

    python benchmarks/bench_all_municipalities.py [--limit N] [--jobs 2]

``--limit N`` builds N municipalities spread evenly over the list (the largest and smallest included).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

from analysis.population import snapshot

BIN = Path(sys.executable).parent


def municipalities(limit: int | None) -> list[dict[str, str]]:
    regions = snapshot.read_regions()
    kommuner = regions[regions["type"] == "kommune"].sort_values("region")
    rows = [{"kommunenummer": r, "name": snapshot.region_name(r, regions)} for r in kommuner["region"]]
    if limit is not None and limit < len(rows):
        step = (len(rows) - 1) / max(1, limit - 1)
        rows = [rows[round(i * step)] for i in range(limit)] if limit > 1 else rows[:1]
    return rows


def write_catalogue(path: Path, rows: list[dict[str, str]]) -> None:
    catalogue = {
        "notebooks": {
            "befolkningsutvikling.ipynb": {
                "shareable": True,
                "category": "Befolkning",
                "requires": ["population"],
                "sources": ["SSB, tabell 07459", "SSB, regionale befolkningsframskrivinger"],
            }
        },
        "reports": [
            {
                "id": "befolkning-{kommunenummer}",
                "title": "Befolkningsutvikling – {name}",
                "notebook": "befolkningsutvikling.ipynb",
                "output": "befolkningsutvikling-{kommunenummer}",
                "parameters": {"kommunenummer": "{kommunenummer}"},
                "for_each": rows,
            }
        ],
    }
    path.write_text(yaml.safe_dump(catalogue, allow_unicode=True, sort_keys=False), encoding="utf-8")


def busy_cpu() -> float | None:
    """CPU seconds the whole machine has been busy (user, nice, system, irq, softirq) since boot; None off Linux.

    Less noisy than wall time on a shared machine: what the build costs, not when it got the cores."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(v) for v in fh.readline().split()[1:8]]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


class TreeMemory:
    """Samples the memory of a process and all its descendants in a thread; peaks in bytes.

    Every ``every`` seconds the summed RSS (cheap: ``/proc/PID/statm``); the summed PSS (``smaps_rollup``,
    for which the kernel walks each process's page tables: ~4 ms per process) only when the RSS sum is
    within 5 % of the highest seen so far, and at most once per ``pss_every`` seconds. The PSS sum is never
    above the RSS sum, so its peak falls at such a moment; sampling it every 0.2 s took 9 % of a core,
    which the benchmark would otherwise have measured as build time. Once a second it still took 14–17 s of
    CPU in a 357-report build (the RSS sum stays near its peak all through, so PSS was read every second):
    2 % of the machine. The default is now once every 5 s.
    """

    def __init__(self, pid: int, every: float, pss_every: float = 5.0) -> None:
        self.root = psutil.Process(pid)
        self.every = every
        self.pss_every = pss_every
        self.peak = 0  # summed PSS
        self.peak_rss = 0
        self.peak_processes = 0
        self.pss_samples = 0
        self.cpu = 0.0  # CPU seconds the sampling itself took
        self._last_pss = -1e9
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        rss = 0
        for p in procs:
            try:
                rss += p.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        self.peak_rss = max(self.peak_rss, rss)
        now = time.monotonic()
        if rss < 0.95 * self.peak_rss or now - self._last_pss < self.pss_every:
            return
        self._last_pss = now
        self.pss_samples += 1
        total = 0
        for p in procs:
            try:
                info = p.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            total += getattr(info, "pss", info.rss)
        if total > self.peak:
            self.peak, self.peak_processes = total, len(procs)

    def _run(self) -> None:
        start = time.thread_time()
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every)
        self.cpu = time.thread_time() - start

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="build only N municipalities (spread evenly)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument(
        "--sample",
        type=float,
        default=0.2,
        help="seconds between memory samples (RSS; PSS near the peaks, see TreeMemory)",
    )
    ap.add_argument("--pss-every", type=float, default=5.0, help="at most one PSS sample per this many seconds")
    ap.add_argument("--keep", action="store_true", help="keep the temporary project")
    args = ap.parse_args()

    rows = municipalities(args.limit)
    tmp = Path(tempfile.mkdtemp(prefix="bench-all-"))
    project = tmp / "project"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1785312000")
    env.pop("ANALYSIS_PROJECT_ROOT", None)
    subprocess.run(
        [str(BIN / "analysis"), "init", str(project), "--kommune", rows[0]["kommunenummer"]],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    write_catalogue(project / "catalogue.yaml", rows)
    env["ANALYSIS_PROJECT_ROOT"] = str(project)
    try:
        load = os.getloadavg()
        print(f"{len(rows)} municipalities, --jobs {args.jobs}, {os.cpu_count()} cores, load {load[0]:.2f}", flush=True)
    except OSError:
        pass

    busy0 = busy_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "analysis"), "build", "--jobs", str(args.jobs)],
        env=env,
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with TreeMemory(proc.pid, args.sample, args.pss_every) as memory:
        rc = proc.wait()
    seconds = time.perf_counter() - t0
    busy_end = busy_cpu()
    busy = busy_end - busy0 if busy0 is not None and busy_end is not None else None

    reports = project / "reports"
    manifest = json.loads((reports / "build-manifest.json").read_text(encoding="utf-8"))
    statuses: dict[str, int] = {}
    for rec in manifest["reports"].values():
        statuses[rec["status"]] = statuses.get(rec["status"], 0) + 1
    size = sum(p.stat().st_size for p in reports.iterdir() if p.is_file())
    html = sum(p.stat().st_size for p in reports.glob("befolkningsutvikling-*.html"))
    print(f"exit code {rc}; statuses: {statuses}")
    print(f"total {seconds:.1f} s for {len(rows)} reports: {seconds / len(rows):.2f} s per report")
    print(
        f"peak memory of the process tree, sampled every {args.sample} s ({memory.pss_samples} PSS samples): "
        f"{memory.peak / 2**20:.0f} MiB summed PSS "
        f"({memory.peak_processes} processes); summed RSS (shared pages counted in every process) "
        f"{memory.peak_rss / 2**20:.0f} MiB; the sampling itself took {memory.cpu:.1f} s of CPU"
    )
    print(f"output: {size / 2**20:.0f} MiB in reports/ ({html / 2**20:.0f} MiB of HTML)")
    if busy is not None:
        cores = os.cpu_count() or 1
        print(
            f"CPU busy (the whole machine, /proc/stat): {busy:.0f} s, {busy / len(rows):.2f} s per report; "
            f"{100 * busy / (cores * seconds):.0f} % of {cores} cores over the build"
        )
    if args.keep:
        print(f"kept {project}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if rc != 0 or statuses.get("ok", 0) != len(rows):
        sys.exit("not every report was built")


if __name__ == "__main__":
    main()
