"""What the Forecast dataset import job tests share: ARNs of a dataset and of a job never
created, and the marker of a mock whose jobs wait for `finish` (accounts: service_support)."""

from __future__ import annotations

import pytest

from service_support import ACCOUNT

SALES = f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset/sales"
UNKNOWN = f"arn:aws:forecast:us-east-1:{ACCOUNT}:dataset-import-job/sales/never_created"
WAITING = pytest.mark.importmock(duration=None)
