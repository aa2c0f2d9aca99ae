"""The K12 Security Advisory guidance: self-assessment checklists and webinar pages.

Each component wires itself with a ``setup_*`` function; ``setup_guidance`` calls them all so
that the package adds one line to ``build_tools/__init__.py``.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_guidance(app: Sphinx) -> None:
    from .checklist_directive import setup_checklists
    from .webinar_directive import setup_webinars

    setup_checklists(app)
    setup_webinars(app)
