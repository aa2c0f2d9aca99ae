"""The local Ralph launcher, and the Ralph 5.1 fs-backend facts DESIGN.md records."""

from __future__ import annotations

import uuid

import httpx
import pytest

from build_tools.xapi.lrs.local import Credential, LocalLRS, write_credentials

from .conftest import ADMIN

HEADERS = {"X-Experience-API-Version": "1.0.3"}


def _statement(verb: str = "answered") -> dict:
    return {"id": str(uuid.uuid4()), "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.org"},
            "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
            "object": {"objectType": "Activity", "id": "https://www.mdek12.org/isdp/xapi/courses/t"},
            "timestamp": "2026-11-23T10:00:00Z"}


def test_repeated_writes_work_with_the_append_workaround(local_lrs):
    for _ in range(3):
        response = httpx.post(local_lrs.url + "statements", json=_statement(), auth=local_lrs.admin, headers=HEADERS)
        assert response.status_code == 200, response.text
    listed = httpx.get(local_lrs.url + "statements", auth=local_lrs.admin, headers=HEADERS).json()
    assert len(listed["statements"]) == 3


def test_upstream_fs_backend_still_fails_on_the_second_new_statement(tmp_path, monkeypatch):
    """Ralph 5.1 upstream: the second POST answers 500. If this fails, upstream is fixed and
    the workaround in lrs_server._run can go."""
    monkeypatch.setenv("ISDP_RALPH_UPSTREAM_FS", "1")
    write_credentials(tmp_path, [Credential(*ADMIN, ("all",), {"objectType": "Agent", "mbox": "mailto:a@example.org"})])
    with LocalLRS(tmp_path) as lrs:
        first = httpx.post(lrs.url + "statements", json=_statement(), auth=ADMIN, headers=HEADERS)
        second = httpx.post(lrs.url + "statements", json=_statement(), auth=ADMIN, headers=HEADERS)
    assert first.status_code == 200
    assert second.status_code == 500


def test_duplicate_id_identical_is_accepted_and_conflicting_is_409(local_lrs):
    statement = _statement()
    url = local_lrs.url + "statements"
    assert httpx.post(url, json=statement, auth=local_lrs.admin, headers=HEADERS).status_code == 200
    again = httpx.post(url, json=statement, auth=local_lrs.admin, headers=HEADERS)
    assert again.status_code in (200, 204)
    changed = {**statement, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}}
    assert httpx.post(url, json=changed, auth=local_lrs.admin, headers=HEADERS).status_code == 409


def test_a_resend_without_timestamp_conflicts(local_lrs):
    """Ralph stamps a missing timestamp at arrival, so a retry differs: clients set it."""
    statement = {k: v for k, v in _statement().items() if k != "timestamp"}
    url = local_lrs.url + "statements"
    assert httpx.post(url, json=statement, auth=local_lrs.admin, headers=HEADERS).status_code == 200
    assert httpx.post(url, json=statement, auth=local_lrs.admin, headers=HEADERS).status_code == 409


def test_verb_filter_returns_nothing_on_the_fs_backend(local_lrs):
    """Why reports never rely on server-side verb/activity filtering."""
    url = local_lrs.url + "statements"
    httpx.post(url, json=_statement("passed"), auth=local_lrs.admin, headers=HEADERS)
    filtered = httpx.get(url, params={"verb": "http://adlnet.gov/expapi/verbs/passed"},
                         auth=local_lrs.admin, headers=HEADERS).json()
    unfiltered = httpx.get(url, auth=local_lrs.admin, headers=HEADERS).json()
    assert len(unfiltered["statements"]) == 1
    assert filtered["statements"] == []


def test_credentials_file_refuses_a_duplicate_user(tmp_path):
    cred = Credential("learner-1", "pw", ("statements/write",), {"objectType": "Agent", "mbox": "mailto:x@example.org"})
    write_credentials(tmp_path, [cred])
    with pytest.raises(ValueError, match="already exists"):
        write_credentials(tmp_path, [cred])


def test_launcher_reports_a_server_that_cannot_start(tmp_path):
    busy = LocalLRS(tmp_path / "a").start()
    try:
        with pytest.raises(RuntimeError, match="cannot listen"):
            LocalLRS(tmp_path / "b", port=busy.port).start(timeout=10)
    finally:
        busy.stop()
