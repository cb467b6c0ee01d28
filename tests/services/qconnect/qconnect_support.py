"""What the Q in Connect tests share: knowledge base ARNs and the PUT of a file to an upload URL."""

from __future__ import annotations

from typing import Any

import requests

from service_support import ACCOUNT


def kb_arn(kb: str, region: str = "us-east-1", account: str = ACCOUNT, partition: str = "aws") -> str:
    return f"arn:{partition}:wisdom:{region}:{account}:knowledge-base/{kb}"


def put(upload: dict[str, Any], data: bytes = b"question,answer\nhi,hello\n") -> requests.Response:
    """PUTs `data` to a StartContentUpload answer's URL with the headers it says to include."""
    return requests.put(upload["url"], data=data, headers=upload["headersToInclude"], timeout=5)
