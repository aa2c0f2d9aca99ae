"""Webinar parts: captions are required for a video (WCAG 2.1 AA), files show type and size,
unpublished recordings and downloads say so, and the listing groups parts by series."""

from __future__ import annotations

from bs4 import BeautifulSoup
from click.testing import CliRunner

from build_tools.cli import main
from build_tools.guidance.webinars import human_size

INDEX = ("---\ndescription: A small test site for the webinar directives.\n---\n\n# Webinars\n\n"
         "```{webinar-listing}\n```\n\n```{toctree}\n:hidden:\nwebinars/series\n```\n")
PART = """```{webinar}
id: test-series-1
part: 1
date: 2026-10-06
presenters:
  - name: Office of Technology and Strategic Services (OTSS)
    role: Mississippi Department of Education
duration_minutes: 48
summary: A part of a series used to test the webinar directive end to end.
outline:
  - First topic
  - Second topic
video:
  file: media/part-1.mp4
captions: media/part-1.vtt
downloads:
  - title: Slide deck
    kind: slides
    file: files/deck.pdf
  - title: Guidance document
    kind: guidance
```
"""
SERIES_HEAD = ("---\ndescription: A test webinar series with one part and a recording.\n---\n\n"
               "# Test series\n\n## Part 1: Know what you have\n\n")
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nWelcome to the To Know series.\n"


def _site(make_site, part: str = PART, files: dict[str, str] | None = None):
    pages = {"content/index.md": INDEX, "content/webinars/series.md": SERIES_HEAD + part,
             "content/webinars/media/part-1.vtt": VTT,
             "content/webinars/files/deck.pdf": "%PDF-1.4\n" + "x" * 2040}
    src = make_site({**pages, **(files or {})})
    (src / "content/webinars/media/part-1.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(100))
    # the listing page is the root of this small site
    return src


def _webinar_warnings(result):
    return [w for w in result.warnings if "isdp.webinar" in w]


def test_a_video_without_captions_fails_the_build_at_the_video_line(make_site, build_site):
    src = _site(make_site, PART.replace("captions: media/part-1.vtt\n", ""))
    result = build_site(src)
    assert not result.ok
    warnings = _webinar_warnings(result)
    video_line = (SERIES_HEAD + PART).splitlines().index("video:") + 1
    assert any(f"content/webinars/series.md:{video_line}:" in w and "needs WebVTT 'captions'" in w
               and "WCAG 2.1 AA" in w for w in warnings), result.warnings


def test_isdp_check_finds_the_missing_captions_too(make_site):
    src = _site(make_site, PART.replace("captions: media/part-1.vtt\n", ""))
    result = CliRunner().invoke(main, ["check", "--src", str(src)])
    assert result.exit_code == 1
    video_line = (SERIES_HEAD + PART).splitlines().index("video:") + 1
    assert f"content/webinars/series.md:{video_line}: a part with a video needs WebVTT 'captions'" in result.stderr


def test_captions_must_be_webvtt(make_site, build_site):
    src = _site(make_site, files={"content/webinars/media/part-1.vtt": "1\n00:00:00,000 --> 00:00:02,000\nHi\n"})
    warnings = _webinar_warnings(build_site(src))
    assert any("is not WebVTT" in w for w in warnings), warnings


def test_a_part_with_captions_renders_video_track_and_downloads(make_site, build_site):
    result = build_site(_site(make_site))
    assert not _webinar_warnings(result), result.warnings
    soup = BeautifulSoup((result.outdir / "content/webinars/series.html").read_text(), "html.parser")
    video = soup.select_one("video")
    assert video["preload"] == "none" and video.has_attr("controls")
    track = video.select_one("track[kind=captions]")
    assert (result.outdir / "content/webinars" / track["src"]).resolve().read_text().startswith("WEBVTT")
    assert (result.outdir / "content/webinars" / video.select_one("source")["src"]).resolve().is_file()
    text = soup.select_one(".isdp-webinar").get_text(" ", strip=True)
    assert "October 6, 2026" in text and "48 minutes" in text and "OTSS" in text
    deck = soup.select_one(".isdp-webinar-downloads a.download")
    assert deck.get_text() == f"Slide deck (PDF, {human_size(2049)})"
    assert "Guidance document. Not published on this site yet." in text
    assert "Captions (en) (WebVTT" in text
    # no third-party player: no script or iframe from another origin
    assert not soup.select("iframe")
    assert all(not s.get("src", "").startswith("http") for s in soup.select("script"))


def test_unpublished_recording_is_shown_cleanly_and_the_listing_groups_parts(make_site, build_site):
    part = PART.replace("video:\n  file: media/part-1.mp4\ncaptions: media/part-1.vtt\n", "")
    result = build_site(_site(make_site, part))
    assert not _webinar_warnings(result), result.warnings
    page = BeautifulSoup((result.outdir / "content/webinars/series.html").read_text(), "html.parser")
    assert not page.select("video")
    assert "has not been published on this site yet" in page.select_one(".isdp-unpublished").get_text()
    listing = BeautifulSoup((result.outdir / "content/index.html").read_text(), "html.parser")
    series = listing.select_one("section.isdp-webinar-series")
    assert series.select_one("h2, h3").get_text(strip=True).startswith("Test series")
    link = series.select_one("li a")
    assert link["href"] == "webinars/series.html#part-1-know-what-you-have"
    assert "recording not published yet; 1 of 2 downloads published" in series.get_text()


def test_a_url_download_needs_its_size_and_type(make_site, build_site):
    part = PART.replace("    file: files/deck.pdf\n", "    url: https://www.mdek12.org/isdp/deck.pdf\n")
    warnings = _webinar_warnings(build_site(_site(make_site, part)))
    assert any("needs 'size_bytes' and 'type'" in w for w in warnings), warnings


def test_a_missing_local_file_is_named(make_site, build_site):
    part = PART.replace("files/deck.pdf", "files/nope.pdf")
    warnings = _webinar_warnings(build_site(_site(make_site, part)))
    assert any("file 'files/nope.pdf' does not exist" in w for w in warnings), warnings


def test_each_part_carries_its_stable_xapi_activity_iri(make_site, build_site):
    result = build_site(_site(make_site))
    soup = BeautifulSoup((result.outdir / "content/webinars/series.html").read_text(), "html.parser")
    part = soup.select_one(".isdp-webinar")
    assert part["data-xapi-activity"] == "https://www.mdek12.org/isdp/xapi/webinars/test-series-1"


def test_a_webinar_id_used_twice_is_a_build_warning(make_site, build_site):
    twice = PART + "\n## Part 2: Again\n\n" + PART.replace("part: 1", "part: 2")
    warnings = _webinar_warnings(build_site(_site(make_site, twice)))
    assert any("webinar id 'test-series-1' is also used" in w for w in warnings), warnings


def test_check_ignores_webinar_examples_inside_code_blocks():
    from build_tools.guidance.webinars import find_parts

    text = "# Guide\n\n````markdown\n```{webinar}\nid: example\n```\n````\n\n```{webinar}\nid: real\n```\n"
    assert find_parts(text) == [(9, "id: real")]


def test_an_edited_series_page_rewrites_the_listing_and_other_edits_leave_it(make_site, build_site):
    # other.md sits one level down: Sphinx rewrites a page's parent whenever the page changes.
    other = "---\ndescription: Another page of the small test site.\n---\n\n# Other\n"
    section = ("---\ndescription: A section of the small test site.\n---\n\n# Section\n\n"
               "```{toctree}\nother\n```\n")
    src = _site(make_site, files={"content/other.md": other, "content/section.md": section})
    (src / "content/index.md").write_text(INDEX.replace("webinars/series\n", "webinars/series\nsection\n"))
    assert build_site(src).ok
    listing = build_site(src).outdir / "content/index.html"

    stamp = listing.stat().st_mtime_ns
    (src / "content/other.md").write_text(other + "\nEdited.\n")
    assert build_site(src).ok
    assert listing.stat().st_mtime_ns == stamp, "an unrelated edit must not rewrite the listing"

    series = src / "content/webinars/series.md"
    series.write_text(series.read_text().replace("Part 1: Know what you have", "Part 1: Know your assets"))
    assert build_site(src).ok
    parts = BeautifulSoup(listing.read_text(), "html.parser").select("section.isdp-webinar-series li")
    assert [li.get_text(" ", strip=True).split(".")[0].strip() for li in parts] == ["Part 1: Know your assets"]
