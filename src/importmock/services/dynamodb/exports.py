"""DynamoDB table exports: ExportTableToPointInTime, DescribeExport, ListExports."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from importmock.jobs.backend import operation
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.sharing import shared
from importmock.jobs.work import Failure
from importmock.services.dynamodb.errors import (
    AccessDeniedException,
    ExportConflictException,
    ExportNotFoundException,
    InternalServerError,
    InvalidExportTimeException,
    PointInTimeRecoveryUnavailableException,
    ShapeValidationException,
    TableNotFoundException,
    ValidationException,
)
from importmock.services.dynamodb.export_files import INTERNAL_ERROR, ExportResult, ExportTarget, write_export
from importmock.services.dynamodb.tables import TABLE_ARN, TableJobs, invented_item_count, table_id
from importmock.types import Output, Params

EXPORT = Family(
    key="dynamodb:export",
    initial="IN_PROGRESS",
    running="IN_PROGRESS",
    succeeded="COMPLETED",
    endings={"FAILED": ("InternalServerError", "An internal error occurred during the export.")},
)
RECOVERY_WINDOW = timedelta(days=35)  # point-in-time recovery reaches 35 days back
RESTORE_LAG = timedelta(minutes=5)  # and the last 5 minutes are not restorable yet
INCREMENTAL_MIN, INCREMENTAL_MAX = timedelta(minutes=15), timedelta(hours=24)
_EXPORT_ID = re.compile(r"(\d{14})-([0-9a-f]{8})")


@dataclass(slots=True)
class TableExport:
    id: str
    arn: str
    key: Key
    table_arn: str
    export_time: datetime | None
    request: Params
    progress: Progress
    data_plane: bool = False  # decided at creation: the work writes files, counts are real
    result: ExportResult | None = None  # what the work wrote, once it ran
    CREATED_BY: ClassVar[str] = "ExportTableToPointInTime"  # its request is checked on restore

    def creating_request(self) -> Params:
        """The ExportTableToPointInTime input that made the job (for a restore's check)."""
        return self.request

    def describe(self, now: datetime, *, created: bool = False) -> Output:
        status = EXPORT.initial if created else self.progress.status(now)
        ended = not created and self.progress.is_over(now)
        completed = status == EXPORT.succeeded
        items, billed = self.counts() if completed else (None, None)
        prefix = self.request.get("S3Prefix", "").strip("/")
        manifest = f"AWSDynamoDB/{self.id}/manifest-summary.json"
        return {
            "ExportArn": self.arn,
            "ExportStatus": status,
            "StartTime": self.progress.started,
            "EndTime": self.progress.end_time(now) if ended else None,
            "ExportManifest": (f"{prefix}/{manifest}" if prefix else manifest) if completed else None,
            "TableArn": self.table_arn,
            "TableId": table_id(self.table_arn),
            "ExportTime": self.export_time,
            "ClientToken": self.request.get("ClientToken"),
            "S3Bucket": self.request["S3Bucket"],
            "S3BucketOwner": self.request.get("S3BucketOwner"),
            "S3Prefix": self.request.get("S3Prefix"),
            "S3SseAlgorithm": self.request.get("S3SseAlgorithm", "AES256"),
            "S3SseKmsKeyId": self.request.get("S3SseKmsKeyId"),
            "FailureCode": self.progress.failure_code if ended else None,
            "FailureMessage": self.progress.failure_message if ended else None,
            "ExportFormat": self.request.get("ExportFormat", "DYNAMODB_JSON"),
            "BilledSizeBytes": billed,
            "ItemCount": items,
            # AWS echoes ExportType only when the request named it
            "ExportType": self.request.get("ExportType"),
            "IncrementalExportSpecification": self.incremental(),
        }

    def counts(self) -> tuple[int, int]:
        """ItemCount and BilledSizeBytes of the completed export: written, or invented."""
        if self.data_plane:  # a restored export whose work was pending wrote nothing
            return (self.result.item_count, self.result.billed_size_bytes) if self.result else (0, 0)
        items = invented_item_count(self.id)
        return items, items * 128

    def incremental(self) -> Output | None:
        spec = self.request.get("IncrementalExportSpecification")
        if spec is None:
            return None
        return {"ExportViewType": "NEW_AND_OLD_IMAGES", "ExportToTime": self.progress.started, **spec}

    def summarize(self, now: datetime) -> Output:
        return {
            "ExportArn": self.arn,
            "ExportStatus": self.progress.status(now),
            "ExportType": self.request.get("ExportType", "FULL_EXPORT"),
        }


class TableExports(TableJobs[TableExport]):
    """Export jobs of one account and region.

    A job is IN_PROGRESS until its family's duration has passed on the mock's clock, then
    COMPLETED. With a data plane (moto, or an upstream) the table must exist there with
    point-in-time recovery enabled, and the completed export writes AWS's files (see
    export_files.py). Differs from AWS: the files hold the table as it is when the export
    completes, not as it was at ExportTime, and an incremental export holds every item as
    inserted in its window. Without a data plane every well-formed table ARN of the caller's
    account and region names a table with point-in-time recovery on since 35 days, nothing is
    written to S3, and the item count of a completed export is derived from its id.
    """

    families = (EXPORT,)
    kind, not_found = "export", ExportNotFoundException
    not_found_message = "Export not found: Export not found: {arn}"  # AWS says it twice

    @operation("ExportTableToPointInTime")
    def export_table_to_point_in_time(self, params: Params) -> Output:
        now = self.clock.now()
        if params.get("S3Prefix") == "":  # AWS's own model has a minimum length botocore's copy lacks
            raise ShapeValidationException(
                "1 validation error detected: Value '' at 's3Prefix' failed to satisfy constraint: "
                "Member must have length greater than or equal to 1"
            )
        self._check_table(params["TableArn"])
        ddb = self.data_client("dynamodb")
        data_plane = ddb is not None and self.data_client("s3") is not None
        if data_plane:
            _check_data_plane_table(ddb, params["TableArn"])
        export_time = self._check_times(params, now)
        if params.get("S3SseKmsKeyId") and params.get("S3SseAlgorithm") != "KMS":
            raise ValidationException("Invalid Request: KMS Key Id is not supported for this encryption type")
        earlier = self._tokens.get(params.get("ClientToken"), now)
        if earlier is not None:
            if earlier.request != params:
                raise ExportConflictException(
                    "Export conflict: Duplicate request detected with conflicting parameters"
                )
            return {"ExportDescription": earlier.describe(now)}
        job = self._start(params, export_time, now, data_plane)
        return {"ExportDescription": job.describe(now, created=True)}

    @operation("DescribeExport")
    def describe_export(self, params: Params) -> Output:
        job = self.job_of_arn(params["ExportArn"])
        return {"ExportDescription": job.describe(self.clock.now())}

    @operation("ListExports")
    def list_exports(self, params: Params) -> Output:
        now, page = self.clock.now(), self.page(params, params.get("MaxResults", 10))
        return {"ExportSummaries": [j.summarize(now) for j in page.items], "NextToken": page.next_token}

    def listing_key(self, job: TableExport) -> Key:
        """The export's id as a key: epoch milliseconds, then the 8 hex digits.

        ListExports runs "in reverse alphanumeric order of ExportArn" (the model): within a
        table that is the order of the ids, also within one millisecond; across tables AWS
        lists newest first (ScyllaDB's tests, run against DynamoDB), so the id decides there too.
        """
        found = _EXPORT_ID.fullmatch(job.id)
        if found is None:  # a snapshot's record, restored
            raise ValueError(f"{job.id!r} is not an export id")
        return int(found[1]) * 1000, int(found[2], 16)  # in microseconds, as retention floors are

    def _check_table(self, arn: str) -> None:
        found = TABLE_ARN.match(arn)
        if found is not None and found.end() < len(arn):  # an index's or a stream's ARN
            raise ValidationException("Invalid Request: Table ARN is invalid.")
        if found is None:
            raise ValidationException(
                "One or more parameter values were invalid: tableArn is not a valid ARN"
            )
        if (found["account"], found["partition"]) != (self.context.account_id, self.context.partition):
            raise AccessDeniedException("Access is denied")
        if found["region"] != self.context.region:
            raise TableNotFoundException(f"Table not found: {arn}")

    def _check_times(self, params: Params, now: datetime) -> datetime | None:
        """The export's ExportTime (None for incremental exports), after AWS's time rules."""
        kind, spec = params.get("ExportType"), params.get("IncrementalExportSpecification")
        if spec is not None and kind is None:
            raise ValidationException(
                "Invalid Request: Export Type expected to be Incremental Export when "
                "incremental export specification is provided"
            )
        if spec is not None and kind == "FULL_EXPORT":
            raise ValidationException(
                "Invalid Request: When Export Type is Full Export , Incremental Export "
                "Specification should not be provided"
            )
        if kind == "INCREMENTAL_EXPORT":
            if spec is None:
                raise ValidationException(
                    "Invalid Request: Incremental Export Specification expected when export type "
                    "is set as Incremental Export"
                )
            _check_window(spec, now)
            return None
        export_time: datetime = params.get("ExportTime", now)
        if not now - RECOVERY_WINDOW <= export_time <= now:
            raise InvalidExportTimeException("Export Time is invalid")
        if "ExportTime" in params and export_time > now - RESTORE_LAG:
            raise InvalidExportTimeException(
                "Point in Time Recovery is not available for specified export time"
            )
        return export_time

    def _start(
        self, params: Params, export_time: datetime | None, now: datetime, data_plane: bool
    ) -> TableExport:
        ident = self.new_id(now)
        job = TableExport(
            id=ident,
            arn=f"{params['TableArn']}/export/{ident}",
            key=self.new_key(now),
            table_arn=params["TableArn"],
            export_time=export_time,
            request=shared(params),
            progress=Progress(EXPORT, started=now, due=self.due(EXPORT.key, now)),
            data_plane=data_plane,
        )
        if data_plane:
            self.when_succeeded(job.progress, lambda: self._perform(job))
        self._jobs.add(job)
        self._tokens.remember(params.get("ClientToken"), job, now)
        return job

    def _perform(self, job: TableExport) -> Failure | None:
        """The export's work, when it succeeds: see export_files.py."""
        s3, ddb = self.data_client("s3"), self.data_client("dynamodb")
        job.result = ExportResult()
        if s3 is None or ddb is None:  # moto's mock stopped since the export started
            return Failure("FAILED", "InternalServerError", INTERNAL_ERROR)
        spec = job.request.get("IncrementalExportSpecification") or {}
        target = ExportTarget(
            export_arn=job.arn,
            export_id=job.id,
            table_arn=job.table_arn,
            table_id=table_id(job.table_arn),
            request=job.request,
            started=job.progress.started,
            ended=job.progress.end_time(self.clock.now()) or self.clock.now(),
            export_time=job.export_time,
            to_time=spec.get("ExportToTime", job.progress.started),
        )
        return write_export(target, s3, ddb, self._file_name, job.result)

    def _file_name(self) -> str:
        """A data file's name as AWS's look: 26 random base32 characters."""
        data = self.context.rng.getrandbits(128).to_bytes(16, "big")
        return base64.b32encode(data).decode("ascii").rstrip("=").lower()


def _check_data_plane_table(ddb: Any, arn: str) -> None:
    """The table must be in the data plane, point-in-time recovery on, as AWS checks."""
    name = arn.split("/", 1)[1]
    try:
        backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    except ClientError as failed:
        code = failed.response.get("Error", {}).get("Code")
        if code in ("TableNotFoundException", "ResourceNotFoundException"):
            raise TableNotFoundException(f"Table not found: {arn}") from None
        raise InternalServerError(f"The data plane's DynamoDB failed: {failed}") from None
    except BotoCoreError as failed:
        raise InternalServerError(f"The data plane's DynamoDB cannot be reached: {failed}") from None
    recovery = backups.get("PointInTimeRecoveryDescription", {})
    if recovery.get("PointInTimeRecoveryStatus") != "ENABLED":
        raise PointInTimeRecoveryUnavailableException(
            f"Point in time recovery is not enabled for table '{name}'"
        )


def _check_window(spec: Params, now: datetime) -> None:
    start, end = spec.get("ExportFromTime"), spec.get("ExportToTime", now)
    if start is None:
        raise ValidationException(
            "Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification"
        )
    if end > now:
        raise InvalidExportTimeException(
            f"Incremental export period to time cannot be greater than the current time : {_iso(now)}"
        )
    if start < now - RECOVERY_WINDOW:
        raise InvalidExportTimeException(
            "Incremental export period from time cannot be less than the table creation time : "
            f"{_iso(now - RECOVERY_WINDOW)}"
        )
    if end - start < INCREMENTAL_MIN:
        raise InvalidExportTimeException(
            "Difference between export period from time and export period to time is less than 15 minutes"
        )
    if end - start > INCREMENTAL_MAX:
        raise InvalidExportTimeException(
            "Difference between export period from time and export period to time is greater than 24 hours"
        )


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
