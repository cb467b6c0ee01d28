"""aiobotocore: its HTTP sessions' `send` and its async signer, patched as botocore's are.

aiobotocore clients send through their own session classes (aiohttp, or httpx) and await
the response's body, so they need an async twin of intercept's send. aiobotocore is never
imported here: the patches apply only when the user's code has imported it.
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSPreparedRequest, HeadersDict

from importmock.patching import registry
from importmock.patching.botocore_send import http_request, with_fake_credentials
from importmock.patching.registry import Patch, active


class _AsyncBody:
    """The raw body aiobotocore awaits a response from (`read()`, or `aread()` for httpx)."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self, amount: int | None = None) -> bytes:
        data, self._data = (self._data, b"") if amount is None else (self._data[:amount], self._data[amount:])
        return data

    aread = read


def _sender(patch: Patch) -> Any:
    async def send(session: Any, request: AWSPreparedRequest) -> Any:
        responder = active()
        if responder is None:  # someone patched over us; we pass through untouched
            return await patch.original(session, request)
        from aiobotocore.awsrequest import AioAWSResponse, HttpxAWSResponse

        answer = responder.answer(http_request(request))
        kind = HttpxAWSResponse if patch.owner == "HttpxSession" else AioAWSResponse
        return kind(request.url, answer.status, HeadersDict(answer.headers), _AsyncBody(answer.body))

    return send


async def _get_auth_instance(signer: Any, *args: Any, **kwargs: Any) -> Any:
    return await _SIGNER.original(signer, *args, **with_fake_credentials(signer, kwargs))


_AIOHTTP = Patch("aiobotocore.httpsession", "AIOHTTPSession", "send", None)
_HTTPX = Patch("aiobotocore.httpxsession", "HttpxSession", "send", None)
_AIOHTTP.replacement, _HTTPX.replacement = _sender(_AIOHTTP), _sender(_HTTPX)
_SIGNER = Patch("aiobotocore.signers", "AioRequestSigner", "get_auth_instance", _get_auth_instance)
PATCHES = (_AIOHTTP, _HTTPX, _SIGNER)
registry.register(*PATCHES)
