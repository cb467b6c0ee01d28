"""Backend base class, the @operation tag, the per-account/region store and JobIndex."""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from importmock.clock import Clock, epoch_micros
from importmock.errors import ServiceError, ValidationException
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import InvalidToken, Key, Page, PageTokens, TokenForm, take_page
from importmock.jobs.regions import partition_of
from importmock.jobs.uploads import Uploads
from importmock.jobs.work import Perform, Work

H = TypeVar("H", bound=Callable[..., Any])
T = TypeVar("T")
B = TypeVar("B", bound="Backend")


def operation(name: str) -> Callable[[H], H]:
    """Tags a backend method as the handler of the AWS operation `name`."""

    def tag(handler: H) -> H:
        handler.__aws_operation__ = name  # type: ignore[attr-defined]
        return handler

    return tag


class Job(Protocol):
    """What the shared machinery needs of a job record of any family."""

    @property
    def id(self) -> str: ...
    @property
    def arn(self) -> str | None: ...
    @property
    def key(self) -> Key: ...
    @property
    def progress(self) -> Progress: ...


J = TypeVar("J", bound=Job)


class JobIndex(Generic[J]):
    """Jobs by id and by ARN, and in key order (start time, then creation) for pages.

    `group` names a value some listings filter on (a table ARN, a dataset ARN): jobs are
    also kept per value of it, so a filtered page does not walk the other jobs. `order`
    gives the key a job is listed by, if not its own (DynamoDB lists exports by id).
    """

    def __init__(
        self, group: Callable[[J], str] | None = None, order: Callable[[J], Key] | None = None
    ) -> None:
        self._by_ref: dict[str, J] = {}
        self._keys: list[Key] = []
        self._by_key: dict[Key, J] = {}
        self._group = group
        self._groups: dict[str, list[Key]] = {}
        self._order = order

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[J]:
        return iter(self._by_key.values())

    def get(self, ref: str) -> J | None:
        """The job whose id or ARN is `ref`."""
        return self._by_ref.get(ref)

    def add(self, job: J) -> None:
        for ref in (job.id, job.arn):
            if ref is not None:
                self._by_ref[ref] = job
        key = self._key(job)
        self._by_key[key] = job
        for keys in self._key_lists(job):
            bisect.insort(keys, key)  # new jobs are newest: an append in practice

    def remove(self, job: J) -> None:
        for ref in (job.id, job.arn):
            if ref is not None:
                self._by_ref.pop(ref, None)
        key = self._key(job)
        del self._by_key[key]
        for keys in self._key_lists(job):
            del keys[bisect.bisect_left(keys, key)]

    def newest_first(self, after: Key | None, group: str | None, floor: Key) -> Iterator[tuple[Key, J]]:
        """Jobs older than `after` (all if None) and not older than `floor`, newest first."""
        keys = self._groups.get(group, []) if group is not None else self._keys
        index = len(keys) if after is None else bisect.bisect_left(keys, after)
        while index > 0:
            index -= 1
            key = keys[index]
            if key < floor:
                return
            yield key, self._by_key[key]

    def _key(self, job: J) -> Key:
        return job.key if self._order is None else self._order(job)

    def _key_lists(self, job: J) -> list[list[Key]]:
        if self._group is None:
            return [self._keys]
        return [self._keys, self._groups.setdefault(self._group(job), [])]


class DataPlane(Protocol):
    """Where a job's work reads and writes (importmock's dataplane package gives one)."""

    def client(self, service: str, region: str) -> Any | None:
        """A botocore client of `service` in `region`, or None: no data plane, outcomes invented."""


class NoDataPlane:
    """No S3 or DynamoDB to reach: every job keeps its invented outcome."""

    def client(self, service: str, region: str) -> Any | None:
        return None


@dataclass(frozen=True, slots=True)
class BackendContext:
    """What a backend knows of the world: who calls, where, and the mock's shared parts."""

    account_id: str
    region: str
    clock: Clock
    durations: Mapping[str, float | None]
    rng: random.Random
    tokens: PageTokens
    sequence: Callable[[], int]
    uploads: Uploads
    work: Work
    dataplane: DataPlane
    # the backends of this account and region made so far, this one among them: where a job
    # finds the resource it belongs to (an event data store), and a resource finds its jobs
    neighbours: Callable[[], Iterable[Backend]] = tuple

    @property
    def partition(self) -> str:
        return partition_of(self.region)


class Backend:
    """The jobs of one family in one account and region.

    Subclasses tag handlers with @operation and set `families` (their life cycles),
    `arn_service` (the ARN's service part), `token_form` and `invalid_token` (the error a
    bad NextToken gets).
    """

    operations: ClassVar[Mapping[str, str]] = MappingProxyType({})
    families: ClassVar[tuple[Family, ...]] = ()
    arn_service: ClassVar[str] = ""
    token_form: ClassVar[TokenForm] = TokenForm()
    token_max_age: ClassVar[timedelta | None] = None
    invalid_token: ClassVar[type[ServiceError]] = ValidationException
    invalid_token_message: ClassVar[str] = "Invalid NextToken: {token}"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        tagged = {
            member.__aws_operation__: name
            for name, member in vars(cls).items()
            if hasattr(member, "__aws_operation__")
        }
        cls.operations = MappingProxyType({**cls.operations, **tagged})

    def __init__(self, context: BackendContext) -> None:
        self.context = context
        self.clock = context.clock

    def find_job(self, ref: str) -> Job | None:
        """The job whose id or ARN is `ref`, for `mock.finish`; families override this."""
        return None

    def neighbour(self, cls: type[B]) -> B | None:
        """The `cls` backend of this account and region, or None while none has been made."""
        return next((found for found in self.context.neighbours() if isinstance(found, cls)), None)

    def data_client(self, service: str) -> Any | None:
        """A client of the data plane in this backend's region, or None when there is none."""
        return self.context.dataplane.client(service, self.context.region)

    def when_succeeded(self, progress: Progress, perform: Perform) -> None:
        """Runs `perform` once the job succeeds (on the clock, or by `finish`).

        A Failure it returns ends the job in that failed status at the same moment.
        """
        self.context.work.schedule(progress, perform)

    def arn(self, resource: str) -> str:
        c = self.context
        return f"arn:{c.partition}:{self.arn_service}:{c.region}:{c.account_id}:{resource}"

    def due(self, family: str, started: datetime) -> datetime | None:
        """When a job of `family` started at `started` succeeds by itself (None: never)."""
        seconds = self.context.durations[family]
        return None if seconds is None else started + timedelta(seconds=seconds)

    def new_key(self, started: datetime) -> Key:
        return epoch_micros(started), self.context.sequence()

    def paginate(
        self,
        jobs: JobIndex[J],
        *,
        token: str | None,
        limit: int,
        scope: Mapping[str, object],
        keep: Callable[[J], bool] | None = None,
        group: str | None = None,
        since: datetime | None = None,
    ) -> Page[J]:
        """One page of `jobs`, newest first, resuming after `token`.

        Only jobs started at or after `since` are listed (retention windows); `group`
        selects the jobs of one group value (see JobIndex); `keep`, if given, the jobs listed.
        """
        floor = (epoch_micros(since), -1) if since is not None else (-(2**63), -1)
        return self.page_of(
            lambda after: jobs.newest_first(after, group, floor),
            token=token,
            limit=limit,
            scope=scope,
            keep=keep,
        )

    def page_of(
        self,
        candidates: Callable[[Key | None], Iterable[tuple[Key, T]]],
        *,
        token: str | None,
        limit: int,
        scope: Mapping[str, object],
        keep: Callable[[T], bool] | None = None,
    ) -> Page[T]:
        """One page of any keyed listing: `candidates(after)` yields the items after a key.

        The scope is bound only when a token is read or written: most listings are one page.
        """
        now = self.clock.now()
        after = None if token is None else self._open(token, self._scope(scope), now)
        items, last = take_page(candidates(after), limit, keep)
        if last is None:
            return Page(items, None)
        return Page(items, self.context.tokens.issue(last, self._scope(scope), now, self.token_form))

    def _scope(self, scope: Mapping[str, object]) -> list[object]:
        c = self.context
        return [type(self).__name__, c.account_id, c.region, dict(scope)]

    def _open(self, token: str, bound: list[object], now: datetime) -> Key:
        try:
            return self.context.tokens.open(token, bound, now, self.token_form, self.token_max_age)
        except InvalidToken:
            message = self.invalid_token_message.format(token=token[:1024])
            raise self.invalid_token(message) from None
