"""Norwegian number formatting for readers: space as thousands separator, decimal comma.

>>> fmt_int(1287)
'1 287'
>>> fmt_num(12.345, 1)
'12,3'
>>> fmt_num(-1234.5, 1)
'−1 234,5'
>>> fmt_pct(0.456)
'46 %'
>>> fmt_num(None)
'–'
>>> fmt_interval(0.552, 0.731, percent=True), fmt_interval(3.14, 3.71, 1)
('55–73 %', '3,1–3,7')
"""

from __future__ import annotations

import math

MISSING = "–"  # en dash, the Norwegian convention for "no figure"
MINUS = "−"  # U+2212, the typographic minus


def _is_missing(x: object) -> bool:
    """None, NaN and pandas' ``NA`` (recognised by type name, so this module needs no pandas)."""
    if x is None or type(x).__name__ == "NAType":
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def fmt_num(x: object, decimals: int = 0, *, signed: bool = False) -> str:
    """Format a number the Norwegian way; missing values become an en dash."""
    if _is_missing(x):
        return MISSING
    value = float(x)
    if round(value, decimals) == 0:
        value = 0.0
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",")
    if value < 0:
        return MINUS + text
    if signed and value > 0:
        return "+" + text
    return text


def fmt_int(x: object, *, signed: bool = False) -> str:
    """Format a whole number with a space as thousands separator."""
    return fmt_num(x, 0, signed=signed)


def fmt_pct(share: object, decimals: int = 0, *, signed: bool = False) -> str:
    """Format a share (0–1) as a Norwegian percentage, e.g. ``'46 %'``; ``signed`` writes ``'+28 %'``."""
    if _is_missing(share):
        return MISSING
    return f"{fmt_num(float(share) * 100, decimals, signed=signed)} %"


def fmt_interval(lower: object, upper: object, decimals: int = 0, *, percent: bool = False) -> str:
    """A confidence interval as readers see it: ``"3,1–3,7"``, or ``"55–73 %"`` for shares (0–1).

    The one place an interval is formatted, so every report writes it the same way. A missing
    bound gives an en dash for the whole interval.
    """
    if _is_missing(lower) or _is_missing(upper):
        return MISSING
    if percent:
        return f"{fmt_num(float(lower) * 100, decimals)}–{fmt_num(float(upper) * 100, decimals)} %"
    return f"{fmt_num(lower, decimals)}–{fmt_num(upper, decimals)}"
