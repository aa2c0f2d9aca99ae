"""Wire site.yaml and the theme into Sphinx: one place for every Sphinx setting we choose."""

from __future__ import annotations

from pathlib import Path

import sphinx_design
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.settings import SiteSettings, load_settings

PACKAGE_DIR = Path(__file__).parents[1]  # build_tools/: static/ and templates/ serve every component
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

# Only these folders are site sources; README, tests, templates/ etc. are not pages.
INCLUDE_PATTERNS = ["content/**", "guidance/**", "courses/**"]

MYST_EXTENSIONS = ["colon_fence", "deflist", "fieldlist", "attrs_block", "attrs_inline", "substitution"]


def site_settings(app: Sphinx) -> SiteSettings:
    """The validated agency settings of the running build."""
    return app.config.isdp_site  # type: ignore[no-any-return]


def _configure(app: Sphinx, config: Config) -> None:
    try:
        settings = load_settings(Path(app.srcdir))
    except (ContentError, ContentErrors) as exc:
        raise ConfigError(str(exc)) from None
    config.isdp_site = settings
    agency = settings.agency
    config.project = f"{agency.short_name} Information Security and Data Privacy"
    config.author = f"{agency.name}, {agency.office}"
    config.copyright = f"{agency.name}"
    config.language = "en"
    config.root_doc = "content/index"
    config.include_patterns = INCLUDE_PATTERNS
    # Front matter is checked by build_tools/site/front_matter.py with the exact line; MyST's
    # own "Malformed YAML" warning would report the same mistake a second time, at line 1.
    config.suppress_warnings = [*config.suppress_warnings, "myst.topmatter"]
    # Sphinx walks every folder under the source folder (the project's root, with .venv,
    # node_modules and .git) before include_patterns pick the pages: naming the other
    # top-level folders prunes that walk, 0.9 s of CPU in every build, a one-page one too.
    roots = {pattern.split("/")[0] for pattern in INCLUDE_PATTERNS}
    others = sorted(entry.name for entry in Path(app.srcdir).iterdir() if entry.is_dir() and entry.name not in roots)
    config.exclude_patterns = ["**/_*", "**/.ipynb_checkpoints", *others]
    config.myst_enable_extensions = MYST_EXTENSIONS
    config.myst_heading_anchors = 3
    config.myst_substitutions = {
        "agency": agency.name,
        "agency_short": agency.short_name,
        "office": agency.office,
        "notify_hours": settings.incident.notify_within_hours,
        "notify_email": str(settings.incident.notify_email),
        "iso_email": str(settings.contacts.iso.email),
        "cio_email": str(settings.contacts.cio.email),
        "dgm_email": str(settings.contacts.data_governance_manager.email),
    }
    config.nitpicky = True
    config.show_warning_types = True
    # Theme: furo had 0 axe-core violations and the lightest pages among the themes measured
    # (DESIGN.md). It loads no web fonts and nothing from another host.
    config.html_theme = "furo"
    config.html_title = f"{agency.short_name} Information Security and Data Privacy"
    config.html_short_title = "ISDP"
    config.html_baseurl = str(settings.site_url)
    # sphinx-design appends its folder at builder-inited, after Sphinx has compared the config
    # with the cached one, so every build looked "changed" and rewrote every page. Listing
    # it here and dropping the duplicate later keeps one-page rebuilds incremental.
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR),
                               str(Path(sphinx_design.__file__).parent / "static")]
    config.templates_path = [*config.templates_path, str(TEMPLATES_DIR)]
    config.html_copy_source = False
    config.html_show_sourcelink = False
    config.html_show_sphinx = False
    config.html_permalinks_icon = "#"
    # Our own icon: without one, browsers ask for /favicon.ico and log a 404 console error.
    config.html_favicon = str(STATIC_DIR / "isdp-favicon.svg")
    config.html_theme_options = {
        "top_of_page_buttons": [],
        "navigation_with_keys": False,
    }
    config.html_context = {**config.html_context, "isdp": settings}
    # A root index.html that points at the home page, which lives in content/.
    config.html_additional_pages = {"index": "isdp-root-redirect.html"}


def _add_meta_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    description = app.env.metadata.get(pagename, {}).get("description")
    if description:
        from html import escape

        context["metatags"] = context.get("metatags", "") + (
            f'\n    <meta name="description" content="{escape(str(description))}" />'
        )


def _dedupe_static_paths(app: Sphinx) -> None:
    app.config.html_static_path = list(dict.fromkeys(app.config.html_static_path))


def setup_site(app: Sphinx) -> None:
    app.add_config_value("isdp_site", None, "env", types=[SiteSettings, type(None)])
    app.connect("config-inited", _configure, priority=100)
    app.connect("builder-inited", _dedupe_static_paths, priority=900)
    app.connect("html-page-context", _add_meta_description)
    app.add_css_file("isdp.css")
