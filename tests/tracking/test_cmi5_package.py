"""``isdp cmi5 package``: cmi5.xml at the root, one AU per module, the pages they open."""

from __future__ import annotations

import zipfile
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
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
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
        assert "_static/isdp/tracking.js" in names and "_static/isdp/quiz.js" in names
    assert not list(tmp_path.glob(".*.tmp"))


def test_an_unknown_course_is_a_one_line_error_and_no_file(tmp_path):
    out = tmp_path / "x.zip"
    result = CliRunner().invoke(main, ["cmi5", "package", "--src", str(REPO), "cyber-101",
                                       "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "no course 'cyber-101' (courses: ferpa, security-awareness)" in result.output
    assert not out.exists()
