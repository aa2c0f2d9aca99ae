"""Render the documents as their readers see them, for a person to look at (not collected by
pytest; LibreOffice is not in CI).

    PYTHONPATH=. python tests/visual/render_documents.py /tmp/documents-visual

writes, under the folder: the example district's pack as a draft and as adopted; each
pack's cover, one policy and the board packet converted from DOCX to PDF by LibreOffice and
to PNG pages by pdftoppm; the HTML board packet and the quarterly report printed to PDF by
headless Chromium (Playwright's page.pdf), also as PNG pages. It prints the page count of
every PDF. Needs soffice (libreoffice-writer-nogui) and pdftoppm (poppler-utils).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from build_tools.policies import pack  # noqa: E402
from tests.conftest import CHROMIUM_ARGS  # noqa: E402

DOCX = ("00-cover", "11-incident-response", "03-best-practices-guidelines", "board-packet")


def soffice_pdf(docx: Path, out: Path, profile: Path) -> Path:
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{profile}",
         "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        check=True, capture_output=True, timeout=300,
    )
    return out / f"{docx.stem}.pdf"


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def pngs(pdf: Path, first: int = 1, last: int = 4) -> None:
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", str(first), "-l", str(last), str(pdf),
         str(pdf.with_suffix(""))],
        check=True,
    )


def adopted_district(folder: Path) -> Path:
    text = (REPO / "examples" / "district-example.yaml").read_text(encoding="utf-8")
    text = text.replace("  # adoption:", "  adoption:").replace("  #   ", "    ")
    path = folder / "district-adopted.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def chromium_pdf(browser, html: Path, pdf: Path) -> None:
    page = browser.new_page()
    page.goto(html.as_uri())
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    page.close()


def quarterly_html(folder: Path) -> Path:
    """The 2026Q4 report from the shipped data and an empty store."""
    from click.testing import CliRunner

    from build_tools.cli import main
    from build_tools.store import sqlite as store

    db = folder / "store.sqlite"
    store.connect(db).close()
    out = folder / "quarterly"
    result = CliRunner().invoke(
        main, ["report", "quarterly", "--quarter", "2026Q4", "--out", str(out),
               "--store", str(db), "--src", str(REPO)],
    )
    assert result.exit_code == 0, result.output
    return out / "index.html"


def main(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    example = REPO / "examples" / "district-example.yaml"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for mode, district in (("draft", example), ("adopted", adopted_district(target))):
            out = target / mode
            pack.render(REPO, district, out / "pack", ["html", "docx"])
            for stem in DOCX:
                pdf = soffice_pdf(out / "pack" / "docx" / f"{stem}.docx", out, profile)
                pngs(pdf)
                print(f"{mode} {stem}.docx -> PDF: {pages(pdf)} pages")
            html_pdf = out / "board-packet-html.pdf"
            chromium_pdf(browser, out / "pack" / "html" / "board-packet.html", html_pdf)
            pngs(html_pdf)
            print(f"{mode} board-packet.html -> PDF: {pages(html_pdf)} pages")
        report = quarterly_html(target)
        pdf = target / "quarterly.pdf"
        chromium_pdf(browser, report, pdf)
        pngs(pdf, last=8)
        print(f"quarterly report -> PDF: {pages(pdf)} pages")
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/isdp-visual"))
