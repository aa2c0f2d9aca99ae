"""Policy pages in a real browser: axe-core finds no WCAG 2.x A/AA violation in the page
content this component writes (the theme's navigation is audited by the site-wide
accessibility tests), and the placeholder marking does not depend on colour."""

from __future__ import annotations

import pytest

from .conftest import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "content/policies/index.html",
    "content/policies/crosswalk.html",
    "content/policies/incident-response.html",
    "content/policies/data-classification.html",
    "content/editor-guide/policies.html",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_policy_pages_have_no_axe_violations(page, site_server: str, path: str, scheme: str):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (or .ci/install)")
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{site_server}/{path}")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # via DevTools: the page CSP allows no injected script
    result = page.evaluate("""async () => await axe.run({include: [['article']]}, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], "\n".join(map(str, violations))


def test_placeholders_are_marked_without_colour(page, site_server: str):
    page.goto(f"{site_server}/content/policies/incident-response.html")
    page.emulate_media(color_scheme="light")
    style = page.evaluate("""() => {
        const el = document.querySelector('.isdp-placeholder');
        const s = getComputedStyle(el);
        return {text: el.textContent, border: s.borderTopStyle, width: s.borderTopWidth};
    }""")
    assert style["text"].startswith("[") and style["text"].endswith("]")
    assert style["border"] == "dashed" and style["width"] != "0px"
    underline = page.evaluate(
        """() => getComputedStyle(document.querySelector('a.isdp-param')).textDecorationStyle"""
    )
    assert underline == "dotted"
