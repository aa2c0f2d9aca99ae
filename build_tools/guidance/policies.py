"""The 22 LEA policies of the proposed Rule 55.1, named as in the seed list.

Checklists refer to a policy by its id, the slug of its title; the policy page, when the
policy templates are built, is ``content/policies/<id>``. Only pages that exist are linked.
"""

from __future__ import annotations

import re

POLICY_TITLES = [
    "Access, Account Management, and Password Policy",
    "Annual State of Security, Privacy and Data Governance Report for the State Superintendent of Public Education",
    "Best Practices Guidelines",
    "Data Classification Framework",
    "Data Collection, Quality and Matching Standards and Procedures",
    "Data Destruction Policy",
    "Data Dictionary and Standards",
    "Data Sharing and Public Request Procedure",
    "Disaster Recovery and Continuity Policy",
    "Email and Electronic Communications Policy",
    "Incident Response Policy",
    "Information Technology Security Policy",
    "LEA Security and Privacy Notification Procedures",
    "Mandatory Annual Training Program, including Security Awareness and FERPA Training",
    "Safe, Appropriate, and Acceptable Use Policy",
    "Security and Privacy Processes and Procedures",
    "Security and Privacy Violation Reporting Procedure",
    "Security Assessment and Compliance Policy",
    "Separation of Duties Standards",
    "Student and Parent's Rights",
    "Systems Capacity Planning Policy",
    "Vendor and Third-Party Control Policy",
]


def slug(title: str) -> str:
    """``"Student and Parent's Rights"`` -> ``student-and-parents-rights``."""
    text = title.lower().replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


POLICIES: dict[str, str] = {slug(title): title for title in POLICY_TITLES}
POLICY_DOC = "content/policies/{}"
