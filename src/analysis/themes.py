"""Theme coding of free text with a keyword codebook (``data/themes.yaml``), aware of Norwegian word forms,
checked and completed by a theme model learnt from hand-labelled statements (``data/theme_model.npz``;
:class:`ThemeModel`, :func:`code_themes`; docs/workshops.md «The theme model»).

Multi-label and deterministic: a text gets every theme whose keywords it contains,
as a sorted tuple of theme ids. How a word is compared with a keyword:

* **Inflection** — a keyword is reduced to its stem with the Snowball Norwegian
  stemmer (``snowballstemmer``) and also matches that stem followed by an
  inflectional ending of bokmål, nynorsk or dialect (:data:`INFLECTIONS`):
  «husleie» matches «Husleia», «bustad» «bustader», «vei» «veian»; «bil» does
  not match «billige».
* **Compounds** — ``*x`` matches a word whose last part is an inflected ``x``
  («*bustad» matches «utleigebustader»), ``x*`` a word that starts with ``x``,
  ``*x*`` a word with ``x`` anywhere inside it.
* ``=x`` matches exactly the form ``x`` (not compared by its stem: «=møtes» is not «møte»).
* **Phrases** — several words in a keyword must follow each other; ``~`` in a
  phrase stands for up to three words («snakk* ~ ned» matches «snakke bygda ned»).
* **Negative keywords** (``exclude``) — words or phrases inside which a match does
  not count for the theme: «jobbe sammen» is not work, «kontorfellesskap» is not
  community, «for å jobbe» only says who.
* **Spelling variants** — before it is compared, a word also gets the standard
  bokmål forms the codebook's ``spellings`` give for it (:func:`spelling_variants`):
  dialect and nynorsk function words («itj», «ikkje» → «ikke»; «kæm», «kven» →
  «hvem»), spellings inside words («sjukeheimen» → «sykehjemmen», «vegen» →
  «veien», «ongdommen» → «ungdommen») and a dropped vowel («skol'n», «skoln» →
  «skolen»), so a keyword or phrase written in bokmål also matches them.

Each distinct word is tested against the codebook once and cached, so coding is a
tokenisation plus dictionary look-ups per text, and phrases are only tried in texts
that contain their first word.

>>> code_themes(["Flere utleieboliger i Drevsjø", "Bedre mobildekning og bredbånd på Elgå", "Godt å bo her"])
[('bolig',), ('digital_infrastruktur',), ()]
>>> code_themes(["Husleia er for høg", "Vi treng fleire utleigebustader"])
[('bolig',), ('bolig',)]
>>> theme_labels()["arbeid_naering"]
'Arbeid og næring'
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import snowballstemmer
import yaml

from analysis import lineage
from analysis.errors import AnalysisError
from analysis.fileio import load_yaml

CODEBOOK_PATH = Path(__file__).resolve().parent / "data" / "themes.yaml"

_TOKEN = re.compile(r"[^\W_]+")
#: a dropped vowel written with an apostrophe: «skol'n», «vinter'n» → «skolen», «vinteren»
_APOCOPE_MARK = re.compile(r"(?<=[^\W\d_])['’`´]n\b")


def _words(text: str) -> list[str]:
    """The lower-case words of ``text``, a dropped vowel put back («skol'n» → «skolen»)."""
    folded = text.casefold()
    if "n" in folded and _APOCOPE_MARK.search(folded):
        folded = _APOCOPE_MARK.sub("en", folded)
    return _TOKEN.findall(folded)


#: a dropped vowel without the apostrophe, after a consonant that does not end standard words in «-n»: «skoln»
_APOCOPE = re.compile(r"(?<=\w\w[bdfgklpst])n$")
_GAP = "~"  # in a phrase: up to _GAP_WORDS words
_GAP_WORDS = 3
_STEMMER = snowballstemmer.stemmer("norwegian")
#: Inflectional endings of bokmål, nynorsk and the dialects (definite plural -an/-un: «veian», «jentun»)
#: that may follow a keyword's stem: «husleie» → stem «huslei» + «a» = «husleia».
INFLECTIONS: tuple[str, ...] = (
    "e", "a", "n", "t", "s", "r", "en", "et", "er", "ar", "an", "un", "as", "es", "ne", "na", "te", "de",
    "ere", "ene", "ane", "ast", "est", "ens", "ets", "ers", "enes", "arne", "este", "ande", "ende",
)  # fmt: skip
#: stems shorter than this are not inflected (too many unrelated words share them); a compound's
#: last part (``*x``) needs a longer stem, or «*bil» would take «stabilt» and «*vei» «veit»
_MIN_STEM = 3
_MIN_STEM_LAST_PART = 4


def stem(word: str) -> str:
    """The Snowball Norwegian stem of a lower-case word.

    >>> stem("bustader"), stem("husleia"), stem("sjukeheimen")
    ('bustad', 'huslei', 'sjukeheim')
    """
    return _STEMMER.stemWord(word)


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^\w*~=]+", text.strip().casefold()) if t.strip("*=") or t == "*"]


def _glob_regex(token: str) -> str:
    return r"\w*".join(re.escape(p) for p in token.split("*"))


def word_pattern(keyword: str) -> str:
    r"""The regular expression (Python ``re``, full match on one lower-case word) of a one-word keyword.

    A keyword without ``*`` at its end also matches its inflected forms: its
    Snowball stem followed by one of :data:`INFLECTIONS` (for ``*x`` the ending
    must not be empty, so a short stem cannot end a longer word):

    >>> import re
    >>> [w for w in ["husleia", "husleie", "husleiepris"] if re.fullmatch(word_pattern("husleie"), w)]
    ['husleia', 'husleie']
    >>> [w for w in ["bilen", "biler", "billige"] if re.fullmatch(word_pattern("bil"), w)]
    ['bilen', 'biler']
    >>> word_pattern("bolig*")
    'bolig\\w*'
    """
    if keyword.startswith("="):  # this form only
        return _glob_regex(keyword[1:])
    raw = _glob_regex(keyword)
    literal = keyword[1:] if keyword.startswith("*") else keyword
    if "*" in literal:
        return raw
    base = stem(literal)
    if len(base) < (_MIN_STEM_LAST_PART if keyword.startswith("*") else _MIN_STEM) or not literal.startswith(base):
        return raw
    endings = sorted((e for e in ("", *INFLECTIONS) if e or not keyword.startswith("*")), key=len, reverse=True)
    lead = r"\w*" if keyword.startswith("*") else ""
    return f"(?:{raw}|{lead}{re.escape(base)}(?:{'|'.join(endings)}))"


def keyword_pattern(keyword: str) -> str:
    r"""The regular expression (Python ``re``) of a whole keyword on lower-case text (for reading the codebook).

    ``*`` stands for any letters inside a word; where there is no ``*`` at an
    end, the keyword must sit on a word edge there. Words of a phrase are
    separated by any punctuation or space. (Coding compares word forms, see :func:`word_pattern`.)

    >>> keyword_pattern("bolig*")
    '\\bbolig\\w*\\b'
    >>> keyword_pattern("gang- og sykkelvei*")
    '\\bgang\\W+og\\W+sykkelvei\\w*\\b'
    """
    tokens = [t for t in _tokens(keyword) if t != _GAP]
    return r"\b" + r"\W+".join(_glob_regex(t) for t in tokens) + r"\b"


@dataclass(frozen=True)
class _Phrase:
    words: tuple[re.Pattern[str] | None, ...]  # None = a gap of up to _GAP_WORDS words
    first: re.Pattern[str]


def _phrase(keyword: str) -> _Phrase:
    parts = tuple(None if t == _GAP else re.compile(word_pattern(t)) for t in _tokens(keyword))
    if parts[0] is None or parts[-1] is None:
        raise ValueError(f"a phrase cannot start or end with '{_GAP}': {keyword}")
    return _Phrase(parts, parts[0])


def _match_at(forms: list[tuple[str, ...]], phrase: _Phrase, start: int, matched: int = 0) -> int:
    """End position (exclusive) of ``phrase`` matched from token ``start``, or -1 (``matched``: its first
    words already known to match)."""

    def ok(pattern: re.Pattern[str], i: int) -> bool:
        return i < len(forms) and any(pattern.fullmatch(f) for f in forms[i])

    def rec(k: int, i: int) -> int:
        if k == len(phrase.words):
            return i
        part = phrase.words[k]
        if part is None:
            for skip in range(_GAP_WORDS + 1):
                end = rec(k + 1, i + skip)
                if end >= 0:
                    return end
            return -1
        return rec(k + 1, i + 1) if ok(part, i) else -1

    return rec(matched, start + matched)


@dataclass(frozen=True)
class _Theme:
    label: str
    keywords: tuple[str, ...]
    word: re.Pattern[str] | None
    phrases: tuple[_Phrase, ...]
    exclude_word: re.Pattern[str] | None
    exclude_phrases: tuple[_Phrase, ...]
    phrase_first: re.Pattern[str] | None = None  # any phrase's first word (a quick test before each phrase)
    exclude_first: re.Pattern[str] | None = None


def _union(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("(?:" + "|".join(patterns) + ")") if patterns else None


@functools.lru_cache(maxsize=4)
def _read(path: str | None) -> tuple[Path, dict]:
    p = Path(path) if path else CODEBOOK_PATH
    lineage.record(p)
    try:
        data = load_yaml(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise AnalysisError(f"could not read the theme codebook: {exc}", file=p) from exc
    if not isinstance(data, dict):
        raise AnalysisError("the theme codebook is not a mapping", file=p)
    return p, data


@functools.lru_cache(maxsize=4)
def load_codebook(path: str | None = None) -> dict[str, _Theme]:
    """``{theme id: compiled theme}`` from the YAML codebook (keywords, phrases, negative keywords).

    ``exclude`` (optional in the YAML) lists words or phrases inside which a
    keyword match does not count for the theme, e.g. *heltidskultur* is not
    culture, *arbeidsmiljø* is not nature and *jobbe sammen* is not work.
    """

    p, data = _read(path)
    themes = data.get("themes")
    if not isinstance(themes, dict) or not themes:
        raise AnalysisError("the theme codebook has no 'themes'", file=p)
    out: dict[str, _Theme] = {}
    for tid, spec in themes.items():
        keywords = [str(k) for k in (spec or {}).get("keywords", []) if _tokens(str(k))]
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(tid)) or not keywords or not spec.get("label"):
            raise AnalysisError(f"theme '{tid}' needs an id of a-z/_ , a label and keywords", file=p)
        excludes = [str(k) for k in (spec.get("exclude") or []) if _tokens(str(k))]
        try:
            out[str(tid)] = _Theme(
                label=str(spec["label"]),
                keywords=tuple(keywords),
                word=_union([word_pattern(_tokens(k)[0]) for k in keywords if len(_tokens(k)) == 1]),
                phrases=tuple(_phrase(k) for k in keywords if len(_tokens(k)) > 1),
                exclude_word=_union([word_pattern(_tokens(k)[0]) for k in excludes if len(_tokens(k)) == 1]),
                exclude_phrases=tuple(_phrase(k) for k in excludes if len(_tokens(k)) > 1),
                phrase_first=_union([word_pattern(_tokens(k)[0]) for k in keywords if len(_tokens(k)) > 1]),
                exclude_first=_union([word_pattern(_tokens(k)[0]) for k in excludes if len(_tokens(k)) > 1]),
            )
        except (ValueError, re.error) as exc:
            raise AnalysisError(f"theme '{tid}': {exc}", file=p) from exc
    return out


@dataclass(frozen=True)
class Spellings:
    """Standard forms of non-standard spellings (the codebook's ``spellings``)."""

    words: dict[str, tuple[str, ...]]  # a whole word → its standard forms
    parts: tuple[tuple[re.Pattern[str], str], ...]  # inside a word: pattern → replacement, applied in order


@functools.lru_cache(maxsize=4)
def load_spellings(path: str | None = None) -> Spellings:
    """The codebook's ``spellings``: ``words`` (``standard: [variant, ...]``) and ``parts``
    (``[regular expression, replacement]`` inside a word). Optional; empty when absent."""
    p, data = _read(path)
    spec = data.get("spellings") or {}
    words: dict[str, list[str]] = {}
    try:
        for standard, variants in (spec.get("words") or {}).items():
            for variant in variants:
                forms = words.setdefault(str(variant).casefold(), [])
                if str(standard) not in forms:
                    forms.append(str(standard))
        parts = tuple((re.compile(str(a)), str(b)) for a, b in spec.get("parts") or [])
    except (AttributeError, TypeError, ValueError, re.error) as exc:
        raise AnalysisError(f"the codebook's 'spellings' cannot be read: {exc}", file=p) from exc
    return Spellings({w: tuple(f) for w, f in words.items()}, parts)


def spelling_variants(word: str, spellings: Spellings) -> tuple[str, ...]:
    """The lower-case ``word`` and the standard forms it may stand for (the word first, no repeats).

    >>> book = load_spellings()
    >>> spelling_variants("itj", book), spelling_variants("sjukeheimen", book), spelling_variants("skoln", book)
    (('itj', 'ikke'), ('sjukeheimen', 'sykehjemmen'), ('skoln', 'skolen'))
    >>> spelling_variants("bolig", book)
    ('bolig',)
    """
    forms = [word, *spellings.words.get(word, ())]
    respelled = word
    for pattern, replacement in spellings.parts:
        respelled = pattern.sub(replacement, respelled)
    respelled = _APOCOPE.sub("en", respelled)
    if respelled != word:
        forms += [respelled, *spellings.words.get(respelled, ())]
    return tuple(dict.fromkeys(forms))


def theme_labels(path: str | None = None) -> dict[str, str]:
    """Theme id → Norwegian label, in codebook order."""
    return {tid: spec.label for tid, spec in load_codebook(path).items()}


#: per word: theme bit masks (hit, excluded, a phrase may start, an exclusion may start), then per theme
#: index the phrases and the exclusions whose first word it is
_WordInfo = tuple[int, int, int, int, dict[int, tuple[_Phrase, ...]], dict[int, tuple[_Phrase, ...]]]


class _Coder:
    """Codes texts with one codebook; caches per word and per text."""

    def __init__(self, book: dict[str, _Theme], spellings: Spellings) -> None:
        self.ids = list(book)
        self.specs = list(book.values())
        self.spellings = spellings
        self.words: dict[str, _WordInfo] = {}
        self.forms: dict[str, tuple[str, ...]] = {}
        self.texts: dict[str, tuple[str, ...]] = {}
        self.labels: dict[int, tuple[str, ...]] = {}

    def word(self, word: str) -> _WordInfo:
        """Bit masks of themes (word hit, word excluded, phrase may start here, exclusion may start here) and,
        per theme, the phrases and the exclusions that may start here."""
        info = self.words.get(word)
        if info is None:
            hit = excl = ph = ex_ph = 0
            starts: dict[int, tuple[_Phrase, ...]] = {}
            ex_starts: dict[int, tuple[_Phrase, ...]] = {}
            forms = self.forms[word] = (word,) if word.isdigit() else spelling_variants(word, self.spellings)
            if not word.isdigit():
                for i, spec in enumerate(self.specs):
                    bit = 1 << i
                    if spec.word is not None and any(spec.word.fullmatch(f) for f in forms):
                        hit |= bit
                    if spec.exclude_word is not None and any(spec.exclude_word.fullmatch(f) for f in forms):
                        excl |= bit
                    if spec.phrase_first is not None and any(spec.phrase_first.fullmatch(f) for f in forms):
                        starts[i] = tuple(p for p in spec.phrases if any(p.first.fullmatch(f) for f in forms))
                        ph |= bit
                    if spec.exclude_first is not None and any(spec.exclude_first.fullmatch(f) for f in forms):
                        ex_starts[i] = tuple(
                            p for p in spec.exclude_phrases if any(p.first.fullmatch(f) for f in forms)
                        )
                        ex_ph |= bit
            info = self.words[word] = (hit, excl, ph, ex_ph, starts, ex_starts)
        return info

    def code(self, text: str) -> tuple[str, ...]:
        hit = self.texts.get(text)
        if hit is not None:
            return hit
        words = _words(text)
        infos = [self.word(w) for w in words]
        any_phrase = any_excl_phrase = 0
        for info in infos:
            any_phrase |= info[2]
            any_excl_phrase |= info[3]
        mask = 0
        forms = None
        for i in range(len(self.specs)):
            bit = 1 << i
            positions = {k for k, info in enumerate(infos) if info[0] & bit and not info[1] & bit}
            if any_phrase & bit:
                forms = forms or [self.forms[w] for w in words]
                for start, info in enumerate(infos):
                    for phrase in info[4].get(i, ()):  # the theme's phrases that may start here
                        end = _match_at(forms, phrase, start, 1)
                        if end >= 0:
                            positions.update(range(start, end))
            if positions and any_excl_phrase & bit:
                forms = forms or [self.forms[w] for w in words]
                for start, info in enumerate(infos):
                    for phrase in info[5].get(i, ()):
                        end = _match_at(forms, phrase, start, 1)
                        if end >= 0:
                            positions.difference_update(range(start, end))
            if positions:
                mask |= bit
        labels = self.labels.get(mask)
        if labels is None:
            labels = self.labels[mask] = tuple(sorted(self.ids[i] for i in range(len(self.ids)) if mask >> i & 1))
        self.texts[text] = labels
        return labels

    def ruled_out(self, text: str) -> set[str]:
        """The themes whose negative keywords (``exclude``) occur in ``text``: the codebook says that here a
        word of the theme means something else («flere kvinner» is demography, «har lege» has lain)."""
        words = _words(text)
        infos = [self.word(w) for w in words]
        forms = [self.forms[w] for w in words]
        out = set()
        for i, tid in enumerate(self.ids):
            bit = 1 << i
            if any(info[1] & bit for info in infos) or any(
                _match_at(forms, phrase, start, 1) >= 0
                for start, info in enumerate(infos)
                for phrase in info[5].get(i, ())
            ):
                out.add(tid)
        return out


@functools.lru_cache(maxsize=4)
def _coder(path: str | None) -> _Coder:
    return _Coder(load_codebook(path), load_spellings(path))


# --- The theme model: a second opinion learnt from hand-labelled statements --------------------------

MODEL_PATH = Path(__file__).resolve().parent / "data" / "theme_model.npz"
#: a workshop note's kind, written before the statement («Tiltak: …»): not part of what it says
_NOTE_KIND = re.compile(r"^\s*(?:tiltak|motkraft|drivkraft|kraft|delmål|ønsket resultat|ønskt resultat)\s*:\s*")
_NGRAMS = (2, 5)
#: texts of fewer words («IT-tjenester», «Billige tomter») are coded by the codebook alone
MODEL_MIN_WORDS = 3
#: in texts of fewer words (a flip-chart note: «Vedlikeholde grendehuset i Heggeriset») the model may add a
#: theme but not drop one of the codebook's: too little context to overrule a word (chosen on v9 and the old
#: sample of workshop notes, docs/workshops.md)
MODEL_VETO_MIN_WORDS = 6


@functools.lru_cache(maxsize=65536)
def _word_features(word: str) -> tuple[tuple[str, ...], str]:
    """A word's character n-grams (``c`` + n-gram of « word », 2–5 letters) and its stem (``w`` + stem)."""
    padded = f" {word} "
    grams = ["c" + padded[i : i + n] for n in range(_NGRAMS[0], _NGRAMS[1] + 1) for i in range(len(padded) - n + 1)]
    root = stem(word)
    return (*grams, "w" + root), root


def model_features(text: str) -> list[str]:
    """What the theme model reads in a text: character n-grams of every word (so inflected, compound and
    dialect forms share most of their features with the standard form), the Snowball stem of every word
    and every pair of neighbouring stems. Lower case; a workshop note's kind («Tiltak:») is left out.

    >>> [f for f in model_features("Tiltak: Husleia") if f[0] != "c"]
    ['whuslei']
    >>> model_features("Fleire bustader")[-1]
    'bfleir bustad'
    """
    out: list[str] = []
    roots: list[str] = []
    for word in _words(_NOTE_KIND.sub("", text.casefold())):
        feats, root = _word_features(word)
        out += feats
        roots.append(root)
    out += ["b" + a + " " + b for a, b in zip(roots, roots[1:])]
    return out


@dataclass(frozen=True)
class ThemeModel:
    """One logistic regression per theme over tf-idf weighted :func:`model_features`.

    Trained by ``tools/train_theme_model.py`` (scikit-learn) on the hand-labelled statements; the package
    only applies it: sublinear term frequency × idf, scaled to length 1, times the coefficients, through
    the logistic function, exactly as scikit-learn's ``TfidfVectorizer`` and ``LogisticRegression`` do (a
    test compares the two). How it is combined with the codebook: :func:`code_themes`.
    """

    themes: tuple[str, ...]
    index: dict[str, int]  # feature → column
    idf: np.ndarray  # (features,)
    coef: np.ndarray  # (features, themes)
    intercept: np.ndarray  # (themes,)
    keep: float  # a codebook hit stays when the model gives its theme at least this probability
    add: float  # a theme the codebook did not find is added at this probability or more

    def probabilities(self, texts: Iterable[str]) -> np.ndarray:
        """``(len(texts), len(themes))`` probabilities, one row per text."""
        rows = []
        for text in texts:
            counts: dict[int, int] = {}
            for feature in model_features(text):
                col = self.index.get(feature)
                if col is not None:
                    counts[col] = counts.get(col, 0) + 1
            z = self.intercept.copy()
            if counts:
                cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
                tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
                weights = (1.0 + np.log(tf)) * self.idf[cols]
                z += (weights / np.sqrt(weights @ weights)) @ self.coef[cols]
            rows.append(1.0 / (1.0 + np.exp(-z)))
        return np.array(rows).reshape(-1, len(self.themes))


@functools.lru_cache(maxsize=2)
def load_model(path: str | None = None) -> ThemeModel:
    """The theme model in ``path`` (default: the one shipped with the package, ``data/theme_model.npz``)."""
    p = Path(path) if path else MODEL_PATH
    lineage.record(p)
    try:
        with np.load(p, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise AnalysisError(f"could not read the theme model: {exc}", file=p) from exc
    try:
        features = arrays["features"].tolist()
        model = ThemeModel(
            themes=tuple(arrays["themes"].tolist()),
            index={f: i for i, f in enumerate(features)},
            idf=arrays["idf"].astype(np.float64),
            coef=arrays["coef"].astype(np.float64),
            intercept=arrays["intercept"].astype(np.float64),
            keep=float(arrays["thresholds"][0]),
            add=float(arrays["thresholds"][1]),
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise AnalysisError(f"the theme model is incomplete: {exc}", file=p) from exc
    shape = (len(features), len(model.themes))
    if model.coef.shape != shape or model.idf.shape != shape[:1] or model.intercept.shape != shape[1:]:
        raise AnalysisError(f"the theme model's arrays do not fit together: {model.coef.shape} against {shape}", file=p)
    return model


class _Hybrid:
    """The codebook's hits checked and completed by the model; caches per text."""

    def __init__(self, coder: _Coder, model: ThemeModel) -> None:
        self.coder, self.model = coder, model
        self.texts: dict[str, tuple[str, ...]] = {}

    def code(self, texts: list[str]) -> None:
        words = {t: len(_words(_NOTE_KIND.sub("", t.casefold()))) for t in texts if t not in self.texts}
        for text in [t for t, n in words.items() if n < MODEL_MIN_WORDS]:
            self.texts[text] = self.coder.code(text)  # a fragment gives the model no context: the codebook decides
        new = [t for t in words if t not in self.texts]
        if not new:
            return
        probs = self.model.probabilities(new)
        for text, p in zip(new, probs):
            hits = self.coder.code(text)
            short = words[text] < MODEL_VETO_MIN_WORDS
            keep = {t for t in hits if short or p[self.model.themes.index(t)] >= self.model.keep}
            add = {t for t, q in zip(self.model.themes, p) if q >= self.model.add} - set(hits)
            if add:
                add -= self.coder.ruled_out(text)
            self.texts[text] = tuple(sorted(keep | add))


@functools.lru_cache(maxsize=4)
def _hybrid(path: str | None) -> _Hybrid | None:
    """The hybrid coder for a codebook, or None when the model does not know the codebook's themes (a
    municipality's own codebook with other themes is used on its own)."""
    coder = _coder(path)
    model = load_model()
    return _Hybrid(coder, model) if tuple(coder.ids) == model.themes else None


def _code(hybrid: _Hybrid, texts: list[str]) -> list[tuple[str, ...]]:
    hybrid.code([t for t in texts if t])
    return [hybrid.texts[t] if t else () for t in texts]


def code_with_model(texts: Iterable[str | None], model: ThemeModel, path: str | None = None) -> list[tuple[str, ...]]:
    """:func:`code_themes` with another theme model (to measure one before it is shipped); not cached."""
    return _code(_Hybrid(_coder(path), model), [t if isinstance(t, str) else "" for t in texts])


def code_themes(texts: Iterable[str | None], path: str | None = None, *, model: bool = True) -> list[tuple[str, ...]]:
    """Sorted theme ids for each text (``()`` when none matches). Deterministic; does not mutate.

    The codebook finds the themes whose words a text contains; the theme model (:class:`ThemeModel`),
    learnt from hand-labelled statements, then gives a second opinion: a codebook hit stays only when
    the model gives its theme a probability of at least ``keep`` (a word used for something else, such
    as «butikken» named as a place), and a theme the model is sure of (``add`` or more) is added even
    when none of its words is there («Seksåringen sitter over en time på bussen» is also about school),
    unless the codebook's negative keywords rule that theme out in the text («flere kvinner»). Texts of
    fewer than :data:`MODEL_MIN_WORDS` words are the codebook's alone, and in texts of fewer than
    :data:`MODEL_VETO_MIN_WORDS` words the model only adds. ``model=False`` gives the codebook's
    hits alone. Each distinct word is matched against the codebook once, and each distinct text coded once
    (both remembered between calls).
    """
    texts = [t if isinstance(t, str) else "" for t in texts]
    hybrid = _hybrid(path) if model else None
    if hybrid is None:
        coder = _coder(path)
        return [coder.code(t) if t else () for t in texts]
    return _code(hybrid, texts)


def unthemed(texts: Iterable[str | None], path: str | None = None) -> list[int]:
    """Positions of texts that match no theme (to list for the analyst)."""
    return [i for i, t in enumerate(code_themes(texts, path)) if not t]
