"""pandera schemas for the processed workshop tables."""

from __future__ import annotations

import re

import pandera.pandas as pa

from analysis import vocab
from analysis.profile import Profile, load_profile
from analysis.themes import theme_labels
from analysis.workshops.cleaning import REJECT_COLUMNS, ROW_REJECTED, VALUE_EMPTIED

_ID = r"^w[0-9a-f]{16}$"


def _ids_ok(values) -> bool:
    return all(isinstance(t, tuple) and all(re.fullmatch(_ID, i) for i in t) for t in values)


def _links_ok(df) -> bool:
    counters = {(g, i) for g, i, k in zip(df["group"], df["statement_id"], df["kind"]) if k == "motkraft"}
    return all(
        (not a) or (k == "tiltak" and all((g, c) in counters for c in a))
        for g, k, a in zip(df["group"], df["kind"], df["answers"])
    )


def statements_schema(profile: Profile | None = None) -> pa.DataFrameSchema:
    """The ``statements`` table as :func:`analysis.workshops.store.load_statements` returns it.

    Groups and goals are the municipality's own (``profile``, default the project's profile).
    """
    profile = profile or load_profile()
    themes = set(theme_labels())
    scale = [pa.Check.in_range(1, 5)]
    return pa.DataFrameSchema(
        {
            "statement_id": pa.Column("string", pa.Check.str_matches(_ID), unique=True),
            "source": pa.Column("string", pa.Check.isin(vocab.SOURCES)),
            "group": pa.Column("string", pa.Check.isin(profile.group_ids)),
            "date": pa.Column("datetime64[ms]", nullable=True),
            "goal": pa.Column("string", pa.Check.isin(profile.goal_ids), nullable=True),
            "delmal": pa.Column("string", nullable=True),
            "kind": pa.Column("string", pa.Check.isin(vocab.KINDS)),
            "text": pa.Column("string", pa.Check.str_length(min_value=1)),
            "text_raw": pa.Column("string"),
            "strength": pa.Column("Int64", scale, nullable=True),
            "pavirkbar": pa.Column("Int64", scale, nullable=True),
            "votes": pa.Column("Int64", pa.Check.ge(0), nullable=True),
            "themes": pa.Column(
                object,
                pa.Check(
                    lambda s: s.map(lambda t: isinstance(t, tuple) and set(t) <= themes and list(t) == sorted(t)),
                    element_wise=False,
                    name="themes are sorted codebook ids",
                ),
            ),
            "answers": pa.Column(object, pa.Check(lambda s: _ids_ok(s), name="linked counter-force ids")),
            "merged_ids": pa.Column(object, pa.Check(lambda s: _ids_ok(s), name="merged ids")),
            "n_sources": pa.Column("int64", pa.Check.ge(1)),
            "source_file": pa.Column("string"),
            "source_sheet": pa.Column("string"),
            "source_row": pa.Column("int64", pa.Check.ge(1)),
        },
        strict=True,
        ordered=True,
        checks=[
            pa.Check(lambda df: ~df["text"].str.lstrip().str.startswith("="), name="no formulas"),
            pa.Check(_links_ok, element_wise=False, name="measures link to counter-forces of their own group"),
        ],
    )


def rejects_schema() -> pa.DataFrameSchema:
    """The rejects table: one row per rejected input row, and one per value left empty in a kept statement."""
    return pa.DataFrameSchema(
        {
            "file": pa.Column(str),
            "sheet": pa.Column(str),
            "row": pa.Column("int64", pa.Check.ge(1)),
            "column": pa.Column(str),
            "value": pa.Column(str),
            "reason": pa.Column(str, pa.Check.str_length(min_value=1)),
            "action": pa.Column(str, pa.Check.isin([ROW_REJECTED, VALUE_EMPTIED])),
        },
        strict=True,
        ordered=True,
    )


assert list(rejects_schema().columns) == REJECT_COLUMNS
