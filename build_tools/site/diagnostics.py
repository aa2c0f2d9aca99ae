"""The single place that creates our Sphinx warnings: each has a type and a location.

With ``isdp build`` every warning is an error; the subtype lets an editor see what kind of
rule was broken (``[isdp.traceability]``) and, if ever needed, suppress one kind.
"""

from __future__ import annotations

from enum import StrEnum

from sphinx.util import logging

from build_tools.core.errors import ContentError, display_path

LOGGER = logging.getLogger("isdp")


class Warn(StrEnum):
    """Warning subtypes, reported as ``[isdp.<subtype>]``."""

    SITE = "site"
    """site.yaml does not match its schema."""
    FRONT_MATTER = "front_matter"
    """A page's front matter does not match its schema."""
    TRACEABILITY = "traceability"
    """A duty of the rule is not served by an existing page or feature."""
    DATA = "data"
    """A data file read by a directive is invalid."""
    DIRECTIVE = "directive"
    """A directive was used with wrong arguments or content."""
    COURSE = "course"
    """A course.yaml does not match its schema or its folder."""
    QUIZ = "quiz"
    """A quiz question is invalid (no correct answer, duplicate id, empty choice...)."""
    NOTEBOOK = "notebook"
    """A notebook module cannot be read (bad JSON, code cells, front matter)."""
    POLICY = "policy"
    """A policy template, its front matter or its page is invalid."""
    CHECKLIST = "checklist"
    """A self-assessment checklist (guidance/checklists/*.yaml) is invalid or missing."""
    WEBINAR = "webinar"
    """A webinar part is invalid, e.g. a video without WebVTT captions (WCAG 2.1 AA)."""
    CSP = "csp"
    """A page holds inline code that its Content-Security-Policy blocks."""
    SEARCH = "search"
    """The search index could not be written (build_tools/site/html/search.py)."""


def warn(subtype: Warn, message: str, location: object = None) -> None:
    LOGGER.warning(message, type="isdp", subtype=subtype.value, location=location)


def warn_error(subtype: Warn, error: ContentError) -> None:
    """Report a ContentError as a warning located at its file and line."""
    where = f"{display_path(error.path)}:{error.line or 1}"
    warn(subtype, error.message, location=where)
