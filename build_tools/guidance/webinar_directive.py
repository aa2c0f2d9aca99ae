"""``{webinar}`` (one part of a series, under its own heading) and ``{webinar-listing}``.

A series is a page; each part is a heading followed by a ``{webinar}`` block whose body is
YAML (schema in webinars.py). Local videos, captions and downloads are copied with Sphinx's
own download mechanism. The video plays in the browser's native ``<video>`` element with
``preload="none"``: no third-party player and no request until the reader presses play.
A part with a video and no captions is an ``isdp.webinar`` warning, so ``isdp build`` fails.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import urllib.parse
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from build_tools.core import yamlfile
from build_tools.core.dates import long_date
from build_tools.core.errors import ContentError, ContentErrors
from build_tools.guidance.webinars import KINDS, Download, WebinarPart, file_type, human_size, validate_part
from build_tools.site.config import site_settings
from build_tools.site.diagnostics import Warn, warn, warn_error
from build_tools.xapi.profile import Profile

UNPUBLISHED_VIDEO = "The recording of this part has not been published on this site yet."


class webinar_video(nodes.General, nodes.Element):
    """A video with captions; attributes ``src``/``local``, ``captions``, ``lang``, ``title``."""


class webinar_part(nodes.container):
    """One part; attribute ``info`` (what the listing shows) until its heading is known."""


class webinar_listing(nodes.General, nodes.Element):
    """Placeholder filled at write time with every series and its parts."""


def _parts(env: BuildEnvironment) -> dict[str, list[dict[str, Any]]]:
    if not hasattr(env, "isdp_webinars"):
        env.isdp_webinars = {}  # type: ignore[attr-defined]
    return env.isdp_webinars  # type: ignore[attr-defined,no-any-return]


class WebinarDirective(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        page = Path(self.env.doc2path(self.env.docname))
        source, line = self.get_source_info()
        try:
            located = yamlfile.parse("\n".join(self.content), source, offset=self.lineno)
            part = validate_part(located, page.parent)
        except ContentError as exc:
            warn_error(Warn.WEBINAR, exc)
            return []
        except ContentErrors as exc:
            for error in exc.errors:
                warn_error(Warn.WEBINAR, ContentError(error.path, error.line, f"webinar: {error.message}"))
            return []
        box = webinar_part(classes=["isdp-webinar"], webinar=part.id, info={
            "id": part.id, "part": part.part, "date": part.date.isoformat() if part.date else None,
            "video": part.video is not None, "downloads": [(d.title, d.published) for d in part.downloads]})
        self.set_source_info(box)
        box += self._facts(part)
        box += nodes.paragraph(text=part.summary)
        box += nodes.rubric(text="In this part")
        outline = nodes.enumerated_list()
        for point in part.outline:
            outline += nodes.list_item("", nodes.paragraph(text=point))
        box += outline
        box += nodes.rubric(text="Recording")
        box += self._video(part)
        box += nodes.rubric(text="Downloads")
        box += self._downloads(part)
        return [box]

    def _facts(self, part: WebinarPart) -> nodes.definition_list:
        facts = nodes.definition_list(classes=["isdp-webinar-facts"])
        date = long_date(part.date) if part.date else "Not announced yet"
        presenters = "; ".join(p.name + (f", {p.role}" if p.role else "") for p in part.presenters)
        length = (f"{part.duration_minutes} minutes" if part.duration_minutes
                  else "Given when the recording is published")
        for term, text in (("Date", date), ("Presenters", presenters), ("Length", length)):
            facts += nodes.definition_list_item("", nodes.term(text=term),
                                                nodes.definition("", nodes.paragraph(text=text)))
        return facts

    def _video(self, part: WebinarPart) -> nodes.Node:
        if part.video is None:
            return nodes.paragraph(text=UNPUBLISHED_VIDEO, classes=["isdp-unpublished"])
        node = webinar_video(title="", lang=part.captions_language,
                             captions=self._copy(part.captions or ""))
        if part.video.file:
            node["local"] = self._copy(part.video.file)
        else:
            node["src"] = str(part.video.url)
        node += nodes.paragraph("", "", nodes.reference("", "Watch the recording", refuri=node.get("src", "")))
        return node

    def _copy(self, relpath: str) -> str:
        """Register a local file for copying into _downloads; return its place there."""
        rel, _abs = self.env.relfn2path(relpath, self.env.docname)
        self.env.note_dependency(rel)
        return self.env.dlfiles.add_file(self.env.docname, rel).as_posix()

    def _downloads(self, part: WebinarPart) -> nodes.Node:
        items = nodes.bullet_list(classes=["isdp-webinar-downloads"])
        entries = list(part.downloads)
        if not entries:
            return nodes.paragraph(text="No downloads for this part yet.", classes=["isdp-unpublished"])
        if part.captions:
            entries.append(Download(title=f"Captions ({part.captions_language})", kind="captions",
                                    file=part.captions))
        for download in entries:
            para = nodes.paragraph()
            para += nodes.strong(text=f"{KINDS[download.kind]}: ")
            if not download.published:
                para += nodes.Text(download.title + ". ")
                para += nodes.inline(text="Not published on this site yet.", classes=["isdp-unpublished"])
            else:
                if download.file:
                    path = Path(self.env.doc2path(self.env.docname)).parent / download.file
                    kind, size = file_type(path), human_size(path.stat().st_size)
                    target = download.file
                else:
                    kind, size, target = str(download.type), human_size(download.size_bytes or 0), str(download.url)
                ref = addnodes.download_reference("", "", reftarget=target, refdoc=self.env.docname)
                ref += nodes.inline(text=f"{download.title} ({kind}, {size})")
                para += ref
            items += nodes.list_item("", para)
        return items


class WebinarListingDirective(SphinxDirective):
    """``{webinar-listing}``: every series in this page's toctree with its parts."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        listings = getattr(self.env, "isdp_webinar_listings", set())
        listings.add(self.env.docname)
        self.env.isdp_webinar_listings = listings  # type: ignore[attr-defined]
        return [webinar_listing()]


def _note_outdated_listings(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                            removed: set[str]) -> list[str]:
    """A listing shows the parts of the series in its toctree: when one of those pages is
    read again or removed, the listing is written again (it is filled at write time, so it
    need not be read again)."""
    touched = added | changed | removed
    env.isdp_listings_to_write = sorted(  # type: ignore[attr-defined]
        listing for listing in getattr(env, "isdp_webinar_listings", set()) & env.found_docs
        if touched & (set(env.toctree_includes.get(listing, [])) | set(_parts(env))))
    return []


def _outdated_listings(app: Sphinx, env: BuildEnvironment) -> list[str]:
    return env.__dict__.pop("isdp_listings_to_write", [])


class FillWebinarListing(SphinxPostTransform):
    default_priority = 5  # before pending_xref nodes are resolved

    def run(self, **kwargs: object) -> None:
        env = self.env
        for node in list(self.document.findall(webinar_listing)):
            series_docs = [d for d in env.toctree_includes.get(env.docname, []) if d in _parts(env)]
            out: list[nodes.Node] = []
            for doc in series_docs:
                parts = sorted(_parts(env)[doc], key=lambda p: p["part"])
                ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{doc}",
                                            refexplicit=False, refdoc=env.docname)
                ref += nodes.inline(text=doc)
                series = nodes.section(ids=[f"series-{doc.rsplit('/', 1)[-1]}"], classes=["isdp-webinar-series"])
                series += nodes.title("", "", ref)
                description = env.metadata.get(doc, {}).get("description")
                if description:
                    series += nodes.paragraph(text=str(description))
                out.append(series)
                listing = nodes.bullet_list()
                for part in parts:
                    para = nodes.paragraph()
                    uri = self._uri(doc, part["anchor"])
                    para += (nodes.reference("", part["title"], refuri=uri, internal=True)
                             if uri else nodes.Text(part["title"]))
                    para += nodes.Text(". " + _status(part))
                    listing += nodes.list_item("", para)
                series += listing
            if not out:
                out = [nodes.paragraph(text="No webinar series is listed yet.")]
            node.replace_self(out)

    def _uri(self, doc: str, anchor: str) -> str | None:
        try:
            return self.app.builder.get_relative_uri(self.env.docname, doc) + "#" + anchor
        except Exception:  # builders without URIs (e.g. text) show the title only
            return None


def _status(part: dict[str, Any]) -> str:
    if part["date"]:
        day = dt.date.fromisoformat(part["date"])
        date = long_date(day)
    else:
        date = "Date not announced yet"
    recording = "recording available" if part["video"] else "recording not published yet"
    published = sum(1 for _title, ok in part["downloads"] if ok)
    downloads = f"{published} of {len(part['downloads'])} downloads published" if part["downloads"] else "no downloads"
    return f"{date}; {recording}; {downloads}."


def visit_video_html(self, node: webinar_video) -> None:
    if "local" in node:
        src = posixpath.join(self.builder.dlpath, urllib.parse.quote(node["local"]))
    else:
        src = node["src"]
    captions = posixpath.join(self.builder.dlpath, urllib.parse.quote(node["captions"]))
    title = self.attval(node["title"])
    self.body.append(
        f'<video class="isdp-webinar-video" controls preload="none" aria-label="{title}">'
        f'<source src="{self.attval(src)}">'
        f'<track kind="captions" src="{self.attval(captions)}" srclang="{node["lang"]}" '
        f'label="Captions ({node["lang"]})" default>'
        f'<p>Your browser cannot play this video. <a href="{self.attval(src)}">Download {title}</a>.</p>'
        "</video>\n")
    raise nodes.SkipNode


def _visit_part_html(self, node: webinar_part) -> None:
    # The stable xAPI activity IRI of the part, for the browser runtime's "experienced".
    iri = Profile(site_settings(self.builder.app).base_iri).webinar(node["webinar"])
    self.body.append(self.starttag(node, "div", CLASS="docutils container", **{"data-xapi-activity": iri}))


def _depart_part_html(self, node: webinar_part) -> None:
    self.depart_container(node)


def _pass(self, node: nodes.Node) -> None:
    pass


def _register_parts(app: Sphinx, doctree: nodes.document) -> None:
    """Each part takes its title and anchor from the heading it sits under."""
    env = app.env
    _parts(env).pop(env.docname, None)
    for part in doctree.findall(webinar_part):
        section = part.parent
        if not isinstance(section, nodes.section) or not section["ids"]:
            warn(Warn.WEBINAR, "put each {webinar} block directly under its own heading "
                 "(the heading is the part's title)", part)
            continue
        title = section[0].astext()
        for video in part.findall(webinar_video):
            video["title"] = title
        _parts(env).setdefault(env.docname, []).append(
            {**part["info"], "title": title, "anchor": section["ids"][0]})


def _check_unique_ids(app: Sphinx, env: BuildEnvironment) -> None:
    seen: dict[str, str] = {}
    for doc in sorted(_parts(env)):
        for part in _parts(env)[doc]:
            if part["id"] in seen:
                warn(Warn.WEBINAR, f"webinar id '{part['id']}' is also used in {seen[part['id']]}: "
                     "ids must be unique (they are xAPI activity IRIs)", (doc, None))
            seen.setdefault(part["id"], doc)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _parts(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for doc in docnames:
        if doc in _parts(other):
            _parts(env)[doc] = _parts(other)[doc]
    # pages read in a parallel worker that hold a {webinar-listing}
    listings = getattr(other, "isdp_webinar_listings", set()) & docnames
    if listings:
        env.isdp_webinar_listings = getattr(env, "isdp_webinar_listings", set()) | listings  # type: ignore[attr-defined]


def setup_webinars(app: Sphinx) -> None:
    neutral = (_pass, _pass)
    app.add_node(webinar_video, html=(visit_video_html, None), text=neutral, latex=neutral,
                 man=neutral, texinfo=neutral)
    app.add_node(webinar_listing, html=neutral, text=neutral, latex=neutral, man=neutral, texinfo=neutral)
    app.add_directive("webinar", WebinarDirective)
    app.add_directive("webinar-listing", WebinarListingDirective)
    app.add_post_transform(FillWebinarListing)
    app.add_node(webinar_part, html=(_visit_part_html, _depart_part_html), text=neutral,
                 latex=neutral, man=neutral, texinfo=neutral)
    app.connect("doctree-read", _register_parts)
    app.connect("env-purge-doc", _purge)
    app.connect("env-get-outdated", _note_outdated_listings)
    app.connect("env-updated", _outdated_listings)
    app.connect("env-check-consistency", _check_unique_ids)
    app.connect("env-merge-info", _merge)
