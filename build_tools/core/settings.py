"""site.yaml: the agency settings, declared once here and validated with line numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, HttpUrl, field_validator

from build_tools.core import yamlfile

SITE_FILE = "site.yaml"


class Strict(BaseModel):
    """Base for every schema of ours: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Agency(Strict):
    name: str = Field(description="Full name of the agency, shown in the page header.")
    short_name: str = Field(description="Abbreviation used in running text (MDE).")
    office: str = Field(description="Office that owns the program (OTSS).")
    address: str = Field(description="Postal address for written notices.")


class Contact(Strict):
    title: str = Field(description="Role title as the rule names it.")
    name: str | None = Field(None, description="Current holder; left out, the role is shown.")
    email: EmailStr = Field(description="Role mailbox that reaches the holder.")


class Contacts(Strict):
    cio: Contact
    iso: Contact
    data_governance_manager: Contact


def _web_origin(value: str) -> str:
    """An origin as the Content-Security-Policy writes it: scheme://host[:port|:*], no path."""
    if any(char in value for char in " \t;,'\""):
        raise ValueError(f"'{value}' must be one origin, without spaces, quotes, ';' or ','")
    parts = urlsplit(value)
    port = parts.netloc.rpartition(":")[2] if ":" in parts.netloc.rpartition("]")[2] else ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{value}' is not an http(s) origin such as https://lrs.example.org")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"'{value}' must be an origin only (scheme://host[:port]), without path")
    if port and port != "*" and not (port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(f"'{value}' has an invalid port (a number, or * for any port)")
    return value.lower()


class Xapi(Strict):
    base_iri: HttpUrl = Field(description="Root of every xAPI activity IRI; never change it.")
    lrs_origins: list[Annotated[str, AfterValidator(_web_origin)]] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port]) of the LRS the pages may send statements to; "
        "the Content-Security-Policy allows no other connection. ':*' = any port (local tests).")

    @field_validator("base_iri")
    @classmethod
    def _no_trailing_slash(cls, value: HttpUrl) -> HttpUrl:
        if str(value).endswith("/") and value.path not in (None, "/"):
            raise ValueError("must not end with '/' (IRIs are joined with '/')")
        return value


def _time_zone(value: str) -> str:
    """An IANA time zone name (America/Chicago), as zoneinfo knows it."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{value}' is not an IANA time zone name such as America/Chicago") from None
    return value


AGENT_KINDS = ("mbox", "account", "sha1", "openid", "group")


def _authority(value: str) -> str:
    """An LRS login as the store keys agents: mailto:ADDRESS or account:HOMEPAGE|NAME."""
    # The same syntax as build_tools.store.sqlite.parse_agent_key (core cannot import store).
    value = value.strip()
    if not (value.lower().startswith("mailto:") or value.split(":", 1)[0] in AGENT_KINDS):
        raise ValueError(f"'{value}' is not an agent: write mailto:ADDRESS or account:HOMEPAGE|NAME")
    return value


Authority = Annotated[str, AfterValidator(_authority)]


class LmsAccount(Strict):
    employee_id: Literal["account.name", "name"] = Field(
        "account.name",
        description="Field of the LMS's actor that carries the roster's employee id: the "
        "account name (default) or the agent's name.")


class Training(Strict):
    cycle_start_month: int = Field(7, ge=1, le=12, description="Month a training cycle starts.")
    time_zone: Annotated[str, AfterValidator(_time_zone)] = Field(
        "America/Chicago",
        description="IANA time zone of the agency: cycles start at local midnight, the same "
        "way in the report, the statements' cycle grouping and the browser's badges.")
    max_delivery_days: int = Field(
        30, ge=0, le=366,
        description="A statement counts at its timestamp when that is no later than `stored` and "
        "no more than this many days before it; otherwise at `stored`, flagged.")
    trusted_authorities: list[Authority] = Field(
        default_factory=list,
        description="LMS logins (mailto:... or account:HOMEPAGE|NAME) whose cmi5 `satisfied` of a "
        "course counts, and whose AU answers count as evidence.")
    void_authorities: list[Authority] = Field(
        default_factory=list,
        description="Logins (the LRS administrator's) whose `voided` statements take effect on "
        "any statement; any other void takes effect only on its own authority's statements.")
    lms_accounts: dict[str, LmsAccount] = Field(
        default_factory=dict,
        description="Per LMS account.homePage, which actor field carries the employee id.")


class Incident(Strict):
    notify_within_hours: int = Field(24, ge=1, le=24, description="Rule 55.1 section 7.")
    notify_email: EmailStr = Field(description="Where an LEA sends its written notice.")


class InlineScript(Strict):
    hash: str = Field(pattern=r"^sha256-[A-Za-z0-9+/]{43}=$",
                      description="The script's CSP hash (sha256-...=), as the build error gives it.")
    reason: str = Field(min_length=10, description="Why this script must be inline, and who reviewed it.")


class Csp(Strict):
    inline_scripts: list[InlineScript] = Field(
        default_factory=list,
        description="Inline <script> blocks a page's content may run: any other fails the build, "
        "so a script pasted into Markdown never runs on the published site.")


class SiteSettings(Strict):
    agency: Agency
    site_url: HttpUrl = Field(description="Public address of the built site.")
    contacts: Contacts
    xapi: Xapi
    training: Training = Training()
    incident: Incident
    csp: Csp = Csp()

    @property
    def base_iri(self) -> str:
        return str(self.xapi.base_iri).rstrip("/")


def load_settings(srcdir: Path) -> SiteSettings:
    """Load and validate ``site.yaml`` from the source directory."""
    return yamlfile.load_model(SiteSettings, Path(srcdir) / SITE_FILE)
