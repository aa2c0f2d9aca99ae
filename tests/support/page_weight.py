"""Page weight: the HTML, JS and CSS bytes a page makes the browser load, raw and gzip.

Measured in Chromium, so it counts exactly what a learner's browser fetches (including
scripts a page adds while it loads), not what the HTML seems to list. Each file is
gzip-compressed on its own at level 6, as a web server compresses a response. The course
page budget keeps training usable on a school's slow or shared connection: 45 KB gzip, the
page itself included (issue 19). Measured with benchmarks/page_weight.py: the module pages
weigh 37.7-40.1 KB (furo's plain page 22.6; the FERPA quiz page 39.2, 50.3 before) since
the sealed feedback, random ciphertext gzip cannot pack, moved from the page into a
file beside it that the quiz fetches on the learner's first touch (courses/sealing.py), so
it is not part of the first load measured here. The JS and CSS are about 28 KB of it: furo's
CSS 8.2, the tracking runtime's modules, quiz.js 3.3.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

COURSE_PAGE_BUDGET_GZIP = 45 * 1024
RESOURCE_TYPES = ("document", "script", "stylesheet")


@dataclass
class PageWeight:
    page: str
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (raw, gzip)

    @property
    def raw(self) -> int:
        return sum(raw for raw, _ in self.files.values())

    @property
    def gzip(self) -> int:
        return sum(packed for _, packed in self.files.values())


def gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def measure(browser: Any, base_url: str, page_path: str) -> PageWeight:
    """Load ``base_url/page_path`` in a fresh browser context and weigh it with its JS and CSS."""
    context = browser.new_context()
    try:
        page = context.new_page()
        responses: list[Any] = []
        page.on("response", lambda response: responses.append(response)
                if response.request.resource_type in RESOURCE_TYPES else None)
        page.goto(f"{base_url}/{page_path}")
        page.wait_for_load_state("networkidle")
        weight = PageWeight(page_path)
        for response in responses:
            body = response.body()
            weight.files[urlsplit(response.url).path] = (len(body), gzip_size(body))
        return weight
    finally:
        context.close()


PLAIN_PAGE = """# A plain page

The theme's own page, with no extension of ours: the baseline for page weight.
"""


def build_plain_theme_site(workdir: Path) -> Path:
    """Build a one-page site with the bare furo theme and MyST; returns the HTML folder."""
    from sphinx.cmd.build import build_main

    src = Path(workdir) / "plain"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    (src / "conf.py").write_text('extensions = ["myst_parser"]\nhtml_theme = "furo"\n', encoding="utf-8")
    (src / "index.md").write_text(PLAIN_PAGE, encoding="utf-8")
    out = src / "_build"
    status = build_main(["-q", "-b", "html", str(src), str(out)])
    if status != 0:
        raise RuntimeError(f"the plain furo site did not build (exit {status})")
    return out


def plain_theme_weight(browser: Any) -> PageWeight:
    """The baseline: the theme's plain page with its JS and CSS, measured the same way."""
    from tests.support.pages import serve

    with tempfile.TemporaryDirectory(prefix="isdp-plain-") as workdir:
        out = build_plain_theme_site(Path(workdir))
        with serve(out) as base_url:
            weight = measure(browser, base_url, "index.html")
    weight.page = "furo plain page"
    return weight
