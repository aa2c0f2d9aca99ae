"""Foundations every component uses: one error type, YAML, site.yaml, rosters, atomic writes."""
