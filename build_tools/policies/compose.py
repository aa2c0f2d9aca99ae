"""Compose policy documents as Markdown text: the site page (MyST, placeholders marked) and
the district pack (plain Markdown with the district's values), plus the index, crosswalk and
coverage tables. One composer for every output keeps the site and the packs identical in
wording; only the values differ.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from build_tools.policies import frameworks
from build_tools.policies.district import PLACEHOLDERS
from build_tools.policies.parameters import Parameter
from build_tools.policies.templates import Template, render

ROLE = re.compile(r"\{(?:term|doc)\}`([^`<]*?)\s*(?:<[^>`]*>)?`")


def mde_context(settings: Any) -> SimpleNamespace:
    return SimpleNamespace(
        name=settings.agency.name,
        office=settings.agency.office,
        iso_email=str(settings.contacts.iso.email),
        notify_email=str(settings.incident.notify_email),
    )


def site_context(registry: dict[str, Parameter], settings: Any) -> dict[str, Any]:
    """Variables for the site page: placeholders and MDE defaults marked by roles."""
    district = SimpleNamespace(**{name: f"{{policy-placeholder}}`{name}`" for name in PLACEHOLDERS})
    values = {
        name: (param.floor if param.type == "boolean" else f"{{policy-value}}`{name}`")
        for name, param in registry.items()
    }
    return {"district": district, "p": SimpleNamespace(**values), "mde": mde_context(settings)}


def pack_context(district: dict[str, str], values: dict[str, Any], settings: Any) -> dict[str, Any]:
    return {
        "district": SimpleNamespace(**district),
        "p": SimpleNamespace(**values),
        "mde": mde_context(settings),
    }


def plain(text: str) -> str:
    """Markdown without MyST roles, for packs: {term}`PII <...>` becomes PII."""
    return ROLE.sub(lambda m: m.group(1), text)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _ids(ids: Iterable[str], names: dict[str, str]) -> str:
    return "; ".join(f"{i} {names[i]}" for i in ids) or "none"


def duty_text(refs: list[str], sources: dict[str, str]) -> str:
    return "; ".join(sources.get(ref, ref) for ref in refs)


def metadata_table(
    t: Template, duties: dict[str, str], next_review: str, cycle: int | None = None
) -> str:
    m = t.meta
    cycle = min(cycle or m.review_cycle_months, m.review_cycle_months)
    rows = [
        ("Purpose", m.purpose),
        ("Owner", m.owner),
        ("Approved by", m.approver),
        (
            "Review",
            f"at least every {cycle} months (Rule 55.1 section 6(b)); next review by {next_review}",
        ),
        ("Rule 55.1 and LEA duties", duty_text(m.rule_refs, duties)),
        ("NIST CSF 2.0", _ids(m.csf, frameworks.CSF_CATEGORIES)),
        ("NIST SP 800-171 Rev. 3", _ids(m.sp800_171, frameworks.SP800_171_FAMILIES)),
        ("FIPS 200", _ids(m.fips200, frameworks.FIPS200_AREAS)),
    ]
    if m.privacy_framework:
        rows.append(("NIST Privacy Framework", ", ".join(m.privacy_framework)))
    lines = ["| About this policy | Details |", "| --- | --- |"]
    lines += [f"| {key} | {_cell(value)} |" for key, value in rows]
    return "\n".join(lines)


def site_page(t: Template, registry: dict[str, Parameter], duties: dict[str, str]) -> str:
    """The heading and tables of a template's site page (the body is rendered separately)."""
    parts = [
        f"# {t.meta.title}",
        "",
        "This is the MDE's template. Text in **[square brackets]** is filled in by each "
        "district. Underlined values are the MDE's defaults, which a district may make "
        "stricter but never looser; each links to its row in the parameter table.",
        "",
        metadata_table(t, duties, "{policy-placeholder}`next_review`"),
        "",
    ]
    if t.meta.parameters:
        parts += [
            "## District parameters",
            "",
            "| Parameter | MDE default and floor | Stricter direction | Source of the floor |",
            "| --- | --- | --- | --- |",
        ]
        for name in t.meta.parameters:
            param = registry[name]
            parts.append(
                f"| [{_cell(param.title)}]{{#param-{name}}} (`{name}`) | "
                f"{param.describe(param.floor)} | {param.direction()} | {_cell(param.source)} |"
            )
        parts.append("")
    return "\n".join(parts)


DRAFT_MARK = "Proposed for adoption"


def status_line(t: Template, district: dict[str, str], signers: dict[str, str]) -> str:
    """Where the policy stands: proposed (a draft) or adopted, by its approver."""
    meeting, name = district["adoption_date"], district["name"]
    if signers["status"] == "draft":
        if t.meta.approver == "Superintendent":
            return (
                f"**{DRAFT_MARK}.** To be approved by the Superintendent and reported to the "
                f"School Board of {name} at its meeting of {meeting}; not in force until approved."
            )
        return (
            f"**{DRAFT_MARK}.** To be presented to the School Board of {name} at its meeting of "
            f"{meeting}; not in force until adopted."
        )
    if t.meta.approver == "Superintendent":
        return (
            f"Approved by the Superintendent, {signers['superintendent']}, and reported to the "
            f"School Board on {meeting} (resolution {signers['resolution']})."
        )
    return f"Adopted by the School Board on {meeting} (resolution {signers['resolution']})."


def certification(t: Template, district: dict[str, str], signers: dict[str, str]) -> str:
    """The block the board clerk completes: the vote and the signatures, per approver."""
    adopted = signers["status"] == "adopted"
    board = t.meta.approver == "School Board"
    vote = district["adoption_date"] if adopted else ""
    lines = [
        "## Certification of " + ("adoption" if board else "approval"),
        "",
        (
            f"The School Board of {district['name']} adopted this policy by the resolution "
            "below."
            if board
            else "The Superintendent approved this procedure under the authority the School "
            f"Board of {district['name']} delegates, and reported it to the Board at the "
            "meeting below."
        )
        + ("" if adopted else " To be completed after the vote."),
        "",
        "| Record | Entry |",
        "| --- | --- |",
        f"| {'Board vote' if board else 'Reported to the Board'} on | {vote} |",
        f"| Resolution number | {_cell(signers['resolution'] if adopted else '')} |",
        f"| Next review due by | {district['next_review']} |",
        "",
        "| Signed by | Name | Signature | Date |",
        "| --- | --- | --- | --- |",
    ]
    superintendent = f"{signers['superintendent']}, {signers['superintendent_title']}"
    if board:
        lines += [
            f"| Board president | {_cell(signers['board_president'])} |  |  |",
            f"| Board secretary (attest) | {_cell(signers['board_secretary'])} |  |  |",
        ]
    lines.append(f"| Superintendent | {_cell(superintendent)} |  |  |")
    return "\n".join(lines)


def policy_code(district: dict[str, str], number: int) -> str:
    """The code a policy carries in every header: district number and position in the pack."""
    return f"{district['code']}-{number:02d}"


def pack_document(
    t: Template,
    registry: dict[str, Parameter],
    duties: dict[str, str],
    district: dict[str, str],
    values: dict[str, Any],
    settings: Any,
    *,
    code: str,
    signers: dict[str, str],
) -> str:
    """One policy of a district pack, as plain Markdown: the policy text first, then the
    crosswalk and parameters in an appendix, then the certification."""
    parts = [
        f"# {t.meta.title}",
        "",
        f"**{district['name']}** (MDE district number {district['code']}), policy {code}. "
        f"{status_line(t, district, signers)} Next review due by {district['next_review']}.",
        "",
        plain(render(t, pack_context(district, values, settings))).strip(),
        "",
        "## Appendix: crosswalk and parameters",
        "",
        plain(
            metadata_table(t, duties, district["next_review"], int(values["review_cycle_months"]))
        ),
        "",
    ]
    if t.meta.parameters:
        parts += [
            "### District parameters",
            "",
            "| Parameter | This district | MDE floor | Source of the floor |",
            "| --- | --- | --- | --- |",
        ]
        for name in t.meta.parameters:
            param = registry[name]
            parts.append(
                f"| {_cell(param.title)} | {param.describe(values[name])} | "
                f"{param.describe(param.floor)} | {_cell(param.source)} |"
            )
        parts.append("")
    parts += [certification(t, district, signers), ""]
    return "\n".join(parts)


def cover_document(
    templates: list[Template],
    registry: dict[str, Parameter],
    district: dict[str, str],
    values: dict[str, Any],
    contacts: dict[str, str],
    link: Callable[[Template], str | None] = lambda t: None,
    *,
    codes: dict[str, str] | None = None,
    signers: dict[str, str] | None = None,
) -> str:
    """The pack's cover: the policies, who approves each, next review dates and the
    district's stricter values."""
    codes = codes or {t.id: policy_code(district, n) for n, t in enumerate(templates, 1)}
    adopted = (signers or {}).get("status") == "adopted"
    state = (
        f"Adopted by the School Board on {district['adoption_date']}"
        + (f" (resolution {signers['resolution']})" if signers else "")
        if adopted
        else f"{DRAFT_MARK} at the School Board meeting of {district['adoption_date']}"
    )
    parts = [
        f"# {district['name']}: information security and data privacy policies",
        "",
        f"Policy pack for MDE district number {district['code']}, prepared from the Mississippi "
        "Department of Education's templates under the proposed revision of State Board "
        "Rule 55.1. District policies may be stricter than the MDE's, never looser; where "
        "they conflict, the more restrictive policy prevails.",
        "",
        f"**{state}.** Next review of every policy due by {district['next_review']}.",
        "",
        "| Contact | Name, title and address |",
        "| --- | --- |",
    ]
    parts += [f"| {role} | {_cell(who)} |" for role, who in contacts.items()]
    parts += [
        "",
        "## Policies in this pack",
        "",
        "| Code | Policy | Owner | Approved by | Next review by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in templates:
        parts.append(
            f"| {codes[t.id]} | {_linked_title(t, link)} | {t.meta.owner} | {t.meta.approver} | "
            f"{district['next_review']} |"
        )
    parts += ["", "## Values that differ from the MDE defaults", ""]
    changed = [(n, p) for n, p in registry.items() if values[n] != p.floor]
    if changed:
        parts += [
            "| Parameter | This district | MDE default | Policies |",
            "| --- | --- | --- | --- |",
        ]
        for name, param in changed:
            using = [t.meta.title for t in templates if name in t.meta.parameters]
            users = "all policies" if len(using) == len(templates) else ", ".join(using) or "none"
            parts.append(
                f"| {_cell(param.title)} | {param.describe(values[name])} | "
                f"{param.describe(param.floor)} | {_cell(users)} |"
            )
    else:
        parts.append("This district adopts every MDE default unchanged.")
    return "\n".join(parts) + "\n"


def packet_contents(
    templates: list[Template], codes: dict[str, str], link: Callable[[Template], str | None]
) -> str:
    """The board packet's table of contents: each policy with its code and approver."""
    lines = [
        "# Contents",
        "",
        "Each policy starts on a new page and ends with its certification.",
        "",
        "| Code | Policy | Approved by |",
        "| --- | --- | --- |",
    ]
    for t in templates:
        lines.append(f"| {codes[t.id]} | {_linked_title(t, link)} | {t.meta.approver} |")
    return "\n".join(lines) + "\n"


def _linked_title(template: Template, link: Callable[[Template], str | None]) -> str:
    """A policy's title for a table cell, linked to its page in the pack when it has one."""
    target = link(template)
    title = _cell(template.meta.title)
    return f"[{title}]({target})" if target else title


def _doc(t: Template) -> str:
    return f"{{doc}}`{t.meta.title} </content/policies/{t.id}>`"


def index_table(templates: list[Template]) -> str:
    lines = [
        "| No. | Policy | Owner | CSF 2.0 functions | Parameters |",
        "| --- | --- | --- | --- | --- |",
    ]
    for number, t in enumerate(templates, start=1):
        functions = sorted(
            {frameworks.CSF_FUNCTION_OF[c] for c in t.meta.csf},
            key=list(frameworks.CSF_FUNCTIONS).index,
        )
        lines.append(
            f"| {number} | {_doc(t)} | {t.meta.owner} | {', '.join(functions)} | "
            f"{len(t.meta.parameters)} |"
        )
    return "\n".join(lines)


def crosswalk_matrix(templates: list[Template]) -> str:
    """Policies x CSF 2.0 functions; each cell names the categories the policy addresses."""
    functions = list(frameworks.CSF_FUNCTIONS)
    lines = ["| Policy | " + " | ".join(functions) + " |", "| --- |" + " --- |" * len(functions)]
    for t in templates:
        cells = [
            ", ".join(c for c in t.meta.csf if frameworks.CSF_FUNCTION_OF[c] == fn) or "–"
            for fn in functions
        ]
        lines.append(f"| {_doc(t)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def coverage(templates: list[Template]) -> dict[str, list[Template]]:
    """CSF category id -> the templates that address it (empty list: not covered)."""
    return {cid: [t for t in templates if cid in t.meta.csf] for cid in frameworks.CSF_CATEGORIES}


def coverage_text(templates: list[Template]) -> str:
    cover = coverage(templates)
    covered = [c for c, ts in cover.items() if ts]
    missing = [c for c, ts in cover.items() if not ts]
    lines = [
        f"The {len(templates)} policies address **{len(covered)} of the "
        f"{len(frameworks.CSF_CATEGORIES)}** NIST CSF 2.0 categories.",
        "",
    ]
    if missing:
        lines += ["Categories no policy covers yet:", ""]
        lines += [
            f"- **{c}** {frameworks.CSF_CATEGORIES[c]} ({frameworks.CSF_FUNCTION_OF[c]})"
            for c in missing
        ]
    else:
        lines.append("Every CSF 2.0 category is addressed by at least one policy.")
    thin = [c for c, ts in cover.items() if len(ts) == 1]
    if thin:
        lines += [
            "",
            "Categories only one policy addresses (a change to that policy can open a gap): "
            + ", ".join(f"{c} {frameworks.CSF_CATEGORIES[c]}" for c in thin)
            + ".",
        ]
    lines += ["", "| Function | Category | Policies |", "| --- | --- | --- |"]
    for cid, ts in cover.items():
        names = ", ".join(_doc(t) for t in ts) or "**none**"
        lines.append(
            f"| {frameworks.CSF_FUNCTION_OF[cid]} | {cid} {frameworks.CSF_CATEGORIES[cid]} "
            f"| {names} |"
        )
    for label, table, key in (
        ("NIST SP 800-171 Rev. 3 families", frameworks.SP800_171_FAMILIES, "sp800_171"),
        ("FIPS 200 areas", frameworks.FIPS200_AREAS, "fips200"),
    ):
        used = {i for t in templates for i in getattr(t.meta, key)}
        gaps = [f"{i} {n}" for i, n in table.items() if i not in used]
        lines += [
            "",
            f"{label}: {len(used)} of {len(table)} addressed"
            + (f"; not addressed: {'; '.join(gaps)}." if gaps else "."),
        ]
    return "\n".join(lines)


def parameters_table(registry: dict[str, Parameter], templates: list[Template]) -> str:
    """Every MDE floor with its source and the policies that use it (from parameters.yaml)."""
    lines = [
        "| Parameter | MDE default and floor | Stricter direction | Source | Used by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, param in registry.items():
        users = [t for t in templates if name in t.meta.parameters]
        used = (
            "all policies"
            if len(users) == len(templates)
            else ", ".join(_doc(t) for t in users) or "none"
        )
        lines.append(
            f"| {_cell(param.title)} (`{name}`) | {param.describe(param.floor)} | "
            f"{param.direction()} | {_cell(param.source)} | {used} |"
        )
    return "\n".join(lines)
