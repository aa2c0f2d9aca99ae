"""Talking to a Learning Record Store: the HTTP client, the local Ralph, the demo learner."""
