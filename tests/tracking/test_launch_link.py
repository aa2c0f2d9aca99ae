"""A module completed through a personal launch link, against a real Ralph in real Chromium."""

from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape

import httpx

from ..conftest import REPO
from .conftest import HEADERS, attempt_events, dispatch, ralph_valid


def _status(page) -> str:
    return page.locator("[data-isdp-tracking-status]").inner_text()


def _wait_acked(page, timeout=30_000) -> None:
    page.wait_for_function(
        "() => window.isdpTracking && window.isdpTracking.idle() "
        "&& document.querySelector('[data-isdp-tracking-status]').textContent.startsWith('Recorded')",
        timeout=timeout,
    )


def test_a_module_through_a_launch_link_lands_once_and_validates(page, web, lrs):
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(lrs.link(web, lrs.ada))
    assert "#" not in page.url, "the fragment (credential) must leave the address bar"
    assert page.evaluate("window.isdpTracking.mode") == "link"
    assert any(u.endswith("/isdp/link.js") for u in scripts)
    assert not any(u.endswith("/isdp/cmi5.js") for u in scripts), "cmi5 mode's module loads only in cmi5 mode"
    events = attempt_events(n=3)
    for name, detail in events:
        dispatch(page, name, detail)
    _wait_acked(page)
    stored = lrs.statements()
    counts = Counter(s["id"] for s in stored)
    assert len(stored) == 3 + 4 and set(counts.values()) == {1}
    verbs = [
        s["verb"]["id"].rsplit("/", 1)[1] for s in sorted(stored, key=lambda s: s["timestamp"])
    ]
    assert Counter(verbs) == Counter(
        ["initialized", "answered", "answered", "answered", "completed", "passed", "terminated"]
    )
    attempt = events[0][1]["attempt"]
    for statement in stored:
        ralph_valid(statement)
        assert statement["context"]["registration"] == attempt
        assert statement["actor"]["account"] == {
            "homePage": "https://www.mdek12.org",
            "name": lrs.ada,
        }
        assert statement["authority"]["account"]["name"] == lrs.ada
    passed = next(s for s in stored if s["verb"]["id"].endswith("passed"))
    assert passed["result"]["score"]["scaled"] == 1.0 and passed["result"]["success"] is True
    assert passed["context"]["extensions"] == {
        "https://www.mdek12.org/isdp/xapi/extensions/lea-code": "2520"
    }


def test_practice_mode_sends_nothing_and_says_so(page, web, lrs):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(web.url + "/courses/tracking-fixture.html")
    assert page.evaluate("window.isdpTracking.mode") == "practice"
    for name, detail in attempt_events():
        dispatch(page, name, detail)
    assert "Practice mode" in _status(page) and "not recorded" in _status(page)
    assert not [u for u in requests if u.startswith(lrs.url)]
    assert lrs.statements() == []
    # A launch mode's module loads only in that mode (tracking.js imports it when needed).
    assert not [u for u in requests if u.endswith(("/isdp/cmi5.js", "/isdp/link.js"))]


def test_a_learner_cannot_read_another_learners_statements(page, web, lrs):
    page.goto(lrs.link(web, lrs.ada))
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    _wait_acked(page)
    own = lrs.statements(lrs.auth[lrs.ada])
    other = lrs.statements(lrs.auth[lrs.ben])
    assert len(own) == 5 and other == []
    # and a learner's credential cannot read everything through a filter either
    response = httpx.get(
        lrs.url + "statements",
        params={"agent": json.dumps({"account": {"homePage": "https://www.mdek12.org", "name": lrs.ada}})},
        headers={**HEADERS, "Authorization": lrs.auth[lrs.ben]},
    )
    assert response.status_code in (200, 403) and (
        response.status_code == 403 or response.json()["statements"] == []
    )


def test_the_credential_never_reaches_the_web_server(page, web, lrs):
    link = lrs.link(web, lrs.ada)
    secret = lrs.auth[lrs.ada].split()[1]
    first = len(web.log)
    page.goto(link)
    page.reload()
    page.goto(web.url + "/courses/index.html")
    assert page.evaluate("window.isdpTracking.mode") == "link", "the launch survives a reload"
    ours = web.log[first:]
    assert any("tracking-fixture.html" in line for line in ours), "the server logged the page"
    assert not [line for line in ours if secret in line or "auth=" in line or "endpoint=" in line]


def test_passing_every_module_sends_the_courses_passed_once(page, web, lrs):
    from build_tools.courses.model import load_course
    from build_tools.xapi.profile import Profile

    from ..conftest import REPO

    course = load_course(REPO / "courses/security-awareness/course.yaml")
    course_iri = Profile("https://www.mdek12.org/isdp/xapi").course(course.id)
    page.goto(lrs.link(web, lrs.ada))

    def course_passes():
        return [s for s in lrs.statements()
                if s["verb"]["id"].endswith("/passed") and s["object"]["id"] == course_iri]

    for index, module in enumerate(course.modules):
        for name, detail in attempt_events(module=module, n=1):
            dispatch(page, name, detail)
        _wait_acked(page)
        if index < len(course.modules) - 1:
            assert course_passes() == [], f"no course pass after {index + 1} module(s)"
    passes = course_passes()
    assert len(passes) == 1
    ralph_valid(passes[0])
    assert passes[0]["result"] == {"success": True, "completion": True}
    assert "parent" not in passes[0]["context"]["contextActivities"]
    # passing a module again does not pass the course a second time
    for name, detail in attempt_events(module=course.modules[0], n=1):
        dispatch(page, name, detail)
    _wait_acked(page)
    assert len(course_passes()) == 1


def test_the_runtime_works_under_a_strict_content_security_policy(page, web, lrs):
    """No inline script, no eval: under script-src 'self' the statements still land, and no
    violation comes from tracking.js or from its requests."""
    page.add_init_script("""window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(
            {source: e.sourceFile, blocked: e.blockedURI, directive: e.violatedDirective}));""")
    response = page.goto(lrs.link(web, lrs.ada, page="courses/tracking-fixture.html?csp=strict"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for name, detail in attempt_events(n=2):
        dispatch(page, name, detail)
    _wait_acked(page)
    assert len(lrs.statements()) == 2 + 4
    violations = page.evaluate("window.cspViolations")
    assert not [v for v in violations if "tracking.js" in (v["source"] or "")
                or v["blocked"].startswith(lrs.url[:-6])], violations


def test_a_damaged_link_says_so_and_records_nothing(page, web, lrs):
    link = lrs.link(web, lrs.ada).replace("actor=%7B", "actor=%7Bbroken")
    page.goto(link)
    status = page.locator("[data-isdp-tracking-status]").inner_text()
    assert "This training link is damaged" in status
    assert "auth=" not in page.url, "even a damaged link leaves the address bar"
    assert page.evaluate("window.isdpTracking.mode") == "practice"


def test_statements_group_into_cycles_in_the_agency_time_zone(page, web, lrs):
    """site.yaml's training.time_zone reaches the page's profile meta, and the browser groups
    by it: 22:30 on 30 June in Mississippi (03:30 UTC on 1 July) is still 2026-2027."""
    from build_tools.core.settings import load_settings

    zone = load_settings(REPO).training.time_zone  # the tracking site links the repository's site.yaml
    html = (web.root / "courses/tracking-fixture.html").read_text(encoding="utf-8")
    meta = re.search(r'<meta name="isdp-xapi-profile" content="([^"]*)"', html).group(1)
    assert json.loads(unescape(meta))["timeZone"] == zone == "America/Chicago"
    page.clock.set_fixed_time("2027-07-01T03:30:00Z")
    page.goto(lrs.link(web, lrs.ada))
    for name, detail in attempt_events(n=1):
        dispatch(page, name, detail)
    _wait_acked(page)
    cycles = {g["id"].rsplit("/", 1)[1] for s in lrs.statements()
              for g in s["context"]["contextActivities"]["grouping"]}
    assert cycles == {"2026-2027"}
