"""Finding 2 of issue 15 (the preview half): after a save that does not build, `isdp serve`
keeps serving the last good page and shows the problems on it, as the editor guide says."""

from __future__ import annotations

from ..conftest import page_text
from ..test_serve import _get, _wait_for, preview


def test_the_preview_keeps_the_last_good_page_and_shows_the_problem(make_site, tmp_path):
    src = make_site({"content/index.md": page_text("Home", "The good version.")})
    log = tmp_path / "serve.log"
    index = src / "content" / "index.md"
    with preview(src, log) as url:
        _wait_for(lambda: "The good version" in (_get(url) or ""))
        index.write_text(page_text("Home", "The broken version, see {term}`Nothing`."))
        _wait_for(lambda: "still serving the last good pages" in log.read_text())
        page = _get(url) or ""
        assert "The good version" in page and "The broken version" not in page
        assert 'id="isdp-preview-problems"' in page and "term not in glossary" in page
        index.write_text(page_text("Home", "The fixed version."))
        _wait_for(lambda: "The fixed version" in (_get(url) or ""))
        assert 'id="isdp-preview-problems"' not in (_get(url) or "")
