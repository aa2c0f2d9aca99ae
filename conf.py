"""Sphinx configuration for the ISDP site.

Deliberately thin: every setting is declared and validated in `build_tools`
(agency settings come from site.yaml), so editors never need to touch Python.
"""

extensions = ["build_tools"]
