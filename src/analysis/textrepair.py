"""Repair text as people really typed it, before anything is matched or stored.

Every value a reader takes from a file — statement texts, but also headers, group and goal names,
sheet names and survey answers — goes through :func:`repair_text` first:

* NUL bytes and other control characters are removed (they come from broken exports and from
  binary junk pasted into a cell; a statement of only ``\\x00\\x00`` is no statement);
* mojibake is fixed with ftfy (``DrevsjÃ¸`` → ``Drevsjø``, also twice-broken ``ÃƒÂ¸``), only when
  the text shows the marks of it, so correct text is never touched;
* Unicode is put in NFC form; invisible characters (zero-width space, soft hyphen, BOM) go;
* white space (non-breaking spaces, tabs, repeated spaces) becomes one space; line breaks are kept
  when asked for (a cell with one idea per line can be split later), else they become spaces.

:func:`strip_markup` removes the formatting tags of board exports (Miro: ``<p>``, ``<br>``,
``<strong>``) and decodes their entities; any other tag (``<script>``) is left as typed, so what a
person wrote stays visible — reports escape it.

Nothing here mutates its input; every function is idempotent.
"""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy
import ftfy.bad_codecs  # noqa: F401 - registers the 'sloppy-windows-1252' codec used below

#: characters that make :func:`repair_text` do any work (the fast path skips clean text)
_NEEDS_WORK = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00a0\u00ad\u1680\u2000-\u200f\u2028\u2029\u202a-\u202f"
    "\u205f\u2060\u3000\ufeff\ufffe\uffff\t\r\n]|  |^\\s|\\s$|[ÃÂâ][\u0080-\u00ff\u0152-\u02dc\u2013-\u203a]|â€"
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ALL_SPACE = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_LINES = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_MOJIBAKE = re.compile("[ÃÂâ][\u0080-\u00ff\u0152-\u02dc\u2013-\u203a]|â€|Ã|Â ")


def repair_text(value: object, *, keep_newlines: bool = False) -> str:
    """A typed value as clean text: control characters out, mojibake fixed, NFC, white space tidy.

    Returns ``""`` for ``None``. Line breaks become spaces unless ``keep_newlines`` (then each line is
    tidied and blank lines are dropped).

    >>> repair_text("  DrevsjÃ¸\\x00 har\\u00a0 fin natur ")
    'Drevsjø har fin natur'
    >>> repair_text("FÃƒÂ¥ boliger")
    'Få boliger'
    >>> repair_text("Fjernarbeid\\r\\n\\nVi har tomter", keep_newlines=True)
    'Fjernarbeid\\nVi har tomter'
    >>> repair_text("\\x00\\x00")
    ''
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text:
        return text
    if not _NEEDS_WORK.search(text) and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        return text
    text = _LINES.sub("\n", text) if keep_newlines else text.replace("\r\n", "\n")
    if _MOJIBAKE.search(text):
        text = fix_mojibake(text)
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    text = unicodedata.normalize("NFC", text)
    if keep_newlines:
        lines = (_SPACES.sub(" ", line).strip() for line in _LINES.split(text))
        return "\n".join(line for line in lines if line)
    return _ALL_SPACE.sub(" ", text).strip()


_MOJIBAKE_WORD = re.compile(r"[^\s]*(?:[ÃÂâÅ][\u0080-\u00ff\u0152-\u02dc\u2013-\u203a]|â€)[^\s]*")


def _redecode(word: str) -> str:
    """One word read back as the UTF-8 it was before a Windows-1252 program broke it, up to twice."""
    for _ in range(2):
        try:
            fixed = word.encode("sloppy-windows-1252").decode("utf-8")
        except UnicodeError:
            break
        if fixed == word:
            break
        word = fixed
    return word


def fix_mojibake(text: str) -> str:
    """UTF-8 that was read as Windows-1252 (once or twice), put right; other text is left alone.

    ftfy first (its heuristics fix whole sentences safely); what it leaves — e.g. a capital letter
    before ``Ã¥`` (``RÃ¥det``), which ftfy considers plausible — is decoded word by word, and only a
    word that decodes cleanly is replaced.

    >>> fix_mojibake("RÃ¥det for personer i DrevsjÃ¸ og Drevsjø")
    'Rådet for personer i Drevsjø og Drevsjø'
    """
    text = ftfy.fix_text(text, uncurl_quotes=False, normalization="NFC", fix_line_breaks=False)
    if _MOJIBAKE.search(text):
        text = _MOJIBAKE_WORD.sub(lambda m: _redecode(m.group(0)), text)
    return text


_FORMAT_TAGS = re.compile(
    r"</?(?:p|br|strong|b|em|i|u|s|span|div|li|ul|ol|h[1-6]|font|mark|small|sub|sup)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_BREAK_TAGS = re.compile(r"<br\s*/?>|</p>|</div>|</li>", re.IGNORECASE)


def strip_markup(text: str) -> str:
    """Remove the formatting tags of board exports and decode their entities; other tags stay.

    >>> strip_markup("<p><strong>Næringsarealer</strong> ledig &amp; billig</p>")
    'Næringsarealer ledig & billig'
    >>> strip_markup("<script>alert('x')</script>")
    "<script>alert('x')</script>"
    """
    if "<" not in text or not _FORMAT_TAGS.search(text):
        return text
    text = _BREAK_TAGS.sub(" ", text)
    text = _FORMAT_TAGS.sub("", text)
    return _ALL_SPACE.sub(" ", html.unescape(text)).strip()
