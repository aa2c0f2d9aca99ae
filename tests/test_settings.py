"""site.yaml is declared once (build_tools/core/settings.py) and every error names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.settings import load_settings

from .conftest import REPO


def _site_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (REPO / "site.yaml").read_text()
    assert old in text
    (tmp_path / "site.yaml").write_text(text.replace(old, new, 1))
    return tmp_path


def _messages(tmp_path: Path) -> list[str]:
    with pytest.raises((ContentError, ContentErrors)) as info:
        load_settings(tmp_path)
    errors = info.value.errors if isinstance(info.value, ContentErrors) else [info.value]
    return [f"{Path(e.path).name}:{e.line}: {e.message}" for e in errors]


def _line_of(tmp_path: Path, needle: str) -> int:
    lines = (tmp_path / "site.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_the_shipped_settings_are_valid():
    settings = load_settings(REPO)
    assert settings.base_iri == "https://www.mdek12.org/isdp/xapi"
    assert settings.incident.notify_within_hours == 24


def test_wrong_type_is_reported_at_its_line(tmp_path):
    _site_with(tmp_path, "cycle_start_month: 7", "cycle_start_month: July")
    line = _line_of(tmp_path, "cycle_start_month: July")
    assert _messages(tmp_path) == [
        f"site.yaml:{line}: 'training.cycle_start_month': Input should be a valid integer,"
        " unable to parse string as an integer"
    ]


def test_unknown_key_is_reported_at_its_line(tmp_path):
    _site_with(tmp_path, "  short_name: MDE", "  short_name: MDE\n  shortname: MDE")
    line = _line_of(tmp_path, "shortname:")
    assert _messages(tmp_path) == [f"site.yaml:{line}: unknown key 'shortname' in 'agency'"]


def test_a_notice_period_longer_than_the_rule_is_refused(tmp_path):
    _site_with(tmp_path, "notify_within_hours: 24", "notify_within_hours: 72")
    line = _line_of(tmp_path, "notify_within_hours: 72")
    [message] = _messages(tmp_path)
    assert message.startswith(
        f"site.yaml:{line}: 'incident.notify_within_hours': Input should be less than or equal to 24")


def test_missing_section_and_bad_email(tmp_path):
    text = (REPO / "site.yaml").read_text()
    text = text.replace("    email: otss-cio@mdek12.org", "    email: not-an-email")
    text = text.split("incident:")[0]  # drop the incident section
    (tmp_path / "site.yaml").write_text(text)
    messages = _messages(tmp_path)
    assert any("'contacts.cio.email': value is not a valid email address" in m for m in messages)
    assert f"site.yaml:{_line_of(tmp_path, 'agency:')}: missing required key 'incident'" in messages


def test_invalid_yaml_names_the_line(tmp_path):
    (tmp_path / "site.yaml").write_text("agency:\n  name: [MDE\nsite_url: x\n")
    [message] = _messages(tmp_path)
    assert message.startswith("site.yaml:3: invalid YAML")


def test_missing_file(tmp_path):
    assert _messages(tmp_path) == ["site.yaml:None: file not found"]
