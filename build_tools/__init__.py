"""ISDP: the Sphinx extension that builds the MDE Information Security and Data Privacy site.

``setup()`` only wires components; each lives in its own module.
"""

from __future__ import annotations

from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, object]:
    from .courses.sphinx_ext import setup_courses
    from .front_matter import setup_front_matter
    from .governance_calendar import setup_governance_calendar
    from .reports.sphinx import setup_reports
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
        setup_tracking,
        setup_reports,
    ):
        setup_component(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
