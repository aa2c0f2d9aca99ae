"""``isdp cmi5 package COURSE --out FILE.zip``: a course as a cmi5 package for an LMS.

The package holds ``cmi5.xml`` at its root (the course, one AU per module with its moveOn
and masteryScore) and the built site: module pages link to the rest of the site through
its navigation, so the whole (small, self-contained) build goes in. IDs are the profile's
IRIs, so an LMS's statements join the same reports as launch-link statements. The AU pages
are the site's own module pages; tracking.js switches to cmi5 mode from the launch URL.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.settings import load_settings
from build_tools.xapi.profile import Profile

NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
LANG = "en-US"


@dataclass(frozen=True)
class AU:
    module: str
    iri: str
    title: str
    description: str
    url: str
    move_on: str


class _FirstHeading(HTMLParser):
    """The text of a page's first <h1> (Sphinx writes the page title there)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.text, self.done = 0, "", False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "h1" and not self.done:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1" and self.depth:
            self.depth, self.done = 0, True

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text += data


def page_description(html: str) -> str:
    """The page's meta description (every page's front matter must give one)."""
    found = re.search(r'<meta name="description" content="([^"]*)"', html)
    return unescape(found.group(1)) if found else ""


def page_title(html: str) -> str:
    parser = _FirstHeading()
    parser.feed(html)
    return " ".join(parser.text.replace("#", " ").split())


def course_structure(profile: Profile, course, aus: list[AU]) -> bytes:
    """cmi5.xml (cmi5 section 13): course title and description, then one AU per module."""
    ET.register_namespace("", NAMESPACE)

    def q(tag: str) -> str:
        return f"{{{NAMESPACE}}}{tag}"

    def text(parent: ET.Element, tag: str, value: str) -> None:
        element = ET.SubElement(parent, q(tag))
        ET.SubElement(element, q("langstring"), lang=LANG).text = value

    root = ET.Element(q("courseStructure"))
    node = ET.SubElement(root, q("course"), id=profile.course(course.id))
    text(node, "title", course.title)
    text(node, "description", course.audience)
    for au in aus:
        attrs = {"id": au.iri, "moveOn": au.move_on, "launchMethod": "AnyWindow"}
        if au.move_on != "NotApplicable":
            attrs["masteryScore"] = f"{course.mastery_score:g}"
        element = ET.SubElement(root, q("au"), attrs)
        text(element, "title", au.title)
        text(element, "description", au.description or f"{course.title}: {au.title}")
        ET.SubElement(element, q("url")).text = au.url
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def package(src: Path, course_id: str, out: Path) -> list[AU]:
    """Build the site and write the package; raises ContentError(s) on any problem."""
    from build_tools.courses.model import COURSE_FILE, COURSES_DIR, load_course
    from build_tools.site.build import build

    src = Path(src).resolve()
    settings = load_settings(src)
    profile = Profile(settings.base_iri)
    course_file = src / COURSES_DIR / course_id / COURSE_FILE
    if not course_file.exists():
        known = sorted(p.parent.name for p in (src / COURSES_DIR).glob(f"*/{COURSE_FILE}"))
        raise ContentError(
            src / COURSES_DIR,
            None,
            f"no course '{course_id}' (courses: {', '.join(known) or 'none'})",
        )
    course = load_course(course_file)
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="isdp-cmi5-") as tmp:
        site = Path(tmp) / "html"
        result = build(src, site, status=None)
        if not result.ok:
            raise ContentErrors(
                [
                    ContentError("build", None, line)
                    for line in result.warnings + ([result.error] if result.error else [])
                ]
            )
        aus = []
        for module in course.modules:
            url = f"{course.module_docname(module)}.html"
            html = (site / url).read_text(encoding="utf-8")
            # A module without a quiz sends no statement, so the LMS may not wait for one.
            move_on = "Passed" if "data-isdp-quiz" in html else "NotApplicable"
            aus.append(
                AU(
                    module,
                    profile.module(course.id, module),
                    page_title(html) or module,
                    page_description(html),
                    url,
                    move_on,
                )
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        from build_tools.core.atomic import MARKER, atomic_file  # the one output writer

        with atomic_file(out, "wb") as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("cmi5.xml", course_structure(profile, course, aus))
            for path in sorted(site.rglob("*")):
                if path.is_file() and path.name not in (".buildinfo", MARKER):
                    archive.write(path, path.relative_to(site).as_posix())
    return aus
