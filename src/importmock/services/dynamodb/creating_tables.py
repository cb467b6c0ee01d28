"""DescribeTable's answer for a table an import is creating: TableStatus CREATING.

AWS creates an import's table when the import starts and shows it CREATING until the import
ends. The data plane (moto) makes tables ACTIVE at once, so importmock keeps the table out
of the data plane while the import runs and answers DescribeTable for it from the import's
TableCreationParameters, in the layout DynamoDB's CreateTable answer has.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from importmock.types import Output, Params

CREATING = "CREATING"


def creating_table(name: str, arn: str, ident: str, creation: Params, created: datetime) -> Output:
    """The TableDescription of table `name` (ARN `arn`, TableId `ident`) while it is created."""
    mode = creation.get("BillingMode", "PROVISIONED")
    indexes = [_creating_index(index, arn, mode) for index in creation.get("GlobalSecondaryIndexes") or []]
    return {
        "AttributeDefinitions": creation["AttributeDefinitions"],
        "TableName": name,
        "KeySchema": creation["KeySchema"],
        "TableStatus": CREATING,
        "CreationDateTime": created,
        "ProvisionedThroughput": _throughput(creation.get("ProvisionedThroughput")),
        "TableSizeBytes": 0,
        "ItemCount": 0,
        "TableArn": arn,
        "TableId": ident,
        "BillingModeSummary": {"BillingMode": mode} if mode == "PAY_PER_REQUEST" else None,
        "GlobalSecondaryIndexes": indexes or None,
        "SSEDescription": _sse(creation.get("SSESpecification")),
        "OnDemandThroughput": creation.get("OnDemandThroughput"),
        "DeletionProtectionEnabled": False,
    }


def _creating_index(index: Params, table_arn: str, mode: str) -> Output:
    return {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index["Projection"],
        "IndexStatus": CREATING,
        "ProvisionedThroughput": _throughput(index.get("ProvisionedThroughput")),
        "IndexSizeBytes": 0,
        "ItemCount": 0,
        "IndexArn": f"{table_arn}/index/{index['IndexName']}",
        "OnDemandThroughput": index.get("OnDemandThroughput") if mode == "PAY_PER_REQUEST" else None,
    }


def _throughput(given: Params | None) -> Output:
    """A PAY_PER_REQUEST table shows zero capacity units, as DynamoDB describes it.

    AWS also shows NumberOfDecreasesToday 0, which botocore's model forbids (its minimum is
    1): the member is left out, as the model allows.
    """
    units: dict[str, Any] = given or {}
    return {
        "ReadCapacityUnits": units.get("ReadCapacityUnits", 0),
        "WriteCapacityUnits": units.get("WriteCapacityUnits", 0),
    }


def _sse(given: Params | None) -> Output | None:
    """Encryption with an AWS-owned key (the default) has no SSEDescription; KMS shows its key."""
    if not given or not given.get("Enabled"):
        return None
    return {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": given.get("KMSMasterKeyId")}
