"""Shared helpers for the workshop tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.workshops.cleaning import clean_records
from analysis.workshops.mappings import load_mappings
from analysis.workshops.readers import RECORD_FIELDS, read_file, records_frame, tables_frame

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "workshops"


def read_one(path: Path):
    """Read a single file the way ``analysis clean`` does."""
    return read_file(path, path.name, load_mappings())


def clean_file(path: Path):
    fr = read_one(path)
    assert fr.error is None, fr.error
    return clean_records(tables_frame(fr.tables))


def raw_frame(rows: list[dict]) -> pd.DataFrame:
    """Input records from short dicts (missing fields blank)."""
    recs = []
    for i, r in enumerate(rows):
        rec = {f: "" for f in RECORD_FIELDS}
        rec.update({k: ("" if v is None else str(v)) for k, v in r.items()})
        rec.setdefault("file", "t.csv")
        rec.setdefault("sheet", "")
        rec.setdefault("row", i + 2)
        rec["_col"] = "Tekst"
        recs.append(rec)
    return records_frame(recs)
