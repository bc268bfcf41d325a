"""Benchmark: the projection backtest of every municipality from three base years (target: under 10 s).

``analysis.population.backtest.run`` projects all municipalities (357, less the few whose history is a
split by a fixed share) from 2011, 2013 and 2016 with every scenario, using only the data known at each
base year, and compares with the registered population. Prints the median over ``--repeat`` runs and the
headline errors of the main projection (base 2016).

    .venv/bin/python benchmarks/bench_backtest.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from analysis.population import backtest, snapshot

    data = dict(
        pop=snapshot.read_population(),
        regions=snapshot.read_regions(),
        mortality=snapshot.read_mortality(),
        fertility=snapshot.read_fertility(),
    )
    extra = dict(components=snapshot.read_components(), changes=snapshot.read_region_changes())
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        bt = backtest.run(*data.values(), **extra)
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    n = bt["region"].nunique()
    last = bt[(bt["base"] == 2016) & (bt["scenario"] == "model") & (bt["year"] == bt["year"].max())]
    print(
        f"backtest: {n} municipalities x 3 base years x {bt['scenario'].nunique()} scenarios, "
        f"{len(bt):,} rows: median {median:.2f} s (min {min(times):.2f}, max {max(times):.2f}, {args.repeat} runs)"
    )
    print(
        f"main projection from 2016: median absolute error in {int(last['year'].max())} "
        f"{last['pct_error'].abs().median() * 100:.2f} %"
    )
    ok = median < 10.0
    print("target (under 10 s):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
