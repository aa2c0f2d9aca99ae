"""Page weight budget: a course page and the JS and CSS it loads come to at most 45 KB (gzip).

Learners take the training on school networks and old laptops; the figure for each page type
is printed by benchmarks/page_weight.py. Measuring code: tests/support/page_weight.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

from build_tools.site.html.minify import minify_static, purge_css
from tests.support.page_weight import COURSE_PAGE_BUDGET_GZIP, measure
from tests.support.pages import course_module_pages, serve


def test_every_course_page_is_within_the_budget(chromium, site_server, shipped_site):
    pages = course_module_pages(shipped_site)
    assert pages, "the build has no course module page"
    over = {}
    for path in pages:
        weight = measure(chromium, site_server, path)
        assert len(weight.files) > 1, f"{path}: measured no JS or CSS at all"
        if weight.gzip > COURSE_PAGE_BUDGET_GZIP:
            over[path] = f"{weight.gzip / 1024:.1f} KB gzip: " + ", ".join(
                f"{name} {packed / 1024:.1f}" for name, (_, packed) in sorted(weight.files.items()))
    assert not over, f"over the {COURSE_PAGE_BUDGET_GZIP // 1024} KB budget: {over}"


def test_measure_counts_what_the_page_loads_including_added_scripts(chromium, tmp_path):
    """A page whose scripts add a stylesheet: both count, and random bytes exceed the budget."""
    (tmp_path / "big.js").write_bytes(b"/*" + os.urandom(80 * 1024).hex().encode() + b"*/")
    (tmp_path / "late.css").write_text("body { color: #111; }\n" * 50, encoding="utf-8")
    (tmp_path / "adds.js").write_text(
        'const l = document.createElement("link"); l.rel = "stylesheet"; l.href = "late.css";'
        " document.head.append(l);", encoding="utf-8")
    (tmp_path / "page.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title><script src="big.js"></script>'
        '<script src="adds.js"></script></head><body><p>x</p></body></html>', encoding="utf-8")
    with serve(tmp_path) as base_url:
        weight = measure(chromium, base_url, "page.html")
    assert set(weight.files) == {"/page.html", "/big.js", "/adds.js", "/late.css"}
    assert weight.files["/late.css"][0] == len("body { color: #111; }\n" * 50)
    assert weight.files["/late.css"][1] < weight.files["/late.css"][0]  # it compresses
    assert weight.gzip > COURSE_PAGE_BUDGET_GZIP  # hex of random bytes packs only ~2:1


def test_the_purge_keeps_what_a_page_or_script_can_use():
    css = (".used{color:red}.unused{color:blue}.used .unused,.used>p{margin:0}"
           "p:not(.unused){padding:0}.isdp-quiz-correct{color:green}"
           "@media (max-width:40em){.unused{top:0}.used{top:1px}}@font-face{font-family:x}")
    purged = purge_css(css, frozenset({"used"}), prefixes=("isdp-quiz-",))
    assert ".used{color:red}" in purged
    assert ".unused{color:blue}" not in purged
    assert ".used>p{margin:0}" in purged and ".used .unused" not in purged  # one selector of two
    assert "p:not(.unused)" in purged  # matches more, not less, when .unused is absent
    assert ".isdp-quiz-correct" in purged  # a script builds the name from its prefix
    assert "@media (max-width:40em){.used{top:1px}}" in purged
    assert "@font-face" in purged


def test_the_shipped_site_loads_minified_files(shipped_site):
    static = shipped_site / "_static"
    for name in ("styles/furo.css", "isdp.css", "isdp-checklist.js", "isdp/quiz.js"):
        text = (static / name).read_text(encoding="utf-8")
        assert "\n  " not in text and "/* " not in text, f"{name} is not minified"
    # quiz.js is written with template literals ("${passed} of ${modules.length} modules passed")
    assert re.search(r"\$\{\w+\} of \$\{", (static / "isdp/quiz.js").read_text(encoding="utf-8"))
    assert len((static / "sphinx-design.min.css").read_bytes()) < 20_000, "unused sphinx-design rules kept"


def test_a_script_with_template_literals_is_minified_with_its_text_intact(tmp_path):
    """rjsmin, used before, made "1 of 6 modules passed" "1of 6modules passed": node runs the result."""
    static = tmp_path / "_static"
    static.mkdir()
    module = ("/*! licence */\nexport const line = (passed, total) =>\n"
              "  `${passed} of ${total} modules passed`;  // the spaces inside are text\n")
    (static / "module.js").write_text(module, encoding="utf-8")
    (static / "classic.js").write_text("var  answer  =  42;  // a comment\n", encoding="utf-8")
    (static / "style.css").write_text("/* a comment */\np  {  margin : 0px ;  }\n", encoding="utf-8")
    minify_static(tmp_path)
    served = (static / "module.js").read_text(encoding="utf-8")
    assert served.startswith("/*! licence */") and "the spaces" not in served and "\n" not in served
    (static / "module.mjs").write_text(served, encoding="utf-8")  # .mjs: node runs it as a module
    run = subprocess.run(["node", "--input-type=module", "-e",
                          f"import {{ line }} from {json.dumps((static / 'module.mjs').as_uri())};"
                          " console.log(line(1, 6));"], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "1 of 6 modules passed"
    assert (static / "classic.js").read_text(encoding="utf-8") == "var answer=42"
    assert (static / "style.css").read_text(encoding="utf-8") == "p{margin:0}"


def test_a_script_the_minifier_cannot_parse_is_published_as_written(tmp_path):
    """A theme's script the minifier cannot read (Sphinx 8's language_data.js once rendered as
    this with its search off) is published as its authors wrote it, and the build goes on."""
    static = tmp_path / "_static"
    static.mkdir()
    (static / "language_data.js").write_text("var stopwords = ;\n", encoding="utf-8")
    minify_static(tmp_path)
    assert (static / "language_data.js").read_text(encoding="utf-8") == "var stopwords = ;\n"


def test_a_page_links_only_the_stylesheets_it_uses(shipped_site):
    """Each stylesheet in the head holds back the first paint on a slow connection: those of
    sphinx-design, the policies and the guidance are linked only where their classes are."""
    def stylesheets(page: str) -> set[str]:
        html = (shipped_site / page).read_text(encoding="utf-8")
        return {name for name in ("sphinx-design.min.css", "isdp-policies.css", "isdp-guidance.css")
                if f'_static/{name}?v=' in html}

    assert stylesheets("content/index.html") == {"sphinx-design.min.css"}  # its cards
    assert stylesheets("content/policies/acceptable-use.html") == {"isdp-policies.css"}  # parameters
    assert stylesheets("guidance/to-become/insured.html") == set()
    checklists = [page for page in (shipped_site / "guidance").rglob("*.html")
                  if 'class="isdp-checklist' in page.read_text(encoding="utf-8")]
    assert checklists, "no guidance page with a checklist"
    assert all("isdp-guidance.css" in stylesheets(str(page.relative_to(shipped_site))) for page in checklists)
