"""Robust, atomic file handling shared by every part of the package.

* ``atomic_write_bytes`` / ``atomic_write_text`` / ``atomic_path``: write to a
  temporary file in the target folder, then rename, so a crash never leaves a
  half-written file.
* ``file_hash`` / ``bytes_hash``: content hashes (BLAKE2b) for manifests.
* ``decode_bytes`` / ``read_text``: text in UTF-8, UTF-8 with BOM or
  Windows-1252/Latin-1, detected rather than configured.
* ``sniff_delimiter``: which of ``;``, ``,`` or tab a CSV text uses.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from analysis.errors import AnalysisError

_CHUNK = 1 << 20


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; rename it onto ``target`` on success.

    On an exception the temporary file is removed and ``target`` is untouched.
    The temporary name keeps the target's suffix so libraries that look at the
    extension (papermill, pandas) behave.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.",
        suffix=suffix if suffix is not None else ".tmp" + target.suffix,
        dir=target.parent,
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def atomic_write_bytes(target: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return the path."""
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(target)


def atomic_write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically (UTF-8 by default) and return the path."""
    return atomic_write_bytes(target, text.encode(encoding))


def bytes_hash(data: bytes) -> str:
    """Hex BLAKE2b-128 digest of ``data``.

    >>> bytes_hash(b"Engerdal")[:12]
    'f3d5f8a50e28'
    """
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_hash(path: str | Path) -> str:
    """Hex BLAKE2b-128 digest of a file's content, read in chunks."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def decode_bytes(data: bytes, *, file: str | Path | None = None) -> tuple[str, str]:
    """Decode text that may be UTF-8 (with or without BOM) or Windows-1252/Latin-1.

    Returns ``(text, encoding)``. UTF-8 is tried first because Windows-1252
    accepts almost any byte sequence; a file that is valid UTF-8 is UTF-8.

    >>> decode_bytes("Sømådalen".encode("cp1252"))
    ('Sømådalen', 'cp1252')
    >>> decode_bytes("\\ufeffDrevsjø".encode("utf-8"))
    ('Drevsjø', 'utf-8-sig')
    """
    if b"\x00" in data[:4096]:
        raise AnalysisError(
            "this is a binary file, not text (is it a spreadsheet saved with the wrong name?)",
            file=file,
        )
    for enc in _ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig" and not data.startswith(b"\xef\xbb\xbf"):
            enc = "utf-8"
        return text, enc
    raise AnalysisError("could not decode the text", file=file)  # pragma: no cover (latin-1 decodes all)


def read_text(path: str | Path) -> tuple[str, str]:
    """Read a text file in whichever of UTF-8/UTF-8-BOM/Windows-1252 it is in."""
    return decode_bytes(Path(path).read_bytes(), file=path)


def sniff_delimiter(text: str, candidates: str = ";,\t") -> str:
    """Guess the delimiter of CSV text among ``;``, ``,`` and tab.

    Chooses the candidate that splits the first lines into the most consistent,
    largest number of fields (quotes respected).

    >>> sniff_delimiter("gruppe;mål;tekst\\nUR;1;Flere boliger, ikke færre\\n")
    ';'
    """
    lines = [ln for ln in text.splitlines() if ln.strip()][:20]
    if not lines:
        return ","
    best, best_score = ",", (-1, -1)
    sample = "\n".join(lines)
    for delim in candidates:
        rows = list(csv.reader(io.StringIO(sample), delimiter=delim))
        counts = [len(r) for r in rows if r]
        if not counts or max(counts) < 2:
            continue
        header = counts[0]
        consistent = sum(1 for c in counts if c == header)
        score = (consistent, header)
        if score > best_score:
            best, best_score = delim, score
    return best
