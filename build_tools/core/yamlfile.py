"""YAML that remembers where each value came from, and validation with line numbers.

Every data file of the project (site.yaml, course.yaml, district files, data files)
is read here, so that every schema error reads ``path:line: message``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from build_tools.core.errors import ContentError, ContentErrors

Loc = tuple[Any, ...]
# libyaml's parser when PyYAML was built with it: the build reads data files hundreds of times.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
M = TypeVar("M", bound=BaseModel)


class Located:
    """Parsed YAML data plus the source line of every key and item."""

    def __init__(self, path: Path | str, data: Any, lines: dict[Loc, int], offset: int = 0):
        self.path = path
        self.data = data
        self._lines = lines
        self._offset = offset

    def line(self, loc: Loc = ()) -> int:
        """Line of the deepest known prefix of ``loc`` (1-based, file coordinates)."""
        loc = tuple(loc)
        while loc not in self._lines and loc:
            loc = loc[:-1]
        return self._lines.get(loc, 1) + self._offset

    def error(self, loc: Loc, message: str) -> ContentError:
        return ContentError(self.path, self.line(loc), message)


def _record_lines(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            _record_lines(value_node, loc + (key,), lines)
            lines[loc + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, loc + (index,), lines)


def parse(text: str, path: Path | str, offset: int = 0) -> Located:
    """Parse YAML text; ``offset`` is the file line before the text (front matter)."""
    loader = _Loader(text)
    try:  # one parse: compose the node tree (for lines), then build the data from it
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else None
        raise ContentError(path, line, f"invalid YAML: {exc.problem or exc.context}") from None
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return Located(path, data, lines, offset)


def load(path: Path) -> Located:
    """Read a YAML file; a missing or unreadable file is a ContentError too.

    Directives on many pages read the same few data files, so a file is parsed once per
    version (path, size and modification time); callers must not mutate the data.
    """
    return _load(*version(path))


def version(path: Path | str) -> tuple[str, int, int]:
    """(path, modification time, size): a cache key that changes whenever the file does."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        raise ContentError(path, None, "file not found") from None
    return str(path), stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=256)
def _load(path: str, mtime_ns: int, size: int) -> Located:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(path, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ContentError(path, None, f"not UTF-8 text ({exc.reason})") from None
    return parse(text, Path(path))


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown key '{error['loc'][-1]}'" + (f" in '{'.'.join(map(str, error['loc'][:-1]))}'" if len(error["loc"]) > 1 else "")
    if error["type"] == "missing":
        return f"missing required key '{loc}'"
    message = error["msg"]
    message = message.removeprefix("Value error, ")
    return f"'{loc}': {message}" if loc else message


def validate(model: type[M], located: Located, context: dict[str, Any] | None = None) -> M:
    """Validate parsed data against a pydantic model; raise every error with its line."""
    data = located.data if located.data is not None else {}
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        errors = [
            located.error(tuple(err["loc"]), _describe(err))
            for err in exc.errors(include_url=False)
        ]
        raise ContentErrors(errors) from None


def load_model(model: type[M], path: Path, context: dict[str, Any] | None = None) -> M:
    """Read ``path`` and validate it against ``model`` in one step (once per file version
    when there is no context); callers must not mutate the model."""
    if context is not None:
        return validate(model, load(path), context)
    return _load_model(model, *version(path))


@functools.lru_cache(maxsize=256)
def _load_model(model: type[M], path: str, mtime_ns: int, size: int) -> M:
    return validate(model, _load(path, mtime_ns, size))
