"""The roster CSV: every problem reported as FILE:LINE: message, all at once."""

from __future__ import annotations

import pytest

from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.roster import load_roster

from .conftest import write_roster


def errors_of(path):
    with pytest.raises((ContentError, ContentErrors)) as info:
        load_roster(path)
    exc = info.value
    return [str(e) for e in (exc.errors if isinstance(exc, ContentErrors) else [exc])]


def test_a_good_roster(tmp_path):
    path = write_roster(
        tmp_path / "r.csv", ["E1,Ann Lee,ann@jackson.k12.ms.us,2500,Jackson,Teacher; Coach", ""]
    )
    [employee] = load_roster(path)
    assert employee.roles == {"teacher", "coach"} and employee.line == 2


def test_every_bad_line_is_named(tmp_path):
    path = write_roster(
        tmp_path / "r.csv",
        [
            "E1,Ann Lee,ann@jackson.k12.ms.us,2500,Jackson,teacher",
            "E2,Bob Ray,bob-at-jackson,2500,Jackson,teacher",
            "E1,Ann Again,ann2@jackson.k12.ms.us,2500,Jackson,teacher",
            "E4,,dan@jackson.k12.ms.us,,Jackson,teacher",
            "E5,Eve,eve@x.org,2500,Jackson,teacher,extra",
        ],
    )
    assert errors_of(path) == [
        f"{path}:3: 'bob-at-jackson' is not an email address",
        f"{path}:4: duplicate employee_id 'E1' (first on line 2)",
        f"{path}:5: empty field(s): name, lea_code",
        f"{path}:6: more fields than the 6 columns of the header",
    ]


def test_missing_columns(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("employee_id,name,email\nE1,Ann,ann@x.org\n")
    assert errors_of(path) == [
        f"{path}:1: roster is missing column(s) lea_code, lea_name, role "
        "(required: employee_id, name, email, lea_code, lea_name, role)"
    ]


def test_missing_and_empty_files(tmp_path):
    assert errors_of(tmp_path / "none.csv") == [f"{tmp_path / 'none.csv'}: roster file not found"]
    assert "lists no employees" in errors_of(write_roster(tmp_path / "e.csv", []))[0]


def test_quoted_fields_with_newlines_keep_line_numbers(tmp_path):
    path = write_roster(
        tmp_path / "r.csv",
        [
            'E1,"Lee,\nAnn",ann@x.org,2500,Jackson,teacher',
            "E2,Bob,bad,2500,Jackson,teacher",
        ],
    )
    assert errors_of(path) == [f"{path}:4: 'bad' is not an email address"]
