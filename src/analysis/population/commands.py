"""``analysis fetch-ssb``: fetch SSB tables through PxWebApi v2 into a snapshot folder."""

from __future__ import annotations

import argparse


def register_commands(subparsers) -> None:
    """Declare ``fetch-ssb`` (arguments only; the handler imports what it needs)."""
    p = subparsers.add_parser(
        "fetch-ssb",
        help="fetch population data from SSB (PxWebApi v2) into a snapshot folder",
        description=(
            "Fetch population by region, sex and age (07459), population changes (06913), regional "
            "projections (14288) and national fertility and mortality from SSB's PxWebApi v2, and write a "
            "snapshot folder (written atomically: a failed fetch leaves the previous snapshot as it was)."
        ),
    )
    p.add_argument(
        "--out", metavar="DIR", default=None, help="snapshot folder (default: <data>/raw/ssb, env ANALYSIS_SSB_DIR)"
    )
    p.add_argument(
        "--regions",
        metavar="CODES",
        default=None,
        help="comma-separated region codes to fetch, old codes included (default: all)",
    )
    p.add_argument(
        "--from-year", type=int, default=2005, metavar="YEAR", help="first year of population data (default: 2005)"
    )
    p.add_argument(
        "--tables",
        default=None,
        metavar="KEYS",
        help="comma-separated tables: population,changes,projections,fertility,mortality (default: all)",
    )
    p.add_argument(
        "--table",
        action="append",
        default=[],
        metavar="KEY=ID",
        help="use another SSB table id for a table key, e.g. --table fertility=04232 (repeatable)",
    )
    p.add_argument(
        "--region-changes",
        metavar="FILE",
        default=None,
        help="old→new municipality codes (default: region_changes.csv in the existing snapshot)",
    )
    p.set_defaults(func=_fetch_ssb)


def _fetch_ssb(args: argparse.Namespace) -> int:
    from analysis import paths
    from analysis.errors import AnalysisError
    from analysis.population import fetch

    out = args.out or paths.ssb_dir()
    regions = [r.strip() for r in args.regions.split(",") if r.strip()] if args.regions else None
    tables = [t.strip() for t in args.tables.split(",") if t.strip()] if args.tables else list(fetch.TABLES)
    ids = {}
    for item in args.table:
        key, sep, value = item.partition("=")
        if not sep or not value.strip():
            raise AnalysisError(f"--table needs KEY=ID, e.g. fertility=04232 (got {item!r})")
        ids[key.strip()] = value.strip()
    fetch.fetch_snapshot(
        out, regions=regions, from_year=args.from_year, tables=tables, table_ids=ids, region_changes=args.region_changes
    )
    return 0
