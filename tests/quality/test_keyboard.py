"""Keyboard use (WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.3, 2.4.7): skip link, focus order, visible focus.

Checked on the home page, a rule page, the glossary, the guidance index, the policy index and
the first course module (a quiz page). A page missing from the build is a failure.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.pages import first_course_module

COURSE_MODULE = "first course module"
KEYBOARD_PAGES = ["content/index", "content/rule-55-1", "content/glossary", "guidance/index",
                  "content/policies/index", COURSE_MODULE]

# Every element the Tab key should reach, as the browser decides what is tabbable: visible,
# enabled, not inert, tabindex >= 0; of a group of radio buttons only the checked one (or
# the first), since arrow keys move inside the group.
TABBABLE = """() => {
  const candidates = document.querySelectorAll(
    'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]');
  const groups = new Set();
  return Array.from(candidates).filter((el) => {
    if (el.disabled || el.tabIndex < 0 || el.closest('[inert]')) return false;
    if (!el.checkVisibility({visibilityProperty: true})) return false;
    if (el.type === 'radio' && el.name) {
      const group = `${el.form ? el.form.id : ''}/${el.name}`;
      const members = Array.from(document.getElementsByName(el.name));
      const chosen = members.find((m) => m.checked) || members[0];
      if (el !== chosen || groups.has(group)) return false;
      groups.add(group);
    }
    return true;
  }).map((el) => window.__isdpKey(el));
}"""

# A stable description of an element, and what the focused one looks like.
HELPERS = """() => {
  window.__isdpKey = (el) => {
    const path = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const siblings = node.parentElement ? Array.from(node.parentElement.children) : [];
      path.unshift(`${node.tagName.toLowerCase()}:${siblings.indexOf(node)}`);
    }
    const label = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 40);
    return `${path.join('>')} "${label}"`;
  };
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const prev = window.__isdpPrev;
  window.__isdpPrev = el;
  let rect = el.getBoundingClientRect();
  let style = getComputedStyle(el);
  const after = getComputedStyle(el, '::after');
  if ((rect.width === 0 || rect.height === 0) && after.position === 'absolute' && el.offsetParent) {
    // A "stretched link" (sphinx-design cards): an empty <a> whose ::after covers its
    // positioned ancestor; that overlay is what the user sees and what shows focus.
    rect = el.offsetParent.getBoundingClientRect();
    style = after;
  }
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let background = [255, 255, 255];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) { background = c; break; }
  }
  const outline = parse(style.outlineColor);
  const [l1, l2] = [luminance(outline), luminance(background)].sort((a, b) => b - a);
  return {
    key: window.__isdpKey(el),
    follows: !prev || prev === el ? null
      : Boolean(prev.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING),
    visible: el.checkVisibility({visibilityProperty: true}) && rect.width > 0 && rect.height > 0,
    inViewport: rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth,
    outlineWidth: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
    outlineContrast: (l1 + 0.05) / (l2 + 0.05),
    boxShadow: style.boxShadow !== 'none',
  };
}"""


@pytest.fixture
def page_path(request, shipped_site) -> str:
    name = request.param
    if name == COURSE_MODULE:
        path = first_course_module(shipped_site)
        if path is None:
            pytest.fail("the build has no course module page")
        return path
    if not (shipped_site / f"{name}.html").exists():
        pytest.fail(f"{name}.html is not in the build")
    return f"{name}.html"


VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 400, "height": 800}}


def _open(page, site_server: str, path: str, scheme: str = "light", viewport: str = "desktop"):
    page.set_viewport_size(VIEWPORTS[viewport])
    # Reduced motion: the page scrolls to the focused element at once instead of smoothly,
    # so where focus lands can be measured right after each key press (same end position).
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    page.goto(f"{site_server}/{path}")
    page.evaluate(HELPERS)


def _tab_through(page, limit: int) -> list[dict]:
    """Press Tab until focus comes back round (or ``limit`` presses); the focused elements."""
    seen: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (seen and focused["key"] == seen[0]["key"]):
            return seen
        seen.append(focused)
    raise AssertionError(f"focus never came back round after {limit} Tab presses: a keyboard trap?")


@pytest.mark.parametrize("page_path", KEYBOARD_PAGES, indirect=True)
def test_skip_link_is_first_visible_and_moves_to_the_content(page, site_server, page_path):
    _open(page, site_server, page_path)
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("href", "#furo-main-content")
    expect(focused).to_have_text("Skip to content")
    expect(focused).to_be_in_viewport()  # furo slides it in when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#furo-main-content$"))  # waits for the jump
    page.keyboard.press("Tab")
    assert page.evaluate(
        "document.getElementById('furo-main-content').contains(document.activeElement)"
    ), "after the skip link, Tab does not continue inside the main content"


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("page_path", KEYBOARD_PAGES, indirect=True)
def test_tab_reaches_every_control_once_in_document_order(page, site_server, page_path, viewport):
    _open(page, site_server, page_path, viewport=viewport)
    expected = page.evaluate(TABBABLE)
    seen = _tab_through(page, limit=len(expected) + 10)
    keys = [item["key"] for item in seen]
    assert len(keys) == len(set(keys)), "an element is reached twice in one round"
    out_of_order = [item["key"] for item in seen if item["follows"] is False]
    assert not out_of_order, f"focus jumps backwards to: {out_of_order}"
    hidden = [item["key"] for item in seen if not item["visible"]]
    assert not hidden, f"focus lands on invisible elements: {hidden}"
    missed = [key for key in expected if key not in set(keys)]
    assert not missed, f"Tab never reaches: {missed}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page_path", KEYBOARD_PAGES, indirect=True)
def test_focus_is_always_visible(page, site_server, page_path, scheme):
    """Each focused element is in view and outlined (>= 2px, contrast >= 3:1 on its background)."""
    _open(page, site_server, page_path, scheme)
    seen = _tab_through(page, limit=len(page.evaluate(TABBABLE)) + 10)
    assert seen
    faint = [f"{item['key']}: outline {item['outlineWidth']}px, contrast {item['outlineContrast']:.2f}"
             for item in seen
             if not item["boxShadow"] and (item["outlineWidth"] < 2 or item["outlineContrast"] < 3)]
    assert not faint, "focus indicator missing or faint:\n" + "\n".join(faint)
    off_screen = [item["key"] for item in seen if not item["inViewport"]]
    assert not off_screen, f"focused but scrolled out of view: {off_screen}"


@pytest.mark.parametrize(("toggle", "drawer"), [
    ("button.nav-overlay-icon", ".sidebar-drawer"),
    (".mobile-header button.toc-overlay-icon", ".toc-drawer"),
])
def test_drawers_open_and_close_from_the_keyboard_on_a_phone(page, site_server, shipped_site, toggle, drawer):
    """On a narrow screen the navigation and the page contents sit in drawers: a keyboard
    user opens one with its button, lands inside it, and Escape brings focus back."""
    _open(page, site_server, "content/rule-55-1.html", viewport="phone")
    button = page.locator(toggle)
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(page.locator(drawer)).to_be_hidden()  # closed: none of its links takes focus
    for _ in range(len(page.evaluate(TABBABLE))):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector('{toggle}')"):
            break
    else:
        raise AssertionError(f"Tab never reaches the {toggle} button")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    focused = page.locator(":focus")
    expect(focused).to_be_in_viewport()
    assert page.evaluate(f"document.querySelector('{drawer}').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
