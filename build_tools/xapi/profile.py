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

XAPI_VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    name: f"{ADL}{name}"
    for name in ("initialized", "answered", "completed", "passed", "failed", "terminated", "experienced")
}
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "webinar": "http://adlnet.gov/expapi/activities/media",
    "page": "http://activitystrea.ms/schema/1.0/page",
}


def cycle_of(moment: dt.date | dt.datetime, start_month: int = 7) -> str:
    """The training cycle (school year) a date falls in, e.g. ``2026-2027``."""
    first = moment.year if moment.month >= start_month else moment.year - 1
    return f"{first}-{first + 1}"


def cycle_bounds(cycle: str, start_month: int = 7) -> tuple[dt.datetime, dt.datetime]:
    """UTC start (inclusive) and end (exclusive) of a cycle such as ``2026-2027``."""
    first, second = (int(part) for part in cycle.split("-"))
    if second != first + 1:
        raise ValueError(f"cycle '{cycle}' must be two consecutive years, e.g. 2026-2027")
    start = dt.datetime(first, start_month, 1, tzinfo=dt.UTC)
    return start, dt.datetime(second, start_month, 1, tzinfo=dt.UTC)


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

    def as_json(self) -> dict[str, Any]:
        """What the browser runtime needs to build the same IRIs (no secrets)."""
        return {"base": self.base_iri, "category": self.category, "lea_extension": self.lea_extension,
                "cycle_type": self.cycle_type,
                "verbs": VERBS, "activity_types": ACTIVITY_TYPES, "version": XAPI_VERSION}


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
) -> dict[str, Any]:
    """One statement of the profile. The id is made here, before any send (idempotent retries)."""
    context: dict[str, Any] = {
        "registration": registration,
        "contextActivities": {
            "grouping": [{"objectType": "Activity", "id": profile.cycle(cycle),
                          "definition": {"type": profile.cycle_type}}],
            "category": [{"objectType": "Activity", "id": profile.category}],
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
