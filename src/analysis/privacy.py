"""Privacy rules every report follows (docs/privacy.md): small cells and free text.

A municipality of about 1 300 inhabitants is small; a table cell with three women aged 18–24
in one village points at people. This module holds the two rules that keep
reports safe to share:

Small cells
    ``suppress_small`` hides counts below ``MIN_CELL`` (5) in a count table and
    then hides *complementary* cells so that a hidden cell cannot be worked
    out from the row and column totals. ``suppress_groups`` does the same for
    shares and means computed per group (a mean of fewer than 5 answers is
    not shown). ``n_label`` writes "færre enn 5" where a count is hidden (``fewer_than`` gives
    the words for any threshold).

Free text
    ``scrub_text``/``scrub_series`` replace personal names, Norwegian phone
    numbers, e-mail addresses and national identity numbers (fødselsnummer,
    11 digits passing the modulus-11 check) with placeholders such as
    ``[navn]``. Escaping for HTML happens in :mod:`analysis.report.html`
    (``safe_html`` here does both for other contexts). ``can_show_quotes``
    decides whether quotes may be shown at all in a report.

Nothing here mutates its input.
"""

from __future__ import annotations

import functools
import html
import os
import re
import time
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.numfmt import fmt_int
from analysis.paths import profile_path
from analysis.profile import load_profile

MIN_CELL = 5
"""Smallest group for which a count, share or mean is shown."""

HIDDEN_LABEL = "skjult"

PLACEHOLDER_NAME = "[navn]"
PLACEHOLDER_PHONE = "[telefon]"
PLACEHOLDER_EMAIL = "[e-post]"
PLACEHOLDER_FNR = "[fødselsnummer]"


# --------------------------------------------------------------------------- quotes


def can_show_quotes(shareable: bool, allow_quotes: bool) -> bool:
    """Whether a report may show free-text quotes at all.

    Quotes (always scrubbed and escaped) are shown in internal reports; a
    report marked for sharing outside the municipality shows them only when
    its catalogue entry sets ``allow_quotes``.

    >>> can_show_quotes(shareable=False, allow_quotes=False)
    True
    >>> can_show_quotes(shareable=True, allow_quotes=False)
    False
    >>> can_show_quotes(shareable=True, allow_quotes=True)
    True
    """
    return (not bool(shareable)) or bool(allow_quotes)


def quotes_for_report(
    texts: Iterable[object], *, shareable: bool, allow_quotes: bool, limit: int | None = None
) -> list[str]:
    """Scrubbed, non-empty quotes to show, or ``[]`` when quotes are not allowed.

    The texts are scrubbed (not escaped: :mod:`analysis.report.html` escapes
    everything it shows). Duplicates are dropped, order is kept.
    """
    if not can_show_quotes(shareable, allow_quotes):
        return []
    out: list[str] = []
    seen: set[str] = set()
    for text in texts:
        if text is None or (isinstance(text, float) and text != text):
            continue
        cleaned = scrub_text(str(text)).strip()
        if cleaned and cleaned not in seen:
            seen.add(cleaned)
            out.append(cleaned)
            if limit is not None and len(out) >= limit:
                break
    return out


def safe_html(text: object) -> str:
    """Scrub and HTML-escape a free-text answer for any HTML context.

    >>> safe_html("<b>Ring Kari på 912 34 567</b>")
    '&lt;b&gt;Ring [navn] på [telefon]&lt;/b&gt;'
    """
    if text is None:
        return ""
    return html.escape(scrub_text(str(text)), quote=True)


# --------------------------------------------------------------------------- PII scrubbing

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_SEP = r"[ \u00a0.\-]"
_FNR_RE = re.compile(r"(?<![\d])(\d{6})[ \u00a0]?(\d{5})(?![\d])")
_PHONE_RE = re.compile(
    r"(?<![\d\w+])"
    r"(?:"
    # with country code: any grouping of eight digits
    rf"(?:\+|00){_SEP}?47{_SEP}?(?:\d{_SEP}?){{7}}\d"
    r"|"
    # Norwegian subscriber numbers start with 2-9: 8 digits, 3-2-3 or 2-2-2-2
    rf"[2-9]\d{{7}}"
    rf"|[2-9]\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{3}}"
    rf"|[2-9]\d{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
    r")"
    r"(?![\d])"
)
_WORD_RE = re.compile(r"\b[A-ZÆØÅÉÜÖÄ][a-zæøåéèüöäó]+(?:-[A-ZÆØÅÉÜÖÄ][a-zæøåéèüöäó]+)*\b")

# Names that are also ordinary words: scrubbed only when they are not the first word of a sentence,
# or when a surname or another name follows.
_AMBIGUOUS = frozenset(
    """Liv Live Dag Sol Bo Tor Per Odd Else Lykke Storm Vår Tom Max Stein Gard Bror Even
    Frank Line Saga August Birk Frøya Unn Eli Kim June Signe Ask Mai Siv Mille Leah Iben
    Finn Gro Stig Tone Rune Lene Brede Vera Ella Inge Mette Sander Eik Alv Are Ben Kai May Ion Neo Van Bjørn
    Ulf Björn Arn Jo Ida Ane Isa Ari Tim Leo Mia Noa Eva Ada Sam""".split()
)

# Places that are never a person on their own (large places and regions); the municipality's own places
# come from its profile and SSB's municipality and county names from data/places_no.csv (:func:`place_names`).
PLACE_NAMES = frozenset(
    """Oslo Trondheim Bergen Stavanger Tromsø Kristiansand Bodø Norge Sverige Finland Danmark
    Innlandet Hedmark Oppland Trøndelag Viken Agder Rogaland Vestland Nordland Troms Finnmark Østfold
    Akershus Buskerud Vestfold Telemark Østlandet Vestlandet Sørlandet Nord-Norge Østerdalen Gudbrandsdalen
    Valdres Hallingdal Europa""".split()
)

#: Capitalised words that are not names: sentence starters, institutions, shops, seasons and holidays.
COMMON_CAPITALISED = frozenset(
    """Coop Kiwi Rema Joker Extra Spar Meny Bunnpris Prix Facebook Instagram Snapchat Vipps Nettskjema
    Mentimeter NAV Nav SSB Distriktssenteret Kommune Kommunen Fylkeskommune Fylkeskommunen Statsforvalteren
    Helse Sykehuset Norsk Norske Svensk Svenske Sametinget Samisk Sør Nord Øst Vest Jul Påske Pinse
    Sankthans Jeg Vi Han Hun De Det Den Dette Disse Men Og Eller Så Da Når Hvis Om Hilsen Mvh Takk Ring
    Spør Kontakt Send Statens Husbanken Innlandstrafikk Frivilligsentralen Høgskolen Universitetet""".split()
)
#: Words for a role or a relation before a name ("rektor Bakken", "fru Berg", "naboen Nordby").
TITLES = frozenset(
    """rektor ordfører ordføreren varaordfører lege legen doktor dr fru frue frøken frk herr hr lærer læreren
    lærar sykepleier sykepleieren helsesykepleier helsesøster jordmor jordmora presten prest sokneprest rådmann
    rådmannen kommunedirektør kommunedirektøren kommunalsjef sjef sjefen leder lederen styreleder formann
    konsulent saksbehandler saksbehandleren fysioterapeut tannlege tannlegen bibliotekar trener treneren
    politimann politiet politi lensmann sjåfør sjåføren bonde bonden nabo naboen nabokona familien kollega
    kollegaen vaktmester vaktmesteren bestyrer direktør professor advokat ingeniør elev eleven assistent
    fastlege fastlegen fagleder avdelingsleder enhetsleder oppvekstsjef helsesjef næringssjef kultursjef
    varaordføreren gårdbruker eier eieren""".split()
)
#: Prepositions before a place ("på Bakken", "i Vik", "fra Moen"): a surname after one may be a farm or place.
PLACE_PREPOSITIONS = frozenset("i på fra ved langs gjennom over utenfor nær rundt innom forbi mellom".split())
#: Verbs that follow a person at the start of a sentence ("Bakken sa …", "Haugen mener …").
PERSON_VERBS = frozenset(
    """sa sier mener skrev skriver lovet lover tror trodde synes syns forteller fortalte svarte svarer foreslo
    foreslår ordnet ordner hevder påpeker understreker spurte spør lurer ringte ringer sendte mente ville
    ønsker ønsket jobber jobbet driver drev""".split()
)
#: Prepositions that take a person ("snakket med Strand", "hos Hansens", "av Tangen"): a surname that is
#: also a place (Strand, Lund, Vik) is a person after one of these.
PERSON_PREPOSITIONS = frozenset("med hos av for".split())
_SENTENCE_PUNCT = frozenset('.!?:;\n\r•-–—"«(')
_PREV_WORD = re.compile(r"([^\W\d_]+)[\s\u00a0]*$")
_NEXT_WORD = re.compile(r"^[\s\u00a0]+([^\W\d_]+)")
_OG_NAME = re.compile(r"^[\s\u00a0]+og[\s\u00a0]+([A-ZÆØÅÉÜÖÄ][a-zæøåéèüöäó]+)")


def _data_lines(name: str) -> list[str]:
    text = resources.files("analysis").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@functools.lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The shipped list of Norwegian first names (``data/first_names.txt``, see its sources)."""
    return frozenset(set(_data_lines("first_names.txt")) - {"Mai"})


@functools.lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Surnames borne by 200 or more persons in Norway (SSB table 12891, ``data/surnames_no.csv``)."""
    return frozenset(line.split(",")[0] for line in _data_lines("surnames_no.csv")[1:])


@functools.lru_cache(maxsize=1)
def ssb_place_names() -> frozenset[str]:
    """Norway's municipality and county names (SSB KLASS, ``data/places_no.csv``), also word by word."""
    names = {line.split(",")[0] for line in _data_lines("places_no.csv")[1:]}
    return frozenset(w for n in names for w in (n, *n.split()) if w[:1].isupper())


def _fnr_valid(digits: str) -> bool:
    """Modulus-11 check of a Norwegian national identity number (11 digits).

    >>> _fnr_valid("01010150074") and not _fnr_valid("01010150075")
    True
    """
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = 11 - sum(a * b for a, b in zip(w1, d[:9])) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10 or k1 != d[9]:
        return False
    k2 = 11 - sum(a * b for a, b in zip(w2, d[:10])) % 11
    k2 = 0 if k2 == 11 else k2
    return k2 != 10 and k2 == d[10]


def _in(token: str, names: frozenset[str]) -> bool:
    """``token`` (or each part of a hyphenated one, or it without a genitive -s) is in ``names``."""
    if token in names:
        return True
    parts = token.split("-")
    if len(parts) > 1 and all(p in names for p in parts):
        return True
    return len(token) > 3 and token.endswith("s") and "-" not in token and token[:-1] in names


def _is_name_token(token: str, names: frozenset[str]) -> bool:
    return _in(token, names)


@functools.lru_cache(maxsize=4)
def _all_places(path: str, mtime_ns: int) -> frozenset[str]:
    try:
        own = frozenset(load_profile(path).place_names) if path else frozenset()
    except AnalysisError:
        own = frozenset()
    return PLACE_NAMES | ssb_place_names() | own


_PLACES_MEMO: list = [0.0, "", frozenset()]  # (when, profile path, places): scrubbing many texts looks once a second


def place_names() -> frozenset[str]:
    """Places never taken for a person on their own: :data:`PLACE_NAMES`, SSB's municipality and county
    names and the profile's own places (municipality, villages, ``places``)."""
    now = time.monotonic()
    key = os.environ.get("ANALYSIS_PROJECT_ROOT", "") + "\x1f" + os.environ.get("ANALYSIS_PROFILE", "")
    if now - _PLACES_MEMO[0] < 1.0 and key == _PLACES_MEMO[1]:
        return _PLACES_MEMO[2]
    path = str(profile_path())
    try:
        mtime = Path(path).stat().st_mtime_ns
    except OSError:
        path, mtime = "", 0
    places = _all_places(path, mtime)
    _PLACES_MEMO[:] = [now, key, places]
    return places


def _is_surname_candidate(token: str, places: frozenset[str] = PLACE_NAMES) -> bool:
    return token not in places and not any(p in places for p in token.split("-")) and token not in COMMON_CAPITALISED


def _patronymic(token: str, names: frozenset[str]) -> bool:
    """A surname made from a first name and -sen/-son ("Hansen", "Thorsen", "Kristiansen"; also "Hansens").

    >>> _patronymic("Hansen", first_names()), _patronymic("Bussen", first_names()), _patronymic("Tusen", first_names())
    (True, False, False)
    """
    word = token[:-1] if token.endswith(("sens", "sons")) else token
    if word in surnames() and word.endswith(("sen", "son")):
        return True
    for suffix in ("sen", "son", "en"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            root = word[: -len(suffix)]
            if suffix == "en" and not root.endswith("s"):
                continue
            if root in names or root.rstrip("s") in names:
                return True
    return False


def _is_surname(token: str, sur: frozenset[str]) -> bool:
    return _in(token, sur) or _patronymic(token, first_names())


def _next_is_name(text: str, end: int, names: frozenset[str], sur: frozenset[str]) -> bool:
    """Whether "og" after position ``end`` is followed by a first name or a surname ("Dag og Tone")."""
    m = _OG_NAME.match(text[end : end + 40])
    return bool(m) and (_is_name_token(m.group(1), names) or _is_surname(m.group(1), sur))


def _scrub_names(text: str) -> str:
    """Replace personal names with ``[navn]`` (see :func:`scrub_text` for the rules)."""
    tokens = list(_WORD_RE.finditer(text))
    if not tokens:
        return text
    names = first_names()
    sur = surnames()
    places = place_names()
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        word = tok.group(0)
        before = text[max(0, tok.start() - 40) : tok.start()]
        stripped = before.rstrip(" \t\u00a0")
        sentence_start = not stripped or stripped[-1] in _SENTENCE_PUNCT
        prev = _PREV_WORD.search(before)
        prev_word = prev.group(1).casefold() if prev else ""
        nxt = _NEXT_WORD.match(text[tok.end() : tok.end() + 30])
        next_word = nxt.group(1).casefold() if nxt else ""
        is_first = _is_name_token(word, names)
        is_surname = _is_surname(word, sur)
        is_place = word in places or any(p in places for p in word.split("-"))
        # the capitalised names that follow directly ("Ola Moen", "Bjørn Tore Kvernmo", "Nguyen Van Minh")
        j = i
        while j + 1 < len(tokens):
            nt = tokens[j + 1]
            w = nt.group(0)
            if text[tokens[j].end() : nt.start()] not in (" ", "\u00a0") or w in COMMON_CAPITALISED:
                break
            if not (_is_surname(w, sur) or _is_name_token(w, names)) and not _is_surname_candidate(w, places):
                break
            if w in places and not _is_surname(w, sur):
                break
            j += 1
        has_more = j > i
        scrub = False
        if word in COMMON_CAPITALISED and prev_word not in TITLES:
            scrub = False
        elif prev_word in TITLES and (is_first or is_surname or _is_surname_candidate(word, places)):
            scrub = True  # "rektor Bakken", "fru Berg", "doktor Vik", also a name no list knows ("rektor Kvernmo")
        elif is_first:
            base = word[:-1] if word not in names and word.endswith("s") else word
            ambiguous = any(p in _AMBIGUOUS for p in base.split("-"))
            scrub = (
                not ambiguous
                or not sentence_start
                or has_more
                or (next_word == "og" and _next_is_name(text, tok.end(), names, sur))
            )
        elif is_surname and (not is_place or has_more or prev_word in PERSON_PREPOSITIONS):
            patronymic = _patronymic(word, names)
            if not sentence_start:
                # inside a sentence: a person, unless it follows a place preposition ("på Bakken"), where a
                # farm or place of that name is as likely; a patronymic (-sen) is always a person
                scrub = patronymic or has_more or prev_word not in PLACE_PREPOSITIONS
            else:
                scrub = (
                    patronymic
                    or has_more
                    or next_word in PERSON_VERBS
                    or (next_word == "og" and _next_is_name(text, tok.end(), names, sur))
                )
        if scrub:
            spans.append((tok.start(), tokens[j].end()))
            i = j + 1
            continue
        i += 1
    if not spans:
        return text
    out, last = [], 0
    for st, en in spans:
        out.append(text[last:st])
        out.append(PLACEHOLDER_NAME)
        last = en
    out.append(text[last:])
    return "".join(out)


def scrub_text(text: str) -> str:
    """Replace personal identifiers in free text with Norwegian placeholders.

    In this order: e-mail addresses → ``[e-post]``; 11-digit national
    identity numbers that pass the modulus-11 check (also written ``DDMMYY
    NNNNN``) → ``[fødselsnummer]``; Norwegian phone numbers (8 digits, as
    ``91234567``, ``912 34 567``, ``91 23 45 67``, with or without ``+47``/
    ``0047``) → ``[telefon]``; personal names → ``[navn]``: a first name from the
    shipped list (with the capitalised names that follow it), any capitalised
    word after a title or role ("rektor Bakken", "fru Berg"), and a surname
    from SSB's list standing alone — inside a sentence unless it follows a place
    preposition ("på Bakken"), at the start of one when a verb such as "sa" or
    "mener" follows or it is a -sen name. Place names (the profile's villages
    and places, SSB's municipality names, large places) and ordinary
    capitalised words (sentence starts, institutions) are left alone, as are
    ordinary numbers ("1300 innbyggere", "i 2030").
    Returns a new string; ``None``/NaN become ``""``.

    >>> scrub_text("Kontakt Kari Nordmann på kari@example.no eller +47 912 34 567.")
    'Kontakt [navn] på [e-post] eller [telefon].'
    >>> scrub_text("Engerdal bør ha 1300 innbyggere i 2030, også på Drevsjø.")
    'Engerdal bør ha 1300 innbyggere i 2030, også på Drevsjø.'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text)
    if not text:
        return text
    text = _EMAIL_RE.sub(PLACEHOLDER_EMAIL, text)
    text = _FNR_RE.sub(lambda m: PLACEHOLDER_FNR if _fnr_valid(m.group(1) + m.group(2)) else m.group(0), text)
    text = _PHONE_RE.sub(PLACEHOLDER_PHONE, text)
    return _scrub_names(text)


def scrub_series(s: pd.Series) -> pd.Series:
    """``scrub_text`` over a Series (each distinct text scrubbed once); missing stays missing.

    Returns a new string Series with the same index.
    """

    values = s.astype("string")
    uniques = values.dropna().unique()
    mapping = {u: scrub_text(u) for u in uniques}
    return values.map(mapping, na_action="ignore").astype("string")


# --------------------------------------------------------------------------- small cells


def fewer_than(threshold: int = MIN_CELL) -> str:
    """The words readers see where a figure is hidden, for the threshold actually used.

    >>> fewer_than(), fewer_than(10)
    ('færre enn 5', 'færre enn 10')
    """
    return f"færre enn {fmt_int(threshold)}"


def n_label(n: object, threshold: int = MIN_CELL) -> str:
    """A count as readers see it: ``"færre enn 5"`` below the threshold.

    >>> n_label(3), n_label(1287), n_label(7, threshold=10)
    ('færre enn 5', '1 287', 'færre enn 10')
    """
    if n is None or pd.isna(n) or float(n) < threshold:
        return fewer_than(threshold)
    return fmt_int(n)


def _lines(rows: int, cols: int) -> list[list[tuple[int, int]]]:
    """Additive relations in a table augmented with a total row and column.

    Each line is a row (its cells and the row total, last) or a column (its
    cells and the column total, last) of the augmented ``(rows+1) x (cols+1)``
    array.
    """
    lines = [[(i, j) for j in range(cols + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(cols + 1)]
    return lines


def _determined(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """Hidden cells whose value follows exactly from the visible cells and the totals.

    The hidden cells are unknowns ``x``; each row and column of the augmented
    table gives one linear equation. A hidden cell is recoverable exactly when
    its unit vector lies in the row space of the equation matrix, i.e. when the
    null space of the matrix has no component on it.
    """

    idx = np.argwhere(hidden)
    if len(idx) == 0:
        return np.zeros_like(hidden)
    pos = {(int(i), int(j)): k for k, (i, j) in enumerate(idx)}
    r, c = values.shape[0] - 1, values.shape[1] - 1
    eqs = []
    for line in _lines(r, c):
        row = np.zeros(len(idx))
        for n, cell in enumerate(line):
            if cell in pos:
                row[pos[cell]] = -1.0 if n == len(line) - 1 else 1.0
        if row.any():
            eqs.append(row)
    out = np.zeros_like(hidden)
    if not eqs:
        return out
    a = np.asarray(eqs)
    _, sing, vt = np.linalg.svd(a)
    rank = int((sing > 1e-9 * max(1.0, sing.max())).sum())
    null = vt[rank:]
    free = np.abs(null).sum(axis=0) > 1e-9 if len(null) else np.zeros(len(idx), dtype=bool)
    for k, (i, j) in enumerate(idx):
        out[i, j] = not free[k]
    return out


def suppression_mask(table: pd.DataFrame, threshold: int = MIN_CELL, *, hide_zeros: bool = True) -> pd.DataFrame:
    """Which cells of a count table (with a ``Totalt`` row and column added) must be hidden.

    Algorithm (documented in ``docs/survey.md``):

    1. Add row totals, column totals and the grand total; they count as
       published figures.
    2. Primary suppression: every cell (totals included) below ``threshold``
       is hidden (zeros too, unless ``hide_zeros=False``).
    3. Complementary suppression, repeated until nothing changes: in every
       row and column (with its total) that has exactly one hidden cell — or
       whose hidden cells must all be 0 — hide the smallest other visible
       cell, preferring inner cells to totals (ties: the first).
    4. Audit: solve the row/column equations for the hidden cells; any hidden
       cell whose value is still fixed exactly (e.g. a cell joining two
       suppressed blocks) gets a further complement in its row, and steps 3–4
       repeat.

    Returns a boolean frame shaped like the augmented table (index and
    columns end with ``"Totalt"``). Does not mutate ``table``.
    """

    inner = table.to_numpy(dtype=float)
    if np.isnan(inner).any():
        raise ValueError("suppression_mask needs a complete count table (no missing cells)")
    r, c = inner.shape
    values = np.zeros((r + 1, c + 1))
    values[:r, :c] = inner
    values[:r, c] = inner.sum(axis=1)
    values[r, :c] = inner.sum(axis=0)
    values[r, c] = inner.sum()
    hidden = values < threshold if hide_zeros else (values > 0) & (values < threshold)
    lines = _lines(r, c)

    def hide_one(line: list[tuple[int, int]]) -> bool:
        visible = [cell for cell in line if not hidden[cell]]
        if not visible:
            return False
        inner_cells = [cell for cell in visible if cell[0] < r and cell[1] < c]
        pool = inner_cells or visible
        nonzero = [cell for cell in pool if values[cell] > 0]
        pool = nonzero or pool
        best = min(pool, key=lambda cell: (values[cell], cell))
        hidden[best] = True
        return True

    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                h = [cell for cell in line if hidden[cell]]
                if not h:
                    continue
                total_cell = line[-1]
                zero_sum = not hidden[total_cell] and sum(values[cell] for cell in h) == 0
                if len(h) == 1 or zero_sum:
                    changed |= hide_one(line)
        det = _determined(values, hidden)
        if not det.any():
            break
        i, j = (int(v) for v in np.argwhere(det)[0])
        if not hide_one(lines[i]) and not hide_one(lines[r + 1 + j]):
            break  # pragma: no cover (everything already hidden)
    index = list(table.index) + ["Totalt"]
    columns = list(table.columns) + ["Totalt"]
    return pd.DataFrame(hidden, index=index, columns=columns)


def suppress_small(
    table: pd.DataFrame,
    threshold: int = MIN_CELL,
    *,
    margins: bool = True,
    hide_zeros: bool = True,
) -> pd.DataFrame:
    """A count table safe to publish: small cells and their complements hidden (``<NA>``).

    ``table`` holds counts (rows × columns, no totals). The result is a new
    nullable-integer frame; with ``margins=True`` (default) it has a
    ``Totalt`` row and column. Totals are always taken into account, because
    readers can usually find them elsewhere in the report. See
    :func:`suppression_mask` for the algorithm. Show hidden cells with
    :func:`label_suppressed`.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"kvinne": [3, 40], "mann": [20, 50]}, index=["18-29", "30-40"])
    >>> s = suppress_small(t)
    >>> int(s.isna().sum().sum()), int(s.loc["Totalt", "Totalt"])
    (4, 113)
    """

    mask = suppression_mask(table, threshold, hide_zeros=hide_zeros)
    full = table.copy()
    full["Totalt"] = full.sum(axis=1)
    full.loc["Totalt"] = full.sum(axis=0)
    full = full.astype("Int64").mask(mask.to_numpy())
    if not margins:
        full = full.iloc[:-1, :-1]
    return full


def label_suppressed(table: pd.DataFrame, label: str = HIDDEN_LABEL) -> pd.DataFrame:
    """Text version of a suppressed table: numbers formatted, hidden cells as ``label``.

    All hidden cells get the same label (primary and complementary alike), so
    the label does not tell which cells were the small ones.
    """

    return table.astype(object).map(lambda v: label if v is None or pd.isna(v) else fmt_int(v))


def suppress_groups(
    df: pd.DataFrame,
    n_col: str = "n",
    value_cols: Sequence[str] | None = None,
    threshold: int = MIN_CELL,
    *,
    complementary: bool = True,
) -> pd.DataFrame:
    """Hide shares/means (and their CIs) of groups with fewer than ``threshold`` respondents.

    ``df`` has one row per group (women/men, age bands, ...) that together
    make up a published total, with the group size in ``n_col``. Values in
    ``value_cols`` (default: every numeric column except ``n_col``) become
    missing where ``n < threshold``, and so does ``n``. With
    ``complementary=True``, when exactly one group is hidden the next
    smallest group is hidden as well, so the hidden group's count and
    estimate cannot be worked out from the total. Adds a boolean column
    ``suppressed``. Returns a new frame.

    >>> import pandas as pd
    >>> d = pd.DataFrame({"gruppe": ["a", "b", "c"], "n": [3, 10, 40], "andel": [0.1, 0.5, 0.6]})
    >>> suppress_groups(d)["suppressed"].tolist()
    [True, True, False]
    """

    out = df.copy()
    n = pd.to_numeric(out[n_col], errors="coerce").astype(float)
    hide = (n < threshold) | n.isna()
    if complementary and int(hide.sum()) == 1 and len(out) > 1:
        candidates = n[~hide]
        if len(candidates):
            hide.loc[candidates.sort_values(kind="stable").index[0]] = True
    if value_cols is None:
        value_cols = [
            col
            for col in out.columns
            if col != n_col and pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col])
        ]
    for col in value_cols:
        out[col] = out[col].astype(float).where(~hide.to_numpy(), np.nan)
    out[n_col] = pd.array(np.where(hide, np.nan, n), dtype="Float64").round().astype("Int64")
    out["suppressed"] = hide.to_numpy()
    return out
