"""Injected failures: the next attempts of an operation answered with an AWS error."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from importmock.errors import ServiceError


class InjectedFault(ServiceError):
    """An error a test asked for with `mock.fail_next`, of any code and status."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self._code, self.http_status = code, status

    @property
    def error_code(self) -> str:
        return self._code


@dataclass(slots=True)
class Fault:
    """One pending failure: its error, and how many more attempts it answers."""

    code: str
    message: str
    status: int
    times: int


class Faults:
    """Pending failures by (service, operation), answered first in, first out."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, str], deque[Fault]] = {}

    def add(self, service: str, operation: str, fault: Fault) -> None:
        self._pending.setdefault((service, operation), deque()).append(fault)

    def take(self, service: str, operation: str) -> InjectedFault | None:
        """The error for this attempt, if a failure is pending for the operation."""
        queue = self._pending.get((service, operation))
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times == 0:
            queue.popleft()
        return InjectedFault(fault.code, fault.message, fault.status)

    def pending(self) -> list[tuple[str, str, Fault]]:
        """Every pending failure, in the order they will be answered per operation."""
        return [
            (service, operation, fault)
            for (service, operation), queue in self._pending.items()
            for fault in queue
        ]
