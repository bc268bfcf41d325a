"""Read a chart's tick labels back from the SVG matplotlib wrote (one list per axis, in drawing order)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_NS = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"[−+-]?\d[\d  ]*(?:[.,]\d+)?(?: %)?")


def charts(page: str) -> list[str]:
    """Every inline SVG chart of a page."""
    return _SVG.findall(page)


def tick_labels(svg: str) -> list[list[str]]:
    """The tick labels of each axis of a chart (the axis label itself is not a tick and is left out)."""
    root = ET.fromstring(svg)
    out = []
    for axis in root.iter(f"{_NS}g"):
        if not axis.get("id", "").startswith("matplotlib.axis_"):
            continue
        labels = []
        for tick in axis:
            if tick.tag == f"{_NS}g" and re.fullmatch(r"[xy]tick_\d+", tick.get("id", "")):
                labels += ["".join(t.itertext()).strip() for t in tick.iter(f"{_NS}text")]
        out.append(labels)
    return out


def label_problems(svg: str) -> list[str]:
    """What a reader would stumble on: a decimal point, a year with decimals, the same number twice in a row."""
    out = []
    for labels in tick_labels(svg):
        numbers = [t for t in labels if NUMBER.fullmatch(t)]
        out += [f"decimal point in {t!r}" for t in numbers if "." in t]
        out += [f"{a!r} twice in a row in {numbers}" for a, b in zip(numbers, numbers[1:]) if a == b]
    return out
