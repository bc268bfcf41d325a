"""Benchmark: the whole catalogue built by ``analysis build`` against the naive chain and against the floor.

Every round (``--repeat``, paired: all ways run in each round, in a rotating order, into fresh folders):

* naive ×1:  for each report the ``papermill`` CLI, then ``jupyter nbconvert --to html --no-input`` CLI, one
             report after another;
* naive ×2:  the same chain, two reports at a time (two chains running side by side, each taking the next
             report when it is done) — what anyone with two cores would do;
* ours:      ``analysis build --force --jobs N`` (pooled, pre-warmed kernels, papermill/nbconvert APIs);
* no-op:     ``analysis build`` right after ours (nothing changed);
* floor:     measured in the same round: the sum of every cell's execution time in the naive ×1 run
             (papermill's ``papermill.duration`` per cell, so the imports are in it) ÷ the number of cores,
             plus one kernel start (start to first reply, measured here).

Each way must have succeeded for every report: exit code 0, an executed notebook without an error output, and
a non-empty HTML file (for ours: every report ``ok`` in the manifest too). Prints each round and the medians of
the per-round times and ratios.

    python benchmarks/bench_build.py [--repeat 3] [--jobs 2] [--only PATTERN]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from analysis.build.catalogue import load_catalogue
from analysis.build.parameters import build_parameters, notebook_parameters

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _quiet(cmd: list[str], env: dict[str, str]) -> int:
    return subprocess.run(cmd, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


def executed_ok(nb_path: Path) -> tuple[bool, float]:
    """(no error output and no papermill exception, sum of cell durations in seconds)."""
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False, 0.0
    ok, total = True, 0.0
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("papermill", {})
        if meta.get("exception"):
            ok = False
        total += float(meta.get("duration") or 0.0)
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            ok = False
    return ok, total


def naive_one(entry, catalogue, env: dict[str, str], out: Path) -> tuple[bool, float]:
    """One report through the naive chain; (succeeded, sum of its cell durations)."""
    params = []
    for k, v in build_parameters(entry, notebook_parameters(entry.notebook_path(REPO)), catalogue).items():
        params += ["-y", f"{k}: {json.dumps(v)}"] if not isinstance(v, str) else ["-p", k, v]
    executed = out / f"{entry.output}.ipynb"
    rc1 = _quiet(
        [
            str(BIN / "papermill"),
            str(entry.notebook_path(REPO)),
            str(executed),
            *params,
            "--cwd",
            str(REPO / "notebooks"),
        ],
        env,
    )
    rc2 = _quiet([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], env)
    html = executed.with_suffix(".html")
    ok, cells = executed_ok(executed)
    return (rc1 == 0 and rc2 == 0 and ok and html.is_file() and html.stat().st_size > 0), cells


def naive_build(entries, catalogue, env: dict[str, str], out: Path, parallel: int) -> tuple[float, list[str], float]:
    """The naive chain over all entries, ``parallel`` chains side by side: (seconds, failed ids, cell seconds)."""
    todo: queue.Queue = queue.Queue()
    for e in entries:
        todo.put(e)
    failed: list[str] = []
    cells: list[float] = []
    lock = threading.Lock()

    def chain() -> None:
        while True:
            try:
                e = todo.get_nowait()
            except queue.Empty:
                return
            ok, c = naive_one(e, catalogue, env, out)
            with lock:
                cells.append(c)
                if not ok:
                    failed.append(e.id)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=chain) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, failed, sum(cells)


def ours_build(entries, env: dict[str, str], reports: Path, jobs: int, only: list[str]) -> tuple[float, list[str]]:
    t0 = time.perf_counter()
    rc = _quiet(
        [str(BIN / "analysis"), "build", "--force", "--jobs", str(jobs), "--reports-dir", str(reports), *only], env
    )
    seconds = time.perf_counter() - t0
    failed = [] if rc == 0 else [f"exit code {rc}"]
    manifest = json.loads((reports / "build-manifest.json").read_text(encoding="utf-8"))
    for e in entries:
        rec = manifest["reports"].get(e.id, {})
        ok, _ = executed_ok(reports / f"{e.output}.ipynb")
        html = reports / f"{e.output}.html"
        if rec.get("status") != "ok" or not ok or not html.is_file() or html.stat().st_size == 0:
            failed.append(e.id)
    return seconds, failed


def kernel_start_seconds(env: dict[str, str], runs: int = 3) -> float:
    """Median time from starting a kernel to its first reply (what the floor allows for one start)."""
    code = (
        "import time\nfrom jupyter_client.manager import start_new_kernel\n"
        "t = time.perf_counter(); km, kc = start_new_kernel(kernel_name='python3')\n"
        "print(time.perf_counter() - t); kc.stop_channels(); km.shutdown_kernel(now=True)\n"
    )
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", default=None)
    args = ap.parse_args()

    catalogue = load_catalogue(REPO / "catalogue.yaml")
    entries = catalogue.select(args.only)
    tmp = Path(tempfile.mkdtemp(prefix="bench-build-"))
    env = dict(os.environ, ANALYSIS_PROCESSED_DIR=str(tmp / "processed"), SOURCE_DATE_EPOCH="1785312000")
    subprocess.run([str(BIN / "analysis"), "clean"], env=env, check=False, stdout=subprocess.DEVNULL)
    only = ["--only", args.only] if args.only else []
    cores = os.cpu_count() or 2
    print(f"{len(entries)} reports, {args.repeat} paired rounds, --jobs {args.jobs}, {cores} cores", flush=True)
    try:
        load = os.getloadavg()
        print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    except OSError:
        pass

    rows: list[dict[str, float]] = []
    for i in range(args.repeat):
        row: dict[str, float] = {}
        ways = ["naive1", "naive2", "ours"]
        ways = ways[i % 3 :] + ways[: i % 3]  # rotate, so drift in the machine's load hits every way alike
        for way in ways:
            if way == "ours":
                reports = tmp / f"ours-{i}"
                row["ours"], failed = ours_build(entries, env, reports, args.jobs, only)
                t0 = time.perf_counter()
                rc = _quiet([str(BIN / "analysis"), "build", "--reports-dir", str(reports), *only], env)
                row["noop"] = time.perf_counter() - t0
                if rc != 0:
                    failed.append(f"no-op rebuild exit code {rc}")
            else:
                out = tmp / f"{way}-{i}"
                out.mkdir()
                parallel = 1 if way == "naive1" else 2
                row[way], failed, cells = naive_build(entries, catalogue, env, out, parallel)
                if way == "naive1":
                    row["cells"] = cells
            if failed:
                sys.exit(f"round {i + 1}: {way} did not build every report: {', '.join(failed)}")
        row["kernel"] = kernel_start_seconds(env)
        row["floor"] = row["cells"] / cores + row["kernel"]
        rows.append(row)
        print(
            f"round {i + 1}: naive x1 {row['naive1']:.1f} s, naive x2 {row['naive2']:.1f} s, "
            f"analysis build {row['ours']:.1f} s, no-op {row['noop']:.3f} s, "
            f"floor {row['floor']:.1f} s (cells {row['cells']:.1f} s / {cores} + kernel start {row['kernel']:.2f} s)",
            flush=True,
        )
    shutil.rmtree(tmp, ignore_errors=True)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    def med_ratio(a: str, b: str) -> float:
        return statistics.median(r[a] / r[b] for r in rows)

    print(f"\nmedians of {len(rows)} paired rounds:")
    print(f"  naive x1 (papermill CLI + nbconvert CLI, one at a time): {med('naive1'):.1f} s")
    print(f"  naive x2 (the same chain, two at a time):                {med('naive2'):.1f} s")
    print(f"  analysis build --force --jobs {args.jobs}:                       {med('ours'):.1f} s")
    print(f"  floor (cell time / {cores} cores + one kernel start):          {med('floor'):.1f} s")
    print(f"  analysis build, nothing changed:                         {med('noop'):.3f} s")
    print(f"  ours / floor:     {med_ratio('ours', 'floor'):.2f}  (target <= 1.2)")
    print(f"  naive x1 / ours:  {med_ratio('naive1', 'ours'):.2f}  (target >= 3.5)")
    print(f"  naive x2 / ours:  {med_ratio('naive2', 'ours'):.2f}  (target >= 1.8)")


if __name__ == "__main__":
    main()
