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
"""

from __future__ import annotations

import math

MISSING = "–"  # en dash, the Norwegian convention for "no figure"
MINUS = "−"  # U+2212, the typographic minus


def _is_missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return bool(math.isnan(float(x)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return x is getattr(__import__("pandas"), "NA", object())


def fmt_num(x: object, decimals: int = 0, *, signed: bool = False) -> str:
    """Format a number the Norwegian way; missing values become an en dash."""
    if _is_missing(x):
        return MISSING
    value = float(x)  # type: ignore[arg-type]
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


def fmt_pct(share: object, decimals: int = 0) -> str:
    """Format a share (0–1) as a Norwegian percentage, e.g. ``'46 %'``."""
    if _is_missing(share):
        return MISSING
    return f"{fmt_num(float(share) * 100, decimals)} %"  # type: ignore[arg-type]
