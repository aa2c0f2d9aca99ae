"""The courses in ADL's cmi5 player, CATAPULT, scenario by scenario: run by hand, not in CI.

CI cannot fetch the player's sources (they are not on a package registry), so this is a
script, not a test: pytest does not collect it (its name does not start with ``test_``).
Bring the stack up with ../shared/interop/CATAPULT.md (player on 127.0.0.1:18498, ADL's LRS
behind it, MariaDB on a socket), then, from the project's root:

    PYTHONPATH=$PWD .venv/bin/python tests/interop/catapult.py --work /work/catapult

It packages security-awareness with ``isdp cmi5 package``, imports it into the player (a new
course each run, so registrations never collide with an earlier run), and drives headless
Chromium through the module pages as a learner does: choosing answers, "Check answer".
For each scenario it prints the statements the AU sent (by verb), what the player answered
(the refused count, with the player's rule ids), and the player's session row(s), and it
says whether the outcome is the one cmi5 asks for. Exit status 1 if any scenario is not.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

COURSE = "security-awareness"
MODULE, OTHER = 0, 4  # phishing (6 questions), passwords-mfa
STATUS = "[data-isdp-tracking-status]"


@dataclass
class Player:
    api: str
    token: str
    socket: Path
    course_id: int = 0

    def call(self, path: str, **kwargs) -> dict:
        response = httpx.post(f"{self.api}{path}", headers={"Authorization": f"Bearer {self.token}"},
                              timeout=120, **kwargs)
        response.raise_for_status()
        return response.json()

    def launch(self, actor: dict, au: int = MODULE, **options) -> dict:
        return self.call(f"/course/{self.course_id}/launch-url/{au}", json={"actor": actor, **options})

    def rows(self, sql: str) -> list[dict]:
        out = subprocess.run(["mariadb", "-S", str(self.socket), "-u", "root", "catapult_player",
                              "--batch", "-e", sql], capture_output=True, text=True, check=True).stdout
        lines = [line.split("\t") for line in out.splitlines()]
        return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]] if lines else []

    def terminated(self, launch_url: str, seconds: float = 15) -> dict:
        """The session row once it is terminated (a keepalive request lands after the page
        is gone), or as it is after SECONDS."""
        for _ in range(int(seconds * 5)):
            row = self.session(launch_url)
            if row["is_terminated"] == "1":
                return row
            time.sleep(0.2)
        return row

    def session(self, launch_url: str) -> dict:
        """The session row of a launch (its fetch URL ends with the session's id)."""
        sid = int(launch_url.split("fetch=")[1].split("&")[0].rsplit("%2F", 1)[1])
        return self.rows(
            "select s.id, s.launch_mode, s.mastery_score, s.learner_prefs_fetched, s.is_initialized, "
            "s.is_completed, s.is_passed, s.is_failed, s.is_terminated, s.is_abandoned, s.abandoned_by, "
            "s.duration_normal, s.duration_browse, s.duration_review, r.is_satisfied "
            "from sessions s join registrations_courses_aus r on r.id = s.registrations_courses_aus_id "
            f"where s.id = {sid}")[0]


@dataclass
class Traffic:
    """What the page sent to the player's LRS endpoint and what the player answered."""

    verbs: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    requests: int = 0

    def watch(self, page: Page) -> None:
        def on_response(response) -> None:
            request = response.request
            if request.method != "POST" or not request.url.split("?")[0].endswith("/lrs/statements"):
                return
            self.requests += 1
            if response.ok:
                for statement in json.loads(request.post_data or "[]"):
                    self.verbs.append(statement["verb"]["id"].rsplit("/", 1)[1])
            else:
                self.refused.append(f"{response.status} {_text(response)[:140]}")

        page.on("response", on_response)

    def note_keepalive(self, ids_verbs: list[str]) -> None:
        self.verbs += ids_verbs


def _text(response) -> str:
    try:
        return response.text()
    except Exception:  # the page is gone (a keepalive request)
        return "(no body: page closed)"


KEYS: dict[str, list[str]] = {}  # question id -> correct choices, from the course sources


def answer(page: Page, wrong: int = 0, count: int | None = None) -> None:
    """Answer the page's questions as a learner: the first WRONG ones wrongly, and only the
    first COUNT. The pages hold no key (it is sealed), so it comes from the sources."""
    questions = page.locator("[data-isdp-quiz][data-isdp-question]")
    n = questions.count() if count is None else count
    for i in range(n):
        q = questions.nth(i)
        correct = KEYS[q.get_attribute("data-isdp-question")]
        choices = [c.get_attribute("data-isdp-choice") for c in q.locator("[data-isdp-choice]").all()]
        pick = correct if i >= wrong else [next(c for c in choices if c not in correct)]
        if q.get_attribute("data-isdp-kind") == "multiple" and i < wrong:
            pick = correct[:-1] or [next(c for c in choices if c not in correct)]
        q.locator(".isdp-quiz-check:not([disabled])").wait_for()  # the quiz is ready
        for choice in pick:
            q.locator(f"input[value='{choice}']").check()
        q.locator(".isdp-quiz-check").click()
        q.locator(".isdp-quiz-check").wait_for(state="hidden")  # checked and locked


def status(page: Page) -> str:
    return page.locator(STATUS).first.text_content() or ""


def wait_ready(page: Page) -> None:
    page.wait_for_function("() => window.isdpTracking && window.isdpTracking.mode !== undefined")
    page.evaluate("window.isdpTracking.ready()")


def wait_done(page: Page, text: str = "session is over") -> None:
    page.wait_for_function(
        f"() => window.isdpTracking.idle() && "
        f"document.querySelector('{STATUS}').textContent.includes({json.dumps(text)})",
        timeout=30000)


def actor(name: str) -> dict:
    return {"objectType": "Agent", "account": {"homePage": "https://lms.example.test", "name": name}, "name": name}


@dataclass
class Result:
    name: str
    traffic: list[Traffic]
    rows: list[dict]
    expected: str
    ok: bool
    said: str = ""


def run(player: Player, browser, return_url: str) -> list[Result]:
    results: list[Result] = []

    def scenario(name, expected):
        def wrap(fn):
            context = browser.new_context()
            try:
                traffic, rows, ok, said = fn(context)
            except Exception as exc:  # a scenario that breaks is reported, not hidden
                traffic, rows, ok, said = [], [], False, f"error: {exc}"[:300]
            finally:
                context.close()
            results.append(Result(name, traffic, rows, expected, ok, said))
            return fn
        return wrap

    def open_launch(context, launch):
        page = context.new_page()
        traffic = Traffic()
        traffic.watch(page)
        page.goto(launch["url"])
        wait_ready(page)
        return page, traffic

    def flags(row, **want):
        return all(str(row[k]) == str(v) for k, v in want.items())

    @scenario("first pass", "satisfied; initialized, 6 answered, completed, passed, terminated")
    def _(context):
        launch = player.launch(actor(f"first-{uuid.uuid4().hex[:8]}"))
        page, t = open_launch(context, launch)
        answer(page)
        wait_done(page)
        row = player.session(launch["url"])
        ok = not t.refused and flags(row, is_passed=1, is_completed=1, is_terminated=1, is_satisfied=1)
        return [t], [row], ok, status(page)

    def fail_then_pass(context, same_registration):
        who = actor(f"retake-{uuid.uuid4().hex[:8]}")
        first = player.launch(who)
        page, t1 = open_launch(context, first)
        answer(page, wrong=3)
        wait_done(page)
        options = {"reg": first_reg(first)} if same_registration else {}
        second = player.launch(who, **options)
        page2, t2 = open_launch(context, second)
        answer(page2)
        wait_done(page2)
        r1, r2 = player.session(first["url"]), player.session(second["url"])
        ok = (not t1.refused and not t2.refused and flags(r1, is_failed=1, is_completed=1, is_terminated=1)
              and flags(r2, is_passed=1, is_terminated=1, is_satisfied=1)
              and ("completed" not in t2.verbs) == same_registration)
        return [t1, t2], [r1, r2], ok, status(page2)

    def first_reg(launch):
        return launch["url"].split("registration=")[1].split("&")[0]

    @scenario("fail, then pass in the same registration",
              "2nd session: no completed (once per registration), passed; satisfied")
    def _(context):
        return fail_then_pass(context, True)

    @scenario("fail, then pass in a new registration", "2nd session: completed and passed; satisfied")
    def _(context):
        return fail_then_pass(context, False)

    @scenario("relaunch after satisfied (Review)",
              "Review: initialized, answered, terminated only; page says it does not count")
    def _(context):
        who = actor(f"review-{uuid.uuid4().hex[:8]}")
        first = player.launch(who)
        page, t1 = open_launch(context, first)
        answer(page)
        wait_done(page)
        again = player.launch(who, reg=first_reg(first))
        page2, t2 = open_launch(context, again)
        said = status(page2)
        answer(page2)
        wait_done(page2, "does not count")
        page2.wait_for_function("() => window.isdpTracking.idle()")
        page2.wait_for_function(f"() => document.querySelector('{STATUS}').textContent.includes('session is over')")
        r2 = player.session(again["url"])
        ok = (not t2.refused and r2["launch_mode"] == "Review" and "does not count" in said
              and set(t2.verbs) == {"initialized", "answered", "terminated"} and flags(r2, is_terminated=1))
        return [t1, t2], [player.session(first["url"]), r2], ok, said

    @scenario("Browse, leaving before the end", "initialized, 2 answered, terminated (pagehide); not completed")
    def _(context):
        launch = player.launch(actor(f"browse-{uuid.uuid4().hex[:8]}"), launchMode="Browse")
        page, t = open_launch(context, launch)
        said = status(page)
        answer(page, count=2)
        page.wait_for_function("() => window.isdpTracking.idle()")
        page.goto(player.api.replace("/api/v1", "/"))  # away: pagehide sends terminated
        t.verbs.append("terminated (keepalive)")  # its answer arrives after the page is gone
        row = player.terminated(launch["url"])
        ok = (not t.refused and "does not count" in said and flags(row, is_terminated=1, is_completed=0)
              and row["launch_mode"] == "Browse")
        return [t], [row], ok, said

    @scenario("a lost acknowledgement",
              "initialized stored, its 200 lost, page reloaded: found by id, not resent; 0 refused")
    def _(context):
        launch = player.launch(actor(f"lost-{uuid.uuid4().hex[:8]}"))
        page = context.new_page()
        t = Traffic()
        t.watch(page)
        lost = []

        def handler(route):
            body = route.request.post_data or ""
            if not lost and route.request.method == "POST" and "/verbs/initialized" in body:
                route.fetch()
                lost.append(1)
                route.abort()
            else:
                route.fallback()

        page.route("**/lrs/statements*", handler)
        page.goto(launch["url"])
        for _ in range(100):
            if lost:
                break
            page.wait_for_timeout(100)
        t.verbs.append("initialized")  # stored by the player, its answer lost
        page.reload()
        wait_ready(page)
        answer(page)
        wait_done(page)
        row = player.session(launch["url"])
        ok = bool(lost) and not t.refused and flags(row, is_initialized=1, is_passed=1, is_terminated=1)
        return [t], [row], ok, status(page)

    @scenario("context template additions",
              "language, revision, an extension and an 'other' activity kept: 0 refused (10.2.1.0-6)")
    def _(context):
        additions = {"language": "en-US", "revision": "2026-fall",
                     "extensions": {"https://lms.example.test/x/cohort": "2026-fall"},
                     "contextActivities": {"other": [{"id": "https://lms.example.test/catalog/77"}]}}
        launch = player.launch(actor(f"template-{uuid.uuid4().hex[:8]}"),
                               contextTemplateAdditions=additions)
        page, t = open_launch(context, launch)
        answer(page)
        wait_done(page)
        row = player.session(launch["url"])
        return [t], [row], not t.refused and flags(row, is_passed=1, is_terminated=1), status(page)

    @scenario("returnURL", "terminated, then the window goes to the LMS's returnURL")
    def _(context):
        launch = player.launch(actor(f"return-{uuid.uuid4().hex[:8]}"), returnUrl=return_url)
        page, t = open_launch(context, launch)
        answer(page)
        page.wait_for_url(return_url, timeout=30000)
        row = player.session(launch["url"])
        return [t], [row], not t.refused and flags(row, is_passed=1, is_terminated=1), page.url

    @scenario("another module's page in the same tab",
              "phishing: initialized, terminated on leaving; passwords-mfa page: practice, nothing sent")
    def _(context):
        launch = player.launch(actor(f"away-{uuid.uuid4().hex[:8]}"))
        page, t = open_launch(context, launch)
        page.locator("a[href$='passwords-mfa.html']").first.click()
        page.wait_for_function("() => window.isdpTracking && window.isdpTracking.mode === 'practice'")
        said = status(page)
        t.verbs.append("terminated (keepalive)")
        before = t.requests
        answer(page)
        page.wait_for_timeout(1000)
        row = player.terminated(launch["url"])
        ok = (not t.refused and t.requests == before and "not recorded" in said
              and flags(row, is_terminated=1, is_completed=0, is_passed=0))
        return [t], [row], ok, said

    @scenario("a tab closed mid-attempt",
              "initialized, 3 answered, terminated (keepalive on pagehide); not abandoned")
    def _(context):
        launch = player.launch(actor(f"closed-{uuid.uuid4().hex[:8]}"))
        page, t = open_launch(context, launch)
        answer(page, count=3)
        page.wait_for_function("() => window.isdpTracking.idle()")
        page.close(run_before_unload=True)
        row = player.terminated(launch["url"])
        t.verbs.append("terminated (keepalive)")
        timed = row["duration_normal"] not in ("NULL", "")
        ok = not t.refused and flags(row, is_terminated=1, is_abandoned=0) and timed
        return [t], [row], ok, "(tab closed)"

    @scenario("LMS masteryScore 0.9", "5 of 6 (83%): failed, and the page names the 90% pass mark")
    def _(context):
        launch = player.launch(actor(f"mastery-{uuid.uuid4().hex[:8]}"), masteryScore=0.9)
        page, t = open_launch(context, launch)
        answer(page, wrong=1)
        wait_done(page)
        row = player.session(launch["url"])
        said = status(page)
        ok = (not t.refused and flags(row, is_failed=1, is_passed=0, is_terminated=1)
              and "90%" in said and "failed" in t.verbs)
        return [t], [row], ok, said

    return results


def _row(row: dict) -> str:
    mode = row["launch_mode"]
    took = row[f"duration_{mode.lower()}"]
    return (f"#{row['id']} {mode} ms={row['mastery_score']} init={row['is_initialized']} "
            f"compl={row['is_completed']} pass={row['is_passed']} fail={row['is_failed']} "
            f"term={row['is_terminated']} aband={row['is_abandoned']} dur={took}s satisfied={row['is_satisfied']}")


def package_and_import(player: Player, root: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{COURSE}.zip"
        subprocess.run([sys.executable, "-m", "build_tools", "cmi5", "package", COURSE, "--out", str(out)],
                       cwd=root, check=True, capture_output=True)
        course = httpx.post(f"{player.api}/course", content=out.read_bytes(), timeout=300,
                            headers={"Authorization": f"Bearer {player.token}", "Content-Type": "application/zip"})
        course.raise_for_status()
        player.course_id = course.json()["id"]
    return str(player.course_id)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/work/catapult"), help="the recipe's $W")
    parser.add_argument("--player", default="http://127.0.0.1:18498")
    parser.add_argument("--course-id", type=int, help="reuse an imported course instead of packaging")
    args = parser.parse_args()
    api = f"{args.player}/api/v1"
    token = json.loads((args.work / "auth.json").read_text())["token"]
    player = Player(api, token, args.work / "run" / "mysqld.sock")
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root))
    from tests.support.answers import answer_keys

    KEYS.update(answer_keys(root))
    if args.course_id:
        player.course_id = args.course_id
    else:
        package_and_import(player, root)
    version = subprocess.run(["git", "-C", str(args.work / "adlnet+CATAPULT"), "log", "-1", "--format=%h"],
                             capture_output=True, text=True).stdout.strip() or "806c0baa (recipe)"
    lrs = httpx.get("http://127.0.0.1:18480/xapi/about", timeout=10).json()["version"]
    print(f"CATAPULT player {version}, course id {player.course_id}; LRS versions {', '.join(lrs)}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        results = run(player, browser, return_url=f"{args.player}/api/v1/about")
        browser.close()
    print("\n| scenario | statements sent (by verb) | refused by the player | session row(s) | expected | ok |")
    print("|---|---|---|---|---|---|")
    for r in results:
        sent = "; ".join(", ".join(f"{v}×{n}" if n > 1 else v for v, n in Counter(t.verbs).items()) for t in r.traffic)
        refused = sum(len(t.refused) for t in r.traffic)
        rows = "; ".join(_row(row) for row in r.rows)
        print(f"| {r.name} | {sent} | {refused} | {rows} | {r.expected} | {'yes' if r.ok else 'NO'} |")
        for t in r.traffic:
            for line in t.refused:
                print(f"|   refused: {line} | | | | | |")
        if r.said:
            print(f"|   page: {r.said[:200]} | | | | | |")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
