"""Notebook modules: a .ipynb read with nbformat gives the same page as the .md it mirrors."""

from __future__ import annotations

import json

import nbformat
from bs4 import BeautifulSoup

from build_tools.courses.notebook import check_notebook, markdown_to_notebook, notebook_to_myst
from tests.support.answers import feedback_of, opened

from .conftest import QUESTION, module

SCENARIO = """\
:::::{scenario} A call at the front desk
Someone phones the office and says they are from IT.

::::{quiz} demo-02
:kind: true-false

IT staff may ask for your password.

:::{choice} True
No: they never need it.
:::

:::{choice} False
:correct:
Right: nobody needs your password.
:::

:::{explanation}
Keep your password to yourself.
:::
::::
:::::
"""

MULTIPLE = (
    QUESTION.replace("demo-01", "demo-03")
    .replace(":kind: single", ":kind: multiple\n:select: 2")
    .replace(":::{choice} That one.\n", ":::{choice} That one.\n:correct:\n")
)

MODULE = module(
    QUESTION + "\n## A second section\n\nMore *teaching* text.\n\n" + SCENARIO + "\n" + MULTIPLE
)


def article(outdir) -> str:
    page = outdir / "courses/demo/first.html"
    html = page.read_text(encoding="utf-8")
    return opened(str(BeautifulSoup(html, "html.parser").find("article")), feedback_of(page))  # salts differ per build


def test_markdown_and_notebook_modules_give_the_same_page(course_site, build_site, tmp_path):
    notebook = markdown_to_notebook(MODULE)
    kinds = [(cell.cell_type, "isdp" in cell.metadata) for cell in notebook.cells]
    # both notebook routes are exercised: quiz cells marked in metadata, and a quiz block
    # (inside the scenario) written in an ordinary Markdown cell
    assert ("markdown", True) in kinds and ("raw", False) in kinds
    assert any("{quiz}" in cell.source for cell in notebook.cells if "isdp" not in cell.metadata)

    markdown_site = course_site({"first.md": MODULE})
    markdown_result = build_site(markdown_site)
    assert markdown_result.ok, markdown_result.warnings
    markdown_page = article(markdown_result.outdir)

    (markdown_site / "courses/demo/first.md").unlink()
    nbformat.write(notebook, markdown_site / "courses/demo/first.ipynb")
    notebook_result = build_site(markdown_site)
    assert notebook_result.ok, notebook_result.warnings
    notebook_page = article(notebook_result.outdir)

    assert markdown_page.count('data-isdp-quiz=""') == 3
    assert notebook_page == markdown_page


def test_notebook_errors_name_the_line_of_the_ipynb_file(tmp_path):
    notebook = markdown_to_notebook(module(QUESTION.replace(":correct:\n", "")))
    notebook.cells.append(nbformat.v4.new_code_cell("print('hi')"))
    path = tmp_path / "first.ipynb"
    nbformat.write(notebook, path)
    errors = check_notebook(path)[1]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(errors) == 1 and "is a code cell" in errors[0].message
    assert lines[errors[0].line - 1].strip() == "{"  # the cell's opening brace

    notebook.cells.pop()
    nbformat.write(notebook, path)
    from build_tools.courses.check import check_module

    _, errors = check_module(path)
    assert [e.message for e in errors] == [
        "question 'demo-01' has no correct answer: mark one choice with :correct:"
    ]
    # the quiz opener is generated from the cell's metadata, just above its source lines
    first_source = next(i for i, line in enumerate(lines) if '"Which answer is right?' in line) + 1
    assert first_source - 4 <= errors[0].line < first_source


def test_source_lines_keep_their_json_line_numbers(tmp_path):
    text = nbformat.writes(markdown_to_notebook(MODULE))
    converted = notebook_to_myst(text, "first.ipynb")
    json_lines, myst_lines = text.splitlines(), converted.text.splitlines()
    for number, line in enumerate(myst_lines, start=1):
        if (
            line.strip()
            and number not in converted.linemap
            and not line.startswith(("::::{quiz}", ":kind:", ":select:"))
        ):
            if line.strip() != "::::":
                assert json.loads(json_lines[number - 1].strip().rstrip(",")).rstrip("\n") == line


def test_isdp_courses_notebook_converts_a_module_that_builds_the_same(course_site, build_site):
    from click.testing import CliRunner

    from build_tools.cli import main

    src = course_site({"first.md": MODULE})
    module_path = src / "courses/demo/first.md"
    result = CliRunner().invoke(main, ["courses", "notebook", str(module_path)])
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(main, ["courses", "notebook", str(module_path)])
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert not list(src.rglob("*.tmp"))
    notebook = nbformat.read(src / "courses/demo/first.ipynb", as_version=4)
    assert notebook.cells[0].cell_type == "raw" and notebook.cells[0].source.startswith("---")

    broken = src / "courses/demo/broken.md"
    broken.write_text(module(QUESTION.replace(":correct:\n", "")), encoding="utf-8")
    refused = CliRunner().invoke(main, ["courses", "notebook", str(broken)])
    assert refused.exit_code == 1 and "has no correct answer" in refused.stderr
    assert not (src / "courses/demo/broken.ipynb").exists()
