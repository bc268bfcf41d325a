"""Benchmark: reading the SSB snapshot and projecting every municipality.

* read:     ``analysis.population.snapshot.read_population`` of the full snapshot (1.7 M rows), cache cleared before
            each run, against plain pandas (``read_parquet``, or ``read_csv`` for a CSV snapshot; without our checks);
* project:  cohort-component projection of all 357 municipalities × 2 sexes × 106 ages × 25 years in
            one vectorised call, against the same model run municipality by municipality;
* setup:    building the array (357, 2, 106) from the long table.

Reads the shipped snapshot (data/raw/ssb) or ANALYSIS_SSB_DIR. Prints medians over ``--repeat`` runs and ratios.

    .venv/bin/python benchmarks/bench_population.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--years", type=int, default=25)
    args = parser.parse_args(argv)

    import numpy as np
    import pandas as pd

    from analysis import paths
    from analysis.population import cohort
    from analysis.population import snapshot as ssb

    folder = paths.ssb_dir()
    if ssb.missing_files(folder):
        print(f"no SSB snapshot in {folder}; set ANALYSIS_SSB_DIR", file=sys.stderr)
        return 1

    def read_ours():
        ssb.clear_cache()
        return ssb.read_population(folder)

    def read_naive():
        path = ssb.population_file(folder)
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype={"region": str, "sex": "category"})

    read_ours()  # warm imports and the OS file cache
    t_read = timed(read_ours, args.repeat)
    t_naive = timed(read_naive, args.repeat)
    t_cached = timed(lambda: ssb.read_population(folder), args.repeat)
    pop = ssb.read_population(folder)
    print(
        f"read full snapshot ({len(pop):,} rows): ours {t_read:.3f} s, plain pandas {t_naive:.3f} s "
        f"(x{t_naive / t_read:.1f}); cached re-read {t_cached:.3f} s"
    )

    regions = ssb.read_regions(folder)
    munis = regions.loc[regions["type"] == "kommune", "region"].tolist()
    base_year = int(pop["year"].max())
    t_arr = timed(lambda: cohort.population_array(pop, munis, [base_year]), args.repeat)
    P0 = cohort.population_array(pop, munis, [base_year])[0]
    mort, fert = ssb.read_mortality(folder), ssb.read_fertility(folder)
    rates = cohort.rates_for_years(mort, fert, range(base_year, base_year + args.years), hold_from=base_year)
    rng = np.random.default_rng(0)
    mig = rng.normal(0, 0.5, size=P0.shape)
    scale = np.ones(len(munis))
    t_proj = timed(lambda: cohort.project(P0, rates, args.years, mig, scale), args.repeat)
    slow_repeat = max(1, args.repeat // 2)
    t_loop = timed(
        lambda: [cohort.project(P0[i], rates, args.years, mig[i], 1.0) for i in range(len(munis))], slow_repeat
    )
    out = cohort.project(P0, rates, args.years, mig, scale)
    print(f"population array ({len(munis)} municipalities): {t_arr:.3f} s")
    print(
        f"project {len(munis)} municipalities x 2 sexes x 106 ages x {args.years} years: vectorised {t_proj:.4f} s, "
        f"one municipality at a time {t_loop:.3f} s (x{t_loop / t_proj:.0f}); result {out.shape}"
    )
    ok = t_read < 2.0 and t_proj < 1.0
    print("targets (read < 2 s, projection < 1 s):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
