"""What every `isdp` command group shares: the --src option and the one way to fail."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn

import click


def _site_folder(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """A site folder holds site.yaml (and conf.py, for builds); say how to point at one."""
    if not (value / "site.yaml").is_file():
        where = "this folder" if value == Path(".") else str(value)
        raise click.BadParameter(
            f"{where} is not an ISDP site (no site.yaml); run isdp in the site's folder (the one "
            "holding conf.py and site.yaml) or pass --src DIR", param=param)
    return value


SRC_OPTION = click.option(
    "--src", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, callback=_site_folder,
    help="Site source directory (holds conf.py and site.yaml).")


def fail(problems: Iterable[object], what: str = "error") -> NoReturn:
    """Print each problem (``path:line: message``) and a count to stderr; exit 1, no traceback."""
    lines = [str(problem) for problem in problems]
    for line in lines:
        click.echo(line, err=True)
    click.echo(f"isdp: {what}: {len(lines)} problem(s)", err=True)
    raise SystemExit(1)


class CommandError(Exception):
    """A one-line problem that is not tied to a file line (e.g. the LRS is unreachable)."""


def ends_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our error types into ``path:line: message`` lines and exit 1 (no traceback)."""
    from build_tools.core.errors import ContentError, ContentErrors

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from build_tools.xapi.lrs.client import LrsError

        try:
            return func(*args, **kwargs)
        except ContentErrors as exc:
            fail(what="nothing was written", problems=[str(error) for error in exc.errors])
        except (ContentError, LrsError, CommandError) as exc:
            fail(what="nothing was written", problems=[str(exc)])

    return wrapper
