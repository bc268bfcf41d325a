"""The project's one exception type.

Errors are values with a message a municipal analyst understands: which file,
which row, which column, and what to do. Tracebacks are for developers and go
to the log.
"""

from __future__ import annotations

from pathlib import Path


class AnalysisError(Exception):
    """An error the user can act on.

    Parameters
    ----------
    message:
        What went wrong and what to do, in plain words.
    file, sheet, row, column:
        Where it went wrong, when known. ``row`` is the row number as the user
        sees it in the file (1-based, header row included for spreadsheets).

    >>> str(AnalysisError("strength must be 1-5", file="a.csv", row=4, column="styrke"))
    'a.csv, row 4, column styrke: strength must be 1-5'
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(self.__str__())

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message
