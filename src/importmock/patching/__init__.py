"""What importmock patches, and the stack of active mocks that decides who answers.

`registry` holds the process-wide part: the stack, the fake credentials and every patch.
`botocore_send` patches botocore's HTTP send and signer; `aio` aiobotocore's sessions and
signer; `moto` moto's stubber, so the two mocks share a process; `requests_capture` answers
`requests` to AWS endpoints and upload URLs through `responses`; `import_hook` patches
libraries imported while a mock is active. Each patch module registers itself with the
registry when imported, here, and none imports another's internals, so there is no circle.
This package may import `wire`, `jobs` and the modules below them, never `dataplane`,
`services` or anything above them.
"""

from __future__ import annotations

from importmock.patching import aio, botocore_send, moto, registry, requests_capture

__all__ = ["aio", "botocore_send", "moto", "registry", "requests_capture"]
