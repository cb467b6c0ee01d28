"""The errors CloudTrail Lake's import operations send."""

from __future__ import annotations

from importmock.errors import ServiceError

NAMESPACE = "com.amazonaws.cloudtrail.v20131101"


class InvalidParameterException(ServiceError):
    """A broken input constraint, or parameters that do not fit together.

    CloudTrail's model lists it, and no ValidationException, on every import operation.
    """


class EventDataStoreARNInvalidException(ServiceError):
    """A destination that is not an event data store ARN of the caller's account and region."""


class InvalidImportSourceException(ServiceError):
    """An S3 import source that cannot be read: not an s3:// URI, or an unknown bucket region."""


class AccountHasOngoingImportException(ServiceError):
    """StartImport while another import of the account is still in progress."""


class ImportNotFoundException(ServiceError):
    """An import id this account and region never started."""


class OperationNotPermittedException(ServiceError):
    """StopImport of an import that has ended, or a retry of a completed one."""


class InvalidNextTokenException(ServiceError):
    """A NextToken that was not issued for this request's parameters."""
