"""ImportTable's checks of TableCreationParameters beyond the shape, in AWS's words."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

INVALID = "One or more parameter values were invalid: "
PK = {"AttributeName": "pk", "AttributeType": "S"}
SK = {"AttributeName": "sk", "AttributeType": "N"}
HASH = {"AttributeName": "pk", "KeyType": "HASH"}
RANGE = {"AttributeName": "sk", "KeyType": "RANGE"}
THROUGHPUT = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}


def index(name: str = "by-sk", **extra: object) -> dict[str, object]:
    return {
        "IndexName": name,
        "KeySchema": [{"AttributeName": "sk", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
        **extra,
    }


def table(**overrides: object) -> dict[str, object]:
    definition = {
        "TableName": "orders",
        "AttributeDefinitions": [PK],
        "KeySchema": [HASH],
        "BillingMode": "PAY_PER_REQUEST",
    }
    definition.update(overrides)
    return {key: value for key, value in definition.items() if value is not None}


def import_table(client, definition):
    return client.import_table(
        S3BucketSource={"S3Bucket": "bucket"}, InputFormat="ION", TableCreationParameters=definition
    )


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        (
            table(BillingMode=None),
            INVALID + "ReadCapacityUnits and WriteCapacityUnits must both be specified "
            "when BillingMode is PROVISIONED",
        ),
        (
            table(ProvisionedThroughput=THROUGHPUT),
            INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified "
            "when BillingMode is PAY_PER_REQUEST",
        ),
        (
            table(
                BillingMode="PROVISIONED",
                ProvisionedThroughput=THROUGHPUT,
                OnDemandThroughput={"MaxReadRequestUnits": 5},
            ),
            INVALID + "MaxWriteRequestUnits for OnDemandThroughput cannot be specified "
            "when table BillingMode is PROVISIONED.",
        ),
        (
            table(KeySchema=[{"AttributeName": "pk", "KeyType": "RANGE"}]),
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            table(
                AttributeDefinitions=[PK, SK], KeySchema=[HASH, {"AttributeName": "sk", "KeyType": "HASH"}]
            ),
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ),
        (
            table(KeySchema=[HASH, {"AttributeName": "pk", "KeyType": "RANGE"}]),
            "Invalid KeySchema: Both the Hash Key and the Range Key element "
            "in the KeySchema have the same name",
        ),
        (
            table(AttributeDefinitions=[PK, SK], KeySchema=[HASH, RANGE, RANGE]),
            "1 validation error detected: Value '[{'AttributeName': 'pk', 'KeyType': 'HASH'}, "
            "{'AttributeName': 'sk', 'KeyType': 'RANGE'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}]' "
            "at 'tableCreationParameters.keySchema' failed to satisfy constraint: "
            "Member must have length less than or equal to 2",
        ),
        (
            table(KeySchema=[HASH, RANGE]),
            "Invalid KeySchema: Some index key attribute have no definition",
        ),
        (
            table(AttributeDefinitions=[PK, SK]),
            INVALID + "Number of attributes in KeySchema does not exactly match number of "
            "attributes defined in AttributeDefinitions",
        ),
        (
            table(AttributeDefinitions=[PK], GlobalSecondaryIndexes=[index()]),
            INVALID + "Some index key attributes are not defined in AttributeDefinitions. "
            "Keys: [sk], AttributeDefinitions: [pk]",
        ),
        (
            table(
                AttributeDefinitions=[PK, SK, {"AttributeName": "extra", "AttributeType": "S"}],
                GlobalSecondaryIndexes=[index()],
            ),
            INVALID + "Some AttributeDefinitions are not used. AttributeDefinitions: [extra, pk, sk], "
            "keys used: [pk, sk]",
        ),
        (table(GlobalSecondaryIndexes=[]), INVALID + "List of GlobalSecondaryIndexes is empty"),
        (
            table(
                AttributeDefinitions=[PK, SK], GlobalSecondaryIndexes=[index(f"i{n:02}") for n in range(21)]
            ),
            INVALID + "GlobalSecondaryIndex count exceeds the per-table limit of 20",
        ),
        (
            table(AttributeDefinitions=[PK, SK], GlobalSecondaryIndexes=[index(), index()]),
            INVALID + "Duplicate index name: by-sk",
        ),
        (
            table(
                AttributeDefinitions=[PK, SK],
                BillingMode="PROVISIONED",
                ProvisionedThroughput=THROUGHPUT,
                GlobalSecondaryIndexes=[index()],
            ),
            INVALID + "ProvisionedThroughput is not specified for index: by-sk",
        ),
        (
            table(
                AttributeDefinitions=[PK, SK],
                GlobalSecondaryIndexes=[index(ProvisionedThroughput=THROUGHPUT)],
            ),
            INVALID + "ProvisionedThroughput should not be specified for index: by-sk "
            "when BillingMode is PAY_PER_REQUEST",
        ),
        (
            table(
                AttributeDefinitions=[PK, SK],
                GlobalSecondaryIndexes=[index(Projection={"ProjectionType": "INCLUDE"})],
            ),
            INVALID + "NonKeyAttributes must be specified exactly when ProjectionType is INCLUDE",
        ),
        (
            table(SSESpecification={"Enabled": True, "SSEType": "AES256", "KMSMasterKeyId": "alias/key"}),
            INVALID + "KMSMasterKeyId can only be specified when SSEType is KMS",
        ),
    ],
)
def test_import_table_refuses_invalid_definitions(mock, make_client, definition, message) -> None:
    client = make_client("dynamodb")
    with pytest.raises(ClientError) as caught:
        import_table(client, definition)
    assert caught.value.response["Error"] == {"Code": "ValidationException", "Message": message}
    assert mock.calls[-1].error == "ValidationException"


def test_import_table_accepts_a_full_definition(mock, make_client, assert_shape) -> None:
    client = make_client("dynamodb")
    definition = table(
        AttributeDefinitions=[PK, SK, {"AttributeName": "gsk", "AttributeType": "B"}],
        KeySchema=[HASH, RANGE],
        BillingMode="PROVISIONED",
        ProvisionedThroughput=THROUGHPUT,
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/key"},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-gsk",
                "KeySchema": [{"AttributeName": "gsk", "KeyType": "HASH"}, RANGE],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]},
                "ProvisionedThroughput": THROUGHPUT,
            }
        ],
    )
    response = import_table(client, definition)
    assert_shape(client, "ImportTable", response)
    assert response["ImportTableDescription"]["TableCreationParameters"] == definition
