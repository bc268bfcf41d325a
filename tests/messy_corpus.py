"""The messy corpus (tests/fixtures/messy/): run the readers on it and compare with what a careful human read.

``fixtures/messy/workshops/expected.yaml`` and ``fixtures/messy/survey/expected.yaml`` were written
from the files' point of view (see fixtures/messy/README.md), before and independently of the readers.
This module is shared by ``tests/test_messy_corpus.py`` and ``tools``-style measurement
(``python tests/messy_corpus.py`` prints the table used in the docs).

Counting (same rules as the research comparison that measured the old readers): an expected statement
is *found* when a statement with the same text (case and white space ignored; rapidfuzz ratio ≥ 80 for
a text read slightly differently) came from that file, or when it was merged into the same statement
(group, goal, kind, text) from another file. Statements marked ``duplicate_of`` inside their file are
not counted. One not found is *lost* when its text cell (by its reference in expected.yaml) is neither
in a rejected row, nor in the row of another statement, nor in the ignored list: then it vanished
without a trace.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import shutil
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import openpyxl
import pandas as pd
import yaml
from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
MESSY = HERE / "fixtures" / "messy"


def norm(text: object) -> str:
    t = unicodedata.normalize("NFC", str(text)).casefold()
    return re.sub(r"\s+", " ", t).strip()


@functools.lru_cache(maxsize=1)
def expected_workshops() -> dict:
    """What a careful human read from each workshop file (read once; do not mutate)."""
    return yaml.load((MESSY / "workshops" / "expected.yaml").read_text(encoding="utf-8"), Loader=_LOADER)


@functools.lru_cache(maxsize=1)
def expected_survey() -> dict:
    """What a careful human read from each survey export (read once; do not mutate)."""
    return yaml.load((MESSY / "survey" / "expected.yaml").read_text(encoding="utf-8"), Loader=_LOADER)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def copy_corpus(data_dir: Path) -> Path:
    """The corpus files in ``data_dir/raw/{workshops,survey}`` (without the expectations); returns data_dir."""
    for part in ("workshops", "survey"):
        dest = data_dir / "raw" / part
        dest.mkdir(parents=True, exist_ok=True)
        for p in (MESSY / part).iterdir():
            if p.is_file() and p.name != "expected.yaml":
                shutil.copy(p, dest / p.name)
    return data_dir


def count_cells(path: Path, fmt: dict) -> int:
    """Non-empty cells of a file, counted independently of the package (openpyxl in normal mode, csv).

    White space only counts as empty, as in the package.
    """
    t = fmt["type"]
    if t == "xlsx":
        wb = openpyxl.load_workbook(path)
        n = 0
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None and str(c.value).strip():
                        n += 1
        return n
    raw = path.read_bytes()
    enc = fmt.get("encoding", "utf-8")
    text = raw.decode("utf-16" if enc.startswith("utf-16") else enc)
    text = text.lstrip("\ufeff")
    if t == "lines":
        return sum(1 for line in text.splitlines() if line.strip())
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=fmt.get("delimiter", ";"))
    return sum(1 for row in rows for v in row if v.strip())


def _accounted(name: str, s: dict, row_rejected: set, ignored_cells: set) -> bool:
    """Whether the text cell of an expected statement that is not a statement is a rejected row or ignored."""
    refs = s["source"]["cells"].get("text")
    if refs is None:
        return False
    sheet = s["source"]["sheet"] or ""
    for ref in refs if isinstance(refs, list) else [refs]:
        cell = ref.split("#")[0]
        row = int(re.sub(r"\D", "", cell))
        if (name, sheet, row) in row_rejected or (name, sheet, cell) in ignored_cells:
            return True
    return False


def compare_workshops(processed: Path) -> tuple[dict[str, dict], dict]:
    """Per file: expected, found, missing, spurious and lost (expected texts nowhere in the outputs)."""
    exp = expected_workshops()
    st = pd.read_parquet(processed / "statements.parquet")
    rej = pd.read_csv(processed / "statements_rejects.csv", dtype=str, keep_default_na=False)
    ign_path = processed / "statements_ignored.csv"
    ign = pd.read_csv(ign_path, dtype=str, keep_default_na=False) if ign_path.is_file() else pd.DataFrame()
    by_file: dict[str, list] = defaultdict(list)
    for r in st.itertuples():
        by_file[r.source_file.split("/", 1)[1]].append(r)
    all_by_text = {}
    for r in st.itertuples():
        all_by_text[(r.group, None if pd.isna(r.goal) else r.goal, r.kind, norm(r.text))] = r
    # where an expected statement's text cell can be, other than in a statement: a rejected row, or the
    # ignored list (by its cell reference: the lineage, not a guess by text)
    row_rejected = set()
    if len(rej):
        whole = rej[rej["action"] == "statement rejected"] if "action" in rej else rej
        row_rejected = {
            (f.split("/", 1)[1], sh, int(r)) for f, sh, r in zip(whole["file"], whole["sheet"], whole["row"])
        }
    # a text read as part of another statement (e.g. half of a text typed across two cells) is not lost
    row_rejected |= {
        (f.split("/", 1)[1], sh, int(r)) for f, sh, r in zip(st["source_file"], st["source_sheet"], st["source_row"])
    }
    ignored_cells = set()
    if len(ign):
        ignored_cells = {(f.split("/", 1)[1], sh, c) for f, sh, c in zip(ign["file"], ign["sheet"], ign["cell"])}
    out: dict[str, dict] = {}
    for f in exp["files"]:
        name = f["file"]
        got = by_file.get(name, [])
        got_by_text = defaultdict(list)
        for g in got:
            got_by_text[norm(g.text)].append(g)
        exp_texts = {norm(s["text"]) for s in f["statements"]}
        found, missing, lost, wrong = [], [], [], []
        used = set()
        for s in f["statements"]:
            if s.get("duplicate_of"):
                continue
            key = norm(s["text"])
            cands = got_by_text.get(key, [])
            if not cands:
                fuzzy = [g for g in got if fuzz.ratio(norm(g.text), key) >= 80 and norm(g.text) not in exp_texts]
                other = all_by_text.get((s["group"], s["goal"], s["kind"], key))
                if fuzzy:
                    cands = fuzzy
                    used.add(id(fuzzy[0]))
                elif other is not None:
                    found.append(s["text"])
                    continue
                else:
                    missing.append(s["text"])
                    if not _accounted(name, s, row_rejected, ignored_cells):
                        lost.append(s["text"])
                    continue
            found.append(s["text"])
            g = cands[0]
            if (g.group, None if pd.isna(g.goal) else g.goal, g.kind) != (s["group"], s["goal"], s["kind"]):
                wrong.append(s["text"])
        spurious = [g.text for g in got if norm(g.text) not in exp_texts and id(g) not in used]
        n = len([s for s in f["statements"] if not s.get("duplicate_of")])
        out[name] = {
            "expected": n,
            "found": len(found),
            "group_goal_kind_right": len(found) - len(wrong),
            "missing": missing,
            "lost": lost,
            "spurious": spurious,
        }
    totals = {
        k: sum(v[k] if isinstance(v[k], int) else len(v[k]) for v in out.values())
        for k in ("expected", "found", "group_goal_kind_right", "missing", "lost", "spurious")
    }
    return out, totals


def main() -> int:  # pragma: no cover - a measuring script
    import tempfile

    from analysis.workshops.pipeline import run_clean

    with tempfile.TemporaryDirectory() as tmp:
        data = copy_corpus(Path(tmp) / "data")
        run_clean(data, Path(tmp) / "processed", lambda s: None)
        per_file, totals = compare_workshops(Path(tmp) / "processed")
        man = json.loads((Path(tmp) / "processed" / "statements_manifest.json").read_text())
    print("| file | expected | found | group/goal/kind right | spurious |")
    print("|---|---:|---:|---:|---:|")
    for name, v in per_file.items():
        print(f"| {name} | {v['expected']} | {v['found']} | {v['group_goal_kind_right']} | {len(v['spurious'])} |")
    print(totals)
    print({k: man[k] for k in ("cells_in", "cells_statement", "cells_rejected", "cells_ignored")})
    if "-v" in sys.argv:
        for name, v in per_file.items():
            for t in v["missing"]:
                print(f"  missing {name}: {t}")
            for t in v["spurious"]:
                print(f"  spurious {name}: {t}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def compare_survey(processed: Path) -> dict[str, dict]:
    """Per survey export: expected valid respondents and in scope vs what the cleaning kept."""
    exp = expected_survey()
    resp = pd.read_parquet(processed / "survey_responses.parquet")
    man = json.loads((processed / "survey_manifest.json").read_text(encoding="utf-8"))
    info = {f.get("file"): f for f in man["files"]}
    out = {}
    for f in exp["files"]:
        name = f["file"]
        got = resp[resp["source_file"] == name]
        entry = info.get(name, {})
        out[name] = {
            "expected_valid": f["counts"]["valid_respondents"],
            "valid": len(got),
            "expected_in_scope": f["counts"]["in_scope"],
            "in_scope": int(got["in_scope"].sum()),
            "error": entry.get("error") or entry.get("error_missing"),
            "cells": entry.get("cells"),
        }
    return out
