"""Hash-consing of what jobs keep: equal strings, lists and dicts are stored once.

A job holds the request it was created with, because its reads return parts of it, and
the jobs of one test are mostly alike (the same bucket, key schema, role, format). Keeping
one object for equal values cuts the memory per job by more than half at 100,000 jobs.
Shared values must never be mutated: backends build new dicts for their answers, and the
serializer writes new ones.
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

V = TypeVar("V")
_LIMIT = 4096  # pooled values; past it the pool starts afresh (what jobs hold stays shared)
_pool: dict[object, Any] = {}
_lock = threading.Lock()


def shared(value: V) -> V:
    """`value`, or an equal value already held, with its parts shared the same way."""
    return _share(value)  # type: ignore[no-any-return]


def _share(value: Any) -> Any:
    if isinstance(value, dict):
        items = tuple((_share(key), _share(item)) for key, item in value.items())
        return _pooled(("dict", *((key, id(item)) for key, item in items)), lambda: dict(items))
    if isinstance(value, list):
        members = [_share(item) for item in value]
        return _pooled(("list", *map(id, members)), lambda: members)
    if isinstance(value, str):
        return _pooled(value, lambda: value)
    return value  # numbers, booleans, None, timestamps and bytes are small or rare


def _pooled(key: object, make: Any) -> Any:
    """The pooled value for `key`: children are pooled first, so their ids stand for them."""
    found = _pool.get(key)
    if found is None:
        with _lock:
            if len(_pool) >= _LIMIT:
                _pool.clear()
            found = _pool.setdefault(key, make())
    return found
