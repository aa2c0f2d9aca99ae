"""The `isdp` command line as a newcomer meets it: help, typos, the wrong folder, every
option explained, `isdp check` meaning the build will pass, and plain output in logs."""

from __future__ import annotations

import json
import re

import click
from click.testing import CliRunner

from build_tools.cli import main
from tests.conftest import REPO, page_text


def run(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kwargs)


def test_isdp_alone_prints_help_and_succeeds():
    result = run()
    assert result.exit_code == 0
    assert "Commands:" in result.output and "build" in result.output


def test_a_mistyped_command_gets_a_suggestion():
    result = run("biuld")
    assert result.exit_code == 2
    assert "Did you mean 'build'?" in result.output


def test_outside_a_site_commands_say_how_to_point_at_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 2
    assert "not an ISDP site" in result.output and "--src DIR" in result.output


def _commands(group: click.Group, ctx: click.Context, prefix: str = ""):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, ctx, f"{prefix}{name} ")


def test_every_option_of_every_command_is_explained():
    ctx = click.Context(main)
    unexplained = [f"isdp {path} {param.opts[0]}"
                   for path, command in _commands(main, ctx)
                   for param in command.params
                   if isinstance(param, click.Option) and not param.help]
    assert not unexplained, unexplained


def test_short_help_is_not_cut_mid_sentence():
    ctx = click.Context(main)
    for path, command in _commands(main, ctx):
        short = command.get_short_help_str(limit=45)
        assert short.endswith((".", ")")) or not short.endswith("..."), (path, short)
        assert "e.g" not in short, (path, short)  # "e.g." ends click's first sentence early


def test_check_fails_where_the_build_would(make_site):
    orphan = page_text("Orphan", "See {term}`Nonexistent term` and [the guide](missing-page.md).")
    src = make_site({"content/index.md": page_text("Home"), "content/orphan.md": orphan})
    result = run("check", "--src", str(src))
    assert result.exit_code == 1
    assert "isn't included in any toctree" in result.output
    assert "term not in glossary: 'Nonexistent term'" in result.output
    assert "missing-page.md" in result.output


def test_check_of_a_good_site_says_the_build_will_pass(make_site):
    result = run("check", "--src", str(make_site({"content/index.md": page_text("Home")})))
    assert result.exit_code == 0, result.output
    assert "the build will pass" in result.output


def test_a_failed_build_does_not_say_it_succeeded_and_logs_have_no_colour(make_site, tmp_path):
    src = make_site({"content/index.md": page_text("Home", "{term}`Nonexistent term`")})
    result = run("build", "--src", str(src), "--out", str(tmp_path / "html"), env={"NO_COLOR": "1"})
    assert result.exit_code == 1
    assert "build succeeded" not in result.output
    assert "build failed" in result.output
    assert not re.search(r"\x1b\[", result.output)


def test_courses_list_fails_when_it_finds_no_course(make_site):
    result = run("courses", "list", "--src", str(make_site({"content/index.md": page_text("Home")})))
    assert result.exit_code == 1
    assert "no course found" in result.output


def test_lrs_login_prints_its_password_once_and_stores_only_a_hash(tmp_path):
    result = run("lrs", "login", "--lrs-dir", str(tmp_path), "isdp-reports", "--scope", "all/read")
    assert result.exit_code == 0, result.output
    password = result.output.split("password (shown once): ")[1].strip()
    stored = json.loads((tmp_path / "auth.json").read_text())
    assert [user["username"] for user in stored] == ["isdp-reports"]
    assert stored[0]["scopes"] == ["all/read"] and password not in json.dumps(stored)
    again = run("lrs", "login", "--lrs-dir", str(tmp_path), "isdp-reports", "--scope", "all/read")
    assert again.exit_code == 1 and "already exists" in again.output


def test_lrs_login_refuses_an_unknown_scope(tmp_path):
    result = run("lrs", "login", "--lrs-dir", str(tmp_path), "lms", "--scope", "everything")
    assert result.exit_code == 2 and "'everything' is not one of" in result.output
    assert not (tmp_path / "auth.json").exists()


def test_readme_names_the_commands_that_exist():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("isdp build", "isdp check", "isdp lrs login", "isdp lrs sync"):
        assert f"`{command}" in readme, command


def test_a_tab_in_course_yaml_is_reported_first_and_alone(make_site, tmp_path):
    src = make_site(copy_content=True)
    course = src / "courses/ferpa/course.yaml"
    course.write_text(course.read_text(encoding="utf-8").replace("\n  - rights\n", "\n\t- rights\n"),
                      encoding="utf-8")
    result = run("build", "--src", str(src), "--out", str(tmp_path / "html"), "-q")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("courses/ferpa/course.yaml:") and "tab" in lines[0], lines[:3]
    assert "follow from the course.yaml error above" in lines[1]
    assert "belongs in a course module" not in result.output


def test_a_front_matter_mistake_is_reported_once(make_site, tmp_path):
    broken = '---\ndescription: "An unclosed quote in front matter\n---\n\n# Home\n'
    src = make_site({"content/index.md": broken})
    result = run("build", "--src", str(src), "--out", str(tmp_path / "html"), "-q")
    assert result.exit_code == 1
    assert result.output.count("content/index.md:") == 1, result.output
    assert "Malformed YAML" not in result.output


def test_a_module_as_both_md_and_ipynb_is_named_without_sphinx_internals(make_site, capfd):
    src = make_site(copy_content=True)
    (src / "courses/ferpa/rights.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, '
                                                    '"nbformat_minor": 5}', encoding="utf-8")
    result = run("check", "--src", str(src))
    captured = capfd.readouterr()
    assert result.exit_code == 1
    assert "'rights' exists both as .md and .ipynb" in result.output
    assert "_StrPath" not in result.output + captured.out + captured.err


def test_every_command_takes_quiet_and_verbose():
    ctx = click.Context(main)
    missing = [f"isdp {path}" for path, command in _commands(main, ctx)
               if not {"--quiet", "--verbose"} <= {opt for p in command.params for opt in p.opts}]
    assert not missing, missing


def test_quiet_build_prints_only_its_result_and_verbose_check_shows_progress(make_site):
    src = make_site({"content/index.md": page_text("Home")})
    quiet = run("build", "--src", str(src), "--out", str(src / "out"), "-q")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output.strip().splitlines() == [f"isdp: built {src / 'out'}"]
    plain = run("check", "--src", str(src))
    verbose = run("check", "--src", str(src), "-v")
    assert "reading sources" not in plain.output
    assert "reading sources" in verbose.output and verbose.exit_code == 0


def test_a_build_names_where_the_site_is_not_the_folder_it_was_built_in(make_site, monkeypatch):
    """Sphinx builds into the temporary folder the swap then removes (core/atomic.py); its
    progress names the output folder instead ("The HTML pages are in ...", relative to the
    current folder as Sphinx writes it, and absolute in its other lines)."""
    src = make_site({"content/index.md": page_text("Home")})
    monkeypatch.chdir(src)
    result = run("build", "--src", ".", "--out", "_build/html", env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "writing output" in result.output  # the progress is shown
    assert ".tmp-" not in result.output
    assert "The HTML pages are in _build/html." in result.output
    assert result.output.strip().splitlines()[-1] == f"isdp: built {src / '_build' / 'html'}"


def test_a_bad_option_value_is_refused_by_click_naming_the_option(tmp_path):
    bad_url = run("lrs", "login", "isdp-reports", "--scope", "statements/read",
                  "--home-page", "ftp://mdek12.org", "--lrs-dir", str(tmp_path))
    assert bad_url.exit_code == 2
    assert "Invalid value for '--home-page'" in bad_url.output and "not an http(s) URL" in bad_url.output
    bad_agent = run("report", "training", "--roster", str(tmp_path / "r.csv"), "--cycle", "2026-2027",
                    "--out", str(tmp_path / "out"), "--trusted-authority", "lms-login", "--src", str(REPO))
    assert bad_agent.exit_code == 2
    assert "Invalid value for '--trusted-authority'" in bad_agent.output
