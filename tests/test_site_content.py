"""The shipped Rule 55.1 pages: glossary terms, term links, the governance calendar."""

from __future__ import annotations

import datetime as dt
import re

from build_tools.rule.governance_calendar import load as load_calendar

from .conftest import REPO, page_text

RULE_TERMS = [
    "Authorized-User", "Building-consensus", "Business-Analyst", "Change-Management", "Data",
    "Data-Steward", "Escalating-issues", "Executive-Leadership-Team-ELT", "Governance",
    "Incident", "Information", "Information-Technology", "Local-Education-Agency-LEA",
    "Mitigation", "Principle-of-Least-Privilege-POLP", "Personally-Identifiable-Information-PII",
    "Risk", "Systems", "Threat",
]


def test_the_glossary_has_the_19_terms_of_section_3_with_anchors(shipped_site):
    html = (shipped_site / "content" / "glossary.html").read_text()
    anchors = re.findall(r'<dt id="term-([^"]+)"', html)
    assert sorted(anchors) == sorted(RULE_TERMS)


def test_terms_are_linked_from_the_other_pages(shipped_site):
    linked: set[str] = set()
    pages = [p for p in shipped_site.rglob("*.html") if p.name != "glossary.html"]
    for page in pages:
        linked |= set(re.findall(r'glossary\.html#term-([\w-]+)"', page.read_text()))
    assert len(linked) >= 15, sorted(set(RULE_TERMS) - linked)


def test_the_calendar_computes_dates_once_recorded(make_site, build_site):
    calendar = (REPO / "content/data/governance-calendar.yaml").read_text().replace(
        "years: {}", "years:\n  2027:\n    sine_die: 2027-04-02\n    meetings:\n      September: 2027-09-14\n")
    src = make_site({"content/index.md": page_text("Home", "```{governance-calendar}\n:year: 2027\n```"),
                     "content/data/governance-calendar.yaml": calendar})
    result = build_site(src)
    assert result.ok, result.warnings
    text = re.sub(r"<[^>]+>", "", (result.outdir / "content" / "index.html").read_text())
    assert "May 2, 2027 (30 days after sine die on April 2, 2027)" in text
    assert "September 14, 2027 (September committee meeting)" in text
    assert "December 1, 2027" in text
    # in date order: change requests, then the vote, then the dictionary
    assert text.index("May 2, 2027") < text.index("September 14, 2027") < text.index("December 1, 2027")


def test_the_calendar_states_the_rule_while_a_date_is_unknown():
    calendar = load_calendar(REPO)
    whens = {d.id: calendar.due_text(d, 2026) for d in calendar.deadlines}
    assert whens["data-dictionary"] == (dt.date(2026, 12, 1), "December 1, 2026")
    assert whens["change-requests"][0] is None
    assert "30 days after the 2026 regular session adjourns sine die" in whens["change-requests"][1]
    assert whens["committee-vote"][1] == "By the September 2026 committee meeting (date set by the committee)"


def test_a_bad_calendar_entry_fails_with_its_line(make_site, build_site):
    calendar = (REPO / "content/data/governance-calendar.yaml").read_text().replace(
        "due: {month: 12, day: 1}", "due: {month: 12}")
    src = make_site({"content/index.md": page_text("Home", "```{governance-calendar}\n```"),
                     "content/data/governance-calendar.yaml": calendar})
    result = build_site(src)
    line = next(i for i, text in enumerate(calendar.splitlines(), 1) if "due: {month: 12}" in text)
    assert any(f"governance-calendar.yaml:{line}: WARNING: 'deadlines.2.due': 'month' and 'day' go together" in w
               for w in result.warnings), result.warnings
