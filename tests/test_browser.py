"""Every built report in a real browser (headless Chromium driven by Playwright), network blocked.

For each HTML page the catalogue builds (and the index):
- it renders with no console error, no page error and no failed resource;
- it makes no network request at all;
- every image has loaded and has alt text; headings are in order; æ, ø, å render;
- axe-core reports no serious or critical accessibility violation;
- a screenshot is saved under test-artifacts/screenshots/.

Chromium comes from Debian (/usr/bin/chromium); .ci/run installs it when missing. Without Chromium
the tests are skipped with a message, except in CI (CI set), where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from analysis.build.catalogue import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = next(
    (
        p
        for p in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
        if p and Path(p).exists()
    ),
    None,
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _require_chromium() -> str:
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing in CI: .ci/run should have installed it (apt-get install chromium)")
    pytest.skip("no Chromium at /usr/bin/chromium (install it with `apt-get install chromium`); browser tests skipped")


@pytest.fixture(scope="module")
def browser():
    exe = _require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed")
    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=exe, headless=True, args=LAUNCH_ARGS)
    yield b
    b.close()
    pw.stop()


def _visit(browser, path: Path) -> dict:
    """Open a page with the network blocked; return what happened."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    events: dict[str, list] = {"requests": [], "console": [], "pageerrors": [], "failed": [], "dialogs": []}
    page_url = path.resolve().as_uri()

    def on_route(route):
        url = route.request.url
        if url == page_url or url.startswith("data:"):
            route.continue_()
        else:
            events["requests"].append(url)
            route.abort()

    context.route("**/*", on_route)
    page = context.new_page()
    page.on(
        "request",
        lambda r: None if (r.url == page_url or r.url.startswith("data:")) else events["requests"].append(r.url),
    )
    page.on("console", lambda m: events["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: events["pageerrors"].append(str(e)))
    page.on("requestfailed", lambda r: events["failed"].append(r.url))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.goto(page_url, wait_until="load")
    events["page"] = page
    events["context"] = context
    return events


def _check(browser, path: Path) -> dict:
    """Open one page (network blocked), run every check on it and save a screenshot."""
    ev = _visit(browser, path)
    page = ev.pop("page")
    context = ev.pop("context")
    ev["images"] = page.evaluate(
        """() => Array.from(document.images).map(i => ({
               alt: i.getAttribute('alt'), ok: i.complete && i.naturalWidth > 0, src: i.src.slice(0, 30)}))"""
    )
    # charts are inline SVG: each has an accessible name (its <title>) and all its text inside its box
    ev["charts"] = page.evaluate(
        """() => Array.from(document.querySelectorAll('figure svg')).map(svg => {
               const box = svg.viewBox.baseVal; const out = [];
               for (const t of svg.querySelectorAll('text')) {
                 if (!t.textContent.trim()) continue;
                 const b = t.getBBox(); const m = t.getCTM(); const root = svg.getCTM().inverse();
                 const p1 = new DOMPoint(b.x, b.y).matrixTransform(m).matrixTransform(root);
                 const p2 = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(m).matrixTransform(root);
                 const lo = [Math.min(p1.x, p2.x), Math.min(p1.y, p2.y)], hi = [Math.max(p1.x, p2.x), Math.max(p1.y, p2.y)];
                 if (lo[0] < box.x - 1 || lo[1] < box.y - 1 || hi[0] > box.x + box.width + 1 || hi[1] > box.y + box.height + 1)
                   out.push(t.textContent.slice(0, 40));
               }
               const title = svg.querySelector('title');
               return {name: title ? title.textContent : '', role: svg.getAttribute('role'), clipped: out};
             })"""
    )
    ev["headings"] = page.evaluate(
        "() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => [Number(h.tagName[1]), h.innerText])"
    )
    ev["text"] = page.evaluate("() => document.body.innerText")
    ev["lang"] = page.evaluate("() => document.documentElement.lang")
    ev["script_ran"] = page.evaluate("() => window.__planted_script_ran === true")
    ev["axe"] = Axe().run(page).response
    ev["toc"] = page.evaluate("() => document.querySelectorAll('nav.toc a').length")
    ev["sections"] = page.evaluate("() => document.querySelectorAll('main h2').length")
    ev["widths"] = {}
    for width in (390, 1280):  # a phone and a laptop: nothing wider than the screen outside a scroll box
        page.set_viewport_size({"width": width, "height": 900})
        ev["widths"][width] = page.evaluate(
            """() => { const w = document.documentElement.clientWidth; const bad = [];
                 for (const el of document.querySelectorAll('body *')) {
                   if (el.closest('.table-wrap, .wrap, pre, .figure-scroll')) continue;
                   const r = el.getBoundingClientRect();
                   if (r.width > 0 && r.right > w + 1) bad.push(el.tagName.toLowerCase() + '.' + el.className);
                 }
                 return {scroll: document.documentElement.scrollWidth, width: w, bad: bad.slice(0, 5)}; }"""
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # A full-page JPEG: half the time of a PNG on these long pages, and enough to look at.
    page.screenshot(path=str(ARTIFACTS / f"{path.stem}.jpg"), full_page=True, type="jpeg", quality=70)
    context.close()
    return ev


def _problems(name: str, ev: dict) -> list[str]:
    out = []
    for key in ("console", "pageerrors", "failed"):
        if ev[key]:
            out.append(f"{key}: {ev[key]}")
    if ev["requests"]:
        out.append(f"network requests: {ev['requests']}")
    for chart in ev["charts"]:
        if chart["role"] != "img" or not chart["name"].strip():
            out.append("a chart has no accessible name (<title>)")
        if chart["clipped"]:
            out.append(f"text outside its chart: {chart['clipped'][:3]}")
    for img in ev["images"]:
        if not img["ok"]:
            out.append(f"an image did not load ({img['src']}…)")
        if not (img["alt"] and img["alt"].strip()):
            out.append("an image has no alt text")
    levels = [lvl for lvl, _ in ev["headings"]]
    if not levels or levels[0] != 1 or levels.count(1) != 1:
        out.append(f"the page must start with exactly one <h1>: {ev['headings'][:3]}")
    for prev, cur in zip(levels, levels[1:]):
        if cur > prev + 1:
            out.append(f"heading jumps from h{prev} to h{cur}")
    if ev["lang"] != "nb":
        out.append(f"lang is {ev['lang']!r}, not 'nb'")
    if not re.search("[æøåÆØÅ]", ev["text"]):
        out.append("no æ, ø or å on the page")
    for bad in ("Ã¸", "Ã¥", "Ã¦", "Ã˜", "\ufffd"):
        if bad in ev["text"]:
            out.append(f"mojibake {bad!r} on the page")
    out += [
        f"accessibility: {v['id']} ({v['impact']}): {v['help']} – {len(v['nodes'])} element(s)"
        for v in ev["axe"]["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    if ev["dialogs"]:
        out.append(f"a planted script opened a dialog: {ev['dialogs']}")
    for width, w in ev["widths"].items():
        if w["scroll"] > w["width"] or w["bad"]:
            out.append(f"at {width} px the page scrolls sideways ({w['scroll']} > {w['width']}): {w['bad']}")
    toc_sections = ev["sections"] - (1 if ev["toc"] else 0)
    if toc_sections >= 4 and not ev["toc"]:
        out.append(f"{toc_sections} sections but no table of contents")
    if ev["script_ran"]:
        out.append("a planted script ran")
    return out


# One test per page (the index and every report), so the xdist workers share the pages. Each page is
# checked for: no console error, page error or failed resource; no network request; every image loaded
# and with alt text; one <h1> and headings in order; lang="nb"; æøå and no mojibake; no serious or
# critical axe violation; no planted script ran; and a screenshot saved.
PAGES = ["index", *(e.output for e in load_catalogue(REPO / "catalogue.yaml").reports)]


@pytest.mark.parametrize("stem", PAGES)
def test_page_in_a_real_browser(browser, built_catalogue, stem: str) -> None:
    path = Path(built_catalogue["reports"]) / f"{stem}.html"
    assert path.is_file(), f"{path.name} was not built"
    problems = _problems(path.name, _check(browser, path))
    assert not problems, f"{path.name}: " + "; ".join(problems)
    assert (ARTIFACTS / f"{stem}.jpg").stat().st_size > 10_000, "screenshot not saved"


def test_the_accessibility_check_finds_planted_violations(browser, tmp_path: Path) -> None:
    """The page check is not blind: a page with planted faults fails it, each fault named, every node counted
    (axe-playwright-python asks axe only for the violations, which drops the passes but not a violation's nodes)."""
    page = tmp_path / "planted.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plantet</title></head><body>'
        "<h1>Plantet side</h1><h3>Hopp fra h1 til h3</h3>"
        '<p style="color:#bbbbbb;background:#ffffff">Lys grå tekst på hvitt, for svak kontrast.</p>'
        '<p style="color:#cccccc;background:#ffffff">Enda en svak linje med æøå.</p>'
        "<button></button><button></button><button></button>"
        "</body></html>",
        encoding="utf-8",
    )
    ev = _check(browser, page)
    violations = {v["id"]: len(v["nodes"]) for v in ev["axe"]["violations"]}
    assert violations.get("color-contrast") == 2, violations
    assert violations.get("button-name") == 3, violations
    problems = "; ".join(_problems(page.name, ev))
    for expected in (
        "color-contrast (serious)",
        "button-name (critical)",
        "heading jumps from h1 to h3",
        "lang is 'en'",
    ):
        assert expected in problems, problems


# --------------------------------------------------------------------------- PDF for the meeting papers


@pytest.mark.slow
def test_shareable_reports_print_to_a4_pdf_with_title_date_page_numbers_and_aeoeaa(built_catalogue, tmp_path):
    import pypdf

    from analysis.build.catalogue import load_catalogue

    _require_chromium()
    reports = Path(built_catalogue["reports"])
    manifest = json.loads((reports / "build-manifest.json").read_text())
    shareable = [e for e in load_catalogue(REPO / "catalogue.yaml").reports if e.shareable]
    # one report per notebook is enough to cover every kind of page (the PDF is the same HTML printed)
    chosen = list({e.notebook: e for e in shareable}.values())
    jobs = []
    for e in chosen:
        shutil.copyfile(reports / f"{e.output}.html", tmp_path / f"{e.output}.html")
        jobs.append((tmp_path / f"{e.output}.html", e.title, manifest["reports"][e.id]["built"]))
    # in a process of its own: this module's browser (Playwright's sync API) is already running here
    script = (
        "import json, sys; from pathlib import Path; from analysis.build.pdf import write_pdfs; "
        "jobs = [(Path(p), t, d) for p, t, d in json.loads(sys.argv[1])]; print(json.dumps(write_pdfs(jobs)))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, json.dumps([(str(p), t, d) for p, t, d in jobs])],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    written = json.loads(proc.stdout)
    assert len(written) == len(chosen)
    for e in chosen:
        reader = pypdf.PdfReader(tmp_path / f"{e.output}.pdf")
        page = reader.pages[0]
        assert abs(float(page.mediabox.width) - 595.3) < 2 and abs(float(page.mediabox.height) - 841.9) < 2  # A4
        text = "\n".join(p.extract_text() for p in reader.pages)
        assert e.title in text, e.id
        assert f"Side 1 av {len(reader.pages)}" in text and f"Side {len(reader.pages)} av {len(reader.pages)}" in text
        assert text.count(manifest["reports"][e.id]["built"]) >= len(reader.pages)  # the date on every page
        assert any(ch in text for ch in "æøå") and "Ã" not in text  # Norwegian letters as text, not mojibake
        fonts = {f for p in reader.pages for f in (p.get("/Resources", {}).get("/Font", {}) or {}).values()}
        assert fonts and all("/FontFile2" in str(f.get_object().get("/FontDescriptor", {}) or f.get_object()) or
                             "/DescendantFonts" in str(f.get_object()) for f in fonts)  # fmt: skip
