"""Which files this process read: the package's readers record each one (path and content hash).

The build runs every report in a fresh kernel and, after the last cell, asks the kernel for
:func:`recorded_json`; the record goes into the executed notebook's metadata
(``metadata.analysis.inputs``, never shown on the page) and into the build manifest, where the next
build's rebuild decision uses it. So the files a report depends on are found, not declared: a reader
that starts reading a new file makes the reports that call it depend on that file at once.

* :func:`record` — called by a reader with the file it reads (or looked for and did not find: an
  absent optional file is recorded as :data:`ABSENT`, so adding it later rebuilds the report);
* :func:`portable` / :func:`resolve` — a path relative to a known folder (``{ssb}/components.csv``,
  ``{processed}/statements.parquet``, ``{root}/profile.yaml``), so a record does not depend on where
  the data live on this machine, and back;
* :func:`recorded` / :func:`recorded_json` / :func:`reset` — the record of this process.

Files inside the installed package (codebooks, word lists) are not recorded: the build's code hash
covers them. This module is a shared rule (ground floor): it imports nothing but :mod:`analysis.paths`
and :mod:`analysis.fileio`, and never the build.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from analysis import paths
from analysis.fileio import file_hash

#: The hash recorded for a file a reader looked for and did not find.
ABSENT = "absent"

#: Known folders, most specific first: a recorded path is written relative to the first that holds it.
_FOLDERS = (
    ("processed", paths.processed_dir),
    ("ssb", paths.ssb_dir),
    ("raw", paths.raw_dir),
    ("data", paths.data_dir),
    ("root", paths.project_root),
)

_RECORD: dict[str, str] = {}
#: Content hashes by (path, size, mtime_ns): a file read many times in one process is hashed once.
_HASHES: dict[tuple[str, int, int], str] = {}
#: What :func:`record` found for a path with a given size, mtime and set of folders: (portable name, hash),
#: or None for a file inside the package. Keeps a reader called in a loop (the profile) cheap.
_SEEN: dict[tuple, tuple[str, str] | None] = {}


def portable(path: str | Path) -> str:
    """``path`` relative to the first known folder that holds it, e.g. ``{ssb}/regions.csv``; else absolute.

    >>> portable(paths.ssb_dir() / "regions.csv")
    '{ssb}/regions.csv'
    """
    resolved = Path(path).expanduser().resolve()
    for label, folder in _FOLDERS:
        try:
            return f"{{{label}}}/{resolved.relative_to(folder().resolve()).as_posix()}"
        except ValueError:
            continue
    return resolved.as_posix()


def resolve(name: str) -> Path:
    """The file a :func:`portable` name stands for, with today's folders (``ANALYSIS_SSB_DIR`` ...).

    >>> resolve("{ssb}/regions.csv") == paths.ssb_dir() / "regions.csv"
    True
    """
    for label, folder in _FOLDERS:
        prefix = f"{{{label}}}/"
        if name.startswith(prefix):
            return folder() / name[len(prefix) :]
    return Path(name)


def content_hash(path: str | Path) -> str:
    """The file's content hash (:func:`analysis.fileio.file_hash`), or :data:`ABSENT` when it is not a file."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return ABSENT
    if not p.is_file():
        return ABSENT
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    found = _HASHES.get(key)
    if found is None:
        found = _HASHES[key] = file_hash(p)
    return found


def _in_package(path: Path) -> bool:
    try:
        path.resolve().relative_to(paths.PACKAGE_DIR)
    except ValueError:
        return False
    return True


def record(path: str | Path) -> None:
    """Note that this process read ``path`` (or looked for it and found nothing). Never raises.

    The content hash is taken when the file is read, so a file changed during a build is noticed at
    the next one.
    """
    try:
        p = Path(path)
        try:
            st = os.stat(p)
            key = (str(p), st.st_size, st.st_mtime_ns, *paths.data_folders_key())  # what _FOLDERS depend on
        except OSError:
            key = None
        if key is not None and key in _SEEN:  # the same file, unchanged, under the same folders: no resolving again
            hit = _SEEN[key]
            if hit is not None:
                _RECORD[hit[0]] = hit[1]
            return
        if _in_package(p):
            if key is not None:
                _SEEN[key] = None
            return
        name, digest = portable(p), content_hash(p)
        _RECORD[name] = digest
        if key is not None and digest != ABSENT:
            _SEEN[key] = (name, digest)
    except OSError:  # a folder that vanished: the reader itself reports it
        return


def recorded() -> dict[str, str]:
    """The files read so far in this process: portable path → content hash, sorted by path."""
    return dict(sorted(_RECORD.items()))


def recorded_json() -> str:
    """:func:`recorded` as JSON text (what the build asks a kernel for after the last cell)."""
    return json.dumps(recorded(), sort_keys=True, ensure_ascii=False)


def reset() -> None:
    """Forget what was recorded (tests; a long-lived process starting a new unit of work)."""
    _RECORD.clear()


def hash_of(name: str) -> str:
    """The current content hash of a recorded (portable) name, with today's folders."""
    return content_hash(resolve(name))


__all__ = ["ABSENT", "content_hash", "hash_of", "portable", "record", "recorded", "recorded_json", "reset", "resolve"]
