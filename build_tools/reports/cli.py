"""CLI of the reports: ``isdp report training`` and ``isdp report quarterly``.

Thin wrappers: options and error printing only. Every bad input ends as ``path:line: message``
lines on stderr and exit status 1, with no report written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from build_tools.cli_common import SRC_OPTION, agent_keys, ends_cleanly
from build_tools.core.atomic import check_target
from build_tools.core.errors import CommandError
from build_tools.store.cli import STORE_OPTION, open_store


def _open_store(path: Path):
    return open_store(path, create=False)


@click.group("report")
def report() -> None:
    """Compliance reports read from the local statement store."""


def _cycle(ctx: click.Context, param: click.Parameter, value: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{4})", value)
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise click.BadParameter("write the school year as two consecutive years, e.g. 2026-2027")
    return value


@report.command("training")
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Employee roster CSV: employee_id, name, email, lea_code, lea_name, role.",
)
@click.option("--cycle", required=True, callback=_cycle, help="School year, e.g. 2026-2027.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the report into (a new folder, or one an earlier report wrote).")
@STORE_OPTION
@SRC_OPTION
@click.option(
    "--trusted-authority",
    "trusted",
    multiple=True,
    callback=agent_keys,
    help="An LMS login whose completions count (mailto:... or account:HOMEPAGE|NAME); "
    "adds to site.yaml training.trusted_authorities. Repeatable.",
)
@ends_cleanly
def training(
    roster: Path, cycle: str, out: Path, store: Path, src: Path, trusted: tuple[str, ...]
) -> None:
    """Annual training compliance (Rule 55.1 section 8): HTML, CSV and JSON.

    Reads the local statement store: run `isdp lrs sync` first to fill it from the LRS.
    """
    from build_tools.core.roster import load_roster
    from build_tools.core.settings import load_settings
    from build_tools.reports.courses import load_required_courses
    from build_tools.reports.training import build_report
    from build_tools.reports.training_files import write_report
    from build_tools.xapi.profile import Profile

    check_target(out)  # refuse someone's folder before any work (the write checks again)
    settings = load_settings(src)
    employees = load_roster(roster)
    courses = load_required_courses(src)
    if not courses:
        raise CommandError(f"{src / 'courses'}: no course is required of any role (required_for)")
    conn = _open_store(store)
    result = build_report(
        conn, employees, courses, Profile(settings.base_iri), cycle, rules=_rules(settings, trusted)
    )
    conn.close()
    write_report(result, out)
    click.echo(
        f"isdp: training report for {cycle} in {out}: {result.compliant:,} of "
        f"{len(result.rows):,} employees compliant, {len(result.overdue):,} overdue, "
        f"{len(result.unverified):,} claim(s) not counted"
    )
    click.echo(f"isdp: the store {store} was {result.freshness.describe()}")


def _quarter(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not re.fullmatch(r"\d{4}Q[1-4]", value):
        raise click.BadParameter("write the calendar quarter as YEARQn, e.g. 2026Q4")
    return value


@report.command("quarterly")
@click.option("--quarter", required=True, callback=_quarter, help="Calendar quarter, e.g. 2026Q4.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the report into (a new folder, or one an earlier report wrote).")
@STORE_OPTION
@SRC_OPTION
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of quarter folders [default: SRC/content/data/quarterly].",
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Employee roster CSV, to add the share of employees compliant.",
)
@click.option(
    "--trusted-authority",
    "trusted",
    multiple=True,
    callback=agent_keys,
    help="An LMS login whose completions count; adds to site.yaml. Repeatable.",
)
@ends_cleanly
def quarterly(
    quarter: str,
    out: Path,
    store: Path,
    src: Path,
    data: Path | None,
    roster: Path | None,
    trusted: tuple[str, ...],
) -> None:
    """The CIO's quarterly report (Rule 55.1 section 9 a-d): HTML, Markdown and Word.

    Its training part reads the local statement store: run `isdp lrs sync` first.
    """
    from build_tools.core.roster import load_roster
    from build_tools.core.settings import load_settings
    from build_tools.reports.courses import load_required_courses
    from build_tools.reports.quarterly import training_section, write_quarterly
    from build_tools.reports.quarterly_data import DATA_DIR, load_quarter
    from build_tools.xapi.profile import Profile

    check_target(out)  # refuse someone's folder before any work (the write checks again)
    settings = load_settings(src)
    quarter_data = load_quarter((data or src / DATA_DIR) / quarter)
    employees = load_roster(roster) if roster else None
    courses = load_required_courses(src)
    conn = _open_store(store)
    sections = [
        training_section(conn, courses, Profile(settings.base_iri), name,
                         rules=_rules(settings, trusted), roster=employees)
        if name
        else None
        for name in (quarter, quarter_data.previous and quarter_data.previous.quarter)
    ]
    conn.close()
    write_quarterly(
        quarter_data,
        sections[0],
        settings.agency.name,
        out,
        settings.incident.notify_within_hours,
        previous_training=sections[1],
    )
    example = " (sections a, b and d from EXAMPLE data)" if quarter_data.example else ""
    click.echo(f"isdp: quarterly report for {quarter} in {out}{example}")
    click.echo(f"isdp: the store {store} was {sections[0].freshness.describe()}")


def _rules(settings: Any, extra: tuple[str, ...]):
    """site.yaml's training section (plus --trusted-authority) as the report applies it."""
    from build_tools.reports.training import Rules
    from build_tools.store.sqlite import parse_agent_key

    training = settings.training
    # site.yaml's entries were validated when it was loaded, --trusted-authority's by its callback
    trusted = [parse_agent_key(text) for text in (*training.trusted_authorities, *extra)]
    voids = [parse_agent_key(text) for text in training.void_authorities]
    return Rules(
        trusted=frozenset(trusted),
        void_authorities=frozenset(voids),
        max_delivery_days=training.max_delivery_days,
        time_zone=training.time_zone,
        start_month=training.cycle_start_month,
        lms_accounts={home: lms.employee_id for home, lms in training.lms_accounts.items()},
    )
