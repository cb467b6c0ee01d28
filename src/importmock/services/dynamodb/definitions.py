"""ImportTable's checks of TableCreationParameters beyond the shape, in AWS's words."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from importmock.services.dynamodb.errors import ShapeValidationException, ValidationException
from importmock.types import Params

MAX_INDEXES = 20


def check_definition(creation: Params) -> None:
    """ImportTable's checks of TableCreationParameters beyond the shape, in AWS's words."""
    indexes = creation.get("GlobalSecondaryIndexes")
    _check_billing(creation, indexes or [])
    _check_key_schema(creation["KeySchema"], "tableCreationParameters.keySchema")
    for number, index in enumerate(indexes or [], 1):
        path = f"tableCreationParameters.globalSecondaryIndexes.{number}.member.keySchema"
        _check_key_schema(index["KeySchema"], path)
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


def _check_key_schema(schema: list[Params], path: str) -> None:
    if len(schema) > 2:  # a constraint of AWS's own model that botocore's copy lacks
        raise ShapeValidationException(
            f"1 validation error detected: Value '{schema}' at '{path}' failed to satisfy "
            "constraint: Member must have length less than or equal to 2"
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
    undefined, unused = set(used) - set(defined), set(defined) - set(used)
    # AWS words both problems differently for a table without indexes
    if undefined and not indexes:
        raise ValidationException("Invalid KeySchema: Some index key attribute have no definition")
    if unused and not indexes:
        _invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes "
            "defined in AttributeDefinitions"
        )
    if undefined:
        _invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(sorted(undefined))}], AttributeDefinitions: [{', '.join(defined)}]"
        )
    if unused:
        _invalid(
            "Some AttributeDefinitions are not used. "
            f"AttributeDefinitions: [{', '.join(defined)}], keys used: [{', '.join(used)}]"
        )


def _key_names(definitions: Iterable[Params]) -> set[str]:
    return {key["AttributeName"] for item in definitions for key in item["KeySchema"]}


def _invalid(reason: str) -> NoReturn:
    raise ValidationException(f"One or more parameter values were invalid: {reason}")
