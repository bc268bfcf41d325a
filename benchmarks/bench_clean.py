"""Benchmark: ``run_clean`` on synthetic workshop notes (5k, 50k, 500k statements).

    .venv/bin/python benchmarks/bench_clean.py            # 5k x3, 50k x3, 500k x1
    .venv/bin/python benchmarks/bench_clean.py --quick    # 5k x3, 50k x3

Files hold 250 statements each (so 20 / 200 / 2 000 files); 95 % are CSV
(half ``;`` in Windows-1252, half ``,`` in UTF-8 with a BOM) and 5 % are xlsx
(openpyxl is the slow path). Texts are built from a Norwegian vocabulary, so
most are distinct; about 2 % are typed twice with a small change (near-duplicates)
and about 1 % have a bad value (rejects). The whole ``run_clean`` is timed:
reading, cleaning, near-duplicate merging, theme coding, pandera validation and
writing parquet/CSV/JSON. Prints the median wall time per size and the time per
1 000 statements (flat = linear).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROWS_PER_FILE = 250
GROUPS = [
    "Arbeidsgruppen",
    "Kommunestyret",
    "UR",
    "Ungdomsrådet",
    "Eldrerådet",
    "RPF",
    "Grendemøte Drevsjø",
    "Elgå",
    "Sømådalen",
    "Heggeriset",
    "Elvdalen",
    "Engerdal sentrum",
]
GOALS = ["1", "Mål 2", "Flere kvinnelige innbyggere", "Flere yngre innbyggere", "Økt bolyst", ""]
KINDS = ["kraft", "motkraft", "tiltak", "Ønsket resultat", "delmål"]
SUBJ = ["Flere", "Mangel på", "Bedre", "Dårlig", "Nye", "Gratis", "Billigere", "Trygge", "Lite", "Mange"]
NOUNS = [
    "utleieboliger",
    "arbeidsplasser",
    "veier",
    "barnehageplasser",
    "legetjenester",
    "kulturtilbud",
    "turstier",
    "fiberforbindelser",
    "møteplasser",
    "tomter",
    "bussruter",
    "sommerjobber",
    "skoler",
    "omsorgsboliger",
    "butikker",
    "lærlingplasser",
    "idrettsanlegg",
    "ladestasjoner",
    "kafeer",
    "hytter",
]
PLACES = [
    "i sentrum",
    "i Drevsjø",
    "i Elgå",
    "i Sømådalen",
    "i Heggeriset",
    "i Elvdalen",
    "for ungdom",
    "for eldre",
    "for tilflyttere",
    "for kvinner",
    "for barnefamilier",
    "i hele kommunen",
]
EXTRA = [
    "raskt",
    "før 2030",
    "hele året",
    "med kommunal støtte",
    "i samarbeid med næringslivet",
    "gjennom dugnad",
    "som prøveprosjekt",
    "etter modell fra nabokommunen",
    "med fast åpningstid",
    "og bedre informasjon",
    "slik at flere blir boende",
    "for å øke bolysten",
]


def _text(rng: random.Random) -> str:
    words = [rng.choice(SUBJ), rng.choice(NOUNS), rng.choice(PLACES)]
    words += rng.sample(EXTRA, rng.randint(1, 3))
    return " ".join(words)


def write_synthetic(folder: Path, n_statements: int, seed: int = 1, groups: list[str] | None = None) -> int:
    """Write ``n_statements`` statements over files of 250 rows; return the number of files.

    ``groups`` (default: all of :data:`GROUPS`) are the group names the rows are drawn from."""
    groups = groups or GROUPS
    import openpyxl

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n_files = max(1, n_statements // ROWS_PER_FILE)
    header = ["Gruppe", "Dato", "Mål", "Type", "Tekst", "Styrke", "Påvirkbar", "Stemmer"]
    for f in range(n_files):
        rows = []
        prev = None
        for _ in range(ROWS_PER_FILE):
            text = _text(rng)
            if prev and rng.random() < 0.02:
                text = prev[4] + "."  # typed twice
            strength = str(rng.randint(1, 5)) if rng.random() < 0.6 else ""
            if rng.random() < 0.01:
                strength = "7"
            row = [
                rng.choice(groups),
                f"{rng.randint(1, 28):02d}.0{rng.randint(1, 9)}.2021",
                rng.choice(GOALS),
                rng.choice(KINDS),
                text,
                strength,
                str(rng.randint(1, 5)),
                str(rng.randint(0, 9)),
            ]
            if prev and text.endswith("."):
                row[:4] = prev[:4]
            rows.append(row)
            prev = row
        if f % 20 == 19:
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.append(header)
            for r in rows:
                ws.append(r)
            wb.save(folder / f"workshop_{f:05d}.xlsx")
            continue
        buf = io.StringIO()
        delim, enc = (";", "cp1252") if f % 2 else (",", "utf-8-sig")
        csv.writer(buf, delimiter=delim, lineterminator="\r\n").writerows([header, *rows])
        (folder / f"workshop_{f:05d}.csv").write_bytes(buf.getvalue().encode(enc))
    return n_files


def bench(n: int, repeats: int) -> tuple[float, int, dict]:
    from analysis.workshops.pipeline import run_clean
    from analysis.workshops.store import load_manifest

    with tempfile.TemporaryDirectory(prefix="bench_clean_") as tmp:
        data = Path(tmp) / "data"
        n_files = write_synthetic(data / "raw" / "workshops", n)
        times = []
        for i in range(repeats):
            t0 = time.perf_counter()
            ok = run_clean(data, Path(tmp) / f"processed{i}", lambda s: None)
            times.append(time.perf_counter() - t0)
            assert ok
        man = load_manifest(Path(tmp) / "processed0")
    return statistics.median(times), n_files, man


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the 500k run")
    args = ap.parse_args(argv)
    sizes = [(5_000, 3), (50_000, 3)] + ([] if args.quick else [(500_000, 1)])
    print(f"{'statements':>10} {'files':>6} {'median s':>9} {'s per 1k':>9} {'clean':>8} {'rejected':>9} {'merged':>7}")
    base = None
    for n, reps in sizes:
        med, n_files, man = bench(n, reps)
        per_k = med / n * 1000
        base = base or per_k
        print(
            f"{n:>10} {n_files:>6} {med:>9.2f} {per_k:>9.3f} {man['rows_clean']:>8} {man['rows_rejected']:>9} "
            f"{man['rows_merged']:>7}   (x{per_k / base:.2f} per statement vs 5k)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
