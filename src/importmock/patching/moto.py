"""moto side by side: moto's stubber steps aside for importmock's operations.

moto answers at `before-send`, ahead of the HTTP send importmock patches, and answers
`requests` through a `responses` mock of its own, which wins when moto starts second. So
while both are active, moto's stubber lets every request importmock claims go on to the
send, and its `requests` callback hands importmock's (upload URLs, claimed AWS calls) to
importmock; everything else is moto's, as if importmock were absent. moto is never
imported here: the patches apply only when the user's code has imported it.
"""

from __future__ import annotations

import sys
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from importmock.patching import registry
from importmock.patching.botocore_send import http_request
from importmock.patching.registry import Patch, active, fall_back_to


def _stubber_call(stubber: Any, event_name: str, request: AWSPreparedRequest, **kwargs: Any) -> Any:
    responder = active()
    moto_active = getattr(stubber, "enabled", True)
    if moto_active and responder is not None and responder.claims(http_request(request, with_body=False)):
        return None  # importmock answers it at send
    return _STUBBER.original(stubber, event_name, request, **kwargs)


def _stubber_requests(stubber: Any, request: Any) -> Any:
    from importmock.patching.requests_capture import answer

    found = answer(request)
    return found if found is not None else _REQUESTS.original(stubber, request)


_STUBBER = Patch("moto.core.botocore_stubber", "BotocoreStubber", "__call__", _stubber_call)
_REQUESTS = Patch(
    "moto.core.botocore_stubber", "BotocoreStubber", "process_prepared_request", _stubber_requests
)
PATCHES = (_STUBBER, _REQUESTS)
registry.register(*PATCHES)


def _moto_answer(request: AWSPreparedRequest) -> AWSResponse | None:
    """moto's answer to a request importmock does not claim, while moto's mock is active.

    moto answers through a `before-send` handler that only sessions made after moto's import
    carry; for the others importmock's send hands the request to the same stubber.
    """
    stubber = active_stubber()
    if stubber is None:
        return None
    # moto's own stubber, not the step-aside above: importmock may claim an operation and
    # pass some requests of it on (errors.PassedOn), which moto must then answer
    answer: AWSResponse | None = (_STUBBER.original or type(stubber).__call__)(
        stubber, "before-send", request
    )
    return answer


def active_stubber() -> Any | None:
    """moto's stubber while its `mock_aws` is active, else None (moto is never imported here)."""
    stubber = getattr(sys.modules.get("moto.core.models"), "botocore_stubber", None)
    return stubber if getattr(stubber, "enabled", False) else None


fall_back_to(_moto_answer)
