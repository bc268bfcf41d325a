"""SSB population data: read a snapshot folder and map old municipality codes.

A *snapshot* is a folder of files (``data/raw/ssb/`` by default; ``analysis fetch-ssb`` writes one):

=================================  ==============================================================
file                               columns
=================================  ==============================================================
``population.parquet``             region, year, sex, age, population (1 January; age 105 = 105+),
                                   sorted by region (``population_by_age.csv.gz`` is read when
                                   there is no parquet file)
``regions.csv``                    region, name, type (kommune/fylke/land), county
``region_changes.csv``             old_region, region, weight, first_year, last_year
``norway_fertility_by_age.csv``    year, age, births_per_woman
``norway_mortality_by_age.csv``    year, sex, age, deaths, exposure_population, death_rate
``projections.csv``                region, name, vintage, alternative, year, population, source
``metadata.json``                  (fetched snapshots) table ids, queries, retrieval time
=================================  ==============================================================

Readers use explicit dtypes: ``region`` is a string code that keeps leading
zeros (``"0301"``, Norway is ``"0"``), ``year``/``age`` are integers and
``sex`` is a categorical with the categories ``female``, ``male``. The large
population file is read with pyarrow and cached in memory per (path, size,
mtime); callers get a copy, so mutating a result never touches the cache.

Every reader raises :class:`~analysis.errors.AnalysisError` naming the folder
and file when the snapshot is missing, with what to do about it.

The fetcher (:mod:`analysis.population.fetch`, command ``analysis fetch-ssb``)
uses SSB's PxWebApi v2 and writes the folder atomically.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from analysis import lineage, paths
from analysis.errors import AnalysisError
from analysis.population import indicators

POPULATION_FILE = "population_by_age.csv.gz"
#: The compact form of the population table (preferred when present; read with a region filter).
POPULATION_PARQUET = "population.parquet"
REGIONS_FILE = "regions.csv"
REGION_CHANGES_FILE = "region_changes.csv"
FERTILITY_FILE = "norway_fertility_by_age.csv"
MORTALITY_FILE = "norway_mortality_by_age.csv"
PROJECTIONS_FILE = "projections.csv"
METADATA_FILE = "metadata.json"
#: SSB's registered components of change (06913): births, deaths, migration per region and year.
COMPONENTS_FILE = "components.csv"
COMPONENT_COLUMNS = [
    "region",
    "year",
    "pop_start",
    "births",
    "deaths",
    "natural_increase",
    "in_migration",
    "out_migration",
    "net_migration",
    "source",
]
#: What the population report cannot do without (the rest is used where present).
REPORT_FILES = (POPULATION_FILE, REGIONS_FILE, MORTALITY_FILE, FERTILITY_FILE)
#: SSB's life tables (07902): probability of dying per 1 000 by sex and age.
LIFE_TABLE_FILE = "norway_life_table_qx.csv"

SEXES = ("female", "male")
MAX_AGE = 105  # the last age group is 105 and older
NORWAY = "0"

_CACHE: dict[tuple, pd.DataFrame] = {}


# --------------------------------------------------------------------------- reading


def snapshot_dir(ssb_dir: str | Path | None = None) -> Path:
    """The snapshot folder: ``ssb_dir`` or :func:`analysis.paths.ssb_dir` (``ANALYSIS_SSB_DIR``)."""
    if ssb_dir is None:
        return paths.ssb_dir()
    return Path(ssb_dir).expanduser().resolve()


def missing_files(
    ssb_dir: str | Path | None = None,
    files: Sequence[str] = (POPULATION_FILE, REGIONS_FILE),
) -> list[str]:
    """Names of ``files`` that are not in the snapshot folder (all of them when it is missing).

    The population table counts as present in either form (parquet or csv.gz). Notebooks use this to
    say "no SSB data" plainly instead of failing.
    """
    folder = snapshot_dir(ssb_dir)
    out = []
    for name in files:
        if name == POPULATION_FILE and (folder / POPULATION_PARQUET).is_file():
            lineage.record(folder / POPULATION_PARQUET)
        else:
            lineage.record(folder / name)
        present = (folder / name).is_file() or (name == POPULATION_FILE and (folder / POPULATION_PARQUET).is_file())
        if not present:
            out.append(name)
    return out


def _file(ssb_dir: str | Path | None, name: str) -> Path:
    folder = snapshot_dir(ssb_dir)
    path = folder / name
    lineage.record(path)
    if not folder.is_dir():
        raise AnalysisError(
            f"the SSB snapshot folder {folder} does not exist: run `analysis fetch-ssb` "
            "or set ANALYSIS_SSB_DIR to a snapshot folder",
        )
    if not path.is_file():
        raise AnalysisError(
            f"the SSB snapshot folder {folder} has no {name}: run `analysis fetch-ssb` "
            "or set ANALYSIS_SSB_DIR to a complete snapshot folder",
            file=path,
        )
    return path


def _cached(path: Path, reader: Callable[[Path], pd.DataFrame]) -> pd.DataFrame:
    lineage.record(path)
    st = path.stat()
    key = (str(path), reader.__name__, st.st_size, st.st_mtime_ns)
    frame = _CACHE.get(key)
    if frame is None:
        for old in [k for k in _CACHE if k[0] == key[0] and k[1] == key[1]]:
            del _CACHE[old]
        frame = reader(path)
        _CACHE[key] = frame
    return frame.copy()


def preload(ssb_dir: str | Path | None = None) -> list[str]:
    """Read the snapshot's tables that reports read whole into this process's cache; returns the files read.

    For the build's kernel template (:mod:`analysis.build.zygote`), which calls it once before it forks a kernel
    per report: each population report's kernel then finds the regions, region changes, fertility, mortality,
    projections, components and the last year's totals already parsed, instead of reading and parsing the same
    files again (measured: 60–90 ms of CPU per report, ``benchmarks/README.md``). From a parquet snapshot the
    population itself is still read per report, only the regions it needs.

    Nothing changes for a report: the cache is keyed by path, size and modification time (a file changed
    since is read again), every read returns a copy, and each reader still records the file it used
    (:mod:`analysis.lineage`) when the report calls it. A missing or unreadable file is skipped here; the
    report that needs it says so itself.
    """
    folder = snapshot_dir(ssb_dir)
    if not folder.is_dir():
        return []
    readers: list[Callable[[], object]] = [
        lambda: read_regions(folder),
        lambda: read_region_changes(folder),
        lambda: read_fertility(folder),
        lambda: read_mortality(folder),
        lambda: read_projections(folder),
        lambda: read_components(folder),
    ]
    if (folder / POPULATION_PARQUET).is_file():
        readers.append(lambda: latest_totals(ssb_dir=folder))
    else:  # a CSV snapshot is read whole by every report: read it once here
        readers.append(lambda: read_population(folder))
    for read in readers:
        try:
            read()
        except Exception:  # noqa: BLE001 - only a head start: the report reads the file again and reports the error
            continue
    return sorted({key[0] for key in _CACHE} | {key[0] for key in _TOTALS})


def clear_cache() -> None:
    """Forget every cached snapshot table."""
    _CACHE.clear()
    _TOTALS.clear()


def _sex_dtype():

    return pd.CategoricalDtype(list(SEXES))


def _normalise_region(values: pd.Series) -> pd.Series:
    """Region codes as strings; numeric codes that lost their leading zero get it back."""
    s = values.astype("string").str.strip()
    # Municipalities have 4 digits, counties 2; Norway is "0". A CSV saved by a
    # spreadsheet turns "0301" into "301" and "03" into "3".
    lengths = s.str.len()
    s = s.mask(lengths == 3, "0" + s)
    s = s.mask((lengths == 1) & (s != NORWAY), "0" + s)
    return s.astype(str)


def _read_population_file(path: Path) -> pd.DataFrame:

    expected = ["region", "year", "sex", "age", "population"]
    dictionary = pa.dictionary(pa.int32(), pa.string())
    types = {"region": dictionary, "year": pa.int64(), "sex": dictionary, "age": pa.int64(), "population": pa.float64()}
    try:
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types=types))
    except (pa.ArrowInvalid, OSError, EOFError) as exc:  # broken gzip, wrong columns, text in numbers
        raise AnalysisError(f"could not read the population file: {exc}", file=path) from exc
    missing = [c for c in expected if c not in table.column_names]
    if missing:
        raise AnalysisError(
            f"the population file lacks the column(s) {', '.join(missing)}; expected {', '.join(expected)}",
            file=path,
        )

    def decoded(name: str) -> tuple[np.ndarray, np.ndarray]:
        # dictionary-encoded column -> (codes, distinct values); the few distinct values are
        # cleaned instead of 1.7 million strings.
        arr = table.column(name).combine_chunks()  # one DictionaryArray, dictionaries unified
        if arr.null_count:
            raise AnalysisError(f"empty value(s) in column {name}", file=path, column=name)
        values = np.asarray(arr.dictionary.to_pylist(), dtype=object)
        codes = arr.indices.to_numpy(zero_copy_only=False)
        return codes, values

    region = table.column("region").combine_chunks()
    if region.null_count:
        raise AnalysisError("empty value(s) in column region", file=path, column="region")
    fixed = _normalise_region(pd.Series(region.dictionary.to_pylist(), dtype="string")).tolist()
    region = pa.DictionaryArray.from_arrays(region.indices, pa.array(fixed, pa.string())).cast(pa.string())
    sex_codes, sex_values = decoded("sex")
    bad_sex = set(sex_values) - set(SEXES)
    if bad_sex:
        raise AnalysisError(
            f"unknown sex value(s) {sorted(bad_sex)}; expected 'female' or 'male'", file=path, column="sex"
        )
    remap = np.array([SEXES.index(v) for v in sex_values], dtype=np.int8)
    sex = pa.DictionaryArray.from_arrays(pa.array(remap[sex_codes], pa.int8()), pa.array(list(SEXES)))
    population = np.rint(np.nan_to_num(table.column("population").to_numpy())).astype(np.int64)
    arrow = pa.table(
        {
            "region": region,
            "year": table.column("year"),
            "sex": sex,
            "age": table.column("age"),
            "population": pa.array(population),
        }
    )
    frame = arrow.to_pandas()
    frame["sex"] = frame["sex"].cat.set_categories(list(SEXES))
    return frame


def _read_population_parquet(path: Path, regions: Iterable[str] | None = None) -> pd.DataFrame:
    """The parquet population table, only ``regions`` when given (row groups of other regions are skipped)."""

    filters = [("region", "in", sorted({str(r) for r in regions}))] if regions is not None else None
    try:
        table = pq.read_table(path, columns=["region", "year", "sex", "age", "population"], filters=filters)
    except (pa.ArrowInvalid, OSError) as exc:
        raise AnalysisError(f"could not read the population file: {exc}", file=path) from exc
    frame = pd.DataFrame(
        {
            "region": table.column("region").to_pandas().astype(str).to_numpy(dtype=object),
            "year": table.column("year").to_numpy().astype("int64"),
            "sex": pd.Categorical(table.column("sex").to_pandas().astype(str), categories=list(SEXES)),
            "age": table.column("age").to_numpy().astype("int64"),
            "population": table.column("population").to_numpy().astype("int64"),
        }
    )
    bad = frame["sex"].isna()
    if bad.any():
        raise AnalysisError("unknown sex value(s); expected 'female' or 'male'", file=path, column="sex")
    return frame


#: Key of the last year's totals by region in a population parquet file's metadata (:func:`write_population_parquet`)
TOTALS_KEY = "analysis.last_year_totals"
#: Rows per parquet row group: about ten regions, so a report's filtered read touches a few groups.
PARQUET_ROW_GROUP = 50_000


def write_population_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the population table in the snapshot's compact form (sorted by region; zstd; small row groups).

    Sorting by region, year, sex and age makes the file deterministic and lets a reader that filters on
    ``region`` skip the row groups of other regions (min/max statistics). Written atomically.
    """
    path = Path(path)
    cols = ["region", "year", "sex", "age", "population"]
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise AnalysisError(f"the population table lacks column(s) {', '.join(missing)}", file=path)
    df = frame[cols].copy()
    df["region"] = df["region"].astype(str)
    df["sex"] = df["sex"].astype(str)
    df = df.sort_values(["region", "year", "sex", "age"], kind="mergesort").reset_index(drop=True)
    table = pa.table(
        {
            "region": pa.array(df["region"].to_numpy(dtype=object), pa.string()),
            "year": pa.array(df["year"].to_numpy(dtype="int16")),
            "sex": pa.array(df["sex"].to_numpy(dtype=object), pa.string()),
            "age": pa.array(df["age"].to_numpy(dtype="int16")),
            "population": pa.array(df["population"].to_numpy(dtype="int32")),
        }
    )
    # Each region's total in the last year, kept in the file's metadata: every report's kernel needs them (to
    # find municipalities of a similar size) and reading them here costs a millisecond instead of a scan.
    last = int(df["year"].max()) if len(df) else None
    totals = (
        df.loc[df["year"] == last].groupby("region", sort=True)["population"].sum().astype("int64").to_dict()
        if last is not None
        else {}
    )
    summary = {"year": last, "rows": len(df), "totals": {str(k): int(v) for k, v in totals.items()}}
    table = table.replace_schema_metadata({TOTALS_KEY: json.dumps(summary, sort_keys=True, separators=(",", ":"))})
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(
        table,
        tmp,
        compression="zstd",
        compression_level=19,
        row_group_size=PARQUET_ROW_GROUP,
        use_dictionary=["region", "sex"],
        write_statistics=True,
    )
    tmp.replace(path)
    return path


def population_file(ssb_dir: str | Path | None = None) -> Path:
    """The snapshot's population table: ``population.parquet`` if present, else ``population_by_age.csv.gz``."""
    folder = snapshot_dir(ssb_dir)
    parquet = folder / POPULATION_PARQUET
    if parquet.is_file():
        return parquet
    lineage.record(parquet)  # looked for and absent: adding it changes what a report reads
    return _file(ssb_dir, POPULATION_FILE)


def read_population(ssb_dir: str | Path | None = None, regions: Iterable[str] | None = None) -> pd.DataFrame:
    """Population on 1 January by region, year, sex and single-year age.

    Returns a new frame with columns ``region`` (str), ``year`` (int64), ``sex``
    (category female/male), ``age`` (int64, 105 = 105+) and ``population``
    (int64), sorted by region, year, sex and age. ``regions`` selects region codes; from a parquet
    snapshot only those regions are read. A whole table is read once per process (cached by size and
    modification time); the result is a copy.
    """
    path = population_file(ssb_dir)
    if path.suffix == ".parquet":
        if regions is not None:
            lineage.record(path)
            return _read_population_parquet(path, regions)
        return _cached(path, _read_population_parquet)
    frame = _cached(path, _read_population_file)
    if regions is not None:
        wanted = [str(r) for r in regions]
        frame = frame[frame["region"].isin(wanted)].reset_index(drop=True)
    return frame


def _read_regions_file(path: Path) -> pd.DataFrame:

    frame = pd.read_csv(path, dtype="string", keep_default_na=False)
    for col in ("region", "name", "type"):
        if col not in frame.columns:
            raise AnalysisError(f"the regions file lacks the column {col}", file=path)
    if "county" not in frame.columns:
        frame["county"] = ""
    frame["region"] = _normalise_region(frame["region"])
    frame["county"] = frame["county"].astype(str)
    frame["name"] = frame["name"].astype(str)
    frame["type"] = frame["type"].astype(str)
    return frame[["region", "name", "type", "county"]]


def read_regions(ssb_dir: str | Path | None = None) -> pd.DataFrame:
    """Regions of the snapshot: ``region`` (code), ``name``, ``type`` (kommune/fylke/land), ``county``."""
    return _cached(_file(ssb_dir, REGIONS_FILE), _read_regions_file)


def latest_totals(regions: pd.DataFrame | None = None, ssb_dir: str | Path | None = None) -> dict[str, float]:
    """The population of every municipality in ``regions`` (default: all) in the snapshot's last year."""
    if regions is None:
        regions = read_regions(ssb_dir)
    codes = regions.loc[regions["type"] == "kommune", "region"].tolist()
    path = population_file(ssb_dir)
    if path.suffix == ".parquet":
        lineage.record(path)
        totals = _cached_totals(path)
        return {code: totals[code] for code in sorted(set(codes)) if code in totals}
    pop = read_population(ssb_dir, regions=codes)
    if pop.empty:
        return {}
    last = pop[pop["year"] == pop["year"].max()]
    return {str(k): float(v) for k, v in last.groupby("region", observed=True)["population"].sum().items()}


_TOTALS: dict[tuple, dict[str, float]] = {}


def _cached_totals(path: Path) -> dict[str, float]:
    """Every region's total in the parquet file's last year, read once per process (by size and mtime)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _TOTALS:
        _TOTALS.clear()
        _TOTALS[key] = _last_year_totals(path)
    return _TOTALS[key]


def _last_year_totals(path: Path) -> dict[str, float]:
    """Totals by region in the last year of a parquet population table: only the year's rows, only two columns.

    A file written by :func:`write_population_parquet` carries them in its metadata; they are used when the
    row count and the last year (from the row groups' statistics) agree with the file. Otherwise (a file
    written by another tool, or changed since) they are computed: one filtered scan (≈ 1/40 of the rows are
    converted) instead of the whole 1.7-million-row table.
    """
    try:
        meta = pq.ParquetFile(path).metadata
        col = meta.schema.names.index("year")
        stats = [meta.row_group(i).column(col).statistics for i in range(meta.num_row_groups)]
        if not stats or any(s is None or not s.has_min_max for s in stats):
            last = int(pq.read_table(path, columns=["year"]).column("year").to_numpy().max())
        else:
            last = int(max(s.max for s in stats))
        stored = _stored_totals(meta, last)
        if stored is not None:
            return stored
        table = pq.read_table(path, columns=["region", "population"], filters=[("year", "==", last)])
    except (pa.ArrowInvalid, OSError, ValueError) as exc:
        raise AnalysisError(f"could not read the population file: {exc}", file=path) from exc
    summed = table.group_by("region").aggregate([("population", "sum")])
    regions = summed.column("region").to_pylist()
    values = summed.column("population_sum").to_pylist()
    return {str(r): float(v) for r, v in zip(regions, values, strict=True)}


def _stored_totals(meta: pq.FileMetaData, last: int) -> dict[str, float] | None:
    """The totals :func:`write_population_parquet` stored, if they describe this file (its rows and last year)."""
    raw = (meta.metadata or {}).get(TOTALS_KEY.encode())
    if raw is None:
        return None
    try:
        summary = json.loads(raw)
        if summary.get("rows") != meta.num_rows or summary.get("year") != last:
            return None
        return {str(k): float(v) for k, v in summary["totals"].items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def former_code(region: str, ssb_dir: str | Path | None = None) -> str | None:
    """The municipality's earlier number when it was only renumbered (one old number, weight 1), else None.

    Used to name a real example in the report ("gamle kommunenummer, som 0434 Engerdal, ..."). Only a
    municipality with a single earlier number gets one: the change table flattens chains, so a number merged
    into a municipality (1142 Rennesøy into Stavanger, 5030 Klæbu into Trondheim) looks the same as the
    municipality's own old number (3025 Asker) once there are several.
    """
    try:
        changes = read_region_changes(ssb_dir)
    except AnalysisError:
        return None
    own = changes[changes["region"] == str(region)]
    if len(own) != 1 or float(own["weight"].iloc[0]) < 0.999 or len(str(own["old_region"].iloc[0])) != 4:
        return None
    return str(own["old_region"].iloc[0])


def region_name(region: str, regions: pd.DataFrame | None = None, *, short: bool = True) -> str:
    """The name of a region code; ``short`` drops the Sami/Kven parallel name (``Oslo-Oslove`` → ``Oslo``).

    >>> import pandas as pd
    >>> r = pd.DataFrame({"region": ["0", "3425"], "name": ["Norge-Noreg-Norway", "Engerdal"]})
    >>> region_name("0", r), region_name("3425", r), region_name("9999", r)
    ('Norge', 'Engerdal', '9999')
    >>> region_name("18", pd.DataFrame({"region": ["18"], "name": ["Nordland - Nordlánnda "]}))
    'Nordland'
    """
    if regions is None:
        regions = read_regions()
    hit = regions.loc[regions["region"] == str(region), "name"]
    if hit.empty:
        return str(region)
    name = " ".join(str(hit.iloc[0]).split())
    if short and re.search(r"\s[-–]\s", name):
        # SSB's labels: "Nordland - Nordlánnda", "Troms – Romsa – Tromssa": the Norwegian name comes first
        return re.split(r"\s[-–]\s", name, maxsplit=1)[0].strip()
    if short and "-" in name:
        # "Norge-Noreg-Norway", "Oslo-Oslove", "Innlandet-Sisdajven": keep the first name,
        # unless the hyphen belongs to a Norwegian name (Stor-Elvdal, Sør-Aurdal, Aurskog-Høland).
        first = name.split("-", 1)[0]
        if first.lower() not in _COMPOUND_PREFIXES:
            name = first
    return name


_COMPOUND_PREFIXES = ("nord", "sør", "stor", "midt", "aurskog")


def _read_region_changes_file(path: Path) -> pd.DataFrame:

    frame = pd.read_csv(path, dtype={"old_region": "string", "region": "string"})
    frame["old_region"] = _normalise_region(frame["old_region"])
    frame["region"] = _normalise_region(frame["region"])
    frame["weight"] = frame["weight"].astype("float64")
    frame["first_year"] = frame["first_year"].astype("int64")
    frame["last_year"] = frame["last_year"].astype("int64")
    return frame[["old_region", "region", "weight", "first_year", "last_year"]]


def read_region_changes(ssb_dir: str | Path | None = None) -> pd.DataFrame:
    """Old code → current code: ``old_region, region, weight, first_year, last_year``."""
    return _cached(_file(ssb_dir, REGION_CHANGES_FILE), _read_region_changes_file)


def read_own_population(
    ssb_dir: str | Path | None = None, regions: Iterable[str] | None = None
) -> tuple[pd.DataFrame, dict[str, int]]:
    """:func:`read_population` without the years a municipality's figures were an earlier municipality's shared
    out by a fixed share (:func:`analysis.population.indicators.without_shared_history`), and per municipality
    cut the last year left out. What the population report and the overview show, so both pages agree; without
    ``region_changes.csv`` nothing is cut."""
    population = read_population(ssb_dir, regions=regions)
    try:
        changes = read_region_changes(ssb_dir)
    except AnalysisError:
        return population, {}
    return indicators.without_shared_history(population, changes)


def _read_fertility_file(path: Path) -> pd.DataFrame:

    frame = pd.read_csv(path, dtype={"year": "int64", "age": "int64", "births_per_woman": "float64"})
    return frame[["year", "age", "births_per_woman"]]


def read_fertility(ssb_dir: str | Path | None = None) -> pd.DataFrame:
    """National age-specific fertility: ``year, age, births_per_woman`` (births per woman-year)."""
    return _cached(_file(ssb_dir, FERTILITY_FILE), _read_fertility_file)


def _read_mortality_file(path: Path) -> pd.DataFrame:

    frame = pd.read_csv(path, dtype={"year": "int64", "sex": "string", "age": "int64"})
    # HMD tables also carry "total" rows (both sexes).
    frame["sex"] = frame["sex"].astype(pd.CategoricalDtype([*SEXES, "total"]))
    for col in ("deaths", "exposure_population", "death_rate"):
        if col in frame.columns:
            frame[col] = frame[col].astype("float64")
    return frame


def read_mortality(ssb_dir: str | Path | None = None) -> pd.DataFrame:
    """National death rates: ``year, sex, age, deaths, exposure_population, death_rate`` (m(x))."""
    return _cached(_file(ssb_dir, MORTALITY_FILE), _read_mortality_file)


def _read_projections_file(path: Path) -> pd.DataFrame:

    frame = pd.read_csv(
        path, dtype={"region": "string", "year": "int64", "population": "float64"}, keep_default_na=False
    )
    frame["region"] = _normalise_region(frame["region"])
    return frame


def read_projections(ssb_dir: str | Path | None = None, *, map_codes: bool = True) -> pd.DataFrame:
    """SSB's published projections in the snapshot (``region, name, vintage, alternative, year, population``).

    With ``map_codes`` old municipality codes (e.g. ``0434`` in the 2016
    projection) are mapped to current codes using ``region_changes.csv``.
    Returns an empty frame with those columns when the file is missing.
    """

    folder = snapshot_dir(ssb_dir)
    if not (folder / PROJECTIONS_FILE).is_file():
        lineage.record(folder / PROJECTIONS_FILE)
        return pd.DataFrame(columns=["region", "name", "vintage", "alternative", "year", "population", "source"])
    frame = _cached(folder / PROJECTIONS_FILE, _read_projections_file)
    if map_codes and not (folder / REGION_CHANGES_FILE).is_file():
        lineage.record(folder / REGION_CHANGES_FILE)
    if map_codes and (folder / REGION_CHANGES_FILE).is_file():
        changes = read_region_changes(folder)
        # A projection is made in one vintage: map with the code valid in its base year.
        lookup = changes.sort_values("last_year").drop_duplicates("old_region", keep="last")
        lookup = lookup[lookup["weight"] >= 0.999].set_index("old_region")["region"]
        current = set(read_regions(folder)["region"]) if (folder / REGIONS_FILE).is_file() else set()
        mapped = frame["region"].map(lookup)
        keep = frame["region"].isin(current) | mapped.isna()
        frame["region"] = frame["region"].where(keep, mapped)
    return frame


# --------------------------------------------------------------------------- code mapping


def map_regions(
    frame: pd.DataFrame,
    changes: pd.DataFrame,
    *,
    value_columns: Sequence[str] = ("population",),
    year_column: str = "year",
) -> pd.DataFrame:
    """Map old municipality/county codes to current ones so every series is continuous.

    Each row whose ``region`` is an ``old_region`` in ``changes`` for its year
    (``first_year <= year <= last_year``) is split into the current region(s)
    with the given weights (1.0 for a plain renumbering such as Engerdal
    0434 → 3425 in 2020; a share for a split municipality), then rows are
    summed per key. Codes that are not old codes stay as they are. Weighted
    counts are rounded to whole persons. Returns a new frame; ``frame`` is not
    mutated.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"region": ["0434", "3425"], "year": [2019, 2020], "population": [1286, 1268]})
    >>> c = pd.DataFrame({"old_region": ["0434"], "region": ["3425"], "weight": [1.0],
    ...                   "first_year": [1940], "last_year": [2019]})
    >>> map_regions(f, c).to_dict("list")
    {'region': ['3425', '3425'], 'year': [2019, 2020], 'population': [1286, 1268]}
    """

    if frame.empty:
        return frame.copy()
    value_columns = [c for c in value_columns if c in frame.columns]
    keys = [c for c in frame.columns if c not in value_columns and c != "region"]
    work = frame.reset_index(drop=True).copy()
    work["_row"] = np.arange(len(work))
    ch = changes[["old_region", "region", "weight", "first_year", "last_year"]].rename(columns={"region": "_new"})
    merged = work[["_row", "region", year_column]].merge(ch, left_on="region", right_on="old_region", how="inner")
    merged = merged[(merged[year_column] >= merged["first_year"]) & (merged[year_column] <= merged["last_year"])]
    if merged.empty:
        return frame.copy()
    hit_rows = merged["_row"].to_numpy()
    untouched = work[~work["_row"].isin(hit_rows)]
    moved = work.loc[hit_rows].reset_index(drop=True)
    moved["region"] = merged["_new"].to_numpy()
    weights = merged["weight"].to_numpy()
    for col in value_columns:
        moved[col] = moved[col].astype("float64") * weights
    out = pd.concat([untouched, moved], ignore_index=True).drop(columns="_row")
    observed = isinstance(out.get("sex"), pd.Series) and isinstance(out["sex"].dtype, pd.CategoricalDtype)
    out = out.groupby(["region", *keys], as_index=False, sort=True, observed=observed)[value_columns].sum()
    for col in value_columns:
        if pd.api.types.is_integer_dtype(frame[col]):
            out[col] = out[col].round().astype(frame[col].dtype)
    return out[list(frame.columns)]


# --------------------------------------------------------------------------- report helpers


def availability_message(region: str, ssb_dir: str | Path | None = None) -> str | None:
    """A plain Norwegian message when the snapshot or the region is missing, else ``None``.

    Reports show it with :func:`analysis.report.html.no_data` instead of failing.
    """
    folder = snapshot_dir(ssb_dir)
    missing = missing_files(folder, REPORT_FILES)
    # The message is shown on pages that may be shared: it names no folder on this machine.
    if missing:
        if not folder.is_dir():
            return (
                "Befolkningstallene fra SSB mangler. Legg SSB-utdraget i data/raw/ssb, eller hent tallene med "
                "kommandoen «analysis fetch-ssb»."
            )
        return f"SSB-utdraget mangler {', '.join(missing)}. Hent tallene på nytt med kommandoen «analysis fetch-ssb»."
    try:
        regions = read_regions(folder)
    except AnalysisError as exc:
        return f"SSB-dataene kunne ikke leses: {exc.message}"
    if str(region) not in set(regions["region"]):
        return (
            f"Kommunenummer {region} finnes ikke i SSB-dataene (dagens kommuneinndeling). "
            "Sjekk kommunenummeret (fire sifre)."
        )
    return None


def region_code(value: object) -> str:
    """A region code as SSB writes it, also when a parameter arrived as a number.

    >>> region_code(3425), region_code("301"), region_code(34), region_code("0"), region_code(" 3449 ")
    ('3425', '0301', '34', '0', '3449')
    """
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        raise AnalysisError(f"{value!r} is not a region code (kommunenummer has 4 digits, e.g. 0301)")
    if len(text) == 3:
        return "0" + text
    if len(text) == 1 and text != NORWAY:
        return "0" + text
    return text


# --------------------------------------------------------------------------- fetcher (PxWebApi v2)


def read_components(ssb_dir: str | Path | None = None) -> pd.DataFrame:
    """SSB's registered yearly components of change (table 06913), where the snapshot has them.

    ``components.csv``: ``region`` (today's code), ``year`` (of the events), ``pop_start`` (1 January),
    ``births``, ``deaths``, ``natural_increase``, ``in_migration``, ``out_migration``, ``net_migration``
    and ``source``; a figure SSB did not publish for a year is missing (NaN), never 0. Empty when the
    file is missing.
    """
    path = snapshot_dir(ssb_dir) / COMPONENTS_FILE
    if not path.is_file():
        lineage.record(path)
        return pd.DataFrame(columns=COMPONENT_COLUMNS)
    return _cached(path, _read_components_file)


def _read_components_file(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype={"region": str, "source": str}, keep_default_na=True)
    except (OSError, ValueError) as exc:
        raise AnalysisError(f"could not read the components of change: {exc}", file=path) from exc
    missing = [c for c in ("region", "year", "net_migration") if c not in frame.columns]
    if missing:
        raise AnalysisError(f"the components file lacks column(s) {', '.join(missing)}", file=path)
    for col in COMPONENT_COLUMNS:
        if col not in frame.columns:
            frame[col] = np.nan if col != "source" else ""
    frame["region"] = _normalise_region(frame["region"])
    frame["year"] = frame["year"].astype("int64")
    for col in COMPONENT_COLUMNS[2:-1]:
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame[COMPONENT_COLUMNS].sort_values(["region", "year"]).reset_index(drop=True)
