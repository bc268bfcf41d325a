"""Explicit links between measures (tiltak) and the counter-forces (motkrefter) they answer.

A measure names the counter-force(s) it answers in the notes' column «Svarer på motkraft»
(the template's drop-down writes ``"7: Mangel på utleieboliger"``), by

* **row number** — the row where the counter-force stands in the same sheet (``7``, ``rad 7``,
  ``7, 12``, ``7 og 12``, or the drop-down's ``7: text``);
* **text** — the counter-force as written (``Mangel på utleieboliger``); several separated by ``;``.
  Texts are matched within the measure's group, ignoring case and punctuation, and allowing small
  typos (rapidfuzz ratio ≥ :data:`TEXT_MATCH_THRESHOLD`).

An analyst confirms or adds links in one small file, ``data/raw/workshops/links.yaml``
(:data:`LINKS_FILE_NAME`), which the cleaning reads and never writes; raw notes are never edited.

Theme overlap is **not** a link: :func:`theme_suggestions` lists measure × counter-force pairs of
one group that share a theme but are not linked, for the analyst to check.

Every link value that cannot be resolved is reported (file, sheet, row, value, reason) in
``statements_links.csv`` beside the links themselves; the statement is kept either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from rapidfuzz import fuzz, process

from analysis import lineage
from analysis.errors import AnalysisError
from analysis.fileio import load_yaml

LINKS_FILE_NAME = "links.yaml"
#: rapidfuzz ``fuzz.ratio`` (0–100) on folded text at or above which a typed text names a counter-force
TEXT_MATCH_THRESHOLD = 85
#: At most this many theme suggestions per measure (strongest counter-forces first).
MAX_SUGGESTIONS = 5

REPORT_COLUMNS = [
    "group",
    "measure_id",
    "measure",
    "counterforce_id",
    "counterforce",
    "source",
    "status",
    "value",
    "file",
    "sheet",
    "row",
    "reason",
]
#: ``status`` values of the link report
LINKED, NOT_FOUND, SUGGESTION, IGNORED = "kobling", "ikke funnet", "forslag (felles tema) – sjekk", "ikke brukt"
_ID = re.compile(r"^w[0-9a-f]{16}$")
_NUMBERS = re.compile(
    r"^\s*(?:(?:rad|nr|row|#)\.?\s*)?\d+(?:\s*(?:[,;/&+]|og|and)\s*(?:(?:rad|nr|row|#)\.?\s*)?\d+)*\s*$", re.I
)
_NUMBER = re.compile(r"\d+")
_DROPDOWN = re.compile(r"^\s*(?:(?:rad|nr|row)\.?\s*)?(\d+)\s*[:.)–-]\s+\S")
_PARTS = re.compile(r"\s*(?:[;\n|•]|\s\|\s)\s*")
_FOLD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Comparison form of a text: lower case, words only.

    >>> fold("  Mangel på UTLEIEBOLIGER! ")
    'mangel på utleieboliger'
    """
    return " ".join(_FOLD.sub(" ", str(text).casefold()).split())


def parse_link_value(value: str) -> list[tuple[str, str]]:
    """The references in one link cell: ``("row", "7")`` or ``("text", "...")`` items, in order.

    >>> parse_link_value("7, 12 og rad 15")
    [('row', '7'), ('row', '12'), ('row', '15')]
    >>> parse_link_value("7: Mangel på utleieboliger; Lite kollektivtransport, særlig om kvelden")
    [('row', '7'), ('text', 'Lite kollektivtransport, særlig om kvelden')]
    >>> parse_link_value("")
    []
    """
    text = str(value or "").strip()
    if not text:
        return []
    if _NUMBERS.match(text):
        return [("row", n) for n in _NUMBER.findall(text)]
    out: list[tuple[str, str]] = []
    for part in _PARTS.split(text):
        part = part.strip()
        if not part:
            continue
        m = _DROPDOWN.match(part)
        if m:
            out.append(("row", m.group(1)))
        elif _NUMBERS.match(part):
            out.extend(("row", n) for n in _NUMBER.findall(part))
        else:
            out.append(("text", part))
    return out


def _match_text(value: str, candidates: pd.DataFrame) -> list[str]:
    """Ids of the counter-forces in ``candidates`` (``statement_id``, ``_fold``) that ``value`` names."""
    if candidates.empty:
        return []
    if _ID.match(value.strip()):
        return [value.strip()] if value.strip() in set(candidates["statement_id"]) else []
    key = fold(value)
    exact = candidates.loc[candidates["_fold"] == key, "statement_id"].tolist()
    if exact:
        return exact
    folds = candidates["_fold"].tolist()
    best = process.extractOne(key, folds, scorer=fuzz.ratio, score_cutoff=TEXT_MATCH_THRESHOLD)
    if best is None:
        return []
    return candidates.loc[candidates["_fold"] == best[0], "statement_id"].tolist()


def _report(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    for col in REPORT_COLUMNS:
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "")
    return frame


def resolve_cells(rows: pd.DataFrame) -> tuple[list[tuple[str, ...]], pd.DataFrame]:
    """Resolve the link cells of cleaned input rows (before near-duplicates are merged).

    ``rows`` has one row per statement as typed, with ``statement_id, group, kind, text,
    source_file, source_sheet, source_row, answers`` (``answers``: the link cell as typed).
    Returns the counter-force ids each row answers (``()`` for rows without links and for
    non-measures) and the link report (:data:`REPORT_COLUMNS`): one row per link and per value
    that could not be used. Does not mutate ``rows``.
    """
    n = len(rows)
    out: list[tuple[str, ...]] = [() for _ in range(n)]
    report: list[dict] = []
    if n == 0 or "answers" not in rows.columns:
        return out, _report(report)
    values = rows["answers"].fillna("").astype(str).to_numpy(dtype=object)
    todo = [i for i in range(n) if values[i].strip()]
    if not todo:
        return out, _report(report)
    counters = rows.loc[rows["kind"].to_numpy() == "motkraft", ["statement_id", "group", "text"]].assign(
        _fold=lambda d: d["text"].map(fold),
        _file=rows.loc[rows["kind"].to_numpy() == "motkraft", "source_file"].to_numpy(),
        _sheet=rows.loc[rows["kind"].to_numpy() == "motkraft", "source_sheet"].to_numpy(),
        _row=rows.loc[rows["kind"].to_numpy() == "motkraft", "source_row"].to_numpy(),
    )
    by_group = {g: c for g, c in counters.groupby("group", sort=False)}
    text_of = dict(zip(counters["statement_id"], counters["text"]))
    cols = {c: rows[c].to_numpy(dtype=object) for c in ("statement_id", "group", "kind", "text")}
    where = {c: rows[c].to_numpy(dtype=object) for c in ("source_file", "source_sheet", "source_row")}
    everything = rows[["source_file", "source_sheet", "source_row", "kind"]]
    for i in todo:
        base = {
            "group": cols["group"][i],
            "measure_id": cols["statement_id"][i],
            "measure": cols["text"][i],
            "source": "notater",
            "value": values[i],
            "file": where["source_file"][i],
            "sheet": where["source_sheet"][i],
            "row": where["source_row"][i],
        }
        if cols["kind"][i] != "tiltak":
            report.append({**base, "status": IGNORED, "reason": "only a measure (tiltak) answers counter-forces"})
            continue
        own = by_group.get(cols["group"][i], counters.iloc[:0])
        found: list[str] = []
        for how, ref in parse_link_value(values[i]):
            if how == "row":
                r = int(ref)
                same = own.loc[(own["_file"] == base["file"]) & (own["_row"] == r)]
                here = same.loc[same["_sheet"] == base["sheet"]]
                hits = (here if len(here) else same)["statement_id"].tolist()
                if len(hits) != 1 or (not len(here) and len(same) > 1):
                    typed = everything.loc[
                        (everything["source_file"] == base["file"])
                        & (everything["source_sheet"] == base["sheet"])
                        & (everything["source_row"] == r),
                        "kind",
                    ].tolist()
                    why = (
                        f"row {r} is a {typed[0]}, not a motkraft"
                        if typed
                        else f"no counter-force of the group in row {r} of this sheet"
                    )
                    report.append({**base, "status": NOT_FOUND, "reason": why, "value": ref})
                    continue
            else:
                hits = _match_text(ref, own)
                if not hits:
                    report.append(
                        {
                            **base,
                            "status": NOT_FOUND,
                            "value": ref,
                            "reason": "no counter-force of the group reads like this (check the spelling)",
                        }
                    )
                    continue
            found.extend(h for h in hits if h not in found)
        out[i] = tuple(found)
        for cid in found:
            report.append(
                {**base, "counterforce_id": cid, "counterforce": text_of[cid], "status": LINKED, "reason": ""}
            )
    return out, _report(report)


def merge_answers(values: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """The union of several rows' links, in first-seen order (for merged near-duplicates)."""
    out: list[str] = []
    for v in values:
        for cid in v or ():
            if cid not in out:
                out.append(cid)
    return tuple(out)


def remap_ids(answers: Iterable[tuple[str, ...]], rep_of: dict[str, str]) -> list[tuple[str, ...]]:
    """Replace ids of merged statements by the id of the statement they were merged into."""
    return [merge_answers([tuple(rep_of.get(c, c) for c in a)]) for a in answers]


def read_link_file(path: Path) -> list[dict]:
    """The analyst's link entries (``[]`` when the file does not exist); raises AnalysisError when malformed."""
    path = Path(path)
    lineage.record(path)
    if not path.is_file():
        return []
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise AnalysisError(f"could not read the links file: {exc}", file=path) from exc
    entries = data.get("links") if isinstance(data, dict) else None
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise AnalysisError("'links' must be a list of entries (measure, answers)", file=path)
    out = []
    for k, e in enumerate(entries, start=1):
        if not isinstance(e, dict) or not str(e.get("measure") or "").strip():
            raise AnalysisError(f"link entry {k} needs 'measure' (the measure's text or id)", file=path)
        answers = e.get("answers", [])
        answers = [answers] if isinstance(answers, str) else list(answers or [])
        out.append(
            {
                "entry": k,
                "group": str(e["group"]).strip() if e.get("group") else None,
                "measure": str(e["measure"]).strip(),
                "answers": [str(a).strip() for a in answers if str(a).strip()],
                "replace": bool(e.get("replace", False)),
            }
        )
    return out


def apply_link_file(statements: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add (or, with ``replace: true``, set) the links the analyst wrote in ``path``.

    An entry names a measure by text or id (optionally only in one ``group``) and the
    counter-forces it answers by text or id, within the measure's group. Returns the
    statements with ``answers`` updated (a copy) and the report of the file's links and
    problems (:data:`REPORT_COLUMNS`). A missing file changes nothing.
    """
    entries = read_link_file(path)
    report: list[dict] = []
    if not entries:
        return statements, _report(report)
    out = statements.copy()
    answers = list(out["answers"]) if "answers" in out.columns else [() for _ in range(len(out))]
    kinds = out["kind"].astype(str).to_numpy()
    groups = out["group"].astype(str).to_numpy()
    ids = out["statement_id"].astype(str).to_numpy()
    folds = np.array([fold(t) for t in out["text"].astype(str)], dtype=object)
    counters = pd.DataFrame(
        {
            "statement_id": ids[kinds == "motkraft"],
            "group": groups[kinds == "motkraft"],
            "_fold": folds[kinds == "motkraft"],
        }
    )
    text_of = dict(zip(ids, out["text"].astype(str)))
    name = Path(path).name
    for e in entries:
        base = {"source": "koblingsfil", "file": name, "sheet": "", "row": e["entry"], "value": e["measure"]}
        is_measure = kinds == "tiltak"
        if e["group"]:
            is_measure &= groups == e["group"]
        sel = np.flatnonzero(is_measure & ((ids == e["measure"]) | (folds == fold(e["measure"]))))
        if not len(sel):
            report.append(
                {
                    **base,
                    "group": e["group"] or "",
                    "status": NOT_FOUND,
                    "reason": "no measure (tiltak) reads like this",
                }
            )
            continue
        for i in sel:
            own = counters.loc[counters["group"] == groups[i]]
            found: list[str] = [] if e["replace"] else list(answers[i] or ())
            for ref in e["answers"]:
                hits = _match_text(ref, own)
                if not hits:
                    report.append(
                        {
                            **base,
                            "group": groups[i],
                            "measure_id": ids[i],
                            "measure": text_of[ids[i]],
                            "value": ref,
                            "status": NOT_FOUND,
                            "reason": "no counter-force of the group reads like this",
                        }
                    )
                    continue
                for cid in hits:
                    if cid not in found:
                        found.append(cid)
                    report.append(
                        {
                            **base,
                            "group": groups[i],
                            "measure_id": ids[i],
                            "measure": text_of[ids[i]],
                            "counterforce_id": cid,
                            "counterforce": text_of[cid],
                            "value": ref,
                            "status": LINKED,
                            "reason": "",
                        }
                    )
            answers[i] = tuple(found)
    out["answers"] = pd.Series(answers, index=out.index, dtype=object)
    return out, _report(report)


def theme_suggestions(statements: pd.DataFrame, max_per_measure: int = MAX_SUGGESTIONS) -> pd.DataFrame:
    """Measure × counter-force pairs of one group that share a theme but are not linked: suggestions to check.

    Never links: they do not count for coverage, the matrix or the priority score. At most
    ``max_per_measure`` per measure, the strongest counter-forces first (then by text), so a group
    with thousands of statements gets a list an analyst can read, not every pair.
    Columns as the link report (:data:`REPORT_COLUMNS`), ``status`` = :data:`SUGGESTION`.
    """
    rows: list[dict] = []
    if statements.empty:
        return _report(rows)
    kinds = statements["kind"].astype(str).to_numpy()
    m = statements.loc[kinds == "tiltak"]
    c = statements.loc[kinds == "motkraft"]
    strength = pd.to_numeric(c["strength"], errors="coerce").astype(float)
    c = c.assign(_s=-strength).sort_values(["_s", "text"], na_position="last", kind="stable")
    c_by = {}
    for cid, g, t, themes in zip(c["statement_id"], c["group"], c["text"], c["themes"]):
        for th in themes or ():
            c_by.setdefault((g, th), []).append((cid, t))
    for mid, g, t, themes, ans in zip(m["statement_id"], m["group"], m["text"], m["themes"], m["answers"]):
        seen = set(ans or ())
        found = 0
        for th in themes or ():
            for cid, ct in c_by.get((g, th), []):
                if found >= max_per_measure:
                    break
                if cid in seen:
                    continue
                seen.add(cid)
                found += 1
                rows.append(
                    {
                        "group": g,
                        "measure_id": mid,
                        "measure": t,
                        "counterforce_id": cid,
                        "counterforce": ct,
                        "source": "tema",
                        "status": SUGGESTION,
                        "reason": f"same theme: {th}",
                    }
                )
    return _report(rows)
