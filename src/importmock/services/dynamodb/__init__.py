"""Amazon DynamoDB: table imports and table exports."""

from __future__ import annotations

from importmock.core.service import Service
from importmock.services.dynamodb.errors import NAMESPACE, ShapeValidationException
from importmock.services.dynamodb.exports import TableExports
from importmock.services.dynamodb.imports import TableImports

SERVICE = Service(
    name="dynamodb",
    backends=(TableImports, TableExports),
    namespace=NAMESPACE,
    validation_error=ShapeValidationException,
)
