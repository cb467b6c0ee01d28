"""CloudTrail Lake imports: StartImport, GetImport, ListImports, StopImport, ListImportFailures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from importmock.jobs.backend import Backend, BackendContext, JobIndex, operation
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.work import Failure
from importmock.services.cloudtrail.checks import check_destination, check_source
from importmock.services.cloudtrail.copying import Copy, CopyFailure, copy_trail, invented_counts
from importmock.services.cloudtrail.errors import (
    AccountHasOngoingImportException,
    ImportNotFoundException,
    InvalidNextTokenException,
    InvalidParameterException,
    OperationNotPermittedException,
)
from importmock.services.cloudtrail.event_data_stores import EventDataStores
from importmock.types import Output, Params

STOPPED = "STOPPED"
IMPORT = Family(
    key="cloudtrail:import",
    initial="INITIALIZING",
    running="IN_PROGRESS",
    succeeded="COMPLETED",
    # STOPPED is terminal too (the ImportStatus enum): `mock.finish` can end an import in it,
    # as StopImport does; a stopped import shows no failure
    endings={
        "FAILED": ("InternalError", "An internal error occurred while copying the trail events."),
        STOPPED: (None, None),
    },
    plain=frozenset({STOPPED}),
)
PAGE_SIZE = 1000  # neither listing documents a default page size: the maximum


@dataclass(slots=True)
class LakeImport:
    """One import; each StartImport of it (the first, then every retry) is one attempt."""

    id: str
    key: Key
    destination: str
    source: Params
    start_event_time: datetime | None
    end_event_time: datetime | None
    account_id: str  # the trail's: its log files' keys and names carry them
    region: str
    attempts: list[Progress]
    arn: str | None = None  # imports have no ARN, only an id
    reads: bool = False  # whether it copies from S3 (a data plane at its start) or invents
    copies: dict[int, Copy] = field(default_factory=dict)  # by attempt number, once it copied
    CREATED_BY: ClassVar[str] = "StartImport"  # its request is read against this input on restore

    def creating_request(self) -> Params:
        """StartImport's input, from the parts the import keeps."""
        return {"ImportSource": self.source, "Destinations": [self.destination]}

    @property
    def progress(self) -> Progress:
        return self.attempts[-1]

    def describe(self, now: datetime, *, started: bool = False) -> Output:
        return {
            **self.summarize(now, started=started),
            "ImportSource": self.source,
            "StartEventTime": self.start_event_time,
            "EndEventTime": self.end_event_time,
            "ImportStatistics": None if started else self.statistics(now),
        }

    def summarize(self, now: datetime, *, started: bool = False) -> Output:
        return {
            "ImportId": self.id,
            "ImportStatus": IMPORT.initial if started else self.progress.status(now),
            "Destinations": [self.destination],
            "CreatedTimestamp": self.attempts[0].started,
            "UpdatedTimestamp": self.progress.end_time(now) or self.progress.started,
        }

    def statistics(self, now: datetime) -> Output:
        failed = sum(failure["Status"] == "FAILED" for _, failure in self.failures(now))
        if self.reads:  # the counts of the latest attempt that copied
            counts = (self.copies[max(self.copies)] if self.copies else Copy()).counts()
        else:
            counts = invented_counts(self.id, self._done(now))
        return {**counts, "FailedEntries": failed}

    def _done(self, now: datetime) -> float:
        """How far the attempts have come together: a retry goes on where the one before ended."""
        if self.progress.status(now) == IMPORT.succeeded:
            return 1.0  # exactly, whatever the rounding of the sum below
        done = 0.0
        for attempt in self.attempts:
            done += (1.0 - done) * attempt.fraction(now)
        return done

    def failures(self, now: datetime) -> list[tuple[Key, Output]]:
        """The failures of the import's attempts, oldest first, keyed by attempt and place.

        An attempt's failures are the files its copy could not read (data plane), or the one
        `mock.finish` gave. An entry is FAILED until a retry starts; RETRY while that retry
        runs; then SUCCEEDED if the retry copied its location (or the import completes),
        FAILED again otherwise. A location that fails again shows only its latest entry.
        """
        failed = [self._failed(number, attempt) for number, attempt in enumerate(self.attempts)]
        latest = {failure.location: number for number, found in enumerate(failed) for failure in found}
        final, uri = self.copies.get(len(self.attempts) - 1), self.source["S3"]["S3LocationUri"]
        # the last attempt read the source again: what failed before and not now, it copied
        reread = final is not None and all(failure.location != uri for failure in final.failures)
        entries = []
        for number, found in enumerate(failed):
            for place, failure in enumerate(found):
                if latest[failure.location] == number:  # else it failed again later
                    entries.append(((number, place), self._entry(number, failure, reread, now)))
        return entries

    def _entry(self, number: int, failure: CopyFailure, reread: bool, now: datetime) -> Output:
        """One ListImportFailures entry, of attempt `number`, as the attempts after it leave it."""
        attempt, last = self.attempts[number], self.progress
        status, when = "FAILED", attempt.ended
        if attempt is not last:
            status = {IMPORT.running: "RETRY", IMPORT.succeeded: "SUCCEEDED"}.get(last.status(now), "FAILED")
            if reread:
                status = "SUCCEEDED"  # the last attempt's copy read it without failing there
            when = last.end_time(now) or last.started
        return {
            "Location": failure.location,
            "Status": status,
            "ErrorType": failure.error_type or None,
            "ErrorMessage": failure.message or None,
            "LastUpdatedTime": when,
        }

    def _failed(self, number: int, attempt: Progress) -> list[CopyFailure]:
        """What attempt `number` failed to copy: its copy's failures, or the one `finish` gave."""
        if number in self.copies:
            return self.copies[number].failures
        if attempt.outcome != "FAILED" or attempt.ended is None:
            return []
        location = self._log_file(number, attempt.ended)
        return [CopyFailure(location, attempt.failure_code or "", attempt.failure_message or "")]

    def _log_file(self, number: int, when: datetime) -> str:
        """A log file under the source, named as CloudTrail names a trail's log files."""
        uri, account, region = self.source["S3"]["S3LocationUri"].rstrip("/"), self.account_id, self.region
        unique = uuid.uuid5(uuid.NAMESPACE_URL, f"{self.id}/{number}").hex[:16].upper()
        name = f"{account}_CloudTrail_{region}_{when:%Y%m%dT%H%M}Z_{unique}.json.gz"
        logs = uri if uri.endswith("/AWSLogs") else f"{uri}/AWSLogs"  # the URI may name AWSLogs itself
        return f"{logs}/{account}/CloudTrail/{region}/{when:%Y/%m/%d}/{name}"


class LakeImports(Backend):
    """The imports of trail events into the event data stores of one account and region.

    An import is IN_PROGRESS until its family's duration has passed on the mock's clock,
    then COMPLETED; `mock.finish` can fail or stop it, StopImport stops it, and StartImport with
    its ImportId retries a FAILED or STOPPED one. With a data plane at its start, each
    attempt copies the trail's log files as it succeeds (copying.py): the statistics are
    counted from them, and a file it cannot copy is a failure that fails the import.

    A destination that CreateEventDataStore made here must be a store that takes imports
    (EventDataStores.check_import_destination): not pending deletion (Inactive...), not deleted
    for good (EventDataStoreNotFound...), of CloudTrail events (InvalidEventDataStoreCategory...).

    Differs from AWS: any other well-formed event data store ARN of the caller's account and
    region names an event data store (one made outside importmock); without a data plane
    nothing is read from S3, so the statistics are derived from the import id and a failed
    import has one failure, the one `mock.finish` gave; with one, a retry reads the whole
    source again; a retry ignores any other parameters; one import runs at a time per account
    and region (AWS does not document whether its rule spans regions). Where AWS documents no
    answer, we chose one: StopImport of an ended import and a retry of a completed one are
    OperationNotPermittedException, and ListImportFailures of an unknown id is an empty list
    (it models no not-found error).
    """

    families = (IMPORT,)
    arn_service = "cloudtrail"
    invalid_token = InvalidNextTokenException
    invalid_token_message = (
        "A token that is not valid, or a token that was previously used in a request with "
        "different parameters."
    )

    def __init__(self, context: BackendContext) -> None:
        super().__init__(context)
        self._jobs: JobIndex[LakeImport] = JobIndex(group=lambda job: job.destination)
        self._latest: LakeImport | None = None  # the only import that can be in progress

    def find_job(self, ref: str) -> LakeImport | None:
        return self._jobs.get(ref)

    def importing_into(self, store_arn: str, now: datetime) -> bool:
        """Whether an import into the event data store `store_arn` is in progress at `now`."""
        latest = self._latest
        return latest is not None and latest.destination == store_arn and not latest.progress.is_over(now)

    @operation("StartImport")
    def start_import(self, params: Params) -> Output:
        now = self.clock.now()
        job = self._retry(params["ImportId"], now) if "ImportId" in params else self._start(params, now)
        self._latest = job
        return job.describe(now, started=True)

    @operation("GetImport")
    def get_import(self, params: Params) -> Output:
        return self._job(params["ImportId"]).describe(self.clock.now())

    @operation("StopImport")
    def stop_import(self, params: Params) -> Output:
        now, job = self.clock.now(), self._job(params["ImportId"])
        if job.progress.is_over(now):
            raise OperationNotPermittedException(
                f"Import {job.id} cannot be stopped: its status is {job.progress.status(now)}."
            )
        job.progress.stop(now, STOPPED)
        return job.describe(now)

    @operation("ListImports")
    def list_imports(self, params: Params) -> Output:
        now, destination, status = self.clock.now(), params.get("Destination"), params.get("ImportStatus")
        if destination is not None:
            check_destination(destination, self.context)
        page = self.paginate(
            self._jobs,
            token=params.get("NextToken"),
            limit=params.get("MaxResults", PAGE_SIZE),
            scope={
                "Destination": destination,
                "ImportStatus": status,
                "MaxResults": params.get("MaxResults"),
            },
            keep=lambda job: status in (None, job.progress.status(now)),
            group=destination,
        )
        return {"Imports": [job.summarize(now) for job in page.items], "NextToken": page.next_token}

    @operation("ListImportFailures")
    def list_import_failures(self, params: Params) -> Output:
        now, ident = self.clock.now(), params["ImportId"]
        job = self._jobs.get(ident)
        failures = job.failures(now) if job else []
        page = self.page_of(
            lambda after: [(key, failure) for key, failure in failures if after is None or key > after],
            token=params.get("NextToken"),
            limit=params.get("MaxResults", PAGE_SIZE),
            scope={
                "Operation": "ListImportFailures",
                "ImportId": ident,
                "MaxResults": params.get("MaxResults"),
            },
        )
        return {"Failures": page.items, "NextToken": page.next_token}

    def _job(self, ident: str) -> LakeImport:
        if (job := self._jobs.get(ident)) is None:
            raise ImportNotFoundException(f"The specified import was not found: {ident}")
        return job

    def _start(self, params: Params, now: datetime) -> LakeImport:
        destinations, source = params.get("Destinations"), params.get("ImportSource")
        if destinations is None or source is None:
            raise InvalidParameterException(
                "Destinations and ImportSource are required to start a new import."
            )
        check_destination(destinations[0], self.context)
        self._check_store(destinations[0])
        check_source(source["S3"], self.context)
        start, end = params.get("StartEventTime"), params.get("EndEventTime")
        if start is not None and end is not None and start > end:
            raise InvalidParameterException("StartEventTime must not be later than EndEventTime.")
        self._check_none_ongoing(now)
        job = LakeImport(
            id=self._new_id(),
            key=self.new_key(now),
            destination=destinations[0],
            source=source,
            start_event_time=start,
            end_event_time=end,
            account_id=self.context.account_id,
            region=self.context.region,
            attempts=[Progress(IMPORT, started=now, due=self.due(IMPORT.key, now))],
        )
        self._jobs.add(job)
        if self.data_client("s3") is not None:  # decided now, kept on the record
            job.reads = True
            self._copy_when_done(job)
        return job

    def _retry(self, ident: str, now: datetime) -> LakeImport:
        job = self._job(ident)
        self._check_none_ongoing(now)
        self._check_store(job.destination)
        if job.progress.status(now) == IMPORT.succeeded:
            raise OperationNotPermittedException(
                f"Import {ident} has completed; only a FAILED or STOPPED import can be retried."
            )
        job.attempts.append(Progress(IMPORT, started=now, due=self.due(IMPORT.key, now)))
        if job.reads:
            self._copy_when_done(job)
        return job

    def _copy_when_done(self, job: LakeImport) -> None:
        """The latest attempt copies the trail's files as it succeeds, from the bucket's region."""
        number = len(job.attempts) - 1
        s3 = self.context.dataplane.client("s3", job.source["S3"]["S3BucketRegion"])
        self.when_succeeded(job.attempts[number], lambda: _copy(job, number, s3))

    def _check_store(self, destination: str) -> None:
        """The event data store checks of StartImport, for a store this mock created."""
        stores = self.neighbour(EventDataStores)
        if stores is not None:
            stores.check_import_destination(destination)

    def _check_none_ongoing(self, now: datetime) -> None:
        latest = self._latest
        if latest is not None and not latest.progress.is_over(now):
            raise AccountHasOngoingImportException(
                f"Import {latest.id} is still in progress; start a new import when it has ended."
            )

    def _new_id(self) -> str:
        while True:  # 122 random bits: a clash is rare, but must not merge imports
            ident = str(uuid.UUID(int=self.context.rng.getrandbits(128), version=4))
            if self._jobs.get(ident) is None:
                return ident


def _copy(job: LakeImport, number: int, s3: Any) -> Failure | None:
    """Attempt `number`'s work: the copy; a file it could not copy fails the import (AWS: FAILED)."""
    copy = copy_trail(s3, job.source["S3"]["S3LocationUri"], job.start_event_time, job.end_event_time)
    job.copies[number] = copy
    if not copy.failures:
        return None
    first = copy.failures[0]
    return Failure("FAILED", first.error_type, first.message)
