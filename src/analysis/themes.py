"""Theme coding of free text with a keyword codebook (``data/themes.yaml``).

Multi-label and deterministic: a text gets every theme whose keywords it
contains, as a sorted tuple of theme ids. Matching is case-insensitive and
treats æ/ø/å as letters. Each distinct word is tested against the codebook
once and cached, so coding is a tokenisation plus dictionary look-ups per text.

>>> code_themes(["Flere utleieboliger i Drevsjø", "Bedre mobildekning og bredbånd på Elgå", "Godt å bo her"])
[('bolig',), ('digital_infrastruktur',), ()]
>>> theme_labels()["arbeid_naering"]
'Arbeid og næring'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from analysis.errors import AnalysisError

CODEBOOK_PATH = Path(__file__).resolve().parent / "data" / "themes.yaml"

_TOKEN = re.compile(r"\w+")


def _token_regex(token: str) -> str:
    return r"\w*".join(re.escape(p) for p in token.split("*"))


def keyword_pattern(keyword: str) -> str:
    r"""The regular expression (Python ``re``) for one codebook keyword, on lower-case text.

    ``*`` stands for any letters inside a word; where there is no ``*`` at an
    end, the keyword must sit on a word edge there. Words of a phrase are
    separated by any punctuation or space.

    >>> keyword_pattern("bolig*")
    '\\bbolig\\w*\\b'
    >>> keyword_pattern("gang- og sykkelvei*")
    '\\bgang\\W+og\\W+sykkelvei\\w*\\b'
    """
    tokens = [t for t in re.split(r"[^\w*]+", keyword.strip().casefold()) if t.strip("*")]
    return r"\b" + r"\W+".join(_token_regex(t) for t in tokens) + r"\b"


def _keyword_tokens(keyword: str) -> list[str]:
    return [t for t in re.split(r"[^\w*]+", keyword.strip().casefold()) if t.strip("*")]


@functools.lru_cache(maxsize=4)
def load_codebook(path: str | None = None) -> dict[str, dict]:
    """``{theme id: {"label", "keywords", "word", "exclude", "phrase", "trigger"}}`` (compiled regexes or None).

    ``exclude`` (optional in the YAML) lists words that must not count for the theme even though a
    keyword matches them, e.g. *heltidskultur* is not culture and *arbeidsmiljø* is not nature.
    """

    p = Path(path) if path else CODEBOOK_PATH
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise AnalysisError(f"could not read the theme codebook: {exc}", file=p) from exc
    themes = data.get("themes")
    if not isinstance(themes, dict) or not themes:
        raise AnalysisError("the theme codebook has no 'themes'", file=p)
    out = {}
    for tid, spec in themes.items():
        keywords = [str(k) for k in (spec or {}).get("keywords", []) if _keyword_tokens(str(k))]
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(tid)) or not keywords or not spec.get("label"):
            raise AnalysisError(f"theme '{tid}' needs an id of a-z/_ , a label and keywords", file=p)
        words = [_keyword_tokens(k)[0] for k in keywords if len(_keyword_tokens(k)) == 1]
        phrases = [k for k in keywords if len(_keyword_tokens(k)) > 1]
        excludes = [t for k in (spec.get("exclude") or []) for t in _keyword_tokens(str(k))[:1]]
        out[str(tid)] = {
            "label": str(spec["label"]),
            "keywords": keywords,
            "word": re.compile("(?:" + "|".join(_token_regex(w) for w in words) + ")") if words else None,
            "exclude": re.compile("(?:" + "|".join(_token_regex(w) for w in excludes) + ")") if excludes else None,
            "phrase": re.compile("|".join(keyword_pattern(k) for k in phrases)) if phrases else None,
            # a phrase is only searched for in texts with a word matching its longest word
            "trigger": re.compile(
                "(?:"
                + "|".join(_token_regex(max(_keyword_tokens(k), key=lambda t: len(t.strip("*")))) for k in phrases)
                + ")"
            )
            if phrases
            else None,
        }
    return out


def theme_labels(path: str | None = None) -> dict[str, str]:
    """Theme id → Norwegian label, in codebook order."""
    return {tid: spec["label"] for tid, spec in load_codebook(path).items()}


def code_themes(texts: Iterable[str | None], path: str | None = None) -> list[tuple[str, ...]]:
    """Sorted theme ids for each text (``()`` when none matches). Deterministic; does not mutate.

    Each distinct word is matched against the codebook once, so the cost per
    text is a tokenisation and a few dictionary look-ups.
    """
    book = load_codebook(path)
    ids = list(book)
    specs = list(book.values())
    word_cache: dict[str, tuple[int, int]] = {}
    text_cache: dict[str, tuple[str, ...]] = {}
    label_cache: dict[int, tuple[str, ...]] = {}
    out: list[tuple[str, ...]] = []
    for text in texts:
        if not isinstance(text, str) or not text:
            out.append(())
            continue
        hit = text_cache.get(text)
        if hit is not None:
            out.append(hit)
            continue
        low = text.casefold()
        mask, trigger = 0, 0
        for word in _TOKEN.findall(low):
            info = word_cache.get(word)
            if info is None:
                wmask, wtrig = 0, 0
                for i, spec in enumerate(specs if not word.isdigit() else ()):
                    if (
                        spec["word"] is not None
                        and spec["word"].fullmatch(word)
                        and not (spec["exclude"] is not None and spec["exclude"].fullmatch(word))
                    ):
                        wmask |= 1 << i
                    if spec["trigger"] is not None and spec["trigger"].fullmatch(word):
                        wtrig |= 1 << i
                info = word_cache[word] = (wmask, wtrig)
            mask |= info[0]
            trigger |= info[1]
        trigger &= ~mask
        if trigger:
            for i, spec in enumerate(specs):
                if trigger >> i & 1 and spec["phrase"].search(low):
                    mask |= 1 << i
        labels = label_cache.get(mask)
        if labels is None:
            labels = label_cache[mask] = tuple(sorted(ids[i] for i in range(len(ids)) if mask >> i & 1))
        text_cache[text] = labels
        out.append(labels)
    return out


def unthemed(texts: Iterable[str | None], path: str | None = None) -> list[int]:
    """Positions of texts that match no theme (to list for the analyst)."""
    return [i for i, t in enumerate(code_themes(texts, path)) if not t]
