"""``analysis clean`` for workshop notes: read every raw file, clean, validate, write with lineage.

Outputs in the processed folder (all written atomically, byte-stable for the same input):

* ``statements.parquet`` — the tidy table (``themes`` and ``merged_ids`` stored as
  ``;``-joined text; :func:`load_statements` turns them into tuples);
* ``statements_rejects.csv`` — file, sheet, row, column, value, reason;
* ``statements_unthemed.csv`` — statements no theme matched, for the analyst;
* ``statements_manifest.json`` — files read, their hashes, rows in / clean / rejected / merged;
* ``statements_links.csv`` — the links between measures and counter-forces (notes and ``links.yaml``),
  link values that could not be used, and theme-overlap suggestions to check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.errors import AnalysisError
from analysis.fileio import atomic_path, atomic_write_text, file_hash
from analysis.workshops import links
from analysis.workshops.cleaning import CleanResult, clean_records
from analysis.workshops.mappings import PROJECT_MAPPINGS_NAME, load_mappings
from analysis.workshops.readers import FileResult, list_raw_files, read_file, tables_frame
from analysis.workshops.schema import rejects_schema, statements_schema
from analysis.workshops.store import (
    LINKS_FILE,
    MANIFEST_FILE,
    REJECTS_FILE,
    STATEMENTS_FILE,
    UNTHEMED_FILE,
    _to_storage,
)

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
            log(f"note: {note}")
        tables.extend(fr.tables)
    result = clean_records(tables_frame(tables), m)
    link_file = raw_dir / "workshops" / links.LINKS_FILE_NAME
    try:
        result.statements, file_links = links.apply_link_file(result.statements, link_file)
        result.links = pd.concat([result.links, file_links], ignore_index=True)
    except AnalysisError as exc:
        log(f"error: {exc}")
        files.append(FileResult(file=f"workshops/{links.LINKS_FILE_NAME}", error=str(exc)))
    return CleanRun(
        result=result,
        files=files,
        hashes=hashes,
        mapping_files=[
            Path(p).name if i == 0 else str(Path(p).relative_to(raw_dir.resolve())) for i, p in enumerate(m.sources)
        ],
        illustrative=(raw_dir / "workshops" / ILLUSTRATIVE_MARKER).is_file(),
    )


def manifest(run: CleanRun) -> dict:
    """The lineage record of one clean run (no clock time, so it is stable)."""
    res = run.result
    rej_per_file = res.rejects.groupby("file").size().to_dict() if len(res.rejects) else {}
    files = []
    for fr in run.files:
        entry = {
            "file": fr.file,
            "hash_blake2b": run.hashes.get(fr.file),
            "status": "error" if fr.error else "read",
        }
        if fr.error:
            entry["error"] = fr.error
        else:
            entry["encoding"] = fr.encoding
            entry["sheets"] = [{"sheet": t.sheet, "layout": t.layout, "rows_in": len(t)} for t in fr.tables]
            entry["rows_in"] = sum(len(t) for t in fr.tables)
            entry["rows_rejected"] = int(rej_per_file.get(fr.file, 0))
            if fr.notes:
                entry["notes"] = fr.notes
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
        "invariant": "rows_in = rows_clean + rows_rejected + rows_merged",
        "links": {
            "from_notes": int(((res.links["source"] == "notater") & (res.links["status"] == links.LINKED)).sum()),
            "from_links_file": int(
                ((res.links["source"] == "koblingsfil") & (res.links["status"] == links.LINKED)).sum()
            ),
            "not_found": int((res.links["status"] == links.NOT_FOUND).sum()),
            "measures_linked": int(sum(1 for a in res.statements["answers"] if a)),
        },
        "files": files,
    }


def write_outputs(run: CleanRun, processed_dir: Path) -> None:
    """Validate and write the four outputs atomically."""

    res = run.result
    if res.rows_in != res.rows_clean + res.rows_rejected + res.rows_merged:  # pragma: no cover (a bug)
        raise AssertionError("row accounting is broken")
    statements = statements_schema().validate(res.statements)
    rejects = rejects_schema().validate(
        res.rejects.astype({c: str for c in ("file", "sheet", "column", "value", "reason")})
    )
    processed_dir.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(_to_storage(statements), preserve_index=False)
    with atomic_path(processed_dir / STATEMENTS_FILE) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    atomic_write_text(processed_dir / REJECTS_FILE, rejects.to_csv(index=False, lineterminator="\n"))
    unthemed = statements.loc[
        [not t for t in statements["themes"]],
        ["statement_id", "group", "goal", "kind", "text", "source_file", "source_row"],
    ]
    atomic_write_text(processed_dir / UNTHEMED_FILE, unthemed.to_csv(index=False, lineterminator="\n"))
    report = pd.concat([res.links, links.theme_suggestions(statements)], ignore_index=True)
    atomic_write_text(processed_dir / LINKS_FILE, report.to_csv(index=False, lineterminator="\n"))
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
    log(
        f"workshops: {len(run.files)} files, {res.rows_in} rows in, {res.rows_clean} statements, "
        f"{res.rows_rejected} rejected, {res.rows_merged} merged" + (" (illustrative data)" if run.illustrative else "")
    )
    if not run.ok:
        failed = [f.file for f in run.files if f.error]
        log(f"workshops: {len(failed)} file(s) could not be read: {', '.join(failed)}")
    return run.ok
