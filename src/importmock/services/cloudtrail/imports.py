"""CloudTrail Lake imports: StartImport, GetImport, ListImports, StopImport, ListImportFailures."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from importmock.jobs.backend import Backend, BackendContext, JobIndex, operation
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.regions import is_region
from importmock.services.cloudtrail.errors import (
    AccountHasOngoingImportException,
    EventDataStoreARNInvalidException,
    ImportNotFoundException,
    InvalidImportSourceException,
    InvalidNextTokenException,
    InvalidParameterException,
    OperationNotPermittedException,
)
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
_EVENT_DATA_STORE = re.compile(
    r"arn:(?P<partition>[\w-]+):cloudtrail:(?P<region>[\w-]+):(?P<account>\d{12}):eventdatastore/[A-Za-z0-9-]+"
)
_S3_URI = re.compile(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:/.*)?", re.DOTALL)
_ROLE_ARN = re.compile(r"arn:(?P<partition>[\w-]+):iam::\d{12}:role/[\w+=,.@/-]+")


@dataclass(slots=True)
class LakeImport:
    """One import; each StartImport of it (the first, then every retry) is one attempt."""

    CREATED_BY: ClassVar[str] = "StartImport"  # its request is read against this input on restore

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
        done = 0.0
        for attempt in self.attempts:  # a retry goes on where the attempt before it ended
            done += (1.0 - done) * attempt.fraction(now)
        if self.progress.status(now) == IMPORT.succeeded:
            done = 1.0  # exactly, whatever the rounding of the sum above
        seed = uuid.UUID(self.id).int  # nothing is read from S3: the sizes come from the id
        prefixes = 1 + seed % 24
        files = prefixes * (1 + (seed >> 16) % 60)
        events = files * (1 + (seed >> 32) % 400)
        return {
            "PrefixesFound": prefixes,
            "PrefixesCompleted": int(prefixes * done),
            "FilesCompleted": int(files * done),
            "EventsCompleted": int(events * done),
            "FailedEntries": sum(failure["Status"] == "FAILED" for _, failure in self.failures(now)),
        }

    def failures(self, now: datetime) -> list[tuple[Key, Output]]:
        """One entry per failed attempt, oldest first, keyed by the attempt's number.

        An entry is FAILED until a retry starts; RETRY while that retry runs; then
        SUCCEEDED if the import completes, FAILED again if it fails or is stopped.
        """
        last, entries = self.progress, []
        outcome = last.status(now)
        for number, attempt in enumerate(self.attempts):
            if attempt.outcome != "FAILED" or attempt.ended is None:
                continue
            status, when = "FAILED", attempt.ended
            if attempt is not last:
                status = {IMPORT.running: "RETRY", IMPORT.succeeded: "SUCCEEDED"}.get(outcome, "FAILED")
                when = last.end_time(now) or last.started
            entry = {
                "Location": self._log_file(number, attempt.ended),
                "Status": status,
                "ErrorType": attempt.failure_code,
                "ErrorMessage": attempt.failure_message,
                "LastUpdatedTime": when,
            }
            entries.append(((number, 0), entry))
        return entries

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
    its ImportId retries a FAILED or STOPPED one. Differs from AWS: every well-formed
    event data store ARN of the caller's account and region names an event data store;
    nothing is read from S3, so the statistics are derived from the import id and a failed
    import has one failure, the one `mock.finish` gave; a retry ignores any other
    parameters; one import runs at a time per account and region (AWS does not document
    whether its rule spans regions). Where AWS documents no answer, we chose one: StopImport
    of an ended import and a retry of a completed one are OperationNotPermittedException,
    and ListImportFailures of an unknown id is an empty list (it models no not-found error).
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
            self._check_destination(destination)
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
        self._check_destination(destinations[0])
        self._check_source(source["S3"])
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
        return job

    def _retry(self, ident: str, now: datetime) -> LakeImport:
        job = self._job(ident)
        self._check_none_ongoing(now)
        if job.progress.status(now) == IMPORT.succeeded:
            raise OperationNotPermittedException(
                f"Import {ident} has completed; only a FAILED or STOPPED import can be retried."
            )
        job.attempts.append(Progress(IMPORT, started=now, due=self.due(IMPORT.key, now)))
        return job

    def _check_none_ongoing(self, now: datetime) -> None:
        latest = self._latest
        if latest is not None and not latest.progress.is_over(now):
            raise AccountHasOngoingImportException(
                f"Import {latest.id} is still in progress; start a new import when it has ended."
            )

    def _check_destination(self, arn: str) -> None:
        found, c = _EVENT_DATA_STORE.fullmatch(arn), self.context
        where = (found["partition"], found["region"], found["account"]) if found else None
        if where != (c.partition, c.region, c.account_id):
            raise EventDataStoreARNInvalidException(
                f"The specified event data store ARN is not valid or does not map to an event "
                f"data store in your account: {arn}"
            )

    def _check_source(self, s3: Params) -> None:
        if not _S3_URI.fullmatch(s3["S3LocationUri"]):
            raise InvalidImportSourceException(
                f"S3LocationUri must be an S3 URI such as s3://bucket/prefix: {s3['S3LocationUri']}"
            )
        if not is_region(s3["S3BucketRegion"]):
            raise InvalidImportSourceException(f"S3BucketRegion is not a Region: {s3['S3BucketRegion']}")
        role = _ROLE_ARN.fullmatch(s3["S3BucketAccessRoleArn"])
        if role is None or role["partition"] != self.context.partition:
            raise InvalidParameterException(
                f"S3BucketAccessRoleArn is not an IAM role ARN: {s3['S3BucketAccessRoleArn']}"
            )

    def _new_id(self) -> str:
        while True:  # 122 random bits: a clash is rare, but must not merge imports
            ident = str(uuid.UUID(int=self.context.rng.getrandbits(128), version=4))
            if self._jobs.get(ident) is None:
                return ident
