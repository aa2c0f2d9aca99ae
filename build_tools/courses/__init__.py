"""Training courses: the course.yaml model, module sources (Markdown or notebooks), the
``{quiz}`` directive and the pages that list courses and modules."""
