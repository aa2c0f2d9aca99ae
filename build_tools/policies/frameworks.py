"""Reference data for the policy crosswalk: the one place that lists valid framework ids.

Every id a policy template names (CSF 2.0 category, SP 800-171 Rev. 3 family, FIPS 200 area,
Privacy Framework function) is checked against these tables, and the crosswalk pages are
drawn from them. Sources: /work/shared/FACTS.md, i.e. NIST CSF 2.0 (Feb 2024), NIST SP
800-171 Rev. 3 (May 2024), FIPS 200 (2006), NIST Privacy Framework 1.0 (2020).
"""

from __future__ import annotations

# NIST Cybersecurity Framework 2.0: function -> {category id: name}
CSF_FUNCTIONS: dict[str, dict[str, str]] = {
    "Govern": {
        "GV.OC": "Organizational Context",
        "GV.RM": "Risk Management Strategy",
        "GV.RR": "Roles, Responsibilities, and Authorities",
        "GV.PO": "Policy",
        "GV.OV": "Oversight",
        "GV.SC": "Cybersecurity Supply Chain Risk Management",
    },
    "Identify": {
        "ID.AM": "Asset Management",
        "ID.RA": "Risk Assessment",
        "ID.IM": "Improvement",
    },
    "Protect": {
        "PR.AA": "Identity Management, Authentication, and Access Control",
        "PR.AT": "Awareness and Training",
        "PR.DS": "Data Security",
        "PR.PS": "Platform Security",
        "PR.IR": "Technology Infrastructure Resilience",
    },
    "Detect": {
        "DE.CM": "Continuous Monitoring",
        "DE.AE": "Adverse Event Analysis",
    },
    "Respond": {
        "RS.MA": "Incident Management",
        "RS.AN": "Incident Analysis",
        "RS.CO": "Incident Response Reporting and Communication",
        "RS.MI": "Incident Mitigation",
    },
    "Recover": {
        "RC.RP": "Incident Recovery Plan Execution",
        "RC.CO": "Incident Recovery Communication",
    },
}
CSF_CATEGORIES: dict[str, str] = {
    cid: name for cats in CSF_FUNCTIONS.values() for cid, name in cats.items()
}
CSF_FUNCTION_OF: dict[str, str] = {cid: fn for fn, cats in CSF_FUNCTIONS.items() for cid in cats}

# NIST SP 800-171 Rev. 3: family id -> name
SP800_171_FAMILIES: dict[str, str] = {
    "03.01": "Access Control",
    "03.02": "Awareness and Training",
    "03.03": "Audit and Accountability",
    "03.04": "Configuration Management",
    "03.05": "Identification and Authentication",
    "03.06": "Incident Response",
    "03.07": "Maintenance",
    "03.08": "Media Protection",
    "03.09": "Personnel Security",
    "03.10": "Physical Protection",
    "03.11": "Risk Assessment",
    "03.12": "Security Assessment and Monitoring",
    "03.13": "System and Communications Protection",
    "03.14": "System and Information Integrity",
    "03.15": "Planning",
    "03.16": "System and Services Acquisition",
    "03.17": "Supply Chain Risk Management",
}

# FIPS 200: minimum security requirement area -> name
FIPS200_AREAS: dict[str, str] = {
    "AC": "Access Control",
    "AT": "Awareness and Training",
    "AU": "Audit and Accountability",
    "CA": "Certification, Accreditation, and Security Assessments",
    "CM": "Configuration Management",
    "CP": "Contingency Planning",
    "IA": "Identification and Authentication",
    "IR": "Incident Response",
    "MA": "Maintenance",
    "MP": "Media Protection",
    "PE": "Physical and Environmental Protection",
    "PL": "Planning",
    "PS": "Personnel Security",
    "RA": "Risk Assessment",
    "SA": "System and Services Acquisition",
    "SC": "System and Communications Protection",
    "SI": "System and Information Integrity",
}

# NIST Privacy Framework 1.0: the five functions
PRIVACY_FUNCTIONS: dict[str, str] = {
    "Identify-P": "Identify-P",
    "Govern-P": "Govern-P",
    "Control-P": "Control-P",
    "Communicate-P": "Communicate-P",
    "Protect-P": "Protect-P",
}

# The 22 policies the proposed rule requires of every LEA (seed:
# proposed-rule-lea-requirements.txt), in the seed's order: template id -> exact title.

# District roles a template may name as owner or approver (the district file names the
# people holding the first four).
DISTRICT_ROLES: tuple[str, ...] = (
    "School Board",
    "Superintendent",
    "Technology Coordinator",
    "Security Contact",
    "Data Governance Lead",
    "Human Resources Director",
    "Business Manager",
    "Public Records Officer",
    "Federal Programs Director",
    "Principal",
)

# Rule 55.1 section 6(b): policies are reviewed at least every two years.
REVIEW_CYCLE_MONTHS = 24
