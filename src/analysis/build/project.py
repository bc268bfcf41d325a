"""``analysis init``: a ready project folder for any municipality.

:func:`init_project` writes, for a kommunenummer (or name) in the SSB snapshot:

* ``profile.yaml`` pre-filled from the snapshot -- number, name, county, the peers (the municipalities
  of the county closest in size, the county and Norway), the standard stakeholder groups, no goals
  and no villages (the council fills those in);
* ``catalogue.yaml`` -- the population report and the overview (required), the force-field reports
  for every group in the profile and the survey report (optional: "Venter på data" until notes and
  answers are added);
* ``notebooks/`` (copies of the package's notebooks), ``data/raw/{workshops,survey,ssb}`` with a copy of
  the SSB snapshot, ``data/processed/``, ``reports/``;
* ``README.md`` on what to fill in, a ``Makefile`` that wraps the ``analysis`` command, ``.gitignore``.

Nothing is overwritten: a folder that already holds a profile or a catalogue is refused.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import jinja2

from analysis import paths
from analysis.build.catalogue import slug
from analysis.errors import AnalysisError
from analysis.population import indicators, snapshot
from analysis.profile import STANDARD_GROUPS, load_profile

TEMPLATES = Path(__file__).resolve().parent / "templates" / "project"
NOTEBOOKS = ("befolkningsutvikling.ipynb", "oversikt.ipynb", "kraftfelt_samlet.ipynb", "kraftfelt_gruppe.ipynb",
             "bolyst.ipynb")  # fmt: skip


@dataclass(frozen=True)
class Municipality:
    number: str
    name: str
    county: str
    county_name: str
    population: int
    peers: tuple[str, ...]
    peer_names: tuple[str, ...]


def find_municipality(kommune: str, ssb_dir: Path | None = None) -> Municipality:
    """The municipality ``kommune`` (a number like ``3417`` or a name like ``Grue``) in the snapshot."""
    message = snapshot.missing_files(ssb_dir)
    if message:
        raise AnalysisError(
            "the SSB snapshot is missing, so the new profile cannot be filled in; run `analysis fetch-ssb` "
            "or point ANALYSIS_SSB_DIR at a snapshot",
            file=snapshot.snapshot_dir(ssb_dir),
        )
    regions = snapshot.read_regions(ssb_dir)
    towns = regions[regions["type"] == "kommune"]
    text = str(kommune).strip()
    if text.isdigit():
        code = snapshot.region_code(text)
        hit = towns[towns["region"] == code]
    else:
        names = towns["region"].map(lambda r: snapshot.region_name(r, regions).casefold())
        hit = towns[(names == text.casefold()) | (towns["name"].str.casefold() == text.casefold())]
    if len(hit) != 1:
        raise AnalysisError(
            f"no single municipality '{text}' in the SSB snapshot (today's borders); give the 4-digit "
            "kommunenummer, e.g. --kommune 0301"
        )
    code = str(hit["region"].iloc[0])
    county = str(hit["county"].iloc[0] or "")
    totals = snapshot.latest_totals(regions, ssb_dir)
    split = snapshot.read_own_population(ssb_dir)[1]  # split so recently that a comparison would start then
    peers = tuple(indicators.default_peers(code, regions, totals, exclude=set(split) - {code}))
    return Municipality(
        number=code,
        name=snapshot.region_name(code, regions),
        county=county,
        county_name=snapshot.region_name(county, regions) if county else "",
        population=int(totals.get(code, 0)),
        peers=peers,
        peer_names=tuple(snapshot.region_name(p, regions) for p in peers),
    )


def _render(name: str, **values) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # YAML, Markdown and make files, not HTML
    )
    return env.get_template(name).render(**values)


def analysis_command() -> str:
    """The ``analysis`` executable of this installation (for the new project's Makefile)."""
    here = Path(sys.executable).parent
    for candidate in (here / "analysis", here / "analysis.exe", here / "Scripts" / "analysis.exe"):
        if candidate.is_file():
            return candidate.as_posix()
    return shutil.which("analysis") or "analysis"


def init_project(kommune: str, folder: str | Path, *, ssb_dir: Path | None = None) -> Path:
    """Create a project for ``kommune`` in ``folder`` (created if missing; must not hold a project)."""
    folder = Path(folder).expanduser().resolve()
    for existing in ("profile.yaml", "catalogue.yaml"):
        if (folder / existing).exists():
            raise AnalysisError(f"{existing} already exists; choose an empty folder for the new project", file=folder)
    source_ssb = snapshot.snapshot_dir(ssb_dir)
    town = find_municipality(kommune, source_ssb)
    checkout = paths.package_checkout()
    source_notebooks = checkout / "notebooks" if checkout is not None else paths.notebooks_dir()
    missing = [n for n in NOTEBOOKS if not (source_notebooks / n).is_file()]
    if missing:
        raise AnalysisError(
            f"the package's notebooks ({', '.join(missing)}) were not found; run `analysis init` from an "
            "installation made from the repository (pip install -e .)",
            file=source_notebooks,
        )
    values = {
        "town": town,
        "slug": slug(town.name),
        "groups": STANDARD_GROUPS,
        "analysis": analysis_command(),
    }
    for sub in ("data/raw/workshops", "data/raw/survey", "data/processed", "reports", "notebooks"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    shutil.copytree(source_ssb, folder / "data" / "raw" / "ssb", dirs_exist_ok=True)
    for name in NOTEBOOKS:
        shutil.copyfile(source_notebooks / name, folder / "notebooks" / name)
    for name in ("profile.yaml", "catalogue.yaml", "README.md", "Makefile", ".gitignore"):
        target = folder / name
        if name in ("README.md", "Makefile", ".gitignore") and target.exists():
            continue  # never overwrite the user's own files
        target.write_text(_render(f"{name.lstrip('.')}.j2", **values), encoding="utf-8", newline="\n")
    for keep in (
        "data/processed/.gitkeep",
        "reports/.gitkeep",
        "data/raw/workshops/.gitkeep",
        "data/raw/survey/.gitkeep",
    ):
        (folder / keep).touch()
    load_profile(folder / "profile.yaml")  # the written profile must be valid
    return folder
