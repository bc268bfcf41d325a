"""``analysis fetch-ssb``: fetch SSB tables through PxWebApi v2 into a snapshot folder.

The fetcher (:func:`fetch_snapshot`) uses SSB's PxWebApi v2 through ``pxwebpy`` and writes the
folder atomically; :mod:`analysis.population.snapshot` reads what it wrote.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import requests
from pxweb import PxApi

from analysis.errors import AnalysisError
from analysis.population.snapshot import (
    FERTILITY_FILE,
    MAX_AGE,
    METADATA_FILE,
    MORTALITY_FILE,
    NORWAY,
    POPULATION_FILE,
    PROJECTIONS_FILE,
    REGION_CHANGES_FILE,
    REGIONS_FILE,
    _read_region_changes_file,
    clear_cache,
    map_regions,
    snapshot_dir,
)

SSB_API_URL = "https://data.ssb.no/api/pxwebapi/v2"


@dataclass(frozen=True)
class TableSpec:
    """One SSB table the fetcher reads: its id and the variables (codes) it must have."""

    key: str
    table_id: str
    description: str
    required: tuple[str, ...]


#: The tables ``analysis fetch-ssb`` reads. Ids can be overridden (``--table key=id``) when SSB
#: replaces a table; the variables checked are the PxWebApi variable codes.
TABLES: dict[str, TableSpec] = {
    "population": TableSpec(
        "population",
        "07459",
        "Befolkning 1. januar etter region, kjønn og alder",
        ("Region", "Kjonn", "Alder", "ContentsCode", "Tid"),
    ),
    "changes": TableSpec(
        "changes",
        "06913",
        "Befolkning og endringer (fødte, døde, flytting) etter region",
        ("Region", "ContentsCode", "Tid"),
    ),
    "projections": TableSpec(
        "projections",
        "14288",
        "Regionale befolkningsframskrivinger 2024, alternativer",
        ("Region", "ContentsCode", "Tid"),
    ),
    "fertility": TableSpec(
        "fertility", "04232", "Fruktbarhetsrater etter mors alder, hele landet", ("Alder", "ContentsCode", "Tid")
    ),
    "mortality": TableSpec(
        "mortality",
        "07902",
        "Dødelighetstabeller etter kjønn og alder, hele landet",
        ("Kjonn", "Alder", "ContentsCode", "Tid"),
    ),
}


_SEX_CODES = {"1": "male", "2": "female"}


class _Retry(Exception):
    pass


def _http_status(exc: BaseException) -> int | None:

    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status_code", None):
        return int(response.status_code)
    found = re.search(r"Error (\d{3})", str(exc))
    return int(found.group(1)) if found else None


def _explain(exc: BaseException, what: str) -> AnalysisError:
    """Turn a network/HTTP error from pxwebpy/requests into a message an analyst can act on."""

    status = _http_status(exc)
    detail = " ".join(str(exc).split())[:300]
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)) and status is None:
        return AnalysisError(f"could not reach SSB ({SSB_API_URL}) while {what}: is the network up? ({detail})")
    if status == 429:
        return AnalysisError(f"SSB's rate limit was hit repeatedly while {what}; wait a minute and try again")
    if status == 404:
        return AnalysisError(
            f"SSB does not know the table or address asked for while {what} (HTTP 404): "
            "the table may have been replaced; check the id on ssb.no/statbank and pass it "
            "with --table KEY=ID"
        )
    if status == 400:
        return AnalysisError(
            f"SSB rejected the query while {what} (HTTP 400): a variable or code may have changed. SSB said: {detail}"
        )
    if status is not None and status >= 500:
        return AnalysisError(f"SSB had a server error (HTTP {status}) while {what}; try again later")
    return AnalysisError(f"SSB request failed while {what}: {detail}")


def _call(
    fn: Callable[[], Any],
    what: str,
    *,
    attempts: int = 4,
    sleep: Callable[[float], None] = time.sleep,
    base_delay: float = 2.0,
) -> Any:
    """Call ``fn`` with retries and exponential backoff on rate limits, server errors and dropped connections."""

    for attempt in range(attempts):
        try:
            return fn()
        except requests.RequestException as exc:
            status = _http_status(exc)
            transient = status in (429, 502, 503, 504) or (
                status is None and isinstance(exc, (requests.ConnectionError, requests.Timeout))
            )
            if transient and attempt < attempts - 1:
                sleep(base_delay * 2**attempt)
                continue
            raise _explain(exc, what) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def connect(
    url: str = SSB_API_URL, language: str = "no", timeout: int = 60, sleep: Callable[[float], None] = time.sleep
) -> Any:
    """A :class:`pxweb.PxApi` client for SSB (caches responses, splits big queries, respects rate limits)."""

    return _call(lambda: PxApi(url, language=language, timeout=timeout), "connecting", sleep=sleep)


def _variables(api: Any, spec: TableSpec, table_id: str, sleep) -> dict[str, Any]:
    meta = _call(lambda: api.get_table_variables(table_id), f"reading the variables of table {table_id}", sleep=sleep)
    missing = [v for v in spec.required if v not in meta]
    if missing:
        raise AnalysisError(
            f"SSB table {table_id} ({spec.description}) has changed: it lacks the variable(s) "
            f"{', '.join(missing)}; it has {', '.join(meta)}. Update analysis.population.fetch.TABLES or pass another "
            f"table with --table {spec.key}=ID"
        )
    return meta


def _years(meta: Mapping[str, Any], from_year: int | None, to_year: int | None) -> list[str]:
    codes = list(meta["Tid"]["category"]["label"])
    out = []
    for c in codes:
        try:
            y = int(str(c)[:4])
        except ValueError:
            continue
        if (from_year is None or y >= from_year) and (to_year is None or y <= to_year):
            out.append(c)
    if not out:
        raise AnalysisError(f"SSB has no years from {from_year} in this table (it has {codes[0]}–{codes[-1]})")
    return out


def _fetch_frame(
    api: Any, table_id: str, meta: Mapping[str, Any], value_codes: dict[str, list[str]], sleep
) -> pd.DataFrame:
    """Rows from pxwebpy (keyed by variable labels) → frame keyed by variable codes, values as floats."""

    rows = _call(
        lambda: api.get_table_data(table_id, value_codes=value_codes, show="code"),
        f"fetching table {table_id}",
        sleep=sleep,
    )
    label_to_code = {v.get("label", k): k for k, v in meta.items()}
    frame = pd.DataFrame(rows)
    if frame.empty:
        raise AnalysisError(f"SSB returned no data for table {table_id} with the query {value_codes}")
    frame = frame.rename(columns={lab: code for lab, code in label_to_code.items() if lab in frame.columns})
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame


def _age(code: str) -> int:
    digits = "".join(ch for ch in str(code) if ch.isdigit())
    return min(int(digits), MAX_AGE) if digits else -1


def _pick_content(meta: Mapping[str, Any], keywords: Sequence[str], table_id: str) -> tuple[str, str]:
    labels = meta["ContentsCode"]["category"]["label"]
    for code, label in labels.items():
        if any(k in str(label).lower() for k in keywords):
            return code, str(label)
    if len(labels) == 1:
        code = next(iter(labels))
        return code, str(labels[code])
    raise AnalysisError(
        f"SSB table {table_id} has no content matching {list(keywords)}; it has {list(labels.values())}"
    )


def fetch_population(
    api: Any, regions: Sequence[str] | None, from_year: int | None, *, table_id: str | None = None, sleep=time.sleep
) -> tuple[pd.DataFrame, dict[str, str], dict]:
    """Table 07459 → ``(frame region, year, sex, age, population; region labels; query)`` (codes as SSB has them)."""
    spec = TABLES["population"]
    table_id = table_id or spec.table_id
    meta = _variables(api, spec, table_id, sleep)
    content, _ = _pick_content(meta, ("personer", "persons", "folkemengde", "population"), table_id)
    region_codes = list(meta["Region"]["category"]["label"]) if not regions else [str(r) for r in regions]
    query = {
        "Region": region_codes,
        "Kjonn": ["1", "2"],
        "Alder": list(meta["Alder"]["category"]["label"]),
        "ContentsCode": [content],
        "Tid": _years(meta, from_year, None),
    }
    frame = _fetch_frame(api, table_id, meta, query, sleep)
    frame = frame.dropna(subset=["value"])
    out = frame.assign(
        region=frame["Region"].astype(str),
        year=frame["Tid"].astype(str).str[:4].astype("int64"),
        sex=frame["Kjonn"].astype(str).map(_SEX_CODES),
        age=frame["Alder"].map(_age).astype("int64"),
        population=frame["value"],
    )[["region", "year", "sex", "age", "population"]]
    out = out[(out["age"] >= 0) & out["sex"].notna()]
    out = out.groupby(["region", "year", "sex", "age"], as_index=False)["population"].sum()
    labels = {str(k): str(v) for k, v in meta["Region"]["category"]["label"].items()}
    return out, labels, {"table": table_id, "query": query}


def fetch_changes(
    api: Any, regions: Sequence[str] | None, from_year: int | None, *, table_id: str | None = None, sleep=time.sleep
) -> tuple[pd.DataFrame, dict]:
    """Table 06913 → ``region, year, measure, label, value`` (births, deaths, moves ... as SSB names them)."""
    spec = TABLES["changes"]
    table_id = table_id or spec.table_id
    meta = _variables(api, spec, table_id, sleep)
    query = {
        "Region": list(meta["Region"]["category"]["label"]) if not regions else [str(r) for r in regions],
        "ContentsCode": list(meta["ContentsCode"]["category"]["label"]),
        "Tid": _years(meta, from_year, None),
    }
    frame = _fetch_frame(api, table_id, meta, query, sleep).dropna(subset=["value"])
    labels = meta["ContentsCode"]["category"]["label"]
    out = frame.assign(
        region=frame["Region"].astype(str),
        year=frame["Tid"].astype(str).str[:4].astype("int64"),
        measure=frame["ContentsCode"].astype(str),
        label=frame["ContentsCode"].map(lambda c: str(labels.get(c, c))),
    )
    return out[["region", "year", "measure", "label", "value"]], {"table": table_id, "query": query}


def fetch_projections(
    api: Any, regions: Sequence[str] | None, *, table_id: str | None = None, sleep=time.sleep
) -> tuple[pd.DataFrame, dict]:
    """Table 14288 → ``region, name, vintage, alternative, year, population, source`` (sexes and ages summed)."""
    spec = TABLES["projections"]
    table_id = table_id or spec.table_id
    meta = _variables(api, spec, table_id, sleep)
    query: dict[str, list[str]] = {}
    for var, info in meta.items():
        codes = list(info["category"]["label"])
        if var == "Region":
            query[var] = codes if not regions else [str(r) for r in regions]
        elif var in ("ContentsCode", "Tid"):
            query[var] = codes
        elif not info.get("elimination", False):
            query[var] = codes  # cannot be left out: take all and sum
    frame = _fetch_frame(api, table_id, meta, query, sleep).dropna(subset=["value"])
    alt_var = next((v for v in meta if v not in ("Region", "Tid", "Kjonn", "Alder", "ContentsCode")), "ContentsCode")
    alt_labels = meta[alt_var]["category"]["label"]
    region_labels = meta["Region"]["category"]["label"]
    frame = frame.assign(
        region=frame["Region"].astype(str),
        year=frame["Tid"].astype(str).str[:4].astype("int64"),
        alternative=frame[alt_var].map(lambda c: str(alt_labels.get(c, c))),
    )
    out = frame.groupby(["region", "alternative", "year"], as_index=False)["value"].sum()
    out = out.rename(columns={"value": "population"})
    out["name"] = out["region"].map(lambda r: str(region_labels.get(r, r)))
    out["vintage"] = f"SSB regional projections (StatBank {table_id})"
    out["source"] = f"SSB PxWebApi v2, table {table_id}"
    return out[["region", "name", "vintage", "alternative", "year", "population", "source"]], {
        "table": table_id,
        "query": query,
    }


def fetch_fertility(api: Any, *, table_id: str | None = None, sleep=time.sleep) -> tuple[pd.DataFrame, dict]:
    """National age-specific fertility → ``year, age, births_per_woman`` (rates per 1 000 divided by 1 000)."""
    spec = TABLES["fertility"]
    table_id = table_id or spec.table_id
    meta = _variables(api, spec, table_id, sleep)
    content, label = _pick_content(meta, ("fruktbarhet", "fertility"), table_id)
    query = {
        "Alder": list(meta["Alder"]["category"]["label"]),
        "ContentsCode": [content],
        "Tid": list(meta["Tid"]["category"]["label"]),
    }
    if "Region" in meta:
        query["Region"] = ["0"]
    frame = _fetch_frame(api, table_id, meta, query, sleep).dropna(subset=["value"])
    per = 1000.0 if ("1000" in label.replace(" ", "") or "1 000" in label) else 1.0
    out = frame.assign(
        year=frame["Tid"].astype(str).str[:4].astype("int64"),
        age=frame["Alder"].map(_age),
        births_per_woman=frame["value"] / per,
    )
    out = out[out["age"] >= 0].groupby(["year", "age"], as_index=False)["births_per_woman"].sum()
    return out, {"table": table_id, "query": query, "content": label}


def fetch_mortality(api: Any, *, table_id: str | None = None, sleep=time.sleep) -> tuple[pd.DataFrame, dict]:
    """National life table → ``year, sex, age, deaths, exposure_population, death_rate``.

    SSB's life table gives the probability of dying q(x) (per 1 000); it is
    converted to a central rate with ``m = q / (1 − q/2)`` (deaths in mid-year),
    the inverse of the conversion the projection uses.
    """

    spec = TABLES["mortality"]
    table_id = table_id or spec.table_id
    meta = _variables(api, spec, table_id, sleep)
    content, label = _pick_content(meta, ("dødssannsynlighet", "sannsynlighet", "probability"), table_id)
    query = {
        "Kjonn": ["1", "2"],
        "Alder": list(meta["Alder"]["category"]["label"]),
        "ContentsCode": [content],
        "Tid": list(meta["Tid"]["category"]["label"]),
    }
    frame = _fetch_frame(api, table_id, meta, query, sleep).dropna(subset=["value"])
    per = 1000.0 if ("1000" in label.replace(" ", "") or "1 000" in label or frame["value"].max() > 1.5) else 1.0
    q = np.clip(frame["value"].to_numpy(dtype=float) / per, 0, 0.999999)
    out = frame.assign(
        year=frame["Tid"].astype(str).str[:4].astype("int64"),
        sex=frame["Kjonn"].astype(str).map(_SEX_CODES),
        age=frame["Alder"].map(_age),
        deaths=np.nan,
        exposure_population=np.nan,
        death_rate=q / (1 - q / 2),
    )
    out = out[(out["age"] >= 0) & out["sex"].notna()]
    out = out[["year", "sex", "age", "deaths", "exposure_population", "death_rate"]]
    return out.sort_values(["year", "sex", "age"]).reset_index(drop=True), {
        "table": table_id,
        "query": query,
        "content": label,
    }


def regions_from_labels(labels: Mapping[str, str], codes: Iterable[str]) -> pd.DataFrame:
    """``regions.csv`` rows for ``codes`` from SSB's region labels (type from the code's length)."""

    rows = []
    for code in sorted(set(codes), key=lambda c: (len(c), c)):
        kind = "land" if code == NORWAY else "fylke" if len(code) == 2 else "kommune" if len(code) == 4 else "annet"
        name = str(labels.get(code, code))
        if name.startswith(code + " "):
            name = name[len(code) + 1 :]
        rows.append({"region": code, "name": name, "type": kind, "county": code[:2] if kind == "kommune" else ""})
    return pd.DataFrame(rows, columns=["region", "name", "type", "county"])


def fetch_snapshot(
    out: str | Path | None = None,
    *,
    regions: Sequence[str] | None = None,
    from_year: int | None = 2005,
    tables: Sequence[str] = tuple(TABLES),
    table_ids: Mapping[str, str] | None = None,
    region_changes: str | Path | None = None,
    api: Any = None,
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], _dt.datetime] | None = None,
) -> Path:
    """Fetch SSB tables and write a snapshot folder atomically; returns the folder.

    The snapshot is built in a temporary folder beside ``out`` and renamed into
    place only when every table has been fetched and written, so a failure
    (network, SSB error, changed table) never leaves a half-written snapshot
    and an existing one stays as it was. Old municipality codes are mapped to
    current ones with ``region_changes`` (default: the ``region_changes.csv``
    of the existing snapshot at ``out``), so series are continuous.
    ``metadata.json`` records table ids, queries and the retrieval time.
    """

    out = snapshot_dir(out)
    unknown = [t for t in tables if t not in TABLES]
    if unknown:
        raise AnalysisError(f"unknown table key(s) {unknown}; choose from {sorted(TABLES)}")
    ids = {k: (table_ids or {}).get(k, TABLES[k].table_id) for k in tables}
    changes_path = Path(region_changes) if region_changes else out / REGION_CHANGES_FILE
    changes = _read_region_changes_file(changes_path) if changes_path.is_file() else None
    if api is None:
        log(f"connecting to {SSB_API_URL} …")
        api = connect(sleep=sleep)
    stamp = (now or (lambda: _dt.datetime.now(_dt.UTC)))()
    meta: dict[str, Any] = {
        "api": SSB_API_URL,
        "retrieved": stamp.isoformat(timespec="seconds"),
        "from_year": from_year,
        "regions": list(regions) if regions else "all",
        "tables": {},
        "region_changes": str(changes_path) if changes is not None else None,
    }
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    except OSError as exc:
        raise AnalysisError(
            f"cannot write a snapshot next to {out} ({exc.strerror}); choose another folder with --out"
        ) from exc
    try:
        if "population" in tables:
            log(f"table {ids['population']}: population by region, sex and age …")
            pop, labels, q = fetch_population(api, regions, from_year, table_id=ids["population"], sleep=sleep)
            if changes is not None:
                pop = map_regions(pop, changes)
            else:
                log("  no region_changes.csv: old municipality codes are kept as they are")
            pop["population"] = pop["population"].round().astype("int64")
            pop = pop.sort_values(["region", "year", "sex", "age"]).reset_index(drop=True)
            pop.to_csv(tmp / POPULATION_FILE, index=False, compression={"method": "gzip", "mtime": 0})
            current = set(pop.loc[pop["year"] == pop["year"].max(), "region"])
            regions_from_labels(labels, current).to_csv(tmp / REGIONS_FILE, index=False)
            meta["tables"]["population"] = {**q, "rows": int(len(pop)), "files": [POPULATION_FILE, REGIONS_FILE]}
        if "changes" in tables:
            log(f"table {ids['changes']}: population changes …")
            ch, q = fetch_changes(api, regions, from_year, table_id=ids["changes"], sleep=sleep)
            if changes is not None:
                ch = map_regions(ch, changes, value_columns=("value",))
            ch.to_csv(tmp / "population_changes.csv", index=False)
            meta["tables"]["changes"] = {**q, "rows": int(len(ch)), "files": ["population_changes.csv"]}
        if "projections" in tables:
            log(f"table {ids['projections']}: regional projections …")
            pr, q = fetch_projections(api, regions, table_id=ids["projections"], sleep=sleep)
            pr.to_csv(tmp / PROJECTIONS_FILE, index=False)
            meta["tables"]["projections"] = {**q, "rows": int(len(pr)), "files": [PROJECTIONS_FILE]}
        if "fertility" in tables:
            log(f"table {ids['fertility']}: fertility by age, Norway …")
            fe, q = fetch_fertility(api, table_id=ids["fertility"], sleep=sleep)
            fe.to_csv(tmp / FERTILITY_FILE, index=False)
            meta["tables"]["fertility"] = {**q, "rows": int(len(fe)), "files": [FERTILITY_FILE]}
        if "mortality" in tables:
            log(f"table {ids['mortality']}: life table, Norway …")
            mo, q = fetch_mortality(api, table_id=ids["mortality"], sleep=sleep)
            mo.to_csv(tmp / MORTALITY_FILE, index=False)
            meta["tables"]["mortality"] = {**q, "rows": int(len(mo)), "files": [MORTALITY_FILE]}
        if changes is not None:
            shutil.copyfile(changes_path, tmp / REGION_CHANGES_FILE)
        (tmp / METADATA_FILE).write_text(
            json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        try:
            _replace_dir(tmp, out)
        except OSError as exc:
            raise AnalysisError(
                f"could not put the new snapshot in place at {out} ({exc.strerror}); the previous snapshot is unchanged"
            ) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    clear_cache()
    log(f"wrote the SSB snapshot to {out}")
    return out


def _replace_dir(tmp: Path, out: Path) -> None:
    """Move the finished folder ``tmp`` to ``out``; an existing ``out`` is swapped out, then removed."""
    os.chmod(tmp, 0o755)
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}-{int(time.time())}"
        os.replace(out, old)
        try:
            os.replace(tmp, out)
        except BaseException:
            os.replace(old, out)  # put the previous snapshot back
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)
