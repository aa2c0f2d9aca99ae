"""``isdp policies``: district policy packs from the 22 templates."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ContentError, ContentErrors


@click.group("policies")
def policies() -> None:
    """District policy packs built from the MDE's 22 policy templates."""


@policies.command("render")
@click.option("--district", "district_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The district's YAML file (names, adoption date, stricter parameter values).")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Folder for the pack; replaced only when every document rendered.")
@click.option("--format", "formats", default="md,html,docx", show_default=True,
              help="Comma-separated output formats: md, html, docx.")
@click.option("--src", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Site source directory (holds templates/ and site.yaml).")
def render(district_file: Path, out: Path, formats: str, src: Path) -> None:
    """Render a district's policy pack with a cover page, refusing values looser than MDE floors."""
    from . import pack

    try:
        chosen = pack.parse_formats(formats)
        manifest = pack.render(src, district_file, out, chosen)
    except ContentError as exc:
        _fail([str(exc)])
    except ContentErrors as exc:
        _fail([str(e) for e in exc.errors])
    click.echo(f"isdp: {len(manifest['policies'])} policies for {manifest['district']} in "
               f"{', '.join(chosen)} written to {out}")


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    click.echo(f"isdp: policy pack not written: {len(lines)} problem(s)", err=True)
    raise SystemExit(1)
