"""The 22 LEA policy templates: models, crosswalk, site pages and district packs."""

from __future__ import annotations

from .sphinx import setup_policies

__all__ = ["setup_policies"]
