"""Pandera schema of the cleaned survey (``survey_responses``), built from the codebook.

``validate_responses(df)`` raises ``AnalysisError`` (naming the column and the
first bad values) when the cleaning produced something the codebook does not
allow — a bug guard, since the cleaning already maps every answer through the
codebook.
"""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from analysis.errors import AnalysisError
from analysis.survey.codebook import Codebook, load_codebook


def responses_schema(codebook: Codebook | None = None) -> pa.DataFrameSchema:
    """The schema: one column per question with its allowed codes or range, plus the derived columns."""

    cb = codebook or load_codebook()
    cols: dict[str, pa.Column] = {
        "respondent_id": pa.Column(str, pa.Check.str_matches(r"^r[0-9a-f]{12}$"), unique=True),
        "source_file": pa.Column(str),
        "source_row": pa.Column(int, pa.Check.ge(1)),
        "age_band": pa.Column(str, pa.Check.isin(cb.band_labels()), nullable=True),
        "flags": pa.Column(str),
        "straight_lining": pa.Column(bool),
        "in_scope": pa.Column(bool),
        "weight": pa.Column(float, pa.Check.gt(0), nullable=True, required=False),
    }
    for q in cb.questions:
        if q.type in ("likert", "scale"):
            cols[q.id] = pa.Column("Int64", pa.Check.in_range(q.min, q.max), nullable=True)
        elif q.type == "number":
            cols[q.id] = pa.Column("Int64", nullable=True)
        elif q.type == "single":
            cols[q.id] = pa.Column(str, pa.Check.isin(q.codes), nullable=True)
        elif q.type == "multiple":
            allowed = set(q.codes)
            cols[q.id] = pa.Column(
                str,
                pa.Check(
                    lambda s, a=allowed: s.str.split(";").map(lambda parts: set(parts) <= a),
                    element_wise=False,
                    name="codes in codebook",
                ),
                nullable=True,
            )
        else:
            cols[q.id] = pa.Column(str, nullable=True)
    return pa.DataFrameSchema(cols, strict=False, coerce=False)


def validate_responses(df: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """Validate ``df`` against :func:`responses_schema`; returns it unchanged or raises ``AnalysisError``."""

    if len(df) == 0:
        return df
    try:
        return responses_schema(codebook).validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(5)
        detail = "; ".join(f"{r.column}: {r.check} ({r.failure_case!r})" for r in cases.itertuples())
        raise AnalysisError(f"the cleaned survey does not match the codebook (a bug; report it): {detail}") from exc


def invalid_rows(df: pd.DataFrame, codebook: Codebook | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``df`` into the rows that pass :func:`responses_schema` and rejects for those that do not.

    A row that fails is listed (file, row, the check and column) and left out — never a traceback, and
    the other rows are kept. A failure of the whole table (a missing column: a bug) raises
    :class:`AnalysisError` naming the check. Returns ``(valid rows, rejects)``.
    """
    columns = ["file", "row", "column", "value", "reason"]
    if len(df) == 0:
        return df, pd.DataFrame(columns=columns)
    try:
        responses_schema(codebook).validate(df, lazy=True)
        return df, pd.DataFrame(columns=columns)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    whole = cases[cases["index"].isna()]
    if len(whole):
        detail = "; ".join(f"{r.column}: {r.check}" for r in whole.head(3).itertuples())
        raise AnalysisError(f"the cleaned survey fails a check of the whole table (a bug; report it): {detail}")
    why: dict[int, str] = {}
    for r in cases.itertuples():
        why.setdefault(
            int(r.index),
            f"failed the final check '{r.check}' in column {r.column} (value {r.failure_case!r}); row left out",
        )
    bad = df.loc[sorted(why)]
    rejects = pd.DataFrame(
        {
            "file": bad["source_file"].astype(str).tolist(),
            "row": bad["source_row"].astype("int64").tolist(),
            "column": "",
            "value": "",
            "reason": [why[i] for i in bad.index],
        },
        columns=columns,
    )
    return df.drop(index=list(why)).reset_index(drop=True), rejects
