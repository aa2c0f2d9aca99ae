"""The guidance in a real headless Chromium: a checklist worked, reloaded and downloaded as
CSV, and the built-in offline search finding guidance pages for words districts type."""

from __future__ import annotations

import csv
import io

import pytest

CHECKLIST_PAGE = "/guidance/to-know/self-assessment.html"


def _same_origin_only(page, base: str) -> list[str]:
    """Collect requests that leave the site's origin (there must be none)."""
    foreign: list[str] = []
    page.on("request", lambda request: foreign.append(request.url)
            if not request.url.startswith((base, "data:", "blob:")) else None)
    return foreign


def test_checklist_keeps_answers_after_reload_and_downloads_them_as_csv(page, site_server):
    foreign = _same_origin_only(page, site_server)
    page.goto(site_server + CHECKLIST_PAGE)
    root = page.locator(".isdp-checklist[data-checklist=csf-self-assessment]")
    total = root.locator(".isdp-checklist-item").count()
    assert total >= 24
    progress = root.locator(".isdp-checklist-progress")
    assert progress.inner_text() == f"0 of {total} items done"

    # Tick by the visible label, as a keyboard or screen-reader user would reach it.
    root.get_by_label("A named person leads cybersecurity and privacy").check()
    root.locator("#isdp-csf-self-assessment-pr-mfa").press("Space")
    root.locator("#isdp-csf-self-assessment-gv-lead-notes").fill('Superintendent named "J. Doe", 2026')
    assert progress.inner_text() == f"2 of {total} items done"

    page.reload()
    root = page.locator(".isdp-checklist[data-checklist=csf-self-assessment]")
    assert root.locator("#isdp-csf-self-assessment-gv-lead").is_checked()
    assert root.locator("#isdp-csf-self-assessment-pr-mfa").is_checked()
    assert not root.locator("#isdp-csf-self-assessment-id-devices").is_checked()
    notes = root.locator("#isdp-csf-self-assessment-gv-lead-notes")
    assert notes.input_value() == 'Superintendent named "J. Doe", 2026'
    assert root.locator(".isdp-checklist-progress").inner_text() == f"2 of {total} items done"

    with page.expect_download() as info:
        root.get_by_role("button", name="Download as CSV").click()
    download = info.value
    name = download.suggested_filename
    assert name.startswith("csf-self-assessment-") and name.endswith(".csv")
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == total
    by_id = {row["Item id"]: row for row in rows}
    assert by_id["gv-lead"]["Done"] == "yes"
    assert by_id["gv-lead"]["Notes"] == 'Superintendent named "J. Doe", 2026'
    assert by_id["gv-lead"]["Section"] == "Govern"
    assert by_id["gv-lead"]["Guidance"].endswith("/guidance/to-become/supportive.html")
    assert by_id["pr-mfa"]["Done"] == "yes" and by_id["pr-mfa"]["NIST CSF 2.0"] == "PR.AA"
    assert sum(row["Done"] == "yes" for row in rows) == 2
    assert not foreign, foreign


def test_checklist_print_and_clear(page, site_server):
    page.goto(site_server + CHECKLIST_PAGE)
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    root = page.locator(".isdp-checklist[data-checklist=csf-self-assessment]")
    root.locator("#isdp-csf-self-assessment-rs-plan").check()
    root.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") == 1
    page.once("dialog", lambda dialog: dialog.accept())
    root.get_by_role("button", name="Clear my answers").click()
    assert not root.locator("#isdp-csf-self-assessment-rs-plan").is_checked()
    page.reload()
    assert not page.locator("#isdp-csf-self-assessment-rs-plan").is_checked()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('isdp-checklist:'))") == []


@pytest.mark.parametrize(("query", "expected"), [
    ("phishing", {"guidance/to-do/training-staff"}),
    ("backup", {"guidance/to-become/ready"}),
    ("FERPA", {"guidance/to-do/training-staff", "guidance/to-know/data-classification"}),
    ("incident", {"guidance/to-become/ready"}),
    ("vendor", {"guidance/to-know/who-has-access"}),
])
def test_offline_search_finds_the_guidance_page(page, site_server, query, expected):
    foreign = _same_origin_only(page, site_server)
    page.goto(f"{site_server}/search.html?q={query}")
    page.locator("#search-results .search-summary", has_text="found").wait_for()
    links, more = page.locator("#search-results ul.search li a"), page.get_by_role("button", name="More results")
    for _ in range(4):  # the search shows three results at a time: look at the first twelve
        hrefs = links.evaluate_all("links => links.map(a => a.href)")
        pages = {href.split(site_server + "/", 1)[-1].split(".html", 1)[0] for href in hrefs}
        if pages & expected or not more.is_visible():
            break
        more.click()
        links.nth(len(hrefs)).wait_for()
    assert pages & expected, f"{query!r} found {sorted(pages)}"
    assert not foreign, foreign
