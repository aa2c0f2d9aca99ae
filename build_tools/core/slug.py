"""The one id pattern: course, module, question, policy, webinar and checklist ids.

Ids end up in page addresses, saved answers and xAPI activity IRIs, so they are lower-case
letters and digits joined by single hyphens.
"""

from __future__ import annotations

import re

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG)
