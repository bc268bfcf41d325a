"""The survey codebook: questions, answer labels and codes (``data/survey_codebook.yaml``).

>>> cb = load_codebook()
>>> cb["sat_jobs"].type, cb["sat_jobs"].label_map()["fornøyd"]
('likert', 4)
>>> cb["gender"].label_map()["kvinne"]
'female'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from analysis import lineage
from analysis.errors import AnalysisError
from analysis.fileio import load_yaml
from analysis.paths import profile_path as profile_path_
from analysis.profile import Profile, load_profile
from analysis.textrepair import repair_text

QUESTION_TYPES = ("single", "multiple", "likert", "scale", "number", "text")
CODEBOOK_FILE = "data/survey_codebook.yaml"


def normalise_label(text: object) -> str:
    """Label as matched against the codebook: trimmed, single spaces, lower case, en dash for ranges.

    >>> normalise_label("  Svært   FORNØYD ")
    'svært fornøyd'
    >>> normalise_label("2-5 år")
    '2–5 år'
    """
    s = " ".join(repair_text(str(text)).split()).lower()
    return s.replace(" - ", " – ").replace("-", "–") if any(c.isdigit() for c in s) else s


@dataclass(frozen=True)
class Question:
    """One question of the codebook."""

    id: str
    text: str
    short: str
    type: str
    options: tuple[tuple[Any, str], ...] = ()
    aliases: tuple[str, ...] = ()
    asked_if: dict[str, str] | None = None
    min: float | None = None
    max: float | None = None
    group: str | None = None
    scale: str | None = None

    @property
    def codes(self) -> list[Any]:
        return [code for code, _ in self.options]

    def labels(self) -> dict[Any, str]:
        """Code → label as respondents saw it."""
        return {code: label for code, label in self.options}

    def label_map(self) -> dict[str, Any]:
        """Normalised label (and code written as text) → code, for reading exports."""
        out: dict[str, Any] = {}
        for code, label in self.options:
            out[normalise_label(label)] = code
            out[normalise_label(code)] = code
        return out


@dataclass(frozen=True)
class Codebook:
    """All questions, in questionnaire order."""

    id: str
    title: str
    questions: tuple[Question, ...]
    missing_labels: tuple[str, ...]
    multiple_separator: str = ";"
    id_columns: tuple[str, ...] = ()
    time_columns: tuple[str, ...] = ()
    age_min: int = 18
    age_max: int = 40
    age_bands: tuple[tuple[int, int], ...] = ((18, 24), (25, 29), (30, 34), (35, 40))
    source: str = field(default="", compare=False)

    def __getitem__(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def __contains__(self, qid: object) -> bool:
        return any(q.id == qid for q in self.questions)

    def of_type(self, *types: str) -> list[Question]:
        return [q for q in self.questions if q.type in types]

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]

    def satisfaction_items(self) -> list[Question]:
        """The Likert items about services and place (not the overall question)."""
        return [q for q in self.questions if q.type == "likert" and q.group == "services"]

    def band_labels(self) -> list[str]:
        """Age band labels, e.g. ``['18–24', '25–29', ...]``."""
        return [f"{lo}–{hi}" for lo, hi in self.age_bands]

    def missing_set(self) -> frozenset[str]:
        return frozenset(normalise_label(m) for m in self.missing_labels) | {""}


def _parse(raw: dict, source: str) -> Codebook:
    def fail(msg: str) -> AnalysisError:
        return AnalysisError(f"survey codebook: {msg}", file=source)

    if not isinstance(raw, dict) or "questions" not in raw:
        raise fail("no 'questions' list")
    scales = raw.get("scales") or {}
    questions = []
    seen: set[str] = set()
    for q in raw["questions"]:
        qid = str(q.get("id", "")).strip()
        if not qid or qid in seen:
            raise fail(f"question id '{qid}' is missing or used twice")
        seen.add(qid)
        qtype = q.get("type")
        if qtype not in QUESTION_TYPES:
            raise fail(f"question {qid}: type '{qtype}' must be one of {', '.join(QUESTION_TYPES)}")
        options: list[tuple[Any, str]] = []
        lo = q.get("min")
        hi = q.get("max")
        if qtype in ("single", "multiple"):
            for opt in q.get("options") or []:
                options.append((str(opt["code"]), str(opt["label"])))
            if not options:
                raise fail(f"question {qid}: a {qtype} question needs options")
        elif qtype in ("likert", "scale"):
            scale = scales.get(q.get("scale"))
            if scale is None:
                raise fail(f"question {qid}: unknown scale '{q.get('scale')}'")
            labels = {int(k): str(v) for k, v in (scale.get("labels") or {}).items()}
            lo = int(scale.get("min", min(labels)))
            hi = int(scale.get("max", max(labels)))
            options = [(code, labels.get(code, str(code))) for code in range(lo, hi + 1)]
        questions.append(
            Question(
                id=qid,
                text=str(q.get("text", qid)),
                short=str(q.get("short", q.get("text", qid))),
                type=qtype,
                options=tuple(options),
                aliases=tuple(str(a) for a in q.get("aliases") or ()),
                asked_if={str(k): str(v) for k, v in (q.get("asked_if") or {}).items()} or None,
                min=lo,
                max=hi,
                group=q.get("group"),
                scale=q.get("scale"),
            )
        )
    pop = raw.get("population") or {}
    bands = tuple((int(lo), int(hi)) for lo, hi in pop.get("age_bands", [(18, 24), (25, 29), (30, 34), (35, 40)]))
    return Codebook(
        id=str(raw.get("id", "survey")),
        title=str(raw.get("title", "")),
        questions=tuple(questions),
        missing_labels=tuple(str(m) for m in raw.get("missing_labels") or ()),
        multiple_separator=str(raw.get("multiple_separator", ";")),
        id_columns=tuple(raw.get("id_columns") or ()),
        time_columns=tuple(raw.get("time_columns") or ()),
        age_min=int(pop.get("age_min", 18)),
        age_max=int(pop.get("age_max", 40)),
        age_bands=bands,
        source=source,
    )


def _fill_in(value: Any, words: Mapping[str, str]) -> Any:
    """``{kommune}`` and ``{alder}`` in every string of the codebook replaced by the profile's words."""
    if isinstance(value, str):
        for key, word in words.items():
            value = value.replace("{" + key + "}", word)
        return value
    if isinstance(value, list):
        return [_fill_in(v, words) for v in value]
    if isinstance(value, dict):
        return {k: _fill_in(v, words) for k, v in value.items()}
    return value


def apply_profile(raw: dict, profile: Profile) -> dict:
    """The codebook as this municipality asked it: its name, its villages, the survey's ages and bands."""
    lo, hi = profile.survey.ages
    raw = _fill_in(raw, {"kommune": profile.kommune.name, "alder": f"{lo}–{hi}"})
    villages = [{"code": v.id, "label": v.name} for v in profile.villages]
    villages.append({"code": "annet", "label": "Annet sted i kommunen"})
    for q in raw.get("questions") or []:
        if q.get("options") == "{villages}":
            q["options"] = villages
        if q.get("id") == "age":
            q["min"], q["max"] = lo, hi
    raw["population"] = {
        **(raw.get("population") or {}),
        "age_min": lo,
        "age_max": hi,
        "age_bands": [list(b) for b in profile.survey.bands],
    }
    return raw


@functools.lru_cache(maxsize=4)
def _load_cached(path: str | None, profile_path: str, mtime_ns: int) -> Codebook:
    if path is None:
        text = resources.files("analysis").joinpath(CODEBOOK_FILE).read_text(encoding="utf-8")
        source = CODEBOOK_FILE
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise AnalysisError(f"could not read the survey codebook ({exc.strerror})", file=path) from exc
        source = path
    try:
        raw = load_yaml(text)
    except yaml.YAMLError as exc:
        raise AnalysisError(f"the survey codebook is not valid YAML: {exc}", file=source) from exc
    if isinstance(raw, dict):
        raw = apply_profile(raw, load_profile(profile_path))
    return _parse(raw, source)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read the codebook (the shipped one by default), filled in from the profile; ``AnalysisError`` when invalid."""
    profile_path = profile_path_()
    if path is not None:
        lineage.record(path)
    try:
        mtime = profile_path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _load_cached(str(path) if path is not None else None, str(profile_path), mtime)
