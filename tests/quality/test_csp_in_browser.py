"""Every page works under its Content-Security-Policy: no violation, no console error.

The policy (build_tools/site/html/csp.py) allows only the site's own files and the hashes of the
inline blocks the theme writes; a violation means a page lost a script or a style it needs.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from .browser_audit import report


def test_every_page_carries_a_content_security_policy(shipped_site, site_pages):
    missing = []
    for path in site_pages:
        soup = BeautifulSoup((shipped_site / path).read_text(encoding="utf-8"), "html.parser")
        meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        if meta is None or "default-src 'self'" not in meta.get("content", ""):
            missing.append(path)
        elif meta.find_previous(["script", "style", "link"]) is not None:
            missing.append(f"{path} (policy comes after a script or style it should govern)")
    assert not missing, "pages without a policy at the top of <head>: " + ", ".join(missing)


def test_no_page_violates_its_policy(audits):
    failures = {path: audit.csp_violations for path, audit in audits.items() if audit.csp_violations}
    assert not failures, report(failures)


def test_no_page_logs_a_console_error_or_throws(audits):
    failures = {path: audit.console_errors + audit.page_errors
                for path, audit in audits.items() if audit.console_errors or audit.page_errors}
    assert not failures, report(failures)
