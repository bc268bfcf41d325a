"""Analysis package for "kommunen som samfunnsutvikler".

Keep this module light: the command line imports it on every call, and a
rebuild with nothing changed must finish in well under a second. Heavy
libraries (pandas, matplotlib, papermill) are imported where they are used.
"""

from __future__ import annotations

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("kommune-analyse")
except _metadata.PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
