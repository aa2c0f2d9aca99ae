"""``isdp cmi5 package COURSE --out FILE.zip``: a course as a cmi5 package for an LMS.

The package holds ``cmi5.xml`` at its root (the course, one AU per module with its moveOn
and masteryScore), the course's own pages and only the files they load (styles, scripts
and the modules those import, even with ``import()``, images, each quiz page's sealed feedback
file). A link to any other page of the site points to
the public site (``site_url``) instead, and the sidebar's search form, which needs the
whole site, is removed. IDs are the profile's IRIs, so an LMS's statements join the same
reports as launch-link statements. The runtime switches to cmi5 mode from the launch URL.

Each page's Content-Security-Policy is written again with the LMS's xAPI origins
(``--lms-origin``) added to connect-src: an LMS whose LRS is on another origin than the
content would otherwise be blocked by the browser.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from lxml import html as lxml_html

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


@dataclass
class Contents:
    """What goes into the zip besides cmi5.xml: pages (rewritten) and the files they load."""

    pages: dict[str, str] = field(default_factory=dict)  # path -> rewritten HTML
    files: set[str] = field(default_factory=set)
    links_out: int = 0
    forms_removed: int = 0


_LOADED = {"script": "src", "img": "src", "source": "src", "video": "src", "audio": "src"}
_JS_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+)["']""")
_CSS_URL = re.compile(r"""url\(\s*["']?(?!data:)([^"')]+)["']?\s*\)""")


def _local(base: str, ref: str) -> str | None:
    """The site path REF points to from page BASE, or None if it leaves the site."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or ref.startswith(("#", "mailto:", "tel:", "data:")):
        return None
    if not parts.path:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), parts.path))


def _needs(site: Path, path: str, seen: set[str]) -> None:
    """Add PATH and, for scripts and styles, what they import or load, to SEEN."""
    if path in seen or path.startswith("..") or not (site / path).is_file():
        return
    seen.add(path)
    if path.endswith((".js", ".mjs", ".css")):
        text = (site / path).read_text(encoding="utf-8", errors="replace")
        pattern = _CSS_URL if path.endswith(".css") else _JS_IMPORT
        for ref in pattern.findall(text):
            if (target := _local(path, ref)) is not None:
                _needs(site, target, seen)


def course_contents(
    site: Path, pages: Iterable[str], site_url: str, connect_origins: list[str]
) -> Contents:
    """The course's pages, with links out of the course made absolute, and what they load."""
    from build_tools.site.html.csp import apply

    pages = sorted(pages)
    contents, public = Contents(), site_url.rstrip("/") + "/"
    for page in pages:
        doc = lxml_html.document_fromstring((site / page).read_text(encoding="utf-8"))
        for form in doc.xpath("//form[@action]"):
            if _local(page, form.get("action")) not in pages:
                form.drop_tree()  # the site's search: it needs the whole site
                contents.forms_removed += 1
        for element in doc.xpath("//*[@href or @src]"):
            attr = "src" if element.get("src") is not None else "href"
            ref = element.get(attr)
            target = _local(page, ref)
            if target is None or target in pages:
                continue
            loaded = attr == "src" and element.tag in _LOADED or (
                element.tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"}
                & set((element.get("rel") or "").split())
            )
            if loaded or not target.endswith(".html"):
                _needs(site, target, contents.files)  # a file the page loads or offers
            else:
                fragment = urlsplit(ref).fragment
                element.set(attr, public + target + (f"#{fragment}" if fragment else ""))
                contents.links_out += 1
        for ref in doc.xpath("//@data-isdp-sealed-src"):  # the quiz's feedback file (courses/sealing.py)
            if (target := _local(page, str(ref))) is not None:
                _needs(site, target, contents.files)
        html = lxml_html.tostring(doc, doctype="<!DOCTYPE html>", encoding="unicode")
        contents.pages[page], _ = apply(html, connect_origins)
    return contents


def package(
    src: Path,
    course_id: str,
    out: Path,
    lms_origins: Iterable[str] = (),
    progress: Callable[[str], None] = lambda line: None,
) -> list[AU]:
    """Build the site and write the package; raises ContentError(s) on any problem.

    LMS_ORIGINS (scheme://host[:port], already checked) join the pages' connect-src.
    PROGRESS gets one line per step (the build takes several seconds).
    """
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
        progress("building the site")
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
        course_dir = posixpath.dirname(aus[0].url) if aus else f"{COURSES_DIR}/{course_id}"
        pages = {p.relative_to(site).as_posix() for p in (site / course_dir).glob("*.html")}
        connect = [*settings.xapi.lrs_origins, *(o for o in lms_origins
                                                 if o not in settings.xapi.lrs_origins)]
        progress(f"selecting the {len(pages)} page(s) of {course_id} and the files they load")
        contents = course_contents(site, pages, str(settings.site_url), connect)
        out.parent.mkdir(parents=True, exist_ok=True)
        from build_tools.core.atomic import atomic_file  # the one output writer

        progress(f"writing {out}")
        with atomic_file(out, "wb") as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("cmi5.xml", course_structure(profile, course, aus))
            for path, page in sorted(contents.pages.items()):
                archive.writestr(path, page)
            for path in sorted(contents.files):
                archive.write(site / path, path)
    progress(
        f"{len(contents.pages)} page(s), {len(contents.files)} file(s) they load; "
        f"{contents.links_out} link(s) out of the course now go to {settings.site_url}"
    )
    return aus
