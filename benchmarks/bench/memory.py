"""Bytes an object graph holds, for memory per job: a walk over gc referents, each object once.

tracemalloc would also tell, but it slows creating 100,000 jobs twentyfold; a walk of what
the mock holds after creating them costs a few seconds. Classes, modules and functions are
shared with the rest of the process, so the walk does not enter them.
"""

from __future__ import annotations

import gc
import sys
import types
from collections.abc import Callable, Iterable

from importmock import ImportMock

_SHARED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)


def held_bytes(roots: Iterable[object], skip: Iterable[object] = ()) -> int:
    """The size of every object reachable from `roots`, each counted once.

    Objects reachable from `skip` too (what the process holds anyway, such as botocore's
    models) are not counted.
    """
    seen = {id(obj) for obj in skip}
    pending = [obj for obj in roots if id(obj) not in seen]
    total = 0
    while pending:
        obj = pending.pop()
        if id(obj) in seen or isinstance(obj, _SHARED):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        pending.extend(ref for ref in gc.get_referents(obj) if id(ref) not in seen)
    return total


def held_per_job(mock: ImportMock, create: Callable[[], int]) -> float:
    """Bytes `mock` holds per job that `create` makes (it returns how many it made).

    `mock.calls` is cleared first: the record of every request belongs to the test, not to
    the jobs.
    """
    before = held_bytes([mock])
    created = create()
    mock.calls.clear()
    gc.collect()
    return (held_bytes([mock]) - before) / created
