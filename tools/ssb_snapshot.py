"""Make the repository's SSB snapshot (``data/raw/ssb/``) from a folder of reference figures.

    python tools/ssb_snapshot.py --source ../shared/data/ssb --out data/raw/ssb

The population table becomes ``population.parquet`` (the package's compact form, see
:func:`analysis.population.snapshot.write_population_parquet`); the small tables are copied byte for
byte; ``metadata.json`` lists every file with its BLAKE2b hash and where the figures come from. The same
source gives the same files. ``analysis fetch-ssb`` refreshes the snapshot from SSB instead.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from analysis.fileio import file_hash
from analysis.population import snapshot

#: The small tables shipped as they are (file → what it holds, for metadata.json).
COPIED = {
    snapshot.REGIONS_FILE: "regions at today's borders: code, name, type, county",
    snapshot.REGION_CHANGES_FILE: "old municipality and county codes → today's, with weights and years",
    snapshot.FERTILITY_FILE: "age-specific fertility rates, Norway (Human Fertility Database)",
    snapshot.MORTALITY_FILE: "deaths, exposure and death rates by sex and age, Norway (Human Mortality Database)",
    "norway_life_table_qx.csv": "SSB life tables (table 07902): probability of dying per 1,000 by sex and age",
    snapshot.PROJECTIONS_FILE: "SSB regional and national population projections (tables 14288, 13599 and older)",
    snapshot.COMPONENTS_FILE: "births, deaths and migration for some municipalities and periods (SSB)",
    "components_by_year.csv": "yearly components of change for eight Innlandet municipalities (SSB table 06913)",
}
SOURCE_NOTE = (
    "Population 1 January by municipality, sex and age: Statistics Norway (SSB), table 07459, at 2024 "
    "borders. Mortality and fertility for Norway: Human Mortality Database and Human Fertility Database. "
    "Projections, life tables and components of change: SSB. All CC BY 4.0; see README.md."
)


def make(source: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    population = snapshot.read_population(source)
    written.append(snapshot.write_population_parquet(population, out / snapshot.POPULATION_PARQUET))
    for name in COPIED:
        if (source / name).is_file():
            shutil.copyfile(source / name, out / name)
            written.append(out / name)
    files = {
        p.name: {
            "blake2b_128": file_hash(p),
            "bytes": p.stat().st_size,
            "holds": COPIED.get(p.name, "population 1 January by region, year, sex and age (0–105+)"),
        }
        for p in sorted(written)
    }
    years = population["year"]
    meta = {
        "format": "analysis-ssb-snapshot/1",
        "made_by": "tools/ssb_snapshot.py (from the team's reference copy of SSB, HMD and HFD figures)",
        "sources": SOURCE_NOTE,
        "population": {
            "regions": int(population["region"].nunique()),
            "first_year": int(years.min()),
            "last_year": int(years.max()),
            "rows": len(population),
        },
        "files": files,
    }
    (out / snapshot.METADATA_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="folder with population_by_age.csv.gz and the rest")
    parser.add_argument("--out", type=Path, default=Path("data/raw/ssb"))
    args = parser.parse_args()
    for p in make(args.source, args.out):
        print(f"{p} ({p.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
