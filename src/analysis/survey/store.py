"""Where the cleaned survey lives, and how reports read it.

``analysis clean`` (:mod:`analysis.survey.pipeline`) writes ``survey_responses.parquet`` (one row per
respondent, weighted), ``survey_items.parquet`` (long form), ``survey_rejects.csv`` and
``survey_manifest.json``; :func:`load_survey` reads them back. This module does not import the
cleaning's libraries (openpyxl, pandera), so a report that reads the survey stays light.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import lineage, paths
from analysis.errors import AnalysisError
from analysis.survey.codebook import load_codebook

RESPONSES_FILE = "survey_responses.parquet"


ITEMS_FILE = "survey_items.parquet"


REJECTS_FILE = "survey_rejects.csv"


MANIFEST_FILE = "survey_manifest.json"


@dataclass
class Survey:
    """The processed survey: responses, long-form items, rejects and the manifest."""

    responses: pd.DataFrame
    items: pd.DataFrame
    rejects: pd.DataFrame
    manifest: dict


def to_items(responses: pd.DataFrame, codebook=None) -> pd.DataFrame:
    """Long form of the closed questions: ``respondent_id, question, type, code, value, label``.

    One row per respondent and answered question; a multiple-choice question
    gives one row per option chosen. ``value`` is the numeric code of Likert,
    0–10 and number questions (else missing). Free text is not included.
    """

    cb = codebook or load_codebook()
    parts = []
    for q in cb.questions:
        if q.type == "text" or q.id not in responses:
            continue
        col = responses[q.id]
        sel = col.notna().to_numpy()
        ids = responses["respondent_id"].to_numpy(dtype=object)[sel]
        vals = col[sel]
        if q.type == "multiple":
            split = vals.astype(str).str.split(";")
            lens = split.str.len().to_numpy()
            ids = np.repeat(ids, lens)
            codes = np.concatenate(split.to_list()) if len(split) else np.array([], dtype=object)
            numeric = np.full(len(codes), np.nan)
        elif q.type in ("likert", "scale", "number"):
            numeric = vals.astype(float).to_numpy()
            codes = np.array([str(int(v)) for v in numeric], dtype=object)
        else:
            codes = vals.astype(str).to_numpy(dtype=object)
            numeric = np.full(len(codes), np.nan)
        labels = q.labels()
        lab = np.array([labels.get(int(c) if q.type in ("likert", "scale") else c, c) for c in codes], dtype=object)
        parts.append(
            pd.DataFrame(
                {"respondent_id": ids, "question": q.id, "type": q.type, "code": codes, "value": numeric, "label": lab}
            )
        )
    if not parts:
        return pd.DataFrame(columns=["respondent_id", "question", "type", "code", "value", "label"])
    out = pd.concat(parts, ignore_index=True)
    for c in ("respondent_id", "question", "type", "code", "label"):
        out[c] = out[c].astype("string")
    return out


def load_survey(processed_dir: str | Path | None = None) -> Survey:
    """The processed survey (``run_clean``'s outputs); raises ``AnalysisError`` saying to run
    ``analysis clean`` when they are missing."""

    folder = Path(processed_dir) if processed_dir is not None else paths.processed_dir()
    resp = folder / RESPONSES_FILE
    for name in (RESPONSES_FILE, ITEMS_FILE, REJECTS_FILE, MANIFEST_FILE):
        lineage.record(folder / name)
    if not resp.is_file():
        raise AnalysisError("the survey has not been cleaned yet: run `analysis clean`", file=resp)
    manifest_path = folder / MANIFEST_FILE
    return Survey(
        responses=pd.read_parquet(resp),
        items=pd.read_parquet(folder / ITEMS_FILE)
        if (folder / ITEMS_FILE).is_file()
        else to_items(pd.read_parquet(resp)),
        rejects=pd.read_csv(folder / REJECTS_FILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if (folder / REJECTS_FILE).is_file()
        else pd.DataFrame(),
        manifest=json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {},
    )
