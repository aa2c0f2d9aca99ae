"""The ISDP xAPI profile as code: the one place that builds IRIs, verbs and statements.

IRIs are the join keys of every compliance report, so they depend only on ``base_iri``
(site.yaml) and stable ids (course, module, question, cycle, webinar), never on page paths.
The human-readable version of this profile is ``content/xapi-profile.md``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

XAPI_VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    name: f"{ADL}{name}"
    for name in ("initialized", "answered", "completed", "passed", "failed", "terminated", "experienced")
}
VOIDED = f"{ADL}voided"
# cmi5's LMS marks a course (or block) satisfied with ADL's newer verb; CATAPULT names the
# course by its own player IRI (of this type) and puts ours in contextActivities.grouping.
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
CMI5_COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"
DEFAULT_TIME_ZONE = "America/Chicago"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
# cmi5 (section 9.6): completed, passed and failed also carry the moveOn category, and the
# context extensions below come from LMS.LaunchData or are required by the spec.
CMI5_MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
CMI5_EXTENSIONS = {
    "sessionid": "https://w3id.org/xapi/cmi5/context/extensions/sessionid",
    "masteryscore": "https://w3id.org/xapi/cmi5/context/extensions/masteryscore",
}
CMI5_DEFINED_VERBS = ("initialized", "completed", "passed", "failed", "terminated")
MOVEON_VERBS = ("completed", "passed", "failed")
# Quiz kinds of the courses' quiz directive -> cmi.interaction interactionType.
INTERACTION_TYPES = {"single": "choice", "multiple": "choice", "true-false": "true-false"}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "webinar": "http://adlnet.gov/expapi/activities/media",
    "page": "http://activitystrea.ms/schema/1.0/page",
}


def cycle_of(moment: dt.date | dt.datetime, start_month: int = 7,
             time_zone: str = DEFAULT_TIME_ZONE) -> str:
    """The training cycle (school year) a moment falls in, e.g. ``2026-2027``, in the agency's
    time zone: 22:30 on 30 June in Mississippi is still the old school year."""
    if isinstance(moment, dt.datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        moment = aware.astimezone(ZoneInfo(time_zone))
    first = moment.year if moment.month >= start_month else moment.year - 1
    return f"{first}-{first + 1}"


def cycle_bounds(cycle: str, start_month: int = 7,
                 time_zone: str = DEFAULT_TIME_ZONE) -> tuple[dt.datetime, dt.datetime]:
    """Start (inclusive) and end (exclusive) of a cycle such as ``2026-2027``, in UTC: local
    midnight of the first day of ``start_month`` in the agency's time zone."""
    first, second = (int(part) for part in cycle.split("-"))
    if second != first + 1:
        raise ValueError(f"cycle '{cycle}' must be two consecutive years, e.g. 2026-2027")
    zone = ZoneInfo(time_zone)

    def local_midnight(year: int) -> dt.datetime:
        return dt.datetime(year, start_month, 1, tzinfo=zone).astimezone(dt.UTC)

    return local_midnight(first), local_midnight(second)


@dataclass(frozen=True)
class Profile:
    """Builds the IRIs and statements of one deployment (one ``base_iri``)."""

    base_iri: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_iri", self.base_iri.rstrip("/"))

    @property
    def category(self) -> str:
        return f"{self.base_iri}/profile/v1"

    @property
    def cycle_type(self) -> str:
        return f"{self.base_iri}/activity-types/training-cycle"

    @property
    def lea_extension(self) -> str:
        return f"{self.base_iri}/extensions/lea-code"

    def course(self, course: str) -> str:
        return f"{self.base_iri}/courses/{course}"

    def module(self, course: str, module: str) -> str:
        return f"{self.course(course)}/modules/{module}"

    def question(self, course: str, qid: str) -> str:
        # Under the course, not the module: a question keeps its IRI when modules are
        # reorganised, so "most-missed questions" stays comparable across years.
        return f"{self.course(course)}/questions/{qid}"

    def cycle(self, cycle: str) -> str:
        return f"{self.base_iri}/cycles/{cycle}"

    def webinar(self, webinar: str) -> str:
        return f"{self.base_iri}/webinars/{webinar}"

    def as_json(self, cycle_start_month: int = 7,
                time_zone: str = DEFAULT_TIME_ZONE) -> dict[str, Any]:
        """What the browser runtime needs to build the same statements (no secrets, no keys).

        tracking.js never hard-codes an IRI: the build writes this into each quiz page.
        ``timeZone`` (IANA) is the agency's: the runtime groups statements into cycles and
        shows progress badges with the same bounds as the report.
        """
        return {"base": self.base_iri, "category": self.category, "lea_extension": self.lea_extension,
                "cycle_type": self.cycle_type, "cycle_start_month": cycle_start_month,
                "timeZone": time_zone,
                "verbs": VERBS, "activity_types": ACTIVITY_TYPES, "version": XAPI_VERSION,
                "interaction_types": INTERACTION_TYPES,
                "cmi5": {"category": CMI5_CATEGORY, "moveon_category": CMI5_MOVEON_CATEGORY,
                         "extensions": CMI5_EXTENSIONS, "defined_verbs": list(CMI5_DEFINED_VERBS),
                         "moveon_verbs": list(MOVEON_VERBS)}}


def account_actor(home_page: str, employee_id: str, name: str | None = None) -> dict[str, Any]:
    """An actor identified by employer account: less PII in the LRS than an email address."""
    actor: dict[str, Any] = {"objectType": "Agent", "account": {"homePage": home_page, "name": employee_id}}
    if name:
        actor["name"] = name
    return actor


def activity(iri: str, kind: str, name: str | None = None, **definition: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": ACTIVITY_TYPES[kind], **definition}
    if name:
        body["name"] = {"en-US": name}
    return {"objectType": "Activity", "id": iri, "definition": body}


def _true_false(choices: list[dict[str, str]], choice_id: str) -> str | None:
    """A true-false answer as cmi.interaction wants it ('true'/'false'), from id or text."""
    for choice in choices:
        if choice["id"] == choice_id:
            for value in (choice["id"], choice.get("text", "")):
                if value.strip().lower() in ("true", "false"):
                    return value.strip().lower()
    return None


def interaction(profile: Profile, *, course: str, question: str, kind: str, prompt: str,
                choices: list[dict[str, str]], correct_response: list[str] | None = None) -> dict[str, Any]:
    """The question as a cmi.interaction activity (choice or true-false), without its key.

    No ``correctResponsesPattern``: a statement is readable by its learner, and the report
    re-scores answers against the key in the course sources (build_tools/courses/keys.py).
    ``correct_response`` is accepted and ignored, for older callers. Responses use the xAPI
    pattern syntax: choice ids joined by ``[,]``. A true-false question whose choices cannot
    be read as true/false is described as a choice question instead.
    """
    del correct_response
    kind_type = INTERACTION_TYPES[kind]
    if kind_type == "true-false" and any(_true_false(choices, c["id"]) is None for c in choices):
        kind_type = "choice"
    definition: dict[str, Any] = {"interactionType": kind_type}
    if prompt:
        definition["description"] = {"en-US": prompt}
    if kind_type == "choice":
        definition["choices"] = [{"id": c["id"], "description": {"en-US": c.get("text") or c["id"]}}
                                 for c in choices]
    return activity(profile.question(course, question), "question", **definition)


def response_pattern(interaction_type: str, choices: list[dict[str, str]], response: list[str]) -> str:
    if interaction_type == "true-false":
        return _true_false(choices, response[0]) or "" if response else ""
    return "[,]".join(response)


def answered_result(obj: dict[str, Any], choices: list[dict[str, str]], response: list[str],
                    correct: bool) -> dict[str, Any]:
    """result of an answered statement: the learner's response and whether it was right."""
    kind_type = obj["definition"]["interactionType"]
    return {"response": response_pattern(kind_type, choices, response), "success": bool(correct)}


def statement(
    profile: Profile,
    *,
    actor: dict[str, Any],
    verb: str,
    obj: dict[str, Any],
    course: str,
    cycle: str,
    registration: str,
    lea: str | None = None,
    result: dict[str, Any] | None = None,
    timestamp: dt.datetime | None = None,
    statement_id: str | None = None,
    cmi5: bool = False,
) -> dict[str, Any]:
    """One statement of the profile. The id is made here, before any send (idempotent retries).

    With ``cmi5`` the cmi5-defined verbs also carry cmi5's category (and moveOn's for
    completed/passed/failed); the LMS's context template is merged by the browser runtime.
    """
    category = [{"objectType": "Activity", "id": profile.category}]
    if cmi5 and verb in CMI5_DEFINED_VERBS:
        category.append({"objectType": "Activity", "id": CMI5_CATEGORY})
        if verb in MOVEON_VERBS:
            category.append({"objectType": "Activity", "id": CMI5_MOVEON_CATEGORY})
    context: dict[str, Any] = {
        "registration": registration,
        "contextActivities": {
            "grouping": [{"objectType": "Activity", "id": profile.cycle(cycle),
                          "definition": {"type": profile.cycle_type}}],
            "category": category,
        },
    }
    if obj["id"] != profile.course(course):
        context["contextActivities"]["parent"] = [activity(profile.course(course), "course")]
    if lea:
        context["extensions"] = {profile.lea_extension: lea}
    body: dict[str, Any] = {
        "id": statement_id or str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": obj,
        "context": context,
        "timestamp": (timestamp or dt.datetime.now(dt.UTC)).isoformat().replace("+00:00", "Z"),
    }
    if result is not None:
        body["result"] = result
    return body


def score(raw: float, maximum: float, minimum: float = 0.0) -> dict[str, float]:
    scaled = 0.0 if maximum == minimum else (raw - minimum) / (maximum - minimum)
    return {"scaled": round(scaled, 4), "raw": raw, "min": minimum, "max": maximum}


def duration(ms: float) -> str:
    """ISO 8601 duration to 0.01 s, written as tracking.js writes it (``PT12.5S``)."""
    seconds = round(ms / 10) / 100
    return f"PT{int(seconds) if seconds.is_integer() else seconds}S"


def completed_result(duration_ms: float) -> dict[str, Any]:
    return {"completion": True, "duration": duration(duration_ms)}


def verdict_result(raw: float, maximum: float, passed: bool, duration_ms: float) -> dict[str, Any]:
    """result of passed/failed: the score, success and the attempt's duration."""
    return {"score": score(raw, maximum), "success": bool(passed), "duration": duration(duration_ms)}
