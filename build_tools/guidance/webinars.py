"""The webinar part schema: the YAML body of a ``{webinar}`` directive, declared once.

File paths are relative to the page, like images. A part with a video must have WebVTT
captions (WCAG 2.1 AA, success criterion 1.2.2): the schema refuses it otherwise.
A recording or download that is not published yet is simply left out (or given without
``file``/``url``); the page then says so.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationInfo, field_validator, model_validator

from build_tools.core import yamlfile
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.core.slug import SLUG

KINDS = {"slides": "Slide deck", "guidance": "Guidance document", "handout": "Handout",
         "transcript": "Transcript", "captions": "Captions"}
TYPE_NAMES = {".pdf": "PDF", ".pptx": "PowerPoint", ".ppt": "PowerPoint", ".docx": "Word",
              ".doc": "Word", ".txt": "Text", ".vtt": "WebVTT", ".mp4": "MP4 video",
              ".webm": "WebM video", ".html": "Web page", ".md": "Text", ".xlsx": "Excel", ".csv": "CSV"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _https(value: HttpUrl | None) -> HttpUrl | None:
    if value is not None and value.scheme != "https":
        raise ValueError("must be an https:// address")
    return value


def _existing(value: str | None, info: ValidationInfo) -> str | None:
    """A local file must exist next to the page (context ``pagedir``)."""
    pagedir = (info.context or {}).get("pagedir")
    if value is not None and pagedir is not None and not (Path(pagedir) / value).is_file():
        raise ValueError(f"file '{value}' does not exist (paths are relative to the page)")
    return value


class Presenter(Strict):
    name: str = Field(min_length=2)
    role: str | None = None


class Video(Strict):
    file: str | None = Field(None, description="Local video file (MP4 or WebM), relative to the page.")
    url: HttpUrl | None = Field(None, description="Address of the video on the agency's own media server.")

    _file = field_validator("file")(_existing)
    _url = field_validator("url")(_https)

    @model_validator(mode="after")
    def _one(self) -> Video:
        if (self.file is None) == (self.url is None):
            raise ValueError("give exactly one of 'file' or 'url'")
        return self


class Download(Strict):
    title: str = Field(min_length=3)
    kind: Literal["slides", "guidance", "handout", "transcript", "captions"]
    file: str | None = Field(None, description="Local file, relative to the page; type and size are measured.")
    url: HttpUrl | None = Field(None, description="Published elsewhere on the agency site.")
    size_bytes: int | None = Field(None, gt=0, description="Size of a 'url' download, shown to the reader.")
    type: str | None = Field(None, description="File type of a 'url' download, e.g. PDF.")

    _file = field_validator("file")(_existing)
    _url = field_validator("url")(_https)

    @model_validator(mode="after")
    def _where(self) -> Download:
        if self.file is not None and self.url is not None:
            raise ValueError("give 'file' or 'url', not both")
        if self.url is not None and (self.size_bytes is None or self.type is None):
            raise ValueError("a 'url' download needs 'size_bytes' and 'type' so readers see them")
        if self.file is not None and (self.size_bytes is not None or self.type is not None):
            raise ValueError("'size_bytes' and 'type' are measured from a local 'file'; leave them out")
        return self

    @property
    def published(self) -> bool:
        return self.file is not None or self.url is not None


class WebinarPart(Strict):
    id: str = Field(pattern=SLUG,
                    description="Stable id, unique on the site; the xAPI activity is {base_iri}/webinars/{id}.")
    part: int = Field(ge=1, description="Number of the part within its series.")
    date: dt.date | None = Field(None, description="Date presented; left out while not scheduled.")
    presenters: list[Presenter] = Field(min_length=1)
    duration_minutes: int | None = Field(None, gt=0, le=480)
    summary: str = Field(min_length=40)
    outline: list[str] = Field(min_length=2, description="What the part covers, in order.")
    video: Video | None = Field(None, description="Left out while the recording is not published.")
    captions: str | None = Field(None, description="WebVTT captions file (.vtt), relative to the page.")
    captions_language: str = Field("en", pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")
    downloads: list[Download] = Field(default_factory=list)

    @field_validator("captions")
    @classmethod
    def _webvtt(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        if not value.endswith(".vtt"):
            raise ValueError("captions must be a WebVTT file ending in .vtt")
        _existing(value, info)
        pagedir = (info.context or {}).get("pagedir")
        if pagedir is not None:
            head = (Path(pagedir) / value).read_text(encoding="utf-8-sig", errors="replace")[:6]
            if head != "WEBVTT":
                raise ValueError(f"'{value}' is not WebVTT: the file must start with 'WEBVTT'")
        return value



MISSING_CAPTIONS = ("a part with a video needs WebVTT 'captions' (WCAG 2.1 AA, success criterion "
                    "1.2.2 Captions (Prerecorded))")


def validate_part(located: yamlfile.Located, pagedir: Path) -> WebinarPart:
    """Validate a part's YAML; a video without captions is an error at the 'video' line."""
    part = yamlfile.validate(WebinarPart, located, context={"pagedir": pagedir})
    if part.video is not None and part.captions is None:
        raise located.error(("video",), MISSING_CAPTIONS)
    return part


def file_type(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    return TYPE_NAMES.get(suffix) or (mimetypes.guess_type(str(path))[0] or suffix.lstrip(".").upper() or "file")


def human_size(size: int) -> str:
    """``2_150_000`` -> ``2.1 MB`` (decimal units, as file managers show them)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def find_parts(text: str) -> list[tuple[int, str]]:
    """The ``{webinar}`` blocks of a Markdown page: (line of the opening fence, YAML body).

    Other fenced blocks are skipped whole, so an example shown inside a code block is not
    taken for a real part.
    """
    blocks: list[tuple[int, str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^(`{3,}|~{3,})\s*(\S*)", lines[index])
        index += 1
        if not opening:
            continue
        start, body = index, []
        while index < len(lines) and lines[index].strip() != opening.group(1):
            body.append(lines[index])
            index += 1
        index += 1
        if opening.group(2) == "{webinar}":
            blocks.append((start, "\n".join(body)))
    return blocks


def check(srcdir: Path, docnames: set[str]) -> list[ContentError]:
    """``isdp check``: validate every webinar part without a build."""
    errors: list[ContentError] = []
    for doc in sorted(docnames):
        page = Path(srcdir) / f"{doc}.md"
        if not page.is_file():
            continue
        for offset, body in find_parts(page.read_text(encoding="utf-8")):
            try:
                validate_part(yamlfile.parse(body, page, offset=offset), page.parent)
            except ContentError as exc:
                errors.append(exc)
            except ContentErrors as exc:
                errors.extend(exc.errors)
    return errors
