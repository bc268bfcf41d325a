"""``analysis clean`` for workshop notes: read every raw file, clean, validate, write with lineage.

Outputs in the processed folder (all written atomically, byte-stable for the same input):

* ``statements.parquet`` — the tidy table (``themes`` and ``merged_ids`` stored as
  ``;``-joined text; :func:`load_statements` turns them into tuples);
* ``statements_rejects.csv`` — file, sheet, row, column, value, reason;
* ``statements_unthemed.csv`` — statements no theme matched, for the analyst;
* ``statements_ignored.csv`` — every non-empty cell that is not part of a statement or a reject, with
  the reason (a header, a title used for the group or date, a note, a column not recognised);
* ``statements_manifest.json`` — files read, their hashes, rows in / clean / rejected / merged, cells
  in / in statements / rejected / ignored, columns not recognised and columns or values read with
  less than certainty;
* ``statements_links.csv`` — the links between measures and counter-forces (notes and ``links.yaml``),
  link values that could not be used, and theme-overlap suggestions to check.

Two invariants hold and are tested: **rows_in = rows_clean + rows_rejected + rows_merged**, and for
every file **cells_in = cells_statement + cells_rejected + cells_ignored** (every non-empty cell of
every sheet, counted from the file itself).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.errors import AnalysisError
from analysis.fileio import atomic_path, atomic_write_text, file_hash, safe_csv_text
from analysis.workshops import links
from analysis.workshops.cleaning import REJECT_COLUMNS, ROW_REJECTED, CleanResult, clean_records
from analysis.workshops.layout import column_letter
from analysis.workshops.mappings import PROJECT_MAPPINGS_NAME, load_mappings
from analysis.workshops.readers import FileResult, list_raw_files, read_file, tables_frame
from analysis.workshops.schema import rejects_schema, statements_schema
from analysis.workshops.store import (
    IGNORED_FILE,
    LINKS_FILE,
    MANIFEST_FILE,
    REJECTS_FILE,
    STATEMENTS_FILE,
    UNTHEMED_FILE,
    _to_storage,
)

IGNORED_COLUMNS = ["file", "sheet", "cell", "value", "reason"]

#: raw sub-folders read by ``analysis clean`` (relative to ``data/raw``)
RAW_FOLDERS = ("workshops", "grendemoter")
#: a file with this name in ``data/raw/workshops`` marks the notes as illustrative
ILLUSTRATIVE_MARKER = "ILLUSTRATIVE.md"


@dataclass
class CleanRun:
    result: CleanResult
    files: list[FileResult]
    hashes: dict[str, str]
    mapping_files: list[str]
    illustrative: bool

    @property
    def ok(self) -> bool:
        return all(f.error is None for f in self.files)

    def ignored(self) -> pd.DataFrame:
        """Every non-empty cell not in a statement or a reject: file, sheet, cell, value, reason."""
        rows = []
        for fr in self.files:
            for t in fr.tables:
                for r, j, value, reason in t.ignored:
                    rows.append((fr.file, t.sheet, r, j, f"{column_letter(j)}{r}", value, reason))
        rows.sort(key=lambda x: (x[0], x[1], x[2], x[3]))
        return pd.DataFrame([(a, b, c, v, why) for a, b, _, _, c, v, why in rows], columns=IGNORED_COLUMNS)


def clean_folder(raw_dir: Path, log: Callable[[str], None] = lambda s: None) -> CleanRun:
    """Read and clean every workshop file under ``raw_dir`` (``data/raw``). Writes nothing."""
    folders = [raw_dir / name for name in RAW_FOLDERS]
    m = load_mappings(raw_dir / "workshops" / PROJECT_MAPPINGS_NAME)
    tables = []
    files: list[FileResult] = []
    hashes: dict[str, str] = {}
    for path, rel in list_raw_files(folders):
        hashes[rel] = file_hash(path)
        fr = read_file(path, rel, m)
        files.append(fr)
        if fr.error:
            log(f"error: {fr.error}")
            continue
        for note in fr.notes:
            log(f"note: {fr.file}, {note}")
        _log_columns(fr, log)
        tables.extend(fr.tables)
    result = clean_records(tables_frame(tables), m)
    link_file = raw_dir / "workshops" / links.LINKS_FILE_NAME
    try:
        result.statements, file_links = links.apply_link_file(result.statements, link_file)
        result.links = pd.concat([result.links, file_links], ignore_index=True)
    except AnalysisError as exc:
        log(f"error: {exc}")
        files.append(FileResult(file=f"workshops/{links.LINKS_FILE_NAME}", error=str(exc)))
    result = check_statements(result)
    _log_values(result, log)
    return CleanRun(
        result=result,
        files=files,
        hashes=hashes,
        mapping_files=[
            Path(p).name if i == 0 else str(Path(p).relative_to(raw_dir.resolve())) for i, p in enumerate(m.sources)
        ],
        illustrative=(raw_dir / "workshops" / ILLUSTRATIVE_MARKER).is_file(),
    )


def _where(fr: FileResult, sheet: str) -> str:
    return f"{fr.file}, sheet {sheet}" if sheet else fr.file


def _log_columns(fr: FileResult, log: Callable[[str], None]) -> None:
    """Columns not recognised and columns read with less than certainty, on the console."""
    for t in fr.tables:
        for u in t.unrecognised:
            what = f"column {u['column']} '{u['header']}'" if u["header"] else f"column {u['column']} (no header)"
            log(
                f"note: {_where(fr, t.sheet)}: {what} not recognised: {u['cells']} cell(s) not read, "
                f"listed in {IGNORED_FILE}"
            )
        for u in t.uncertain:
            what = f"column {u['column']} '{u['header']}'" if u["header"] else f"column {u['column']}"
            log(f"warning: {_where(fr, t.sheet)}: {what} read as {u['read_as']} (because {u['why']}); check it")


def _log_values(result: CleanResult, log: Callable[[str], None]) -> None:
    by_file: dict[str, list[dict]] = {}
    for u in result.uncertain or []:
        by_file.setdefault(u["file"], []).append(u)
    for file, items in sorted(by_file.items()):
        shown = "; ".join(f"'{u['value']}' → {u['read_as']} ({u['how']})" for u in items[:3])
        more = f" and {len(items) - 3} more" if len(items) > 3 else ""
        log(f"warning: {file}: {len(items)} value(s) read with less than certainty: {shown}{more} (see the manifest)")


def check_statements(result: CleanResult) -> CleanResult:
    """Validate the statements with their pandera schema *row by row*: a statement that fails is moved
    to the rejects (with the check that failed, for every input row behind it), never a traceback.

    Raises :class:`AnalysisError` only when the table as a whole is broken (a bug), naming the check.
    """
    st = result.statements
    if st.empty:
        return result
    try:
        statements_schema().validate(st, lazy=True)
        return result
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    bad_index = cases["index"].dropna()
    if len(bad_index) < len(cases):
        detail = "; ".join(f"{r.column}: {r.check}" for r in cases[cases["index"].isna()].head(3).itertuples())
        raise AnalysisError(f"the cleaned statements fail a check of the whole table (a bug; report it): {detail}")
    why: dict[int, str] = {}
    for r in cases.dropna(subset=["index"]).itertuples():
        why.setdefault(int(r.index), f"failed the final check '{r.check}' in column {r.column}")
    bad = st.loc[sorted(why)]
    bad_ids = dict(zip(bad["statement_id"].tolist(), [why[i] for i in bad.index]))
    keep = st.drop(index=list(why)).reset_index(drop=True)
    if "answers" in keep.columns:  # a measure never links to a counter-force that was moved to the rejects
        gone = set(bad["statement_id"].tolist())
        keep["answers"] = pd.Series(
            [tuple(a for a in t if a not in gone) for t in keep["answers"]], index=keep.index, dtype=object
        )
        if len(result.links):
            result.links = result.links[
                ~result.links["measure_id"].isin(gone) & ~result.links["counterforce_id"].isin(gone)
            ].reset_index(drop=True)
    rows = []
    frame_files = np.asarray(result._files or [], dtype=object)
    for i, sid in enumerate(result.row_statement.tolist()):
        if sid in bad_ids:
            rows.append({"_i": i, "reason": bad_ids[sid], "statement_id": sid})
            result.row_statement[i] = ""
    extra = []
    by_id = bad.set_index("statement_id")
    for r in rows:
        s = by_id.loc[r["statement_id"]]
        extra.append(
            {
                "file": str(frame_files[r["_i"]]) if len(frame_files) else str(s["source_file"]),
                "sheet": str(s["source_sheet"]),
                "row": int(s["source_row"]),
                "column": "text",
                "value": str(s["text"]),
                "reason": r["reason"],
                "action": ROW_REJECTED,
            }
        )
    rejects = pd.concat([result.rejects, pd.DataFrame(extra, columns=REJECT_COLUMNS)], ignore_index=True)
    n_merged_away = sum(int(n) - 1 for n in bad["n_sources"].tolist())
    result.statements = keep
    result.rejects = rejects.sort_values(["file", "sheet", "row", "action", "column"], kind="stable").reset_index(
        drop=True
    )
    result.rows_rejected += len(rows)
    result.rows_merged -= n_merged_away
    return result


def manifest(run: CleanRun) -> dict:
    """The lineage record of one clean run (no clock time, so it is stable)."""
    res = run.result
    row_level = res.rejects[res.rejects["action"] == ROW_REJECTED] if len(res.rejects) else res.rejects
    rej_per_file = row_level.groupby("file").size().to_dict() if len(row_level) else {}
    val_per_file = (
        res.rejects[res.rejects["action"] != ROW_REJECTED].groupby("file").size().to_dict() if len(res.rejects) else {}
    )
    cells_of = res.cells_by_file()
    uncertain_values: dict[str, list[dict]] = {}
    for u in res.uncertain or []:
        uncertain_values.setdefault(u["file"], []).append({k: v for k, v in u.items() if k != "file"})
    files = []
    totals = {"in": 0, "statement": 0, "rejected": 0, "ignored": 0}
    for fr in run.files:
        entry: dict = {
            "file": fr.file,
            "hash_blake2b": run.hashes.get(fr.file),
            "status": "error" if fr.error else "read",
        }
        ignored = sum(len(t.ignored) for t in fr.tables)
        got = cells_of.get(fr.file, {"statement": 0, "rejected": 0})
        cells = {"in": fr.cells_in, "statement": got["statement"], "rejected": got["rejected"], "ignored": ignored}
        for k in totals:
            totals[k] += cells[k]
        if fr.error:
            entry["error"] = fr.error
        else:
            entry["encoding"] = fr.encoding
            entry["sheets"] = [_sheet_entry(t) for t in fr.tables]
            entry["rows_in"] = sum(len(t) for t in fr.tables)
            entry["rows_rejected"] = int(rej_per_file.get(fr.file, 0))
            entry["values_rejected"] = int(val_per_file.get(fr.file, 0))
            if fr.notes:
                entry["notes"] = fr.notes
            if fr.file in uncertain_values:
                entry["uncertain_values"] = uncertain_values[fr.file]
        entry["cells"] = cells
        files.append(entry)
    return {
        "table": "statements",
        "illustrative": run.illustrative,
        "mapping_files": run.mapping_files,
        "files_read": sum(1 for f in run.files if not f.error),
        "files_failed": sum(1 for f in run.files if f.error),
        "rows_in": res.rows_in,
        "rows_clean": res.rows_clean,
        "rows_rejected": res.rows_rejected,
        "rows_merged": res.rows_merged,
        "values_rejected": int((res.rejects["action"] != ROW_REJECTED).sum()) if len(res.rejects) else 0,
        "invariant": "rows_in = rows_clean + rows_rejected + rows_merged",
        "links": {
            "from_notes": int(((res.links["source"] == "notater") & (res.links["status"] == links.LINKED)).sum()),
            "from_links_file": int(
                ((res.links["source"] == "koblingsfil") & (res.links["status"] == links.LINKED)).sum()
            ),
            "not_found": int((res.links["status"] == links.NOT_FOUND).sum()),
            "measures_linked": int(sum(1 for a in res.statements["answers"] if a)),
        },
        "cells_in": totals["in"],
        "cells_statement": totals["statement"],
        "cells_rejected": totals["rejected"],
        "cells_ignored": totals["ignored"],
        "cells_invariant": "cells_in = cells_statement + cells_rejected + cells_ignored (per file and in total)",
        "files": files,
    }


def _sheet_entry(t) -> dict:
    entry = {"sheet": t.sheet, "layout": t.layout, "rows_in": len(t), "cells_in": t.cells_in}
    entry["cells_ignored"] = len(t.ignored)
    if t.unrecognised:
        entry["ignored_columns"] = t.unrecognised
    if t.uncertain:
        entry["uncertain_columns"] = t.uncertain
    if t.notes:
        entry["notes"] = t.notes
    return entry


def write_outputs(run: CleanRun, processed_dir: Path) -> None:
    """Validate and write the five outputs atomically (every CSV safe to open in a spreadsheet program)."""

    res = run.result
    if res.rows_in != res.rows_clean + res.rows_rejected + res.rows_merged:  # pragma: no cover (a bug)
        raise AnalysisError("row accounting is broken (a bug; report it)")
    statements = res.statements
    rejects = rejects_schema().validate(res.rejects.astype({c: str for c in REJECT_COLUMNS if c != "row"}))
    processed_dir.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(_to_storage(statements), preserve_index=False)
    with atomic_path(processed_dir / STATEMENTS_FILE) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    atomic_write_text(processed_dir / REJECTS_FILE, safe_csv_text(rejects, index=False, lineterminator="\n"))
    unthemed = statements.loc[
        [not t for t in statements["themes"]],
        ["statement_id", "group", "goal", "kind", "text", "source_file", "source_row"],
    ]
    atomic_write_text(processed_dir / UNTHEMED_FILE, safe_csv_text(unthemed, index=False, lineterminator="\n"))
    atomic_write_text(processed_dir / IGNORED_FILE, safe_csv_text(run.ignored(), index=False, lineterminator="\n"))
    report = pd.concat([res.links, links.theme_suggestions(statements)], ignore_index=True)
    atomic_write_text(processed_dir / LINKS_FILE, safe_csv_text(report, index=False, lineterminator="\n"))
    atomic_write_text(
        processed_dir / MANIFEST_FILE, json.dumps(manifest(run), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    )


def run_clean(data_dir: Path, processed_dir: Path, log: Callable[[str], None] = print) -> bool:
    """Clean every workshop file under ``data_dir/raw``; write outputs to ``processed_dir``.

    Returns False when some file could not be read at all (the others are still
    processed and the outputs written). ``data_dir/raw`` is only read.
    """
    raw = Path(data_dir) / "raw"
    run = clean_folder(raw, log)
    write_outputs(run, Path(processed_dir))
    res = run.result
    n_ignored = sum(len(t.ignored) for f in run.files for t in f.tables)
    log(
        f"workshops: {len(run.files)} files, {res.rows_in} rows in, {res.rows_clean} statements, "
        f"{res.rows_rejected} rejected, {res.rows_merged} merged; {n_ignored} other cells listed in {IGNORED_FILE}"
        + (" (illustrative data)" if run.illustrative else "")
    )
    if not run.ok:
        failed = [f.file for f in run.files if f.error]
        log(f"workshops: {len(failed)} file(s) could not be read: {', '.join(failed)}")
    return run.ok
