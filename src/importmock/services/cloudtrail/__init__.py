"""AWS CloudTrail Lake: event data stores, and imports of trail events into them."""

from __future__ import annotations

from importmock.services.cloudtrail.errors import NAMESPACE, InvalidParameterException
from importmock.services.cloudtrail.event_data_stores import EventDataStores
from importmock.services.cloudtrail.imports import LakeImports
from importmock.wire.service import Service

SERVICE = Service(
    name="cloudtrail",
    backends=(LakeImports, EventDataStores),
    namespace=NAMESPACE,
    validation_error=InvalidParameterException,
)
