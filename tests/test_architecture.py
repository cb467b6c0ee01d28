"""The package's layers, checked from the source: imports run one way, and no module circles.

Each module of importmock belongs to a layer; a module may import from its own layer and
those below, never from above. Every import counts, also one inside a function or under
TYPE_CHECKING: a lazy upward import is still a dependency. Modules, and the packages they
sit in, must not import each other in a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "importmock"

# lowest first; a module's layer is the longest prefix of its name listed here
LAYERS: tuple[tuple[str, ...], ...] = (
    ("importmock.version", "importmock.clock", "importmock.errors", "importmock.types"),
    ("importmock.jobs",),
    ("importmock.wire",),
    ("importmock.patching",),
    ("importmock.dataplane",),
    ("importmock.services",),
    ("importmock.faults", "importmock.state", "importmock.snapshots", "importmock.decorators"),
    ("importmock.mock",),
    ("importmock.server",),
    ("importmock", "importmock.cli", "importmock.pytest_plugin", "importmock.__main__"),
)
PACKAGES = (
    "importmock.jobs",
    "importmock.wire",
    "importmock.patching",
    "importmock.dataplane",
    "importmock.services",
    "importmock.snapshots",
    "importmock.server",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def imported(name: str) -> set[str]:
    """The importmock modules `name` imports, anywhere in its code."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1 steps
                parents = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parents, base]).rstrip(".")
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


def layer(name: str) -> int:
    best, rank = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    assert rank >= 0, f"{name} is in no layer: add it to LAYERS"
    return rank


GRAPH = {name: imported(name) for name in MODULES}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_imports_nothing_from_a_layer_above(name: str) -> None:
    upward = sorted(target for target in GRAPH[name] if layer(target) > layer(name))
    assert upward == [], f"{name} (layer {layer(name)}) imports from above: {upward}"


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle in `graph`, as the list of its nodes, or None."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return trail[trail.index(target):] + [target]
            if target not in state and (found := visit(target)) is not None:
                return found
        state[node] = 2
        trail.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_modules_import_each_other_in_no_circle() -> None:
    assert cycle(GRAPH) is None


def package_of(name: str) -> str:
    return next((p for p in PACKAGES if name == p or name.startswith(p + ".")), name)


def test_packages_import_each_other_in_no_circle() -> None:
    graph: dict[str, set[str]] = {}
    for name, targets in GRAPH.items():
        graph.setdefault(package_of(name), set()).update(
            package_of(t) for t in targets if package_of(t) != package_of(name)
        )
    assert cycle(graph) is None


def test_cycle_finds_a_circle_and_layer_an_upward_import() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None
    assert layer("importmock.jobs.backend") < layer("importmock.wire.dispatch") < layer("importmock.mock")
