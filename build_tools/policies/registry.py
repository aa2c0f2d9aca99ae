"""The 22 LEA policies: the one list, keyed by template id.

The list comes from the 2020 *proposed* revision of Rule 55.1 (the adopted rule, section
6(d), only encourages districts to adopt policies); MDE offers a template for each. The id
is the template's file name (``templates/policies/<id>.md.j2``), its site page
(``content/policies/<id>``) and what checklists name in ``policy:``.
"""

from __future__ import annotations

REQUIRED_POLICIES: dict[str, str] = {
    "access-account-password": "Access, Account Management, and Password Policy",
    "annual-state-of-security-report": "Annual State of Security, Privacy and Data Governance "
    "Report for the State Superintendent of Public Education",
    "best-practices-guidelines": "Best Practices Guidelines",
    "data-classification": "Data Classification Framework",
    "data-collection-quality-matching": "Data Collection, Quality and Matching Standards "
    "and Procedures",
    "data-destruction": "Data Destruction Policy",
    "data-dictionary-standards": "Data Dictionary and Standards",
    "data-sharing-public-request": "Data Sharing and Public Request Procedure",
    "disaster-recovery-continuity": "Disaster Recovery and Continuity Policy",
    "email-electronic-communications": "Email and Electronic Communications Policy",
    "incident-response": "Incident Response Policy",
    "it-security": "Information Technology Security Policy",
    "security-privacy-notification": "LEA Security and Privacy Notification Procedures",
    "annual-training": "Mandatory Annual Training Program, including Security Awareness "
    "and FERPA Training",
    "acceptable-use": "Safe, Appropriate, and Acceptable Use Policy",
    "security-privacy-processes": "Security and Privacy Processes and Procedures",
    "violation-reporting": "Security and Privacy Violation Reporting Procedure",
    "security-assessment-compliance": "Security Assessment and Compliance Policy",
    "separation-of-duties": "Separation of Duties Standards",
    "student-parent-rights": "Student and Parent\u2019s Rights",
    "systems-capacity-planning": "Systems Capacity Planning Policy",
    "vendor-third-party-control": "Vendor and Third-Party Control Policy",
}

POLICY_DOC = "content/policies/{}"
