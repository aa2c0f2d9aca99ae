"""``isdp policies``: district policy packs from the 22 templates."""

from __future__ import annotations

from pathlib import Path

import click

from build_tools.cli_common import SRC_OPTION, fail
from build_tools.core.errors import ContentError, ContentErrors


@click.group("policies")
def policies() -> None:
    """District policy packs built from the MDE's 22 policy templates."""


@policies.command("render")
@click.option(
    "--district",
    "district_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The district's YAML file (names, adoption date, stricter parameter values).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for the pack; replaced only when every document rendered.",
)
@click.option(
    "--format",
    "formats",
    default="md,html,docx",
    show_default=True,
    help="Comma-separated output formats: md, html, docx.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Check review and vote dates as of this day (YYYY-MM-DD) [default: today].",
)
@SRC_OPTION
def render(district_file: Path, out: Path, formats: str, as_of, src: Path) -> None:
    """Render a district's policy pack with a cover page, refusing values looser than MDE floors."""
    from build_tools.policies import pack

    try:
        chosen = pack.parse_formats(formats)
        manifest = pack.render(src, district_file, out, chosen, as_of.date() if as_of else None)
    except ContentError as exc:
        fail(what="policy pack not written", problems=[str(exc)])
    except ContentErrors as exc:
        fail(what="policy pack not written", problems=[str(e) for e in exc.errors])
    click.echo(
        f"isdp: {len(manifest['policies'])} policies for {manifest['district']} "
        f"({manifest['status']}) in {', '.join(chosen)} written to {out}"
        + (f", with a board packet in {', '.join(manifest['packet'])}" if manifest["packet"] else "")
    )


