"""Minify the CSS and JS a build publishes in _static/, and drop CSS rules no page can use.

Runs after every HTML build on whatever the theme, the extensions and our components put in
_static/ (Sphinx copies the sources there again in every build, so this always starts from
them): nothing is listed by hand, and a new script or stylesheet is minified too.

- JS and CSS: tdewolff-minify (Python bindings to the Go library tdewolff/minify), which
  parses ES2015+ (modules, template literals, ``?.``), renames local names and keeps
  ``/*! licence */`` comments. Its output is held to ES2020, the newest syntax the runtime
  is written in, so minifying never asks more of a school's browser than the sources do.
  Only files are minified: inline scripts stay as the page has them, so their CSP hashes
  (site/html/csp.py, site.yaml ``csp.inline_scripts``) are those of what is served.
- CSS is first purged of the rules whose selectors name a class that no built page has
  and no script could add: a class counts as used if it is in a ``class`` attribute of any
  page, or is a word of any script in _static/ (or starts with such a word that ends in ``-``,
  for names a script builds, as in ``"isdp-quiz-" + state``). Classes inside ``:not()``,
  ``:is()``, ``:where()`` and ``:has()`` never cause a drop. furo's and sphinx-design's
  stylesheets are most of what a page loads, and most of their rules style components this
  site does not use.

A purge depends on every page, so its result is cached beside the doctrees, keyed by the
stylesheet and the set of classes: a one-page rebuild usually reuses it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from sphinx.application import Sphinx

_CLASS_ATTR = re.compile(rb'class="([^"]*)"')
_JS_WORD = re.compile(r"[A-Za-z_][\w-]*")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_SKIP = (".min.js",)  # already minified by their authors; the CSS ones are still purged


def used_classes(outdir: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    """Classes the pages use, and the words of the scripts (any may name a class)."""
    classes: set[str] = set()
    for page in outdir.rglob("*.html"):
        for value in _CLASS_ATTR.findall(page.read_bytes()):
            classes.update(value.decode("utf-8", "replace").split())
    words: set[str] = set()
    for script in (outdir / "_static").rglob("*.js"):
        words.update(_JS_WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
    prefixes = tuple(sorted(w for w in words if w.endswith("-") and len(w) > 2))
    return frozenset(classes | words), prefixes


def _top_level(text: str) -> str:
    """The selector without what is inside parentheses or brackets."""
    out, depth = [], 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p.strip() for p in parts if p.strip()]


def _purge_rules(rules: Iterable, used: frozenset[str], prefixes: tuple[str, ...]) -> str:
    import tinycss2

    def is_used(name: str) -> bool:
        return name in used or name.startswith(prefixes)

    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_selectors(tinycss2.serialize(rule.prelude))
                         if "\\" in s or all(is_used(c) for c in _CLASS.findall(_top_level(s)))]
            if selectors:
                out.append(f"{','.join(selectors)}{{{tinycss2.serialize(rule.content)}}}")
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in (
                "media", "supports", "layer", "container"):
            inner = _purge_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                           skip_whitespace=True), used, prefixes)
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
        elif rule.type in ("at-rule", "qualified-rule"):
            out.append(rule.serialize())
    return "".join(out)


def purge_css(css: str, used: frozenset[str], prefixes: tuple[str, ...] = ()) -> str:
    """The stylesheet without the rules no page can match."""
    import tinycss2

    return _purge_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True),
                        used, prefixes)


_MEDIA_TYPES = {".js": "application/javascript", ".css": "text/css"}


def minify_text(text: str, suffix: str) -> str:
    """``text`` (a ``.js`` or ``.css`` file's) minified, or as it is if it cannot be parsed:
    the runtime's syntax is checked by node (tests/test_js_units.py), and a theme's file
    is published as its authors wrote it rather than fail the build."""
    import minify

    minify.config({"js-version": 2020})
    try:
        result = minify.string(_MEDIA_TYPES[suffix], text)
    except minify.MinifyError:
        return text
    return result if len(result) < len(text) else text


def minify_static(outdir: Path, cache: Path | None = None) -> dict[str, tuple[int, int]]:
    """Minify every .css and .js under ``outdir/_static``; returns path -> (before, after)."""
    static = outdir / "_static"
    used, prefixes = used_classes(outdir)
    key = hashlib.sha256("\n".join([*sorted(used), "", *prefixes]).encode()).hexdigest()[:16]
    sizes = {}
    for file in sorted(static.rglob("*")):
        if file.suffix not in _MEDIA_TYPES or file.name.endswith(_SKIP) or not file.is_file():
            continue
        source = file.read_text(encoding="utf-8")
        purged = source if file.suffix == ".js" else _cached_purge(source, used, prefixes, key, cache)
        result = minify_text(purged, file.suffix)
        if result != source:
            file.write_text(result, encoding="utf-8")
        sizes[file.relative_to(outdir).as_posix()] = (len(source), len(result))
    return sizes


def _cached_purge(css: str, used: frozenset[str], prefixes: tuple[str, ...], key: str,
                  cache: Path | None) -> str:
    if cache is None:
        return purge_css(css, used, prefixes)
    entry = cache / f"{hashlib.sha256(css.encode()).hexdigest()[:16]}-{key}.css"
    if entry.exists():
        return entry.read_text(encoding="utf-8")
    result = purge_css(css, used, prefixes)
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"{entry.name.split('-')[0]}-*.css"):  # one entry per stylesheet
        old.unlink()
    entry.write_text(result, encoding="utf-8")
    return result


def _minify_site(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.name == "html":
        minify_static(Path(app.outdir), Path(app.doctreedir) / "purged-css")


def setup_minify(app: Sphinx) -> None:
    app.connect("build-finished", _minify_site, priority=500)
