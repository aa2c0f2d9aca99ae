"""``isdp cmi5 package``: cmi5.xml at the root, one AU per module, the pages they open."""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath
from xml.etree import ElementTree as ET

from click.testing import CliRunner

from build_tools.cli import main
from build_tools.courses.model import load_course
from build_tools.xapi.cmi5 import NAMESPACE
from build_tools.xapi.profile import Profile

from ..conftest import REPO

NS = {"c": NAMESPACE}


def test_the_package_describes_the_course_and_holds_its_pages(tmp_path):
    out = tmp_path / "sa.zip"
    result = CliRunner().invoke(main, ["cmi5", "package", "--src", str(REPO), "security-awareness",
                                       "--out", str(out), "--lms-origin", "https://LMS.example.org:8443",
                                       "--lms-origin", "https://xapi.example.org"])
    assert result.exit_code == 0, result.output
    assert "isdp: building the site" in result.output, "the long command says what it is doing"
    course = load_course(REPO / "courses/security-awareness/course.yaml")
    p = Profile("https://www.mdek12.org/isdp/xapi")
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        root = ET.fromstring(archive.read("cmi5.xml"))
        assert root.tag == f"{{{NAMESPACE}}}courseStructure"
        node = root.find("c:course", NS)
        assert node.get("id") == p.course("security-awareness")
        assert node.find("c:title/c:langstring", NS).text == course.title
        aus = root.findall("c:au", NS)
        assert [au.get("id") for au in aus] == [p.module(course.id, m) for m in course.modules]
        for au, module in zip(aus, course.modules, strict=True):
            url = au.find("c:url", NS).text
            assert url == f"courses/security-awareness/{module}.html" and url in names
            assert au.get("moveOn") == "Passed" and au.get("masteryScore") == "0.8"
            assert au.find("c:title/c:langstring", NS).text.strip()
            assert b"data-isdp-quiz" in archive.read(url) and b"tracking.js" in archive.read(url)
            feedback = re.findall(r'data-isdp-sealed-src="([^"]+)"', archive.read(url).decode())
            assert feedback and {f"courses/security-awareness/{f}" for f in feedback} <= names, \
                f"{url}: its sealed feedback file is not in the package"
        # the entry modules and every module they import, dynamic import() included (cmi5.js)
        assert {"_static/isdp/tracking.js", "_static/isdp/quiz.js", "_static/isdp/cmi5.js",
                "_static/isdp/outbox.js"} <= names
        pages = {n for n in names if n.endswith(".html")}
        assert pages == {f"courses/security-awareness/{m}.html" for m in [*course.modules, "index"]}
        assert not any(n.startswith(("_sources/", "content/", "guidance/")) for n in names)
        for page in pages:
            html = archive.read(page).decode()
            connect = re.search(r"connect-src ([^;\"]*)", html).group(1).split()
            assert {"'self'", "https://lms.example.org:8443", "https://xapi.example.org"} <= set(connect)
            for ref in re.findall(r'(?:href|src)="(?![a-z]+:|#)([^"#?]+)', html):
                target = (PurePosixPath(page).parent / ref).as_posix()
                while "/../" in target:
                    target = re.sub(r"[^/]+/\.\./", "", target, count=1)
                assert target in names, f"{page} refers to {ref}, which the package lacks"
        phishing = archive.read("courses/security-awareness/phishing.html").decode()
        assert 'href="https://www.mdek12.org/isdp/content/rule-55-1.html"' in phishing
        assert "search.html" not in re.sub(r'https://[^"]*', "", phishing)
    assert not list(tmp_path.glob(".*.tmp"))


def test_an_lms_origin_with_a_path_is_refused_by_name(tmp_path):
    out = tmp_path / "x.zip"
    result = CliRunner().invoke(main, ["cmi5", "package", "--src", str(REPO), "ferpa", "--out",
                                       str(out), "--lms-origin", "https://lms.example.org/xapi/"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Invalid value for '--lms-origin'" in result.output
    assert "must be an origin only (scheme://host[:port]), without path" in result.output
    assert not out.exists()


def test_an_unknown_course_is_a_one_line_error_and_no_file(tmp_path):
    out = tmp_path / "x.zip"
    result = CliRunner().invoke(main, ["cmi5", "package", "--src", str(REPO), "cyber-101",
                                       "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "no course 'cyber-101' (courses: ferpa, security-awareness)" in result.output
    assert not out.exists()
