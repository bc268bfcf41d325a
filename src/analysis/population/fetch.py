"""``analysis fetch-ssb``: SSB's tables through PxWebApi v2 into the snapshot folder.

Every request is built from the table's own metadata (variable codes, value codes, codelists) and
checked against it before it is sent (:func:`check_selection`), so a code a table does not have never
reaches SSB (which would answer HTTP 400 and lose the batch):

==============  =================================================================================
key             what, and how
==============  =================================================================================
population      07459, population 1 January by region, sex and single-year age. Municipalities
                through SSB's codelist ``agg_KommSummer`` (today's municipalities, earlier ones
                summed in by SSB), counties through ``agg_KommFylker``, Norway as ``0``.
                → ``population.parquet``, ``regions.csv``
changes         06913, births, deaths, in- and out-migration and net migration per municipality and
                year (codelists ``agg_KommSummerHist``/``agg_KommFylkerHist``) → ``components.csv``
projections     the newest regional projection, found with the API's table search (14288 today),
                every alternative, sexes and ages summed by SSB → ``projections.csv``
mortality       07902 life tables: ``Dodssannsynlighet`` (q(x) per 1 000) by sex and ``AlderX``
                0–106, converted to central rates m = q / (1 − (1 − a) q), the open age group 105+ from
                the remaining life expectancy at 105 (m = 1 / e) → ``norway_mortality_by_age.csv``,
                ``norway_life_table_qx.csv``
fertility       only with ``--table fertility=ID``: a table with rates by the mother's age (04232 is the
                total fertility rate and has no age variable: refused). Without it the snapshot
                keeps the Human Fertility Database's age-specific rates.
==============  =================================================================================

Tables are independent: one that fails is reported and the others are still written; the files of
a table that was not fetched (or failed) stay as they were. The new snapshot is assembled in a
temporary folder (a copy of the old one) and swapped into place in one rename, so a failed or
interrupted fetch leaves yesterday's snapshot, and the reports built from it, untouched.
``metadata.json`` records per table its id, title, SSB's last update, the query, the number of
requests and the retrieval time.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.population.cohort import A0
from analysis.population.pxapi import SSB_API_URL, PxClient, SsbError, TableMeta, Variable, batches, jsonstat_frame
from analysis.population.snapshot import (
    COMPONENT_COLUMNS,
    COMPONENTS_FILE,
    FERTILITY_FILE,
    LIFE_TABLE_FILE,
    MAX_AGE,
    METADATA_FILE,
    MORTALITY_FILE,
    NORWAY,
    POPULATION_FILE,
    POPULATION_PARQUET,
    PROJECTIONS_FILE,
    REGION_CHANGES_FILE,
    REGIONS_FILE,
    clear_cache,
    snapshot_dir,
    write_population_parquet,
)

#: Table keys in the order they are fetched, and the default table ids (None: found by search).
TABLE_IDS: dict[str, str | None] = {
    "population": "07459",
    "changes": "06913",
    "projections": None,
    "mortality": "07902",
    "fertility": None,
}
DEFAULT_TABLES = ("population", "changes", "projections", "mortality")
PROJECTION_SEARCH = "title:Framskrevet folkemengde"

_SEX = {"1": "male", "2": "female"}
_AGE_RE = re.compile(r"^(\d{1,3})\+?$")
_ALTERNATIVE_RE = re.compile(r"\b([LMHK0]{4})\b")
#: Codelists for today's municipalities and counties, in order of preference, per table family.
MUNICIPALITY_LISTS = ("agg_KommSummer", "agg_KommSummerHist", "KommunFram")
COUNTY_LISTS = ("agg_KommFylker", "agg_KommFylkerHist", "FylkerFram", "agg_Fylker2024")
#: 06913's contents → the columns of components.csv.
COMPONENT_CODES = {
    "Folkemengde": "pop_start",
    "Levende": "births",
    "Dode": "deaths",
    "Fodselsoverskudd": "natural_increase",
    "Innflyttinger": "in_migration",
    "Utflyttinger": "out_migration",
    "Nettoinnflytting": "net_migration",
}


def region_code(code: str) -> str:
    """A region code without SSB's codelist prefix: ``K-3103`` → ``3103``, ``K_4001`` → ``4001``, ``F-34`` → ``34``."""
    return re.sub(r"^[KF][-_]", "", str(code).strip())


def clean_name(label: str) -> str:
    """A region's name as SSB labels it, tidied: leading code removed, dashes between parallel names spaced.

    >>> clean_name("1804 Bodø"), clean_name("Nordland - Nordlánnda "), clean_name("Troms – Romsa – Tromssa")
    ('Bodø', 'Nordland - Nordlánnda', 'Troms - Romsa - Tromssa')
    """
    text = re.sub(r"^\d{1,4}\s+", "", str(label).strip())
    text = re.sub(r"\s+[-–]\s+", " - ", text)
    return " ".join(text.split())


def single_age(code: str, label: str = "") -> int:
    """The age of a single-year age code (``"000"``, ``"105"``, ``"105+"``); a group like ``F00-04`` is an error."""
    hit = _AGE_RE.match(str(code).strip())
    if not hit:
        raise SsbError(
            f"the age code {code!r} ({label or 'no label'}) is not a single year of age; the request must select "
            "single ages, not an age grouping"
        )
    return int(hit.group(1))


# ---------------------------------------------------------------------------------- regions


@dataclass
class RegionGroup:
    kind: str  # kommune | fylke | land
    codelist: str | None
    codes: list[str]  # codes as the table (or codelist) has them
    labels: dict[str, str]


def _pick_list(var: Variable, wanted: Sequence[str]) -> str | None:
    for want in wanted:
        for cl in var.codelists:
            if cl == want or (want[0].isupper() and want in cl):
                return cl
    return None


def region_groups(client: PxClient, meta: TableMeta, var: Variable) -> list[RegionGroup]:
    """Municipalities and counties at today's borders (through SSB's codelists where the table has them) and Norway."""
    groups = []
    for kind, wanted, digits in (("kommune", MUNICIPALITY_LISTS, 4), ("fylke", COUNTY_LISTS, 2)):
        listed = _pick_list(var, wanted)
        if listed:
            values = client.codelist(listed).get("values") or []
            codes = [str(v["code"]) for v in values if len(region_code(v["code"])) == digits]
            labels = {str(v["code"]): str(v.get("label", v["code"])) for v in values}
        else:  # no codelist: the table's own codes of today (historic ones carry "(-2019)" in the label)
            codes = [
                c
                for c in var.values
                if len(c) == digits and c.isdigit() and not re.search(r"\(\s*-?\d{4}", var.labels.get(c, ""))
            ]
            labels = dict(var.labels)
        groups.append(RegionGroup(kind, listed, codes, labels))
    if NORWAY in var.values:
        groups.append(RegionGroup("land", None, [NORWAY], {NORWAY: var.labels.get(NORWAY, "Hele landet")}))
    return groups


def filter_groups(groups: list[RegionGroup], wanted: Sequence[str] | None, table: str, log) -> list[RegionGroup]:
    """Keep only the requested regions (by plain code); a code the table does not have is reported, not sent."""
    if not wanted:
        return [g for g in groups if g.codes]
    wanted_set = {region_code(w) for w in wanted}
    found: set[str] = set()
    out = []
    for g in groups:
        keep = [c for c in g.codes if region_code(c) in wanted_set]
        found.update(region_code(c) for c in keep)
        if keep:
            out.append(RegionGroup(g.kind, g.codelist, keep, g.labels))
    missing = sorted(wanted_set - found)
    if missing:
        log(
            f"  {table}: region(s) {', '.join(missing)} not in the table at today's borders; skipped "
            "(old municipality numbers are summed into today's municipalities by SSB)"
        )
    return out


def region_selection(group: RegionGroup, var: Variable) -> dict:
    sel = {"variableCode": var.code, "valueCodes": list(group.codes)}
    if group.codelist:
        sel["codelist"] = group.codelist
    return sel


# ---------------------------------------------------------------------------------- checks


def check_selection(
    meta: TableMeta, selection: Sequence[Mapping[str, Any]], codelists: Mapping[str, Iterable[str]]
) -> None:
    """Raise :class:`SsbError` if the selection names a variable, codelist or value the table does not have.

    ``codelists`` maps a codelist id to its codes (from ``/codelists/{id}``). Every variable that cannot
    be eliminated must be selected, as SSB requires.
    """
    problems = []
    chosen = {s["variableCode"] for s in selection}
    for s in selection:
        var = meta.variables.get(s["variableCode"])
        if var is None:
            problems.append(f"no variable {s['variableCode']!r}")
            continue
        listed = s.get("codelist")
        if listed:
            if listed not in var.codelists:
                problems.append(f"{var.code} has no codelist {listed!r} (it has {', '.join(var.codelists) or 'none'})")
                continue
            known = set(codelists.get(listed, ()))
        else:
            known = set(var.values)
        bad = [c for c in s["valueCodes"] if c not in known]
        if bad:
            problems.append(
                f"{var.code} has no value(s) {', '.join(map(str, bad[:5]))}" + (" …" if len(bad) > 5 else "")
            )
        if len(set(s["valueCodes"])) != len(s["valueCodes"]):
            problems.append(f"{var.code} repeats a value (SSB answers HTTP 500)")
    for var in meta.variables.values():
        if var.code not in chosen and not var.elimination:
            problems.append(f"{var.code} must be selected (it cannot be eliminated)")
    if problems:
        raise SsbError(f"the request for table {meta.table_id} does not match its metadata: " + "; ".join(problems))


# ---------------------------------------------------------------------------------- fetching one table


@dataclass
class TableResult:
    key: str
    table: str
    files: dict[str, Any] = field(default_factory=dict)  # file name → frame (or bytes writer)
    meta: dict[str, Any] = field(default_factory=dict)
    regions: pd.DataFrame | None = None


def _years(var: Variable, from_year: int | None) -> list[str]:
    codes = [c for c in var.values if c[:4].isdigit() and (from_year is None or int(c[:4]) >= from_year)]
    if not codes:
        raise SsbError(f"no years from {from_year} in the table (it has {var.values[0]}–{var.values[-1]})")
    return codes


def _content(var: Variable, codes: Sequence[str], words: Sequence[str], table: str) -> str:
    for code in codes:
        if code in var.values:
            return code
    for code in var.values:
        if any(w in var.labels.get(code, "").lower() for w in words):
            return code
    if len(var.values) == 1:
        return var.values[0]
    raise SsbError(f"table {table} has none of the contents {list(codes)}; it has {dict(var.labels)}")


def _download(
    client: PxClient,
    meta: TableMeta,
    selection: list[dict],
    codelists: dict,
    split: Sequence[str],
    label: str,
    max_cells: int,
    log,
) -> pd.DataFrame:
    check_selection(meta, selection, codelists)
    parts = list(batches(selection, max_cells, split))
    frames = []
    for i, part in enumerate(parts, start=1):
        cells = int(np.prod([len(s["valueCodes"]) for s in part]))
        start = time.perf_counter()
        frames.append(jsonstat_frame(client.data(meta.table_id, part)))
        log(
            f"  {meta.table_id} {label}: batch {i} of {len(parts)} ({cells:,} cells) in {time.perf_counter() - start:.1f} s"
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _query_record(selection: list[dict]) -> list[dict]:
    """The query as metadata.json keeps it (long code lists shortened)."""
    out = []
    for s in selection:
        codes = s["valueCodes"]
        rec = dict(s, valueCodes=codes if len(codes) <= 12 else [*codes[:3], f"… {len(codes)} codes …", codes[-1]])
        out.append(rec)
    return out


def fetch_population(client: PxClient, table: str, regions, from_year, max_cells: int, log) -> TableResult:
    meta = client.metadata(table)
    region = meta.need("Region", role="geo", what="region")
    sex = meta.need("Kjonn", what="sex")
    age = meta.need("Alder", what="age")
    content = meta.need("ContentsCode", role="metric", what="contents")
    tid = meta.need("Tid", role="time", what="time")
    ages = [c for c in age.values]
    for c in ages:
        single_age(c, age.labels.get(c, ""))
    groups = filter_groups(region_groups(client, meta, region), regions, table, log)
    codelists = {g.codelist: g.codes for g in groups if g.codelist}
    years = _years(tid, from_year)
    frames, queries = [], []
    for g in groups:
        selection = [
            region_selection(g, region),
            {"variableCode": sex.code, "valueCodes": [c for c in sex.values if c in _SEX]},
            {"variableCode": age.code, "valueCodes": ages},
            {"variableCode": content.code, "valueCodes": [_content(content, ["Personer1"], ["personer"], table)]},
            {"variableCode": tid.code, "valueCodes": years},
        ]
        queries.append(_query_record(selection))
        frames.append(_download(client, meta, selection, codelists, [tid.code, region.code], g.kind, max_cells, log))
    raw = pd.concat(frames, ignore_index=True)
    raw = raw[raw["value"].notna()]
    pop = pd.DataFrame(
        {
            "region": raw[region.code].map(region_code),
            "year": raw[tid.code].str[:4].astype("int64"),
            "sex": raw[sex.code].map(_SEX),
            "age": [min(single_age(c), MAX_AGE) for c in raw[age.code]],
            "population": raw["value"].round().astype("int64"),
        }
    )
    pop = pop.groupby(["region", "year", "sex", "age"], as_index=False)["population"].sum()
    names = []
    for g in groups:
        for c in g.codes:
            code = region_code(c)
            names.append(
                {
                    "region": code,
                    "name": clean_name(g.labels.get(c, code)) if g.kind != "land" else "Norge",
                    "type": g.kind,
                    "county": code[:2] if g.kind == "kommune" else "",
                }
            )
    regions_frame = pd.DataFrame(names, columns=["region", "name", "type", "county"]).drop_duplicates("region")
    return TableResult(
        "population",
        table,
        files={POPULATION_PARQUET: pop, REGIONS_FILE: regions_frame},
        meta={"label": meta.label, "updated": meta.updated, "queries": queries, "rows": len(pop)},
    )


def fetch_changes(client: PxClient, table: str, regions, from_year, max_cells: int, log) -> TableResult:
    meta = client.metadata(table)
    region = meta.need("Region", role="geo", what="region")
    content = meta.need("ContentsCode", role="metric", what="contents")
    tid = meta.need("Tid", role="time", what="time")
    wanted = [c for c in COMPONENT_CODES if c in content.values]
    missing = [c for c in ("Levende", "Dode", "Nettoinnflytting") if c not in wanted]
    if missing:
        raise SsbError(f"table {table} has changed: it lacks the contents {missing}; it has {list(content.values)}")
    groups = filter_groups(region_groups(client, meta, region), regions, table, log)
    codelists = {g.codelist: g.codes for g in groups if g.codelist}
    years = _years(tid, from_year)
    frames, queries = [], []
    for g in groups:
        selection = [
            region_selection(g, region),
            {"variableCode": content.code, "valueCodes": wanted},
            {"variableCode": tid.code, "valueCodes": years},
        ]
        queries.append(_query_record(selection))
        frames.append(_download(client, meta, selection, codelists, [tid.code, region.code], g.kind, max_cells, log))
    raw = pd.concat(frames, ignore_index=True)
    raw = raw.assign(region=raw[region.code].map(region_code), year=raw[tid.code].str[:4].astype("int64"))
    wide = raw.pivot_table(index=["region", "year"], columns=content.code, values="value", aggfunc="first")
    wide = wide.rename(columns=COMPONENT_CODES).reset_index()
    for col in COMPONENT_CODES.values():
        if col not in wide.columns:
            wide[col] = np.nan
    wide["natural_increase"] = (wide["births"] - wide["deaths"]).fillna(wide["natural_increase"])
    wide["source"] = f"SSB {table}"
    wide = wide.dropna(subset=["births", "deaths", "net_migration"], how="all")
    return TableResult(
        "changes",
        table,
        files={COMPONENTS_FILE: wide[COMPONENT_COLUMNS].sort_values(["region", "year"]).reset_index(drop=True)},
        meta={"label": meta.label, "updated": meta.updated, "queries": queries, "rows": len(wide)},
    )


def find_projection_table(client: PxClient, log) -> str:
    """The newest regional population projection, from the API's table search (never a hard-coded id)."""
    found = client.search(PROJECTION_SEARCH)
    regional = [
        t
        for t in found
        if "region" in [str(v).lower() for v in t.get("variableNames") or []]
        and not t.get("discontinued")
        and str(t.get("label", "")).lower().startswith("framskrevet folkemengde")
        and str(t.get("firstPeriod", "")).isdigit()
    ]
    if not regional:
        raise SsbError(f"SSB's table search ({PROJECTION_SEARCH!r}) found no regional projection table")
    best = max(regional, key=lambda t: (str(t.get("firstPeriod")), str(t.get("updated", "")), str(t["id"])))
    log(f"  projections: newest regional projection is table {best['id']} ({best.get('label')})")
    return str(best["id"])


def _alternative(label: str) -> str:
    hit = _ALTERNATIVE_RE.search(label)
    return hit.group(1) if hit else label


def fetch_projections(client: PxClient, table: str | None, regions, max_cells: int, log) -> TableResult:
    table = table or find_projection_table(client, log)
    meta = client.metadata(table)
    region = meta.need("Region", role="geo", what="region")
    content = meta.need("ContentsCode", role="metric", what="contents")
    tid = meta.need("Tid", role="time", what="time")
    alt_var = meta.find("Framskriv")
    alternatives = alt_var or content
    alt_codes = [c for c in alternatives.values if _ALTERNATIVE_RE.search(alternatives.labels.get(c, ""))]
    alt_codes = alt_codes or list(alternatives.values)
    groups = filter_groups(region_groups(client, meta, region), regions, table, log)
    codelists = {g.codelist: g.codes for g in groups if g.codelist}
    others = [
        v for v in meta.variables.values() if v.code not in {region.code, content.code, tid.code, alternatives.code}
    ]
    frames, queries = [], []
    for g in groups:
        selection = [region_selection(g, region), {"variableCode": alternatives.code, "valueCodes": alt_codes}]
        if alternatives is not content:
            selection.append({"variableCode": content.code, "valueCodes": list(content.values[:1])})
        selection.append({"variableCode": tid.code, "valueCodes": list(tid.values)})
        # Sex and age are left out where SSB may sum them (elimination); otherwise all are asked for and summed here.
        selection += [{"variableCode": v.code, "valueCodes": list(v.values)} for v in others if not v.elimination]
        queries.append(_query_record(selection))
        frames.append(_download(client, meta, selection, codelists, [tid.code, region.code], g.kind, max_cells, log))
    raw = pd.concat(frames, ignore_index=True)
    raw = raw[raw["value"].notna()]
    raw = raw.assign(
        region=raw[region.code].map(region_code),
        year=raw[tid.code].str[:4].astype("int64"),
        alternative=raw[alternatives.code].map(lambda c: _alternative(alternatives.labels.get(c, c))),
    )
    out = raw.groupby(["region", "alternative", "year"], as_index=False)["value"].sum()
    out = out.rename(columns={"value": "population"})
    out["population"] = out["population"].round().astype("int64")
    labels = {region_code(c): clean_name(lab) for g in groups for c, lab in g.labels.items()}
    first = tid.values[0][:4]
    out["name"] = out["region"].map(lambda r: "Norge" if r == NORWAY else labels.get(r, r))
    out["vintage"] = f"SSB regional projection {first} (table {table})"
    out["source"] = f"SSB PxWebApi v2, table {table}" + (f", updated {meta.updated[:10]}" if meta.updated else "")
    cols = ["region", "name", "vintage", "alternative", "year", "population", "source"]
    return TableResult(
        "projections",
        table,
        files={PROJECTIONS_FILE: out[cols].sort_values(["region", "alternative", "year"]).reset_index(drop=True)},
        meta={"label": meta.label, "updated": meta.updated, "queries": queries, "rows": len(out)},
    )


def qx_to_rates(qx: pd.DataFrame) -> pd.DataFrame:
    """Life-table q(x) per 1 000 (``year, sex, age, qx_per_1000``, optional ``ex``) → central rates m(x), ages 0–105.

    m = q / (1 − (1 − a) q), the inverse of the projection's life table (:func:`analysis.population.cohort.life_table`:
    deaths at mid-year, a = 0.5; infants a = 0.1);
    the open age group 105+ gets m = 1 / e(105) where the remaining life expectancy is given, else the
    conversion of q(105). Ages above 105 (07902 ends at 106, where q = 1 000) are left out.

    >>> qx = pd.DataFrame({"year": [2024] * 2, "sex": ["male"] * 2, "age": [0, 105], "qx_per_1000": [2.0, 400.0],
    ...                    "ex": [81.0, 2.0]})
    >>> qx_to_rates(qx)["death_rate"].round(6).tolist()
    [0.002004, 0.5]
    """
    q = np.clip(qx["qx_per_1000"].to_numpy(dtype=float) / 1000.0, 0.0, 0.999999)
    a = np.where(qx["age"].to_numpy() == 0, A0, 0.5)
    rate = q / (1 - (1 - a) * q)
    if "ex" in qx.columns:
        ex = qx["ex"].to_numpy(dtype=float)
        open_age = (qx["age"].to_numpy() == MAX_AGE) & np.isfinite(ex) & (ex > 0)
        rate = np.where(open_age, 1.0 / np.where(open_age, ex, 1.0), rate)
    out = pd.DataFrame(
        {
            "year": qx["year"].astype("int64"),
            "sex": qx["sex"],
            "age": qx["age"].astype("int64"),
            "deaths": np.nan,
            "exposure_population": np.nan,
            "death_rate": rate,
        }
    )
    out = out[out["age"] <= MAX_AGE]
    return out.sort_values(["year", "sex", "age"]).reset_index(drop=True)


def fetch_mortality(client: PxClient, table: str, max_cells: int, log) -> TableResult:
    meta = client.metadata(table)
    sex = meta.need("Kjonn", what="sex")
    age = meta.need("AlderX", "Alder", what="age")
    content = meta.need("ContentsCode", role="metric", what="contents")
    tid = meta.need("Tid", role="time", what="time")
    q_code = _content(content, ["Dodssannsynlighet"], ["dødssannsynlighet", "sannsynlighet for å dø"], table)
    codes = [q_code] + [c for c in ("ForvGjenLevetid",) if c in content.values]
    for c in age.values:
        single_age(c, age.labels.get(c, ""))
    selection = [
        {"variableCode": sex.code, "valueCodes": [c for c in sex.values if c in _SEX]},
        {"variableCode": age.code, "valueCodes": list(age.values)},
        {"variableCode": content.code, "valueCodes": codes},
        {"variableCode": tid.code, "valueCodes": list(tid.values)},
    ]
    raw = _download(client, meta, selection, {}, [tid.code], "life tables", max_cells, log)
    raw = raw.assign(
        year=raw[tid.code].str[:4].astype("int64"), sex=raw[sex.code].map(_SEX), age=raw[age.code].map(single_age)
    )
    wide = raw.pivot_table(
        index=["year", "sex", "age"], columns=content.code, values="value", aggfunc="first"
    ).reset_index()
    wide = wide.rename(columns={q_code: "qx_per_1000", "ForvGjenLevetid": "ex"}).dropna(subset=["qx_per_1000"])
    life = wide[["sex", "age", "year", "qx_per_1000"]].sort_values(["sex", "year", "age"]).reset_index(drop=True)
    return TableResult(
        "mortality",
        table,
        files={MORTALITY_FILE: qx_to_rates(wide), LIFE_TABLE_FILE: life},
        meta={"label": meta.label, "updated": meta.updated, "queries": [_query_record(selection)], "rows": len(life)},
    )


def fetch_fertility(client: PxClient, table: str, max_cells: int, log) -> TableResult:
    meta = client.metadata(table)
    age = meta.find("Alder", "MorsAlder", "AlderMor")
    if age is None:
        raise SsbError(
            f"table {table} ({meta.label}) has no age variable, so it holds no rates by the mother's age "
            "(04232 is the total fertility rate); the snapshot keeps its fertility by age"
        )
    content = meta.need("ContentsCode", role="metric", what="contents")
    tid = meta.need("Tid", role="time", what="time")
    code = _content(content, [], ["per 1000", "per 1 000", "fruktbarhet"], table)
    ages = []
    for c in age.values:
        try:
            ages.append((c, single_age(c)))
        except SsbError:
            continue  # totals and open groups ("15-49", "Alle") are not asked for
    if not ages:
        raise SsbError(f"table {table}'s age variable has no single years of age: {list(age.values)[:6]}")
    selection = [
        {"variableCode": age.code, "valueCodes": [c for c, _ in ages]},
        {"variableCode": content.code, "valueCodes": [code]},
        {"variableCode": tid.code, "valueCodes": list(tid.values)},
    ]
    region = meta.find("Region", role="geo")
    if region is not None:
        selection.append({"variableCode": region.code, "valueCodes": [NORWAY]})
    raw = _download(client, meta, selection, {}, [tid.code], "fertility", max_cells, log).dropna(subset=["value"])
    label = content.labels.get(code, "")
    per = 1000.0 if re.search(r"1\s?000", label) else 1.0
    out = pd.DataFrame(
        {
            "year": raw[tid.code].str[:4].astype("int64"),
            "age": raw[age.code].map(single_age),
            "births_per_woman": raw["value"] / per,
        }
    )
    return TableResult(
        "fertility",
        table,
        files={FERTILITY_FILE: out.sort_values(["year", "age"]).reset_index(drop=True)},
        meta={"label": meta.label, "updated": meta.updated, "queries": [_query_record(selection)], "rows": len(out)},
    )


# ---------------------------------------------------------------------------------- the snapshot


@dataclass
class FetchSummary:
    folder: Path
    written: dict[str, list[str]] = field(default_factory=dict)  # table key → files
    failed: dict[str, str] = field(default_factory=dict)  # table key → message

    @property
    def ok(self) -> bool:
        return not self.failed


def _write(tmp: Path, name: str, frame: pd.DataFrame) -> None:
    if name == POPULATION_PARQUET:
        write_population_parquet(frame, tmp / name)
        (tmp / POPULATION_FILE).unlink(missing_ok=True)  # the parquet file replaces the CSV form
    else:
        frame.to_csv(tmp / name, index=False, lineterminator="\n")


def fetch_snapshot(
    out: str | Path | None = None,
    *,
    regions: Sequence[str] | None = None,
    from_year: int | None = 2005,
    tables: Sequence[str] = DEFAULT_TABLES,
    table_ids: Mapping[str, str] | None = None,
    client: PxClient | None = None,
    log: Callable[[str], None] = print,
    now: Callable[[], _dt.datetime] | None = None,
) -> FetchSummary:
    """Fetch ``tables`` into the snapshot folder ``out``; returns what was written and what failed.

    See the module docstring. Raises :class:`AnalysisError` only when nothing could be fetched (the old
    snapshot is then untouched); a partial failure is in :attr:`FetchSummary.failed`.
    """
    out = snapshot_dir(out)
    unknown = [t for t in tables if t not in TABLE_IDS]
    if unknown:
        raise AnalysisError(f"unknown table key(s) {unknown}; choose from {', '.join(TABLE_IDS)}")
    ids = {k: (table_ids or {}).get(k) or TABLE_IDS[k] for k in tables}
    if "fertility" in tables and not ids["fertility"]:
        raise AnalysisError(
            "fertility needs a table id with rates by the mother's age: --table fertility=ID (find one with "
            "`analysis fetch-ssb --check`); without it the snapshot keeps its fertility by age"
        )
    client = client or PxClient(log=log)
    stamp = (now or (lambda: _dt.datetime.now(_dt.UTC)))().isoformat(timespec="seconds")
    log(f"fetching {', '.join(tables)} from {client.base_url} (one request at a time) …")
    max_cells = client.max_cells()
    results: list[TableResult] = []
    summary = FetchSummary(out)
    for key in tables:
        log(f"table {ids[key] or '(search)'}: {key} …")
        before = client.requests_made
        try:
            if key == "population":
                res = fetch_population(client, ids[key], regions, from_year, max_cells, log)
            elif key == "changes":
                res = fetch_changes(client, ids[key], regions, from_year, max_cells, log)
            elif key == "projections":
                res = fetch_projections(client, ids[key], regions, max_cells, log)
            elif key == "mortality":
                res = fetch_mortality(client, ids[key], max_cells, log)
            else:
                res = fetch_fertility(client, ids[key], max_cells, log)
        except AnalysisError as exc:
            summary.failed[key] = exc.message
            log(f"  {key}: FAILED: {exc.message} (its files in the snapshot are kept)")
            continue
        res.meta.update(table=res.table, retrieved=stamp, requests=client.requests_made - before)
        results.append(res)
    if not results:
        raise AnalysisError(
            "nothing could be fetched from SSB; the snapshot is unchanged:\n  - "
            + "\n  - ".join(f"{k}: {m}" for k, m in summary.failed.items())
        )
    _assemble(out, results, summary, client, stamp, regions, from_year)
    clear_cache()
    return summary


def _assemble(out: Path, results: list[TableResult], summary: FetchSummary, client, stamp, regions, from_year) -> None:
    """Write the fetched tables into a copy of the old snapshot and swap it into place."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    except OSError as exc:
        raise AnalysisError(
            f"cannot write a snapshot next to {out} ({exc.strerror}); choose another folder with --out"
        ) from exc
    try:
        if out.is_dir():
            shutil.copytree(out, tmp, dirs_exist_ok=True)
        # SSB has no table of fertility by the mother's age that the fetch knows; a new folder gets the
        # rates (Human Fertility Database) of the snapshot in use, so the reports have what they need.
        fallback = snapshot_dir()
        for name in (FERTILITY_FILE, MORTALITY_FILE, REGION_CHANGES_FILE):
            if not (tmp / name).is_file() and (fallback / name).is_file() and fallback.resolve() != out.resolve():
                shutil.copyfile(fallback / name, tmp / name)
        old_meta = {}
        if (tmp / METADATA_FILE).is_file():
            try:
                old_meta = json.loads((tmp / METADATA_FILE).read_text(encoding="utf-8"))
            except ValueError:
                old_meta = {}
        tables_meta = dict(old_meta.get("tables") or {}) if isinstance(old_meta.get("tables"), dict) else {}
        for res in results:
            for name, frame in res.files.items():
                _write(tmp, name, frame)
            summary.written[res.key] = sorted(res.files)
            tables_meta[res.key] = {**res.meta, "files": sorted(res.files)}
        meta = {
            **{k: v for k, v in old_meta.items() if k not in ("tables", "failed")},
            "api": client.base_url,
            "last_fetch": stamp,
            "regions": list(regions) if regions else "all",
            "from_year": from_year,
            "tables": tables_meta,
            "failed": summary.failed,
        }
        (tmp / METADATA_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        try:
            _replace_dir(tmp, out)
        except OSError as exc:
            raise AnalysisError(
                f"could not put the new snapshot in place at {out} ({exc.strerror}); the previous snapshot is unchanged"
            ) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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


# ---------------------------------------------------------------------------------- the live check


def check_tables(
    client: PxClient, table_ids: Mapping[str, str] | None = None, log: Callable[[str], None] = print
) -> bool:
    """Check against the live API that every request the fetch would send matches the tables' metadata.

    Reads ``/config``, each table's ``/metadata`` and codelists, builds the requests (no data is
    downloaded) and checks them; searches for the newest projection and for fertility tables by age.
    Returns True when all is well; prints one line per check.
    """
    ids = {**{k: v for k, v in TABLE_IDS.items() if v}, **(table_ids or {})}
    ok = True

    def line(good: bool, text: str) -> None:
        nonlocal ok
        ok &= good
        log(f"{'ok  ' if good else 'FAIL'} {text}")

    try:
        cfg = client.config()
        line(True, f"/config: API {cfg.get('apiVersion')}, at most {cfg.get('maxDataCells')} cells per request")
    except SsbError as exc:
        line(False, f"/config: {exc.message}")
        return False
    for key, builder in (("population", _plan_population), ("changes", _plan_changes), ("mortality", _plan_mortality)):
        try:
            meta = client.metadata(ids[key])
            selections, codelists = builder(client, meta)
            for sel in selections:
                check_selection(meta, sel, codelists)
            line(
                True,
                f"{key} ({ids[key]}, updated {meta.updated}): {len(selections)} request shape(s) match the metadata",
            )
        except AnalysisError as exc:
            line(False, f"{key} ({ids[key]}): {exc.message}")
    try:
        table = ids.get("projections") or find_projection_table(client, lambda _m: None)
        meta = client.metadata(table)
        line(True, f"projections: newest regional projection {table} ({meta.label}), updated {meta.updated}")
    except AnalysisError as exc:
        line(False, f"projections: {exc.message}")
    try:
        hits = [t for t in client.search("fruktbarhet") if "alder" in " ".join(t.get("variableNames") or []).lower()]
        found = ", ".join(f"{t['id']} ({t.get('label')})" for t in hits[:8]) or "none"
        line(True, f"fertility by age: candidate tables {found}; use one with --table fertility=ID")
    except AnalysisError as exc:
        line(False, f"fertility search: {exc.message}")
    return ok


def _plan_population(client: PxClient, meta: TableMeta):
    region = meta.need("Region", role="geo", what="region")
    groups = region_groups(client, meta, region)
    sel = []
    for g in groups:
        sel.append(
            [
                region_selection(g, region),
                {
                    "variableCode": "Kjonn",
                    "valueCodes": [c for c in meta.need("Kjonn", what="sex").values if c in _SEX],
                },
                {"variableCode": "Alder", "valueCodes": list(meta.need("Alder", what="age").values)},
                {
                    "variableCode": "ContentsCode",
                    "valueCodes": [
                        _content(meta.need("ContentsCode", what="contents"), ["Personer1"], ["personer"], meta.table_id)
                    ],
                },
                {"variableCode": "Tid", "valueCodes": list(meta.need("Tid", what="time").values[-1:])},
            ]
        )
    return sel, {g.codelist: g.codes for g in groups if g.codelist}


def _plan_changes(client: PxClient, meta: TableMeta):
    region = meta.need("Region", role="geo", what="region")
    content = meta.need("ContentsCode", what="contents")
    groups = region_groups(client, meta, region)
    sel = [
        [
            region_selection(g, region),
            {"variableCode": content.code, "valueCodes": [c for c in COMPONENT_CODES if c in content.values]},
            {"variableCode": "Tid", "valueCodes": list(meta.need("Tid", what="time").values[-1:])},
        ]
        for g in groups
    ]
    return sel, {g.codelist: g.codes for g in groups if g.codelist}


def _plan_mortality(client: PxClient, meta: TableMeta):
    content = meta.need("ContentsCode", what="contents")
    age = meta.need("AlderX", "Alder", what="age")
    for c in age.values:
        single_age(c)
    sel = [
        [
            {"variableCode": "Kjonn", "valueCodes": [c for c in meta.need("Kjonn", what="sex").values if c in _SEX]},
            {"variableCode": age.code, "valueCodes": list(age.values)},
            {
                "variableCode": content.code,
                "valueCodes": [_content(content, ["Dodssannsynlighet"], ["dødssannsynlighet"], meta.table_id)],
            },
            {"variableCode": "Tid", "valueCodes": list(meta.need("Tid", what="time").values[-1:])},
        ]
    ]
    return sel, {}


__all__ = [
    "SSB_API_URL",
    "FetchSummary",
    "check_selection",
    "check_tables",
    "clean_name",
    "fetch_snapshot",
    "qx_to_rates",
    "region_code",
    "single_age",
]
