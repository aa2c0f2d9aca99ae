"""``isdp lrs serve``, ``isdp learners links`` and ``isdp cmi5 package``: thin wrappers.

The work lives in lrs_server.py, links.py and cmi5.py; errors print ``path:line: message``
and exit 1, and no output is left half-written.
"""

from __future__ import annotations

import secrets
import signal
from pathlib import Path

import click

from build_tools.cli_common import SRC_OPTION, fail, http_url, progress
from build_tools.core.atomic import atomic_file
from build_tools.core.errors import ContentError, ContentErrors

DIR_OPTION = click.option(
    "--lrs-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".isdp/lrs"),
    show_default=True,
    help="Ralph's directory: auth.json (logins) and statements/.",
)




def _content_errors(exc: ContentError | ContentErrors) -> list[str]:
    return [str(e) for e in exc.errors] if isinstance(exc, ContentErrors) else [str(exc)]


@click.group()
def lrs() -> None:
    """The local LRS (Ralph) for previews and tests."""


@lrs.command("serve")
@DIR_OPTION
@click.option(
    "--port", type=int, default=8100, show_default=True, help="Loopback port (0: any free port)."
)
@click.option(
    "--cors-origin",
    "origins",
    multiple=True,
    default=("http://127.0.0.1:8000", "http://localhost:8000"),
    show_default=True,
    callback=http_url,
    help="Origin of the site allowed to send statements (repeat for several).",
)
def lrs_serve(lrs_dir: Path, port: int, origins: tuple[str, ...]) -> None:
    """Run Ralph on 127.0.0.1 (fs backend, scopes enforced) until Ctrl+C."""
    from build_tools.xapi.lrs.local import AUTH_FILE, Credential, LocalLRS, write_credentials

    if not (lrs_dir / AUTH_FILE).exists():
        password = secrets.token_urlsafe(18)
        write_credentials(
            lrs_dir,
            [
                Credential(
                    "admin",
                    password,
                    ("all",),
                    {
                        "objectType": "Agent",
                        "account": {"homePage": "http://127.0.0.1", "name": "admin"},
                    },
                )
            ],
        )
        click.echo(
            f"isdp: created the login admin / {password} (all scopes; stored hashed in "
            f"{lrs_dir / AUTH_FILE}); write it down now"
        )
    server = LocalLRS(lrs_dir, port=port, cors_origins=list(origins))
    try:
        server.start()
    except RuntimeError as exc:
        fail([f"isdp: {exc}"], what="LRS failed")
    click.echo(f"isdp: LRS on {server.url} for {', '.join(origins)} (Ctrl+C to stop)")
    # A plain `kill`, a closed terminal (SIGHUP) or Ctrl+C must stop Ralph too: otherwise it
    # keeps serving, with the old logins, after isdp has gone.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    try:
        assert server.process is not None
        server.process.wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.stop()


def _stop_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


# Ralph's scopes (ralph.api.auth.user.Scope); read from Ralph only when the LRS extra is installed.
SCOPES = ("statements/write", "statements/read/mine", "statements/read", "state/write", "state/read",
          "define", "profile/write", "profile/read", "authority/write", "all/read", "all")


@lrs.command("login")
@DIR_OPTION
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(SCOPES),
              help="What the login may do (repeat): e.g. all/read for the reports' sync, "
                   "statements/write and state/read for an LMS.")
@click.option("--home-page", default="https://www.mdek12.org", show_default=True, callback=http_url,
              help="account.homePage of the login's agent (the authority stamped on what it writes).")
def lrs_login(lrs_dir: Path, name: str, scopes: tuple[str, ...], home_page: str) -> None:
    """Create the LRS login NAME (such as isdp-reports) and print its password once.

    The password is stored only as a bcrypt hash; write it down now (for `isdp lrs sync`,
    set ISDP_LRS_USER=NAME and ISDP_LRS_PASSWORD). To replace a login, delete it from
    auth.json and run this again. Restart `isdp lrs serve` for Ralph to read the new login.
    """
    from build_tools.xapi.lrs.local import AUTH_FILE, Credential, write_credentials

    if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise click.BadParameter("use letters, digits, '-', '_' or '.'", param_hint="NAME")
    password = secrets.token_urlsafe(18)
    agent = {"objectType": "Agent", "account": {"homePage": home_page, "name": name}}
    try:
        write_credentials(lrs_dir, [Credential(name, password, scopes, agent)])
    except ValueError as exc:
        fail([f"isdp: {exc}"], what="login not created")
    click.echo(f"isdp: created the login {name} ({', '.join(scopes)}) in {lrs_dir / AUTH_FILE}")
    click.echo(f"password (shown once): {password}")


@click.group()
def learners() -> None:
    """Learners without an LMS: personal launch links."""


@learners.command("links")
@SRC_OPTION
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Roster CSV: employee_id, name, email, lea_code, lea_name, role.",
)
@click.option(
    "--lrs-url", required=True, callback=http_url,
    help="The LRS's xAPI endpoint as learners' browsers reach it.",
)
@click.option(
    "--base-url", default=None, callback=http_url,
    help="Public address of the site (default: site_url of site.yaml).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV of personal links to write (it holds credentials: keep it private).",
)
@DIR_OPTION
@click.option(
    "--home-page",
    default=None,
    callback=http_url,
    help="account.homePage of every learner (default: the origin of site_url).",
)
@click.option("--rotate", is_flag=True, help="Issue new links to learners who already have one.")
def learners_links(
    src: Path,
    roster: Path,
    lrs_url: str,
    base_url: str | None,
    out: Path,
    lrs_dir: Path,
    home_page: str | None,
    rotate: bool,
) -> None:
    """Provision one LRS login per learner and write their personal launch links."""
    from build_tools.core.roster import load_roster
    from build_tools.core.settings import load_settings
    from build_tools.xapi import links

    try:
        settings = load_settings(src)
        people = load_roster(roster)
        home = home_page or links.default_home_page(str(settings.site_url))
        credentials, auth = links.plan(
            people, lrs_dir, home_page=home, rotate=rotate, roster=roster
        )
    except (ContentError, ContentErrors) as exc:
        fail(_content_errors(exc), what="links not written")
    endpoint = lrs_url if lrs_url.endswith("/") else lrs_url + "/"
    site = base_url or str(settings.site_url)
    urls = {
        p.employee_id: links.launch_link(
            site, endpoint, links.learner_actor(p, home), auth[p.employee_id], lea=p.lea_code
        )
        for p in people
    }
    try:
        # links.csv appears only once the logins are saved; a failure leaves neither half
        with atomic_file(out, private=True, newline="") as handle:
            links.write_links_csv(handle, people, urls)
            links.apply(lrs_dir, credentials)
    except ContentError as exc:
        fail([str(exc)], what="links not written")
    click.echo(
        f"isdp: wrote {len(people)} personal link(s) to {out} (private: it holds credentials); "
        f"restart the LRS so that it reads the new logins"
    )


@click.group()
def cmi5() -> None:
    """cmi5 packages for import into an LMS."""


def _lms_origins(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    """--lms-origin: scheme://host[:port] only, as the Content-Security-Policy writes it."""
    from build_tools.core.settings import _web_origin

    try:
        return [_web_origin(value) for value in values]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@cmi5.command("package")
@SRC_OPTION
@click.argument("course")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .zip to write (cmi5.xml at its root, then the course's pages).",
)
@click.option(
    "--lms-origin",
    "lms_origins",
    multiple=True,
    callback=_lms_origins,
    help="Origin (scheme://host[:port]) of the LMS's xAPI endpoint, added to the pages' "
    "connect-src; repeat for several. Not needed when the LMS serves it from the content's origin.",
)
def cmi5_package(src: Path, course: str, out: Path, lms_origins: list[str]) -> None:
    """Package COURSE (its id, such as ferpa) for import into a cmi5 LMS."""
    from build_tools.xapi.cmi5 import package

    try:
        aus = package(src, course, out, lms_origins,
                      progress=lambda line: progress(f"isdp: {line}"))
    except (ContentError, ContentErrors) as exc:
        fail(_content_errors(exc), what="package not written")
    click.echo(
        f"isdp: wrote {out}: course {course}, {len(aus)} AU(s) "
        f"({sum(au.move_on == 'Passed' for au in aus)} with a quiz)"
    )
