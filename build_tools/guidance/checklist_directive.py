"""``{checklist} <id>``: render a self-assessment checklist as a form worked in the browser.

The directive emits builder-neutral nodes (a text or LaTeX build gets a plain list); the HTML
visitors add checkboxes, notes fields and the tool buttons, and ``isdp-checklist.js`` keeps
the answers in localStorage only (nothing leaves the browser), writes the CSV with a Blob and
prints. Policy links are resolved at write time and only to policy pages that exist, so the
guidance builds on its own before the policy templates land.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from build_tools.core.errors import ContentError, ContentErrors
from build_tools.guidance import checklists
from build_tools.policies.registry import POLICY_DOC, REQUIRED_POLICIES
from build_tools.site.diagnostics import Warn, warn, warn_error


class checklist_node(nodes.General, nodes.Element):
    """The whole checklist; attributes ``checklist`` (id) and ``title``."""


class checklist_section(nodes.General, nodes.Element):
    """A group of items (a fieldset with its legend in HTML); attribute ``title``."""


class checklist_item(nodes.General, nodes.Element):
    """One item; attributes ``checklist``, ``item``, ``section``, ``csf``."""


class checklist_label(nodes.Inline, nodes.TextElement):
    """The item's statement (the checkbox label in HTML)."""


class checklist_tools(nodes.General, nodes.Element):
    """Where the HTML page shows progress and the CSV, print and clear buttons."""


class checklist_policy_ref(nodes.Inline, nodes.Element):
    """Placeholder for a policy link; attribute ``policy`` (id)."""


class ChecklistDirective(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        checklist_id = self.arguments[0]
        path = checklists.path_of(Path(self.env.srcdir), checklist_id)
        self.env.note_dependency(str(path))
        try:
            data = checklists.load(path, set(self.env.found_docs))
        except ContentError as exc:
            if not path.exists():
                warn(Warn.CHECKLIST, f"no checklist '{checklist_id}': {checklists.CHECKLIST_DIR}/"
                     f"{checklist_id}.yaml does not exist", self.get_location())
            else:
                warn_error(Warn.CHECKLIST, exc)
            return []
        except ContentErrors as exc:
            for error in exc.errors:
                warn_error(Warn.CHECKLIST, error)
            return []
        root = checklist_node(checklist=checklist_id, title=data.title, ids=[f"checklist-{checklist_id}"])
        root += nodes.rubric(text=data.title)
        root += nodes.paragraph(text=data.intro)
        root += checklist_tools()
        for section in data.sections:
            group = checklist_section(title=section.title)
            if section.intro:
                group += nodes.paragraph(text=section.intro)
            items = nodes.bullet_list(classes=["isdp-checklist-items"])
            for item in section.items:
                items += self._item(checklist_id, section.title, item)
            group += items
            root += group
        return [root]

    def _item(self, checklist_id: str, section: str, item: checklists.Item) -> checklist_item:
        node = checklist_item(checklist=checklist_id, item=item.id, section=section, csf=" ".join(item.csf))
        node += checklist_label(text=item.text)
        links = nodes.paragraph(classes=["isdp-checklist-links"], ids=[f"isdp-{checklist_id}-{item.id}-links"])
        links += nodes.Text("Guidance: ")
        ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{item.guidance}",
                                    refexplicit=False, refdoc=self.env.docname)
        ref += nodes.inline(text=item.guidance)
        links += ref
        if item.policy:
            links += checklist_policy_ref(policy=item.policy)
        if item.csf:
            links += nodes.Text(f". NIST CSF 2.0: {', '.join(item.csf)}")
        node += links
        return node


class ResolvePolicyLinks(SphinxPostTransform):
    """Turn policy placeholders into links to policy pages that exist; drop the others.

    A policy page is ``content/policies/<id>``, or any page under ``content/policies/`` whose
    title is the policy's title (so the policy templates may choose shorter file names).
    """

    default_priority = 5  # before Sphinx resolves pending_xref nodes (priority 10)

    def run(self, **kwargs: object) -> None:
        placeholders = list(self.document.findall(checklist_policy_ref))
        if not placeholders:
            return
        pages = policy_pages(self.env)
        for node in placeholders:
            policy = node["policy"]
            target = pages.get(policy)
            if target is None:
                node.parent.remove(node)
                continue
            ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{target}",
                                        refexplicit=True, refdoc=self.env.docname)
            ref += nodes.inline(text=REQUIRED_POLICIES[policy])
            node.replace_self([nodes.Text(". Policy: "), ref])


def policy_pages(env) -> dict[str, str]:
    """Policy id -> docname of its page, for the policies that have one in this build."""
    return {policy: POLICY_DOC.format(policy) for policy in REQUIRED_POLICIES
            if POLICY_DOC.format(policy) in env.found_docs}


# HTML: the form. Other builders fall through to their children (a plain list).

def _html_id(node: nodes.Element) -> str:
    return f"isdp-{node['checklist']}-{node['item']}"


def visit_checklist_html(self, node: checklist_node) -> None:
    self.body.append(
        f'<div class="isdp-checklist" id="{node["ids"][0]}" data-checklist="{self.attval(node["checklist"])}" '
        f'data-title="{self.attval(node["title"])}">\n')


def depart_checklist_html(self, node: checklist_node) -> None:
    self.body.append("</div>\n")


def visit_tools_html(self, node: checklist_tools) -> None:
    self.body.append(
        '<div class="isdp-checklist-tools" hidden>\n'
        '<p class="isdp-checklist-progress" role="status" aria-live="polite"></p>\n'
        '<button type="button" data-action="csv">Download as CSV</button>\n'
        '<button type="button" data-action="print">Print</button>\n'
        '<button type="button" data-action="clear">Clear my answers</button>\n'
        '<p class="isdp-checklist-privacy">Your answers are saved only in this browser, on this '
        'device. Nothing is sent to the MDE or anyone else. Download the CSV to keep or share '
        'them.</p>\n</div>\n'
        '<noscript><p>Turn on JavaScript to save your answers in this browser and download them '
        'as CSV. You can still print this page.</p></noscript>\n')
    raise nodes.SkipNode


def visit_section_html(self, node: checklist_section) -> None:
    self.body.append(f'<fieldset class="isdp-checklist-section"><legend>{self.encode(node["title"])}</legend>\n')


def depart_section_html(self, node: checklist_section) -> None:
    self.body.append("</fieldset>\n")


def visit_item_html(self, node: checklist_item) -> None:
    html_id = _html_id(node)
    self.body.append(
        f'<li class="isdp-checklist-item" data-item="{self.attval(node["item"])}" '
        f'data-section="{self.attval(node["section"])}" data-csf="{self.attval(node["csf"])}">'
        f'<input type="checkbox" id="{html_id}" aria-describedby="{html_id}-links">')


def depart_item_html(self, node: checklist_item) -> None:
    html_id = _html_id(node)
    self.body.append(
        f'<div class="isdp-checklist-notes"><label for="{html_id}-notes">Notes</label>'
        f'<textarea id="{html_id}-notes" rows="1"></textarea></div></li>\n')


def visit_label_html(self, node: checklist_label) -> None:
    item = node.parent
    self.body.append(f'<label for="{_html_id(item)}" class="isdp-checklist-text">')


def depart_label_html(self, node: checklist_label) -> None:
    self.body.append("</label>")


def _pass(self, node: nodes.Node) -> None:
    pass


def _skip_node(self, node: nodes.Node) -> None:
    raise nodes.SkipNode


def _visit_list_item(self, node: nodes.Node) -> None:
    self.visit_list_item(node)


def _depart_list_item(self, node: nodes.Node) -> None:
    self.depart_list_item(node)


def _add_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None and next(iter(doctree.findall(checklist_node)), None) is not None:
        app.add_js_file("isdp-checklist.js", loading_method="defer")


def setup_checklists(app: Sphinx) -> None:
    neutral = (_pass, _pass)
    app.add_node(checklist_node, html=(visit_checklist_html, depart_checklist_html),
                 text=neutral, latex=neutral, man=neutral, texinfo=neutral)
    app.add_node(checklist_section, html=(visit_section_html, depart_section_html),
                 text=neutral, latex=neutral, man=neutral, texinfo=neutral)
    app.add_node(checklist_item, html=(visit_item_html, depart_item_html),
                 text=(_visit_list_item, _depart_list_item), latex=(_visit_list_item, _depart_list_item),
                 man=neutral, texinfo=neutral)
    app.add_node(checklist_tools, html=(visit_tools_html, None),
                 text=(_skip_node, None), latex=(_skip_node, None), man=(_skip_node, None),
                 texinfo=(_skip_node, None))
    app.add_node(checklist_label, html=(visit_label_html, depart_label_html),
                 text=neutral, latex=neutral, man=neutral, texinfo=neutral)
    app.add_directive("checklist", ChecklistDirective)
    app.add_post_transform(ResolvePolicyLinks)
    app.connect("html-page-context", _add_script)
    app.add_css_file("isdp-guidance.css")
