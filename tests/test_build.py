"""`isdp build` and `isdp check` on small sites: strict warnings, clear errors, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import page_text

GLOSSARY = """---
description: The glossary of a test site, with two of the rule's terms.
---

# Glossary

```{glossary}
Incident
  An occurrence that jeopardises a system.

Risk
  A measure of threat.
```
"""

INDEX_WITH_TOC = page_text("Home", "See {term}`Incident`.\n\n```{toctree}\nglossary\n```\n")


def isdp(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "build_tools", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_term_reference_links_to_the_glossary_anchor(make_site, build_site):
    src = make_site({"content/index.md": INDEX_WITH_TOC, "content/glossary.md": GLOSSARY})
    result = build_site(src)
    assert result.ok, result.warnings
    html = (result.outdir / "content" / "index.html").read_text()
    assert 'href="glossary.html#term-Incident"' in html


def test_misspelt_term_fails_the_build_with_path_and_line(make_site, tmp_path):
    index = page_text("Home", "A line.\n\nSee {term}`Incidnet`.\n\n```{toctree}\nglossary\n```\n")
    src = make_site({"content/index.md": index, "content/glossary.md": GLOSSARY})
    run = isdp("build", "--out", str(tmp_path / "out"), "-q", cwd=src)
    assert run.returncode == 1
    assert "content/index.md:9: WARNING: term not in glossary: 'Incidnet'" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_every_warning_is_listed_and_a_second_build_still_fails(make_site, tmp_path):
    index = page_text("Home", "{term}`Nope`\n\n{doc}`missing-page`\n\n```{toctree}\nglossary\n```\n")
    src = make_site({"content/index.md": index, "content/glossary.md": GLOSSARY})
    for _ in range(2):  # the cached environment must not hide the warnings the second time
        run = isdp("build", "--out", str(tmp_path / "out"), "-q", cwd=src)
        assert run.returncode == 1
        assert "term not in glossary: 'Nope'" in run.stderr
        assert "unknown document: 'missing-page'" in run.stderr
        assert "isdp: build failed: 2 problem(s)" in run.stderr


def test_bad_front_matter_is_reported_by_check_and_build(make_site, tmp_path):
    bad = "---\ndescription: A page with a typo in its front matter keys.\ntitel: Oops\n---\n\n# Page\n"
    src = make_site({"content/index.md": page_text("Home", "```{toctree}\npage\n```"),
                     "content/page.md": bad})
    check = isdp("check", cwd=src)
    assert check.returncode == 1
    assert "content/page.md:3: front matter: unknown key 'titel'" in check.stderr
    build = isdp("build", "--out", str(tmp_path / "out"), "-q", cwd=src)
    assert build.returncode == 1
    assert "content/page.md:3: WARNING: front matter: unknown key 'titel' [isdp.front_matter]" in build.stderr
    assert "Traceback" not in check.stderr + build.stderr


def test_missing_description_and_invalid_front_matter_yaml(make_site):
    src = make_site({
        "content/index.md": page_text("Home", "```{toctree}\na\nb\nc\n```"),
        "content/a.md": "---\ntitle: No description here\n---\n\n# A\n",
        "content/b.md": "---\ndescription: [unclosed\n---\n\n# B\n",
        "content/c.md": "# C has no front matter\n",
    })
    run = isdp("check", cwd=src)
    assert run.returncode == 1
    assert "content/a.md:2: front matter: missing required key 'description'" in run.stderr
    assert "content/b.md:3: invalid YAML" in run.stderr
    assert "content/c.md:1: front matter is missing" in run.stderr


def test_check_passes_on_a_valid_site(make_site):
    src = make_site({"content/index.md": page_text("Home")})
    run = isdp("check", cwd=src)
    assert run.returncode == 0, run.stderr
    assert "all content is valid" in run.stdout


def test_built_pages_carry_their_description_and_root_points_home(make_site, build_site):
    src = make_site({"content/index.md": page_text("Home", description="The home page of a test site.")})
    result = build_site(src)
    assert result.ok, result.warnings
    home = (result.outdir / "content" / "index.html").read_text()
    assert '<meta name="description" content="The home page of a test site." />' in home
    root = (result.outdir / "index.html").read_text()
    assert 'url=content/index.html' in root and '<html lang="en">' in root


def test_site_settings_reach_pages_through_substitutions(make_site, build_site):
    src = make_site({"content/index.md": page_text("Home", "Notify within {{ notify_hours }} hours.")})
    result = build_site(src)
    assert result.ok, result.warnings
    assert "Notify within 24 hours." in (result.outdir / "content" / "index.html").read_text()


def test_every_command_has_help():
    for command in ([], ["build"], ["check"], ["serve"]):
        run = subprocess.run([sys.executable, "-m", "build_tools", *command, "--help"],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0 and "Usage:" in run.stdout, command
