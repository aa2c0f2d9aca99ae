"""The policy pages of the built site: 22 pages, placeholders marked by more than colour,
parameter values linked to their table rows, the crosswalk and the coverage summary drawn
from the templates, and incremental rebuilds that follow template edits."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from build_tools.policies import compose, frameworks, registry, templates
from build_tools.site.build import build

from .conftest import REPO, replace_in


def _article(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("article")


def test_each_of_the_22_templates_has_a_page_with_marked_placeholders(shipped_site: Path):
    for policy_id, title in registry.REQUIRED_POLICIES.items():
        article = _article(shipped_site / "content" / "policies" / f"{policy_id}.html")
        assert article.find("h1").get_text().rstrip("#") == title
        headings = [h.get_text().rstrip("#") for h in article.find_all("h2")]
        assert headings[-len(templates.SECTIONS) :] == list(templates.SECTIONS)
        placeholders = article.select(".isdp-placeholder")
        assert placeholders, policy_id
        for span in placeholders:  # marked by brackets in the text itself, not by colour alone
            assert re.fullmatch(r"\[[^\]]+\]", span.get_text()), span
        ids = {tag["id"] for tag in article.find_all(id=True)}
        for link in article.select("a.isdp-param"):
            assert link["href"].startswith("#") and link["href"][1:] in ids, (policy_id, link)
        text = article.get_text()
        assert "{{" not in text and "{policy-" not in text and "{term}" not in text


def test_index_lists_the_22_policies_in_the_rules_order(shipped_site: Path):
    article = _article(shipped_site / "content" / "policies" / "index.html")
    table = article.find("table")
    titles = [a.get_text() for a in table.select("tbody a")]
    assert titles == list(registry.REQUIRED_POLICIES.values())


def test_crosswalk_and_coverage_follow_the_templates(shipped_site: Path):
    found = templates.load_all(REPO)
    cover = compose.coverage(found)
    covered = sum(1 for ts in cover.values() if ts)
    article = _article(shipped_site / "content" / "policies" / "crosswalk.html")
    text = " ".join(article.get_text().split())
    assert f"address {covered} of the 22 NIST CSF 2.0 categories" in text
    for cid, ts in cover.items():
        if not ts:
            assert f"{cid} {frameworks.CSF_CATEGORIES[cid]}" in text
    matrix = article.find("table")
    header = [th.get_text() for th in matrix.select("thead th")]
    assert header == ["Policy", *frameworks.CSF_FUNCTIONS]
    rows = matrix.select("tbody tr")
    assert len(rows) == 22
    first = [td.get_text() for td in rows[0].find_all("td")]
    expected = found[0].meta.csf
    assert all(any(cid in cell for cell in first) for cid in expected)


def test_coverage_names_an_uncovered_category(policy_src: Path):
    found = templates.load_all(policy_src)
    for t in found:
        t.meta.csf = [c for c in t.meta.csf if c != "GV.SC"] or ["GV.PO"]
    text = compose.coverage_text(found)
    assert "**21 of the 22**" in text
    assert "- **GV.SC** Cybersecurity Supply Chain Risk Management (Govern)" in text


def _read_docs(status: str) -> set[str]:
    plain = re.sub(r"\x1b\[[0-9;]*m", "", status)
    return set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", plain))


def test_incremental_build_follows_template_edits_and_reports_broken_ones(
    make_site, tmp_path: Path
):
    src = make_site(copy_content=True)
    shutil.copytree(REPO / "templates", src / "templates")
    for linked in ("build_tools", "examples"):  # features the traceability map names
        (src / linked).symlink_to(REPO / linked)
    out = tmp_path / "inc" / "html"
    first = build(src, out, status=io.StringIO())
    assert first.ok, first.warnings
    replace_in(
        src / "templates/policies/data-destruction.md.j2",
        "A hard drive sold as surplus",
        "A laptop sold as surplus",
    )
    status = io.StringIO()
    second = build(src, out, status=status)
    assert second.ok, second.warnings
    reread = _read_docs(status.getvalue())
    assert "content/policies/data-destruction" in reread
    assert "content/policies/incident-response" not in reread
    assert "content/rule-55-1" not in reread
    assert (
        "A laptop sold as surplus" in (out / "content/policies/data-destruction.html").read_text()
    )
    # and a broken template fails the next build, located at the template's line
    line = replace_in(
        src / "templates/policies/acceptable-use.md.j2", "csf: [PR.AT,", "csf: [PR.XX,"
    )
    third = build(src, out, status=None)
    assert not third.ok
    assert any(
        f"templates/policies/acceptable-use.md.j2:{line}" in w
        and "[isdp.policy]" in w
        and "PR.XX" in w
        for w in third.warnings
    ), third.warnings
    # the policies' check is kept between builds only while its inputs stay the same: an
    # edit of site.yaml alone (no page reads it again) must still fail the next build
    replace_in(src / "templates/policies/acceptable-use.md.j2", "csf: [PR.XX,", "csf: [PR.AT,")
    assert build(src, out, status=None).ok
    replace_in(src / "site.yaml", "notify_within_hours: 24", "notify_within_hours: 12")
    fourth = build(src, out, status=None)
    assert not fourth.ok
    assert any("differs from site.yaml incident.notify_within_hours (12)" in w for w in fourth.warnings), \
        fourth.warnings
