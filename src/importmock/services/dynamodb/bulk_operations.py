"""DynamoDB bulk operations: StartBulkPutItems, DescribeBulkOperation, ListBulkOperations,
CancelBulkOperation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from importmock.errors import ServiceError
from importmock.jobs.backend import operation
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.sharing import shared
from importmock.jobs.work import Failure
from importmock.services.dynamodb.bulk_work import (
    FAILED,
    INTERNAL_ERROR,
    WITH_ERRORS,
    BulkOutcome,
    BulkSource,
    run_bulk_put,
)
from importmock.services.dynamodb.errors import (
    AccessDeniedException,
    InternalServerError,
    ResourceInUseException,
    ShapeValidationException,
    ValidationException,
)
from importmock.services.dynamodb.tables import TABLE_ARN, TableJobs, table_id
from importmock.types import Output, Params

BULK = Family(
    key="dynamodb:bulk-operation",
    initial="IN_PROGRESS",
    running="IN_PROGRESS",
    succeeded="COMPLETED",
    endings={
        WITH_ERRORS: (None, None),
        FAILED: ("InternalServerError", INTERNAL_ERROR),
        "CANCELLED": (None, None),
    },
    plain=frozenset({WITH_ERRORS}),
)
_SHOWS_FAILURE = (FAILED, "CANCELLED")  # FailureCode and FailureMessage appear only with these
_TABLE_NAME = r"[a-zA-Z0-9_.-]{3,255}"


class ResourceNotFoundException(ServiceError):
    """A table the data plane lacks, or a bulk operation this account and region never started."""


class IdempotentParameterMismatchException(ServiceError):
    """A ClientToken reused within 8 hours with other parameters."""


@dataclass(slots=True)
class BulkOperation:
    id: str
    arn: str
    key: Key
    table_name: str
    table_arn: str
    request: Params  # StartBulkPutItems' request without its ClientToken
    client_token: str | None
    progress: Progress
    data_plane: bool = False  # decided at the start: the work reads S3 and writes the table
    outcome: BulkOutcome | None = None  # what the work counted, once it ran
    CREATED_BY: ClassVar[str] = "StartBulkPutItems"  # its request is read against this input on restore

    def creating_request(self) -> Params:
        """StartBulkPutItems' input: the operation keeps its client token apart."""
        return {**self.request, "ClientToken": self.client_token}

    def describe(self, now: datetime, *, status: str | None = None) -> Output:
        status = status or self.progress.status(now)
        ended = status != BULK.running and self.progress.is_over(now)
        counted = self.outcome.describe(self.table_name) if self.outcome is not None and ended else {}
        return {
            **self.summarize(now, status),
            "TableDetails": [{"TableName": self.table_name, "TableId": table_id(self.table_arn)}],
            "ClientToken": self.client_token,
            "InputS3Configuration": self.request["InputS3Configuration"],
            "OutputS3Configuration": self.request["OutputS3Configuration"],
            "MaxWriteRequestUnits": self.request.get("MaxWriteRequestUnits"),
            "PerformanceTier": self.request.get("PerformanceTier", "STANDARD"),
            "FailureCode": self.progress.failure_code if status in _SHOWS_FAILURE else None,
            "FailureMessage": self.progress.failure_message if status in _SHOWS_FAILURE else None,
            **counted,
        }

    def summarize(self, now: datetime, status: str | None = None) -> Output:
        status = status or self.progress.status(now)
        return {
            "BulkOperationArn": self.arn,
            "BulkOperationStatus": status,
            "StartTime": self.progress.started,
            "EndTime": self.progress.end_time(now) if status != BULK.running else None,
        }


class BulkOperations(TableJobs[BulkOperation]):
    """Bulk put operations of one account and region.

    An operation is IN_PROGRESS until its family's duration has passed on the mock's clock, then
    COMPLETED. CancelBulkOperation answers CANCELLING and ends it CANCELLED at that moment: every
    later read shows CANCELLED. An operation that has ended cannot be cancelled
    (ValidationException). ARNs are ``table/T/bulk-operation/ID``, ids as imports' are.

    With a data plane (moto, or an upstream) at the start, the table must exist there
    (ResourceNotFoundException) and be ACTIVE or UPDATING (ResourceInUseException), and the
    operation does its work when it succeeds (bulk_work.py): it reads the objects under its
    prefix, puts the items that pass DynamoDB's checks into the table, counts, and writes the
    report OutputS3Configuration asks for. An operation with refused items ends
    COMPLETED_WITH_ERRORS. A cancel writes the objects the operation had read whole by then
    (its share of the duration, of TotalInputBytes, in key order) and keeps them; a cancel of
    an operation that waits for `finish` has read nothing. Counters appear when it ends.

    Without a data plane nothing is read or written and nothing is counted: DescribeBulkOperation
    shows no counters and no usage, in any status. Differs from AWS: no quota of concurrent
    operations, per account or per table, is enforced; per-item condition expressions are not
    read (every item is put); counters do not grow while the operation runs.
    """

    families = (BULK,)
    kind = "bulk-operation"
    not_found = ResourceNotFoundException

    @operation("StartBulkPutItems")
    def start_bulk_put_items(self, params: Params) -> Output:
        now, output = self.clock.now(), params["OutputS3Configuration"]
        if not output.get("S3Bucket"):  # the type's documentation says required, its model does not
            raise ShapeValidationException(
                "1 validation error detected: Value null at 'outputS3Configuration.s3Bucket' failed to "
                "satisfy constraint: Member must not be null"
            )
        if not output["OutputType"]:
            raise ValidationException("Invalid Request: OutputType must contain at least one value")
        if output.get("S3SseKmsKeyId") and output.get("S3SseAlgorithm") != "KMS":
            raise ValidationException("Invalid Request: KMS Key Id is not supported for this encryption type")
        name, table_arn = self._table_of(params["TableName"])
        request = {key: value for key, value in params.items() if key != "ClientToken"}
        earlier = self._tokens.get(params.get("ClientToken"), now)
        if earlier is not None:
            if earlier.request != request:
                raise IdempotentParameterMismatchException(
                    "The request uses the same client token as a previous, but non-identical request."
                )
            return {"BulkOperationDescription": earlier.describe(now)}
        s3, ddb = self.data_client("s3"), self.data_client("dynamodb")
        data_plane = s3 is not None and ddb is not None
        if data_plane:
            _check_data_plane_table(ddb, name)
        job = self._start(params, request, name, table_arn, data_plane, now)
        return {"BulkOperationDescription": job.describe(now, status=BULK.initial)}

    @operation("DescribeBulkOperation")
    def describe_bulk_operation(self, params: Params) -> Output:
        return {
            "BulkOperationDescription": self.job_of_arn(params["BulkOperationArn"]).describe(self.clock.now())
        }

    @operation("ListBulkOperations")
    def list_bulk_operations(self, params: Params) -> Output:
        now, page = self.clock.now(), self.page(params, params.get("MaxResults", 10))
        return {
            "BulkOperationsSummaryList": [j.summarize(now) for j in page.items],
            "NextToken": page.next_token,
        }

    @operation("CancelBulkOperation")
    def cancel_bulk_operation(self, params: Params) -> Output:
        now, job = self.clock.now(), self.job_of_arn(params["BulkOperationArn"])
        if job.progress.is_over(now):
            raise ValidationException(
                f"Invalid Request: Bulk operation {job.arn} is not in progress; its status is "
                f"{job.progress.status(now)}"
            )
        if job.data_plane:  # what it had read by now stays written
            self._perform(job, share=job.progress.fraction(now))
        job.progress.stop(now, "CANCELLED")
        return {"BulkOperationArn": job.arn, "BulkOperationStatus": "CANCELLING"}

    def job_of_arn(self, arn: str) -> BulkOperation:
        """The operation of `arn`; AWS authorizes the ARN's account before it reads the rest."""
        parts, c = arn.split(":", 5), self.context
        if (
            len(parts) == 6
            and parts[0] == "arn"
            and (parts[1], parts[2], parts[4]) != (c.partition, "dynamodb", c.account_id)
        ):
            raise AccessDeniedException("Access is denied")
        if (job := self._jobs.get(arn)) is None:
            raise ResourceNotFoundException(f"Requested resource not found: Bulk operation: {arn} not found")
        return job

    def _table_of(self, given: str) -> tuple[str, str]:
        """The table's name and ARN, from a name or an ARN of this account and region."""
        if not given.startswith("arn:"):
            if not TABLE_ARN.fullmatch(self.arn(f"table/{given}")):
                raise ShapeValidationException(
                    f"1 validation error detected: Value '{given}' at 'tableName' failed to satisfy "
                    f"constraint: Member must satisfy regular expression pattern: {_TABLE_NAME}"
                )
            return given, self.arn(f"table/{given}")
        found = TABLE_ARN.fullmatch(given)
        if found is None:
            raise ValidationException("Invalid Request: Table ARN is invalid.")
        if (found["account"], found["partition"]) != (self.context.account_id, self.context.partition):
            raise AccessDeniedException("Access is denied")
        name = given.split("/", 1)[1]
        if found["region"] != self.context.region:
            raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
        return name, given

    def _start(
        self, params: Params, request: Params, name: str, table_arn: str, data_plane: bool, now: datetime
    ) -> BulkOperation:
        ident = self.new_id(now)
        job = BulkOperation(
            id=ident,
            arn=f"{table_arn}/bulk-operation/{ident}",
            key=self.new_key(now),
            table_name=name,
            table_arn=table_arn,
            request=shared(request),
            client_token=params.get("ClientToken"),
            progress=Progress(BULK, started=now, due=self.due(BULK.key, now)),
            data_plane=data_plane,
        )
        if data_plane:
            self.when_succeeded(job.progress, lambda: self._perform(job))
        self._jobs.add(job)
        self._tokens.remember(params.get("ClientToken"), job, now)
        return job

    def _perform(self, job: BulkOperation, share: float | None = None) -> Failure | None:
        """The operation's work (bulk_work.py); `share` is the part of its input it reads."""
        s3, ddb = self.data_client("s3"), self.data_client("dynamodb")
        job.outcome = BulkOutcome()
        if s3 is None or ddb is None:  # moto's mock stopped since the operation started
            return Failure(FAILED, "InternalServerError", INTERNAL_ERROR)
        source = BulkSource(job.arn, job.id, self.context.account_id, job.table_name, job.request)
        return run_bulk_put(source, s3, ddb, job.outcome, share=share)


def _check_data_plane_table(ddb: Any, name: str) -> None:
    """The table must be in the data plane, ACTIVE or UPDATING, as AWS checks at the start."""
    try:
        status = ddb.describe_table(TableName=name)["Table"].get("TableStatus", "ACTIVE")
    except ClientError as failed:
        if failed.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise ResourceNotFoundException(
                f"Requested resource not found: Table: {name} not found"
            ) from None
        raise InternalServerError(f"The data plane's DynamoDB failed: {failed}") from None
    except BotoCoreError as failed:
        raise InternalServerError(f"The data plane's DynamoDB cannot be reached: {failed}") from None
    if status not in ("ACTIVE", "UPDATING"):
        raise ResourceInUseException(f"Table {name} is {status}; a bulk operation needs it ACTIVE")
