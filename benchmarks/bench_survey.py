"""Benchmark: clean and weight 100 000 survey responses (target: under 3 s).

Generates 100 000 illustrative answers (50 000 residents, 50 000 out-movers)
with the seeded generator, writes them as a Nettskjema-style CSV (UTF-8,
``;``) and times, as the median of several runs:

* ``clean+weight``: parse labels → codes (``parse_export``), flags and
  duplicates (``finish``) and raking to SSB margins (``weight_responses``),
  starting from the export read into memory;
* ``read+clean+weight``: the same including reading the CSV file;
* ``clean+weight (unique texts)``: every free-text answer different (worst
  case for scrubbing, which works once per distinct text).

The population targets are computed once beforehand (reading SSB's
all-Norway file is the SSB layer's cost, cached per process). Run::

    .venv/bin/python benchmarks/bench_survey.py [--n 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository's tools/


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    import pandas as pd

    from analysis.errors import AnalysisError
    from analysis.survey.cleaning import finish, parse_export
    from analysis.survey.codebook import load_codebook
    from analysis.survey.readers import read_export
    from analysis.survey.weights import population_targets, weight_responses
    from tools.illustrative.survey import _csv_bytes, _export_frame, generate_labels

    cb = load_codebook()
    t0 = time.perf_counter()
    labels = generate_labels(args.n // 2, args.n - args.n // 2, seed=1)
    import numpy as np

    export = _export_frame(labels, 1_000_000, 0, np.random.default_rng(1))
    tmp = Path(tempfile.mkdtemp(prefix="bench_survey_"))
    csv_path = tmp / "export.csv"
    csv_path.write_bytes(_csv_bytes(export, "utf-8"))
    unique = export.copy()
    unique["text_improve"] = [f"{t} ({i})" if t else "" for i, t in enumerate(unique["text_improve"])]
    unique_path = tmp / "unique.csv"
    unique_path.write_bytes(_csv_bytes(unique, "utf-8"))
    print(
        f"generated {args.n:,} responses in {time.perf_counter() - t0:.1f} s ({csv_path.stat().st_size / 1e6:.1f} MB CSV)"
    )

    try:
        from analysis.population.snapshot import read_population

        t0 = time.perf_counter()
        targets, year = population_targets(read_population(regions=["3425"]), "3425", codebook=cb)
        print(f"SSB population targets (one-off, not timed below): {time.perf_counter() - t0:.2f} s")
    except AnalysisError as exc:  # no snapshot: use Engerdal 2026 figures so the benchmark still runs
        print(f"SSB data unavailable ({exc}); using fixed targets")
        targets = pd.DataFrame(
            {
                "age_band": [b for b in cb.band_labels() for _ in (0, 1)],
                "sex": ["female", "male"] * 4,
                "population": [34, 58, 27, 34, 29, 22, 36, 41],
            }
        )
        year = 2026

    raw = read_export(csv_path)
    raw_unique = read_export(unique_path)

    def clean_weight(frame):
        p = parse_export(frame, cb, file="export.csv")
        responses, _rejects = finish(p.frame, cb)
        weighted, info = weight_responses(responses, targets, region="3425", year=year)
        return weighted, info

    def read_clean_weight():
        return clean_weight(read_export(csv_path))

    results = {}
    for name, fn in (
        ("clean+weight", lambda: clean_weight(raw)),
        ("read+clean+weight", read_clean_weight),
        ("clean+weight (unique texts)", lambda: clean_weight(raw_unique)),
    ):
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            weighted, info = fn()
            times.append(time.perf_counter() - t0)
        results[name] = statistics.median(times)
        print(
            f"{name:32s} median {results[name]:.2f} s over {args.runs} runs "
            f"(min {min(times):.2f}, max {max(times):.2f}); {len(weighted):,} rows, "
            f"{info.n_weighted:,} weighted, design effect {info.design_effect:.2f}"
        )
    target = 3.0
    ratio = results["clean+weight"] / target
    print(f"clean+weight / 3 s target = {ratio:.2f}")
    return 0 if results["clean+weight"] < target else 1


if __name__ == "__main__":
    sys.exit(main())
