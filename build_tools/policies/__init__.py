"""The 22 LEA policy templates: models, crosswalk, site pages and district packs."""
