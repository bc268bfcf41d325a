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

import os
import re
import shutil
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
    ev["headings"] = page.evaluate(
        "() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => [Number(h.tagName[1]), h.innerText])"
    )
    ev["text"] = page.evaluate("() => document.body.innerText")
    ev["lang"] = page.evaluate("() => document.documentElement.lang")
    ev["script_ran"] = page.evaluate("() => window.__planted_script_ran === true")
    ev["axe"] = Axe().run(page).response
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
