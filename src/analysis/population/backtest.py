"""The backtest harness: project every municipality from earlier base years with only what was known then.

:func:`run` projects all municipalities at once (the vectorised :func:`analysis.population.projection.prepare`)
from each base year with every scenario, and compares with the registered population; fair means:
population up to the base year, rates and registered deaths of the years before it, nothing later (the
input is cut at the base year before anything is computed). :func:`summarise` gives the mean absolute
percentage error (MAPE) and the error by horizon, scenario and size class; :func:`official_comparison`
puts SSB's own projection from the same base year beside the package's. ``analysis backtest`` writes the
tables; ``benchmarks/bench_backtest.py`` times it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.population import projection
from analysis.population.cohort import population_array
from analysis.population.indicators import split_history

BASES = (2011, 2013, 2016)
SIZE_CLASSES = (0, 2_000, 5_000, 10_000, 50_000, np.inf)
SIZE_LABELS = ("under 2 000", "2 000–4 999", "5 000–9 999", "10 000–49 999", "50 000 og over")


def run(
    pop: pd.DataFrame,
    regions: pd.DataFrame,
    mortality: pd.DataFrame,
    fertility: pd.DataFrame,
    *,
    components: pd.DataFrame | None = None,
    bases: Sequence[int] = BASES,
    scenarios: Sequence[str] = projection.SCENARIOS,
    end_year: int | None = None,
    model: projection.Model = projection.MODEL,
    changes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Projected and registered population for every municipality, base year, scenario and later year.

    Returns ``region, base, scenario, year, horizon, projected, observed, error, pct_error, size``
    (``size`` = population in the base year). Municipalities whose history was split between two
    municipalities by a fixed share (``changes``) are left out: their past migration is an artefact.
    """
    towns = regions.loc[regions["type"] == "kommune", ["region", "county"]]
    if changes is not None:
        totals = pop.groupby(["region", "year"])["population"].sum()
        towns = towns[[not split_history(r, changes, totals.get(r, pd.Series(dtype=float))) for r in towns["region"]]]
    codes = towns["region"].tolist()
    counties = towns["county"].tolist()
    years = sorted(int(y) for y in pop.loc[pop["region"].isin(codes), "year"].unique())
    P = population_array(pop, codes, years)
    county_codes = sorted(set(counties))
    C_all = population_array(pop, county_codes, years)
    C = C_all[:, [county_codes.index(c) for c in counties]]
    observed = P.sum(axis=(2, 3))  # (Y, R)
    end = max(years) if end_year is None else int(end_year)
    frames = []
    for base in bases:
        cut = [y for y in years if y <= base]
        comp = None if components is None else components[components["year"] < base]
        inp = projection.prepare(
            P[: len(cut)], cut, mortality, fertility, base, regions=codes, county=C[: len(cut)], components=comp,
            horizon=end, model=model,
        )  # fmt: skip
        size = observed[years.index(base)]
        for scen in scenarios:
            totals = projection.project_inputs(inp, scen, end).sum(axis=(2, 3))  # (H+1, R)
            for h in range(1, end - base + 1):
                year = base + h
                if year not in years:
                    continue
                obs = observed[years.index(year)]
                frames.append(
                    pd.DataFrame(
                        {
                            "region": codes,
                            "base": base,
                            "scenario": scen,
                            "year": year,
                            "horizon": h,
                            "projected": totals[h],
                            "observed": obs,
                            "size": size,
                        }
                    )
                )
    out = pd.concat(frames, ignore_index=True)
    out["error"] = out["projected"] - out["observed"]
    out["pct_error"] = out["error"] / out["observed"]
    out["size_class"] = pd.cut(out["size"], SIZE_CLASSES, labels=SIZE_LABELS, right=False)
    return out


def summarise(bt: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The harness's tables (percent): ``overall`` per base and scenario, ``horizon`` and ``size`` (last year)."""
    bt = bt.assign(abs_pct=bt["pct_error"].abs() * 100, pct=bt["pct_error"] * 100)
    per_region = (
        bt.groupby(["base", "scenario", "region"], observed=True)["abs_pct"].mean().rename("mape").reset_index()
    )
    last = bt[bt["year"] == bt.groupby("base")["year"].transform("max")]
    overall = (
        per_region.groupby(["base", "scenario"])["mape"].mean().rename("MAPE").to_frame()
        .join(last.groupby(["base", "scenario"])["abs_pct"].median().rename("median abs. error, last year"))
        .join(last.groupby(["base", "scenario"])["pct"].median().rename("median error, last year"))
        .reset_index()
    )  # fmt: skip
    horizon = bt.groupby(["base", "scenario", "horizon"])["abs_pct"].median().rename("median abs. error").reset_index()
    size = (
        last.groupby(["base", "scenario", "size_class"], observed=True)
        .agg(n=("region", "size"), median_error=("pct", "median"), median_abs_error=("abs_pct", "median"))
        .reset_index()
    )
    return {"overall": overall, "horizon": horizon, "size": size}


def official_comparison(bt: pd.DataFrame, official: pd.DataFrame, base: int) -> pd.DataFrame:
    """MAPE of SSB's projection made from ``base`` beside the package's scenarios, per municipality.

    ``official`` is :func:`analysis.population.snapshot.read_projections`; only its vintage from
    ``base`` (main alternative) and the years the backtest covers are used.
    """
    rows = []
    vintage = official[official["vintage"].map(projection.vintage_year) == base]
    for region, sub in projection.main_alternative(vintage).groupby("region"):
        ours = bt[(bt["base"] == base) & (bt["region"] == region)]
        if ours.empty:
            continue
        obs = ours.drop_duplicates("year").set_index("year")["observed"]
        ssb = sub.set_index("year")["population"].reindex(obs.index).dropna()
        if ssb.empty:
            continue
        row = {"region": region, "SSB": float((abs(ssb - obs[ssb.index]) / obs[ssb.index]).mean() * 100)}
        for scen, s in ours.groupby("scenario"):
            s = s.set_index("year").loc[ssb.index]
            row[scen] = float((s["pct_error"].abs()).mean() * 100)
        rows.append(row)
    return pd.DataFrame(rows)


def markdown(tables: dict[str, pd.DataFrame], ssb: pd.DataFrame | None = None) -> str:
    """The harness's tables as Markdown (for docs/population.md): overall, size classes, SSB's comparison."""
    lines = [
        "| base | scenario | MAPE % | median abs. error, last year % | median error, last year % |",
        "|---|---|---:|---:|---:|",
    ]
    for r in tables["overall"].itertuples(index=False):
        lines.append(f"| {r[0]} | {r[1]} | {r[2]:.2f} | {r[3]:.2f} | {r[4]:+.2f} |")
    lines += [
        "",
        "| base | scenario | size class | n | median error % | median abs. error % |",
        "|---|---|---|---:|---:|---:|",
    ]
    for r in tables["size"].itertuples(index=False):
        lines.append(
            f"| {r.base} | {r.scenario} | {r.size_class} | {r.n} | {r.median_error:+.2f} | {r.median_abs_error:.2f} |"
        )
    if ssb is not None and len(ssb):
        cols = [c for c in ("SSB", "model", "none", "constant", "last5", "last10") if c in ssb.columns]
        lines += ["", "| region | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
        for r in ssb.itertuples(index=False):
            lines.append(f"| {r.region} | " + " | ".join(f"{getattr(r, c):.2f}" for c in cols) + " |")
        lines.append("| mean | " + " | ".join(f"{ssb[c].mean():.2f}" for c in cols) + " |")
    return "\n".join(lines) + "\n"


def write_tables(bt: pd.DataFrame, official: pd.DataFrame, out) -> list:
    """Write the summary tables (CSV) and ``backtest.md`` into ``out``; returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = summarise(bt)
    bases = sorted(bt["base"].unique())
    ssb = pd.concat(
        [official_comparison(bt, official, int(b)).assign(base=int(b)) for b in bases], ignore_index=True
    ) if len(official) else pd.DataFrame()  # fmt: skip
    written = []
    for name, frame in {**tables, "ssb": ssb}.items():
        path = out / f"backtest_{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", float_format="%.4f")
        written.append(path)
    md = out / "backtest.md"
    md.write_text(markdown(tables, ssb[ssb["base"] == 2016] if len(ssb) and 2016 in bases else None), encoding="utf-8")
    written.append(md)
    return written
