"""Write a report directory all at once: into a temporary sibling, then moved into place.

A reader (or a mail merge) never sees a half-written report, and a failure leaves the
previous report untouched.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from build_tools.core.errors import ContentError


@contextmanager
def atomic_dir(out: Path) -> Iterator[Path]:
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ContentError(out, None, "output exists and is not a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)
