"""The compliance oracle: statements written into a real Ralph through real logins (learners'
own credentials, a colleague's, an administrator, a stranger and a trusted LMS), `isdp lrs
sync`, `isdp report training`, and every row of compliance.csv and overdue.csv compared with
the answer worked out here by hand.

Ralph stamps ``stored`` itself, so the cases on 30 June (22:30 in Mississippi, 03:30 UTC on
1 July) run Ralph under libfaketime (Debian ``faketime``) with its clock set to those nights:
the LRS, the HTTP and the sync stay real.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import uuid
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from build_tools.cli import main
from build_tools.core.roster import Employee
from build_tools.reports.courses import load_required_courses
from build_tools.xapi import profile as xp
from build_tools.xapi.links import provision
from build_tools.xapi.lrs.local import Credential, LocalLRS, write_credentials

from ..conftest import ADMIN, REPO
from .conftest import HOME, PROFILE

FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
ADMIN_AGENT = {"objectType": "Agent", "mbox": "mailto:lrs-admin@example.org"}
LMS_HOME = "https://lms.example.org"
LMS_LOGIN = ("district-lms", "lms-password-for-tests")
LMS_AGENT = {"objectType": "Agent", "account": {"homePage": LMS_HOME, "name": "district-lms"}}
STRANGER = ("stranger", "stranger-password-for-tests")
STRANGER_AGENT = {"objectType": "Agent", "mbox": "mailto:someone@elsewhere.example"}
FERPA, SA = "ferpa", "security-awareness"
CATAPULT_COURSE = "https://w3id.org/xapi/cmi5/catapult/player/course/"
# 22:30 on 30 June in Mississippi (CDT, UTC-5) is 03:30 UTC on 1 July.
JUNE_30_2026 = dt.datetime(2026, 7, 1, 3, 30, tzinfo=dt.UTC)
JUNE_30_2027 = dt.datetime(2027, 7, 1, 3, 30, tzinfo=dt.UTC)

ROSTER = {  # employee id -> what happens to them (the expected answer is in EXPECTED)
    "E01": "full evidence, own credential, plus the course passed claims",
    "E02": "course passed claims with nothing behind them",
    "E03": "full evidence and passed written for E03 with colleague E04's credential",
    "E04": "the colleague: nothing of their own",
    "E05": "backdated: answers dated 2026-05-01, stored now (counts at stored)",
    "E06": "forward-dated: answers dated 2028-03-01 (counts at stored, not in 2027-28)",
    "E07": "late-delivered: answers dated 10 days before stored (counts at its timestamp)",
    "E08": "full evidence; another learner (E04) voids two answers: ignored",
    "E09": "full evidence; an unknown login voids two answers: ignored",
    "E10": "full evidence; the administrator voids two answers: honoured",
    "E11": "full evidence at 22:30 Mississippi time on 30 June 2026 (the year before)",
    "E12": "full evidence at 22:30 Mississippi time on 30 June 2027 (still this year)",
    "E13": "cmi5 satisfied of both courses from the trusted LMS (CATAPULT form)",
    "E14": "trusted LMS AU answers; the LMS carries the employee id in the actor's name",
    "E15": "failed then passed (new registration); in FERPA a wrong first answer re-answered",
    "E16": "full evidence sent twice (same ids) and duplicate passed claims",
    "E17": "a module attempt that stops half-way",
}
KEYS = {course.id: course for course in load_required_courses(REPO)}


def employee(eid: str) -> Employee:
    return Employee(eid, f"Learner {eid}", f"{eid.lower()}@example.org", "2500",
                    "Jackson Public School District", "teacher", 0)


def learner(eid: str) -> dict:
    return xp.account_actor(HOME, eid)


def answers(actor: dict, course: str, when: dt.datetime, *, right: bool = True,
            modules: list[str] | None = None, limit: int | None = None,
            registration: str | None = None) -> list[dict]:
    """One attempt (one registration) per module: every question answered once."""
    out = []
    info = KEYS[course]
    for module in modules or list(info.modules):
        reg = registration or str(uuid.uuid4())
        qids = [qid for qid, key in info.keys.items() if key.module == module][:limit]
        for qid in qids:
            key = info.keys[qid]
            response = "[,]".join(sorted(key.correct)) if right else "not-a-choice"
            out.append(xp.statement(
                PROFILE, actor=actor, verb="answered",
                obj=xp.activity(PROFILE.question(course, qid), "question", qid), course=course,
                cycle="2026-2027", registration=reg, lea="2500", timestamp=when,
                result={"response": response, "success": True}))
    return out


def claim(actor: dict, course: str, when: dt.datetime) -> dict:
    return xp.statement(PROFILE, actor=actor, verb="passed",
                        obj=xp.activity(PROFILE.course(course), "course"), course=course,
                        cycle="2026-2027", registration=str(uuid.uuid4()), timestamp=when,
                        result={"success": True, "score": xp.score(10, 10)})


def satisfied(actor: dict, course: str, when: dt.datetime) -> dict:
    """What ADL's CATAPULT player sends when a course is satisfied."""
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": xp.SATISFIED, "display": {"en-US": "satisfied"}},
        "object": {"objectType": "Activity", "id": CATAPULT_COURSE + str(uuid.uuid4()),
                   "definition": {"type": xp.CMI5_COURSE_TYPE}},
        "context": {"registration": str(uuid.uuid4()),
                    "contextActivities": {
                        "grouping": [{"objectType": "Activity", "id": PROFILE.course(course)}],
                        "category": [{"objectType": "Activity", "id": xp.CMI5_CATEGORY}]}},
        "timestamp": when.isoformat().replace("+00:00", "Z"),
    }


def void(target_id: str, actor: dict) -> dict:
    return {"id": str(uuid.uuid4()), "actor": actor,
            "verb": {"id": xp.VOIDED, "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": target_id}}


def both(actor: dict, when: dt.datetime, **kwargs) -> list[dict]:
    return answers(actor, FERPA, when, **kwargs) + answers(actor, SA, when, **kwargs)


class Ralph:
    """One Ralph data directory, started (and restarted at other fake dates) on demand."""

    def __init__(self, app_dir: Path, monkeypatch: pytest.MonkeyPatch):
        self.app_dir, self.monkeypatch, self.server = app_dir, monkeypatch, None

    def start(self, clock: dt.datetime | None = None) -> None:
        self.stop()
        if clock is None:
            for name in ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC"):
                self.monkeypatch.delenv(name, raising=False)
        else:
            self.monkeypatch.setenv("LD_PRELOAD", str(FAKETIME))
            self.monkeypatch.setenv("FAKETIME", "@" + clock.strftime("%Y-%m-%d %H:%M:%S"))
            self.monkeypatch.setenv("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            self.monkeypatch.setenv("TZ", "UTC")
        self.server = LocalLRS(self.app_dir).start()
        for name in ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC"):
            self.monkeypatch.delenv(name, raising=False)  # only Ralph runs on the fake clock

    def stop(self) -> None:
        if self.server:
            self.server.stop()
            self.server = None

    def post(self, auth: tuple[str, str] | str, statements: list[dict]) -> None:
        headers = {"X-Experience-API-Version": "1.0.3"}
        kwargs = {"auth": auth} if isinstance(auth, tuple) else {}
        if isinstance(auth, str):
            headers["Authorization"] = auth
        for start in range(0, len(statements), 200):
            response = httpx.post(self.server.url + "statements", json=statements[start:start + 200],
                                  headers=headers, timeout=60, **kwargs)
            assert response.status_code in (200, 204), response.text


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


@pytest.fixture
def oracle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if not FAKETIME.exists():
        pytest.fail(f"{FAKETIME} is missing: run .ci/install (apt-get install faketime)")
    app_dir = tmp_path / "lrs"
    write_credentials(app_dir, [
        Credential(*ADMIN, ("all",), ADMIN_AGENT),
        Credential(*LMS_LOGIN, ("statements/write", "statements/read/mine"), LMS_AGENT),
        Credential(*STRANGER, ("statements/write", "statements/read/mine"), STRANGER_AGENT),
    ])
    people = [employee(eid) for eid in [*ROSTER, "X99"]]
    auth = provision(people, app_dir, home_page=HOME)
    ralph = Ralph(app_dir, monkeypatch)
    yield ralph, auth
    ralph.stop()


def test_every_row_of_the_report_is_the_expected_answer(oracle, tmp_path):
    ralph, auth = oracle
    # The two nights of 30 June, each with Ralph's clock five minutes after 22:30 CDT.
    ralph.start(JUNE_30_2026 + dt.timedelta(minutes=5))
    ralph.post(auth["E11"], both(learner("E11"), JUNE_30_2026))
    ralph.start(JUNE_30_2027 + dt.timedelta(minutes=5))
    ralph.post(auth["E12"], both(learner("E12"), JUNE_30_2027))
    ralph.start()  # today, on the real clock
    now = dt.datetime.now(dt.UTC)
    today = now.date().isoformat()
    hour_ago = now - dt.timedelta(hours=1)
    ralph.post(auth["E01"], both(learner("E01"), hour_ago)
               + [claim(learner("E01"), c, hour_ago) for c in (FERPA, SA)])
    ralph.post(auth["E02"], [claim(learner("E02"), c, hour_ago) for c in (FERPA, SA)])
    ralph.post(auth["E04"], both(learner("E03"), hour_ago)
               + [claim(learner("E03"), c, hour_ago) for c in (FERPA, SA)])
    ralph.post(auth["E05"], both(learner("E05"), dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)))
    ralph.post(auth["E06"], both(learner("E06"), dt.datetime(2028, 3, 1, 12, tzinfo=dt.UTC)))
    ten_days = now - dt.timedelta(days=10)
    ralph.post(auth["E07"], both(learner("E07"), ten_days))
    voided = {}
    for eid, voider in (("E08", auth["E04"]), ("E09", STRANGER), ("E10", ADMIN)):
        sent = both(learner(eid), hour_ago)
        ralph.post(auth[eid], sent)
        # the first two answers of the first SA module (6 questions: 4 of 6 is below 80 %)
        targets = [s for s in sent if "/security-awareness/" in s["object"]["id"]][:2]
        voided[eid] = [t["id"] for t in targets]
        writer = {"E08": learner("E04"), "E09": STRANGER_AGENT, "E10": ADMIN_AGENT}[eid]
        ralph.post(voider, [void(t, writer) for t in voided[eid]])
    ralph.post(LMS_LOGIN, [satisfied(xp.account_actor(LMS_HOME, "E13"), c, hour_ago)
                           for c in (FERPA, SA)])
    lms_actor = {"objectType": "Agent", "name": "E14",
                 "account": {"homePage": "https://lms2.example.org", "name": "lms-user-7731"}}
    ralph.post(LMS_LOGIN, answers(lms_actor, SA, hour_ago))
    ralph.post(auth["E15"], answers(learner("E15"), SA, hour_ago - dt.timedelta(minutes=30),
                                    right=False)
               + answers(learner("E15"), SA, hour_ago))
    reg = str(uuid.uuid4())
    ralph.post(auth["E15"], answers(learner("E15"), FERPA, hour_ago - dt.timedelta(minutes=5),
                                    right=False, registration=reg)
               + answers(learner("E15"), FERPA, hour_ago, registration=reg))
    twice = both(learner("E16"), hour_ago)
    ralph.post(auth["E16"], twice)
    ralph.post(auth["E16"], twice)
    ralph.post(auth["E16"], [claim(learner("E16"), SA, hour_ago) for _ in range(3)])
    ralph.post(auth["X99"], both(learner("X99"), hour_ago) + [claim(learner("X99"), SA, hour_ago)])
    ralph.post(auth["E17"], answers(learner("E17"), SA, hour_ago, modules=["phishing"], limit=3))

    site = tmp_path / "site"
    shutil.copytree(REPO / "courses", site / "courses")
    settings = (REPO / "site.yaml").read_text()
    for empty, configured in (
        ("trusted_authorities: []", f"trusted_authorities:\n    - account:{LMS_HOME}|district-lms"),
        ("void_authorities: []", "void_authorities:\n    - mailto:lrs-admin@example.org"),
        ("lms_accounts: {}", "lms_accounts:\n    https://lms2.example.org: {employee_id: name}"),
    ):
        assert empty in settings
        settings = settings.replace(empty, configured)
    (site / "site.yaml").write_text(settings)
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["employee_id", "name", "email", "lea_code", "lea_name", "role"])
        for eid in ROSTER:
            writer.writerow(list(employee(eid)[:6]))
    store, out = tmp_path / "store.sqlite", tmp_path / "report"
    # Ralph stored E12's statements on its fake clock of 1 July 2027; the sync refuses a
    # `stored` later than its own clock (tests/safety/test_sync.py), so it runs after that day.
    from build_tools.store import sync as sync_module

    oracle_now = JUNE_30_2027 + dt.timedelta(hours=1)
    ralph.monkeypatch.setattr(sync_module, "_now", lambda: oracle_now)
    run("lrs", "sync", "--lrs-url", ralph.server.url, "--user", ADMIN[0], "--password", ADMIN[1],
        "--store", store)
    run("report", "training", "--roster", roster, "--cycle", "2026-2027", "--out", out,
        "--store", store, "--src", site)

    P, IP, NS = "passed", "in progress", "not started"
    ten = ten_days.date().isoformat()
    expected = {  # employee -> (ferpa status, passed_on, sa status, passed_on)
        "E01": (P, today, P, today), "E02": (NS, "", NS, ""), "E03": (NS, "", NS, ""),
        "E04": (NS, "", NS, ""), "E05": (P, today, P, today), "E06": (P, today, P, today),
        "E07": (P, ten, P, ten), "E08": (P, today, P, today), "E09": (P, today, P, today),
        "E10": (P, today, IP, ""), "E11": (NS, "", NS, ""),
        "E12": (P, "2027-07-01", P, "2027-07-01"), "E13": (P, today, P, today),
        "E14": (NS, "", P, today), "E15": (IP, "", P, today), "E16": (P, today, P, today),
        "E17": (NS, "", IP, ""),
    }
    rows = list(csv.DictReader((out / "compliance.csv").open()))
    got = {r["employee_id"]: (r["ferpa_status"], r["ferpa_passed_on"],
                              r["security-awareness_status"], r["security-awareness_passed_on"])
           for r in rows}
    assert got == expected
    for r in rows:
        assert r["compliant"] == ("yes" if expected[r["employee_id"]][::2] == (P, P) else "no")
    assert [r["security-awareness_modules_passed"] for r in rows
            if r["employee_id"] in ("E10", "E17", "E01")] == ["6/6", "5/6", "0/6"]
    overdue = {r["employee_id"]: r["missing_courses"]
               for r in csv.DictReader((out / "overdue.csv").open())}
    titles = {FERPA: KEYS[FERPA].title, SA: KEYS[SA].title}
    assert overdue == {
        eid: "; ".join(titles[c] for c, status in ((FERPA, e[0]), (SA, e[2])) if status != P)
        for eid, e in expected.items() if (e[0], e[2]) != (P, P)
    }

    reasons = {(r["learner"], r["course"], r["verb"].rsplit("/", 1)[-1], r["reason"])
               for r in csv.DictReader((out / "unverified.csv").open())}
    assert reasons == {
        ("E02", FERPA, "passed", "no evidence"), ("E02", SA, "passed", "no evidence"),
        ("E03", FERPA, "passed", "written by another credential"),
        ("E03", SA, "passed", "written by another credential"),
        ("E08", SA, "voided", "void ignored: written by another credential"),
        ("E09", SA, "voided", "void ignored: written by another credential"),
        ("X99", SA, "passed", "not on the roster"),
    }
    summary = json.loads((out / "summary.json").read_text())
    assert summary["not_on_roster"] == ["X99"]
    assert summary["employees"] == len(ROSTER) and summary["compliant"] == 9
    html = (out / "index.html").read_text()
    assert "Claims not counted" in html and "written by another credential" in html
