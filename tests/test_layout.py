"""The package layout: no import cycle between build_tools' packages.

Each package (core, site, rule, courses, guidance, policies, xapi, store, reports) may use
the ones below it; a cycle would mean two packages are one concern split in two. Imports
inside functions count too: they only defer the cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "build_tools"


def package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "build_tools" or len(parts) < 2 or not (PACKAGE / parts[1]).is_dir():
        return None  # a root module (cli, components) wires packages; it is not one
    return parts[1]


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        source = package_of(module)
        if source is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                target = package_of(name)
                if target and target != source:
                    graph.setdefault(source, set()).add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*trail[trail.index(nxt):], nxt] if nxt in trail else [*trail, nxt]
            if nxt not in state and (cycle := visit(nxt, [*trail, nxt])):
                return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_no_import_cycle_between_packages():
    graph = import_graph()
    assert {"core", "site", "xapi", "store", "reports"} <= set(graph) | {"core"}, graph
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
