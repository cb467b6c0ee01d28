"""State: the backends of one mock per account and region, and the calls it answered."""

from __future__ import annotations

import random
import secrets
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from importmock.core.backend import Backend, BackendContext, Job
from importmock.core.clock import Clock
from importmock.core.faults import Faults
from importmock.core.pagination import PageTokens
from importmock.core.uploads import Uploads

B = TypeVar("B", bound=Backend)


@dataclass(frozen=True, slots=True)
class Call:
    """One request importmock answered.

    Attributes:
        service: the service as boto3 names it (``dynamodb``).
        operation: the operation as the API names it (``ListImports``).
        region: the region the request was signed for.
        account_id: the account that made it.
        params: the request's parameters as a dict.
        error: the AWS error code it got, or None on success.
    """

    service: str
    operation: str
    region: str
    account_id: str
    params: Mapping[str, Any]
    error: str | None


class State:
    """Everything one mock holds: a clock, a secret, and backends created on first use."""

    def __init__(self, durations: Mapping[str, float | None], clock: Clock) -> None:
        self.clock = clock
        self.calls: list[Call] = []
        self._durations = durations
        self._rng = random.Random(secrets.randbits(64))
        self._tokens = PageTokens(secrets.token_bytes(32))
        self._backends: dict[tuple[type[Backend], str, str], Backend] = {}
        self.uploads = Uploads()
        self.faults = Faults()
        self._counter = iter(range(1, 2**62)).__next__
        self._counter_lock = threading.Lock()

    def backend(self, cls: type[B], account_id: str, region: str) -> B:
        """The `cls` backend of that account and region, created empty on first use."""
        key = (cls, account_id, region)
        found = self._backends.get(key)
        if found is None:
            context = BackendContext(
                account_id,
                region,
                self.clock,
                self._durations,
                self._rng,
                self._tokens,
                self._sequence,
                self.uploads,
            )
            found = self._backends[key] = cls(context)
        return found  # type: ignore[return-value]

    def jobs(self, ref: str) -> Iterator[Job]:
        """Every job whose id or ARN is `ref`, across accounts, regions and families."""
        for backend in self._backends.values():
            if (job := backend.find_job(ref)) is not None:
                yield job

    def _sequence(self) -> int:
        with self._counter_lock:
            return self._counter()
