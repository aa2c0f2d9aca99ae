"""The ``isdp`` command line: thin wrappers; the work lives in the modules they call."""

from __future__ import annotations

import difflib
import importlib
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from build_tools import __version__
from build_tools.cli_common import SRC_OPTION, fail, verbosity, verbosity_options


class _LazyGroup(click.Group):
    """Imports a command group's module only when that group is used, so `isdp build` and
    `isdp lrs sync` do not pay for loading every component."""

    LAZY = {
        "courses": "build_tools.courses.cli:courses",
        "policies": "build_tools.policies.cli:policies",
        "report": "build_tools.reports.cli:report",
        "lrs": "build_tools.xapi.cli:lrs",  # lrs serve (and lrs sync, attached below)
        "learners": "build_tools.xapi.cli:learners",
        "cmi5": "build_tools.xapi.cli:cmi5",
    }

    # a command that belongs to another package but reads best under a group
    ATTACHED = {"lrs": ("build_tools.store.cli:sync_command",)}

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if args and self.get_command(ctx, name) is None and not name.startswith("-"):
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            ctx.fail(f"No such command '{name}'.{hint} Run 'isdp --help' for the list.")
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            group = _load(self.LAZY[name])
            for extra in self.ATTACHED.get(name, ()):
                group.add_command(_load(extra))
            return _with_verbosity(group)
        command = super().get_command(ctx, name)
        return _with_verbosity(command) if command else None


def _with_verbosity(command: click.Command) -> click.Command:
    """Every command, and every command of a group, takes -q and -v."""
    if not any(param.name == "quiet" for param in command.params):
        command.params.extend(verbosity_options())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _with_verbosity(sub)
    return command


def _load(spec: str) -> Any:
    module, attribute = spec.split(":")
    return getattr(importlib.import_module(module), attribute)


@click.group(cls=_LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="isdp")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Build, check and preview the MDE Information Security and Data Privacy site.

    Run a command with --help for its options, e.g. `isdp build --help`.
    """
    if ctx.invoked_subcommand is None:  # `isdp` alone: the help, and success
        click.echo(ctx.get_help())
        ctx.exit(0)


def _status_stream():
    """Sphinx's progress for a terminal, plain text for logs; None with -q.

    Colour only on a terminal and never when NO_COLOR is set (https://no-color.org). Sphinx's
    own "build succeeded, N warnings" line is dropped: with warnings, the build failed.
    """
    if verbosity() < 0:
        return None
    from sphinx.util import console

    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        console.nocolor()
    return _WithoutVerdict(sys.stdout)


class _WithoutVerdict:
    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        if "build succeeded" in text or "build finished with problems" in text:
            return len(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


@main.command()
@SRC_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("_build/html"), show_default=True, help="Output directory.")
@click.option("--fresh", is_flag=True, help="Ignore cached doctrees and read every page again.")
def build(src: Path, out: Path, fresh: bool) -> None:
    """Build the site. Every Sphinx warning is an error; all are listed before the exit."""
    from build_tools.site.build import build as run_build
    from build_tools.site.sphinx import check_settings

    site_errors = check_settings(src.resolve())
    if site_errors:
        fail([str(e) for e in site_errors])
    result = run_build(src, out, status=_status_stream(), fresh=fresh)
    problems = root_causes_first(result.warnings) + ([result.error] if result.error else [])
    if problems:
        fail(problems, what="build failed")
    click.echo(f"isdp: built {result.outdir}")


def root_causes_first(warnings: list[str]) -> list[str]:
    """A broken course.yaml makes every quiz and page of its course warn too (36 follow-on
    warnings for one tab): list the course.yaml error alone, and count what follows from it."""
    # Sphinx's "found as .md and .ipynb" warning names its internal path type on a second
    # line; the courses component reports the same mistake in the editor's words.
    warnings = [w for w in warnings if not w.startswith("Use _StrPath(")
                and "multiple files found for the document" not in w]
    roots = [w for w in warnings if w.endswith("[isdp.course]") and "/course.yaml" in w]
    folders = {w.split("course.yaml", 1)[0] for w in roots}
    follow_on = [w for w in warnings if w not in roots and any(w.startswith(f) for f in folders)]
    rest = [w for w in warnings if w not in roots and w not in follow_on]
    if not follow_on:
        return roots + rest
    note = (f"isdp: {len(follow_on)} more problem(s) in {', '.join(sorted(folders))} follow from "
            "the course.yaml error above; fix it first")
    return [*roots, note, *rest]


@main.command()
@SRC_OPTION
def check(src: Path) -> None:
    """Validate everything the build would: content files, then references and toctrees.

    First each component's files (site.yaml, front matter, courses and quizzes, policy
    templates, checklists, webinars, data files); if those hold errors, only they are listed,
    since most later errors follow from them. Then Sphinx reads every page and resolves every
    reference without writing a site (glossary terms, {doc} and Markdown links, pages in no
    toctree), so "valid" means the build passes.
    """
    from build_tools.components import check_all
    from build_tools.site.build import build as run_build

    errors = check_all(src)
    if errors:
        fail([str(e) for e in errors], what="check failed")
    # Sphinx's progress only with -v: a check's answer is its verdict
    status = _status_stream() if verbosity() > 0 else None
    result = run_build(src, src / "_build" / "check", builder="dummy", status=status)
    problems = root_causes_first(result.warnings) + ([result.error] if result.error else [])
    if problems:
        fail(problems, what="check failed")
    click.echo("isdp: all content is valid (the build will pass)")


@main.command()
@SRC_OPTION
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port of the preview web server.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 127.0.0.1 keeps the preview on this machine.")
@click.option("--lrs", "with_lrs", is_flag=True, help="Also run a local LRS and print a demo learner's launch link.")
def serve(src: Path, port: int, host: str, with_lrs: bool) -> None:
    """Live preview for editors: rebuilds on save and reloads the browser."""
    demo = _start_demo_lrs(src, host, port) if with_lrs else None
    if demo:  # a plain `kill` or a closed terminal must also stop Ralph (the finally below)
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, lambda *_: sys.exit(0))
    from build_tools.site.preview import serve as run_preview

    click.echo(f"isdp: preview on http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        run_preview(src, Path("_build/preview"), host, port)
    except KeyboardInterrupt:
        raise SystemExit(0) from None
    finally:
        if demo:
            demo.lrs.stop()


def _start_demo_lrs(src: Path, host: str, port: int):
    from build_tools.core.errors import ContentError, ContentErrors
    from build_tools.xapi.lrs.demo import start_demo

    try:
        demo = start_demo(src, host, port)
    except (ContentError, ContentErrors) as exc:
        fail(str(exc).splitlines(), what="LRS failed")
    except RuntimeError as exc:
        fail([f"isdp: {exc}"], what="LRS failed")
    click.echo(f"isdp: LRS on {demo.lrs.url}; demo learner's launch link:\n  {demo.link}")
    return demo
