"""Forecast dataset import jobs: Create/Describe/List/DeleteDatasetImportJob; and the backend of
every Forecast job kind (StopResource and the tag operations take any kind's ARN)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

from importmock.jobs.backend import operation
from importmock.jobs.lifecycle import Progress
from importmock.jobs.pagination import Key
from importmock.jobs.work import Failure
from importmock.services.forecast.checks import check_role, dataset_name
from importmock.services.forecast.dataset_groups import DatasetGroups
from importmock.services.forecast.errors import InvalidInputException
from importmock.services.forecast.explainability_exports import ExplainabilityExports
from importmock.services.forecast.forecast_export_jobs import ForecastExportJobs
from importmock.services.forecast.jobs import DATASET_IMPORT, ForecastJob, Kind
from importmock.services.forecast.predictor_backtest_export_jobs import PredictorBacktestExportJobs
from importmock.services.forecast.reading import (
    ImportFailed,
    finds_objects,
    invented_rows,
    invented_statistics,
    nothing_at,
    read_path,
)
from importmock.services.forecast.reading import Schema as ReadSchema
from importmock.services.forecast.what_if_forecast_exports import WhatIfForecastExports
from importmock.types import Output, Params

FAMILY = DATASET_IMPORT
KIND = Kind(
    "DatasetImportJob",
    FAMILY,
    "dataset-import-job",
    "_jobs",
    "DatasetArn",
    "dataset import job",
    summarized=(),
    described=(),
    bound=False,
)
# what Describe shows for members the request left out (the API reference's defaults)
DEFAULTS = {"TimestampFormat": "yyyy-MM-dd HH:mm:ss", "Format": "CSV", "ImportMode": "FULL"}


@dataclass(slots=True)
class DatasetImportJob(ForecastJob):
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
    KIND: ClassVar[Kind] = KIND
    CREATED_BY: ClassVar[str] = "CreateDatasetImportJob"  # its request is read against this input on restore

    @property
    def filter_value(self) -> str:
        return self.dataset_arn

    def summarize(self, now: datetime) -> Output:
        return {
            **ForecastJob.summarize(self, now),
            "DataSource": self.request["DataSource"],
            "ImportMode": self.request.get("ImportMode", DEFAULTS["ImportMode"]),
        }

    def describe(self, now: datetime) -> Output:
        return {
            **self.summarize(now),
            "DatasetArn": self.dataset_arn,
            "TimestampFormat": self.request.get("TimestampFormat", DEFAULTS["TimestampFormat"]),
            "TimeZone": self.request.get("TimeZone"),
            "UseGeolocationForTimeZone": self.request.get("UseGeolocationForTimeZone"),
            "GeolocationFormat": self.request.get("GeolocationFormat"),
            "Format": self.request.get("Format", DEFAULTS["Format"]),
            "EstimatedTimeRemainingInMinutes": self.minutes_left(now),
            **self._data(self.creation_status(now)),
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


class DatasetImportJobs(
    ForecastExportJobs,
    PredictorBacktestExportJobs,
    ExplainabilityExports,
    WhatIfForecastExports,
    DatasetGroups,
):
    """Every Forecast resource of one account and region, with their tags: the dataset import
    jobs, the export kinds, datasets and dataset groups of the classes it subclasses (one
    backend, as StopResource and the tag operations take the ARN of a resource of any kind; its
    name predates the other kinds, and snapshots name it).

    Life cycle on the mock clock, every kind: CREATE_PENDING at the instant of creation (while
    the clock stands still), then CREATE_IN_PROGRESS until the kind's duration has passed,
    then ACTIVE (CREATE_FAILED through `mock.finish`). StopResource on a pending or running
    job ends it at once: CREATE_STOPPING while the clock stands at that instant, then
    CREATE_STOPPED. Delete (ACTIVE or CREATE_FAILED jobs only) shows DELETE_PENDING at its
    instant, DELETE_IN_PROGRESS for the kind's duration after it (none when the duration is 0
    or None), and the job is then gone from every operation.

    With a data plane at creation, a dataset import job reads its S3 path as it ends
    (reading.py): nothing there, or a row that does not fit the schema, ends it CREATE_FAILED;
    otherwise DataSize and FieldStatistics are those of the rows read. Without one, nothing is
    read.

    The dataset: one CreateDataset made here is checked (deleted: ResourceNotFoundException)
    and its schema is the one the rows are read against; the newest import shows in its Status.
    Differs from AWS: any other well-formed dataset ARN of the caller's partition, region and
    account names an existing dataset (made outside importmock), whose schema the mock takes
    from the file's header row, or else is a target time series (timestamp, item_id,
    target_value); without a data
    plane DataSize and the FieldStatistics are invented, stable per ARN; ARNs of Forecast
    resources other than these jobs are never found; there is no quota on concurrent jobs,
    and a dataset takes several imports at once.
    """

    record: ClassVar[type[ForecastJob] | None] = DatasetImportJob

    @operation("CreateDatasetImportJob")
    def create_dataset_import_job(self, params: Params) -> Output:
        dataset = dataset_name(params["DatasetArn"], self.context)
        known = self.known_dataset(params["DatasetArn"])
        check_role(params["DataSource"]["S3Config"]["RoleArn"], self.context)
        s3, path = self.data_client("s3"), params["DataSource"]["S3Config"]["Path"]
        if s3 is not None and not finds_objects(s3, path):  # Forecast looks before it starts
            raise InvalidInputException(nothing_at(path))
        job = self.create(
            DatasetImportJob, params, dataset, partial(DatasetImportJob, dataset_arn=params["DatasetArn"])
        )
        if known is not None:  # its Status and LastModificationTime follow the newest import
            known.latest = job
        if s3 is not None:  # decided now, kept on the record
            job.reads = True
            schema = known.schema if known is not None else None
            self.when_succeeded(job.progress, lambda: _read(job, s3, schema))
        return {"DatasetImportJobArn": job.arn}

    @operation("DescribeDatasetImportJob")
    def describe_dataset_import_job(self, params: Params) -> Output:
        return self.describe_job(KIND, params)

    @operation("ListDatasetImportJobs")
    def list_dataset_import_jobs(self, params: Params) -> Output:
        return self.list_jobs(KIND, params)

    @operation("DeleteDatasetImportJob")
    def delete_dataset_import_job(self, params: Params) -> Output:
        return self.delete_job(KIND, params)


def _read(job: DatasetImportJob, s3: Any, schema: ReadSchema | None) -> Failure | None:
    """The job's work as it ends: its rows read from S3, or CREATE_FAILED with Forecast's message."""
    request = job.request
    try:
        reading = read_path(
            s3,
            request["DataSource"]["S3Config"]["Path"],
            request.get("TimestampFormat", DEFAULTS["TimestampFormat"]),
            csv_format=request.get("Format", DEFAULTS["Format"]) == "CSV",
            schema=schema,
        )
    except ImportFailed as failed:  # Forecast shows no failure code: the message is all there is
        return Failure("CREATE_FAILED", "ImportFailed", str(failed))
    job.data_size, job.statistics = reading.size / 1e9, reading.statistics
    return None
