"""Self-assessment checklists kept as YAML data in ``guidance/checklists/<id>.yaml``.

Declared once here; ``isdp check`` and every build validate them, and errors read
``path:line: message``. The ``{checklist}`` directive (checklist_directive.py) renders them.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from build_tools.core import yamlfile
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.slug import SLUG
from build_tools.policies.registry import REQUIRED_POLICIES

CHECKLIST_DIR = "guidance/checklists"
ID = SLUG
CSF_CATEGORY = re.compile(r"^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}$")


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID, description="Stable id, unique in the checklist; kept in saved answers and the CSV.")
    text: str = Field(min_length=10, description="The statement a district checks when it is true.")
    guidance: str = Field(pattern=r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$",
                          description="Docname of the guidance page, e.g. guidance/to-know/who-has-access.")
    policy: str | None = Field(None, description="Template id of one of the 22 policies, e.g. incident-response.")
    csf: list[str] = Field(default_factory=list, description="NIST CSF 2.0 categories, e.g. PR.AA.")

    @field_validator("policy")
    @classmethod
    def _known_policy(cls, value: str | None) -> str | None:
        if value is not None and value not in REQUIRED_POLICIES:
            raise ValueError(f"'{value}' is not one of the 22 policy template ids (build_tools/policies/registry.py)")
        return value

    @field_validator("csf")
    @classmethod
    def _csf_categories(cls, values: list[str]) -> list[str]:
        for value in values:
            if not CSF_CATEGORY.match(value):
                raise ValueError(f"'{value}' is not a NIST CSF 2.0 category such as GV.PO or PR.AA")
        return values


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=2)
    intro: str | None = None
    items: list[Item] = Field(min_length=1)


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=5)
    intro: str = Field(min_length=20, description="One or two sentences shown above the items.")
    sections: list[Section] = Field(min_length=1)

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]


def path_of(srcdir: Path, checklist_id: str) -> Path:
    return Path(srcdir) / CHECKLIST_DIR / f"{checklist_id}.yaml"


def load(path: Path, docnames: set[str] | None = None) -> Checklist:
    """Read and validate one checklist; with ``docnames``, guidance links must exist."""
    located = yamlfile.load(path)
    checklist = yamlfile.validate(Checklist, located)
    errors = []
    seen: set[str] = set()
    for s, section in enumerate(checklist.sections):
        for i, item in enumerate(section.items):
            if item.id in seen:
                errors.append(located.error(("sections", s, "items", i, "id"),
                                            f"item id '{item.id}' is used twice"))
            seen.add(item.id)
            if docnames is not None and item.guidance not in docnames:
                errors.append(located.error(("sections", s, "items", i, "guidance"),
                                            f"item '{item.id}': guidance page '{item.guidance}' does not exist"))
    if errors:
        raise ContentErrors(errors)
    return checklist


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    """``isdp check``: every checklist file is valid and links to existing guidance."""
    errors: list[ContentError] = []
    for path in sorted((Path(srcdir) / CHECKLIST_DIR).glob("*.yaml")):
        if not re.match(ID, path.stem):
            errors.append(ContentError(path, None, "checklist file names are lower-case words joined by '-'"))
            continue
        try:
            load(path, docnames)
        except ContentError as exc:
            errors.append(exc)
        except ContentErrors as exc:
            errors.extend(exc.errors)
    return errors
