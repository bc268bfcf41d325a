"""``analysis fetch-ssb``: fetch SSB tables through PxWebApi v2 into the snapshot folder."""

from __future__ import annotations

import argparse
import sys


def register_commands(subparsers) -> None:
    """Declare ``fetch-ssb`` (arguments only; the handler imports what it needs)."""
    p = subparsers.add_parser(
        "fetch-ssb",
        help="refresh the SSB snapshot (population, births, deaths, migration, projections, life tables)",
        description=(
            "Fetch from SSB's PxWebApi v2, one request at a time: population by region, sex and age (07459), "
            "births, deaths and migration (06913), the newest regional projection (found by search), and life "
            "tables (07902). Tables are independent: one that fails is reported and the others are written. "
            "The snapshot folder is replaced in one step, so a failed fetch leaves the old one in place. "
            "Exit code 0: all fetched; 1: some table failed (the others were written); 2: nothing fetched."
        ),
    )
    p.add_argument(
        "--out", metavar="DIR", default=None, help="snapshot folder (default: <data>/raw/ssb, env ANALYSIS_SSB_DIR)"
    )
    p.add_argument(
        "--regions",
        metavar="CODES",
        default=None,
        help="comma-separated region codes at today's borders (default: every municipality, county and Norway)",
    )
    p.add_argument(
        "--from-year", type=int, default=2005, metavar="YEAR", help="first year of population data (default: 2005)"
    )
    p.add_argument(
        "--tables",
        default=None,
        metavar="KEYS",
        help="comma-separated: population,changes,projections,mortality,fertility "
        "(default: population,changes,projections,mortality)",
    )
    p.add_argument(
        "--table",
        action="append",
        default=[],
        metavar="KEY=ID",
        help="another SSB table id for a key, e.g. --table fertility=ID (repeatable)",
    )
    p.add_argument(
        "--timeout", type=float, default=60.0, metavar="SECONDS", help="how long to wait for SSB's answer (60)"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="check against the live API that every request matches the tables' metadata; downloads no data",
    )
    p.set_defaults(func=_fetch_ssb)

    p = subparsers.add_parser(
        "backtest",
        help="project every municipality from earlier years and measure the error (the projection's backtest)",
        description=(
            "Project all municipalities from each base year with only the data known then (population up to the "
            "base year, rates and registered deaths of earlier years), compare with the registered population, "
            "and write the mean absolute percentage error and the error by horizon, scenario and size class "
            "(CSV and Markdown), with SSB's own projection from the same base year where the snapshot has one."
        ),
    )
    p.add_argument("--bases", default="2011,2013,2016", metavar="YEARS", help="base years (default 2011,2013,2016)")
    p.add_argument("--out", default=None, metavar="DIR", help="folder for the tables (default: reports/backtest)")
    p.add_argument("--ssb-dir", default=None, metavar="DIR", help="SSB snapshot folder (default: data/raw/ssb)")
    p.set_defaults(func=_backtest)


def _fetch_ssb(args: argparse.Namespace) -> int:
    from analysis import paths
    from analysis.errors import AnalysisError
    from analysis.population import fetch
    from analysis.population.pxapi import PxClient

    ids = {}
    for item in args.table:
        key, sep, value = item.partition("=")
        if not sep or not value.strip():
            raise AnalysisError(f"--table needs KEY=ID, e.g. fertility=05531 (got {item!r})")
        ids[key.strip()] = value.strip()
    client = PxClient(timeout=args.timeout)
    if args.check:
        return 0 if fetch.check_tables(client, ids) else 1
    out = args.out or paths.ssb_dir()
    regions = [r.strip() for r in args.regions.split(",") if r.strip()] if args.regions else None
    tables = [t.strip() for t in args.tables.split(",") if t.strip()] if args.tables else list(fetch.DEFAULT_TABLES)
    summary = fetch.fetch_snapshot(
        out, regions=regions, from_year=args.from_year, tables=tables, table_ids=ids, client=client
    )
    for key, files in summary.written.items():
        print(f"{key}: {', '.join(files)}")
    print(f"SSB snapshot updated in {summary.folder}")
    if summary.failed:
        print("Not fetched (the snapshot keeps the earlier files for these):", file=sys.stderr)
        for key, message in summary.failed.items():
            print(f"  - {key}: {message}", file=sys.stderr)
        return 1
    return 0


def _backtest(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from analysis import paths
    from analysis.population import backtest, snapshot

    folder = Path(args.ssb_dir) if args.ssb_dir else None
    bases = [int(b) for b in args.bases.split(",") if b.strip()]
    start = time.perf_counter()
    bt = backtest.run(
        snapshot.read_population(folder),
        snapshot.read_regions(folder),
        snapshot.read_mortality(folder),
        snapshot.read_fertility(folder),
        components=snapshot.read_components(folder),
        changes=snapshot.read_region_changes(folder),
        bases=bases,
    )
    seconds = time.perf_counter() - start
    out = Path(args.out) if args.out else paths.reports_dir() / "backtest"
    written = backtest.write_tables(bt, snapshot.read_projections(folder), out)
    print(f"{bt['region'].nunique()} municipalities × {len(bases)} base years in {seconds:.1f} s")
    for path in written:
        print(f"  {path}")
    return 0
