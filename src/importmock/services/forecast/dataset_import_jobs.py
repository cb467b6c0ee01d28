"""Forecast dataset import jobs: Create/Describe/List/DeleteDatasetImportJob, StopResource, tags."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from importmock.jobs.backend import Backend, BackendContext, JobIndex, operation
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.sharing import shared
from importmock.jobs.work import Failure
from importmock.services.forecast.checks import (
    check_job_arn,
    check_role,
    check_tag_key,
    dataset_name,
    merged_tags,
    not_found,
)
from importmock.services.forecast.errors import (
    InvalidInputException,
    InvalidNextTokenException,
    ResourceAlreadyExistsException,
    ResourceInUseException,
)
from importmock.services.forecast.reading import (
    ImportFailed,
    invented_rows,
    invented_statistics,
    read_path,
)
from importmock.types import Output, Params

FAMILY = Family(
    key="forecast:dataset-import-job",
    initial="CREATE_PENDING",
    running="CREATE_IN_PROGRESS",
    succeeded="ACTIVE",
    endings={"CREATE_FAILED": (None, "An internal error occurred while importing the data.")},
)
STOPPING, STOPPED = "CREATE_STOPPING", "CREATE_STOPPED"
DELETE_PENDING, DELETE_IN_PROGRESS = "DELETE_PENDING", "DELETE_IN_PROGRESS"
DELETABLE = (FAMILY.succeeded, "CREATE_FAILED")  # DeleteDatasetImportJob's documented rule
FILTER_KEYS = ("DatasetArn", "Status")
PAGE_SIZE = 100  # when MaxResults is absent: the model's maximum
# what Describe shows for members the request left out (the API reference's defaults)
DEFAULTS = {"TimestampFormat": "yyyy-MM-dd HH:mm:ss", "Format": "CSV", "ImportMode": "FULL"}


@dataclass(slots=True)
class DatasetImportJob:
    id: str  # Forecast names jobs by ARN only
    arn: str
    key: Key
    name: str
    dataset_arn: str
    request: Params
    progress: Progress
    tags: dict[str, str]
    deleted: datetime | None = None  # when DeleteDatasetImportJob was called
    gone: datetime | None = None  # when the deletion ends and the job disappears
    reads: bool = False  # whether it reads S3 (a data plane at creation) or invents its outcome
    data_size: float | None = None  # GB read, once it has read them
    statistics: Output | None = None  # the rows' field statistics, once read (CSV only)
    CREATED_BY: ClassVar[str] = "CreateDatasetImportJob"  # its request is read against this input on restore

    def creating_request(self) -> Params:
        """The CreateDatasetImportJob input that made the job (for a restore's check)."""
        return self.request

    def status(self, now: datetime) -> str:
        if self.deleted is not None:
            return DELETE_PENDING if now <= self.deleted else DELETE_IN_PROGRESS
        return self.creation_status(now)

    def creation_status(self, now: datetime) -> str:
        """The status of the import itself: a request shows its pending status for an instant."""
        status, progress = self.progress.status(now), self.progress
        if status == FAMILY.running and now <= progress.started:
            return FAMILY.initial
        if status == STOPPED and progress.ended is not None and now <= progress.ended:
            return STOPPING
        return status

    def last_modified(self, now: datetime, status: str) -> datetime | None:
        # the API reference's rule, per status
        if status == FAMILY.initial:
            return self.progress.started
        if status == DELETE_PENDING:
            return self.deleted
        if status in (FAMILY.running, STOPPING, DELETE_IN_PROGRESS):
            return now
        return self.progress.end_time(now)

    def summarize(self, now: datetime) -> Output:
        status = self.status(now)
        failed = self.progress.outcome == "CREATE_FAILED"
        return {
            "DatasetImportJobArn": self.arn,
            "DatasetImportJobName": self.name,
            "DataSource": self.request["DataSource"],
            "Status": status,
            "Message": self.progress.failure_message if failed else None,
            "CreationTime": self.progress.started,
            "LastModificationTime": self.last_modified(now, status),
            "ImportMode": self.request.get("ImportMode", DEFAULTS["ImportMode"]),
        }

    def describe(self, now: datetime) -> Output:
        made, due = self.creation_status(now), self.progress.due
        left = due - now if made in (FAMILY.initial, FAMILY.running) and due is not None else None
        return {
            **self.summarize(now),
            "DatasetArn": self.dataset_arn,
            "TimestampFormat": self.request.get("TimestampFormat", DEFAULTS["TimestampFormat"]),
            "TimeZone": self.request.get("TimeZone"),
            "UseGeolocationForTimeZone": self.request.get("UseGeolocationForTimeZone"),
            "GeolocationFormat": self.request.get("GeolocationFormat"),
            "Format": self.request.get("Format", DEFAULTS["Format"]),
            "EstimatedTimeRemainingInMinutes": None if left is None else _minutes(left),
            **self._data(made),
        }

    def _data(self, made: str) -> Output:
        """DataSize and FieldStatistics: read (once ACTIVE, when it read them) or invented."""
        if self.reads:
            return {"DataSize": self.data_size, "FieldStatistics": self.statistics}
        rows = invented_rows(self.arn)
        # Forecast knows the size once it has read the data, the statistics once it is done
        return {
            "DataSize": rows * 40 / 1e9 if made in (FAMILY.running, FAMILY.succeeded) else None,
            "FieldStatistics": invented_statistics(rows) if made == FAMILY.succeeded else None,
        }


class DatasetImportJobs(Backend):
    """Dataset import jobs of one account and region, with their tags.

    Life cycle on the mock clock: CREATE_PENDING at the instant of creation (while the
    clock stands still), then CREATE_IN_PROGRESS until the family's duration has passed,
    then ACTIVE (CREATE_FAILED through `mock.finish`). StopResource on a pending or running
    job ends it at once: CREATE_STOPPING while the clock stands at that instant, then
    CREATE_STOPPED. DeleteDatasetImportJob (ACTIVE or CREATE_FAILED jobs only) shows
    DELETE_PENDING at its instant, DELETE_IN_PROGRESS for the family's duration after it
    (none when the duration is 0 or None), and the job is then gone from every operation.

    With a data plane at creation, the job reads its S3 path as it ends (reading.py): nothing
    there, or a row that does not fit the schema, ends it CREATE_FAILED; otherwise DataSize
    and FieldStatistics are those of the rows read. Without one, nothing is read.

    Differs from AWS: every well-formed dataset ARN of the caller's partition, region and
    account names an existing dataset, whose schema the mock takes from the file's header
    row, or else is a target time series (timestamp, item_id, target_value); without a data
    plane DataSize and the FieldStatistics are invented, stable per ARN; ARNs of other
    Forecast resources are never found; there is no quota on concurrent imports, and a
    dataset takes several imports at once.
    """

    families = (FAMILY,)
    arn_service = "forecast"
    token_max_age = timedelta(hours=24)
    invalid_token = InvalidNextTokenException
    invalid_token_message = "The token is not valid. Tokens expire after 24 hours."

    def __init__(self, context: BackendContext) -> None:
        super().__init__(context)
        self._jobs: JobIndex[DatasetImportJob] = JobIndex(group=lambda job: job.dataset_arn)
        # jobs being deleted, by when they are gone (the sequence number breaks ties)
        self._deletions: list[tuple[datetime, int, DatasetImportJob]] = []

    def find_job(self, ref: str) -> DatasetImportJob | None:
        self._now()
        return self._jobs.get(ref)

    @operation("CreateDatasetImportJob")
    def create_dataset_import_job(self, params: Params) -> Output:
        now, name = self._now(), params["DatasetImportJobName"]
        dataset = dataset_name(params["DatasetArn"], self.context)
        check_role(params["DataSource"]["S3Config"]["RoleArn"], self.context)
        tags = merged_tags({}, params.get("Tags", []))
        arn = self.arn(f"dataset-import-job/{dataset}/{name}")
        if self._jobs.get(arn) is not None:
            raise ResourceAlreadyExistsException(f"A dataset import job already exists with the arn: {arn}")
        job = DatasetImportJob(
            id=arn,
            arn=arn,
            key=self.new_key(now),
            name=name,
            dataset_arn=params["DatasetArn"],
            request=shared(params),
            progress=Progress(FAMILY, started=now, due=self.due(FAMILY.key, now)),
            tags=tags,
        )
        self._jobs.add(job)
        if (s3 := self.data_client("s3")) is not None:  # decided now, kept on the record
            job.reads = True
            self.when_succeeded(job.progress, lambda: _read(job, s3))
        return {"DatasetImportJobArn": arn}

    @operation("DescribeDatasetImportJob")
    def describe_dataset_import_job(self, params: Params) -> Output:
        now = self._now()
        return self._job(params["DatasetImportJobArn"]).describe(now)

    @operation("ListDatasetImportJobs")
    def list_dataset_import_jobs(self, params: Params) -> Output:
        now = self._now()
        filters = sorted(_filter(f) for f in params.get("Filters", []))
        # a page walks only one dataset's jobs when a filter pins the dataset
        group = next((v for k, c, v in filters if (k, c) == ("DatasetArn", "IS")), None)
        page = self.paginate(
            self._jobs,
            token=params.get("NextToken"),
            limit=params.get("MaxResults", PAGE_SIZE),
            scope={"Filters": filters},
            keep=lambda job: all(_matches(job, f, now) for f in filters),
            group=group,
        )
        return {"DatasetImportJobs": [j.summarize(now) for j in page.items], "NextToken": page.next_token}

    @operation("DeleteDatasetImportJob")
    def delete_dataset_import_job(self, params: Params) -> Output:
        now = self._now()
        job = self._job(params["DatasetImportJobArn"])
        if (status := job.status(now)) not in DELETABLE:
            raise ResourceInUseException(
                f"Dataset import job {job.arn} is in status {status}; "
                f"only jobs in {' or '.join(DELETABLE)} can be deleted"
            )
        job.deleted, job.gone = now, now + timedelta(seconds=self.context.durations[FAMILY.key] or 0)
        heapq.heappush(self._deletions, (job.gone, job.key[1], job))
        self._now()
        return {}

    @operation("StopResource")
    def stop_resource(self, params: Params) -> Output:
        now = self._now()
        job = self._resource(params["ResourceArn"])
        if (status := job.status(now)) not in (FAMILY.initial, FAMILY.running):
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
            self._jobs.remove(job)  # with its tags, as TagResource's reference says
        return now

    def _job(self, arn: str) -> DatasetImportJob:
        """The job a DatasetImportJobArn member names."""
        check_job_arn(arn)
        if (job := self._jobs.get(arn)) is None:
            raise not_found(arn)
        return job

    def _resource(self, arn: str) -> DatasetImportJob:
        """The job a ResourceArn member names; Forecast's other resources are never found."""
        if (job := self._jobs.get(arn)) is None:
            raise not_found(arn)
        return job


Filter = tuple[str, str, str]  # key, condition, value


def _filter(given: Params) -> Filter:
    if given["Key"] not in FILTER_KEYS:
        raise InvalidInputException(
            f"Filter key {given['Key']} is not supported; the keys are {', '.join(FILTER_KEYS)}"
        )
    return given["Key"], given["Condition"], given["Value"]


def _matches(job: DatasetImportJob, given: Filter, now: datetime) -> bool:
    key, condition, value = given
    actual = job.dataset_arn if key == "DatasetArn" else job.status(now)
    return (actual == value) == (condition == "IS")


def _read(job: DatasetImportJob, s3: Any) -> Failure | None:
    """The job's work as it ends: its rows read from S3, or CREATE_FAILED with Forecast's message."""
    request = job.request
    try:
        reading = read_path(
            s3,
            request["DataSource"]["S3Config"]["Path"],
            request.get("TimestampFormat", DEFAULTS["TimestampFormat"]),
            csv_format=request.get("Format", DEFAULTS["Format"]) == "CSV",
        )
    except ImportFailed as failed:  # Forecast shows no failure code: the message is all there is
        return Failure("CREATE_FAILED", "ImportFailed", str(failed))
    job.data_size, job.statistics = reading.size / 1e9, reading.statistics
    return None


def _minutes(left: timedelta) -> int:
    return max(0, math.ceil(left / timedelta(minutes=1)))
