"""One error type for every bad input: it names the file, the line and the rule broken."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentError(Exception):
    """A problem in a content file, printed as ``path:line: message``."""

    path: str | Path
    line: int | None
    message: str

    def __str__(self) -> str:
        path = display_path(self.path)
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.message}"


def display_path(path: str | Path) -> str:
    """Show a path relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class ContentErrors(Exception):
    """Several content errors found in one pass (so authors fix them all at once)."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
