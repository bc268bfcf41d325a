"""The sharing bundle: the reports that may leave the municipality, ready to send.

``make_share_bundle()`` copies the HTML of every report marked ``shareable``
in the catalogue that built successfully into ``reports/deling/``, writes an
index that lists only those, and packs the folder into ``reports/deling.zip``.
Executed notebooks (``.ipynb``) are never included: they hold code and
intermediate outputs. Internal reports are never included, whatever their
status. The zip is deterministic (fixed timestamps, sorted entries).
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from analysis import paths
from analysis.build.catalogue import load_catalogue
from analysis.build.index import render_index
from analysis.build.manifest import read_manifest
from analysis.errors import AnalysisError
from analysis.fileio import atomic_path, atomic_write_text

SHARE_DIR = "deling"
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def make_share_bundle(zip_path: Path | None = None, catalogue: Path | None = None) -> Path:
    """Collect the shareable reports into ``reports/deling/`` and a zip; return the zip's path.

    Raises :class:`AnalysisError` when no shareable report has been built.
    """

    reports = paths.reports_dir()
    cat = load_catalogue(catalogue)
    manifest = read_manifest(reports)
    chosen = [
        e
        for e in cat.reports
        if e.shareable
        and manifest["reports"].get(e.id, {}).get("status") == "ok"
        and (reports / f"{e.output}.html").is_file()
    ]
    if not chosen:
        raise AnalysisError("no shareable report has been built yet: run `analysis build` first", file=reports)
    out_dir = reports / SHARE_DIR
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for e in chosen:
        shutil.copyfile(reports / f"{e.output}.html", out_dir / f"{e.output}.html")
        pdf = manifest["reports"][e.id].get("pdf")
        if pdf and (reports / pdf).is_file():
            shutil.copyfile(reports / pdf, out_dir / pdf)  # the meeting papers
    shared_manifest = {"reports": {e.id: manifest["reports"][e.id] for e in chosen}}
    # The bundle's index lists what is in the bundle: reports waiting for data or failed are left out.
    bundled = cat.model_copy(update={"reports": chosen})
    atomic_write_text(out_dir / "index.html", render_index(bundled, shared_manifest, only_shareable=True))
    zip_path = Path(zip_path) if zip_path else reports / f"{SHARE_DIR}.zip"
    with atomic_path(zip_path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(out_dir.iterdir()):
                info = zipfile.ZipInfo(f"{SHARE_DIR}/{f.name}", date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, f.read_bytes())
    return zip_path
