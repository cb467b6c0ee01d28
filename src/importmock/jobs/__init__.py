"""The job engine every family shares, knowing nothing of HTTP or of any one service.

`backend` holds the Backend base class, the @operation tag, the per-account and region
store and JobIndex (jobs by id and ARN, and in key order for pages); `lifecycle` a family's
statuses and one job's progress on the mock clock; `work` what a job does, once, when it
succeeds; `pagination` the sealed, request-bound NextTokens and the page taken from a
JobIndex; `idempotency` the jobs created under client tokens; `sharing` the hash-consing of
what jobs keep; `regions` partitions from botocore's data; `uploads` the presigned-style URLs
and the small object store behind them. This package may import only `clock`, `errors`,
`types` and `version`, never `wire`, `patching`, `dataplane`, `services` or anything above
them.
"""

from __future__ import annotations
