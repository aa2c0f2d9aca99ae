"""ISDP: the Sphinx extension that builds the MDE Information Security and Data Privacy site.

``setup()`` only wires components; each lives in its own module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this package; keep Sphinx out of its start-up
    from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, object]:
    from .courses.sphinx_ext import setup_courses
    from .accessibility import setup_accessibility
    from .csp import setup_csp
    from .front_matter import setup_front_matter
    from .governance_calendar import setup_governance_calendar
    from .policies import setup_policies
    from .guidance import setup_guidance
    from .navigation import setup_navigation
    from .page_templates import setup_page_templates
    from .reports.sphinx import setup_reports
    from .search import setup_search
    from .site import setup_site
    from .traceability import setup_traceability
    from .tracking import setup_tracking

    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_design")
    for setup_component in (
        setup_site,
        setup_front_matter,
        setup_traceability,
        setup_governance_calendar,
        setup_courses,
        setup_policies,
        setup_guidance,
        setup_navigation,
        setup_csp,
        setup_page_templates,
        setup_accessibility,
        setup_reports,
        setup_search,
        setup_tracking,
    ):
        setup_component(app)
    return {"version": __version__, "env_version": _code_version(),
            "parallel_read_safe": True, "parallel_write_safe": True}


def _code_version() -> int:
    """A checksum of this package's code and templates.

    Sphinx re-reads every page when an extension's ``env_version`` changes; without this an
    incremental build after a code change would keep pages rendered by the old code.
    """
    import zlib
    from pathlib import Path

    checksum = 0
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".html", ".js", ".css", ".yaml"} and "__pycache__" not in path.parts:
            checksum = zlib.crc32(path.read_bytes(), checksum)
    return checksum
