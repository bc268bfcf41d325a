"""The build's HTML exporter (:class:`analysis.build.execute.ReportExporter`) gives the same page as nbconvert's
``HTMLExporter`` (which re-parses the whole page with BeautifulSoup): the same DOM, element for element, with the
same ``tabindex`` and alt changes, apart from the alt text's language."""

from __future__ import annotations

import base64
import copy
import functools
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup, Comment, NavigableString
from nbconvert import HTMLExporter

from analysis.build import execute

META = {"title": "Rapport", "failed": False, "error": "", "illustrative": False}
NBCONVERT_ALT = "No description has been provided for this image"


@functools.cache
def nbconvert_exporter() -> HTMLExporter:
    """nbconvert's own exporter, configured as the build's was before it had its own."""
    return HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(execute.TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="nb",
        embed_images=True,
    )


def render_with(nb, exporter) -> str:
    """:func:`execute.render_html` with another exporter."""
    original = execute._exporter
    try:
        execute._exporter = lambda: exporter
        return execute.render_html(copy.deepcopy(nb), META)
    finally:
        execute._exporter = original


def dom(page: str, alt: str) -> list[tuple]:
    """The page as a list of (depth, tag, sorted attributes) and (depth, text); whitespace between elements
    and within text collapsed (kept as is inside <pre>, <style> ...), comments left out, ``alt`` shown as ALT."""
    soup = BeautifulSoup(page, "html.parser")
    out: list[tuple] = []

    def walk(node, depth: int, raw: bool) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                text = str(child) if raw else " ".join(str(child).split())
                if text.strip() or raw:
                    out.append((depth, text))
                continue
            attrs = {k: " ".join(v) if isinstance(v, list) else v for k, v in child.attrs.items()}
            if child.name == "img" and attrs.get("alt") == alt:
                attrs["alt"] = "ALT"
            out.append((depth, child.name, tuple(sorted(attrs.items()))))
            walk(child, depth + 1, raw or child.name in ("pre", "style", "script", "textarea"))

    walk(soup, 0, False)
    return out


def tricky_notebook():
    png = base64.b64encode(bytes.fromhex("89504e470d0a1a0a0000000d49484452")).decode()
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python"}
    shown = nbformat.v4.new_code_cell("vis()")
    shown.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a  b\n   c > d & e\n"),
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/html": (
                    '<p title="a > b">x</p><img src="y.png"><img src="z.png" alt="z"/>'
                    '<div id="a" tabindex="-1" class="jp-OutputArea-output extra">q</div>'
                    "<DIV CLASS=jp-Cell-inputWrapper>r</DIV><IMG SRC='u.png'>"
                    '<div data-x="<div class=jp-OutputArea-output>">s</div>'
                    '<!-- <div class="jp-OutputArea-output"> <img src="c.png"> -->'
                    "<style>.x::after { content: '<img src=s.png>'; }</style><img src=bare.png />"
                )
            },
        ),
        nbformat.v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
    ]
    failed = nbformat.v4.new_code_cell("1/0")
    failed.outputs = [
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=["x <y>"])
    ]
    text = f"# Tittel\n\n## Del\n\n![et bilde](data:image/png;base64,{png})\n\n<img src='w.png'>\n\næøå & <b>fet</b>."
    nb.cells = [nbformat.v4.new_markdown_cell(text), shown, failed]
    return nb


def test_tricky_outputs_give_the_same_page_as_nbconvert():
    nb = tricky_notebook()
    ours = render_with(nb, execute._exporter())
    theirs = render_with(nb, nbconvert_exporter())
    assert dom(ours, execute.MISSING_ALT) == dom(theirs, NBCONVERT_ALT)
    assert ours.count(f'alt="{execute.MISSING_ALT}"') == 5  # the png output, w.png, y.png, u.png, bare.png
    assert NBCONVERT_ALT not in ours and 'tabindex="-1"' not in ours
    assert '<!-- <div class="jp-OutputArea-output"> <img src="c.png"> -->' in ours  # comments untouched
    assert "content: '<img src=s.png>'" in ours  # and style


def test_every_page_of_the_catalogue_is_the_same_as_nbconvert_would_make_it(built_catalogue):
    notebooks = sorted(Path(built_catalogue["reports"]).glob("*.ipynb"))
    assert len(notebooks) >= 10
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        ours = render_with(nb, execute._exporter())
        assert dom(ours, execute.MISSING_ALT) == dom(render_with(nb, nbconvert_exporter()), NBCONVERT_ALT), path.name
        assert 'tabindex="0"' in ours


def test_only_enabled_preprocessors_run():
    """nbconvert validates the whole notebook after every preprocessor; the disabled ones are not listed."""
    listed = execute._exporter()._preprocessors
    assert listed and all(p.enabled for p in listed)
    assert {type(p).__name__ for p in nbconvert_exporter()._preprocessors if p.enabled} == {
        type(p).__name__ for p in listed
    }


@pytest.mark.parametrize("page", ["<div class='jp-OutputArea-output' tabindex='2' id=x>", '<img src="a" alt="">'])
def test_the_pass_alone(page):
    out, missing = execute._focusable_outputs(page)
    assert missing == 0
    if page.startswith("<div"):
        assert out == "<div class='jp-OutputArea-output' id=x tabindex=\"0\">"
    else:
        assert out == page  # an empty alt is an alt (a decorative image)
