"""Compliance reports: the LRS sync into a local store, the roster, and the reports read from it."""
