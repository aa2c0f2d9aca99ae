"""CLI of the compliance component: ``sync`` (attached to ``isdp lrs``) and ``isdp report``.

Thin wrappers: options and error printing only. Every bad input ends as ``path:line: message``
lines on stderr and exit status 1, with no report written.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click

from ..cli_common import SRC_OPTION, fail
from ..errors import ContentError, ContentErrors
from .store import DEFAULT_STORE

STORE_OPTION = click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="The local statement store (SQLite).",
)


class ReportError(Exception):
    """A one-line problem that is not tied to a file line (e.g. the LRS is unreachable)."""




def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our error types into ``path:line: message`` lines and exit 1 (no traceback)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .lrs_client import LrsError

        try:
            return func(*args, **kwargs)
        except ContentErrors as exc:
            fail(what="nothing was written", problems=[str(error) for error in exc.errors])
        except (ContentError, LrsError, ReportError) as exc:
            fail(what="nothing was written", problems=[str(exc)])

    return wrapper


def _open_store(path: Path):
    from . import store

    if not path.exists():
        raise ReportError(f"{path}: no statement store here; run `isdp lrs sync` first")
    return store.connect(path, create=False)


@click.command("sync")
@click.option(
    "--lrs-url",
    envvar="ISDP_LRS_URL",
    required=True,
    help="xAPI endpoint, e.g. https://lrs.example.org/xAPI/ (or ISDP_LRS_URL).",
)
@click.option(
    "--user",
    envvar="ISDP_LRS_USER",
    required=True,
    help="LRS login with read access to all statements (or ISDP_LRS_USER).",
)
@click.option(
    "--password",
    envvar="ISDP_LRS_PASSWORD",
    required=True,
    help="Its password; prefer the ISDP_LRS_PASSWORD variable (never stored).",
)
@STORE_OPTION
@click.option("--page-size", type=click.IntRange(1, 10000), default=500, show_default=True)
@click.option(
    "--overlap",
    type=click.IntRange(0),
    default=600,
    show_default=True,
    help="Seconds re-read before the watermark, for late-committed statements.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each LRS answer.",
)
@click.option("--retries", type=click.IntRange(0, 20), default=5, show_default=True)
@click.option("--full", is_flag=True, help="Read everything again (ids still deduplicate).")
@reports_errors
def sync_command(
    lrs_url: str,
    user: str,
    password: str,
    store: Path,
    page_size: int,
    overlap: int,
    timeout: float,
    retries: int,
    full: bool,
) -> None:
    """Pull new statements from an xAPI LRS into the local store (resumable)."""
    from . import store as store_mod
    from .lrs_client import LrsClient
    from .sync import sync

    conn = store_mod.connect(store)
    with (
        LrsClient(lrs_url, user, password, timeout=timeout, retries=retries) as client,
        _progress() as progress,
    ):
        result = sync(
            conn,
            client,
            page_size=page_size,
            overlap=dt.timedelta(seconds=overlap),
            full=full,
            progress=progress,
        )
    counts = store_mod.counts(conn)
    conn.close()
    resumed = " (resumed an interrupted sync)" if result.resumed else ""
    click.echo(
        f"isdp: synced {result.fetched:,} statements in {result.pages} page(s){resumed}: "
        f"{result.new:,} new, {result.invalid:,} invalid kept aside; store holds "
        f"{counts['statements']:,} valid and {counts['invalid']:,} invalid statements"
    )


@contextmanager
def _progress() -> Iterator[Callable[[Any], None]]:
    """A progress bar on a terminal; one line per page in logs (cron, CI)."""
    if not sys.stderr.isatty():
        yield lambda r: click.echo(
            f"sync: page {r.pages}: {r.fetched:,} statements read, "
            f"{r.new:,} new, {r.invalid:,} invalid",
            err=True,
        )
        return
    with click.progressbar(
        length=0,
        label="Syncing statements",
        file=sys.stderr,
        show_eta=False,
        show_percent=False,
        show_pos=True,
        item_show_func=lambda r: r and f"{r.new:,} new",
    ) as bar:

        def update(result: Any) -> None:
            bar.length = max(bar.length or 0, result.fetched)
            bar.update(result.fetched - bar.pos, result)

        yield update


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
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@STORE_OPTION
@SRC_OPTION
@click.option(
    "--trusted-authority",
    "trusted",
    multiple=True,
    help="An LMS login whose completions count (mailto:... or account:HOMEPAGE|NAME); "
    "adds to site.yaml training.trusted_authorities. Repeatable.",
)
@reports_errors
def training(
    roster: Path, cycle: str, out: Path, store: Path, src: Path, trusted: tuple[str, ...]
) -> None:
    """Annual training compliance (Rule 55.1 section 8): HTML, CSV and JSON."""
    from ..settings import load_settings
    from ..xapi.profile import Profile
    from .courses import load_required_courses
    from .roster import load_roster
    from .training import build_report
    from .training_files import write_report

    settings = load_settings(src)
    employees = load_roster(roster)
    courses = load_required_courses(src)
    if not courses:
        raise ReportError(f"{src / 'courses'}: no course is required of any role (required_for)")
    keys = _trusted_keys(settings, trusted)
    conn = _open_store(store)
    result = build_report(
        conn,
        employees,
        courses,
        Profile(settings.base_iri),
        cycle,
        start_month=settings.training.cycle_start_month,
        trusted=keys,
    )
    conn.close()
    write_report(result, out)
    click.echo(
        f"isdp: training report for {cycle} in {out}: {result.compliant:,} of "
        f"{len(result.rows):,} employees compliant, {len(result.overdue):,} overdue, "
        f"{len(result.unverified):,} unverified completion(s)"
    )


def _quarter(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not re.fullmatch(r"\d{4}Q[1-4]", value):
        raise click.BadParameter("write the calendar quarter as YEARQn, e.g. 2026Q4")
    return value


@report.command("quarterly")
@click.option("--quarter", required=True, callback=_quarter, help="Calendar quarter, e.g. 2026Q4.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
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
    help="An LMS login whose completions count; adds to site.yaml. Repeatable.",
)
@reports_errors
def quarterly(
    quarter: str,
    out: Path,
    store: Path,
    src: Path,
    data: Path | None,
    roster: Path | None,
    trusted: tuple[str, ...],
) -> None:
    """The CIO's quarterly report (Rule 55.1 section 9 a-d): HTML and Markdown."""
    from ..settings import load_settings
    from ..xapi.profile import Profile
    from .courses import load_required_courses
    from .quarterly import training_section, write_quarterly
    from .quarterly_data import DATA_DIR, load_quarter
    from .roster import load_roster

    settings = load_settings(src)
    quarter_data = load_quarter((data or src / DATA_DIR) / quarter)
    employees = load_roster(roster) if roster else None
    courses = load_required_courses(src)
    keys = _trusted_keys(settings, trusted)
    conn = _open_store(store)
    section = training_section(
        conn,
        courses,
        Profile(settings.base_iri),
        quarter,
        start_month=settings.training.cycle_start_month,
        trusted=keys,
        roster=employees,
    )
    conn.close()
    write_quarterly(
        quarter_data, section, settings.agency.name, out, settings.incident.notify_within_hours
    )
    example = " (sections a, b and d from EXAMPLE data)" if quarter_data.example else ""
    click.echo(f"isdp: quarterly report for {quarter} in {out}{example}")


def _trusted_keys(settings: Any, extra: tuple[str, ...]) -> list[str]:
    from .store import parse_agent_key

    try:
        return [parse_agent_key(text) for text in (*settings.training.trusted_authorities, *extra)]
    except ValueError as exc:
        raise ReportError(f"--trusted-authority: {exc}") from None
