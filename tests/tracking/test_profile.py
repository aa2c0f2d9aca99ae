"""The xAPI profile: Python- and browser-built statements agree and validate under Ralph."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from build_tools.xapi import profile as xp
from build_tools.xapi.links import basic_auth, launch_link

from .conftest import HOME, attempt_events, dispatch, ralph_valid

P = xp.Profile("https://www.mdek12.org/isdp/xapi")
ACTOR = xp.account_actor(HOME, "100234")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def _python_statements(events, *, cmi5=False, now=NOW):
    """The statements profile.py builds for an attempt's events."""
    out = []
    for name, d in events:
        common = dict(
            actor=ACTOR,
            course=d["course"],
            cycle=xp.cycle_of(now),
            registration=d["attempt"],
            lea="2520",
            timestamp=now,
            cmi5=cmi5,
        )
        module = xp.activity(P.module(d["course"], d["module"]), "module")
        if name == "isdp:attempt-started":
            out.append(xp.statement(P, verb="initialized", obj=module, **common))
        elif name == "isdp:question-answered":
            obj = xp.interaction(
                P,
                course=d["course"],
                question=d["question"],
                kind=d["kind"],
                prompt=d["prompt"],
                choices=d["choices"],
                correct_response=d["correctResponse"],
            )
            out.append(
                xp.statement(
                    P,
                    verb="answered",
                    obj=obj,
                    **common,
                    result=xp.answered_result(obj, d["choices"], d["response"], d["correct"]),
                )
            )
        else:
            out.append(
                xp.statement(
                    P,
                    verb="completed",
                    obj=module,
                    **common,
                    result=xp.completed_result(d["durationMs"]),
                )
            )
            out.append(
                xp.statement(
                    P,
                    verb="passed" if d["passed"] else "failed",
                    obj=module,
                    **common,
                    result=xp.verdict_result(
                        d["score"]["raw"], d["score"]["max"], d["passed"], d["durationMs"]
                    ),
                )
            )
            out.append(
                xp.statement(
                    P,
                    verb="terminated",
                    obj=module,
                    **common,
                    result={"duration": xp.duration(d["durationMs"])},
                )
            )
    return out


@pytest.mark.parametrize("passed", [True, False])
@pytest.mark.parametrize("cmi5", [False, True])
def test_python_statements_validate_under_ralph(passed, cmi5):
    statements = _python_statements(attempt_events(n=4, passed=passed), cmi5=cmi5)
    assert [s["verb"]["display"]["en-US"] for s in statements][-3:] == [
        "completed",
        "passed" if passed else "failed",
        "terminated",
    ]
    for statement in statements:
        ralph_valid(statement)
        categories = [c["id"] for c in statement["context"]["contextActivities"]["category"]]
        verb = statement["verb"]["display"]["en-US"]
        assert (xp.CMI5_CATEGORY in categories) == (cmi5 and verb != "answered")
        assert (xp.CMI5_MOVEON_CATEGORY in categories) == (cmi5 and verb in xp.MOVEON_VERBS)


def test_interactions_follow_the_cmi_patterns():
    events = dict((d.get("kind"), d) for _, d in attempt_events(n=3) if "kind" in d)
    multiple = xp.interaction(
        P,
        course="ferpa",
        question="q1",
        kind="multiple",
        prompt="Which?",
        choices=events["multiple"]["choices"],
        correct_response=["a", "c"],
    )
    assert multiple["id"] == "https://www.mdek12.org/isdp/xapi/courses/ferpa/questions/q1"
    assert multiple["definition"]["interactionType"] == "choice"
    assert "correctResponsesPattern" not in multiple["definition"]  # the key stays in the sources
    assert [c["id"] for c in multiple["definition"]["choices"]] == ["a", "b", "c"]
    assert xp.answered_result(multiple, events["multiple"]["choices"], ["c", "a"], False) == {
        "response": "c[,]a",
        "success": False,
    }
    tf = xp.interaction(
        P,
        course="ferpa",
        question="q2",
        kind="true-false",
        prompt="True?",
        choices=[{"id": "t", "text": "True"}, {"id": "f", "text": "False"}],
        correct_response=["f"],
    )
    assert tf["definition"]["interactionType"] == "true-false"
    assert (
        "correctResponsesPattern" not in tf["definition"]
        and "choices" not in tf["definition"]
    )
    odd = xp.interaction(
        P,
        course="ferpa",
        question="q3",
        kind="true-false",
        prompt="?",
        choices=[{"id": "y", "text": "Yes"}, {"id": "n", "text": "No"}],
        correct_response=["y"],
    )
    assert odd["definition"]["interactionType"] == "choice", (
        "unreadable true/false falls back to choice"
    )


def test_duration_and_cycle():
    assert xp.duration(61234) == "PT61.23S" and xp.duration(60000) == "PT60S"
    assert (
        xp.cycle_of(dt.date(2027, 6, 30)) == "2026-2027"
        and xp.cycle_of(dt.date(2027, 7, 1)) == "2027-2028"
    )


def test_browser_statements_equal_the_python_ones_and_validate(page, web):
    """tracking.js builds from the profile data the build wrote into the page; the result must
    be exactly what profile.py builds, field for field (ids and timestamps aside)."""
    page.route("https://lrs.invalid/**", lambda route: route.abort())
    page.goto(
        launch_link(
            web.url,
            "https://lrs.invalid/xAPI/",
            ACTOR,
            basic_auth("u", "p"),
            lea="2520",
            page="courses/tracking-fixture.html",
        )
    )
    events = attempt_events(n=6, passed=False)
    for name, detail in events:
        dispatch(page, name, detail)
    # Sealed (Web Crypto, asynchronous) before they are saved.
    page.wait_for_function("() => Object.keys(localStorage).filter(k => k.startsWith('isdp.xapi.q.')).length >= 10")
    browser = page.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('isdp.xapi.q.')).sort()
                               .map(k => JSON.parse(localStorage.getItem(k)).statement)""")
    sent = dt.datetime.fromisoformat(browser[0]["timestamp"].replace("Z", "+00:00"))
    python = _python_statements(events, now=sent)
    assert len(browser) == len(python) == 10
    for b, p in zip(browser, python, strict=True):
        ralph_valid(b)
        uuid.UUID(b["id"], version=4)
        assert b["timestamp"].endswith("Z")
        b_cmp = {**b, "id": None, "timestamp": None}
        p_cmp = {**p, "id": None, "timestamp": None}
        assert json.loads(json.dumps(b_cmp)) == json.loads(json.dumps(p_cmp))
