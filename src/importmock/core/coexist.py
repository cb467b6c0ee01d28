"""moto side by side: moto's `before-send` stubber steps aside for importmock's operations.

moto answers at `before-send`, ahead of the HTTP send importmock patches, so with moto's
mock active it would answer (or refuse) importmock's operations first. While both are
active, moto's stubber lets every request importmock claims go on to the send; everything
else is moto's, as if importmock were absent. moto is never imported here: the patch
applies only when the user's code has imported it.
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSPreparedRequest

from importmock.core.intercept import Patch, active, http_request


def _stubber_call(stubber: Any, event_name: str, request: AWSPreparedRequest, **kwargs: Any) -> Any:
    responder = active()
    moto_active = getattr(stubber, "enabled", True)
    if moto_active and responder is not None and responder.claims(http_request(request, with_body=False)):
        return None  # importmock answers it at send
    return _STUBBER.original(stubber, event_name, request, **kwargs)


_STUBBER = Patch("moto.core.botocore_stubber", "BotocoreStubber", "__call__", _stubber_call)
PATCHES = (_STUBBER,)
