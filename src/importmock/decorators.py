"""The decorator forms of ImportMock: functions, coroutine functions, classes and TestCases."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, Protocol, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)


class Startable(AbstractContextManager[Any], AbstractAsyncContextManager[Any], Protocol):
    """What the decorators need of a mock: with, async with, start and stop."""

    def start(self) -> Any: ...

    def stop(self) -> None: ...


def decorate(mock: Startable, target: Any) -> Any:
    """Runs `target` (function, coroutine function or class) inside `mock`."""
    if isinstance(target, type):
        return _decorate_class(mock, target)
    if inspect.iscoroutinefunction(target):
        return _decorate_coroutine(mock, target)
    if callable(target):
        return _decorate_function(mock, target)
    raise TypeError(f"mock_imports decorates functions and classes, not {target!r}")


def _decorate_function(mock: Startable, function: F) -> F:
    @functools.wraps(function)
    def inside(*args: Any, **kwargs: Any) -> Any:
        with mock:
            return function(*args, **kwargs)

    return cast(F, inside)


def _decorate_coroutine(mock: Startable, function: Callable[..., Awaitable[Any]]) -> Any:
    @functools.wraps(function)
    async def inside(*args: Any, **kwargs: Any) -> Any:
        async with mock:
            return await function(*args, **kwargs)

    return inside


def _decorate_class(mock: Startable, cls: C) -> C:
    # a TestCase needs unittest imported: importmock does not import it for everyone else
    unittest = sys.modules.get("unittest")
    if unittest is not None and issubclass(cls, unittest.TestCase):
        # setUp, the test and tearDown all run inside; the cleanup runs even when
        # setUp fails, so the mock is never left active
        set_up = cls.setUp  # type: ignore[attr-defined]

        def setUp(case: Any) -> None:  # noqa: N802 (unittest's name)
            mock.start()
            case.addCleanup(mock.stop)
            set_up(case)

        cls.setUp = setUp  # type: ignore[attr-defined]
        return cls
    for name in dir(cls):
        member = getattr(cls, name)
        if name.startswith("test") and inspect.isfunction(member):
            setattr(cls, name, decorate(mock, member))
    return cls
