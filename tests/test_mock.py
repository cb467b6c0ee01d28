"""ImportMock as decorator, context manager and start/stop; nesting; the environment."""

from __future__ import annotations

import asyncio
import io
import os
import unittest

import boto3
import pytest
from botocore.httpsession import URLLib3Session

from importmock import ImportMock, mock_imports
from importmock.patching import botocore_send, registry

CREDENTIAL_NAMES = (*registry.FAKE_CREDENTIALS, *registry.HIDDEN, *registry.DEFAULT_REGION)


def list_imports() -> list[dict[str, object]]:
    client = boto3.client("dynamodb", region_name="us-east-1")
    return client.list_imports()["ImportSummaryList"]


def import_one(table: str = "orders", region: str = "us-east-1") -> str:
    client = boto3.client("dynamodb", region_name=region)
    response = client.import_table(
        S3BucketSource={"S3Bucket": "bucket"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters={
            "TableName": table,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    return str(response["ImportTableDescription"]["ImportArn"])


def patched() -> bool:
    return URLLib3Session.__dict__["send"] is not botocore_send._BOTOCORE_SEND


def test_mock_imports_bare_decorator_runs_the_function_inside() -> None:
    @mock_imports
    def work() -> int:
        import_one()
        return len(list_imports())

    assert work() == 1
    assert work() == 1  # each call starts afresh
    assert not patched()


def test_mock_imports_called_decorator_passes_options() -> None:
    @mock_imports(duration=None)
    def work() -> str:
        arn = import_one()
        return str(list_imports()[0]["ImportStatus"]) + ":" + arn

    assert work().startswith("IN_PROGRESS:")


def test_mock_imports_decorates_coroutines() -> None:
    @mock_imports
    async def work() -> int:
        await asyncio.sleep(0)
        import_one()
        return len(list_imports())

    assert asyncio.run(work()) == 1
    assert not patched()


def test_mock_imports_async_with() -> None:
    async def work() -> int:
        async with mock_imports() as mock:
            import_one()
            return len(mock.calls)

    assert asyncio.run(work()) == 1


def test_mock_imports_decorates_plain_classes() -> None:
    @mock_imports
    class Suite:
        def test_one(self) -> int:
            import_one()
            return len(list_imports())

        def helper(self) -> bool:
            return patched()

    assert Suite().test_one() == 1
    assert Suite().test_one() == 1
    assert not Suite().helper()


def test_mock_imports_decorates_testcase_with_setup_and_teardown_inside() -> None:
    seen: list[object] = []

    @mock_imports
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            seen.append(("setUp", patched(), import_one()))

        def tearDown(self) -> None:
            seen.append(("tearDown", patched(), len(list_imports())))

        def test_sees_setup_import(self) -> None:
            self.assertEqual(len(list_imports()), 1)

        def test_again_fresh(self) -> None:
            self.assertEqual(len(list_imports()), 1)

    result = unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Case)
    )
    assert result.wasSuccessful(), result.failures + result.errors
    assert [entry[:2] for entry in seen] == [("setUp", True), ("tearDown", True)] * 2
    assert not patched()


def test_mock_imports_testcase_stops_even_when_setup_fails() -> None:
    @mock_imports
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            raise RuntimeError("broken fixture")

        def test_nothing(self) -> None:
            pass

    unittest.TextTestRunner(stream=io.StringIO()).run(unittest.defaultTestLoader.loadTestsFromTestCase(Case))
    assert not patched()


def test_start_stop_and_state_readable_after_stop() -> None:
    mock = mock_imports().start()
    assert mock.active and patched()
    import_one()
    mock.stop()
    assert not mock.active and not patched()
    assert [call.operation for call in mock.calls] == ["ImportTable"]
    mock.stop()  # stopping twice is harmless


def test_start_resets_state() -> None:
    mock = ImportMock()
    with mock:
        import_one()
    with mock:
        assert list_imports() == []


def test_clock_held_before_start_drives_the_jobs() -> None:
    mock = mock_imports(duration=60)
    clock = mock.clock
    with mock:
        import_one()
        clock.advance(60)
        assert list_imports()[0]["ImportStatus"] == "COMPLETED"


def test_nested_starts_of_one_mock_keep_state() -> None:
    with mock_imports() as mock:
        import_one()
        with mock:
            assert len(list_imports()) == 1
        assert patched()
        assert len(list_imports()) == 1
    assert not patched()


def test_nested_mocks_innermost_answers_and_outer_resumes() -> None:
    with mock_imports() as outer:
        import_one("outer-table")
        with mock_imports() as inner:
            assert list_imports() == []
            import_one("inner-table")
        assert [s["TableArn"].rsplit("/", 1)[1] for s in list_imports()] == ["outer-table"]
    assert len(inner.calls) == 2 and len(outer.calls) == 2


def test_mocks_stopped_out_of_order_restore_everything() -> None:
    before_env = {name: os.environ.get(name) for name in CREDENTIAL_NAMES}
    first, second = mock_imports().start(), mock_imports().start()
    first.stop()
    assert patched()
    assert list_imports() == []  # the remaining mock answers
    second.stop()
    assert not patched()
    assert {name: os.environ.get(name) for name in CREDENTIAL_NAMES} == before_env


def test_environment_has_fake_credentials_and_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "REAL-KEY")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "REAL-TOKEN")
    with mock_imports():
        assert "AWS_SESSION_TOKEN" not in os.environ
        assert os.environ["AWS_ACCESS_KEY_ID"] == registry.FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]
        assert os.environ["AWS_SECRET_ACCESS_KEY"]
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"  # the user's region is kept
    assert os.environ["AWS_ACCESS_KEY_ID"] == "REAL-KEY"
    assert os.environ["AWS_SESSION_TOKEN"] == "REAL-TOKEN"
    assert "AWS_SECRET_ACCESS_KEY" not in os.environ


def test_environment_restored_after_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    seen: list[str] = []

    def fail_inside() -> None:
        with mock_imports():
            seen.append(os.environ["AWS_DEFAULT_REGION"])
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail_inside()
    assert seen == ["us-east-1"]
    assert "AWS_DEFAULT_REGION" not in os.environ
    assert not patched()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"account_id": "12345"}, "12 digits"),
        ({"durations": {"dynamodb:imports": 1}}, "unknown families"),
        ({"duration": -1}, "must be 0 to"),
        ({"duration": float("nan")}, "must be 0 to"),
        ({"durations": {"dynamodb:export": float("inf")}}, "must be 0 to"),
    ],
)
def test_mock_imports_rejects_bad_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mock_imports(**options)  # type: ignore[arg-type]


def test_mock_imports_refuses_non_callables() -> None:
    with pytest.raises(TypeError):
        mock_imports()(42)  # type: ignore[call-overload]


@pytest.mark.requires_model("dynamodb", "StartBulkPutItems")  # the floor lacks it: test_service_families
def test_durations_keys_are_the_families_design_names() -> None:
    from importmock.services import FAMILIES

    keys = {
        "dynamodb:import",
        "dynamodb:export",
        "dynamodb:bulk-operation",
        "cloudtrail:import",
        "forecast:dataset-import-job",
        "forecast:forecast-export-job",
        "forecast:predictor-backtest-export-job",
        "forecast:explainability-export",
        "forecast:what-if-forecast-export",
        "qconnect:import-job",
    }
    assert set(FAMILIES) == keys
    mock = mock_imports(duration=5, durations=dict.fromkeys(keys, None) | {"dynamodb:export": 1.5})
    assert mock._durations["dynamodb:export"] == 1.5
    assert mock._durations["qconnect:import-job"] is None
