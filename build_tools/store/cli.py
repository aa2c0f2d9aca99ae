"""CLI of the store: ``isdp lrs sync`` (attached to the ``lrs`` group by ``build_tools.cli``)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from build_tools.cli_common import ends_cleanly, verbosity
from build_tools.store.sqlite import DEFAULT_STORE

STORE_OPTION = click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="The local statement store (SQLite).",
)


def open_store(path: Path, *, create: bool = True):
    """The store at ``path``, or a one-line CommandError (never a traceback) when it is
    missing, not an SQLite database, or from a newer isdp."""
    import sqlite3

    from build_tools.core.errors import CommandError
    from build_tools.store import sqlite as store

    if not create and not path.exists():
        store_option = "" if path == store.DEFAULT_STORE else f" --store {path}"
        raise CommandError(
            f"{path}: no statement store here; run `isdp lrs sync` first: the reports read a"
            " local copy of the LRS's statements, e.g. `isdp lrs sync --lrs-url"
            f" https://lrs.example.org/xAPI/ --user isdp-reports{store_option}` with that login's"
            " password in ISDP_LRS_PASSWORD; then run this command again"
        )
    if path.is_dir():
        raise CommandError(f"{path}: is a folder, not a statement store (an SQLite file)")
    try:
        return store.connect(path, create=create)
    except sqlite3.DatabaseError as exc:
        raise CommandError(f"{path}: not a statement store ({exc}); give --store the file "
                           "`isdp lrs sync` writes") from None
    except RuntimeError as exc:  # written by a newer isdp
        raise CommandError(str(exc)) from None



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
@click.option("--page-size", type=click.IntRange(1, 10000), default=500, show_default=True,
              help="Statements asked for per request (an LRS may send fewer).")
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
@click.option("--retries", type=click.IntRange(0, 20), default=5, show_default=True,
              help="Retries of a request after a network error, 429 or 5xx, with backoff.")
@click.option("--late-days", type=click.IntRange(0, 366), default=30, show_default=True,
              help="Days re-read before the watermark, for statements an outbox delivered late "
                   "to an LRS whose `since` filters on timestamp (site.yaml max_delivery_days).")
@click.option("--max-pages", type=click.IntRange(1), default=10_000, show_default=True,
              help="Pages read in one run at most; the next run resumes where this one stopped.")
@click.option("--full", is_flag=True, help="Read everything again (ids still deduplicate).")
@click.option("--reconcile", is_flag=True,
              help="After the sync, compare every id the LRS holds with the store (format=ids) "
                   "and fetch only the missing statements, however late they arrived.")
@ends_cleanly
def sync_command(
    lrs_url: str,
    user: str,
    password: str,
    store: Path,
    page_size: int,
    overlap: int,
    timeout: float,
    retries: int,
    late_days: int,
    max_pages: int,
    full: bool,
    reconcile: bool,
) -> None:
    """Pull new statements from an xAPI LRS into the local store (resumable)."""
    from build_tools.store import sqlite as store_mod
    from build_tools.store.sync import reconcile as run_reconcile
    from build_tools.store.sync import sync
    from build_tools.xapi.lrs.client import LrsClient

    conn = open_store(store)
    with (
        LrsClient(lrs_url, user, password, timeout=timeout, retries=retries) as client,
        _progress() as progress,
    ):
        result = sync(
            conn,
            client,
            page_size=page_size,
            overlap=dt.timedelta(seconds=overlap),
            late=dt.timedelta(days=late_days),
            max_pages=max_pages,
            full=full,
            progress=progress,
        )
        checked = run_reconcile(conn, client, page_size=page_size, max_pages=max_pages) if reconcile else None
    counts = store_mod.counts(conn)
    conn.close()
    resumed = " (resumed an interrupted sync)" if result.resumed else ""
    click.echo(
        f"isdp: synced {result.fetched:,} statements in {result.pages} page(s){resumed}: "
        f"{result.new:,} new, {result.invalid:,} invalid kept aside; store holds "
        f"{counts['statements']:,} valid and {counts['invalid']:,} invalid statements"
    )
    if checked:
        click.echo(f"isdp: reconciled {checked.compared:,} ids with the store: {checked.missing:,} "
                   f"missing, {checked.new:,} added")


@contextmanager
def _progress() -> Iterator[Callable[[Any], None]]:
    """A progress bar on a terminal; one line per page in logs (cron, CI); nothing with -q."""
    if verbosity() < 0:
        yield lambda r: None
        return
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


