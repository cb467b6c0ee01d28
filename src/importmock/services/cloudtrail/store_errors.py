"""The errors CloudTrail Lake's event data store operations send, beyond the imports' own."""

from __future__ import annotations

from importmock.errors import ServiceError


class EventDataStoreAlreadyExistsException(ServiceError):
    """A name another event data store of the account and region holds (pending deletion too)."""


class EventDataStoreMaxLimitExceededException(ServiceError):
    """An eleventh event data store in a region: the quota is ten, in any lifecycle stage."""


class EventDataStoreNotFoundException(ServiceError):
    """An event data store this account and region does not hold (or no longer holds)."""


class EventDataStoreTerminationProtectedException(ServiceError):
    """DeleteEventDataStore of a store whose termination protection is enabled."""


class EventDataStoreHasOngoingImportException(ServiceError):
    """UpdateEventDataStore or DeleteEventDataStore while an import into the store runs."""


class InactiveEventDataStoreException(ServiceError):
    """An operation on a store pending deletion, which only RestoreEventDataStore accepts."""


class InvalidEventDataStoreStatusException(ServiceError):
    """A store whose status the operation does not accept (a restore of one not deleted)."""


class InvalidEventDataStoreCategoryException(ServiceError):
    """A store of event categories the operation does not accept (an import into an Insights store)."""


class InvalidEventSelectorsException(ServiceError):
    """Advanced event selectors that break the rules for event data stores."""
