"""Runs actions when chosen modules are imported while a mock is active (aiobotocore, moto, requests).

importmock patches libraries it does not depend on only once the user has imported them.
A test that starts the mock and then imports aiobotocore (or requests, or moto) inside the
test would otherwise send its first calls past the mock, to the network. While installed,
a finder at the head of `sys.meta_path` gives the watched modules' loaders an `exec_module`
that runs the module's actions right after the module's own code; every other import, and
the loader the module keeps, are left as they are. intercept installs it with the first
active mock and removes it with the last.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import sys
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

Action = Callable[[], None]


class _Watch(importlib.abc.MetaPathFinder):
    """Finds nothing itself: it asks the finders after it and wraps what they find."""

    def __init__(self) -> None:
        self.actions: dict[str, list[Action]] = {}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        actions = self.actions.get(fullname)
        if not actions:
            return None
        spec = _find_after(self, fullname, path, target)
        loader: Any = None if spec is None else spec.loader
        original = getattr(loader, "exec_module", None)
        if original is None:
            return spec  # a loader of the old protocol: patched at the next start instead

        def exec_module(module: ModuleType) -> None:
            try:
                original(module)
            finally:
                vars(loader).pop("exec_module", None)  # the loader is itself again
            for action in list(actions):
                action()

        with contextlib.suppress(AttributeError):  # a loader with slots: patched at the next start
            loader.exec_module = exec_module  # this module's loader instance only
        return spec


def _find_after(
    watch: _Watch, fullname: str, path: Sequence[str] | None, target: ModuleType | None
) -> ModuleSpec | None:
    """The spec the rest of `sys.meta_path` finds for `fullname`."""
    for finder in list(sys.meta_path):
        find = getattr(finder, "find_spec", None)
        if finder is watch or find is None:
            continue
        spec: ModuleSpec | None = find(fullname, path, target)
        if spec is not None:
            return spec
    return None


_watch = _Watch()


def when_imported(module: str, action: Action) -> None:
    """Runs `action` each time `module` is imported while the hook is installed."""
    actions = _watch.actions.setdefault(module, [])
    if action not in actions:
        actions.append(action)


def install() -> None:
    """Puts the hook at the head of `sys.meta_path` (once)."""
    if _watch not in sys.meta_path:
        sys.meta_path.insert(0, _watch)


def uninstall() -> None:
    """Takes the hook out of `sys.meta_path`, wherever it is."""
    while _watch in sys.meta_path:
        sys.meta_path.remove(_watch)
