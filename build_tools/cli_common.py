"""What every `isdp` command group shares: the --src option and the one way to fail."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import click

SRC_OPTION = click.option(
    "--src", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, help="Site source directory (holds conf.py and site.yaml).")


def fail(problems: Iterable[object], what: str = "error") -> NoReturn:
    """Print each problem (``path:line: message``) and a count to stderr; exit 1, no traceback."""
    lines = [str(problem) for problem in problems]
    for line in lines:
        click.echo(line, err=True)
    click.echo(f"isdp: {what}: {len(lines)} problem(s)", err=True)
    raise SystemExit(1)
