"""Errors: AWS errors a handler raises, and the Python errors importmock raises in the test."""

from __future__ import annotations

from typing import Any, ClassVar


class ServiceError(Exception):
    """An AWS error; the class name is the code, status and members follow its error shape.

    The protocol layer sends it in the service's wire format. `status` is used only when the
    model's error shape gives none (unmodeled codes such as ``ValidationException``).
    """

    status: ClassVar[int] = 400
    code: ClassVar[str | None] = None  # set when the AWS code is not a valid class name
    namespace: ClassVar[str | None] = None  # the __type prefix, when not the service's own
    message_key: ClassVar[str | None] = None  # "Message" where AWS capitalises it
    http_status: int | None = None  # an instance's own status, ahead of the model's

    def __init__(self, message: str, **members: Any) -> None:
        super().__init__(message)
        self.message, self.members = message, members

    @property
    def error_code(self) -> str:
        """The AWS error code, as botocore reports it in ``Error.Code``."""
        return type(self).code or type(self).__name__


class ValidationException(ServiceError):
    """A request broke a constraint of the input shape (the name most services use)."""


class SerializationException(ServiceError):
    """The request body could not be read as the input shape (wrong JSON type, bad JSON)."""

    namespace = "com.amazon.coral.service"
    message_key = "Message"


class UnknownOperationException(ServiceError):
    """A request to a mocked service that names none of its operations, answered as AWS does."""

    namespace = "com.amazon.coral.service"


class InvalidSignatureException(ServiceError):
    """A request signed for a region no partition has."""

    namespace = "com.amazon.coral.service"


class NotImplementedOperation(NotImplementedError):
    """A request for an operation importmock does not answer, raised in the caller.

    It is not an AWS error on purpose: a test must never mistake a gap of the mock for an
    answer of AWS, and botocore does not retry it.
    """


class PassedOn(NotImplementedOperation):
    """A request importmock answers only in some cases, raised by a handler in the others.

    DynamoDB's DescribeTable is importmock's while an import creates the table (AWS shows it
    CREATING, which moto cannot); any other table's goes on to moto in process, as if
    importmock did not answer DescribeTable at all.
    """


class UnmockedRequest(RuntimeError):
    """A request that is not an AWS API call importmock can identify (no SigV4 scope)."""
