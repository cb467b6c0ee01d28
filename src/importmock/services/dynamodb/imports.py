"""DynamoDB table imports: ImportTable, DescribeImport, ListImports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from importmock.jobs.backend import BackendContext, operation
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.sharing import shared
from importmock.services.dynamodb.definitions import check_definition
from importmock.services.dynamodb.errors import (
    ImportConflictException,
    ImportNotFoundException,
    ResourceInUseException,
    ShapeValidationException,
    ValidationException,
)
from importmock.services.dynamodb.tables import TableJobs, invented_item_count, table_id
from importmock.types import Output, Params

FAILED, ITEM_VALIDATION = "FAILED", "ItemValidationError"
IMPORT = Family(
    key="dynamodb:import",
    initial="IN_PROGRESS",
    running="IN_PROGRESS",
    succeeded="COMPLETED",
    endings={
        FAILED: ("InternalServerError", "An internal error occurred during the import."),
        "CANCELLED": (None, None),
    },
    messages={
        ITEM_VALIDATION: "Some of the items failed validation checks and were not imported. "
        "Please check CloudWatch error logs for more details."
    },
)


@dataclass(slots=True)
class TableImport:
    CREATED_BY: ClassVar[str] = "ImportTable"  # its request is read against this input on restore

    id: str
    arn: str
    key: Key
    table_name: str
    table_arn: str
    # the request without what differs per job (the table name, the client token), so
    # that equal rest is stored once (jobs/sharing.py)
    request: Params
    client_token: str | None
    log_group_arn: str
    progress: Progress

    def creating_request(self) -> Params:
        """ImportTable's input: the job keeps its table name and client token apart."""
        creation = self.request.get("TableCreationParameters")
        if isinstance(creation, dict):
            creation = {**creation, "TableName": self.table_name}
        return {**self.request, "TableCreationParameters": creation, "ClientToken": self.client_token}

    def describe(self, now: datetime, *, created: bool = False) -> Output:
        status = IMPORT.initial if created else self.progress.status(now)
        ended = not created and self.progress.is_over(now)
        items, errors = self.counts(now) if ended else (0, 0)
        return {
            **self.summarize(status, ended_at=self.progress.end_time(now) if ended else None),
            "TableId": table_id(self.table_arn),
            "ClientToken": self.client_token,
            "ErrorCount": errors,
            "InputFormatOptions": self.request.get("InputFormatOptions"),
            "InputCompressionType": self.request.get("InputCompressionType", "NONE"),
            "TableCreationParameters": {
                "TableName": self.table_name,
                **self.request["TableCreationParameters"],
            },
            # absent until the import has read something, never a zero (measured by ScyllaDB)
            "ProcessedSizeBytes": (items + errors) * 128 or None,
            "ProcessedItemCount": items + errors,
            "ImportedItemCount": items,
            "FailureCode": self.progress.failure_code if ended else None,
            "FailureMessage": self.progress.failure_message if ended else None,
        }

    def holds_table(self, now: datetime) -> bool:
        """Whether the import's table exists: while it runs, and after it completed or failed
        on items (AWS keeps the table, with the items that passed, after ItemValidationError)."""
        status = self.progress.status(now)
        failed_on_items = status == FAILED and self.progress.failure_code == ITEM_VALIDATION
        return status in (IMPORT.running, IMPORT.succeeded) or failed_on_items

    def counts(self, now: datetime) -> tuple[int, int]:
        """Items imported and items refused, of an import that has ended (derived from its id).

        The counters appear only at the end, as AWS's do; an import that failed on items
        imported some and refused at least one, any other failure read nothing.
        """
        status, code = self.progress.status(now), self.progress.failure_code
        if status == IMPORT.succeeded:
            return invented_item_count(self.id), 0
        if status == FAILED and code == ITEM_VALIDATION:
            return invented_item_count(self.id) - 1, 1 + int(self.id[-8:], 16) % 7
        return 0, 0

    def summarize(self, status: str, ended_at: datetime | None) -> Output:
        return {
            "ImportArn": self.arn,
            "ImportStatus": status,
            "TableArn": self.table_arn,
            "S3BucketSource": self.request["S3BucketSource"],
            "CloudWatchLogGroupArn": self.log_group_arn,
            "InputFormat": self.request["InputFormat"],
            "StartTime": self.progress.started,
            "EndTime": ended_at,
        }


class TableImports(TableJobs[TableImport]):
    """Import jobs of one account and region.

    A job is IN_PROGRESS until its family's duration has passed on the mock's clock, then
    COMPLETED. Differs from AWS: nothing is read from S3 and no table is created; the item
    counts of an ended import are derived from its id; a table counts as existing while an
    import into it runs, and after it completed or failed with ItemValidationError (AWS
    keeps that table); a running import holds the name at once, where AWS admits a second
    import of the name for the first ~30 s and fails the loser with TableAlreadyExists.
    """

    families = (IMPORT,)
    kind, not_found = "import", ImportNotFoundException
    not_found_message = "Import not found: {arn}"

    def __init__(self, context: BackendContext) -> None:
        super().__init__(context)
        self._tables: dict[str, TableImport] = {}  # table name -> its latest import

    @operation("ImportTable")
    def import_table(self, params: Params) -> Output:
        now, creation = self.clock.now(), params["TableCreationParameters"]
        if params.get("ClientToken") is None:  # optional in the model, required by AWS
            raise ShapeValidationException(
                "1 validation error detected: Value null at 'clientToken' failed to satisfy "
                "constraint: Member must not be null"
            )
        if params.get("InputFormatOptions") and params["InputFormat"] != "CSV":
            raise ValidationException(
                "Invalid Request: Unsupported InputFormatOptions for the given input format: "
                f"{params['InputFormat']}."
            )
        check_definition(creation)
        name = creation["TableName"]
        earlier = self._tokens.get(params.get("ClientToken"), now)
        if earlier is not None and earlier.table_name != name:
            raise ImportConflictException(
                "Import conflict: Duplicate request detected with conflicting parameters"
            )
        # AWS answers a repeated request with the import it started, unless that import
        # has ended and left its table (completed, or failed on items): then the table is
        # in use like any other
        if earlier is not None and not (earlier.progress.is_over(now) and earlier.holds_table(now)):
            return {"ImportTableDescription": earlier.describe(now)}
        self._check_table_free(name, now)
        job = self._start(params, now)
        return {"ImportTableDescription": job.describe(now, created=True)}

    @operation("DescribeImport")
    def describe_import(self, params: Params) -> Output:
        job = self.job_of_arn(params["ImportArn"])
        return {"ImportTableDescription": job.describe(self.clock.now())}

    @operation("ListImports")
    def list_imports(self, params: Params) -> Output:
        now, page = self.clock.now(), self.page(params, params.get("PageSize", 10))
        summaries = [
            job.summarize(job.progress.status(now), job.progress.end_time(now)) for job in page.items
        ]
        return {"ImportSummaryList": summaries, "NextToken": page.next_token}

    def _check_table_free(self, name: str, now: datetime) -> None:
        holder = self._tables.get(name)
        if holder is not None and holder.holds_table(now):
            raise ResourceInUseException(f"Table already exists: {name}")

    def _start(self, params: Params, now: datetime) -> TableImport:
        name = params["TableCreationParameters"]["TableName"]
        table_arn = self.arn(f"table/{name}")
        ident = self.new_id(now)
        source = {"S3BucketOwner": self.context.account_id, **params["S3BucketSource"]}
        creation = {
            key: value for key, value in params["TableCreationParameters"].items() if key != "TableName"
        }
        request = {**params, "S3BucketSource": source, "TableCreationParameters": creation}
        del request["ClientToken"]
        job = TableImport(
            id=ident,
            arn=f"{table_arn}/import/{ident}",
            key=self.new_key(now),
            table_name=name,
            table_arn=table_arn,
            request=shared(request),
            client_token=params["ClientToken"],
            log_group_arn=shared(
                f"arn:{self.context.partition}:logs:{self.context.region}:"
                f"{self.context.account_id}:log-group:/aws-dynamodb/imports:*"
            ),
            progress=Progress(IMPORT, started=now, due=self.due(IMPORT.key, now)),
        )
        self._jobs.add(job)
        self._tables[name] = job
        self._tokens.remember(params.get("ClientToken"), job, now)
        return job
