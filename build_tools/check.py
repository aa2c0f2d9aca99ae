"""``isdp check``: validate every content file without a full build.

Each component contributes a function ``(srcdir, docnames) -> list[ContentError]``; the
registry below is the one list of them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sphinx.project import Project

from . import front_matter, governance_calendar, traceability
from .errors import ContentError, ContentErrors
from .guidance import checklists, webinars
from .settings import load_settings
from .site import INCLUDE_PATTERNS

Check = Callable[[Path, set[str]], list[ContentError]]
SOURCE_SUFFIXES = {".md": "markdown", ".ipynb": "ipynb"}


def _errors_of(call: Callable[[], object]) -> list[ContentError]:
    try:
        call()
    except ContentError as exc:
        return [exc]
    except ContentErrors as exc:
        return exc.errors
    return []


def check_site(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return _errors_of(lambda: load_settings(srcdir))


def check_front_matter(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    pages = [srcdir / f"{name}.md" for name in sorted(docnames) if (srcdir / f"{name}.md").exists()]
    return front_matter.check_pages(srcdir, pages)


def check_traceability(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return traceability.check(srcdir, docnames)


def check_courses(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    from .courses.check import check_courses as check

    return check(srcdir, docnames)


def check_governance_calendar(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return _errors_of(lambda: governance_calendar.load(srcdir))


def check_policies(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    from .policies.sphinx import check

    return check(srcdir, docnames)
def check_checklists(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return checklists.check(srcdir, docnames)


def check_webinars(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    return webinars.check(srcdir, docnames)
def check_quarterly_data(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    from .reports import quarterly_data

    return quarterly_data.check(srcdir, docnames)


CHECKS: list[Check] = [
    check_site,
    check_front_matter,
    check_traceability,
    check_governance_calendar,
    check_courses,
    check_policies,
    check_checklists,
    check_webinars,
    check_quarterly_data,
]


def find_docnames(srcdir: Path) -> set[str]:
    """The pages Sphinx would read, found the way Sphinx finds them."""
    project = Project(srcdir, SOURCE_SUFFIXES)
    return set(project.discover(exclude_paths=["**/_*", "**/.ipynb_checkpoints"],
                                include_paths=INCLUDE_PATTERNS))


def run_checks(srcdir: Path) -> list[ContentError]:
    srcdir = Path(srcdir).resolve()
    docnames = find_docnames(srcdir)
    errors: list[ContentError] = []
    for check in CHECKS:
        errors.extend(check(srcdir, docnames))
    return errors
