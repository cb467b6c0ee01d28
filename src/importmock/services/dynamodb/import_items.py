"""The checks DynamoDB makes of an imported item, in its words, and the item as botocore sends it.

Items are in DynamoDB's JSON form (binary as base64 text). An item that fails a check is not
written: the import counts it as an error and logs the message (see import_writer.py).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from importmock.services.dynamodb.import_reader import Item
from importmock.services.dynamodb.item_size import item_size

MAX_ITEM_BYTES = 400 * 1024  # DynamoDB's item size limit
MAX_DEPTH = 32  # DynamoDB's nesting limit of lists and maps
_INVALID = "One or more parameter values were invalid: "
_ONE_TYPE = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
_SETS = {"SS": "S", "NS": "N", "BS": "B"}
# DynamoDB's own wording, its double spaces included
_EMPTY_SET = {
    "SS": "An string set  may not be empty",
    "NS": "An number set  may not be empty",
    "BS": "Binary sets should not be empty",
}
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class ItemRules:
    """The key attributes an imported item must carry, from TableCreationParameters.

    `table_keys` holds (name, type) of the table's key; `index_keys` (name, type, index) of
    its global secondary indexes' keys, which an item may lack (a sparse index) but, when it
    has them, must type as defined.
    """

    table_keys: tuple[tuple[str, str], ...]
    index_keys: tuple[tuple[str, str, str], ...]

    @classmethod
    def of(cls, creation: Mapping[str, Any]) -> ItemRules:
        types = {d["AttributeName"]: d["AttributeType"] for d in creation["AttributeDefinitions"]}
        table = tuple((k["AttributeName"], types[k["AttributeName"]]) for k in creation["KeySchema"])
        indexes = tuple(
            (k["AttributeName"], types[k["AttributeName"]], index["IndexName"])
            for index in creation.get("GlobalSecondaryIndexes") or []
            for k in index["KeySchema"]
        )
        return cls(table, indexes)

    @property
    def key_types(self) -> dict[str, str]:
        """Attribute name -> S, N or B for every key attribute (CSV columns typed so)."""
        return {name: kind for name, kind, _ in self.index_keys} | dict(self.table_keys)

    def problem(self, item: Item) -> str | None:
        """Why DynamoDB refuses `item`, in its words; None when it takes it."""
        for name, value in item.items():
            if not name:
                return _INVALID + "An attribute name cannot be empty"
            if (found := _value_problem(value, 1)) is not None:
                return found
        if (found := self._key_problem(item)) is not None:
            return found
        if item_size(item) > MAX_ITEM_BYTES:
            return "Item size has exceeded the maximum allowed size"
        return None

    def _key_problem(self, item: Item) -> str | None:
        for name, kind in self.table_keys:
            if name not in item:
                return _INVALID + f"Missing the key {name} in the item"
            actual, inner = next(iter(item[name].items()))
            if actual != kind:
                return _INVALID + f"Type mismatch for key {name} expected: {kind} actual: {actual}"
            if inner == "":
                return (
                    "One or more parameter values are not valid. The AttributeValue for a key "
                    f"attribute cannot contain an empty string value. Key: {name}"
                )
        for name, kind, index in self.index_keys:
            if name not in item:
                continue  # a sparse index leaves the item out
            actual, inner = next(iter(item[name].items()))
            if actual != kind:
                return (
                    _INVALID + f"Type mismatch for Index Key {name} Expected: {kind} "
                    f"Actual: {actual} IndexName: {index}"
                )
            if inner == "":
                return (
                    "One or more parameter values are not valid. A value specified for a secondary "
                    "index key is not supported. The AttributeValue for a key attribute cannot "
                    f"contain an empty string value. IndexName: {index}, IndexKey: {name}"
                )
        return None


def _value_problem(value: Any, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return "Nesting Levels have exceeded supported limits"
    if not isinstance(value, dict) or len(value) != 1:
        return _ONE_TYPE
    ((kind, inner),) = value.items()
    if kind == "S":
        return None if isinstance(inner, str) else _ONE_TYPE
    if kind in ("N", "B"):
        return _scalar_problem(kind, inner)
    if kind == "BOOL":
        return None if isinstance(inner, bool) else _ONE_TYPE
    if kind == "NULL":
        return None if inner is True else _INVALID + "Null attribute value types must have the value of true"
    if kind in _SETS:
        return _set_problem(kind, inner)
    if kind == "L" and isinstance(inner, list):
        return next(filter(None, (_value_problem(v, depth + 1) for v in inner)), None)
    if kind == "M" and isinstance(inner, dict):
        return next(filter(None, (_value_problem(v, depth + 1) for v in inner.values())), None)
    return _ONE_TYPE


def _scalar_problem(kind: str, inner: Any) -> str | None:
    if not isinstance(inner, str):
        return _ONE_TYPE
    if kind == "N":
        return number_problem(inner)
    return _binary_problem(inner) if kind == "B" else None


def _set_problem(kind: str, inner: Any) -> str | None:
    if not isinstance(inner, list):
        return _ONE_TYPE
    if not inner:
        return _INVALID + _EMPTY_SET[kind]
    element = _SETS[kind]
    if (found := next(filter(None, (_scalar_problem(element, v) for v in inner)), None)) is not None:
        return found
    distinct = {Decimal(v) for v in inner} if kind == "NS" else set(inner)
    if len(distinct) != len(inner):
        return _INVALID + f"Input collection {inner} contains duplicates."
    return None


def number_problem(text: str) -> str | None:
    """Why DynamoDB refuses `text` as a number, in its words; None when it takes it."""
    if not _NUMBER.fullmatch(text):
        return "The parameter cannot be converted to a numeric value: " + text
    number = Decimal(text)
    if number.is_zero():
        return None
    if _significant_digits(number) > 38:
        return "Attempting to store more than 38 significant digits in a Number"
    if number.adjusted() > 125:
        return "Number overflow. Attempting to store a number with magnitude larger than supported range"
    if number.adjusted() < -130:
        return "Number underflow. Attempting to store a number with magnitude smaller than supported range"
    return None


def _significant_digits(number: Decimal) -> int:
    digits = "".join(map(str, number.as_tuple().digits)).strip("0")
    return len(digits)


def _binary_problem(text: str) -> str | None:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return _INVALID + "Invalid Binary value: not base64 encoded"
    return None


_NESTS_BINARY = frozenset(("B", "BS", "L", "M"))


def to_botocore(item: Item) -> Item:
    """An item as botocore takes it: binary as bytes, not base64 text."""
    if all(_NESTS_BINARY.isdisjoint(value) for value in item.values()):
        return item  # most items: no binary anywhere
    return {name: _to_botocore(value) for name, value in item.items()}


def _to_botocore(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            ((kind, inner),) = value.items()
            if kind == "B" and isinstance(inner, str):
                return {"B": base64.b64decode(inner)}
            if kind == "BS" and isinstance(inner, list):
                return {"BS": [base64.b64decode(element) for element in inner]}
        return {name: _to_botocore(inner) for name, inner in value.items()}
    if isinstance(value, list):
        return [_to_botocore(element) for element in value]
    return value
