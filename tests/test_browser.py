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

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "") if p and Path(p).exists()), None)
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


def _pages(built: dict) -> list[Path]:
    reports = Path(built["reports"])
    return sorted(reports.glob("*.html"))


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
    page.on("request", lambda r: None if (r.url == page_url or r.url.startswith("data:")) else events["requests"].append(r.url))
    page.on("console", lambda m: events["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: events["pageerrors"].append(str(e)))
    page.on("requestfailed", lambda r: events["failed"].append(r.url))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.goto(page_url, wait_until="load")
    events["page"] = page
    events["context"] = context
    return events


@pytest.fixture(scope="module")
def visited(browser, built_catalogue):
    pages = _pages(built_catalogue)
    assert pages, "the catalogue built no HTML"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for path in pages:
        ev = _visit(browser, path)
        page = ev["page"]
        ev["images"] = page.evaluate(
            """() => Array.from(document.images).map(i => ({
                   alt: i.getAttribute('alt'), ok: i.complete && i.naturalWidth > 0, src: i.src.slice(0, 30)}))"""
        )
        ev["headings"] = page.evaluate("() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => [Number(h.tagName[1]), h.innerText])")
        ev["text"] = page.evaluate("() => document.body.innerText")
        ev["lang"] = page.evaluate("() => document.documentElement.lang")
        ev["script_ran"] = page.evaluate("() => window.__planted_script_ran === true")
        from axe_playwright_python.sync_playwright import Axe

        ev["axe"] = Axe().run(page).response
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"), full_page=True)
        ev["context"].close()
        del ev["page"], ev["context"]
        results[path.name] = ev
    return results


def test_pages_render_without_errors(visited) -> None:
    problems = {
        name: {k: ev[k] for k in ("console", "pageerrors", "failed") if ev[k]}
        for name, ev in visited.items()
        if ev["console"] or ev["pageerrors"] or ev["failed"]
    }
    assert not problems, problems


def test_no_network_requests(visited) -> None:
    requests = {name: ev["requests"] for name, ev in visited.items() if ev["requests"]}
    assert not requests, requests


def test_images_loaded_with_alt_text(visited) -> None:
    for name, ev in visited.items():
        for img in ev["images"]:
            assert img["ok"], f"{name}: an image did not load ({img['src']}…)"
            assert img["alt"] and img["alt"].strip(), f"{name}: an image has no alt text"


def test_headings_in_order_and_language(visited) -> None:
    for name, ev in visited.items():
        levels = [lvl for lvl, _ in ev["headings"]]
        assert levels and levels[0] == 1, f"{name}: the page must start with one <h1>"
        assert levels.count(1) == 1, f"{name}: exactly one <h1>"
        for prev, cur in zip(levels, levels[1:]):
            assert cur <= prev + 1, f"{name}: heading jumps from h{prev} to h{cur}: {ev['headings']}"
        assert ev["lang"] == "nb"


def test_norwegian_letters_render(visited) -> None:
    for name, ev in visited.items():
        text = ev["text"]
        assert re.search("[æøåÆØÅ]", text), f"{name}: no æ, ø or å on the page"
        for bad in ("Ã¸", "Ã¥", "Ã¦", "Ã˜", "\ufffd"):
            assert bad not in text, f"{name}: mojibake {bad!r} on the page"


def test_no_serious_accessibility_violations(visited) -> None:
    found = {}
    for name, ev in visited.items():
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} – {len(v['nodes'])} element(s)"
            for v in ev["axe"]["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        if bad:
            found[name] = bad
    assert not found, found


def test_planted_script_stays_inert(visited) -> None:
    for name, ev in visited.items():
        assert not ev["dialogs"], f"{name}: a planted script opened a dialog: {ev['dialogs']}"
        assert not ev["script_ran"], f"{name}: a planted script ran"
    shown = [name for name, ev in visited.items() if "<script>" in ev["text"]]
    assert shown, "the planted <script> text from the workshop data should appear as plain text in some report"


def test_screenshots_saved(visited) -> None:
    for name in visited:
        shot = ARTIFACTS / f"{Path(name).stem}.png"
        assert shot.is_file() and shot.stat().st_size > 1000
