"""Rule 55.1: its duties traced to pages, and the data governance calendar."""
