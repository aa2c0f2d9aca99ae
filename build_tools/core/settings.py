"""site.yaml: the agency settings, declared once here and validated with line numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, HttpUrl, field_validator

from build_tools.core import yamlfile

SITE_FILE = "site.yaml"


class Strict(BaseModel):
    """Base for every schema of ours: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Agency(Strict):
    name: str = Field(description="Full name of the agency, shown in the page header.")
    short_name: str = Field(description="Abbreviation used in running text (MDE).")
    office: str = Field(description="Office that owns the programme (OTSS).")
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


class Training(Strict):
    cycle_start_month: int = Field(7, ge=1, le=12, description="Month a training cycle starts.")
    trusted_authorities: list[str] = Field(default_factory=list, description="LMS logins (mailto:... or account:HOMEPAGE|NAME) whose completions the training report counts.")


class Incident(Strict):
    notify_within_hours: int = Field(24, ge=1, le=24, description="Rule 55.1 section 7.")
    notify_email: EmailStr = Field(description="Where an LEA sends its written notice.")


class SiteSettings(Strict):
    agency: Agency
    site_url: HttpUrl = Field(description="Public address of the built site.")
    contacts: Contacts
    xapi: Xapi
    training: Training = Training()
    incident: Incident

    @property
    def base_iri(self) -> str:
        return str(self.xapi.base_iri).rstrip("/")


def load_settings(srcdir: Path) -> SiteSettings:
    """Load and validate ``site.yaml`` from the source directory."""
    return yamlfile.load_model(SiteSettings, Path(srcdir) / SITE_FILE)
