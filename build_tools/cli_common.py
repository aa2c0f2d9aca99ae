"""What every `isdp` command group shares: the --src option and the one way to fail."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click

from build_tools.core.errors import CommandError, ContentError, ContentErrors


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


def http_url(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Callback of an option that takes an http(s) URL (or several, when repeatable)."""
    for text in value if isinstance(value, tuple) else (value,):
        parts = urlsplit(text or "")
        if text is not None and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise click.BadParameter(f"'{text}' is not an http(s) URL, e.g. https://lrs.example.org/xapi/",
                                     ctx=ctx, param=param)
    return value


def agent_keys(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """Callback of a repeatable option that names LRS logins (mailto:... or account:HOMEPAGE|NAME)."""
    from build_tools.store.sqlite import parse_agent_key

    for text in value:
        try:
            parse_agent_key(text)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    return value


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: int | bool) -> None:
    if value:
        ctx.find_root().meta[_VERBOSITY] = -1 if param.name == "quiet" else int(value)


_VERBOSITY = "isdp.verbosity"


def verbosity_options() -> list[click.Option]:
    """-q and -v, which every command takes (cli.py adds them to each one)."""
    return [
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, callback=_set_verbosity,
                     help="Print only problems and the result line (no progress)."),
        click.Option(["-v", "--verbose"], count=True, expose_value=False, callback=_set_verbosity,
                     help="Print more detail where the command has any (repeat for more)."),
    ]


def verbosity() -> int:
    """-1 with -q, 0 by default, the number of -v otherwise."""
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().meta.get(_VERBOSITY, 0) if ctx else 0


def progress(message: str) -> None:
    """A progress line on stderr (so stdout stays the result), unless -q."""
    if verbosity() >= 0:
        click.echo(message, err=True)


def detail(message: str) -> None:
    """A line only -v asks for."""
    if verbosity() > 0:
        click.echo(message, err=True)


def fail(problems: Iterable[object], what: str = "error") -> NoReturn:
    """Print each problem (``path:line: message``) and a count to stderr; exit 1, no traceback."""
    lines = [str(problem) for problem in problems]
    for line in lines:
        click.echo(line, err=True)
    click.echo(f"isdp: {what}: {len(lines)} problem(s)", err=True)
    raise SystemExit(1)


def ends_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our error types into ``path:line: message`` lines and exit 1 (no traceback)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ContentErrors as exc:
            fail(what="nothing was written", problems=[str(error) for error in exc.errors])
        except (ContentError, CommandError) as exc:
            fail(what="nothing was written", problems=[str(exc)])

    return wrapper
