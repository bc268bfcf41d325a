"""``analysis clean`` for the survey, and the loader reports use.

* :func:`run_clean` — read every export in ``data_dir/raw/survey/``, write
  ``survey_responses.parquet`` (one row per respondent, weighted),
  ``survey_items.parquet`` (long form), ``survey_rejects.csv`` and
  ``survey_manifest.json`` into ``processed_dir``;
* :func:`load_survey` — read them back for a notebook.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis.errors import AnalysisError
from analysis.fileio import atomic_path, atomic_write_text, file_hash, safe_csv_text
from analysis.population import snapshot
from analysis.profile import load_profile
from analysis.survey.cleaning import REJECT_COLUMNS, REQUIRED_QUESTIONS, finish, parse_export
from analysis.survey.codebook import load_codebook
from analysis.survey.readers import SUPPORTED_SUFFIXES, check_duplicate_headers, read_export
from analysis.survey.schema import invalid_rows
from analysis.survey.store import ITEMS_FILE, MANIFEST_FILE, REJECTS_FILE, RESPONSES_FILE, to_items
from analysis.survey.weights import read_population_targets, weight_responses

IGNORED_SUFFIXES = (".md", ".gitkeep")


def clean_files(paths: list[Path], log: Callable[[str], None] = lambda _m: None, codebook=None):
    """Read and clean export files. Returns ``(responses, rejects, file_info, ok)``.

    A file that cannot be read at all is reported in ``file_info`` (``error``) and makes ``ok``
    False; so does a file without a column for a question every respondent needs (status, age). The
    other files are still cleaned. ``file_info`` counts each file's cells: ``cells.in`` (non-empty),
    ``cells.response`` (answers used), ``cells.rejected`` (in the rejects) and ``cells.ignored``
    (titles, headers, columns not used) — they add up.
    """

    cb = codebook or load_codebook()
    ok = True
    parsed, cell_rejects, info = [], [], []
    for path in paths:
        entry: dict = {"file": path.name, "hash": file_hash(path)}
        try:
            raw = read_export(path, cb)
            check_duplicate_headers(raw, cb)
            p = parse_export(raw, cb, file=path.name)
        except AnalysisError as exc:
            ok = False
            entry["error"] = str(exc)
            log(f"survey: could not read {path.name}: {exc.message}")
            info.append(entry)
            continue
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the others; named, not a traceback
            ok = False
            entry["error"] = (
                f"{path.name}: could not be read ({type(exc).__name__}: {exc}); the other files were cleaned"
            )
            log(f"survey: could not read {path.name}: {type(exc).__name__}: {exc}")
            info.append(entry)
            continue
        missing_required = [q for q in REQUIRED_QUESTIONS if q in p.missing_questions]
        entry.update(
            encoding=raw.attrs.get("encoding"),
            delimiter=raw.attrs.get("delimiter"),
            sheet=raw.attrs.get("sheet"),
            rows=len(raw),
            matched_questions=len(p.columns),
            missing_questions=p.missing_questions,
            ignored_columns=[{"header": c, "cells": p.ignored_cells.get(str(c), 0)} for c in p.ignored_columns],
            _cells_in=int(raw.attrs.get("cells_in", 0)),
            _cells_ignored=int(raw.attrs.get("cells_ignored", 0)) + sum(p.ignored_cells.values()),
        )
        if p.uncertain_columns:
            entry["uncertain_columns"] = p.uncertain_columns
        if p.implied:
            entry["implied"] = p.implied
        if raw.attrs.get("duplicate_headers"):
            entry["duplicate_headers"] = [h for h, _ in raw.attrs["duplicate_headers"]]
        if raw.attrs.get("notes"):
            entry["notes"] = raw.attrs["notes"]
        log(
            f"survey: read {path.name} ({len(raw)} rows, {len(p.columns)} questions"
            + (f", {raw.attrs['encoding']}" if raw.attrs.get("encoding") else "")
            + ")"
        )
        for u in p.uncertain_columns:
            log(f"survey: warning: {path.name}: column '{u['header']}' read as {u['read_as']} ({u['why']}); check it")
        for qid, how in p.implied.items():
            log(f"survey: warning: {path.name}: no column for {qid}; read as {how}")
        for c in entry["ignored_columns"]:
            if c["cells"]:
                log(
                    f"survey: note: {path.name}: column '{c['header']}' not recognised: {c['cells']} answer(s) not used"
                )
        if missing_required:
            ok = False
            names = ", ".join(f"{q} ({cb[q].short})" for q in missing_required)
            entry["error_missing"] = (
                f"no column for {names}: the {len(raw)} respondents in this file cannot be counted in scope or "
                "weighted; add the column, or its header to the codebook's aliases, and run again"
            )
            log(f"survey: error: {path.name}: {entry['error_missing']}")
        parsed.append(p.frame)
        cell_rejects.extend(p.rejects)
        info.append(entry)
    if parsed:
        frame = pd.concat(parsed, ignore_index=True)
    else:
        frame = pd.DataFrame(columns=["source_file", "source_row", "submission_id", *cb.ids])
    used = frame[["source_file", "source_row", "_used_cells"]].copy() if "_used_cells" in frame else None
    responses, row_rejects = finish(frame, cb)
    rejects = pd.concat([pd.DataFrame(cell_rejects, columns=REJECT_COLUMNS), row_rejects], ignore_index=True)
    rejects["row"] = rejects["row"].astype("int64")
    responses, schema_rejects = invalid_rows(responses, cb)
    if len(schema_rejects):
        rejects = pd.concat([rejects, schema_rejects], ignore_index=True)
        log(f"survey: {len(schema_rejects)} row(s) failed the final check and were moved to the rejects")
    rejects = rejects.sort_values(["file", "row", "column"], kind="stable").reset_index(drop=True)
    _count_cells(info, used, responses, rejects)
    return responses, rejects, info, ok


def _count_cells(info: list[dict], used, responses, rejects) -> None:
    """Cells per file: answers used, rejected (whole rows and single answers) and ignored."""
    kept = set(zip(responses["source_file"].tolist(), responses["source_row"].astype(int).tolist()))
    row_level = rejects["column"].fillna("").eq("")
    cell_level = rejects.loc[~row_level]
    for entry in info:
        if "_cells_in" not in entry:
            continue
        name = entry["file"]
        mine = used[used["source_file"] == name] if used is not None else None
        total_used = int(mine["_used_cells"].sum()) if mine is not None else 0
        kept_used = (
            int(
                sum(
                    n
                    for r, n in zip(mine["source_row"].astype(int).tolist(), mine["_used_cells"].tolist())
                    if (name, r) in kept
                )
            )
            if mine is not None
            else 0
        )
        answers_rejected = int(
            sum(1 for f, r in zip(cell_level["file"], cell_level["row"].astype(int)) if f == name and (f, r) in kept)
        )
        cells = {
            "in": entry.pop("_cells_in"),
            "response": kept_used - answers_rejected,
            "rejected": (total_used - kept_used) + answers_rejected,
            "ignored": entry.pop("_cells_ignored"),
        }
        entry["cells"] = cells


def _write_outputs(processed_dir: Path, responses, items, rejects, manifest: dict) -> None:

    processed_dir.mkdir(parents=True, exist_ok=True)
    for frame, name in ((responses, RESPONSES_FILE), (items, ITEMS_FILE)):
        with atomic_path(processed_dir / name) as tmp:
            frame.to_parquet(tmp, index=False)
    atomic_write_text(
        processed_dir / REJECTS_FILE, safe_csv_text(rejects, index=False, lineterminator="\n"), encoding="utf-8-sig"
    )
    atomic_write_text(
        processed_dir / MANIFEST_FILE, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )


def run_clean(data_dir: Path, processed_dir: Path, log: Callable[[str], None]) -> bool:
    """Clean every survey export in ``data_dir/raw/survey/`` into ``processed_dir``.

    Writes the four outputs (atomically, deterministic content) and returns
    False when some file could not be read at all (the others are still
    processed). Weights need SSB population data (``ANALYSIS_SSB_DIR``); when
    it is missing the weights are left empty and a warning is logged.
    """

    data_dir, processed_dir = Path(data_dir), Path(processed_dir)
    cb = load_codebook()
    region = load_profile().kommune.number
    folder = data_dir / "raw" / "survey"
    ok = True
    files: list[Path] = []
    skipped: list[str] = []
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if not p.is_file() or p.name.startswith(".") or p.name.startswith("~$"):
                continue
            if p.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(p)
            elif p.suffix.lower() not in IGNORED_SUFFIXES:
                skipped.append(p.name)
                ok = False
                log(f"survey: could not read {p.name}: unsupported file type (save the export as CSV or .xlsx)")
    if not files:
        log(f"survey: no exports in {folder}")
    responses, rejects, info, files_ok = clean_files(files, log, cb)
    ok = ok and files_ok
    weighting: dict = {}
    responses["weight"] = float("nan")
    if len(responses):
        try:
            targets, year = read_population_targets(region, codebook=cb)
            responses, winfo = weight_responses(responses, targets, region=region, year=year)
            weighting = winfo.to_dict()
            log(
                f"survey: weighted {winfo.n_weighted} residents to SSB {year} "
                f"(effective n {winfo.effective_n:.1f}, design effect {winfo.design_effect:.2f})"
            )
        except AnalysisError as exc:
            missing = snapshot.availability_message(region)
            weighting = {"error": str(exc), "reason": "no_population" if missing else "not_weighted"}
            log(f"survey: warning: no weights ({exc})")

    items = to_items(responses, cb)
    flags = responses["flags"].fillna("").astype(str).str.split(";").explode()
    flags = flags[flags != ""]
    row_level = rejects["column"].fillna("").eq("")
    manifest = {
        "codebook": {"id": cb.id, "questions": len(cb.questions)},
        "files": info + [{"file": s, "error": "unsupported file type"} for s in skipped],
        "rows_in": int(sum(e.get("rows", 0) for e in info)),
        "cells": {
            k: int(sum(e["cells"][k] for e in info if "cells" in e)) for k in ("in", "response", "rejected", "ignored")
        },
        "cells_invariant": "cells.in = cells.response + cells.rejected + cells.ignored (per file and in total)",
        "rows_clean": int(len(responses)),
        "rows_rejected": int(row_level.sum()),
        "cells_rejected": int((~row_level).sum()),
        "flags": {k: int(v) for k, v in sorted(flags.value_counts().items())},
        "in_scope": int(responses["in_scope"].sum()) if len(responses) else 0,
        "residents": int(responses["status"].eq("resident").fillna(False).sum()) if len(responses) else 0,
        "out_movers": int(responses["status"].eq("out_mover").fillna(False).sum()) if len(responses) else 0,
        "weighting": weighting,
        "illustrative": (folder / "README.md").is_file()
        and "illustrative" in (folder / "README.md").read_text("utf-8").lower(),
    }
    if manifest["rows_in"] != manifest["rows_clean"] + manifest["rows_rejected"]:  # pragma: no cover (invariant)
        raise AnalysisError("survey cleaning lost rows: rows_in != rows_clean + rows_rejected (a bug; report it)")
    _write_outputs(processed_dir, responses, items, rejects, manifest)
    log(
        f"survey: {manifest['rows_clean']} responses, {manifest['rows_rejected']} rows rejected, "
        f"{manifest['cells_rejected']} answers rejected → {processed_dir}"
    )
    return ok
