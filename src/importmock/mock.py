"""ImportMock: start/stop, with/async with, and the decorator (function, coroutine, class)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, Literal, TypeVar, overload

from botocore.model import OperationModel

from importmock.clock import Clock, real_now
from importmock.dataplane import DataPlane
from importmock.decorators import decorate
from importmock.errors import (
    InvalidSignatureException,
    NotImplementedOperation,
    ServiceError,
    UnmockedRequest,
)
from importmock.faults import Fault
from importmock.jobs.regions import is_region
from importmock.jobs.uploads import Receipt
from importmock.patching import registry, requests_capture, sleeping
from importmock.state import Call, State
from importmock.wire.dispatch import Dispatcher, Route
from importmock.wire.http import HttpRequest, HttpResponse
from importmock.wire.service import Service

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)
_LONGEST = 100 * 365 * 86400.0  # a century of mock time is enough for any job


def _load(snapshot: Mapping[str, Any] | str | os.PathLike[str]) -> dict[str, Any]:
    """A snapshot document; snapshots/ loads only when snapshots are used (import cost)."""
    from importmock import snapshots

    return snapshots.load(snapshot)


def _readable(service: Service, operation: OperationModel, request: HttpRequest) -> dict[str, Any]:
    """The parameters of a request answered with an injected failure, as far as they read."""
    try:
        return service.protocol.body(operation, request)
    except ServiceError:
        return {}


class ImportMock:
    """An in-memory AWS for the import and export job APIs.

    Use it as a decorator, a context manager (``with``/``async with``) or with
    ``start()``/``stop()``. Starting gives a fresh world (no jobs, the clock at the real
    time); the state stays readable after ``stop()``. Starts nest: only the outermost
    start resets, only the matching last stop deactivates.

    Args:
        account_id: the account of requests whose access key id is not 12 digits.
        duration: seconds of mock-clock time from a job's creation to its successful
            end; None means jobs run until ``finish`` ends them.
        durations: per-family overrides of `duration`, keyed like ``"dynamodb:import"``.
        state: a snapshot (a dict from `snapshot`, or the path of a JSON file holding one)
            that every start, and `reset`, begins from instead of a fresh world.
        s3_endpoint_url: the S3 server jobs read and write (moto's server, LocalStack,
            MinIO); by default moto's S3 in process while moto's `mock_aws` is active.
        dynamodb_endpoint_url: the DynamoDB server imports fill and exports read; it also
            serves CloudWatch Logs, unless `logs_endpoint_url` names another.
        logs_endpoint_url: where imports log the items they refused.
        sleep: ``"advance"``: while this mock answers, ``time.sleep`` and ``asyncio.sleep``
            (the code under test's, botocore's waiters and retry back-off, in any thread)
            advance its clock by the seconds asked and return at once; ``"real"``: they sleep.
        tick: the clock also moves with the real time that passes (see `Clock`).

    Raises:
        ValueError: a bad option, or a `state` that is not a snapshot importmock reads.
    """

    def __init__(
        self,
        *,
        account_id: str = "123456789012",
        duration: float | None = 0.0,
        durations: Mapping[str, float | None] | None = None,
        state: Mapping[str, Any] | str | os.PathLike[str] | None = None,
        s3_endpoint_url: str | None = None,
        dynamodb_endpoint_url: str | None = None,
        logs_endpoint_url: str | None = None,
        sleep: Literal["real", "advance"] = "real",
        tick: bool = False,
    ) -> None:
        from importmock.services import FAMILIES, SERVICES

        if sleep not in ("real", "advance"):
            raise ValueError(f"sleep must be 'real' or 'advance', not {sleep!r}")
        if not re.fullmatch(r"\d{12}", account_id):
            raise ValueError(f"account_id must be 12 digits, not {account_id!r}")
        unknown = set(durations or {}) - set(FAMILIES)
        if unknown:
            raise ValueError(f"unknown families {sorted(unknown)}; known: {sorted(FAMILIES)}")
        self.account_id = account_id
        self._durations = dict.fromkeys(FAMILIES, duration) | dict(durations or {})
        for family, seconds in self._durations.items():
            if seconds is not None and not 0 <= seconds <= _LONGEST:
                raise ValueError(f"duration of {family} must be 0 to {_LONGEST:.0f} seconds or None")
        self._dispatcher = Dispatcher(SERVICES)
        self._lock = threading.RLock()
        self._depth = 0
        self._clock = Clock(tick=tick)  # one object for the mock's life, so a test may hold on to it
        self._sleeps_advance = sleep == "advance"
        endpoints = {"s3": s3_endpoint_url, "dynamodb": dynamodb_endpoint_url, "logs": logs_endpoint_url}
        self._dataplane = DataPlane({name: url for name, url in endpoints.items() if url})
        self._start_from = None if state is None else _load(state)
        # read now, so a bad file fails where it is named, and so a mock that answers
        # without being started (the server's) begins from its state too
        self._state = (
            State(self._durations, self._clock, dataplane=self._dataplane)
            if self._start_from is None
            else State.restored(self._start_from, self._durations, self._clock, self._dataplane)
        )
        self._clock.on_move(self._run_due_work)  # after the state: restoring one sets the clock

    # -- life cycle -------------------------------------------------------------------

    def start(self) -> ImportMock:
        """Activates the mock (a fresh world, or its `state`, unless it is already active)."""
        with self._lock:
            self._depth += 1
            if self._depth == 1:
                self._fresh_state()
                registry.activate(self)
                requests_capture.capture()
                if self._sleeps_advance:
                    sleeping.engage(self, self._slept)
        return self

    def stop(self) -> None:
        """Deactivates the mock after its last start; stopping an inactive mock does nothing."""
        with self._lock:
            if self._depth == 0:
                return
            self._depth -= 1
            if self._depth == 0:
                sleeping.release(self)
                registry.deactivate(self)

    @property
    def active(self) -> bool:
        """Whether the mock is started."""
        return self._depth > 0

    def __enter__(self) -> ImportMock:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> ImportMock:
        return self.start()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- decorator --------------------------------------------------------------------

    @overload
    def __call__(self, target: C) -> C: ...
    @overload
    def __call__(self, target: F) -> F: ...
    def __call__(self, target: Any) -> Any:
        """Runs `target` (function, coroutine function or class) inside this mock."""
        return decorate(self, target)

    # -- what tests use ---------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        """The mock's clock: every timestamp importmock writes comes from it."""
        return self._state.clock

    @property
    def calls(self) -> list[Call]:
        """Every request answered since the last start, in order."""
        return self._state.calls

    def finish(
        self,
        job: str,
        *,
        status: str | None = None,
        failure_code: str | None = None,
        failure_message: str | None = None,
    ) -> None:
        """Ends a running job now.

        Args:
            job: the ARN or id of a job of any family.
            status: a terminal status of its family; default the successful one.
            failure_code: the failure code a failed job shows (a default otherwise).
            failure_message: the failure message a failed job shows.

        Raises:
            ValueError: no such job, a status the family lacks, or the job already ended.
        """
        with self._lock:
            found = next(self._state.jobs(job), None)
            if found is None:
                raise ValueError(f"no job {job!r} in this mock")
            now = self.clock.now()
            found.progress.finish(now, status, failure_code, failure_message)
            self._state.work.finished(found.progress, now)  # a successful end does its work now

    def fail_next(
        self,
        service: str,
        operation: str,
        *,
        code: str = "ThrottlingException",
        message: str | None = None,
        status: int = 400,
        times: int = 1,
    ) -> None:
        """Answers the next `times` attempts of an operation with an AWS error.

        Attempts, not calls: botocore retries throttling and 5xx errors by itself, so
        ``times=2`` with a throttling code is absorbed by standard-mode retries.

        Args:
            service: the service as boto3 names it (``"dynamodb"``).
            operation: the operation as the API names it (``"DescribeImport"``).
            code: the error code the attempts get.
            message: its message (default: AWS's ``Rate exceeded`` for throttling).
            status: the HTTP status the attempts get.
            times: how many attempts fail.

        Raises:
            ValueError: a service or operation importmock does not answer, or bad numbers.
        """
        from importmock.services import SERVICES

        handled = {s.name: s.handlers for s in SERVICES}
        if service not in handled or operation not in handled[service]:
            known = sorted(handled.get(service, {})) or sorted(handled)
            raise ValueError(f"importmock does not answer {service} {operation}; it knows {known}")
        if times < 1 or not 400 <= status <= 599:
            raise ValueError(f"times must be >= 1 and status 400..599, not {times} and {status}")
        text = (
            message if message is not None else ("Rate exceeded" if "Throttl" in code else f"Injected {code}")
        )
        with self._lock:
            self._state.faults.add(service, operation, Fault(code, text, status, times))

    def reset(self) -> None:
        """Forgets every job and call, and sets the clock back to the real time.

        A mock with the `state` option goes back to that snapshot instead.
        """
        with self._lock:
            self._fresh_state()
            if self.active:
                requests_capture.capture()

    def snapshot(self) -> dict[str, Any]:
        """The mock's state, to `restore` later, or to keep in a file for the `state` option.

        Returns:
            A versioned JSON-serialisable dict of every job (all families, accounts and
            regions), the clock, pending `fail_next` faults, issued upload URLs and stored
            objects, the page-token secret and the id generator: a mock restored from it
            answers as this one, accepts its NextTokens and generates the same ids next.
            The calls are not part of it.
        """
        with self._lock:
            return self._state.snapshot()

    def restore(self, snapshot: Mapping[str, Any] | str | os.PathLike[str]) -> None:
        """Replaces the mock's jobs, clock and pending faults with a snapshot's, and forgets the calls.

        The next start (of an inactive mock) begins afresh, or from the `state` option, again.

        Args:
            snapshot: a dict from `snapshot` (as it is or through JSON), or a JSON file's path.

        Raises:
            ValueError: not a snapshot importmock reads (version, shape, an unknown class);
                the mock is left as it was.
        """
        document = _load(snapshot)
        with self._lock:
            self._state = State.restored(document, self._durations, self._clock, self._dataplane)
            if self.active:
                requests_capture.capture()

    def _fresh_state(self) -> None:
        if self._start_from is not None:
            self._state = State.restored(self._start_from, self._durations, self._clock, self._dataplane)
            return
        self._clock.set(real_now())
        self._state = State(self._durations, self._clock, dataplane=self._dataplane)

    # -- answering --------------------------------------------------------------------

    def _refusal(self, route: Route) -> HttpResponse | None:
        """AWS's answer to a request signed for no region (it has no endpoint to reach)."""
        if is_region(route.caller.region):
            return None
        bad = InvalidSignatureException(
            f"Credential should be scoped to a valid region, not '{route.caller.region}'."
        )
        return route.service.protocol.error(route.service.model, bad, bad.namespace or "")

    def _unknown(self, route: Route, request: HttpRequest) -> HttpResponse:
        unknown = route.service.protocol.unknown_operation(f"{request.method} {request.url}")
        return route.service.protocol.error(route.service.model, unknown, unknown.namespace or "")

    def receive_object(
        self, method: str, url: str, body: bytes, headers: Mapping[str, str] | None = None
    ) -> Receipt:
        """Takes a PUT or GET of a URL this mock issued (see jobs/uploads.py)."""
        with self._lock:
            receipt = self._state.uploads.receive(method, url, body, self.clock.now(), headers)
        operation, size = ("PutObject", len(body)) if method == "PUT" else ("GetObject", len(receipt.body))
        params = {"url": url.split("?", 1)[0], "ContentLength": size}
        self.calls.append(Call("s3", operation, receipt.region, receipt.account_id, params, receipt.error))
        return receipt

    def claims(self, request: HttpRequest) -> bool:
        """Whether `request` is an operation this mock answers (moto answers the rest)."""
        try:
            return self._dispatcher.route(request).operation is not None
        except (NotImplementedOperation, UnmockedRequest):
            return False

    def _slept(self, seconds: float) -> None:
        """A sleep of the code under test, with the sleep option: the clock moves instead."""
        self._clock.advance(seconds)  # its listener runs the work due meanwhile, in order

    def _run_due_work(self, now: datetime) -> None:
        """Runs the data-plane work the clock's move has made due (see jobs/work.py)."""
        with self._lock:
            self._state.work.run_due(now)

    def answer(self, request: HttpRequest) -> HttpResponse:
        """Answers one AWS request (the in-process and the server path alike)."""
        route = self._dispatcher.route(request)
        service, operation, caller = route.service, route.operation, route.caller
        refusal = self._refusal(route)
        if refusal is not None or operation is None:
            return refusal or self._unknown(route, request)
        account = caller.account(self.account_id)
        params: dict[str, Any] = {}
        error: str | None = None
        with self._lock:
            fault = self._state.faults.take(service.name, operation.name)
        try:
            if fault is not None:
                params = _readable(service, operation, request)
                raise fault
            params = service.protocol.body(operation, request)
            params = service.read(operation, params)
            backend_class, method = service.handlers[operation.name]
            with self._lock:
                work = self._state.work
                work.run_due(self._clock.now())  # so the handler reads what the work did
                backend = self._state.backend(backend_class, account, caller.region)
                output = getattr(backend, method)(params)
                work.run_due(self._clock.now())  # a job created due at once does its work now
            response = service.protocol.response(operation, output)
        except ServiceError as failure:
            error = failure.error_code
            namespace = failure.namespace or service.namespace
            response = service.protocol.error(service.model, failure, namespace)
        self.calls.append(Call(service.name, operation.name, caller.region, account, params, error))
        return response
