"""Server-side reading of requests: types, constraints, and the errors' wire format."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from botocore.model import StructureShape

from importmock.services import SERVICES
from importmock.wire.validation import compiled
from service_support import raw_json_call

TABLE = {
    "TableName": "orders",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def raw_call(mock, target: str, body: object, region: str = "us-east-1") -> tuple[int, dict]:
    """Sends a DynamoDB request the way a client that validates nothing would."""
    return raw_json_call(mock, "dynamodb", f"DynamoDB_20120810.{target}", body, region)


def error_of(call) -> dict:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]


def test_list_imports_page_size_out_of_range_is_a_validation_error(mock, make_client) -> None:
    client = make_client("dynamodb", validate=False)
    error = error_of(lambda: client.list_imports(PageSize=26))
    assert error == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value '26' at 'pageSize' failed to satisfy "
        "constraint: Member must have value less than or equal to 25",
    }


def test_violations_are_collected_with_nested_paths(mock, make_client) -> None:
    client = make_client("dynamodb", validate=False)
    table = {**TABLE, "TableName": "a b", "KeySchema": [{"AttributeName": "pk", "KeyType": "SORT"}]}
    error = error_of(
        lambda: client.import_table(
            S3BucketSource={"S3Bucket": "bucket"},
            InputFormat="XML",
            TableCreationParameters=table,
        )
    )
    assert error["Message"] == (
        "3 validation errors detected: "
        "Value 'XML' at 'inputFormat' failed to satisfy constraint: Member must satisfy enum "
        "value set: [DYNAMODB_JSON, ION, CSV]; "
        "Value 'a b' at 'tableCreationParameters.tableName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value 'SORT' at 'tableCreationParameters.keySchema.1.member.keyType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [HASH, RANGE]"
    )


def test_missing_required_member_is_named(mock, make_client) -> None:
    client = make_client("dynamodb", validate=False)
    error = error_of(lambda: client.describe_export())
    assert error["Message"] == (
        "1 validation error detected: Value null at 'exportArn' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_wrong_json_type_is_a_serialization_exception(mock) -> None:
    status, body = raw_call(mock, "ListImports", {"PageSize": "ten"})
    assert status == 400
    assert body["__type"] == "com.amazon.coral.service#SerializationException"
    assert "pageSize" in body["Message"]


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b"\xff\xfe", b"[" * 100_000, b'{"MaxResults": NaN}', b'{"A": Infinity}']
)
def test_unreadable_body_is_a_serialization_exception(mock, body: bytes) -> None:
    status, document = raw_call(mock, "ListExports", body)
    assert (status, document["__type"].rpartition("#")[2]) == (400, "SerializationException")


def test_error_wire_format_names_the_service_namespace(mock) -> None:
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/import/01700000000000-0123abcd"
    status, body = raw_call(mock, "DescribeImport", {"ImportArn": arn})
    assert status == 400
    assert body == {
        "__type": "com.amazonaws.dynamodb.v20120810#ImportNotFoundException",
        "message": f"Import not found: {arn}",
    }


def test_shape_validation_uses_coral_validate_namespace(mock) -> None:
    status, body = raw_call(mock, "ListExports", {"MaxResults": 0})
    assert status == 400
    assert body["__type"] == "com.amazon.coral.validate#ValidationException"


def test_modeled_exception_classes_catch_errors(mock, make_client) -> None:
    client = make_client("dynamodb")
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/export/01700000000000-0123abcd"
    with pytest.raises(client.exceptions.ExportNotFoundException):
        client.describe_export(ExportArn=arn)


def test_timestamps_accept_epoch_numbers_and_iso_strings(mock) -> None:
    table = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
    now = mock.clock.now()
    for export_time in (
        now.timestamp() - 600,
        (now.replace(microsecond=0) - timedelta(minutes=6)).isoformat(),
    ):
        status, body = raw_call(
            mock,
            "ExportTableToPointInTime",
            {"TableArn": table, "S3Bucket": "bucket", "ExportTime": export_time},
        )
        assert status == 200, body


def test_every_input_pattern_of_our_operations_compiles() -> None:
    seen: set[str] = set()

    def walk(shape) -> None:
        if shape.name in seen:
            return
        seen.add(shape.name)
        if pattern := shape.metadata.get("pattern"):
            compiled(pattern)
        if isinstance(shape, StructureShape):
            for member in shape.members.values():
                walk(member)
        for child in ("member", "key", "value"):
            if hasattr(shape, child):
                walk(getattr(shape, child))

    for service in SERVICES:
        for name in service.handlers:
            if (shape := service.model.operation_model(name).input_shape) is not None:
                walk(shape)
    assert seen


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (r"[a-zA-Z0-9_.-]+", "orders_1", "a b"),
        (r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$", "Ünïcode key 1", "semi;colon"),
        (r"\p{Print}+", "printable ~", "tab\there"),
    ],
)
def test_java_patterns_translate(pattern: str, good: str, bad: str) -> None:
    assert compiled(pattern).fullmatch(good)
    assert not compiled(pattern).fullmatch(bad)


SYNTHETIC = {
    "Input": {
        "type": "structure",
        "required": ["Name"],
        "members": {
            "Name": {"shape": "Name"},
            "Ratio": {"shape": "Ratio"},
            "Flag": {"shape": "Flag"},
            "Data": {"shape": "Data"},
            "Tags": {"shape": "Tags"},
            "Doc": {"shape": "Doc"},
        },
    },
    "Name": {"type": "string", "min": 1},
    "Ratio": {"type": "double", "min": 0, "max": 1},
    "Flag": {"type": "boolean"},
    "Data": {"type": "blob", "max": 3},
    "Tags": {"type": "map", "key": {"shape": "Name"}, "value": {"shape": "Name"}, "max": 1},
    "Doc": {"type": "structure", "members": {}, "document": True},
}


def read_synthetic(body: dict) -> dict:
    from botocore.model import ShapeResolver

    from importmock.errors import ValidationException
    from importmock.wire.validation import ShapeReader

    shape = ShapeResolver(SYNTHETIC).get_shape_by_name("Input")
    return ShapeReader().read(shape, body, ValidationException)


def test_reader_converts_every_type() -> None:
    params = read_synthetic({"Name": "n", "Ratio": 1, "Flag": False, "Data": "AAE=", "Tags": {"k": "v"}})
    assert params == {"Name": "n", "Ratio": 1.0, "Flag": False, "Data": b"\x00\x01", "Tags": {"k": "v"}}


@pytest.mark.parametrize(
    "body",
    [
        {"Name": 3},
        {"Name": "n", "Ratio": "high"},
        {"Name": "n", "Ratio": True},
        {"Name": "n", "Flag": "yes"},
        {"Name": "n", "Data": "not base64!"},
        {"Name": "n", "Data": 7},
        {"Name": "n", "Tags": ["k"]},
        {"Name": []},
    ],
)
def test_reader_refuses_wrong_json_types(body: dict) -> None:
    from importmock.errors import SerializationException

    with pytest.raises(SerializationException):
        read_synthetic(body)


def test_reader_checks_ranges_and_sizes_of_every_type() -> None:
    from importmock.errors import ValidationException

    with pytest.raises(ValidationException) as caught:
        read_synthetic({"Name": "", "Ratio": 1.5, "Data": "AAECAw==", "Tags": {"a": "b", "c": "d"}})
    message = str(caught.value)
    assert message.startswith("4 validation errors detected: ")
    assert (
        "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1"
        in message
    )
    assert (
        "at 'ratio' failed to satisfy constraint: Member must have value less than or equal to 1" in message
    )
    assert (
        "at 'data' failed to satisfy constraint: Member must have length less than or equal to 3" in message
    )
    assert (
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 1" in message
    )


def test_oversize_value_is_refused_by_length_without_running_its_pattern(mock, make_client) -> None:
    # S3Bucket's pattern backtracks for minutes on a long value that ends badly
    client = make_client("dynamodb", validate=False)
    error = error_of(
        lambda: client.export_table_to_point_in_time(
            TableArn="arn:aws:dynamodb:us-east-1:123456789012:table/orders", S3Bucket="a" * 4000 + "!"
        )
    )
    assert error["Message"].endswith("Member must have length less than or equal to 255")
    assert error["Message"].startswith("1 validation error detected")


@pytest.mark.parametrize("token", ["A" * 120, "0" * 176, "0" * 2048])
def test_overlong_tokens_are_validation_errors(mock, make_client, token: str) -> None:
    client = make_client("dynamodb", validate=False)
    for call in (lambda: client.list_exports(NextToken=token), lambda: client.list_imports(NextToken=token)):
        assert error_of(call)["Code"] == "ValidationException"
    assert [c.error for c in mock.calls] == ["ValidationException"] * 2


def test_bad_token_message_copies_aws(mock, make_client) -> None:
    client = make_client("dynamodb")
    token = "0" * 112
    assert error_of(lambda: client.list_imports(NextToken=token))["Message"] == (
        f"Invalid Request: Provided nextToken is invalid: {token}"
    )


def test_unknown_json_target_is_unknown_operation(mock) -> None:
    status, body = raw_call(mock, "NoSuchOperation", {})
    assert status == 400
    assert body["__type"] == "com.amazon.coral.service#UnknownOperationException"


@pytest.mark.parametrize(
    "when",
    [
        "1e20",
        "inf",
        "-62135596801",
        "99999999999999999999999",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
    ],
)
def test_timestamps_out_of_range_are_serialization_errors(mock, when: str) -> None:
    table = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
    status, body = raw_call(
        mock, "ExportTableToPointInTime", {"TableArn": table, "S3Bucket": "bucket", "ExportTime": when}
    )
    assert status == 400
    assert body["__type"].endswith("#SerializationException")


@pytest.mark.parametrize("region", ["mars-north-1", "US-EAST-1", "us-east-1 "])
def test_a_scope_naming_no_region_is_refused(mock, region: str) -> None:
    status, body = raw_call(mock, "ListImports", {}, region=region)
    assert status == 400
    assert body["__type"] == "com.amazon.coral.service#InvalidSignatureException"
    assert mock.calls == []
