"""What a learner sees of their record, in real Chromium against a real Ralph: the status
panel's three states (online: recorded; LRS unreachable: waiting, counted in answers; storage
full: not recorded), practice mode from a bookmark or a new tab, the landing page's
confirmation, the course-complete confirmation and the printable certificate, whose
verification code the training report (built from the same Ralph's statements) lists."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import socket

from playwright.sync_api import expect

from build_tools.reports.courses import load_required_courses
from build_tools.reports.training import Rules, build_report
from build_tools.reports.verification import verification_codes
from build_tools.store import sqlite as store
from build_tools.xapi.links import launch_link, learner_actor
from build_tools.xapi.profile import Profile, cycle_of

from .conftest import FAST_RETRY, PANEL, REPO, answer, panel_state, shot, wait_state, wrong_choice

HOME = "https://www.mdek12.org"
COURSE = "security-awareness"
MODULE_PAGE = "courses/security-awareness/{}.html"


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def module_url(web, module: str) -> str:
    return f"{web.url}/{MODULE_PAGE.format(module)}"


def panel_text(page) -> str:
    return page.locator(PANEL).first.inner_text()


def test_online_recorded_then_course_complete_and_a_certificate_the_report_confirms(page, web, lrs, keys, tmp_path):
    page.add_init_script(FAST_RETRY)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(lrs.link(web, lrs.ada, page="courses/index.html"))
    # The landing page confirms the link: for whom, which district, in a live region.
    panel = page.locator(PANEL).first
    # The panel is filled in once tracking.js has imported the link mode's module, which may
    # be after the load event: wait for its attributes and words rather than read them at once.
    expect(panel).to_have_attribute("role", "status")
    expect(panel).to_have_attribute("aria-live", "polite")
    expect(panel).to_have_text(re.compile(r"^Personal link active"), use_inner_text=True)
    landing = panel_text(page)
    assert landing.startswith("Personal link active")
    assert f"Your personal link is active for employee {lrs.ada} (district LEA code 2520)" in landing
    shot(page, "1-landing-personal-link")

    modules = list(keys[COURSE])
    profile = json.loads(page.locator('meta[name="isdp-xapi-profile"]').get_attribute("content"))
    course_modules = profile["courses"][COURSE]
    assert sorted(modules) == sorted(course_modules)
    for index, module in enumerate(course_modules):
        page.goto(module_url(web, module))
        for qid, correct in keys[COURSE][module]:
            answer(page, qid, correct)
        wait_state(page, "recorded")
        box = page.locator("[data-isdp-quiz-result] [data-isdp-recorded]")
        # the result box's copy follows the panel: wait for it rather than read it at once
        expect(box).to_have_attribute("data-isdp-state", "recorded")
        expect(box).to_contain_text("Recorded")
        assert box.get_attribute("aria-live") is None, "one live region per page, not two"
        complete = page.locator(".isdp-course-complete")
        if index < len(course_modules) - 1:
            assert complete.count() == 0, f"course complete after {index + 1} module(s)?"
        if index == 0:
            shot(page, "2-module-recorded")
    assert "Course complete" in complete.inner_text()
    page.wait_for_function("() => document.querySelector('.isdp-course-complete').textContent"
                           ".includes('the course counts')")
    page.evaluate("document.querySelector('.isdp-course-complete').scrollIntoView({block: 'center'})")
    shot(page, "3-course-complete")

    # The course page says so too, and links the certificate.
    page.goto(f"{web.url}/courses/{COURSE}/index.html")
    # It first says the course counts "once your answers are recorded", then, when the
    # status panel has heard from the LRS, that it counts: wait for that, as above.
    on_course_page = page.locator(".isdp-course-complete")
    expect(on_course_page).to_contain_text("the course counts")
    assert "Course complete" in on_course_page.inner_text()
    shot(page, "3b-course-page-complete")
    page.locator(".isdp-certificate-link").click()
    page.wait_for_selector("[data-isdp-certificate]:not([hidden])")
    certificate = page.locator("[data-isdp-certificate]").inner_text()
    title = next(c.title for c in load_required_courses(REPO) if c.id == COURSE)
    cycle = cycle_of(dt.datetime.now(dt.UTC))
    code = page.locator('[data-isdp-field="code"]').inner_text()
    for part in (lrs.ada, "LEA code 2520", title, cycle, "Certificate of completion",
                 dt.datetime.now(dt.UTC).strftime("%Y")):
        assert part in certificate, part
    assert len(code) == 11 and code[5] == "-"
    shot(page, "4-certificate-screen")

    # Print: the certificate alone (no sidebar, notice or buttons), black on white.
    page.emulate_media(media="print")
    visible = page.evaluate("""() => Object.fromEntries(['.sidebar-drawer', '.toc-drawer',
        '.isdp-certificate-actions', '.mobile-header', '.related-pages', '[data-isdp-certificate]']
        .map(s => [s, [...document.querySelectorAll(s)].some(e => getComputedStyle(e).display !== 'none')]))""")
    assert visible == {".sidebar-drawer": False, ".toc-drawer": False, ".isdp-certificate-actions": False,
                       ".mobile-header": False, ".related-pages": False, "[data-isdp-certificate]": True}
    colour = page.locator("[data-isdp-certificate]").evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(0, 0, 0)"
    pdf = page.pdf(format="Letter", landscape=True, prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the certificate prints on one page"
    shot(page, "5-certificate-print")
    page.emulate_media(media="screen")

    # The report, from the very statements Ralph holds, lists the same code for this learner.
    conn = store.connect(tmp_path / "store.sqlite")
    conn.execute("BEGIN")
    store.insert(conn, [store.columns(s) for s in lrs.statements()])
    conn.execute("COMMIT")
    report = build_report(conn, lrs.learners, load_required_courses(REPO),
                          Profile("https://www.mdek12.org/isdp/xapi"), cycle, rules=Rules())
    row = next(r for r in report.rows if r.employee.employee_id == lrs.ada)
    assert row.courses[COURSE].state == "passed"
    assert verification_codes(report)[(lrs.ada, COURSE)] == code


def test_outage_waiting_counts_answers_not_statements(page, web, lrs, keys):
    """The LRS endpoint of the link is a closed port: nothing is acknowledged."""
    learner = lrs.learners[0]
    link = launch_link(web.url, f"http://127.0.0.1:{closed_port()}/xAPI/", learner_actor(learner, HOME),
                       lrs.auth[learner.employee_id], lea=learner.lea_code, page=MODULE_PAGE.format("phishing"))
    page.add_init_script(FAST_RETRY)
    page.goto(link)
    questions = keys[COURSE]["phishing"]
    for qid, correct in questions[:2]:
        answer(page, qid, correct)
    # The second answer is checked (Web Crypto) after its click returns: until it is queued, the
    # panel can already say "cannot be reached" of the first answer alone. Wait for both (as long
    # as the wait_for_function this replaces did: Playwright's default 30 s).
    expect(page.locator(PANEL).first).to_contain_text(
        re.compile(r"2 answers are saved in this browser.*cannot be reached"), timeout=30_000)
    assert panel_state(page) == "waiting"
    assert "2 answers are saved in this browser" in panel_text(page)
    assert page.locator(PANEL).first.get_attribute("aria-live") == "polite"
    for qid, correct in questions[2:]:
        answer(page, qid, correct)
    # The module's result adds completed/passed/terminated (and initialized came first): the
    # panel still counts the learner's answers.
    page.wait_for_function("([s, n]) => document.querySelector(s).textContent"
                           ".includes(n + ' answers and your module result are saved')",
                           arg=[PANEL, len(questions)])
    queued = page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('isdp.xapi.q.')).length")
    assert queued == len(questions) + 4
    result = page.locator("[data-isdp-quiz-result]")
    assert "Passed" in result.inner_text()
    box = result.locator("[data-isdp-recorded]")
    assert box.get_attribute("data-isdp-state") == "waiting"
    assert "not yet in your training record" in box.inner_text()
    assert "Do not clear this browser's data" in box.inner_text()
    assert page.locator(".isdp-course-complete").count() == 0
    box.scroll_into_view_if_needed()
    shot(page, "6-outage-waiting-result")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "7-outage-waiting-top")


def test_storage_full_says_not_recorded_yet_and_keep_the_tab_open(page, web, lrs, keys):
    """localStorage filled with junk until not one more character fits: the answers wait in
    the tab's memory, the panel says so and what to do; once the LRS has them, Recorded."""
    page.add_init_script(FAST_RETRY)
    page.goto(lrs.link(web, lrs.ada, page=MODULE_PAGE.format("phishing")))
    # Junk until not even one more character fits (big pieces first, then smaller ones).
    filled = page.evaluate("""() => {
        let i = 0;
        for (const size of [262144, 16384, 1024, 64, 1]) {
            const chunk = 'x'.repeat(size);
            try { for (;;) { localStorage.setItem('junk.' + i, chunk); i++; } } catch (e) { /* next size */ }
        }
        return i;
    }""")
    assert filled > 0
    page.route(lrs.url + "**", lambda route: route.abort())  # hold them in the tab a while
    qid, correct = keys[COURSE]["phishing"][0]
    answer(page, qid, correct)
    page.wait_for_function("s => document.querySelector(s).textContent.includes('Not recorded yet')", arg=PANEL)
    text = panel_text(page)
    assert panel_state(page) == "waiting"
    assert "storage is full" in text and "Keep this tab open until this says Recorded" in text
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('isdp.xapi.q.')).length") == 0
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "8-storage-full")
    page.unroute(lrs.url + "**")
    page.evaluate("window.isdpTracking.flush()")
    wait_state(page, "recorded")
    assert len(lrs.statements()) == 2  # initialized and the answer


def test_practice_mode_from_a_bookmark_or_a_new_tab(page, web, lrs, keys):
    page.goto(lrs.link(web, lrs.ada, page="courses/index.html"))
    # filled in once the link mode's module is imported, maybe after the load event: wait
    expect(page.locator(PANEL).first).to_contain_text("personal link is active", use_inner_text=True)
    # A new tab on the same browser: no launch, so practice, said plainly with how to record.
    tab = page.context.new_page()
    tab.goto(module_url(web, "phishing"))
    wait_state(tab, "not-recorded")
    text = panel_text(tab)
    assert text.startswith("Not recorded") and "Practice mode" in text
    assert "open the personal link you received by email again" in text
    assert "a bookmark or a new tab does not carry it" in text
    qid, correct = keys[COURSE]["phishing"][0]
    answer(tab, qid, wrong_choice(tab, qid, correct))
    assert panel_state(tab) == "not-recorded"
    tab.evaluate("window.scrollTo(0, 0)")
    shot(tab, "9-practice-new-tab")
    # The certificate page in that tab has nothing to show, and says why.
    tab.goto(f"{web.url}/courses/certificate.html?course={COURSE}")
    notice = tab.locator("[data-isdp-certificate-notice]").inner_text()
    assert notice.startswith("Practice mode") and "personal link" in notice
    assert tab.locator("[data-isdp-certificate]").is_hidden()
    assert lrs.statements() == []
    tab.close()


# The lightest and darkest pixel of an element as drawn (its screenshot, decoded by the
# page's own canvas): native disabled controls have no computed colour worth reading.
DRAWN_CONTRAST = """async (b64) => {
    const img = new Image(); img.src = 'data:image/png;base64,' + b64; await img.decode();
    const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    let lo = 1, hi = 0;
    for (let i = 0; i < d.length; i += 4) {
        const l = 0.2126 * lin(d[i]) + 0.7152 * lin(d[i + 1]) + 0.0722 * lin(d[i + 2]);
        lo = Math.min(lo, l); hi = Math.max(hi, l);
    }
    return (hi + 0.05) / (lo + 0.05);
}"""


def drawn_contrast(page, locator) -> float:
    return page.evaluate(DRAWN_CONTRAST, base64.b64encode(locator.screenshot()).decode("ascii"))


def test_answered_choices_stay_readable_and_the_result_links_are_apart(page, web, keys):
    """WCAG 1.4.11: a disabled radio or checkbox, as drawn, still stands out at 3:1 from the
    question box, in the light and the dark scheme; "Next module" and "Course progress" are
    two targets, not one run-on link."""
    page.goto(module_url(web, "phishing"))
    questions = keys[COURSE]["phishing"]
    for qid, correct in questions:
        answer(page, qid, correct)
    ratios = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for kind in ("radio", "checkbox"):
            control = page.locator(f'.isdp-quiz-choice input[type="{kind}"]:disabled:not(:checked)').first
            ratios[f"{scheme} {kind}"] = round(drawn_contrast(page, control), 1)
    assert min(ratios.values()) >= 3, ratios
    page.emulate_media(color_scheme="light")
    links = page.locator(".isdp-result-actions a")
    # written when the last answer's check (Web Crypto) completes the module: waited for
    expect(links).to_have_text(["Next module", "Course progress"], use_inner_text=True)
    first, second = (links.nth(i).bounding_box() for i in range(2))
    gap = second["x"] - (first["x"] + first["width"])
    assert gap >= 16 or second["y"] >= first["y"] + first["height"], (first, second)
    print({"disabled_control_contrast": ratios, "gap_between_links_px": round(gap)})
