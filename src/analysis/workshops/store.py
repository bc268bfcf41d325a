"""Where the cleaned workshop tables live, and how reports read them.

``analysis clean`` (:mod:`analysis.workshops.pipeline`) writes them; notebooks and the other parts
read them with :func:`load_statements` and :func:`load_manifest`. This module imports only pandas, so a
report that reads statements does not load the cleaning's libraries (openpyxl, rapidfuzz, pandera).

* ``statements.parquet`` — the tidy table (``themes`` and ``merged_ids`` stored as ``;``-joined text;
  :func:`load_statements` turns them into tuples);
* ``statements_rejects.csv`` — file, sheet, row, column, value, reason;
* ``statements_unthemed.csv`` — statements no theme matched, for the analyst;
* ``statements_ignored.csv`` — every other non-empty cell of the files (headers, titles, notes, columns
  not recognised) with the reason it is not part of a statement;
* ``statements_manifest.json`` — files read, their hashes, rows in / clean / rejected / merged;
* ``statements_links.csv`` — every link between a measure and a counter-force (from the notes' column
  «Svarer på motkraft» and the analyst's ``links.yaml``), link values that could not be used, and
  theme-overlap suggestions to check (never links).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis import lineage, paths
from analysis.errors import AnalysisError

STATEMENTS_FILE = "statements.parquet"


REJECTS_FILE = "statements_rejects.csv"


UNTHEMED_FILE = "statements_unthemed.csv"


IGNORED_FILE = "statements_ignored.csv"


MANIFEST_FILE = "statements_manifest.json"


#: links between measures and counter-forces (from the notes and the links file), problems, and theme suggestions
LINKS_FILE = "statements_links.csv"


_LIST_COLUMNS = ("themes", "answers", "merged_ids")


def _to_storage(statements: pd.DataFrame) -> pd.DataFrame:
    out = statements.copy()
    for col in _LIST_COLUMNS:
        out[col] = pd.Series([";".join(t) for t in out[col]], dtype="string", index=out.index)
    return out


def _from_storage(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "answers" not in out.columns:  # cleaned before measures could name their counter-forces
        out.insert(out.columns.get_loc("themes") + 1, "answers", "")
    for col in _LIST_COLUMNS:
        out[col] = pd.Series(
            [tuple(v.split(";")) if isinstance(v, str) and v else () for v in out[col]], dtype=object, index=out.index
        )
    for col in (
        "statement_id",
        "source",
        "group",
        "goal",
        "delmal",
        "kind",
        "text",
        "text_raw",
        "source_file",
        "source_sheet",
    ):
        out[col] = out[col].astype("string")
    out["date"] = out["date"].astype("datetime64[ms]")
    return out


def load_statements(processed_dir: Path | None = None) -> pd.DataFrame:
    """The cleaned ``statements`` table (``themes``/``merged_ids`` as tuples).

    Raises AnalysisError telling the user to run ``analysis clean`` when it is missing.
    """

    folder = Path(processed_dir) if processed_dir is not None else paths.processed_dir()
    path = folder / STATEMENTS_FILE
    lineage.record(path)
    if not path.is_file():
        raise AnalysisError("the cleaned workshop statements are missing: run `analysis clean` first", file=path)
    return _from_storage(pd.read_parquet(path))


def load_manifest(processed_dir: Path | None = None) -> dict:
    """The manifest of the last clean run (e.g. to tell whether the data are illustrative)."""

    folder = Path(processed_dir) if processed_dir is not None else paths.processed_dir()
    path = folder / MANIFEST_FILE
    lineage.record(path)
    if not path.is_file():
        raise AnalysisError("the workshop manifest is missing: run `analysis clean` first", file=path)
    return json.loads(path.read_text(encoding="utf-8"))
