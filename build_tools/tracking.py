"""Put the tracking runtime on the pages that need it, with the xAPI profile as data.

``tracking.js`` never hard-codes an IRI: each quiz page (and every page under ``courses/``,
where personal launch links land) carries ``<meta name="isdp-xapi-profile">`` generated from
``build_tools.xapi.profile.Profile.as_json()``. A meta tag, not an inline script, so the
Content-Security-Policy can forbid inline scripts. No credential is ever written here.
"""

from __future__ import annotations

import json
from html import escape

from sphinx.application import Sphinx

from .site import site_settings
from .xapi.profile import Profile

SCRIPT = "tracking.js"
# Loaded before the quiz runtime (lower priority number first) so that it listens before
# the first quiz event is dispatched.
SCRIPT_PRIORITY = 200


def needs_tracking(pagename: str, body: str) -> bool:
    return pagename.startswith("courses/") or "data-isdp-quiz" in body or "data-isdp-tracking-status" in body


def profile_json(app: Sphinx) -> str:
    settings = site_settings(app)
    data = Profile(settings.base_iri).as_json(settings.training.cycle_start_month)
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def _add_runtime(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format != "html" or not needs_tracking(pagename, context.get("body", "")):
        return
    context["metatags"] = context.get("metatags", "") + (
        f'\n    <meta name="isdp-xapi-profile" content="{escape(profile_json(app))}" />')
    app.add_js_file(SCRIPT, priority=SCRIPT_PRIORITY)


def setup_tracking(app: Sphinx) -> None:
    app.connect("html-page-context", _add_runtime)
