"""The server's control calls under /_importmock/: health, reset, state, clock, finish, faults, calls.

Each is a thin JSON face of an ImportMock method, so a test in another language drives the
mock as a Python test does. Bad input is a 400 naming the field, never a 500. A web page
open in a browser on the same machine can send requests to the server too: `cross_site`
refuses the control calls such a page could make (see docs/control.md).
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from importmock.mock import ImportMock
from importmock.wire.http import HttpResponse, json_bytes

PREFIX = "/_importmock/"
Body = dict[str, Any]
CHANGING = frozenset({"POST", "PUT", "DELETE", "PATCH"})  # methods of calls that change the mock


class ControlError(Exception):
    """A control call that cannot be carried out; `status` is its HTTP status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.headers = status, headers or {}


def control(mock: ImportMock, method: str, path: str, body: bytes) -> HttpResponse:
    """Answers the control call `method` `path` (the part after /_importmock/)."""
    try:
        methods = ENDPOINTS.get(path.strip("/"))
        if methods is None:
            raise ControlError(404, f"no control endpoint {PREFIX}{path}; there are {sorted(ENDPOINTS)}")
        handler = methods.get("GET" if method == "HEAD" else method)  # HEAD: GET's headers
        if handler is None:
            raise ControlError(
                405, f"{PREFIX}{path} takes {', '.join(methods)}", {"allow": ", ".join(methods)}
            )
        return _json(200, handler(mock, _document(body)))
    except ControlError as refused:
        return _json(refused.status, {"error": str(refused)}, refused.headers)
    except (ValueError, OverflowError) as refused:  # the mock's own: unknown job, bad status, ...
        return _json(400, {"error": str(refused)})


def cross_site(method: str, path: str, headers: Mapping[str, str], body: bytes | None) -> HttpResponse | None:
    """The refusal of a control call a web page of another site could have sent; None if it is not one.

    A browser lets any page send a "simple" request to another origin, a POST of
    ``text/plain`` or form data, without asking that origin first: enough to reset the mock
    or queue faults. Browsers name the page's origin in ``Origin``, and ask first (a CORS
    preflight, which the server never grants) before sending ``application/json``.

    Returns:
        403 for a control call whose ``Origin`` is not the server's own (``http://`` and its
        Host header); 415 for a call that changes the mock (POST, PUT, DELETE, PATCH) whose
        body is not declared JSON (an empty body with no Content-Type is fine:
        ``curl -X POST .../reset``).
    """
    if not (path.startswith(PREFIX) or path == PREFIX.rstrip("/")):
        return None
    origin, own = headers.get("origin"), f"http://{headers.get('host', '')}"
    if origin is not None and _origin(origin) != _origin(own):
        message = f"control calls are refused from pages of another origin: Origin {origin}, not {own}"
        return _json(403, {"error": message})
    given = headers.get("content-type")
    declared = (given or "").partition(";")[0].strip().lower()
    if method in CHANGING and declared != "application/json" and (body != b"" or given is not None):
        sent = f"Content-Type {given!r}" if given is not None else "no Content-Type"
        message = (
            f"a {method} control call takes its body as JSON, sent with Content-Type: "
            f"application/json, not with {sent}; a call without a body needs none"
        )
        return _json(415, {"error": message})
    return None


def _origin(url: str) -> str:
    """An origin as compared: in lower case, without the default port."""
    text = url.strip().lower()
    return text.removesuffix(":80") if text.startswith("http://") else text


def _json(status: int, document: Any, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(status, {"content-type": "application/json", **(headers or {})}, json_bytes(document))


def _document(body: bytes) -> Body:
    if not body.strip():
        return {}
    try:
        document = json.loads(body, parse_constant=_not_json)
    except ValueError:
        raise ControlError(400, "the body is not JSON") from None
    except RecursionError:  # arrays nested 100,000 deep: no control body nests so
        raise ControlError(400, "the body is nested too deeply") from None
    if not isinstance(document, dict):
        raise ControlError(400, "the body must be a JSON object")
    return document


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")  # json would read NaN and Infinity


def _fields(body: Body, required: dict[str, type | tuple[type, ...]], optional: dict[str, Any]) -> Body:
    """The body's fields, checked: each required one present, none unknown, each of its type."""
    unknown = set(body) - set(required) - set(optional)
    if unknown:
        raise ControlError(
            400, f"unknown fields {sorted(unknown)}; known: {sorted({**required, **optional})}"
        )
    for name, kind in {**required, **optional}.items():
        if name not in body:
            if name in required:
                raise ControlError(400, f"missing field {name!r}")
            continue
        value = body[name]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, (int, float))):
            raise ControlError(400, f"field {name!r} has the wrong type: {value!r}")
    return body


def _health(mock: ImportMock, body: Body) -> Any:
    from importmock.version import __version__

    _fields(body, {}, {})
    return {"status": "ok", "version": __version__}


def _reset(mock: ImportMock, body: Body) -> Any:
    _fields(body, {}, {})
    mock.reset()
    return {"reset": True}


def _snapshot(mock: ImportMock, body: Body) -> Any:
    _fields(body, {}, {})
    return mock.snapshot()


def _restore(mock: ImportMock, body: Body) -> Any:
    mock.restore(body)  # a ValueError (not a snapshot) leaves the mock as it was
    return {"restored": True}


def _clock(mock: ImportMock, body: Body) -> Any:
    _fields(body, {}, {})
    return _time(mock)


def _time(mock: ImportMock) -> Any:
    now = mock.clock.now()
    return {"now": now.isoformat(), "epoch": now.timestamp()}


def _advance(mock: ImportMock, body: Body) -> Any:
    mock.clock.advance(_fields(body, {"seconds": (int, float)}, {})["seconds"])
    return _time(mock)


def _set(mock: ImportMock, body: Body) -> Any:
    _fields(body, {}, {"now": str, "epoch": (int, float)})
    if len(body) != 1:
        raise ControlError(400, "give exactly one of 'now' (ISO 8601 with an offset) and 'epoch' (seconds)")
    if "epoch" in body:
        try:
            when = datetime.fromtimestamp(body["epoch"], timezone.utc)
        except (OverflowError, OSError):
            raise ControlError(400, f"epoch {body['epoch']} is out of range") from None
    else:  # Python 3.10's fromisoformat does not read a trailing Z
        when = datetime.fromisoformat(body["now"].replace("Z", "+00:00"))
    mock.clock.set(when)
    return _time(mock)


def _finish(mock: ImportMock, body: Body) -> Any:
    _fields(body, {"job": str}, {"status": str, "failure_code": str, "failure_message": str})
    mock.finish(**body)
    return {"finished": body["job"]}


def _fault(mock: ImportMock, body: Body) -> Any:
    optional = {"code": str, "message": str, "status": int, "times": int}
    _fields(body, {"service": str, "operation": str}, optional)
    mock.fail_next(**body)
    return {"queued": body.get("times", 1)}


def _calls(mock: ImportMock, body: Body) -> Any:
    _fields(body, {}, {})
    return {"calls": [_plain(dataclasses.asdict(call)) for call in list(mock.calls)]}


def _plain(value: Any) -> Any:
    """`value` with datetimes as ISO 8601 and bytes as base64, so it is JSON."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    return value


ENDPOINTS: dict[str, dict[str, Callable[[ImportMock, Body], Any]]] = {
    "health": {"GET": _health},
    "reset": {"POST": _reset},
    "state": {"GET": _snapshot, "PUT": _restore},
    "clock": {"GET": _clock},
    "clock/advance": {"POST": _advance},
    "clock/set": {"POST": _set},
    "finish": {"POST": _finish},
    "faults": {"POST": _fault},
    "calls": {"GET": _calls},
}
