"""Generators of the illustrative (made-up) workshop notes and survey exports in ``data/raw/``.

Not shipped in the wheel: real municipalities never need sample generators. Run from the repository root:
``python -m tools.illustrative.workshops data/raw/workshops`` and
``python -m tools.illustrative.survey data/raw/survey``. Tests use them to write planted data.
"""
