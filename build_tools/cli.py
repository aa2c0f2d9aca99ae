"""The ``isdp`` command line: thin wrappers; the work lives in the modules they call."""

from __future__ import annotations

import importlib
import signal
import sys
from pathlib import Path
from typing import Any

import click

from build_tools import __version__
from build_tools.cli_common import SRC_OPTION, fail


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

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            group = _load(self.LAZY[name])
            for extra in self.ATTACHED.get(name, ()):
                group.add_command(_load(extra))
            return group  # type: ignore[no-any-return]
        return super().get_command(ctx, name)


def _load(spec: str) -> Any:
    module, attribute = spec.split(":")
    return getattr(importlib.import_module(module), attribute)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="isdp")
def main() -> None:
    """Build, check and preview the MDE Information Security and Data Privacy site."""


@main.command()
@SRC_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("_build/html"), show_default=True, help="Output directory.")
@click.option("--fresh", is_flag=True, help="Ignore cached doctrees and read every page again.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and the result.")
def build(src: Path, out: Path, fresh: bool, quiet: bool) -> None:
    """Build the site. Every Sphinx warning is an error; all are listed before the exit."""
    from build_tools.site.build import build as run_build
    from build_tools.site.sphinx import check_settings

    site_errors = check_settings(src.resolve())
    if site_errors:
        fail([str(e) for e in site_errors])
    result = run_build(src, out, status=None if quiet else sys.stdout, fresh=fresh)
    problems = result.warnings + ([result.error] if result.error else [])
    if problems:
        fail(problems, what="build failed")
    click.echo(f"isdp: built {result.outdir}")


@main.command()
@SRC_OPTION
def check(src: Path) -> None:
    """Validate content (front matter, data files, site.yaml) without a full build."""
    from build_tools.components import check_all

    errors = check_all(src)
    if errors:
        fail([str(e) for e in errors], what="check failed")
    click.echo("isdp: all content is valid")


@main.command()
@SRC_OPTION
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--lrs", "with_lrs", is_flag=True, help="Also run a local LRS and print a demo learner's launch link.")
def serve(src: Path, port: int, host: str, with_lrs: bool) -> None:
    """Live preview for editors: rebuilds on save and reloads the browser."""
    demo = _start_demo_lrs(src, host, port) if with_lrs else None
    if demo:  # a plain `kill` must also stop Ralph (the finally below), not orphan it
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
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
