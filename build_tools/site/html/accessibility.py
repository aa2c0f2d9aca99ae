"""Accessibility fixes to the HTML that Sphinx and furo write, found by the axe-core tests.

- Sphinx writes each toctree caption as ``<p class="caption" role="heading">`` without the
  ``aria-level`` that the heading role requires (axe ``aria-required-attr``, WCAG 4.1.2):
  screen readers then announce no level. The captions head the site's sections in the
  sidebar (and in a page's body when a toctree is shown there), one level below the page's
  ``<h1>``, so they get level 2.

- furo's drawers (site navigation and page contents on narrow screens) open only from
  ``<label>`` icons that the keyboard cannot reach (WCAG 2.1.1): static/isdp-keyboard.js
  turns them into buttons.
- A code block or wide table that scrolls sideways cannot be scrolled from the keyboard
  unless it can take focus (axe ``scrollable-region-focusable``): isdp-keyboard.js gives
  each box that actually scrolls ``tabindex="0"`` (it depends on the window's width).

Colour, focus and drawer visibility fixes live in build_tools/static/isdp.css.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

_CAPTION = '<p class="caption" role="heading">'
_CAPTION_FIXED = '<p class="caption" role="heading" aria-level="2">'
# furo's html-page-context handler builds its sidebar at the default priority (500).
AFTER_THEME = 900


def fix_captions(html: str) -> str:
    return html.replace(_CAPTION, _CAPTION_FIXED)


def _fix_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    for key in ("body", "furo_navigation_tree"):
        if isinstance(context.get(key), str):
            context[key] = fix_captions(context[key])


def setup_accessibility(app: Sphinx) -> None:
    app.connect("html-page-context", _fix_page, priority=AFTER_THEME)
    app.add_js_file("isdp-keyboard.js", loading_method="defer")
