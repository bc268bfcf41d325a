"""Benchmark: pyarrow's memory pool (allocator) for the population reports, and what a report reads.

Part 1, in fresh processes per allocator (``ARROW_DEFAULT_MEMORY_POOL`` = mimalloc, jemalloc, system): reading
the SSB snapshot (``population.parquet``, 1.7 M rows) whole with ``to_pandas()``, the few regions one report
needs (filtered on the region-sorted row groups), and the last-year totals of every municipality (what picks a
municipality's peers).

Part 2, paired rounds: ``analysis build --force --only 'befolkning-*'`` (the four population reports) with the
kernels' allocator set to each value in turn.

    python benchmarks/bench_arrow_pool.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
POOLS = ("mimalloc", "jemalloc", "system")

READS = r"""
import json, time
import pyarrow as pa, pyarrow.parquet as pq
from analysis.population import snapshot
path = snapshot.population_file()
out = {"pool": pa.default_memory_pool().backend_name}
def best(f, n=5):
    times = []
    for _ in range(n):
        snapshot.clear_cache()
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return statistics.median(times)
import statistics
out["whole_read_table"] = best(lambda: pq.read_table(path))
out["whole_to_pandas"] = best(lambda: pq.read_table(path).to_pandas())
out["whole_reader"] = best(lambda: snapshot.read_population())
out["regions_reader"] = best(lambda: snapshot.read_population(regions=["3417", "3439", "3422", "3414", "3440", "34", "0"]))
regions = snapshot.read_regions()
out["latest_totals"] = best(lambda: snapshot.latest_totals(regions))
print(json.dumps(out))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    print("part 1: reading the snapshot (median of 5 in one process; seconds)")
    for pool in POOLS:
        env = dict(os.environ, ARROW_DEFAULT_MEMORY_POOL=pool)
        res = json.loads(subprocess.run([sys.executable, "-c", READS], env=env, capture_output=True, text=True).stdout)
        print(
            f"  {res['pool']:9s} whole read_table {res['whole_read_table']:.3f}  + to_pandas {res['whole_to_pandas']:.3f}"
            f"  read_population() {res['whole_reader']:.3f}  7 regions {res['regions_reader']:.3f}"
            f"  latest_totals {res['latest_totals']:.3f}",
            flush=True,
        )

    print("\npart 2: analysis build --force --only 'befolkning-*' (4 reports, --jobs 2), paired rounds")
    tmp = Path(tempfile.mkdtemp(prefix="bench-pool-"))
    times: dict[str, list[float]] = {p: [] for p in POOLS}
    for i in range(args.repeat):
        order = POOLS[i % 3 :] + POOLS[: i % 3]
        for pool in order:
            env = dict(os.environ, ARROW_DEFAULT_MEMORY_POOL=pool, SOURCE_DATE_EPOCH="1785312000")
            t0 = time.perf_counter()
            rc = subprocess.run(
                [str(BIN / "analysis"), "build", "--force", "--jobs", "2", "--only", "befolkning-*",
                 "--reports-dir", str(tmp / f"{pool}-{i}")],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            ).returncode  # fmt: skip
            times[pool].append(time.perf_counter() - t0)
            if rc != 0:
                sys.exit(f"the build with {pool} failed (exit code {rc})")
        print("  round " + str(i + 1) + ": " + ", ".join(f"{p} {times[p][-1]:.1f} s" for p in POOLS), flush=True)
    print("  medians: " + ", ".join(f"{p} {statistics.median(times[p]):.1f} s" for p in POOLS))


if __name__ == "__main__":
    main()
