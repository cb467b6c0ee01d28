"""`time.sleep` and `asyncio.sleep` while a mock with ``sleep="advance"`` answers: its clock moves.

A polling loop, a botocore waiter (botocore.waiter calls ``time.sleep``) and botocore's retry
back-off (botocore.endpoint calls ``time.sleep``) then advance the mock's clock by the
seconds asked and return at once, so the job's work due meanwhile runs, in order, and the
loop ends exactly when the job would. aiobotocore's waiters and back-off await
``asyncio.sleep`` (or anyio's, which calls asyncio's): the coroutine advances the clock and
yields to the event loop once, as ``asyncio.sleep(0)`` does.

The innermost active mock decides (the one that answers, patching/registry.py): with the
option its clock moves; without it, sleeps are real. Sleeps in every thread count, as
freezegun's and time-machine's patches are process-wide.

A name bound before the patch (``from time import sleep``) is found as freezegun finds
them: the first engaged mock swaps it in every loaded module's namespace (pytest's, the
test runner's and importmock's own excepted), and the last release swaps back every
reference it made or that an import made meanwhile, so the original functions are in place
again, identical. A sleep that reaches the replacement with no engaged mock (a reference
kept elsewhere) is the original's.
"""

from __future__ import annotations

import functools
import math
import numbers
import sys
import threading
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from importmock.patching import registry

Move = Callable[[float], None]

# packages whose own pacing is not the code under test's: the test runner's and importmock's;
# and asyncio's internals (asyncio.sleep itself is patched in the asyncio package)
_SPARED = ("importmock", "_pytest", "pytest", "pluggy", "xdist", "execnet", "threading")
_SPARED_INSIDE = ("asyncio.",)

_lock = threading.Lock()
_movers: dict[object, Move] = {}  # engaged mocks, and how each moves its clock
_originals: dict[str, Any] = {"sleep": time.sleep}  # as the first engage found them
_swapped: list[tuple[ModuleType, str]] = []  # namespaces and names the replacements went into


def _move() -> Move | None:
    """How the answering mock moves its clock, if it has the option."""
    answering = registry.active()
    return None if answering is None else _movers.get(answering)


def _length(seconds: Any) -> float | None:
    """A sleep's length in seconds, or None for a value the original must judge (and refuse)."""
    if isinstance(seconds, numbers.Real) and math.isfinite(seconds):
        return float(seconds)
    return None


@functools.wraps(time.sleep)
def sleep(seconds: float) -> None:
    move, length = _move(), _length(seconds)
    if move is None or length is None or length < 0:  # negative: the original's ValueError
        _originals["sleep"](seconds)
        return
    move(length)


async def asleep(delay: float, result: Any = None) -> Any:
    """asyncio.sleep: advances the answering mock's clock and yields to the loop once."""
    move, length = _move(), _length(delay)
    if move is None or length is None:
        return await _originals["asleep"](delay, result)
    move(max(length, 0.0))  # asyncio treats a negative delay as none
    return await _originals["asleep"](0, result)


def engage(mock: object, move: Move) -> None:
    """Sleeps advance `mock`'s clock through `move` whenever it is the answering mock."""
    with _lock:
        if mock in _movers:
            return
        _movers[mock] = move
        if len(_movers) == 1:
            _install()


def release(mock: object) -> None:
    """Sleeps no longer move `mock`'s clock; after the last engaged mock, the originals are back."""
    with _lock:
        if _movers.pop(mock, None) is None or _movers:
            return
        _uninstall()


def engaged(mock: object) -> bool:
    """Whether `mock` has sleeps advance its clock now."""
    return mock in _movers


def _install() -> None:
    import asyncio  # here, not at import: importmock's import stays light

    # ours may still be in place, left under someone's patch at the last release: then the
    # original is the one found before, or ours would pass each sleep on to itself
    if time.sleep is not sleep:
        _originals["sleep"] = time.sleep
    if asyncio.sleep is not asleep:
        _originals["asleep"] = asyncio.sleep
    replacements = {id(_originals["sleep"]): sleep, id(_originals["asleep"]): asleep}
    for module, name, value in _bindings(lambda value: id(value) in replacements):
        vars(module)[name] = replacements[id(value)]
        _swapped.append((module, name))


def _uninstall() -> None:
    back = {id(sleep): _originals["sleep"], id(asleep): _originals["asleep"]}
    for module, name in _swapped:
        value = vars(module).get(name)
        if id(value) in back:  # still ours: someone's patch on top of it stays
            vars(module)[name] = back[id(value)]
    _swapped.clear()
    # names bound while engaged (``from time import sleep`` in a module imported meanwhile)
    for module, name, value in _bindings(lambda value: id(value) in back):
        vars(module)[name] = back[id(value)]


def _bindings(wanted: Callable[[Any], bool]) -> list[tuple[ModuleType, str, Any]]:
    """Every (module, name, value) of the loaded modules' namespaces whose value is wanted."""
    found: list[tuple[ModuleType, str, Any]] = []
    for module_name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)  # sys.modules may hold stand-ins of any kind
        if not isinstance(namespace, dict):
            continue
        if module_name.partition(".")[0] in _SPARED or module_name.startswith(_SPARED_INSIDE):
            continue
        found.extend((module, name, value) for name, value in list(namespace.items()) if wanted(value))
    return found
