"""Values as people type them in notes: dates in every Norwegian form, votes as numbers, words or tallies.

* :func:`parse_date` — one cell meant as a date: ``04.03.2021``, ``2021-03-04``, ``44259`` (an Excel
  serial day), ``18. mars 2021``, ``22/4-21``, ``tirsdag 15. juni`` (the year from the meeting, when
  known), ``2021-11-02T18:22:31Z``;
* :func:`find_date` — a date written somewhere in a title, a sheet name or a file name;
* :func:`parse_votes` — ``7``, ``5 prikker``, ``3 stk``, ``||||``, ``●●●``, ``3+2``.

All return ``(value, None)`` or ``(None, problem)`` where a problem is worth telling the user.
"""

from __future__ import annotations

import datetime as dt
import re

from analysis.workshops.mappings import small_sum, tally

MONTHS = {
    "januar": 1,
    "jan": 1,
    "january": 1,
    "februar": 2,
    "feb": 2,
    "february": 2,
    "mars": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "desember": 12,
    "des": 12,
    "december": 12,
    "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d/%m/%y")
_FORMATS += ("%d-%m-%Y", "%Y.%m.%d", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_WEEKDAY = re.compile(
    r"^(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|man|tir|ons|tor|fre|lør|søn)\.?,?\s+", re.I
)
#: dates inside running text, most specific first: (pattern, group order day/month/year or month/day/year)
_IN_TEXT = [
    (re.compile(r"(?<!\d)(20\d\d)-([01]?\d)-([0-3]?\d)(?!\d)"), "ymd"),
    (re.compile(r"(?<![\d.])([0-3]?\d)\.\s?([01]?\d)\.\s?((?:19|20)?\d\d)(?![\d.]\d)"), "dmy"),
    (re.compile(r"(?<![\d/])([0-3]?\d)/([01]?\d)[-/]((?:20)?\d\d)(?!\d)"), "dmy"),
    (re.compile(rf"(?<!\d)([0-3]?\d)\.?\s+({_MONTH})\.?,?\s+((?:19|20)\d\d)(?!\d)", re.I), "dMy"),
    (re.compile(rf"\b({_MONTH})\.?\s+([0-3]?\d)(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?!\d)", re.I), "Mdy"),
    (re.compile(r"(?<!\d)([0-3]\d)([01]\d)(20\d\d)(?!\d)"), "dmy"),  # 10062021 in file names
    (re.compile(r"(?<!\d)(20\d\d)[_.]?([01]\d)[_.]?([0-3]\d)(?!\d)"), "ymd"),  # 20210610, 2021_06_10
]
_NO_YEAR = [
    (re.compile(rf"^([0-3]?\d)\.?\s+({_MONTH})\.?$", re.I), "dM"),
    (re.compile(r"^([0-3]?\d)\.([01]?\d)\.?$"), "dm"),
    (re.compile(r"^([0-3]?\d)/([01]?\d)$"), "dm"),
]


def _make(year: int, month: int, day: int) -> dt.date | None:
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def parse_date(value: str, default_year: int | None = None) -> tuple[dt.date | None, str | None]:
    """A date typed in one cell: ``(date, None)``, ``(None, None)`` for a blank, or ``(None, problem)``.

    A date without a year ("8. juni", "17.6") gets ``default_year`` (the year of the meeting, from
    the title or the other dates of the table) when it is known.

    >>> parse_date("04.03.2021"), parse_date("2021-03-04")[0], parse_date("44259")[0]
    ((datetime.date(2021, 3, 4), None), datetime.date(2021, 3, 4), datetime.date(2021, 3, 4))
    >>> parse_date("18. mars 2021")[0], parse_date("tirsdag 15. juni", 2021)[0], parse_date("2021-11-02T18:22:31Z")[0]
    (datetime.date(2021, 3, 18), datetime.date(2021, 6, 15), datetime.date(2021, 11, 2))
    >>> parse_date("8. juni")
    (None, "date '8. juni' has no year (write it as DD.MM.YYYY)")
    """
    text = " ".join(str(value).split())
    if not text:
        return None, None
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date(), None
        except ValueError:
            continue
    m = _ISO_TIME.match(text)
    if m:
        return dt.date.fromisoformat(m.group(1)), None
    if _SERIAL.match(text):  # Excel serial day
        serial = int(float(text))
        if 20000 < serial < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=serial), None
    bare = _WEEKDAY.sub("", text)
    found = find_date(bare)
    if found is not None and len(bare) <= 24:
        return found, None
    for pattern, order in _NO_YEAR:
        m = pattern.match(bare)
        if m:
            day = int(m.group(1))
            month = _month(m.group(2)) if order == "dM" else int(m.group(2))
            if default_year is None:
                return None, f"date '{text}' has no year (write it as DD.MM.YYYY)"
            date = _make(default_year, month, day)
            if date is not None:
                return date, None
    return None, f"date '{text}' is not a date (write it as DD.MM.YYYY)"


def find_date(text: str) -> dt.date | None:
    """The first valid date written anywhere in ``text`` (a title, a sheet or file name), or None.

    >>> find_date("Møte i ungdomsrådet 22/4-21 – hva skal til?"), find_date("Kommunestyret 18. mars 2021")
    (datetime.date(2021, 4, 22), datetime.date(2021, 3, 18))
    >>> find_date("grendemote_somadalen_10062021"), find_date("Force field analysis – March 24, 2022")
    (datetime.date(2021, 6, 10), datetime.date(2022, 3, 24))
    >>> find_date("Mål 2: Økt innbyggertall") is None
    True
    """
    if not text or not any(c.isdigit() for c in text):
        return None
    for pattern, order in _IN_TEXT:
        for m in pattern.finditer(text):
            a, b, c = m.groups()
            if order == "ymd":
                date = _make(int(a), int(b), int(c))
            elif order == "dmy":
                date = _make(int(c), int(b), int(a))
            elif order == "dMy":
                date = _make(int(c), _month(b), int(a))
            else:  # Mdy
                date = _make(int(c), _month(a), int(b))
            if date is not None and 1990 <= date.year <= 2100:
                return date
    return None


_VOTES = re.compile(
    r"^\s*(\d+)(?:[.,]0+)?\s*(?:stemmer|stemme|prikker|prikk|prikkar|røyster|votes?|stk|likes?)?\.?\s*$", re.I
)


def parse_votes(value: str) -> tuple[int | None, str | None]:
    """Votes (dots) as a whole number ≥ 0: ``(n, None)``, ``(None, None)`` for a blank, or ``(None, problem)``.

    >>> parse_votes("7"), parse_votes("5 prikker")[0], parse_votes("|||| ||")[0], parse_votes("3+2")[0]
    ((7, None), 5, 6, 5)
    >>> parse_votes("mange")
    (None, "votes 'mange' is not a whole number of 0 or more")
    """
    text = str(value).strip()
    if not text:
        return None, None
    m = _VOTES.match(text)
    if m:
        return int(m.group(1)), None
    for count in (tally(text), small_sum(text)):
        if count is not None:
            return count, None
    return None, f"votes '{text}' is not a whole number of 0 or more"
