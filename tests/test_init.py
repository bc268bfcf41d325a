"""``analysis init`` and ``analysis reports`` for other municipalities, in temporary folders.

Three municipalities of different size and county: Grue (Innlandet, about 4 500, no goals), Utsira
(Rogaland, the smallest in Norway, no goals) and Tromsø (Troms, about 78 000, with goals and a target
added to its profile). The projects are built once per session (shared by the tests that read them).
"""

from __future__ import annotations

import getpass
import html as html_lib
import json
import os
import re
import socket
import zipfile
from pathlib import Path

import pytest

from analysis import cli
from analysis.build.project import find_municipality, init_project
from analysis.errors import AnalysisError
from analysis.profile import load_profile
from conftest import REPO, once_per_session, ssb_snapshot_dir

pytestmark = pytest.mark.skipif(ssb_snapshot_dir() is None, reason="no SSB snapshot")

TOWNS = {"grue": "3417", "utsira": "1151", "tromso": "5501"}
TROMSO_GOALS = """goals:
  - id: innbyggertall
    label: Flere innbyggere
    indicator: {kind: population_total}
    target: {value: 80000, year: 2032}
  - id: unge
    label: Flere unge
    indicator: {kind: age_bands, bands: [[0, 19], [20, 39]]}
"""


def page_text(path: Path) -> str:
    """What a reader sees: the page without styles, images and tags."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'src="data:[^"]*"', "", page)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _build_towns(folder: Path) -> dict:
    out = {}
    saved_cwd, saved_env = Path.cwd(), dict(os.environ)
    try:
        for key, number in TOWNS.items():
            project = init_project(number, folder / key, ssb_dir=ssb_snapshot_dir())
            if key == "tromso":
                profile = project / "profile.yaml"
                profile.write_text(profile.read_text("utf-8").replace("goals: []\n", TROMSO_GOALS), "utf-8")
            # As a user would: in the project folder, no folder variables (the project is found from here).
            for var in [v for v in os.environ if v.startswith("ANALYSIS_")]:
                del os.environ[var]
            os.environ["SOURCE_DATE_EPOCH"] = "1785312000"
            os.chdir(project)
            rc = cli.main(["reports", "--jobs", "2"])
            share = cli.main(["share"])
            out[key] = {"rc": rc, "share_rc": share, "project": str(project)}
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return out


@pytest.fixture(scope="session")
def towns(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return once_per_session(tmp_path_factory, "init-towns", _build_towns)


def _manifest(project: str) -> dict:
    return json.loads((Path(project) / "reports" / "build-manifest.json").read_text())["reports"]


def test_profiles_are_filled_in_from_the_snapshot(towns: dict) -> None:
    grue = load_profile(Path(towns["grue"]["project"]) / "profile.yaml")
    assert (grue.kommune.number, grue.kommune.name, grue.kommune.county) == ("3417", "Grue", "34")
    assert grue.goals == () and grue.villages == ()
    assert [g.id for g in grue.groups] == [
        "arbeidsgruppe",
        "kommunestyret",
        "ungdomsradet",
        "eldreradet",
        "funksjonshemmede",
    ]
    # peers: four municipalities of Innlandet, then the county and Norway
    assert len(grue.peers) == 6 and grue.peers[-2:] == ("34", "0")
    assert all(p.startswith("34") and len(p) == 4 for p in grue.peers[:4])
    tromso = load_profile(Path(towns["tromso"]["project"]) / "profile.yaml")
    assert tromso.kommune.county == "55" and all(p.startswith("55") for p in tromso.peers[:4])
    utsira = load_profile(Path(towns["utsira"]["project"]) / "profile.yaml")
    assert utsira.kommune.county == "11" and utsira.peers[-2:] == ("11", "0")


def test_population_and_overview_built_at_once_the_rest_waits(towns: dict) -> None:
    for key, info in towns.items():
        assert info["rc"] == 0, key
        reports = _manifest(info["project"])
        slug = {"grue": "grue", "utsira": "utsira", "tromso": "tromso"}[key]
        assert reports[f"befolkning-{slug}"]["status"] == "ok", (key, reports[f"befolkning-{slug}"])
        assert reports[f"oversikt-{slug}"]["status"] == "ok", (key, reports[f"oversikt-{slug}"])
        waiting = {k for k, v in reports.items() if v["status"] == "waiting"}
        assert waiting == {
            "kraftfelt-samlet",
            f"bolyst-{slug}",
            *(
                f"kraftfelt-{g}"
                for g in ("arbeidsgruppe", "kommunestyret", "ungdomsradet", "eldreradet", "funksjonshemmede")
            ),
        }
        index = (Path(info["project"]) / "reports" / "index.html").read_text("utf-8")
        assert "Venter på data" in index and "feilet" not in index


def test_grue_names_neither_engerdal_nor_its_target(towns: dict) -> None:
    reports = Path(towns["grue"]["project"]) / "reports"
    for page in reports.glob("*.html"):
        text = page_text(page)
        assert "Engerdal" not in text, page.name
        assert "1 300" not in text and "1300" not in text, page.name
        assert "dagens nivå" not in text.lower(), page.name
    population = page_text(reports / "befolkningsutvikling-grue.html")
    assert "4 463 innbyggere 1. januar 2026" in population.replace("Grue hadde ", "")
    assert "Det er ikke lagt inn noe tallfestet mål for folketallet i Grue" in population
    assert "Mål for" not in population  # no target key figure
    overview = page_text(reports / "oversikt-grue.html")
    assert "Kommunestyrets mål er ikke lagt inn" in overview and "vei til målet" not in overview


def test_tromso_measures_its_own_target(towns: dict) -> None:
    reports = Path(towns["tromso"]["project"]) / "reports"
    population = page_text(reports / "befolkningsutvikling-tromso.html")
    assert "minst 80 000 Mål for 2032" in population
    assert "Engerdal" not in population
    overview = page_text(reports / "oversikt-tromso.html")
    assert "Flere innbyggere" in overview and "80 000" in overview


def test_utsira_compares_with_small_municipalities_of_rogaland(towns: dict) -> None:
    population = page_text(Path(towns["utsira"]["project"]) / "reports" / "befolkningsutvikling-utsira.html")
    assert "Rogaland" in population and "Engerdal" not in population
    assert "de kommunene i samme fylke som ligger nærmest i folketall" in population


def test_no_local_path_user_or_host_in_reports_or_share_bundle(towns: dict, built_catalogue: dict) -> None:
    home, user, host = str(Path.home()), getpass.getuser(), socket.gethostname()
    forbidden = [str(REPO), home, f"/{user}/", f"\\{user}\\", *(info["project"] for info in towns.values())]
    files = [Path(built_catalogue["reports"]).glob("*.html"), Path(built_catalogue["reports"]).glob("*.ipynb")]
    texts: dict[str, str] = {}
    for group in files:
        for f in group:
            texts[f.name] = f.read_text("utf-8")
    for info in towns.values():
        reports = Path(info["project"]) / "reports"
        for f in [*reports.glob("*.html"), *reports.glob("*.ipynb"), *(reports / "deling").rglob("*.html")]:
            texts[str(f.relative_to(reports))] = f.read_text("utf-8")
        with zipfile.ZipFile(reports / "deling.zip") as bundle:
            for name in bundle.namelist():
                texts[f"deling.zip:{name}"] = bundle.read(name).decode("utf-8", "replace")
    assert len(texts) > 40
    for name, text in texts.items():
        visible = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", "", text)
        for word in forbidden:
            assert word not in visible, (name, word)
        if len(host) >= 4:
            assert not re.search(rf"\b{re.escape(host)}\b", visible), (name, host)


def test_init_refuses_an_existing_project_and_unknown_municipalities(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="no single municipality"):
        find_municipality("9999", ssb_snapshot_dir())
    assert find_municipality("grue", ssb_snapshot_dir()).number == "3417"
    (tmp_path / "profile.yaml").write_text("kommune: {number: '3417', name: Grue}\n")
    with pytest.raises(AnalysisError, match="already exists"):
        init_project("3417", tmp_path, ssb_dir=ssb_snapshot_dir())
    assert cli.main(["init", str(tmp_path / "new"), "--kommune", "9999"]) == 2


def test_readme_tells_what_to_fill_in(towns: dict) -> None:
    readme = (Path(towns["grue"]["project"]) / "README.md").read_text("utf-8")
    assert "profile.yaml" in readme and "data/raw/workshops" in readme and "analysis reports" in readme
    makefile = (Path(towns["grue"]["project"]) / "Makefile").read_text("utf-8")
    assert re.search(r"^reports:\n\t.*analysis.* reports", makefile, flags=re.M | re.I)


def test_every_chart_of_other_municipalities_has_trustworthy_tick_labels(towns: dict) -> None:
    """Grue and Utsira set no target, so their overview charts end in this year: the years read «2005.0 2007.5»."""
    from svgticks import charts, label_problems

    problems = {}
    for key, info in towns.items():
        for page in sorted((Path(info["project"]) / "reports").glob("*.html")):
            for k, svg in enumerate(charts(page.read_text("utf-8"))):
                if found := label_problems(svg):
                    problems[f"{key}/{page.name} chart {k + 1}"] = found[:3]
    assert not problems, problems
