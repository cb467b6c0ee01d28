"""The two types that cross the wire boundary: a request's parameters and a handler's output."""

from __future__ import annotations

from typing import Any, TypeAlias

# Both follow the botocore model's member names; values are whatever the shape allows,
# which is why `Any` is confined to these two aliases.
Params: TypeAlias = dict[str, Any]
Output: TypeAlias = dict[str, Any]
