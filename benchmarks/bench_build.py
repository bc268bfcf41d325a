"""Benchmark: building the whole catalogue, against the naive way, and a rebuild with nothing changed.

* naive:   for each report, the ``papermill`` CLI, then ``jupyter nbconvert --to html --no-input`` CLI,
           one after another;
* ours:    ``analysis build --force --jobs N`` (papermill and nbconvert Python APIs, worker processes);
* no-op:   ``analysis build`` right after a build (nothing changed).

All runs use the same catalogue, data and machine, in one invocation, each into its own temporary
folder. Prints medians over ``--repeat`` runs and the ratio naive / ours.

    python benchmarks/bench_build.py [--repeat 3] [--jobs 2] [--only PATTERN]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.build.catalogue import load_catalogue
from analysis.build.parameters import build_parameters, notebook_parameters

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def naive_build(entries, catalogue, env: dict[str, str], out: Path) -> float:
    t0 = time.perf_counter()
    for e in entries:
        params = []
        for k, v in build_parameters(e, notebook_parameters(e.notebook_path(REPO)), catalogue).items():
            params += ["-y", f"{k}: {v!r}"] if not isinstance(v, str) else ["-p", k, v]
        executed = out / f"{e.output}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(e.notebook_path(REPO)),
                str(executed),
                *params,
                "--cwd",
                str(REPO / "notebooks"),
            ],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", default=None)
    args = ap.parse_args()

    catalogue = load_catalogue(REPO / "catalogue.yaml")
    entries = catalogue.select(args.only)
    tmp = Path(tempfile.mkdtemp(prefix="bench-build-"))
    env = dict(os.environ, ANALYSIS_PROCESSED_DIR=str(tmp / "processed"))
    subprocess.run([str(BIN / "analysis"), "clean"], env=env, check=False, stdout=subprocess.DEVNULL)
    only = ["--only", args.only] if args.only else []

    naive, ours, noop = [], [], []
    for i in range(args.repeat):
        out = tmp / f"naive-{i}"
        out.mkdir()
        naive.append(naive_build(entries, catalogue, env, out))
        made = len(list(out.glob("*.html")))
        if made != len(entries):
            sys.exit(f"the naive build made {made} of {len(entries)} HTML files: the comparison would be unfair")
        reports = tmp / f"ours-{i}"
        ours.append(
            run(
                [
                    str(BIN / "analysis"),
                    "build",
                    "--force",
                    "--jobs",
                    str(args.jobs),
                    "--reports-dir",
                    str(reports),
                    *only,
                ],
                env,
            )
        )
        made = len(list(reports.glob("*.html"))) - 1  # minus index.html
        if made != len(entries):
            sys.exit(f"analysis build made {made} of {len(entries)} report HTML files")
        noop.append(run([str(BIN / "analysis"), "build", "--reports-dir", str(reports), *only], env))
        print(
            f"run {i + 1}: naive {naive[-1]:.1f} s, analysis build {ours[-1]:.1f} s, no-op rebuild {noop[-1]:.3f} s",
            flush=True,
        )
    shutil.rmtree(tmp, ignore_errors=True)
    mn, mo, mz = statistics.median(naive), statistics.median(ours), statistics.median(noop)
    print(f"\n{len(entries)} reports, {args.repeat} runs, --jobs {args.jobs}, {os.cpu_count()} cores")
    print(f"naive (papermill CLI + nbconvert CLI, sequential): median {mn:.1f} s")
    print(f"analysis build --force:                          median {mo:.1f} s  ({mn / mo:.1f}x faster)")
    print(f"analysis build, nothing changed:                 median {mz:.3f} s")


if __name__ == "__main__":
    main()
