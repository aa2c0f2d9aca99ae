"""The local statement store (SQLite) and the sync that fills it from an LRS."""
