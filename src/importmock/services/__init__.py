"""Every service importmock answers, and the job families they hold.

A family joins only when the installed botocore models its operations (`Service.modeled`):
with an older botocore a newer family is absent everywhere, from dispatch, `durations`,
`fail_next` and snapshots alike, rather than answering calls its clients cannot make.
"""

from __future__ import annotations

from collections.abc import Iterable

from importmock.services.cloudtrail import SERVICE as CLOUDTRAIL
from importmock.services.dynamodb import SERVICE as DYNAMODB
from importmock.services.forecast import SERVICE as FORECAST
from importmock.services.qconnect import SERVICE as QCONNECT
from importmock.wire.service import Service

# every family importmock has, whether or not the installed botocore models it
DECLARED = (DYNAMODB, CLOUDTRAIL, FORECAST, QCONNECT)


def modeled(services: Iterable[Service]) -> tuple[Service, ...]:
    """`services` with only the families the installed botocore models, and only those with any."""
    return tuple(kept for service in services if (kept := service.modeled()) is not None)


def family_keys(services: Iterable[Service]) -> tuple[str, ...]:
    """The "service:family" keys of the `durations` option for `services`."""
    return tuple(
        family.key for service in services for backend in service.backends for family in backend.families
    )


SERVICES = modeled(DECLARED)

# "service:family" keys of the `durations` option
FAMILIES = family_keys(SERVICES)
