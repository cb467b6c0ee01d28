"""The fuzz harness itself: what it generates reaches the mock, and what cannot is told apart.

Without these, a fuzz test could pass because its requests never reached importmock at all.
"""

from __future__ import annotations

import json

from botocore.exceptions import ClientError
from fuzz_strategies import Deep, Injection, Raw, inject_raw, split_raw
from fuzz_support import Sender, in_process_clients

from importmock import mock_imports


def test_raw_values_reach_the_mock_as_written() -> None:
    with mock_imports() as mock:
        client = in_process_clients("dynamodb", validate=False)
        model = client.meta.service_model.operation_model("ListImports")
        answer, shown = Sender(client).send(model, {"PageSize": Raw("5"), "Unknown": Raw([1])})
        assert answer.reached and isinstance(answer.error, ClientError), shown
        assert answer.error.response["Error"]["Code"] == "SerializationException"
        assert mock.calls[-1].params == {"PageSize": "5", "Unknown": [1]}


def test_raw_values_nest_by_wire_name_and_list_index() -> None:
    with mock_imports():
        client = in_process_clients("dynamodb", validate=False)
        shape = client.meta.service_model.operation_model("ImportTable").input_shape
        params = {"TableCreationParameters": {"KeySchema": [{"KeyType": "HASH", "AttributeName": Raw(7)}]}}
        clean, injections = split_raw(params, shape)
        assert clean == {"TableCreationParameters": {"KeySchema": [{"KeyType": "HASH"}]}}
        body = inject_raw(json.dumps(clean).encode(), injections)
        assert body is not None
        assert json.loads(body)["TableCreationParameters"]["KeySchema"][0] == {
            "KeyType": "HASH",
            "AttributeName": 7,
        }


def test_deep_values_are_built_when_written() -> None:
    body = inject_raw(b"{}", [Injection((), "Deep", Deep(50, "map", "M"))])
    assert body is not None
    node, depth = json.loads(body)["Deep"], 0
    while node != {"M": {}}:
        node, depth = node["M"]["k"], depth + 1
    assert depth == 50


def test_requests_botocore_cannot_serialize_are_not_counted_as_sent() -> None:
    with mock_imports() as mock:
        client = in_process_clients("dynamodb", validate=False)
        model = client.meta.service_model.operation_model("ImportTable")
        answer, shown = Sender(client).send(model, {"S3BucketSource": ["not", "a", "structure"]})
        assert (
            not answer.reached and answer.error is not None and not isinstance(answer.error, ClientError)
        ), shown
        assert mock.calls == []
