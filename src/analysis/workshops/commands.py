"""Commands for workshop data: ``analysis template workshop --out FILE.xlsx``.

(``analysis clean`` lives in the build commands and calls
:func:`analysis.workshops.run_clean`.)
"""

from __future__ import annotations


def register_commands(subparsers) -> None:
    """Declare the ``template`` command (arguments only; the handler imports openpyxl)."""
    p = subparsers.add_parser(
        "template",
        help="write a blank input template (workshop notes) to fill in",
        description="Write a blank Excel template with instructions in Norwegian and drop-down lists.",
    )
    p.add_argument("kind", choices=["workshop"], help="which template: 'workshop' (workshop and village-meeting notes)")
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="where to write the workbook (.xlsx)")
    p.add_argument("--force", action="store_true", help="overwrite FILE.xlsx if it exists")
    p.set_defaults(func=_template)


def _template(args) -> int:
    from pathlib import Path

    from analysis.errors import AnalysisError
    from analysis.workshops.template import write_template

    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".xlsx":
        raise AnalysisError("the template is an Excel workbook: give a file name ending in .xlsx", file=out)
    if out.exists() and not args.force:
        raise AnalysisError("the file already exists; choose another name or add --force", file=out)
    try:
        from analysis import paths

        if out.resolve().is_relative_to(paths.raw_dir().resolve()) and out.exists():
            raise AnalysisError("data/raw is never overwritten; write the template somewhere else", file=out)
    except ValueError:  # pragma: no cover
        pass
    try:
        write_template(out)
    except OSError as exc:  # a read-only folder, a full disk, a folder that does not exist
        raise AnalysisError(
            f"could not write the template there ({exc.strerror or type(exc).__name__}); "
            "choose a folder you can write to",
            file=out,
        ) from None
    print(f"wrote {out}")
    return 0
