"""Benchmark: all force-field metrics for 50 000 statements across 50 groups (target: < 1 s).

Run: ``.venv/bin/python benchmarks/bench_forcefield.py [--runs 7]``. Prints the
median (and min/max) wall time of the full metric set — once with every metric
reading the raw table, once with ``forcefield.prepare`` run once first (what the
reports do) — the median of each metric, and the CPU time of the prepared run
(useful on a shared machine, where wall time includes waiting for other jobs).
The data are synthetic (fixed seed), shaped like the cleaned ``statements``
table: five kinds, four goals, 1–2 of 20 themes per statement, ~15 % unscored.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from analysis.forcefield import metrics as ff
from analysis.profile import load_profile

GOALS = load_profile().goal_ids

THEMES = [f"tema_{i:02d}" for i in range(20)]


def synthetic_statements(n: int = 50_000, n_groups: int = 50, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kinds = rng.choice(
        ["onsket_resultat", "delmal", "tiltak", "kraft", "motkraft"], size=n, p=[0.05, 0.1, 0.25, 0.3, 0.3]
    )
    forces = np.isin(kinds, ["kraft", "motkraft"])
    strength = rng.integers(1, 6, size=n).astype(float)
    strength[(rng.random(n) < 0.15) | ~forces] = np.nan
    pav = rng.integers(1, 6, size=n).astype(float)
    pav[(rng.random(n) < 0.3) | ~forces] = np.nan
    n_themes = rng.integers(0, 3, size=n)
    picks = rng.integers(0, len(THEMES), size=(n, 2))
    themes = [tuple(sorted({THEMES[a] for a in row[:k]})) for row, k in zip(picks, n_themes)]
    goals = np.array(list(GOALS) + [None], dtype=object)[rng.integers(0, 5, size=n)]
    return pd.DataFrame(
        {
            "statement_id": [f"s{i:06d}" for i in range(n)],
            "group": np.array([f"gruppe_{i:02d}" for i in range(n_groups)], dtype=object)[
                rng.integers(0, n_groups, size=n)
            ],
            "goal": pd.array(goals, dtype="string"),
            "kind": pd.array(kinds, dtype="string"),
            "text": [f"Utsagn nummer {i}" for i in range(n)],
            "strength": pd.array(pd.Series(strength).astype("Int64")),
            "pavirkbar": pd.array(pd.Series(pav).astype("Int64")),
            "themes": themes,
        }
    )


METRICS = {
    "force_summary": lambda df: ff.force_summary(df),
    "forces": lambda df: ff.forces(df),
    "statement_counts": lambda df: ff.statement_counts(df),
    "theme_profile(count)": lambda df: ff.theme_profile(df),
    "theme_profile(strength)": lambda df: ff.theme_profile(df, weight="strength"),
    "consensus": lambda df: ff.consensus(df),
    "unique_perspectives": lambda df: ff.unique_perspectives(df),
    "theme_similarity": lambda df: ff.theme_similarity(df),
    "coverage": lambda df: ff.coverage(df),
    "coverage_gaps": lambda df: ff.coverage_gaps(df),
    "measure_links": lambda df: ff.measure_links(df),
    "priorities": lambda df: ff.priorities(df),
    "matrix_items": lambda df: ff.matrix_items(df),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--groups", type=int, default=50)
    args = parser.parse_args()
    df = synthetic_statements(args.n, args.groups)
    for fn in METRICS.values():  # warm-up (imports, caches)
        fn(df)
    per_metric: dict[str, list[float]] = {name: [] for name in METRICS}
    raw_totals, prepared_totals, prepare_times, prepared_cpu = [], [], [], []
    for _ in range(args.runs):
        # Mode 1: every metric from the raw statements table (each converts it itself).
        start = time.perf_counter()
        for name, fn in METRICS.items():
            t0 = time.perf_counter()
            fn(df)
            per_metric[name].append(time.perf_counter() - t0)
        raw_totals.append(time.perf_counter() - start)
        # Mode 2: prepare once, then every metric (what the reports do).
        start = time.perf_counter()
        cpu_start = time.process_time()
        prepared = ff.prepare(df)
        prepare_times.append(time.perf_counter() - start)
        for fn in METRICS.values():
            fn(prepared)
        prepared_totals.append(time.perf_counter() - start)
        prepared_cpu.append(time.process_time() - cpu_start)
    print(f"force-field metrics, {args.n:,} statements x {args.groups} groups, {args.runs} runs (median)")
    for name, times in per_metric.items():
        print(f"  {name:<26} {statistics.median(times) * 1000:8.1f} ms  (from the raw table)")
    print(f"  {'prepare':<26} {statistics.median(prepare_times) * 1000:8.1f} ms")
    for label, totals in (("all metrics, raw table", raw_totals), ("prepare + all metrics", prepared_totals)):
        med = statistics.median(totals)
        print(
            f"{label:<24} median {med:.3f} s (min {min(totals):.3f}, max {max(totals):.3f}); "
            f"budget 1 s: {'OK' if med < 1 else 'TOO SLOW'} (ratio {med:.2f})"
        )
    # CPU time of this process: less sensitive to other jobs on a shared machine than wall time.
    print(f"prepare + all metrics    CPU time median {statistics.median(prepared_cpu):.3f} s")


if __name__ == "__main__":
    main()
