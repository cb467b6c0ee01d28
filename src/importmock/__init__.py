"""importmock: an in-process mock of the AWS APIs that manage import and export jobs."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar, overload

from importmock.clock import Clock
from importmock.errors import NotImplementedOperation, ServiceError
from importmock.mock import ImportMock
from importmock.state import Call
from importmock.version import __version__

__all__ = [
    "Call",
    "Clock",
    "ImportMock",
    "NotImplementedOperation",
    "ServiceError",
    "__version__",
    "mock_imports",
]

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)


@overload
def mock_imports(target: C, /) -> C: ...
@overload
def mock_imports(target: F, /) -> F: ...
@overload
def mock_imports(
    *,
    account_id: str = ...,
    duration: float | None = ...,
    durations: Mapping[str, float | None] | None = ...,
    state: Mapping[str, Any] | str | os.PathLike[str] | None = ...,
    s3_endpoint_url: str | None = ...,
    dynamodb_endpoint_url: str | None = ...,
    logs_endpoint_url: str | None = ...,
    sleep: Literal["real", "advance"] = ...,
    tick: bool = ...,
) -> ImportMock: ...
def mock_imports(target: Any = None, /, **options: Any) -> Any:
    """Mocks the import and export job APIs.

    Use bare (``@mock_imports``) on a function, coroutine function or class, or called
    with options (``@mock_imports(duration=None)``, ``with mock_imports() as mock:``).

    Args:
        target: the function or class to decorate, when used bare.
        **options: ImportMock's options (account_id, duration, durations, state,
            s3_endpoint_url, dynamodb_endpoint_url, logs_endpoint_url, sleep, tick).

    Returns:
        The decorated target, or an ImportMock to use as decorator or context manager.
    """
    mock = ImportMock(**options)
    return mock if target is None else mock(target)
