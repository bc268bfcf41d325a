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
from analysis.fileio import atomic_path, atomic_write_text, file_hash
from analysis.population import snapshot
from analysis.profile import load_profile
from analysis.survey.cleaning import REJECT_COLUMNS, finish, parse_export
from analysis.survey.codebook import load_codebook
from analysis.survey.readers import SUPPORTED_SUFFIXES, read_export
from analysis.survey.schema import validate_responses
from analysis.survey.store import ITEMS_FILE, MANIFEST_FILE, REJECTS_FILE, RESPONSES_FILE, to_items
from analysis.survey.weights import read_population_targets, weight_responses

IGNORED_SUFFIXES = (".md", ".gitkeep")


def clean_files(paths: list[Path], log: Callable[[str], None] = lambda _m: None, codebook=None):
    """Read and clean export files. Returns ``(responses, rejects, file_info, ok)``.

    A file that cannot be read at all is reported in ``file_info`` (``error``)
    and makes ``ok`` False; the other files are still cleaned.
    """

    cb = codebook or load_codebook()
    ok = True
    parsed, cell_rejects, info = [], [], []
    for path in paths:
        entry: dict = {"file": path.name, "hash": file_hash(path)}
        try:
            raw = read_export(path)
            p = parse_export(raw, cb, file=path.name)
        except AnalysisError as exc:
            ok = False
            entry["error"] = str(exc)
            log(f"survey: could not read {path.name}: {exc.message}")
            info.append(entry)
            continue
        entry.update(
            encoding=raw.attrs.get("encoding"),
            delimiter=raw.attrs.get("delimiter"),
            sheet=raw.attrs.get("sheet"),
            rows=len(raw),
            matched_questions=len(p.columns),
            missing_questions=p.missing_questions,
            ignored_columns=p.ignored_columns,
        )
        log(
            f"survey: read {path.name} ({len(raw)} rows, {len(p.columns)} questions"
            + (f", {raw.attrs['encoding']}" if raw.attrs.get("encoding") else "")
            + ")"
        )
        parsed.append(p.frame)
        cell_rejects.extend(p.rejects)
        info.append(entry)
    if parsed:
        frame = pd.concat(parsed, ignore_index=True)
    else:
        frame = pd.DataFrame(columns=["source_file", "source_row", "submission_id", *cb.ids])
    responses, row_rejects = finish(frame, cb)
    rejects = pd.concat([pd.DataFrame(cell_rejects, columns=REJECT_COLUMNS), row_rejects], ignore_index=True)
    rejects["row"] = rejects["row"].astype("int64")
    rejects = rejects.sort_values(["file", "row", "column"], kind="stable").reset_index(drop=True)
    return responses, rejects, info, ok


def _write_outputs(processed_dir: Path, responses, items, rejects, manifest: dict) -> None:

    processed_dir.mkdir(parents=True, exist_ok=True)
    for frame, name in ((responses, RESPONSES_FILE), (items, ITEMS_FILE)):
        with atomic_path(processed_dir / name) as tmp:
            frame.to_parquet(tmp, index=False)
    atomic_write_text(
        processed_dir / REJECTS_FILE, rejects.to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig"
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

    validate_responses(responses, cb)
    items = to_items(responses, cb)
    flags = responses["flags"].fillna("").astype(str).str.split(";").explode()
    flags = flags[flags != ""]
    row_level = rejects["column"].fillna("").eq("")
    manifest = {
        "codebook": {"id": cb.id, "questions": len(cb.questions)},
        "files": info + [{"file": s, "error": "unsupported file type"} for s in skipped],
        "rows_in": int(sum(e.get("rows", 0) for e in info)),
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
