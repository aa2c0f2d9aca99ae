"""Verification codes of certificates of completion: the ISO looks a printed code up in the
training report (compliance.csv, the report page) to confirm the course really counts.

The code is derived, never stored: the certificate page in the learner's browser and the
report compute it from the same facts, so nothing secret or new travels anywhere:

    SHA-256 of "isdp-certificate-v1|<learner>|<course id>|<cycle>|<registration>"
    -> RFC 4648 base32 -> the first 10 characters, shown as XXXXX-XXXXX

- learner: the actor's key as the report joins it (account name, i.e. the employee id, or
  the lower-case email of an mbox actor: ``store.sqlite.learner_id``);
- registration: of the module attempt that completed the course, i.e. among the counted
  attempts (each module's first attempt that reaches the pass mark) the latest one. The
  browser knows it as the attempt that passed the course's last missing module, and the
  runtime's course-level ``passed`` statement carries it as its registration.

The registration is a random UUID known only to the learner's browser and the record store,
so a code cannot be made up for someone else; the report is still what proves the pass. A
completion counted from a trusted LMS's ``satisfied`` has no code (the LMS is the record).
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict

from build_tools.reports.training import TrainingReport

VERSION = "isdp-certificate-v1"
LENGTH = 10


def verification_code(learner: str, course: str, cycle: str, registration: str) -> str:
    """The code printed on a certificate, e.g. ``K7Q2M-XD4VA``."""
    text = "|".join((VERSION, learner, course, cycle, registration))
    digest = base64.b32encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"{digest[:LENGTH // 2]}-{digest[LENGTH // 2:LENGTH]}"


def completing_attempts(report: TrainingReport) -> dict[tuple[str, str], tuple[str, str]]:
    """(learner key, course id) -> (registration, when) of the attempt that completed the
    course on evidence: the latest of the modules' first passing attempts."""
    found = report.evidence
    if found is None:
        return {}
    needed = {course.id: set(course.assessed_modules) for course in report.courses}
    passed: dict[tuple[str, str], dict[str, tuple[str, str]]] = defaultdict(dict)
    for (who, course_id, module), moment in found.module_passed.items():
        registration = found.module_registration.get((who, course_id, module))
        if registration is not None:
            passed[(who, course_id)][module] = (moment, registration)
    result = {}
    for slot, modules in passed.items():
        if needed[slot[1]] and needed[slot[1]] <= modules.keys():
            moment, registration = max(modules[m] for m in needed[slot[1]])
            result[slot] = (registration, moment)
    return result


def verification_codes(report: TrainingReport) -> dict[tuple[str, str], str]:
    """(employee id, course id) -> code, for every course passed on evidence: the passed
    rows of compliance.csv and the report page's certificate table."""
    attempts = completing_attempts(report)
    codes = {}
    for row in report.rows:
        employee = row.employee
        keys = (employee.employee_id, employee.email.lower())
        for course_id, status in row.courses.items():
            if not status.passed_on:
                continue
            # The completion the report counts (the earliest, if the learner has two keys).
            found = sorted((attempts[(who, course_id)][1], who) for who in keys
                           if (who, course_id) in attempts)
            if found:
                who = found[0][1]
                codes[(employee.employee_id, course_id)] = verification_code(
                    who, course_id, report.cycle, attempts[(who, course_id)][0])
    return codes
