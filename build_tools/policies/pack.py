"""District policy packs: every template filled with one district's names and values, as
Markdown, HTML and Word, plus a cover page. Written to a temporary folder beside the target
and moved into place only when every document rendered, so a failure leaves the target as
it was.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

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


def _check_target(out: Path) -> None:
    """Replace a previous pack, or fill an empty/new folder; never delete anything else."""
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / MANIFEST).exists())
    ):
        raise ContentError(
            out, None, "exists and is not a policy pack made by isdp; choose a new or empty folder"
        )


def render(srcdir: Path, district_path: Path, out: Path, formats: list[str]) -> dict:
    """Render the pack; returns the manifest. Raises ContentError(s) before writing anything."""
    srcdir, out = Path(srcdir).resolve(), Path(out).resolve()
    registry, _ = parameters.load(srcdir)
    found = templates.load_all(srcdir)
    duties = {d.id: d.source for d in traceability.load(srcdir)[0]}
    settings = load_settings(srcdir)
    data, values = district_file.load(district_path, registry)
    _check_target(out)
    d = data.district
    names = district_file.context(d, values)
    tech, security = d.technology_coordinator, d.security_contact
    contacts = {
        "Superintendent": f"{d.superintendent.name}, {d.superintendent.email}",
        "Technology coordinator": f"{tech.name}, {tech.email}",
        "Security contact": f"{security.name}, {security.email}, {security.phone}",
        "MDE Information Security Officer": str(settings.incident.notify_email),
    }
    stems = {t.id: f"{number:02d}-{t.id}" for number, t in enumerate(found, start=1)}
    documents = {
        t.id: compose.pack_document(t, registry, duties, names, values, settings) for t in found
    }

    def cover(suffix: str | None) -> str:
        link: Callable[[templates.Template], str | None] = (
            (lambda t: f"{stems[t.id]}.{suffix}") if suffix else (lambda t: None)
        )
        return compose.cover_document(found, registry, names, values, contacts, link)

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for fmt in formats:
            folder = work / fmt
            folder.mkdir()
            _write(
                fmt,
                folder,
                "00-cover",
                cover(None if fmt == "docx" else fmt),
                f"{d.name}: security and privacy policies",
                d.name,
                back=None,
            )
            for t in found:
                _write(
                    fmt,
                    folder,
                    stems[t.id],
                    documents[t.id],
                    f"{d.name}: {t.meta.title}",
                    d.name,
                    back="00-cover.html",
                )
        manifest = {
            "district": d.name,
            "code": d.code,
            "board_adoption_date": d.board_adoption_date.isoformat(),
            "next_review": names["next_review"],
            "formats": formats,
            "policies": [{"id": t.id, "title": t.meta.title, "file": stems[t.id]} for t in found],
            "changed_parameters": {
                n: values[n] for n, p in registry.items() if values[n] != p.floor
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _swap(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _write(
    fmt: str, folder: Path, stem: str, markdown: str, title: str, author: str, back: str | None
) -> None:
    if fmt == "md":
        (folder / f"{stem}.md").write_text(markdown, encoding="utf-8")
    elif fmt == "html":
        (folder / f"{stem}.html").write_text(
            html_writer.page(markdown, title=title, back=back), encoding="utf-8"
        )
    else:
        docx_writer.write(markdown, folder / f"{stem}.docx", title=title, author=author)


def _swap(work: Path, out: Path) -> None:
    """Put the finished pack at ``out``; an old pack there is removed only afterwards."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{work.name}")
        out.rename(old)
    work.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
