"""AWS CloudTrail Lake: imports of trail events into event data stores."""

from __future__ import annotations

from importmock.core.service import Service

SERVICE = Service(name="cloudtrail", backends=(), namespace="com.amazonaws.cloudtrail.v20131101")
