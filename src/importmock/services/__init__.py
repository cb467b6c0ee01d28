"""Every service importmock answers, and the job families they hold."""

from __future__ import annotations

from importmock.services.cloudtrail import SERVICE as CLOUDTRAIL
from importmock.services.dynamodb import SERVICE as DYNAMODB
from importmock.services.forecast import SERVICE as FORECAST
from importmock.services.qconnect import SERVICE as QCONNECT

SERVICES = (DYNAMODB, CLOUDTRAIL, FORECAST, QCONNECT)

# "service:family" keys of the `durations` option
FAMILIES = tuple(
    family.key for service in SERVICES for backend in service.backends for family in backend.families
)
