"""Fixtures for course tests: a small site holding one course, built like the real one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]

COURSE_YAML = """\
id: demo
title: Demo course 2026–27
audience: Everyone who builds this test site.
required_for: [all]
mastery_score: 0.8
estimated_minutes: 10
modules: [first]
"""

COURSE_INDEX = """\
---
description: A small course that the tests build to check the quiz engine.
---

# Demo course 2026–27

```{course}
```
"""

COURSES_INDEX = """\
---
description: The list of courses of the small test site, one demo course.
---

# Training

```{course-list}
```
"""


def module(body: str) -> str:
    return (
        "---\ndescription: The one module of the demo course, with its questions.\n---\n\n"
        "# First module\n\nSome teaching text.\n\n" + body
    )


QUESTION = """\
::::{quiz} demo-01
:kind: single

Which answer is right?

:::{choice} This one.
:correct:
Yes, because it is.
:::

:::{choice} That one.
No, because it is not.
:::

:::{explanation}
Pick the right one.
:::
::::
"""


HOME = """\
---
description: Home page of the small test site that holds only the demo course.
---

# Test site

```{toctree}
/courses/index
```
"""


@pytest.fixture
def course_site(make_site):
    """``course_site({"first.md": text})`` -> source dir of a small site with one course.

    The site has a minimal home page; every duty of the traceability map points at it, so the
    build's only subject is the demo course.
    """

    def _make(modules: dict[str, str], course_yaml: str = COURSE_YAML) -> Path:
        pages = {
            "content/index.md": HOME,
            "courses/index.md": COURSES_INDEX,
            "courses/demo/index.md": COURSE_INDEX,
            "courses/demo/course.yaml": course_yaml,
        }
        pages.update({f"courses/demo/{name}": text for name, text in modules.items()})
        src = make_site(pages)
        duties = yaml.safe_load((REPO / "content/data/duties.yaml").read_text(encoding="utf-8"))
        (src / "content/data/traceability.yaml").write_text(
            "".join(f"{duty['id']}: {{pages: [content/index]}}\n" for duty in duties["duties"]),
            encoding="utf-8",
        )
        return src

    return _make
