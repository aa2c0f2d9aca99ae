"""The errors every command ends with cleanly: a bad input names its file, line and rule
(ContentError, collected into ContentErrors so authors fix all at once); anything else is one
line (CommandError, such as an LRS that cannot be read)."""

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


class CommandError(Exception):
    """A one-line problem not tied to a line of a file (the LRS is unreachable, no store yet)."""


class ContentErrors(Exception):
    """Several content errors found in one pass (so authors fix them all at once)."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
