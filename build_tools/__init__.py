"""ISDP: the Sphinx extension that builds the MDE Information Security and Data Privacy site.

``setup()`` only wires components; ``components.py`` lists them, each a package with a
``sphinx.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this package; keep Sphinx out of its start-up
    from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, object]:
    from build_tools.components import setup_all

    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_design")
    setup_all(app)
    return {"version": __version__, "env_version": _code_version(),
            "parallel_read_safe": True, "parallel_write_safe": True}


def _code_version() -> int:
    """A checksum of this package's code and templates.

    Sphinx re-reads every page when an extension's ``env_version`` changes; without this an
    incremental build after a code change would keep pages rendered by the old code.
    """
    import zlib
    from pathlib import Path

    checksum = 0
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".html", ".js", ".css", ".yaml"} and "__pycache__" not in path.parts:
            checksum = zlib.crc32(path.read_bytes(), checksum)
    return checksum
