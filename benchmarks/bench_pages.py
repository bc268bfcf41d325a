"""Benchmark: the size of every report page (targets: a typical report under 300 KB, no page over 1 MB).

    .venv/bin/python benchmarks/bench_pages.py                 # builds the catalogue into a temporary folder
    .venv/bin/python benchmarks/bench_pages.py --reports reports  # measures an existing build

Lists each HTML page (and its PDF when there is one) with its size and what takes the room — inline SVG
charts, CSS, the rest — then the median and the largest page against the targets. Exits 1 when a target
is missed, so a scheduled run notices.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TYPICAL_BUDGET = 300 * 1024
MAX_BUDGET = 1024 * 1024


def parts(html: str) -> dict[str, int]:
    """Bytes of inline SVG, CSS and everything else in a page."""
    svg = sum(len(m.encode()) for m in re.findall(r"<svg.*?</svg>", html, flags=re.S))
    css = sum(len(m.encode()) for m in re.findall(r"<style.*?</style>", html, flags=re.S))
    total = len(html.encode())
    return {"total": total, "svg": svg, "css": css, "other": total - svg - css}


def build(into: Path) -> Path:
    env = {
        **os.environ,
        "ANALYSIS_REPORTS_DIR": str(into / "reports"),
        "ANALYSIS_PROCESSED_DIR": str(into / "processed"),
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "analysis"), "clean"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([str(bin_dir / "analysis"), "build", "--force"], env=env, check=True, stdout=subprocess.DEVNULL)
    return into / "reports"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=Path, help="an existing reports folder (default: build into a temp folder)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_pages_") as tmp:
        folder = args.reports or build(Path(tmp))
        pages = sorted(p for p in folder.glob("*.html") if p.name not in ("index.html", "status.html"))
        if not pages:
            print(f"no report pages in {folder}", file=sys.stderr)
            return 2
        print(f"{'page':45} {'total':>9} {'svg':>9} {'css':>8} {'other':>9} {'pdf':>9}")
        sizes = []
        for p in pages:
            d = parts(p.read_text(encoding="utf-8"))
            pdf = p.with_suffix(".pdf")
            pdf_size = f"{pdf.stat().st_size / 1024:7.0f} KB" if pdf.is_file() else "–"
            sizes.append(d["total"])
            print(
                f"{p.stem:45} {d['total'] / 1024:6.0f} KB {d['svg'] / 1024:6.0f} KB {d['css'] / 1024:5.0f} KB "
                f"{d['other'] / 1024:6.0f} KB {pdf_size:>9}"
            )
        median, largest = statistics.median(sizes), max(sizes)
        print(
            f"\n{len(sizes)} pages: median {median / 1024:.0f} KB (target < {TYPICAL_BUDGET // 1024} KB), "
            f"largest {largest / 1024:.0f} KB (target < {MAX_BUDGET // 1024} KB)"
        )
        return 0 if median < TYPICAL_BUDGET and largest < MAX_BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
