"""The site as Sphinx builds it: configuration, diagnostics, front matter, build, preview."""
