"""What table imports and exports share: ARNs, job ids, TableIds, tokens and listings."""

from __future__ import annotations

import functools
import re
import uuid
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from importmock.clock import epoch_micros
from importmock.errors import ServiceError
from importmock.jobs.backend import Backend, BackendContext, Job, JobIndex
from importmock.jobs.idempotency import ClientTokens
from importmock.jobs.pagination import Key, Page, TokenForm
from importmock.services.dynamodb.errors import AccessDeniedException, ValidationException
from importmock.types import Params

_NAME = r"[a-zA-Z0-9_.-]{3,255}"
TABLE_ARN = re.compile(
    rf"arn:(?P<partition>[\w-]+):dynamodb:(?P<region>[\w-]+):(?P<account>\d{{12}}):table/{_NAME}"
)
_JOB = {kind: re.compile(rf"table/{_NAME}/{kind}/\d{{14}}-[0-9a-f]{{8}}") for kind in ("import", "export")}
RETENTION = timedelta(days=90)  # ListImports and ListExports list the jobs of the past 90 days
CLIENT_TOKEN_WINDOW = timedelta(hours=8)  # how long DynamoDB remembers a ClientToken


class TableJob(Job, Protocol):
    @property
    def table_arn(self) -> str: ...


J = TypeVar("J", bound=TableJob)


class TableJobs(Backend, Generic[J]):
    """Jobs of one kind on the tables of one account and region.

    Kept per table too, so a listing filtered by TableArn reads only that table's jobs.
    """

    kind = ""  # "import" or "export": the word in ARNs and messages
    not_found: type[ServiceError] = ServiceError
    not_found_message = ""  # AWS's wording, with {arn}
    arn_service = "dynamodb"
    token_form = TokenForm(hex=True, min_bytes=56, block=8)  # model: ([0-9a-f]{16})+, >= 112
    invalid_token_message = "Invalid Request: Provided nextToken is invalid: {token}"

    def __init__(self, context: BackendContext) -> None:
        super().__init__(context)
        self._jobs: JobIndex[J] = JobIndex(group=lambda job: job.table_arn, order=self.listing_key)
        self._tokens: ClientTokens[J] = ClientTokens(CLIENT_TOKEN_WINDOW)

    def listing_key(self, job: J) -> Key:
        """Where `job` stands in listings, which run from the highest key down: its own key."""
        return job.key

    def find_job(self, ref: str) -> J | None:
        return self._jobs.get(ref)

    def new_id(self, started: datetime) -> str:
        """An unused id as AWS forms them: epoch ms of the start, then 8 hex digits."""
        while True:  # 32 random bits per millisecond: a clash is rare, but must not merge jobs
            ident = f"{epoch_micros(started) // 1000:014d}-{self.context.rng.getrandbits(32):08x}"
            if self._jobs.get(ident) is None:
                return ident

    def page(self, params: Params, limit: int) -> Page[J]:
        """A page of the listing, highest listing key first, of one table if TableArn is given."""
        table, since = params.get("TableArn"), self.clock.now() - RETENTION
        return self.paginate(
            self._jobs,
            token=params.get("NextToken"),
            limit=limit,
            scope={"TableArn": table},
            group=table,
            # AWS keeps a job's times to the millisecond (its id holds no finer time)
            since=since.replace(microsecond=since.microsecond // 1000 * 1000),
        )

    def job_of_arn(self, arn: str) -> J:
        """The job of `arn`, or what AWS answers for an ARN that cannot be this caller's.

        AWS authorizes the caller for the ARN before it reads the ARN's resource part: an
        ARN of another account, partition or service is AccessDeniedException whatever its
        resource; then anything but an ARN of this kind is ValidationException; another
        region or no such job: `not_found`.
        """
        title, parts, c = self.kind.title(), arn.split(":", 5), self.context
        is_arn = len(parts) == 6 and parts[0] == "arn"  # "qwerty:aws:..." is not authorized as one
        if is_arn and (parts[1], parts[2], parts[4]) != (c.partition, "dynamodb", c.account_id):
            raise AccessDeniedException("Access is denied")
        if not is_arn or not _JOB[self.kind].fullmatch(parts[5]):
            raise ValidationException(f"Invalid {title} ARN")
        if parts[3] != c.region:
            raise self.not_found(f"{title} not found: Invalid {self.kind} arn")
        if (job := self._jobs.get(arn)) is None:
            raise self.not_found(self.not_found_message.format(arn=arn))
        return job


@functools.lru_cache(maxsize=4096)
def table_id(table_arn: str) -> str:
    """The TableId of a table: stable per ARN, so imports and exports of it agree."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, table_arn))


def invented_item_count(job_id: str) -> int:
    """Items a completed job handled: nothing is read from S3, so derived from the id."""
    return 1 + int(job_id[-8:], 16) % 5000
