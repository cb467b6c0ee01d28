"""Tables as imports and exports see them: ARNs, job ids, TableIds and table definitions."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NoReturn, TypeVar

from importmock.core.backend import Backend, BackendContext, Job, JobIndex
from importmock.core.clock import epoch_micros
from importmock.core.errors import ServiceError
from importmock.core.pagination import Page
from importmock.core.types import Params
from importmock.services.dynamodb.errors import AccessDeniedException, ValidationException

_NAME = r"[a-zA-Z0-9_.-]{3,255}"
_SCOPE = r"arn:(?P<partition>[\w-]+):dynamodb:(?P<region>[\w-]+):(?P<account>\d{12})"
TABLE_ARN = re.compile(rf"{_SCOPE}:table/(?P<table>{_NAME})")
JOB_ARN = re.compile(rf"{_SCOPE}:table/(?P<table>{_NAME})/(?P<kind>import|export)/\d{{14}}-[0-9a-f]{{8}}")
MAX_INDEXES = 20
RETENTION = timedelta(days=90)  # ListImports and ListExports list the jobs of the past 90 days
J = TypeVar("J", bound=Job)


def job_id(started: datetime, random_bits: int) -> str:
    """A job id as AWS forms it: epoch milliseconds of the start, then 8 hex digits."""
    return f"{epoch_micros(started) // 1000:014d}-{random_bits:08x}"


@functools.lru_cache(maxsize=4096)
def table_id(table_arn: str) -> str:
    """The TableId of a table: stable per ARN, so imports and exports of it agree."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, table_arn))


def check_job_arn(arn: str, kind: str, context: BackendContext, missing: type[ServiceError]) -> None:
    """Raises what AWS answers for an import or export ARN that cannot be this caller's.

    Malformed or of the other kind: ValidationException; another account or partition:
    AccessDeniedException; another region: the family's not-found error.
    """
    found = JOB_ARN.fullmatch(arn)
    if found is None or found["kind"] != kind:
        raise ValidationException(f"Invalid {kind.title()} ARN")
    if (found["account"], found["partition"]) != (context.account_id, context.partition):
        raise AccessDeniedException("Access is denied")
    if found["region"] != context.region:
        raise missing(f"{kind.title()} not found: Invalid {kind} arn")


def page_by_table(backend: Backend, jobs: JobIndex[J], params: Params, limit: int) -> Page[J]:
    """A page of ListImports or ListExports: newest first, of one table if TableArn is given."""
    table = params.get("TableArn")
    return backend.paginate(
        jobs,
        token=params.get("NextToken"),
        limit=limit,
        scope={"TableArn": table},
        group=table,
        since=backend.clock.now() - RETENTION,
    )


def check_definition(creation: Params) -> None:
    """ImportTable's checks of TableCreationParameters beyond the shape, in AWS's words."""
    indexes = creation.get("GlobalSecondaryIndexes")
    _check_billing(creation, indexes or [])
    _check_key_schema(creation["KeySchema"])
    for index in indexes or []:
        _check_key_schema(index["KeySchema"])
    if indexes is not None:
        _check_indexes(indexes)
    _check_attributes(creation, indexes or [])
    sse = creation.get("SSESpecification") or {}
    if sse.get("KMSMasterKeyId") and sse.get("SSEType") != "KMS":
        _invalid("KMSMasterKeyId can only be specified when SSEType is KMS")


def _check_billing(creation: Params, indexes: list[Params]) -> None:
    mode = creation.get("BillingMode", "PROVISIONED")
    throughput = creation.get("ProvisionedThroughput")
    if mode == "PROVISIONED" and throughput is None:
        _invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )
    if mode == "PAY_PER_REQUEST" and throughput is not None:
        _invalid(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified "
            "when BillingMode is PAY_PER_REQUEST"
        )
    if mode == "PROVISIONED" and creation.get("OnDemandThroughput"):
        _invalid(
            "MaxWriteRequestUnits for OnDemandThroughput cannot be specified "
            "when table BillingMode is PROVISIONED."
        )
    for index in indexes:
        name, given = index["IndexName"], index.get("ProvisionedThroughput") is not None
        if mode == "PROVISIONED" and not given:
            _invalid(f"ProvisionedThroughput is not specified for index: {name}")
        if mode == "PAY_PER_REQUEST" and given:
            _invalid(
                f"ProvisionedThroughput should not be specified for index: {name} "
                "when BillingMode is PAY_PER_REQUEST"
            )


def _check_key_schema(schema: list[Params]) -> None:
    if len(schema) > 2:
        raise ValidationException(
            "1 validation error detected: Value at 'keySchema' failed to satisfy constraint: "
            "Member must have length less than or equal to 2"
        )
    if schema[0]["KeyType"] != "HASH":
        raise ValidationException("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(schema) == 2 and schema[1]["KeyType"] != "RANGE":
        raise ValidationException("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
    if len(schema) == 2 and schema[0]["AttributeName"] == schema[1]["AttributeName"]:
        raise ValidationException(
            "Invalid KeySchema: Both the Hash Key and the Range Key element "
            "in the KeySchema have the same name"
        )


def _check_indexes(indexes: list[Params]) -> None:
    if not indexes:
        _invalid("List of GlobalSecondaryIndexes is empty")
    if len(indexes) > MAX_INDEXES:
        _invalid(f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_INDEXES}")
    names: set[str] = set()
    for index in indexes:
        if index["IndexName"] in names:
            _invalid(f"Duplicate index name: {index['IndexName']}")
        names.add(index["IndexName"])
        projection = index["Projection"]
        if (projection.get("ProjectionType") == "INCLUDE") != bool(projection.get("NonKeyAttributes")):
            _invalid("NonKeyAttributes must be specified exactly when ProjectionType is INCLUDE")


def _check_attributes(creation: Params, indexes: list[Params]) -> None:
    defined = sorted(a["AttributeName"] for a in creation["AttributeDefinitions"])
    used = sorted(_key_names([creation, *indexes]))
    if undefined := sorted(set(used) - set(defined)):
        _invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(undefined)}], AttributeDefinitions: [{', '.join(defined)}]"
        )
    if set(defined) - set(used):
        _invalid(
            "Some AttributeDefinitions are not used. "
            f"AttributeDefinitions: [{', '.join(defined)}], keys used: [{', '.join(used)}]"
        )


def _key_names(definitions: Iterable[Params]) -> set[str]:
    return {key["AttributeName"] for item in definitions for key in item["KeySchema"]}


def _invalid(reason: str) -> NoReturn:
    raise ValidationException(f"One or more parameter values were invalid: {reason}")
