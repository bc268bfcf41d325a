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

import pandas as pd

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
}
#: What components.csv holds when made from the reference copy (the fetch writes it from table 06913).
COMPONENTS_NOTE = (
    "births, deaths and migration registered by SSB: natural increase and net migration 2005–2019 (table 06913) "
    "for eight Innlandet municipalities, full detail for some years from SSB's quarterly releases"
)
SOURCE_NAMES = {"S06913": "SSB 06913", "P2012H": "SSB folkendrkv 2012 K4", "P2005O": "SSB folkendrkv 2005 K4",
                "P2006O": "SSB folkendrkv 2006 K4"}  # fmt: skip


def components(source: Path) -> pd.DataFrame:
    """``components.csv`` from ``components_by_year.csv``: one row per municipality and year, detail first."""
    raw = pd.read_csv(source / "components_by_year.csv", dtype={"region": str, "region_at_time": str})
    raw = raw[raw["region"].notna() & (raw["region"].astype(str).str.len() == 4)]
    frame = pd.DataFrame(
        {
            "region": raw["region"].astype(str),
            "year": raw["year"].astype("int64"),
            "pop_start": raw["pop_jan1"],
            "births": raw["births"],
            "deaths": raw["deaths"],
            "natural_increase": raw["natural_increase"],
            "in_migration": raw["in_migration_total"],
            "out_migration": raw["out_migration_total"],
            "net_migration": raw["net_migration"],
            "source": raw["source_id"].map(lambda s: SOURCE_NAMES.get(s, s)),
            "_detail": raw["births"].notna(),
        }
    )
    frame = frame.sort_values(["region", "year", "_detail"], ascending=[True, True, False])
    merged = frame.groupby(["region", "year"], as_index=False).agg(
        {c: "first" for c in frame.columns if c not in ("region", "year", "_detail")}
    )
    merged["source"] = (
        frame.groupby(["region", "year"])["source"].agg(lambda s: " + ".join(dict.fromkeys(s))).to_numpy()
    )
    return merged[snapshot.COMPONENT_COLUMNS]


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
    if (source / "components_by_year.csv").is_file():
        components(source).to_csv(out / snapshot.COMPONENTS_FILE, index=False, lineterminator="\n")
        written.append(out / snapshot.COMPONENTS_FILE)
    files = {
        p.name: {
            "blake2b_128": file_hash(p),
            "bytes": p.stat().st_size,
            "holds": COPIED.get(p.name)
            or (
                COMPONENTS_NOTE
                if p.name == snapshot.COMPONENTS_FILE
                else "population 1 January by region, year, sex and age (0–105+)"
            ),
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
