"""The one command-line entry point: ``analysis <command>``.

Each part of the package contributes its commands through a
``register_commands(subparsers)`` function in one of ``COMMAND_MODULES``.
Registration only declares arguments; handlers import heavy libraries when
they run, so ``analysis build`` with nothing to do stays fast.

A handler returns an exit code (0 = success). An :class:`AnalysisError` or an
operating-system error (a folder that cannot be written) is printed as one clear
line (details go to the log); anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from analysis import __version__
from analysis.errors import AnalysisError

COMMAND_MODULES = (
    "analysis.build.commands",  # build, list-reports, share, clean
    "analysis.workshops.commands",  # template
    "analysis.population.commands",  # fetch-ssb
)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Analyses and reports for 'kommunen som samfunnsutvikler'.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
    except AnalysisError as exc:
        print(f"analysis {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("analysis: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a folder that cannot be written, a disk that is full: one clear line, no traceback
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"analysis {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
