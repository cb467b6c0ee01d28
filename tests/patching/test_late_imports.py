"""Libraries imported after the mock started, and sessions made before moto was imported.

Each scenario runs in a fresh interpreter, so the library really is imported for the first
time inside the mock, under a resolver guard that fails on any name but loopback: a call
that would have left the process fails the scenario instead of reaching AWS.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

GUARD = """
import socket

_resolve = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    if host not in ("127.0.0.1", "::1", "localhost"):
        raise AssertionError(f"left the process: a lookup of {host}")
    return _resolve(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only

from botocore.validate import validate_parameters


def check(client, operation, response):
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    validate_parameters(body, client.meta.service_model.operation_model(operation).output_shape)
    return response
"""


def run_fresh(scenario: str) -> str:
    """Runs `scenario` after the guard in a new interpreter; its stdout, or the failure shown."""
    code = GUARD + textwrap.dedent(scenario)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


@pytest.mark.requires_aiobotocore
def test_aiobotocore_imported_inside_the_mock_is_answered_by_it() -> None:
    out = run_fresh(
        """
        import asyncio, sys
        from importmock import mock_imports

        async def main():
            async with mock_imports(duration=None):
                assert "aiobotocore" not in sys.modules
                import aiobotocore.session

                session = aiobotocore.session.get_session()
                async with session.create_client("dynamodb", region_name="us-east-1") as ddb:
                    listed = check(ddb, "ListImports", await ddb.list_imports())
                    print(len(listed["ImportSummaryList"]))

        asyncio.run(main())
        """
    )
    assert out == "0"


@pytest.mark.requires_aiobotocore
def test_aiobotocore_imported_inside_the_mock_is_unpatched_after_stop() -> None:
    out = run_fresh(
        """
        from importmock import mock_imports

        with mock_imports():
            import aiobotocore.httpsession as hs
            patched = hs.AIOHTTPSession.send
        print(patched is not hs.AIOHTTPSession.send, hs.AIOHTTPSession.send.__module__)
        """
    )
    assert out == "True aiobotocore.httpsession"


def test_requests_imported_inside_the_mock_never_reaches_aws() -> None:
    out = run_fresh(
        """
        import sys
        from importmock import NotImplementedOperation, mock_imports

        with mock_imports():
            assert "requests" not in sys.modules
            import requests

            try:
                requests.get("https://dynamodb.us-east-1.amazonaws.com/", timeout=5)
            except NotImplementedOperation as refused:
                print(type(refused).__name__)
        """
    )
    assert out == "NotImplementedOperation"


def test_moto_imported_inside_the_mock_leaves_importmock_its_operations() -> None:
    out = run_fresh(
        """
        import sys
        import boto3
        from importmock import mock_imports

        with mock_imports():
            assert "moto" not in sys.modules
            from moto import mock_aws

            with mock_aws():
                ddb = boto3.client("dynamodb", region_name="us-east-1")
                listed = check(ddb, "ListImports", ddb.list_imports())
                ddb.create_table(
                    TableName="orders",
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                    BillingMode="PAY_PER_REQUEST",
                )
                print(listed["ImportSummaryList"], ddb.list_tables()["TableNames"])
        """
    )
    assert out == "[] ['orders']"


@pytest.mark.parametrize("order", ["moto-first", "importmock-first"])
def test_session_made_before_moto_import_gets_moto_answers(order: str) -> None:
    out = run_fresh(
        f"""
        import boto3

        early = boto3.session.Session(region_name="us-east-1")  # a conftest's, before moto
        from moto import mock_aws
        from importmock import mock_imports

        mocks = (mock_aws(), mock_imports()) if "{order}" == "moto-first" else (mock_imports(), mock_aws())
        with mocks[0], mocks[1]:
            ddb = early.client("dynamodb")
            ddb.create_table(
                TableName="orders",
                KeySchema=[{{"AttributeName": "pk", "KeyType": "HASH"}}],
                AttributeDefinitions=[{{"AttributeName": "pk", "AttributeType": "S"}}],
                BillingMode="PAY_PER_REQUEST",
            )
            ddb.put_item(TableName="orders", Item={{"pk": {{"S": "1"}}}})
            item = ddb.get_item(TableName="orders", Key={{"pk": {{"S": "1"}}}})["Item"]
            listed = check(ddb, "ListImports", ddb.list_imports())
            s3 = early.client("s3")
            s3.create_bucket(Bucket="moto-bucket")
            s3.put_object(Bucket="moto-bucket", Key="data.csv", Body=b"pk\\n1\\n")
            body = s3.get_object(Bucket="moto-bucket", Key="data.csv")["Body"].read()
            print(item, listed["ImportSummaryList"], body)
        """
    )
    assert out == "{'pk': {'S': '1'}} [] b'pk\\n1\\n'"


def test_session_made_before_moto_import_still_raises_without_moto_active() -> None:
    out = run_fresh(
        """
        import boto3

        early = boto3.session.Session(region_name="us-east-1")
        import moto  # imported, never started
        from importmock import NotImplementedOperation, mock_imports

        with mock_imports():
            try:
                early.client("dynamodb").describe_table(TableName="orders")
            except NotImplementedOperation as refused:
                print("DescribeTable" in str(refused))
        """
    )
    assert out == "True"


def test_import_hook_is_gone_after_the_last_stop() -> None:
    out = run_fresh(
        """
        import sys
        from importmock import mock_imports

        before = list(sys.meta_path)
        with mock_imports():
            with mock_imports():
                during = len(sys.meta_path)
            after_inner = len(sys.meta_path)
        print(during - len(before), after_inner - len(before), sys.meta_path == before)
        """
    )
    assert out == "1 1 True"
