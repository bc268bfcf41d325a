"""Benchmark: the per-group force-field report for one group with 60 000 statements (target: < 60 s).

    .venv/bin/python benchmarks/bench_group_report.py              # sections in this process + the real build
    .venv/bin/python benchmarks/bench_group_report.py --no-build   # sections only (no kernel)

Writes 240 synthetic CSV files of 250 statements each, all from one group (arbeidsgruppen), cleans them
with ``analysis clean`` (not timed), then times (1) every section of ``notebooks/kraftfelt_gruppe.ipynb``
called in this process, figures rendered to PNG as the report does, and (2) the whole report built by
``analysis build --only kraftfelt-arbeidsgruppe --force`` (kernel start, notebook, HTML). Prints the
wall times, the peak memory of this process and the size of the HTML page.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_clean import write_synthetic  # noqa: E402 - the same synthetic notes as the cleaning benchmark

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60_000)
    ap.add_argument("--no-build", action="store_true", help="time the sections only (no kernel)")
    args = ap.parse_args(argv)
    from analysis.workshops.pipeline import run_clean

    with tempfile.TemporaryDirectory(prefix="bench_group_") as tmp:
        data = Path(tmp) / "data"
        write_synthetic(data / "raw" / "workshops", args.n, groups=["Arbeidsgruppen"])
        processed = Path(tmp) / "processed"
        t0 = time.perf_counter()
        run_clean(data, processed, lambda s: None)
        print(f"cleaned {args.n:,} statements in {time.perf_counter() - t0:.1f} s (not part of the report time)")
        os.environ["ANALYSIS_PROCESSED_DIR"] = str(processed)
        os.environ["ANALYSIS_DATA_DIR"] = str(data)

        from IPython.display import HTML

        from analysis.forcefield import sections

        t0 = time.perf_counter()
        report = sections.load_group("arbeidsgruppe")
        shown = []
        for name in ("intro", "desired", "forces", "balance", "themes", "measures", "matrix"):
            t1 = time.perf_counter()
            items = getattr(sections, f"group_{name}")(report)
            html = "".join(i.data if isinstance(i, HTML) else str(i) for i in items)
            shown.append(len(html))
            print(f"  group_{name:9s} {time.perf_counter() - t1:6.2f} s  ({len(html) / 1e3:,.0f} kB of HTML)")
        sections_s = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"sections for {len(report.statements):,} statements: {sections_s:.1f} s, peak memory {peak:,.0f} MB, "
            f"{sum(shown) / 1e6:.1f} MB of HTML"
        )
        if args.no_build:
            return 0 if sections_s < 60 else 1
        from analysis import cli

        reports = Path(tmp) / "reports"
        t0 = time.perf_counter()
        rc = cli.main(
            ["build", "--only", "kraftfelt-arbeidsgruppe", "--force", "--jobs", "1", "--reports-dir", str(reports)]
        )
        build_s = time.perf_counter() - t0
        page = reports / "kraftfelt-arbeidsgruppe.html"
        size = page.stat().st_size / 1e6 if page.is_file() else float("nan")
        print(f"analysis build of the report: {build_s:.1f} s (exit {rc}), page {size:.1f} MB")
        return 0 if rc == 0 and build_s < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
