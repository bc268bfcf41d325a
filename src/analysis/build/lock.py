"""An exclusive lock on a reports folder, so two builds never write it at once — and ``analysis clean``
never rewrites the cleaned data while a build reads them (both take the same lock)."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from analysis.errors import AnalysisError

LOCK_NAME = ".build.lock"


class BuildLock:
    """An exclusive lock on a reports folder (released when the process ends, even on a crash)."""

    def __init__(self, reports_dir: Path, *, purpose: str = "build") -> None:

        self.purpose = purpose
        self.path = reports_dir / LOCK_NAME
        reports_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.path), thread_local=False)

    def __enter__(self) -> BuildLock:

        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            if self.purpose == "clean":
                message = (
                    f"a build (or another clean) is running and reads the cleaned data (lock in {self.path.parent}). "
                    "Wait for it to finish and run `analysis clean` again (the lock is released automatically "
                    "when it ends)."
                )
            else:
                message = (
                    f"another build is already writing to {self.path.parent}. Wait for it to finish and "
                    "run the command again (the lock is released automatically when that build ends)."
                )
            raise AnalysisError(message, file=self.path) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
