"""District policy packs: every template filled with one district's names and values, as
Markdown, HTML and Word, plus a cover page and (HTML and Word) one board packet with a
table of contents. A draft (the default) is marked "Proposed for adoption" on every page;
an adopted pack certifies the vote. Written to a temporary folder beside the target
and moved into place only when every document rendered, so a failure leaves the target as
it was.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from build_tools.core.atomic import atomic_dir, check_target
from build_tools.core.errors import ContentError
from build_tools.core.settings import load_settings
from build_tools.policies import compose, docx_writer, html_writer, parameters, templates
from build_tools.policies import district as district_file
from build_tools.rule import traceability

FORMATS = ("md", "html", "docx")
MANIFEST = "pack.json"


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ContentError(
            "--format",
            None,
            f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}",
        )
    return list(dict.fromkeys(formats))


PACKET = "board-packet"
PACKET_FORMATS = ("html", "docx")


def render(
    srcdir: Path,
    district_path: Path,
    out: Path,
    formats: list[str],
    today: dt.date | None = None,
) -> dict:
    """Render the pack; returns the manifest. Raises ContentError(s) before writing anything."""
    srcdir, out = Path(srcdir).resolve(), Path(out).resolve()
    registry, _ = parameters.load(srcdir)
    found = templates.load_all(srcdir)
    duties = {d.id: d.source for d in traceability.load(srcdir)[0]}
    settings = load_settings(srcdir)
    data, values = district_file.load(district_path, registry, today)
    check_target(out, also_mine=(MANIFEST,))  # before any work: refuse someone's folder
    d = data.district
    names = district_file.context(d, values)
    signers = district_file.signers(d)
    draft = signers["status"] == "draft"
    watermark = compose.DRAFT_MARK if draft else None
    contacts = {
        "Superintendent": district_file.describe(d.superintendent, "Superintendent"),
        "Technology coordinator": district_file.describe(
            d.technology_coordinator, "Technology Coordinator"
        ),
        "Security contact": district_file.describe(d.security_contact, "Security Contact"),
        "MDE Information Security and Data Privacy Officer": str(settings.incident.notify_email),
    }
    if not draft:
        contacts["Board president"] = signers["board_president"]
        contacts["Board secretary"] = signers["board_secretary"]
    stems = {t.id: f"{number:02d}-{t.id}" for number, t in enumerate(found, start=1)}
    codes = {t.id: compose.policy_code(names, n) for n, t in enumerate(found, start=1)}
    documents = {
        t.id: compose.pack_document(
            t, registry, duties, names, values, settings, code=codes[t.id], signers=signers
        )
        for t in found
    }
    headers = {t.id: f"{d.name} · Policy {codes[t.id]} · {t.meta.title}" for t in found}
    cover_header = f"{d.name} · Security and privacy policies"

    def cover(link: Callable[[templates.Template], str | None]) -> str:
        return compose.cover_document(
            found, registry, names, values, contacts, link, codes=codes, signers=signers
        )

    with atomic_dir(out, also_mine=(MANIFEST,)) as work:
        for fmt in formats:
            folder = work / fmt
            folder.mkdir()
            page = Page(fmt, folder, d.name, watermark)
            link = (lambda t, f=fmt: f"{stems[t.id]}.{f}") if fmt != "docx" else (lambda t: None)
            page.write("00-cover", cover(link), f"{d.name}: security and privacy policies",
                       cover_header, back=None)
            for t in found:
                page.write(stems[t.id], documents[t.id], f"{d.name}: {t.meta.title}",
                           headers[t.id], back="00-cover.html")
            if fmt in PACKET_FORMATS:
                anchor = (lambda t: f"#{t.id}") if fmt == "html" else (lambda t: None)
                page.packet(
                    [
                        (cover(anchor), cover_header, "cover"),
                        (compose.packet_contents(found, codes, anchor), cover_header, "contents"),
                    ]
                    + [(documents[t.id], headers[t.id], t.id) for t in found],
                    f"{d.name}: board packet, security and privacy policies",
                )
        manifest = {
            "district": d.name,
            "code": d.code,
            "status": signers["status"],
            "board_adoption_date": d.board_adoption_date.isoformat(),
            "next_review": names["next_review"],
            "formats": formats,
            "packet": [f"{fmt}/{PACKET}.{fmt}" for fmt in formats if fmt in PACKET_FORMATS],
            "policies": [
                {
                    "id": t.id,
                    "title": t.meta.title,
                    "file": stems[t.id],
                    "code": codes[t.id],
                    "approver": t.meta.approver,
                }
                for t in found
            ],
            "changed_parameters": {
                n: values[n] for n, p in registry.items() if values[n] != p.floor
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


@dataclass
class Page:
    """Writes documents of one format into one folder, with the pack's header and mark."""

    fmt: str
    folder: Path
    author: str
    watermark: str | None

    def write(self, stem: str, markdown: str, title: str, header: str, back: str | None) -> None:
        path = self.folder / f"{stem}.{self.fmt}"
        if self.fmt == "md":
            path.write_text(markdown, encoding="utf-8")  # the status line says "Proposed"
        elif self.fmt == "html":
            path.write_text(
                html_writer.page(
                    markdown, title=title, back=back, header=header, watermark=self.watermark
                ),
                encoding="utf-8",
            )
        else:
            docx_writer.write(
                markdown, path, title=title, author=self.author, header=header,
                watermark=self.watermark,
            )

    def packet(self, parts: list[tuple[str, str, str]], title: str) -> None:
        path = self.folder / f"{PACKET}.{self.fmt}"
        if self.fmt == "html":
            html = html_writer.packet(
                [html_writer.Part(m, h, a) for m, h, a in parts],
                title=title,
                watermark=self.watermark,
            )
            path.write_text(html, encoding="utf-8")
        else:
            docx_writer.write_parts(
                [docx_writer.Part(m, h) for m, h, _ in parts],
                path,
                title=title,
                author=self.author,
                watermark=self.watermark,
            )

