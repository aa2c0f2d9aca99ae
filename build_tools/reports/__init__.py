"""Compliance reports read from the local store: training, quarterly, their charts and pages."""
