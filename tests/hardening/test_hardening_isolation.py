"""Issue 7, isolation: a stopped mock leaves no trace.

Before each scenario the test takes a footprint of everything a mock could change: the class
attributes importmock, `responses` and other mocks patch (botocore's URLLib3Session,
RequestSigner, Endpoint, BaseClient; requests' HTTPAdapter and Session; urllib3's pool;
aiobotocore's sessions and signer and moto's stubber, which importmock patches when they are
imported), the whole environment, botocore's builtin handlers, the event handlers of an existing client, of
the default boto3 session and of a fresh session and client, the `responses` default mock,
the loggers, and the live threads. After the scenario the footprint must be the same: after a
plain block, an exception inside it, a decorated function or coroutine that raises, a
TestCase whose setUp fails, mocks stopped out of order, a Q in Connect upload URL issued
inside (which starts a `responses` capture), a mock restored from a snapshot holding uploads,
a stop from another thread, a ThreadedServer started and stopped, moto's mock_aws around,
inside or stopped before the mock, and a user's own patch made between nested starts. Last,
a user's own `responses` mock keeps working around and inside a mock.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import inspect
import io
import itertools
import logging
import os
import socket
import threading
import unittest
import unittest.mock
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import boto3
import botocore.client
import botocore.endpoint
import botocore.handlers
import botocore.session
import pytest
import requests
import requests.adapters
import responses
import urllib3.connectionpool
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.httpsession import URLLib3Session
from botocore.signers import RequestSigner
from hardening_support import HTTP_TIMEOUT, import_table, start_qconnect_job

from importmock import mock_imports
from importmock.server import ThreadedServer

KNOWLEDGE_BASE = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
PATCHED_CLASSES: dict[str, type] = {
    "URLLib3Session": URLLib3Session,
    "RequestSigner": RequestSigner,
    "Endpoint": botocore.endpoint.Endpoint,
    "BaseClient": botocore.client.BaseClient,
    "HTTPAdapter": requests.adapters.HTTPAdapter,
    "requests.Session": requests.Session,
    "HTTPConnectionPool": urllib3.connectionpool.HTTPConnectionPool,
}
# what importmock patches in libraries it works beside, when the user's code has imported them
OPTIONAL_OWNERS = (
    ("aiobotocore.httpsession", "AIOHTTPSession"),
    ("aiobotocore.httpxsession", "HttpxSession"),
    ("aiobotocore.signers", "AioRequestSigner"),
    ("moto.core.botocore_stubber", "BotocoreStubber"),
)


def patched_classes() -> dict[str, type]:
    """The classes to watch; the optional libraries are imported here, when these tests run,
    not when the module is collected (other tests need them unimported)."""
    found = dict(PATCHED_CLASSES)
    for module, owner in OPTIONAL_OWNERS:
        with contextlib.suppress(ImportError):  # not installed (httpx, for one): nothing importmock patches
            found[f"{module}.{owner}"] = getattr(importlib.import_module(module), owner)
    return found


LOGGERS = ("", "botocore", "boto3", "importmock", "importmock.server", "werkzeug", "urllib3", "responses")
# an environment with every variable importmock sets or hides, and one with none of them
ENVIRONMENTS: dict[str, dict[str, str | None]] = {
    "bare": {
        "AWS_ACCESS_KEY_ID": None,
        "AWS_SECRET_ACCESS_KEY": None,
        "AWS_SESSION_TOKEN": None,
        "AWS_SECURITY_TOKEN": None,
        "AWS_DEFAULT_REGION": None,
        "AWS_REGION": None,
    },
    "user": {
        "AWS_ACCESS_KEY_ID": "AKIAUSERSOWNKEY00000",
        "AWS_SECRET_ACCESS_KEY": "users-own-secret",
        "AWS_SESSION_TOKEN": "users-own-session-token",
        "AWS_SECURITY_TOKEN": "users-own-security-token",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_REGION": "eu-west-2",
    },
}
NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=2, read_timeout=10)


def handler_table(events: Any) -> dict[str, list[Any]]:
    """Every handler registered on an event system, by event name, in call order."""
    emitter = getattr(events, "_emitter", events)
    table: dict[str, list[Any]] = {}

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        values = node.get("values")
        if values:
            table[".".join(path)] = [*values.first, *values.middle, *values.last]
        for chunk, child in node["children"].items():
            walk(child, (*path, chunk))

    walk(emitter._handlers._root, ())
    return table


def describe(handler: Any) -> str:
    """A handler's name, stable across sessions (bound methods of new objects compare by class)."""
    if isinstance(handler, functools.partial):
        return f"partial({describe(handler.func)})"
    if inspect.ismethod(handler):
        return f"{type(handler.__self__).__qualname__}.{handler.__func__.__qualname__}"
    name = getattr(handler, "__qualname__", type(handler).__qualname__)
    return f"{getattr(handler, '__module__', '?')}.{name}"


def described(table: dict[str, list[Any]]) -> dict[str, list[str]]:
    return {event: [describe(h) for h in handlers] for event, handlers in table.items()}


def fresh_registries() -> dict[str, dict[str, list[str]]]:
    """The handlers of a session made now, and of a client of it per family's service."""
    session = botocore.session.Session()
    found = {"session": described(handler_table(session.get_component("event_emitter")))}
    for service in ("dynamodb", "qconnect"):
        client = session.create_client(
            service, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )
        found[service] = described(handler_table(client.meta.events))
    return found


@dataclass
class Footprint:
    classes: dict[str, dict[str, Any]]
    environ: dict[str, str]
    builtin_handlers: list[Any]
    client_handlers: dict[str, list[Any]]
    default_session_handlers: dict[str, list[Any]]
    fresh: dict[str, dict[str, list[str]]]
    responses_default_started: bool
    loggers: dict[str, tuple[int, list[logging.Handler], bool]]
    threads: set[threading.Thread]

    @classmethod
    def take(cls, early_client: Any) -> Footprint:
        default = boto3._get_default_session()  # the session boto3.client() uses
        return cls(
            classes={name: dict(vars(klass)) for name, klass in patched_classes().items()},
            environ=dict(os.environ),
            builtin_handlers=list(botocore.handlers.BUILTIN_HANDLERS),
            client_handlers=handler_table(early_client.meta.events),
            default_session_handlers=handler_table(default._session.get_component("event_emitter")),
            fresh=fresh_registries(),
            responses_default_started=responses.mock._patcher is not None,
            loggers={
                name: (logger.level, list(logger.handlers), logger.disabled)
                for name in LOGGERS
                for logger in [logging.getLogger(name)]
            },
            threads=set(threading.enumerate()),
        )

    def differences(self, after: Footprint) -> list[str]:
        """What `after` has that this footprint had not, or lacks; identity where it matters."""
        found: list[str] = []
        for name, attributes in self.classes.items():
            now = after.classes[name]
            for attribute in sorted(set(attributes) | set(now)):
                if attributes.get(attribute, _MISSING) is not now.get(attribute, _MISSING):
                    found.append(
                        f"{name}.{attribute}: {attributes.get(attribute)!r} -> {now.get(attribute)!r}"
                    )
        if self.environ != after.environ:
            changed = sorted(
                k
                for k in set(self.environ) | set(after.environ)
                if self.environ.get(k) != after.environ.get(k)
            )
            found.append(
                "environment: "
                + ", ".join(f"{k}={self.environ.get(k)!r}->{after.environ.get(k)!r}" for k in changed)
            )
        if not _same(self.builtin_handlers, after.builtin_handlers):
            found.append("botocore.handlers.BUILTIN_HANDLERS changed")
        for label, before_table, after_table in (
            ("existing client", self.client_handlers, after.client_handlers),
            ("default boto3 session", self.default_session_handlers, after.default_session_handlers),
        ):
            for event in sorted(set(before_table) | set(after_table)):
                if not _same(before_table.get(event, []), after_table.get(event, [])):
                    found.append(f"{label} handlers of {event!r} changed")
        if self.fresh != after.fresh:
            found.append(f"a fresh session or client has other handlers: {_diff(self.fresh, after.fresh)}")
        if self.responses_default_started != after.responses_default_started:
            found.append("responses' default mock started or stopped")
        if self.loggers != after.loggers:
            found.append(f"loggers changed: {self.loggers} -> {after.loggers}")
        new_threads = [t.name for t in after.threads - self.threads if t.is_alive()]
        if new_threads:
            found.append(f"threads left running: {new_threads}")
        return found


_MISSING = object()


def _same(before: list[Any], after: list[Any]) -> bool:
    return len(before) == len(after) and all(a is b for a, b in zip(before, after, strict=True))


def _diff(before: dict[str, dict[str, list[str]]], after: dict[str, dict[str, list[str]]]) -> list[str]:
    return [
        f"{owner} {event}: {before[owner].get(event)} -> {after[owner].get(event)}"
        for owner in before
        for event in sorted(set(before[owner]) | set(after[owner]))
        if before[owner].get(event) != after[owner].get(event)
    ]


def put_back(before: Footprint) -> None:
    """Undoes what a failed scenario left on the patched classes, so later tests do not inherit it."""
    classes = patched_classes()
    for class_name, attributes in before.classes.items():
        klass = classes[class_name]
        for name, value in attributes.items():
            if klass.__dict__.get(name, _MISSING) is not value:
                setattr(klass, name, value)


def settle(threads: set[threading.Thread], timeout: float = 10.0) -> None:
    """Waits (bounded) for threads started since `threads` was taken to end."""
    for thread in set(threading.enumerate()) - threads:
        if thread is not threading.current_thread():
            thread.join(timeout=timeout)


def left_behind(before: Footprint, early: Any) -> list[str]:
    """How the footprint differs from `before` once new threads have ended; then puts back the classes."""
    settle(before.threads)
    differences = before.differences(Footprint.take(early))
    put_back(before)
    return differences


@pytest.fixture(params=sorted(ENVIRONMENTS))
def environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in ENVIRONMENTS[request.param].items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return str(request.param)


@pytest.fixture
def early_client() -> Any:
    """A client made before any mock starts, pointed at a closed loopback port."""
    return botocore.session.Session().create_client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="early",
        aws_secret_access_key="early",
        config=NO_RETRY,
    )


# -- what the scenarios do inside a mock ----------------------------------------------------


def ddb() -> Any:
    return boto3.client("dynamodb", region_name="us-east-1", config=NO_RETRY)


def qconnect() -> Any:
    return boto3.client("qconnect", region_name="us-east-1", config=NO_RETRY)


def served(server: ThreadedServer, service: Literal["dynamodb", "qconnect"]) -> Any:
    """A client of `service` on `server`, for account 111111111111."""
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="111111111111",
        aws_secret_access_key="x",
        config=NO_RETRY,
    )


_tables = itertools.count()


def some_calls(early: Any) -> None:
    import_table(ddb(), f"isolation-orders-{next(_tables)}")
    assert early.list_imports()["ImportSummaryList"]  # the early client is answered inside


def upload_and_download() -> None:
    """Issues an upload URL (starting the `responses` capture), PUTs to it, and GETs the job's file."""
    qc = qconnect()
    job, _ = start_qconnect_job(qc, KNOWLEDGE_BASE, put=True)
    url = qc.get_import_job(knowledgeBaseId=KNOWLEDGE_BASE, importJobId=job)["importJob"]["url"]
    assert requests.get(url, timeout=HTTP_TIMEOUT).status_code == 200


class Boom(Exception):
    pass


def plain(early: Any) -> None:
    with mock_imports():
        some_calls(early)


def exception_inside(early: Any) -> None:
    def work() -> None:
        with mock_imports():
            some_calls(early)
            upload_and_download()
            raise Boom

    with pytest.raises(Boom):
        work()


def decorated_function_raises(early: Any) -> None:
    @mock_imports(duration=None)
    def work() -> None:
        some_calls(early)
        upload_and_download()
        raise Boom

    with pytest.raises(Boom):
        work()


def decorated_coroutine_raises(early: Any) -> None:
    @mock_imports
    async def work() -> None:
        await asyncio.sleep(0)
        some_calls(early)
        raise Boom

    with pytest.raises(Boom):
        asyncio.run(work())


def setup_fails_in_a_testcase(early: Any) -> None:
    @mock_imports
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            upload_and_download()
            raise Boom

        def test_nothing(self) -> None:
            raise AssertionError("not reached")

    result = unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Case)
    )
    assert len(result.errors) == 1 and "Boom" in result.errors[0][1]


def nested_stopped_out_of_order(early: Any) -> None:
    first = mock_imports().start()
    upload_and_download()  # the first mock's upload starts the capture
    second = mock_imports(duration=None).start()
    some_calls(early)
    upload_and_download()
    first.stop()
    upload_and_download()  # the second one still answers, uploads included
    second.stop()


def nested_stopped_in_order(early: Any) -> None:
    with mock_imports(), mock_imports():
        some_calls(early)
        upload_and_download()


def restored_with_uploads(early: Any) -> None:
    with mock_imports() as source:
        upload = qconnect().start_content_upload(knowledgeBaseId=KNOWLEDGE_BASE, contentType="text/csv")
        saved = source.snapshot()
    with mock_imports(state=saved) as mock:  # the restored upload URL is captured again
        answer = requests.put(
            upload["url"], data=b"a,b\n", headers=upload["headersToInclude"], timeout=HTTP_TIMEOUT
        )
        assert answer.status_code == 200
        mock.reset()
        some_calls(early)


def stopped_from_another_thread(early: Any) -> None:
    mock = mock_imports().start()
    upload_and_download()
    stopper = threading.Thread(target=mock.stop, name="isolation-stopper")
    stopper.start()
    stopper.join(timeout=30)
    assert not stopper.is_alive() and not mock.active


def server_started_and_stopped(early: Any) -> None:
    with ThreadedServer(port=0) as server:
        client = served(server, "dynamodb")
        assert import_table(client, "isolation-served").startswith("arn:aws:dynamodb:us-east-1:111111111111:")
        qc = served(server, "qconnect")
        start_qconnect_job(qc, KNOWLEDGE_BASE)  # an upload URL issued by the server's mock


def server_while_a_mock_is_active(early: Any) -> None:
    with mock_imports(), ThreadedServer(port=0) as server:
        upload_and_download()  # answered in process, with the capture on
        answer = requests.get(f"{server.url}/_importmock/health", timeout=HTTP_TIMEOUT)
        assert answer.json()["status"] == "ok"  # other `requests` traffic passes through to the server


def moto_aws() -> Any:
    from moto import mock_aws

    return mock_aws()


def moto_calls() -> None:
    s3 = boto3.client("s3", region_name="us-east-1", config=NO_RETRY)
    s3.create_bucket(Bucket="isolation-bucket")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["isolation-bucket"]


def beside_moto(early: Any, moto_first: bool) -> None:
    outer, inner = (moto_aws(), mock_imports()) if moto_first else (mock_imports(), moto_aws())
    with outer, inner:
        some_calls(early)
        upload_and_download()
        moto_calls()


def moto_stopped_first(early: Any) -> None:
    moto = moto_aws()
    moto.start()
    mock = mock_imports().start()
    try:
        try:
            some_calls(early)
            upload_and_download()
            moto_calls()
        finally:
            moto.stop()
        # importmock alone now (moto took its environment snapshot back: the early client has keys)
        assert early.list_imports()["ImportSummaryList"]
    finally:
        mock.stop()


def users_patch_between_nested_starts(owner_path: str, name: str) -> None:
    # the user's own patch, made and undone in good order between importmock's starts and stops
    module, owner_name = owner_path.rsplit(".", 1)
    owner = getattr(importlib.import_module(module), owner_name)

    def users_replacement(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the user's patch is not called here")

    first = mock_imports().start()
    try:
        with unittest.mock.patch.object(owner, name, users_replacement):
            with mock_imports():
                pass
            replaced = owner.__dict__[name] is not users_replacement
    finally:
        first.stop()
    # the footprint shows what is left; this is what the user saw meanwhile
    assert not replaced, f"a nested start replaced the user's patch of {owner_path}.{name}"


SCENARIOS: dict[str, Callable[[Any], None]] = {
    "plain": plain,
    "exception-inside": exception_inside,
    "decorated-function-raises": decorated_function_raises,
    "decorated-coroutine-raises": decorated_coroutine_raises,
    "testcase-setup-fails": setup_fails_in_a_testcase,
    "nested-stopped-out-of-order": nested_stopped_out_of_order,
    "nested-stopped-in-order": nested_stopped_in_order,
    "restored-with-uploads": restored_with_uploads,
    "stopped-from-another-thread": stopped_from_another_thread,
    "server-started-and-stopped": server_started_and_stopped,
    "server-while-a-mock-is-active": server_while_a_mock_is_active,
    "moto-outside": lambda early: beside_moto(early, moto_first=True),
    "moto-inside": lambda early: beside_moto(early, moto_first=False),
    "moto-stopped-first": moto_stopped_first,
    "users-patch-between-nested-starts-aiobotocore": lambda early: users_patch_between_nested_starts(
        "aiobotocore.httpsession.AIOHTTPSession", "send"
    ),
    "users-patch-between-nested-starts-moto": lambda early: users_patch_between_nested_starts(
        "moto.core.botocore_stubber.BotocoreStubber", "__call__"
    ),
}


# aiobotocore's scenario runs where aiobotocore is installed (tests/conftest.py)
@pytest.mark.parametrize(
    "scenario",
    [pytest.param(s, marks=pytest.mark.requires_aiobotocore) if "aiobotocore" in s else s for s in SCENARIOS],
)
def test_a_stopped_mock_leaves_no_trace(environment: str, early_client: Any, scenario: str) -> None:
    before = Footprint.take(early_client)
    problems: list[str] = []
    try:
        SCENARIOS[scenario](early_client)
    except Exception as error:  # reported below, with whatever the scenario left behind
        problems.append(f"the scenario failed: {error!r}")
    problems += left_behind(before, early_client)
    assert problems == [], "\n".join(problems)
    with pytest.raises(EndpointConnectionError):  # nothing answers in botocore's place any more
        early_client.list_imports()


def test_a_stopped_server_is_gone(early_client: Any) -> None:
    before = Footprint.take(early_client)
    with ThreadedServer(port=0) as server:
        port = server.port
        client = served(server, "dynamodb")
        assert client.list_imports()["ImportSummaryList"] == []  # a pooled keep-alive connection now
        assert any(t.name.startswith("importmock-server-") for t in threading.enumerate())
    settle(before.threads)
    assert [t.name for t in threading.enumerate() if t.name.startswith("importmock-server-")] == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    with pytest.raises((EndpointConnectionError, ClientError)):  # the pooled connection answers no more
        client.list_imports()
    assert before.differences(Footprint.take(early_client)) == []


def test_server_stopped_by_an_exception_inside_is_gone(early_client: Any) -> None:
    before = Footprint.take(early_client)
    ports: list[int] = []

    def work() -> None:
        with ThreadedServer(port=0) as server:
            ports.append(server.port)
            raise Boom

    with pytest.raises(Boom):
        work()
    (port,) = ports
    settle(before.threads)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    assert before.differences(Footprint.take(early_client)) == []


# -- other users of `responses`, before, during and after a mock ----------------------------

USER_URL = "http://127.0.0.1:9/user-stub"  # a closed port: the network would refuse it at once


def fetch(url: str) -> str:
    """The body `requests` gets from `url`, or the error it raised."""
    try:
        return requests.get(url, timeout=HTTP_TIMEOUT).text
    except requests.RequestException as error:
        return f"{type(error).__name__}: {str(error)[:120]}"


STUB = "the user's stub"


def test_users_responses_mock_keeps_answering_while_a_mock_captures_uploads(early_client: Any) -> None:
    # docs/qconnect.md: while the mock captures upload URLs, other `requests` traffic is not touched
    before = Footprint.take(early_client)
    seen: dict[str, str] = {}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as users:
        users.add(responses.GET, USER_URL, body=STUB)
        seen["before the mock"] = fetch(USER_URL)
        with mock_imports():
            seen["inside, before an upload URL"] = fetch(USER_URL)
            upload_and_download()  # importmock's capture is on top of the user's mock now
            seen["inside, after an upload URL"] = fetch(USER_URL)
        seen["after the mock stopped"] = fetch(USER_URL)
    differences = left_behind(before, early_client)
    wrong = [f"{when}: {got}" for when, got in seen.items() if got != STUB]
    assert wrong + differences == []


def test_users_responses_mock_started_inside_and_stopped_after_the_mock(early_client: Any) -> None:
    before = Footprint.take(early_client)
    users = responses.RequestsMock(assert_all_requests_are_fired=False)
    users.add(responses.GET, USER_URL, body=STUB)
    seen: dict[str, str] = {}
    mock = mock_imports().start()
    try:
        upload_and_download()
        users.start()
        seen["inside"] = fetch(USER_URL)
    finally:
        mock.stop()
    try:
        seen["after the mock stopped, the user's mock still started"] = fetch(USER_URL)
    finally:
        users.stop()
    differences = left_behind(before, early_client)
    wrong = [f"{when}: {got}" for when, got in seen.items() if got != STUB]
    assert wrong + differences == []
