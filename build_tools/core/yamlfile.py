"""YAML that remembers where each value came from, and validation with line numbers.

Every YAML the project reads (site.yaml, course.yaml, front matter, district files,
checklists, webinars, data files, and MyST's own front matter and directive options through
``route_myst``) is read here, so that every error reads ``path:line: message``.

Hostile or careless input is refused before any value is built: aliases (``*name``; a 2 KB
alias bomb used to take 35 s and 1.2 GB), a key given twice (the second silently won),
binary or non-UTF-8 bytes, nesting deeper than ``MAX_DEPTH``, files over ``MAX_BYTES``.
libyaml still does the parsing (CSafeLoader: the build reads these files often); the checks
walk the node tree once, as the line numbers already did.
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
MAX_DEPTH = 50  # our deepest file nests 6 levels; 990 levels raised RecursionError
MAX_BYTES = 1_000_000  # our largest YAML is 14 KB


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


def _record_lines(node: yaml.Node, loc: Loc, lines: dict[Loc, int], check: _Checks,
                  depth: int = 0, where: int | None = None) -> None:
    """``where``: the line that refers to ``node`` (an alias's own line, not its anchor's)."""
    lines[loc] = node.start_mark.line + 1
    check.visit(node, depth, where)
    if isinstance(node, yaml.MappingNode):
        first: dict[tuple[str, Any], int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise check.error(line, "a key must be plain text, not a list or mapping")
            key = key_node.value
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise check.error(line, "merge keys (<<) are not allowed; write the keys out")
            if (key_node.tag, key) in first:
                raise check.error(line, f"duplicate key '{key}' (first on line "
                                  f"{first[key_node.tag, key] + check.offset}); keep one")
            first[key_node.tag, key] = line
            check.visit(key_node, depth + 1, line)
            _record_lines(value_node, loc + (key,), lines, check, depth + 1, line)
            lines[loc + (key,)] = line
    elif isinstance(node, yaml.SequenceNode):
        where = node.start_mark.line + 1
        for index, item in enumerate(node.value):
            _record_lines(item, loc + (index,), lines, check, depth + 1, where)
            where = item.end_mark.line + 1 if id(item) in check.seen else where


class _Checks:
    """What the node walk refuses: a node met twice (an alias) and deep nesting."""

    def __init__(self, path: Path | str, offset: int) -> None:
        self.path, self.offset = path, offset
        self.seen: set[int] = set()

    def error(self, line: int, message: str) -> ContentError:
        return ContentError(self.path, line + self.offset, message)

    def visit(self, node: yaml.Node, depth: int, where: int | None = None) -> None:
        if id(node) in self.seen:  # the composer hands an alias the anchored node itself
            raise self.error(where or node.start_mark.line + 1, "aliases (*name) are not allowed "
                             "(an alias can expand a small file into gigabytes); repeat the value")
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise self.error(node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")


def _check_text(text: str, path: Path | str, offset: int) -> None:
    if len(text) > MAX_BYTES:
        raise ContentError(path, None, f"is {len(text):,} characters long; YAML text is "
                           f"limited to {MAX_BYTES:,}")
    nul = text.find("\0")
    if nul >= 0:
        raise ContentError(path, text.count("\n", 0, nul) + 1 + offset,
                           "binary data (a NUL byte), not YAML text")


def parse(text: str, path: Path | str, offset: int = 0) -> Located:
    """Parse YAML text; ``offset`` is the file line before the text (front matter)."""
    _check_text(text, path, offset)
    loader = _Loader(text)
    lines: dict[Loc, int] = {}
    try:  # one parse: compose the node tree (for lines and checks), then build the data
        node = loader.get_single_node()
        if node is not None:
            _record_lines(node, (), lines, _Checks(path, offset))
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else None
        raise ContentError(path, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:  # the reader: a control character, not text
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 + offset if position is not None else None
        reason = getattr(exc, "reason", None) or str(exc)
        raise ContentError(path, line, f"not YAML text: {reason}") from None
    finally:
        loader.dispose()
    return Located(path, data, lines, offset)


def safe_load(text: str, path: Path | str = "<string>") -> Any:
    """``yaml.safe_load`` with this module's checks (for MyST, through ``route_myst``)."""
    return parse(text, path).data


def read_text(path: Path | str) -> str:
    """A text file as UTF-8, or a ContentError saying why it is not one."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ContentError(path, None, "file not found") from None
    except IsADirectoryError:
        raise ContentError(path, None, "is a folder, not a file") from None
    if b"\0" in data:
        raise ContentError(path, data.count(b"\n", 0, data.index(b"\0")) + 1,
                           "binary data (a NUL byte), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContentError(path, line, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


class _MystYamlError(yaml.YAMLError):
    """MyST reports a YAMLError as its own warning; this one carries our message."""


class _MystYaml:
    """Stands in for the ``yaml`` module inside MyST, so that page front matter and
    directive options are read with our checks (MyST calls ``yaml.safe_load`` itself)."""

    YAMLError = yaml.YAMLError

    def __getattr__(self, name: str) -> Any:
        return getattr(yaml, name)

    @staticmethod
    def safe_load(stream: Any) -> Any:
        text = stream if isinstance(stream, str) else stream.read()
        try:
            return parse(text, "front matter or directive options").data
        except ContentError as exc:
            raise _MystYamlError(f"line {exc.line}: {exc.message}" if exc.line else exc.message) from None


def route_myst() -> None:
    """Make MyST's YAML reads go through ``parse`` (called once by the site's Sphinx setup)."""
    import importlib

    for name in ("myst_parser.config.main", "myst_parser.parsers.directives",
                 "myst_parser.parsers.docutils_", "myst_parser.mdit_to_docutils.base"):
        module = importlib.import_module(name)
        if getattr(module, "yaml", None) is yaml:
            module.yaml = _MystYaml()  # type: ignore[attr-defined]


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
    if size > MAX_BYTES:  # refused before it is read
        raise ContentError(path, None, f"is {size:,} bytes; YAML files are limited to {MAX_BYTES:,}")
    return parse(read_text(path), Path(path))


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        parent = ".".join(map(str, error["loc"][:-1]))
        return f"unknown key '{error['loc'][-1]}'" + (f" in '{parent}'" if parent else "")
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
