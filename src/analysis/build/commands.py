"""Commands: ``reports`` (clean, then build), ``build``, ``clean``, ``list-reports``, ``share`` and ``init``.

Exit codes of ``build`` and ``reports``: 0 every report built; 1 a report failed (or, for ``reports``,
a raw file could not be read); 2 an error before building (catalogue, profile); 3 a report's required
data are missing (not with ``--allow-missing``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

_DIR_OPTIONS = (
    ("--data-dir", "ANALYSIS_DATA_DIR", "data folder with raw/ and processed/ (default: data/ in the project)"),
    ("--processed-dir", "ANALYSIS_PROCESSED_DIR", "folder for cleaned tables (default: <data>/processed)"),
    ("--reports-dir", "ANALYSIS_REPORTS_DIR", "folder for reports (default: reports/ in the project)"),
    ("--ssb-dir", "ANALYSIS_SSB_DIR", "SSB snapshot folder (default: <data>/raw/ssb)"),
)


def add_dir_options(
    parser: argparse.ArgumentParser,
    which: tuple[str, ...] = ("--data-dir", "--processed-dir", "--reports-dir", "--ssb-dir"),
) -> None:
    """Add the folder options; each also has an environment variable (the option wins)."""
    for flag, env, help_text in _DIR_OPTIONS:
        if flag in which:
            parser.add_argument(flag, type=Path, default=None, metavar="DIR", help=f"{help_text}; env {env}")


def apply_dir_options(args: argparse.Namespace) -> None:
    """Export folder options as environment variables, so library code and notebook kernels see them."""
    for flag, env, _ in _DIR_OPTIONS:
        value = getattr(args, flag.lstrip("-").replace("-", "_"), None)
        if value is not None:
            os.environ[env] = str(Path(value).expanduser().resolve())


def _add_build_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--only", metavar="PATTERN", help="build only reports whose id matches (shell pattern, comma-separated)"
    )
    p.add_argument(
        "--jobs", "-j", type=int, default=None, metavar="N", help="worker processes (default: number of cores)"
    )
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    p.add_argument("--pdf", action="store_true", help="also write an A4 PDF of every built report (needs Chromium)")
    p.add_argument(
        "--allow-missing",
        action="store_true",
        help="exit 0 even when a report's required data are missing (the index still says so)",
    )
    p.add_argument(
        "--catalogue",
        type=Path,
        default=None,
        metavar="FILE",
        help="catalogue file (default: catalogue.yaml; env ANALYSIS_CATALOGUE)",
    )
    p.add_argument(
        "--timeout", type=int, default=900, metavar="SECONDS", help="time limit per notebook cell (default 900)"
    )
    p.add_argument(
        "--share",
        nargs="?",
        const="",
        default=None,
        metavar="ZIP",
        help="afterwards, collect the shareable reports into reports/deling/ and a zip (optionally at ZIP)",
    )
    add_dir_options(p)


def register_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reports",
        help="clean the raw data, then build every report (what `make reports` does)",
        description=(
            "Clean the workshop notes and survey answers in data/raw/, then build every report in the "
            "catalogue into reports/. Exit code 0: all built; 1: a report failed or a raw file could not "
            "be read; 2: error before building; 3: required data missing (unless --allow-missing)."
        ),
    )
    _add_build_options(p)
    p.set_defaults(func=_reports)

    p = sub.add_parser(
        "build",
        help="build the reports in the catalogue",
        description="Execute the report notebooks and publish HTML in reports/.",
    )
    _add_build_options(p)
    p.set_defaults(func=_build)

    p = sub.add_parser("clean", help="clean workshop and survey data into data/processed/")
    p.add_argument("--only", choices=("workshops", "survey"), default=None, help="clean only one kind of data")
    add_dir_options(p, ("--data-dir", "--processed-dir"))
    p.set_defaults(func=_clean)

    p = sub.add_parser("share", help="collect the shareable reports into reports/deling/ and reports/deling.zip")
    p.add_argument(
        "--zip", type=Path, default=None, metavar="FILE", help="where to write the zip (default reports/deling.zip)"
    )
    p.add_argument("--catalogue", type=Path, default=None, metavar="FILE")
    add_dir_options(p, ("--reports-dir",))
    p.set_defaults(func=_share)

    p = sub.add_parser(
        "init",
        help="create a project folder for a municipality (profile, catalogue, data folders, SSB figures)",
        description=(
            "Create a ready project for a municipality: profile.yaml pre-filled from the SSB snapshot (name, "
            "county, peers of similar size), a catalogue, data folders with the SSB figures, the notebooks, "
            "a README on what to fill in and a Makefile. Then run `analysis reports` in that folder."
        ),
    )
    p.add_argument("folder", type=Path, metavar="DIR", help="the new project's folder (created if missing)")
    p.add_argument("--kommune", required=True, metavar="NNNN", help="kommunenummer (4 digits, today's borders) or name")
    add_dir_options(p, ("--ssb-dir",))
    p.set_defaults(func=_init)

    p = sub.add_parser("list-reports", help="list the reports in the catalogue and their status")
    p.add_argument("--catalogue", type=Path, default=None, metavar="FILE")
    add_dir_options(p, ("--reports-dir",))
    p.set_defaults(func=_list)


def _build(args: argparse.Namespace) -> int:
    apply_dir_options(args)
    from analysis.build.pipeline import BuildOptions, build

    if args.jobs is not None and args.jobs < 1:
        from analysis.errors import AnalysisError

        raise AnalysisError("--jobs must be at least 1")
    summary = build(
        BuildOptions(
            only=args.only,
            jobs=args.jobs,
            force=args.force,
            catalogue=args.catalogue,
            timeout=args.timeout,
            allow_missing=args.allow_missing,
            pdf=args.pdf,
        ),
        _run_stale,
        _write_pdfs,
    )
    from analysis import paths

    n_built, n_skipped, n_failed = len(summary.built), len(summary.skipped), len(summary.failed)
    line = f"{n_built} built, {n_skipped} up to date, {n_failed} failed"
    if summary.missing or summary.waiting:
        line += f", {len(summary.missing)} missing data, {len(summary.waiting)} waiting for data"
    print(f"{line} in {summary.seconds:.2f} s → {paths.reports_dir() / 'index.html'}")
    if summary.missing:
        print("Reports whose required data are missing:", file=sys.stderr)
        for r in summary.missing:
            print(f"  - {r.id}: {r.error}", file=sys.stderr)
        if not args.allow_missing:
            print("Add the data and run again, or pass --allow-missing to accept it.", file=sys.stderr)
    if summary.failed:
        print("Failed reports:", file=sys.stderr)
        for r in summary.failed:
            print(f"  - {r.id}: {r.error}  (see {paths.reports_dir() / (r.html or '')})", file=sys.stderr)
        print(f"Details in {paths.reports_dir() / 'build.log'}", file=sys.stderr)
    if args.share is not None:
        from analysis.build.share import make_share_bundle

        bundle = make_share_bundle(zip_path=Path(args.share) if args.share else None, catalogue=args.catalogue)
        print(f"Shareable bundle: {bundle}")
    return summary.exit_code


def _reports(args: argparse.Namespace) -> int:
    """``analysis reports``: clean, then build; a file that could not be read fails the command at the end."""
    clean_code = _clean(argparse.Namespace(only=None, data_dir=args.data_dir, processed_dir=args.processed_dir))
    build_code = _build(args)
    return build_code or clean_code


def _run_stale(stale, catalogue, reports_dir, options, build_date):
    """The build's runner, imported only when some report must be built (papermill and nbconvert
    take half a second to import; a rebuild with nothing to do never needs them). The workers' forkserver
    starts first, so it imports the same modules at the same time (:func:`analysis.build.workers.start_early`)."""
    from analysis.build.workers import start_early

    start_early(len(stale), options.jobs)
    from analysis.build.execute import run_stale

    return run_stale(stale, catalogue, reports_dir, options, build_date)


def _write_pdfs(*args, **kwargs):
    """The PDF writer, imported only when PDFs are asked for (Playwright)."""
    from analysis.build.pdf import write_pdfs

    return write_pdfs(*args, **kwargs)


def _clean(args: argparse.Namespace) -> int:
    apply_dir_options(args)
    from analysis import paths
    from analysis.build.lock import BuildLock

    ok = True
    data_dir, processed_dir = paths.data_dir(), paths.processed_dir()
    # the build's lock: the cleaned data are never rewritten while a build reads them
    with BuildLock(paths.reports_dir(), purpose="clean"):
        for leftover in sorted(processed_dir.glob(".*.tmp*")) if processed_dir.is_dir() else []:
            leftover.unlink(missing_ok=True)  # left by an interrupted clean
        if args.only in (None, "workshops"):
            from analysis.workshops.pipeline import run_clean as clean_workshops

            ok &= bool(clean_workshops(data_dir, processed_dir, print))
        if args.only in (None, "survey"):
            from analysis.survey.pipeline import run_clean as clean_survey

            ok &= bool(clean_survey(data_dir, processed_dir, print))
    if not ok:
        print(
            "Some files could not be read at all (see the messages above); the others were processed.", file=sys.stderr
        )
    return 0 if ok else 1


def _init(args: argparse.Namespace) -> int:
    apply_dir_options(args)
    from analysis.build.project import init_project
    from analysis.profile import load_profile

    folder = init_project(args.kommune, args.folder)
    profile = load_profile(folder / "profile.yaml")
    print(f"Project for {profile.kommune.name} ({profile.kommune.number}) in {folder}")
    print("Next: fill in profile.yaml (goals, villages), then run `analysis reports` in that folder.")
    return 0


def _list(args: argparse.Namespace) -> int:
    apply_dir_options(args)
    from analysis import paths
    from analysis.build.catalogue import load_catalogue
    from analysis.build.manifest import read_manifest

    cat = load_catalogue(args.catalogue)
    manifest = read_manifest(paths.reports_dir())
    for e in cat.reports:
        rec = manifest["reports"].get(e.id, {})
        share = "shareable" if e.shareable else "internal"
        print(f"{e.id:40s} {rec.get('status', 'not built'):10s} {share:10s} {e.title}")
    return 0


def _share(args: argparse.Namespace) -> int:
    apply_dir_options(args)
    from analysis.build.share import make_share_bundle

    print(f"Shareable bundle: {make_share_bundle(zip_path=args.zip, catalogue=args.catalogue)}")
    return 0
