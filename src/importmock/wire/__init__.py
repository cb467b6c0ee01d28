"""Requests to (service, operation, params) and answers back to bytes, driven by the models.

`http` holds HttpRequest and HttpResponse, the form both paths (botocore's patched send and
the server) share; `dispatch` routes a request by its SigV4 credential scope to a Service
and its caller; `service` is one AWS service's model, protocol and backends; `protocols`
reads and writes AWS JSON 1.0/1.1 and `restjson` REST-JSON; `validation` reads a request's
members as a server does, with the service's own error codes; `serializer` writes a
handler's output as its output shape prescribes. This package may import `jobs` (for the
Backend a Service holds) and `clock`, `errors`, `types` and `version`, never `patching`,
`services` or anything above them.
"""

from __future__ import annotations
