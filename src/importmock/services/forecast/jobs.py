"""The engine every Forecast kind shares: a kind's declaration, its life cycle, and the
handlers of StopResource and the tag operations, which take the ARN of a resource of any kind
(the jobs, and the datasets and dataset groups they belong to)."""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from importmock.jobs.backend import Backend, BackendContext, JobIndex, operation
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.sharing import shared
from importmock.services.forecast.checks import check_job_arn, check_tag_key, merged_tags, not_found
from importmock.services.forecast.errors import (
    InvalidInputException,
    InvalidNextTokenException,
    ResourceAlreadyExistsException,
    ResourceInUseException,
)
from importmock.types import Output, Params

STOPPING, STOPPED = "CREATE_STOPPING", "CREATE_STOPPED"
DELETE_PENDING, DELETE_IN_PROGRESS = "DELETE_PENDING", "DELETE_IN_PROGRESS"
DELETABLE = ("ACTIVE", "CREATE_FAILED")  # the Delete operations' documented rule
PAGE_SIZE = 100  # when MaxResults is absent: the model's maximum


def family(key: str, failure: str) -> Family:
    """The statuses every Forecast job kind documents, and the message of a failure `finish` gives."""
    return Family(key, "CREATE_PENDING", "CREATE_IN_PROGRESS", "ACTIVE", {"CREATE_FAILED": (None, failure)})


# the dataset import job's statuses and durations key; datasets and dataset groups document the
# same creation statuses and are timed by it (AWS creates them in moments, so do imports here)
DATASET_IMPORT = family("forecast:dataset-import-job", "An internal error occurred while importing the data.")


@dataclass(frozen=True)
class Kind:
    """One Forecast job kind, declared: its operations and members are named after `noun`.

    Attributes:
        noun: ``ForecastExportJob``: Create<noun>, <noun>Arn, <noun>Name, List<noun>s ...
        family: its statuses, keyed like the `durations` option.
        resource: the ARN's resource type; `parts` path segments follow it.
        attribute: the backend attribute holding its jobs (snapshots name it).
        filter_key: the filter key besides Status (on the record's `filter_value`).
        parent, parent_resource: the member naming the resource the job works on, and its
            ARN's resource type (exports only; a list member names several).
        title: its name in messages.
        summarized, described: request members its summaries, and Describe besides, show.
        defaults: what Describe shows for members the request left out (the API reference's).
        estimates: whether Describe shows EstimatedTimeRemainingInMinutes.
        bound: whether its NextTokens name the kind (the dataset import job's predate the others).
        job: False for the resources jobs belong to (datasets, dataset groups): StopResource
            and `mock.finish` refuse them, and a duration of None creates them at once.
        deletable: the statuses its Delete accepts.
    """

    noun: str
    family: Family
    resource: str
    attribute: str
    filter_key: str
    title: str
    parts: int = 2
    parent: str = ""
    parent_resource: str = ""
    summarized: tuple[str, ...] = ("Destination",)
    described: tuple[str, ...] = ("Format",)
    defaults: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    estimates: bool = False
    bound: bool = True
    job: bool = True
    deletable: tuple[str, ...] = DELETABLE

    @property
    def arn_member(self) -> str:
        return f"{self.noun}Arn"

    @property
    def name_member(self) -> str:
        return f"{self.noun}Name"

    @property
    def plural(self) -> str:
        return f"{self.noun}s"


class ForecastJob:
    """What the records of every kind share: the life cycle and the members every Describe shows.

    A record class is a dataclass of these fields, with KIND and CREATED_BY.
    """

    if not TYPE_CHECKING:  # records are slotted dataclasses (mypy reads the fields below as slots)
        __slots__ = ()
    KIND: ClassVar[Kind]
    CREATED_BY: ClassVar[str]
    id: str
    arn: str
    key: Key
    name: str
    request: Params
    progress: Progress
    tags: dict[str, str]
    deleted: datetime | None  # when its Delete was called
    gone: datetime | None  # when the deletion ends and the job disappears

    @property
    def filter_value(self) -> str:
        """What the kind's filter key compares (and its listing groups jobs by)."""
        raise NotImplementedError

    def creating_request(self) -> Params:
        """The Create request that made the job (for a restore's check)."""
        return self.request

    def summarize(self, now: datetime) -> Output:
        kind, status = self.KIND, self.status(now)
        failed = self.progress.outcome == "CREATE_FAILED"
        return {
            kind.arn_member: self.arn,
            kind.name_member: self.name,
            "Status": status,
            "Message": self.progress.failure_message if failed else None,
            "CreationTime": self.progress.started,
            "LastModificationTime": self.last_modified(now, status),
            **{member: self.request.get(member) for member in kind.summarized},
        }

    def describe(self, now: datetime) -> Output:
        kind = self.KIND
        described = {member: self.request.get(member, kind.defaults.get(member)) for member in kind.described}
        if kind.estimates:
            described["EstimatedTimeRemainingInMinutes"] = self.minutes_left(now)
        return {**self.summarize(now), **described}

    def status(self, now: datetime) -> str:
        if self.deleted is not None:
            return DELETE_PENDING if now <= self.deleted else DELETE_IN_PROGRESS
        return self.creation_status(now)

    def creation_status(self, now: datetime) -> str:
        """The status of the job itself: a request shows its pending status for an instant."""
        progress = self.progress
        status = progress.status(now)
        if status == progress.family.running and now <= progress.started:
            return progress.family.initial
        if status == STOPPED and progress.ended is not None and now <= progress.ended:
            return STOPPING
        return status

    def last_modified(self, now: datetime, status: str) -> datetime | None:
        # the API reference's rule, per status
        if status == self.progress.family.initial:
            return self.progress.started
        if status == DELETE_PENDING:
            return self.deleted
        if status in (self.progress.family.running, STOPPING, DELETE_IN_PROGRESS):
            return now
        return self.progress.end_time(now)

    def minutes_left(self, now: datetime) -> int | None:
        made, due, family_ = self.creation_status(now), self.progress.due, self.progress.family
        if made not in (family_.initial, family_.running) or due is None:
            return None
        return max(0, math.ceil((due - now) / timedelta(minutes=1)))


J = TypeVar("J", bound=ForecastJob)


class KindIndex(JobIndex[J]):
    """The jobs of one kind, grouped by their filter value; a record of another kind is refused."""

    def __init__(self, record: type[J]) -> None:
        super().__init__(group=lambda job: job.filter_value)
        self.record = record

    def add(self, job: J) -> None:
        if not isinstance(job, self.record):  # a hand-edited snapshot's misplaced job
            raise ValueError(f"a {type(job).__name__} is no {self.record.__name__}: it does not belong here")
        super().add(job)


Filter = tuple[str, str, str]  # key, condition, value


class ForecastJobs(Backend):
    """The engine of Forecast's job kinds; a kind's handlers subclass it and set `record`.

    A class that subclasses several kinds' handlers answers all of them (its `records`),
    StopResource and the tag operations on any of their ARNs.
    """

    record: ClassVar[type[ForecastJob] | None] = None
    records: ClassVar[tuple[type[ForecastJob], ...]] = ()
    kinds: ClassVar[Mapping[str, Kind]] = MappingProxyType({})  # by ARN resource type
    arn_service = "forecast"
    token_max_age = timedelta(hours=24)
    invalid_token = InvalidNextTokenException
    invalid_token_message = "The token is not valid. Tokens expire after 24 hours."

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        operations: dict[str, str] = {}
        records: list[type[ForecastJob]] = []
        for base in reversed(cls.__mro__):  # every kind's handlers, not only the first base's
            operations.update(vars(base).get("operations", {}))
        for base in cls.__mro__:
            if (record := vars(base).get("record")) is not None and record not in records:
                records.append(record)
        cls.operations = MappingProxyType(operations)
        cls.records = tuple(records)
        families = [record.KIND.family for record in records]
        cls.families = tuple(f for n, f in enumerate(families) if f not in families[:n])  # shared ones once
        cls.kinds = MappingProxyType({record.KIND.resource: record.KIND for record in records})

    def __init__(self, context: BackendContext) -> None:
        super().__init__(context)
        for record in self.records:  # attributes of their own: snapshots hold each index
            setattr(self, record.KIND.attribute, KindIndex(record))
        # jobs being deleted, by when they are gone (the sequence number breaks ties)
        self._deletions: list[tuple[datetime, int, ForecastJob]] = []

    def find_job(self, ref: str) -> ForecastJob | None:
        self._now()
        found = self._find(ref)
        return found if found is not None and found.KIND.job else None

    def create(self, record: type[J], params: Params, parent: str, make: Callable[..., J]) -> J:
        """A new job of `record`'s kind, under `parent` (a name, or none) in its ARN, made by `make`."""
        kind, now = record.KIND, self._now()
        name, tags = params[kind.name_member], merged_tags({}, params.get("Tags", []))
        arn = self.arn("/".join(part for part in (kind.resource, parent, name) if part))
        if self._index(kind).get(arn) is not None:
            raise ResourceAlreadyExistsException(f"A {kind.title} already exists with the arn: {arn}")
        due = self.due(kind.family.key, now) if kind.job else now + self._seconds(kind)
        progress = Progress(kind.family, started=now, due=due)
        job = make(
            id=arn,
            arn=arn,
            key=self.new_key(now),
            name=name,
            request=shared(params),
            progress=progress,
            tags=tags,
        )
        self._index(kind).add(job)
        return job

    def describe_job(self, kind: Kind, params: Params) -> Output:
        now = self._now()
        return self._job(kind, params[kind.arn_member]).describe(now)

    def list_jobs(self, kind: Kind, params: Params) -> Output:
        now = self._now()
        filters = sorted(_filter(kind, f) for f in params.get("Filters", []))
        # a page walks only one group's jobs when a filter pins it
        group = next((v for k, c, v in filters if (k, c) == (kind.filter_key, "IS")), None)
        page = self.paginate(
            self._index(kind),
            token=params.get("NextToken"),
            limit=params.get("MaxResults", PAGE_SIZE),
            scope={"Filters": filters, **({"Kind": kind.noun} if kind.bound else {})},
            keep=lambda job: all(_matches(job, f, now) for f in filters),
            group=group,
        )
        return {kind.plural: [j.summarize(now) for j in page.items], "NextToken": page.next_token}

    def delete_job(self, kind: Kind, params: Params) -> Output:
        now = self._now()
        job = self._job(kind, params[kind.arn_member])
        if (status := job.status(now)) not in kind.deletable:
            held = "jobs" if kind.job else f"{kind.title}s"
            raise ResourceInUseException(
                f"{kind.title.capitalize()} {job.arn} is in status {status}; "
                f"only {held} in {' or '.join(kind.deletable)} can be deleted"
            )
        job.deleted, job.gone = now, now + self._seconds(kind)
        heapq.heappush(self._deletions, (job.gone, job.key[1], job))
        self._now()
        return {}

    @operation("StopResource")
    def stop_resource(self, params: Params) -> Output:
        now = self._now()
        job = self._resource(params["ResourceArn"])
        family_ = job.progress.family
        if not job.KIND.job:  # the API reference lists the jobs (and predictors, forecasts) only
            raise InvalidInputException(f"Resource {job.arn} cannot be stopped: a {job.KIND.title} is no job")
        if (status := job.status(now)) not in (family_.initial, family_.running):
            raise InvalidInputException(f"Resource {job.arn} cannot be stopped: its status is {status}")
        job.progress.stop(now, STOPPED)
        return {}

    @operation("TagResource")
    def tag_resource(self, params: Params) -> Output:
        self._now()
        job = self._resource(params["ResourceArn"])
        job.tags = merged_tags(job.tags, params["Tags"])
        return {}

    @operation("UntagResource")
    def untag_resource(self, params: Params) -> Output:
        self._now()
        job = self._resource(params["ResourceArn"])
        for key in params["TagKeys"]:
            check_tag_key(key)
        job.tags = {k: v for k, v in job.tags.items() if k not in params["TagKeys"]}
        return {}

    @operation("ListTagsForResource")
    def list_tags_for_resource(self, params: Params) -> Output:
        self._now()
        job = self._resource(params["ResourceArn"])
        return {"Tags": [{"Key": k, "Value": v} for k, v in job.tags.items()]}

    def _now(self) -> datetime:
        """The clock's time, after jobs whose deletion has ended by then are dropped."""
        now = self.clock.now()
        while self._deletions and self._deletions[0][0] <= now:
            _, _, job = heapq.heappop(self._deletions)
            self._index(job.KIND).remove(job)  # with its tags, as TagResource's reference says
        return now

    def _seconds(self, kind: Kind) -> timedelta:
        """The kind's duration; None (jobs wait for `finish`) is none at all for a deletion."""
        return timedelta(seconds=self.context.durations[kind.family.key] or 0)

    def _index(self, kind: Kind) -> KindIndex[Any]:
        index: KindIndex[Any] = getattr(self, kind.attribute)
        return index

    def _find(self, arn: str) -> ForecastJob | None:
        kind = self.kinds.get(arn.split(":", 5)[-1].partition("/")[0])
        return self._index(kind).get(arn) if kind is not None else None

    def _job(self, kind: Kind, arn: str) -> ForecastJob:
        """The job a kind's own ARN member names."""
        check_job_arn(arn, kind.resource, kind.parts, lower(kind.arn_member), kind.title)
        job: ForecastJob | None = self._index(kind).get(arn)
        if job is None:
            raise not_found(arn)
        return job

    def _resource(self, arn: str) -> ForecastJob:
        """The resource a ResourceArn member names; Forecast's other resources are never found."""
        if (job := self._find(arn)) is None:
            raise not_found(arn)
        return job


def lower(member: str) -> str:
    """A member's name as Forecast's messages spell it (``forecastArn``)."""
    return member[:1].lower() + member[1:]


def _filter(kind: Kind, given: Params) -> Filter:
    keys = (kind.filter_key, "Status")
    if given["Key"] not in keys:
        raise InvalidInputException(
            f"Filter key {given['Key']} is not supported; the keys are {', '.join(keys)}"
        )
    return given["Key"], given["Condition"], given["Value"]


def _matches(job: ForecastJob, given: Filter, now: datetime) -> bool:
    key, condition, value = given
    actual = job.status(now) if key == "Status" else job.filter_value
    return (actual == value) == (condition == "IS")
