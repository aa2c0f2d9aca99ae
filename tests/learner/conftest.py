"""Fixtures for the learner-experience tests: the compliance tests' store helpers."""

from __future__ import annotations

from ..reports.conftest import conn  # noqa: F401  (a fixture: a fresh statement store)
