"""Regression fixtures, as sphinx-design's test_snippets: the HTML of each directive family.

Each ``tests/fixtures/<family>/<name>.md`` is a page of one small site (quiz snippets are the
modules of a demo course, policy snippets sit under content/policies/, checklist YAML goes to
guidance/checklists/); the main content of each built page, with the parts that change from
build to build normalised, must equal the stored ``<name>.html`` beside it. A change of output
is then a visible diff in review.

After an intended change of output, rewrite the stored files and review their diff:

    ISDP_UPDATE_FIXTURES=1 python -m pytest tests/test_fixtures.py

(The lead regenerates them after merging the branches that change the markup, such as the
quiz's salted answer hashes.)
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from build_tools.site.build import build

from .conftest import REPO

FIXTURES = Path(__file__).parent / "fixtures"
SNIPPETS = sorted(FIXTURES.glob("*/*.md"))
UPDATE = os.environ.get("ISDP_UPDATE_FIXTURES") == "1"
# Where a family's pages go in the small site; the others go to content/fixtures/<family>/.
HOMES = {"quiz": "courses/demo", "policy": "content/policies"}
# The policy templates use the glossary's terms: the shipped glossary, its links to other
# pages made plain text (they would need the whole site).
DOC_LINK = re.compile(r"\{(?:doc|ref)\}`([^`<]*?)\s*(?:<[^`>]*>)?`")


def _link_text(match: re.Match[str]) -> str:
    return match.group(1) or "a page"

COURSE_YAML = """\
id: demo
title: Demo course 2026–27
audience: Everyone who builds the regression fixtures.
required_for: [all]
mastery_score: 0.8
estimated_minutes: 10
modules: [{modules}]
"""
COURSE_INDEX = ("---\ndescription: The demo course of the regression fixtures.\n---\n\n"
                "# Demo course 2026–27\n\n```{course}\n```\n")
COURSES_INDEX = ("---\ndescription: The courses of the regression fixtures site.\n---\n\n"
                 "# Training\n\n```{course-list}\n```\n")
HOME = """---
description: Home page of the regression fixtures site, one page per directive snippet.
---

# Regression fixtures

```{{toctree}}
{entries}
```
"""

# Values that differ from build to build (or from branch to branch while the quiz keys move to
# salted hashes): attribute values replaced by a placeholder, asset hashes dropped.
VOLATILE_ATTRIBUTES = re.compile(r'(data-isdp-(?:salt|key-hash|sealed-src))="[^"]*"')
ASSET_HASH = re.compile(r"\?v=[0-9a-f]{6,}|(?<=\.)[0-9a-f]{8,}(?=\.(?:js|css|png|svg|woff2?)\b)")


def page_of(snippet: Path) -> str:
    """The docname of a snippet in the small site."""
    family = snippet.parent.name
    return f"{HOMES.get(family, f'content/fixtures/{family}')}/{snippet.stem}"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("fixtures-src")
    shutil.copy(REPO / "conf.py", src)
    shutil.copy(REPO / "site.yaml", src)
    shutil.copytree(REPO / "content" / "data", src / "content" / "data")
    # The policy section needs all 22 templates and pages (and the duties they cite): the
    # shipped ones, with the snippets in place of some.
    shutil.copytree(REPO / "templates", src / "templates")
    shutil.copytree(REPO / "content" / "policies", src / "content" / "policies")
    for page in (src / "content" / "policies").glob("*.md"):  # their links to the rest of the site
        page.write_text(DOC_LINK.sub(_link_text, page.read_text(encoding="utf-8")), encoding="utf-8")
    glossary = (REPO / "content" / "glossary.md").read_text(encoding="utf-8")
    (src / "content" / "glossary.md").write_text(DOC_LINK.sub(_link_text, glossary), encoding="utf-8")
    duties = (REPO / "content" / "data" / "duties.yaml").read_text(encoding="utf-8")
    (src / "content" / "data" / "duties.yaml").write_text(duties, encoding="utf-8")
    served = {duty["id"]: {"pages": ["content/index"]} for duty in yaml.safe_load(duties)["duties"]}
    (src / "content" / "data" / "traceability.yaml").write_text(yaml.safe_dump(served), encoding="utf-8")
    for snippet in SNIPPETS:
        target = src / f"{page_of(snippet)}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(snippet, target)
    (src / "guidance" / "checklists").mkdir(parents=True)
    for data in FIXTURES.glob("checklist/*.yaml"):
        shutil.copy(data, src / "guidance" / "checklists")
    modules = [s.stem for s in SNIPPETS if s.parent.name == "quiz"]
    (src / "courses" / "demo" / "course.yaml").write_text(COURSE_YAML.format(modules=", ".join(modules)),
                                                          encoding="utf-8")
    (src / "courses" / "demo" / "index.md").write_text(COURSE_INDEX, encoding="utf-8")
    (src / "courses" / "index.md").write_text(COURSES_INDEX, encoding="utf-8")
    entries = ["/courses/index", "/content/policies/index", "/content/glossary"]
    entries += [f"/{page_of(s)}" for s in SNIPPETS if s.parent.name not in HOMES]
    (src / "content" / "index.md").write_text(HOME.format(entries="\n".join(entries)), encoding="utf-8")
    out = src.parent / "fixtures-html"
    result = build(src, out, status=None)
    assert result.ok, "\n".join(result.warnings + [result.error or ""])
    return out


def main_content(html: str) -> str:
    """The page's main content (what the directives made), normalised."""
    article = BeautifulSoup(html, "html.parser").find("article", attrs={"role": "main"})
    assert article is not None, "the page has no <article role=main>"
    text = VOLATILE_ATTRIBUTES.sub(r'\1="…"', article.decode_contents())
    text = ASSET_HASH.sub("", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: f"{s.parent.name}/{s.stem}")
def test_directive_output_matches_the_stored_html(fixture_site: Path, snippet: Path):
    built = main_content((fixture_site / f"{page_of(snippet)}.html").read_text(encoding="utf-8"))
    stored = snippet.with_suffix(".html")
    if UPDATE:
        stored.write_text(built, encoding="utf-8")
        return
    assert stored.exists(), f"{stored} is missing: run ISDP_UPDATE_FIXTURES=1 pytest {__file__}"
    expected = stored.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), built.splitlines(True),
                                        str(stored), "built"))
    assert built == expected, f"the output changed (ISDP_UPDATE_FIXTURES=1 rewrites it):\n{diff}"


def test_every_family_has_snippets_and_every_stored_file_a_source():
    assert {s.parent.name for s in SNIPPETS} >= {"quiz", "checklist", "webinar", "policy", "table"}
    orphans = [p for p in FIXTURES.glob("*/*.html") if not p.with_suffix(".md").exists()]
    assert orphans == [], f"stored HTML without its snippet: {orphans}"


def test_normalising_keeps_what_is_not_volatile():
    page = ('<article role="main"><div data-isdp-salt="ab12" data-isdp-key-hash="ff00" '
            'data-isdp-kind="single"><img src="_static/x.js?v=1a2b3c4d"></div></article>')
    assert main_content(page) == ('<div data-isdp-key-hash="…" data-isdp-kind="single" '
                                  'data-isdp-salt="…"><img src="_static/x.js"/></div>\n')
