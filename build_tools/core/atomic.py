"""The one way isdp writes an output: all at once, and only over what isdp wrote itself.

A folder (a report, a policy pack, the built site) is written into a temporary sibling that
holds a marker file, then swapped into place. The target must be new, empty, or a folder
whose marker says isdp wrote it; anything else (``--out .``, ``--out .isdp``, someone's
documents) is refused before any work, and nothing is ever removed that isdp did not write.
A failure leaves the previous output as it was. A single file (links.csv, keys.lock, a
.zip, auth.json) is written beside its target and renamed over it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from build_tools.core.errors import ContentError

MARKER = ".isdp-output"
_MARKER_TEXT = "Written by isdp: the whole folder is replaced by the next run of the same command.\n"


def check_target(out: Path, also_mine: Sequence[str] = ()) -> None:
    """Refuse ``out`` unless it is new, an empty folder, or a folder isdp wrote.

    ``also_mine``: names that identified isdp's folders before the marker existed (a pack's
    pack.json, Sphinx's .buildinfo), so older outputs are still replaced.
    """
    out = Path(out)
    resolved = out.resolve()
    if resolved == Path(resolved.anchor) or Path.cwd().resolve().is_relative_to(resolved):
        raise ContentError(out, None, "is the current folder or holds it; choose a new folder for the output")
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise ContentError(out, None, "exists and is not a folder; choose a new or empty folder")
    if any(out.iterdir()) and not any((out / name).is_file() for name in (MARKER, *also_mine)):
        raise ContentError(out, None, "exists, is not empty and was not written by isdp; "
                           "nothing was changed: choose a new or empty folder")


@contextmanager
def atomic_dir(out: Path, also_mine: Sequence[str] = (), seed: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``out`` (see ``check_target``).

    ``seed``: start from a copy of the previous output (Sphinx then rewrites only what
    changed). The check runs before the caller's work, so a refusal costs nothing.
    """
    out = Path(out)
    check_target(out, also_mine)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        if seed and out.is_dir():
            shutil.copytree(out, tmp, dirs_exist_ok=True, symlinks=True)
        (tmp / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        yield tmp
        check_target(out, also_mine)  # still ours: nobody filled it while we worked
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(tmp: Path, out: Path) -> None:
    if not out.exists():
        tmp.rename(out)
        return
    if not any(out.iterdir()):  # an empty folder: nothing of anyone's to keep
        out.rmdir()
        tmp.rename(out)
        return
    old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
    out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)  # isdp's own previous output (checked above)


@contextmanager
def atomic_file(path: Path, mode: str = "w", *, private: bool = False,
                newline: str | None = None) -> Iterator[IO]:
    """Write one file beside ``path`` and rename it over ``path`` only when complete.

    ``private``: readable by its owner only (it holds credentials), from the first byte.
    """
    path = Path(path)
    if path.is_dir():
        raise ContentError(path, None, "is a folder; give the name of a file to write")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if private:
            os.chmod(temporary, 0o600)
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(handle, mode, encoding=encoding, newline=newline) as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
