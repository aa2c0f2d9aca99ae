"""WCAG 2.1 AA on every built page: axe-core's WCAG 2.0/2.1 A and AA rules, zero violations.

The ADA Title II web rule requires WCAG 2.1 AA of a state agency's site by April 2027. Each
page is checked in furo's light and dark colour schemes (a learner's system setting picks
one), so colour contrast is proven for both.
"""

from __future__ import annotations

import pytest

from .browser_audit import SCHEMES, report

# Narrow, justified exceptions: (rule id, CSS target as axe reports it) -> why. Empty: every
# violation found so far was fixed at its source.
AXE_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _violations(audit, scheme: str) -> list[str]:
    problems = []
    for violation in audit.axe[scheme]:
        targets = [t for t in violation["targets"] if (violation["id"], t) not in AXE_EXCEPTIONS]
        if targets:
            shown = ", ".join(targets[:4]) + (f" and {len(targets) - 4} more" if len(targets) > 4 else "")
            problems.append(f"{violation['id']} ({violation['impact']}): {violation['help']}: {shown}")
    return problems


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_has_no_axe_wcag_violations(audits, scheme):
    failures = {path: found for path, audit in audits.items() if (found := _violations(audit, scheme))}
    assert not failures, f"axe-core WCAG 2.1 A/AA violations ({scheme} scheme):\n{report(failures)}"


def test_every_built_page_was_audited(audits, site_pages):
    assert set(site_pages) <= set(audits)
    assert all(set(audit.axe) == set(SCHEMES) for audit in audits.values())
