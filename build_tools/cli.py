"""The ``isdp`` command line: thin wrappers; the work lives in the modules they call."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from . import __version__

SRC_OPTION = click.option(
    "--src", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, help="Site source directory (holds conf.py and site.yaml).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    from .build import build as run_build
    from .check import check_site

    site_errors = check_site(src.resolve(), set())
    if site_errors:
        _fail([str(e) for e in site_errors])
    result = run_build(src, out, status=None if quiet else sys.stdout, fresh=fresh)
    problems = result.warnings + ([result.error] if result.error else [])
    if problems:
        _fail(problems, what="build failed")
    click.echo(f"isdp: built {result.outdir}")


@main.command()
@SRC_OPTION
def check(src: Path) -> None:
    """Validate content (front matter, data files, site.yaml) without a full build."""
    from .check import run_checks

    errors = run_checks(src)
    if errors:
        _fail([str(e) for e in errors], what="check failed")
    click.echo("isdp: all content is valid")


@main.command()
@SRC_OPTION
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(src: Path, port: int, host: str) -> None:
    """Live preview for editors: rebuilds on save and reloads the browser."""
    out = Path("_build/preview")
    command = [sys.executable, "-m", "sphinx_autobuild", str(src), str(out),
               "--host", host, "--port", str(port),
               "-d", str(out.parent / ".preview.doctrees"),
               "--watch", str(Path(__file__).parent),
               "--ignore", "*/_build/*", "--ignore", "*/.isdp/*", "--ignore", "*/.git/*"]
    click.echo(f"isdp: preview on http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        raise SystemExit(subprocess.call(command))
    except KeyboardInterrupt:
        raise SystemExit(0) from None


def _fail(lines: list[str], what: str = "error") -> None:
    for line in lines:
        click.echo(line, err=True)
    click.echo(f"isdp: {what}: {len(lines)} problem(s)", err=True)
    raise SystemExit(1)


from .policies.cli import policies as _policies  # noqa: E402, I001  (isdp policies)
main.add_command(_policies)
