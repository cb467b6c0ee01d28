"""DynamoDB table imports: ImportTable, DescribeImport, ListImports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from importmock.errors import PassedOn
from importmock.jobs.backend import BackendContext, operation
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.jobs.sharing import shared
from importmock.jobs.work import Failure
from importmock.services.dynamodb.creating_tables import creating_table
from importmock.services.dynamodb.definitions import check_definition
from importmock.services.dynamodb.errors import (
    ImportConflictException,
    ImportNotFoundException,
    ResourceInUseException,
    ShapeValidationException,
    ValidationException,
)
from importmock.services.dynamodb.import_work import (
    FAILED,
    INTERNAL_ERROR,
    ITEM_VALIDATION,
    ITEMS_REFUSED,
    DataClients,
    ImportOutcome,
    ImportSource,
    run_import,
)
from importmock.services.dynamodb.tables import TableJobs, invented_item_count, table_id
from importmock.types import Output, Params

IMPORT = Family(
    key="dynamodb:import",
    initial="IN_PROGRESS",
    running="IN_PROGRESS",
    succeeded="COMPLETED",
    endings={
        FAILED: ("InternalServerError", INTERNAL_ERROR),
        "CANCELLED": (None, None),
    },
    messages={ITEM_VALIDATION: ITEMS_REFUSED},
)


@dataclass(slots=True)
class TableImport:
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
    # whether the import reads S3 and fills its table (decided when it starts: a data plane
    # was there), and what its work read and wrote once it ran
    data_plane: bool = False
    outcome: ImportOutcome | None = None
    CREATED_BY: ClassVar[str] = "ImportTable"  # its request is read against this input on restore

    def creating_request(self) -> Params:
        """ImportTable's input: the job keeps its table name and client token apart."""
        creation = self.request.get("TableCreationParameters")
        if isinstance(creation, dict):
            creation = {**creation, "TableName": self.table_name}
        return {**self.request, "TableCreationParameters": creation, "ClientToken": self.client_token}

    def describe(self, now: datetime, *, created: bool = False) -> Output:
        status = IMPORT.initial if created else self.progress.status(now)
        ended = not created and self.progress.is_over(now)
        counted = self.counts(now) if ended else ImportOutcome()
        return {
            **self.summarize(status, ended_at=self.progress.end_time(now) if ended else None),
            "TableId": table_id(self.table_arn),
            "ClientToken": self.client_token,
            "ErrorCount": counted.errors,
            "InputFormatOptions": self.request.get("InputFormatOptions"),
            "InputCompressionType": self.request.get("InputCompressionType", "NONE"),
            "TableCreationParameters": {
                "TableName": self.table_name,
                **self.request["TableCreationParameters"],
            },
            # absent until the import has read something, never a zero (measured by ScyllaDB)
            "ProcessedSizeBytes": counted.size_bytes or None,
            "ProcessedItemCount": counted.processed,
            "ImportedItemCount": counted.imported,
            "FailureCode": self.progress.failure_code if ended else None,
            "FailureMessage": self.progress.failure_message if ended else None,
        }

    def holds_table(self, now: datetime) -> bool:
        """Whether the invented import's table exists: while it runs, and after it completed or
        failed on items (AWS keeps the table, with the items that passed, after ItemValidationError)."""
        status = self.progress.status(now)
        failed_on_items = status == FAILED and self.progress.failure_code == ITEM_VALIDATION
        return status in (IMPORT.running, IMPORT.succeeded) or failed_on_items

    def counts(self, now: datetime) -> ImportOutcome:
        """The counters of an import that has ended (AWS shows them only at the end).

        On the data plane, what the work counted (nothing when it did no work); else derived
        from the id: an import that failed on items imported some and refused at least one,
        any other failure read nothing.
        """
        if self.data_plane:
            return self.outcome or ImportOutcome()
        status, code = self.progress.status(now), self.progress.failure_code
        items, errors = 0, 0
        if status == IMPORT.succeeded:
            items = invented_item_count(self.id)
        elif status == FAILED and code == ITEM_VALIDATION:
            items, errors = invented_item_count(self.id) - 1, 1 + int(self.id[-8:], 16) % 7
        return ImportOutcome(items + errors, items, errors, size_bytes=(items + errors) * 128)

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
    COMPLETED. A running import holds its table's name at once, where AWS admits a second
    import of the name for the first ~30 s and fails the loser with TableAlreadyExists.

    With a data plane (moto's mock active, or an upstream), the job does its work when it
    succeeds (import_work.py): it reads the objects under its prefix, creates its table and
    writes the items, logs refused items to CloudWatch Logs, and its counters are the real
    ones. While any import runs, importmock answers DescribeTable of its table with
    TableStatus CREATING, as AWS shows it (creating_tables.py); every other DescribeTable
    goes on to moto. Differs from AWS there: the table enters the data plane when the
    import ends, so until then the data plane's own calls (ListTables, DescribeTable through
    an upstream's endpoint) do not see it; an S3BucketOwner
    other than the caller's account is S3AccessDenied (the data plane's buckets are the
    caller's); ZSTD objects need a ZSTD codec in the Python running importmock (3.14's
    compression.zstd, or the zstandard package), without one each is an unreadable object
    (one error); a logs client error loses the error events, never the import. A snapshot
    restored while an import runs carries no pending work: it then completes with no counts.

    Without a data plane, nothing is read and no table is created: the item counts of an
    ended import are derived from its id, and a table counts as existing while an import
    into it runs, and after it completed or failed with ItemValidationError (AWS keeps that
    table).
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
        if earlier is not None and not (earlier.progress.is_over(now) and self._left_table(earlier, now)):
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

    @operation("DescribeTable")
    def describe_table(self, params: Params) -> Output:
        """A table an import is creating is CREATING; any other table is the data plane's."""
        now, name = self.clock.now(), params["TableName"]
        job = self._tables.get(name.rsplit(":table/", 1)[-1] if name.startswith("arn:") else name)
        if job is None or job.progress.is_over(now) or name not in (job.table_name, job.table_arn):
            raise PassedOn(f"importmock answers DescribeTable only for tables being imported, not {name}")
        creation = job.request["TableCreationParameters"]
        ident, started = table_id(job.table_arn), job.progress.started
        return {"Table": creating_table(job.table_name, job.table_arn, ident, creation, started)}

    def _check_table_free(self, name: str, now: datetime) -> None:
        holder = self._tables.get(name)
        running = holder is not None and not holder.progress.is_over(now)
        invented = holder is not None and not holder.data_plane and holder.holds_table(now)
        if running or invented or self._data_plane_has(name):
            raise ResourceInUseException(f"Table already exists: {name}")

    def _left_table(self, job: TableImport, now: datetime) -> bool:
        """Whether an ended import's table exists (the data plane's, if it has one: a test may
        have deleted it since, or the import failed before making it)."""
        return self._data_plane_has(job.table_name) if job.data_plane else job.holds_table(now)

    def _data_plane_has(self, table: str) -> bool:
        """Whether the data plane holds a table of that name (none without a data plane)."""
        ddb = self.data_client("dynamodb")
        if ddb is None:
            return False
        try:
            ddb.describe_table(TableName=table)
        except (ClientError, BotoCoreError):  # not found, or no answer: the work finds out
            return False
        return True

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
            data_plane=self.data_client("s3") is not None and self.data_client("dynamodb") is not None,
        )
        if job.data_plane:
            self.when_succeeded(job.progress, lambda: self._perform(job))
        self._jobs.add(job)
        self._tables[name] = job
        self._tokens.remember(params.get("ClientToken"), job, now)
        return job

    def _perform(self, job: TableImport) -> Failure | None:
        """The import's work, when it succeeds: see import_work.py."""
        s3, ddb = self.data_client("s3"), self.data_client("dynamodb")
        job.outcome = ImportOutcome()
        if s3 is None or ddb is None:  # moto's mock stopped since the import started
            return Failure(FAILED, "InternalServerError", INTERNAL_ERROR)
        now = self.clock.now()
        source = ImportSource(
            import_arn=job.arn,
            account_id=self.context.account_id,
            table_name=job.table_name,
            request=job.request,
            when=job.progress.end_time(now) or now,
        )
        clients = DataClients(s3, ddb, self.data_client("logs"))
        return run_import(source, clients, job.outcome)
