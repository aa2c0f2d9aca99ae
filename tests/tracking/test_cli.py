"""``isdp learners links``, ``isdp lrs serve`` and the demo learner of ``isdp serve --lrs``."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import httpx
from click.testing import CliRunner

from build_tools.cli import main
from build_tools.xapi.lrs.demo import start_demo
from build_tools.xapi.lrs.local import LocalLRS

from ..conftest import REPO
from .conftest import HEADERS, attempt_events, dispatch

ROSTER = """employee_id,name,email,lea_code,lea_name,role
100234,Ada Test,ada@example.org,2520,Jackson Public School District,teacher
100777,Ben Test,ben@example.org,4820,Madison County School District,clerk
"""


def _links(tmp_path, roster_text=ROSTER, *extra):
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_text)
    args = [
        "learners",
        "links",
        "--src",
        str(REPO),
        "--roster",
        str(roster),
        "--lrs-url",
        "https://lrs.example.org/xAPI/",
        "--base-url",
        "https://www.mdek12.org/isdp/",
        "--out",
        str(tmp_path / "links.csv"),
        "--lrs-dir",
        str(tmp_path / "lrs"),
        *extra,
    ]
    return CliRunner().invoke(main, args)


def test_links_provision_one_login_per_learner_and_write_private_links(tmp_path):
    result = _links(tmp_path)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "links.csv").open()))
    assert [r["employee_id"] for r in rows] == ["100234", "100777"]
    assert oct((tmp_path / "links.csv").stat().st_mode & 0o777) == "0o600"
    link = urlsplit(rows[0]["link"])
    assert link.scheme == "https" and link.path == "/isdp/courses/index.html" and not link.query
    fragment = parse_qs(link.fragment)
    assert fragment["endpoint"] == ["https://lrs.example.org/xAPI/"] and fragment["lea"] == ["2520"]
    assert fragment["auth"][0].startswith("Basic ")
    assert '"name":"100234"' in fragment["actor"][0]
    with LocalLRS(tmp_path / "lrs") as lrs:  # the logins work, with exactly the learner scopes
        who = httpx.get(
            f"http://127.0.0.1:{lrs.port}/whoami", headers={"Authorization": fragment["auth"][0]}
        ).json()
    assert sorted(who["scopes"]) == ["statements/read/mine", "statements/write"]
    assert who["agent"]["account"] == {"homePage": "https://www.mdek12.org", "name": "100234"}


def test_links_refuse_to_silently_replace_a_learners_link(tmp_path):
    assert _links(tmp_path).exit_code == 0
    first = (tmp_path / "links.csv").read_text()
    again = _links(tmp_path)
    assert again.exit_code == 1
    assert "roster.csv:2: employee 100234 already has an LRS login" in again.output
    assert (tmp_path / "links.csv").read_text() == first, "nothing half-written"
    rotated = _links(tmp_path, ROSTER, "--rotate")
    assert rotated.exit_code == 0 and (tmp_path / "links.csv").read_text() != first


def test_a_bad_roster_names_file_and_line_and_writes_nothing(tmp_path):
    bad = (
        ROSTER
        + "100234,Ada Again,ada2@example.org,2520,Jackson,teacher\n,No Id,x@example.org,2520,J,t\n"
    )
    result = _links(tmp_path, bad)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "roster.csv:4: duplicate employee_id '100234' (first on line 2)" in result.output
    assert "roster.csv:5: empty field(s): employee_id" in result.output
    assert not (tmp_path / "links.csv").exists() and not (tmp_path / "lrs").exists()
    missing = _links(tmp_path, "employee_id,name\n1,A\n")
    assert "roster.csv:1: roster is missing column(s) email, lea_code, lea_name, role" in missing.output


def test_lrs_serve_runs_ralph_on_loopback_with_cors_for_the_site(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "build_tools",
            "lrs",
            "serve",
            "--port",
            "0",
            "--lrs-dir",
            str(tmp_path / "lrs"),
            "--cors-origin",
            "http://127.0.0.1:8123",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "LRS on" in line:
                break
        url = lines[-1].split("LRS on ")[1].split()[0]
        admin = lines[0].split("login ")[1].split(" (")[0].split(" / ")
        assert url.startswith("http://127.0.0.1:")
        preflight = httpx.options(
            url + "statements",
            headers={
                "Origin": "http://127.0.0.1:8123",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type,x-experience-api-version",
            },
        )
        assert preflight.headers["access-control-allow-origin"] == "http://127.0.0.1:8123"
        other = httpx.options(
            url + "statements",
            headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in other.headers
        assert httpx.get(url + "statements", headers=HEADERS).status_code == 401
        assert httpx.get(url + "statements", headers=HEADERS, auth=tuple(admin)).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)


def test_serve_with_lrs_gives_the_editor_a_demo_learner_whose_statements_land(page, web, tmp_path):
    port = int(web.url.rsplit(":", 1)[1])
    demo = start_demo(REPO, "127.0.0.1", port, app_dir=tmp_path / "lrs")
    try:
        page.goto(demo.link.replace(f"http://127.0.0.1:{port}/", web.url + "/"))
        assert page.evaluate("window.isdpTracking.mode") == "link"
        page.goto(web.url + "/courses/tracking-fixture.html")  # the launch follows the learner
        for name, detail in attempt_events(n=1):
            dispatch(page, name, detail)
        page.wait_for_function(
            "() => window.isdpTracking.idle() && "
            "document.querySelector('[data-isdp-tracking-status]').textContent.startsWith('Recorded')"
        )
        auth = parse_qs(urlsplit(demo.link).fragment)["auth"][0]
        mine = httpx.get(
            demo.lrs.url + "statements", headers={**HEADERS, "Authorization": auth}
        ).json()
        assert len(mine["statements"]) == 5
    finally:
        demo.lrs.stop()
