"""State: the backends of one mock per account and region, and the calls it answered."""

from __future__ import annotations

import functools
import random
import secrets
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from importmock.clock import Clock
from importmock.faults import Faults
from importmock.jobs.backend import Backend, BackendContext, DataPlane, Job, NoDataPlane
from importmock.jobs.pagination import PageTokens
from importmock.jobs.uploads import Uploads
from importmock.jobs.work import Work

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
    """Everything one mock holds: a clock, a secret, and backends created on first use.

    The id generator, the token secret and the sequence counter are plain values, so a
    snapshot can carry them and a restored state goes on exactly where its source was.
    """

    def __init__(
        self,
        durations: Mapping[str, float | None],
        clock: Clock,
        *,
        rng: random.Random | None = None,
        secret: bytes | None = None,
        dataplane: DataPlane | None = None,
    ) -> None:
        self.clock = clock
        self.work = Work()
        self.dataplane: DataPlane = dataplane if dataplane is not None else NoDataPlane()
        self.calls: list[Call] = []
        self._durations = durations
        self._rng = rng if rng is not None else random.Random(secrets.randbits(64))
        self._secret = secret if secret is not None else secrets.token_bytes(32)
        self._tokens = PageTokens(self._secret)
        self._backends: dict[tuple[type[Backend], str, str], Backend] = {}
        self._places: dict[tuple[str, str], list[Backend]] = {}  # by account and region
        self.uploads = Uploads(self._rng)
        self.faults = Faults()
        self._next = 1  # the sequence number the next job key gets
        self._counter_lock = threading.Lock()

    @classmethod
    def restored(
        cls,
        document: Mapping[str, Any],
        durations: Mapping[str, float | None],
        clock: Clock,
        dataplane: DataPlane | None = None,
    ) -> State:
        """A state holding what a snapshot holds (see snapshots/), calls aside.

        The clock is set last, once the whole snapshot has been read: a bad one raises
        ValueError and leaves the clock as it was.
        """
        from importmock import snapshots  # loaded only when snapshots are used
        from importmock.services import SERVICES

        head = snapshots.header(document)
        state = cls(durations, clock, rng=head.rng, secret=head.secret, dataplane=dataplane)
        top, _ = snapshots.restore(document, SERVICES, state.backend, state.faults, state.uploads)
        state._next = max(head.sequence, top + 1)  # never a key a restored job holds
        clock.set(head.clock)
        return state

    def snapshot(self) -> dict[str, Any]:
        """Every job, the clock, the generator, secret and counter, uploads and pending faults."""
        with self._counter_lock:
            sequence = self._next
        from importmock import snapshots

        head = snapshots.Header(self.clock.now(), self._secret, self._rng, sequence)
        return snapshots.encode(head, self.faults, self.uploads, self._backends.values())

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
                self.work,
                self.dataplane,
                functools.partial(tuple, self._places.setdefault((account_id, region), [])),
            )
            found = self._backends[key] = cls(context)
            self._places[account_id, region].append(found)
        return found  # type: ignore[return-value]

    def jobs(self, ref: str) -> Iterator[Job]:
        """Every job whose id or ARN is `ref`, across accounts, regions and families."""
        for backend in self._backends.values():
            if (job := backend.find_job(ref)) is not None:
                yield job

    def _sequence(self) -> int:
        with self._counter_lock:
            number, self._next = self._next, self._next + 1
            return number
