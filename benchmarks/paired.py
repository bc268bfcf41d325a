"""Two versions of the code building the same reports *at the same time*, the CPU of each from its own cgroup.

A measuring tool for a change, not one of the benchmarks ``make benchmarks`` runs (it needs two versions and
permission to create cgroups).

On a shared 2-core virtual machine the CPU time of one build varies by 5–10 % from one run to the next (the
host's load changes the speed of every instruction), more than most changes being measured; runs alternated
one after the other still see different machines. Here both builds run at once, each with ``--jobs 1`` in a
project of its own, so both see the same machine from start to end, and each one's CPU (all its processes:
build, forkserver, worker, kernel template, kernels) is read from a ``cpuacct`` cgroup (Linux; cgroup v1
``cpuacct.usage`` or v2 ``cpu.stat``) made for it. Rounds swap the two projects. Prints, per round, wall time
and CPU of each and the ratio of CPU (B / A), then the median ratio.

    sudo python benchmarks/paired.py --a /path/to/old/src --b /path/to/new/src --project DIR [--rounds 4]

``--a``/``--b``: a ``src`` folder put first on ``PYTHONPATH`` (e.g. of a ``git worktree`` of another commit);
empty for the installed package. ``--project``: a project folder (``analysis init``), copied once for B.
Needs permission to create cgroups (root); a build's environment and arguments are otherwise the same.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent
V1 = Path("/sys/fs/cgroup/cpuacct")
V2 = Path("/sys/fs/cgroup")


class CpuGroup:
    """A cgroup that counts the CPU of every process started in it (cgroup v1 cpuacct, else v2)."""

    def __init__(self, name: str) -> None:
        if (V1 / "cpuacct.usage").is_file():
            self.path, self.v2 = V1 / name, False
        elif (V2 / "cgroup.controllers").is_file():
            self.path, self.v2 = V2 / name, True
        else:
            raise SystemExit("no cpuacct cgroup here (Linux with cgroups needed)")
        self.path.mkdir(exist_ok=True)

    def usage_seconds(self) -> float:
        if self.v2:
            stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
            return int(stat["usage_usec"]) / 1e6
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def join_command(self) -> list[str]:
        """A command prefix that moves the shell into this group, then runs the rest."""
        return ["sh", "-c", f'echo $$ > {self.path / "cgroup.procs"} && exec "$@"', "sh"]

    def remove(self) -> None:
        try:
            self.path.rmdir()
        except OSError:
            pass


def run(group: CpuGroup, src: str, project: Path, out: dict) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ANALYSIS_SSB_DIR"}
    if src:
        env["PYTHONPATH"] = src
    before = group.usage_seconds()
    start = time.perf_counter()
    proc = subprocess.run(
        [*group.join_command(), str(BIN / "analysis"), "build", "--force", "--jobs", "1"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    out.update(
        wall=time.perf_counter() - start,
        cpu=group.usage_seconds() - before,
        ok=proc.returncode == 0,
        last=(proc.stdout.strip().splitlines() or [""])[-1],
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", default="", help="src folder of version A (default: the installed package)")
    ap.add_argument("--b", default="", help="src folder of version B (default: the installed package)")
    ap.add_argument("--project", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=4)
    args = ap.parse_args()
    groups = {"A": CpuGroup(f"paired_a_{os.getpid()}"), "B": CpuGroup(f"paired_b_{os.getpid()}")}
    copy = Path(tempfile.mkdtemp(prefix="bench-paired-")) / "project"
    shutil.copytree(args.project, copy)
    ratios = []
    try:
        for r in range(args.rounds):
            projects = (args.project, copy) if r % 2 == 0 else (copy, args.project)
            results: dict[str, dict] = {"A": {}, "B": {}}
            threads = [
                threading.Thread(target=run, args=(groups[k], src, p, results[k]))
                for k, src, p in (("A", args.a, projects[0]), ("B", args.b, projects[1]))
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            a, b = results["A"], results["B"]
            if not (a["ok"] and b["ok"]):
                print(f"round {r}: a build failed: A {a['last']!r} / B {b['last']!r}")
                return 1
            ratios.append(b["cpu"] / a["cpu"])
            print(
                f"round {r}: A {a['wall']:.1f} s wall, {a['cpu']:.1f} s CPU | B {b['wall']:.1f} s wall, "
                f"{b['cpu']:.1f} s CPU | B/A CPU {ratios[-1]:.3f}",
                flush=True,
            )
        print(f"median B/A CPU over {len(ratios)} rounds: {statistics.median(ratios):.3f}")
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
        for g in groups.values():
            g.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
