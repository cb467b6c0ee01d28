"""Advanced event selectors of event data stores: the rules Create/UpdateEventDataStore apply."""

from __future__ import annotations

from collections.abc import Iterable

from importmock.services.cloudtrail.store_errors import InvalidEventSelectorsException
from importmock.types import Params

MAX_SELECTORS = 5  # "up to five advanced event selectors for each event data store"
MAX_VALUES = 500  # conditions' values across all of a store's advanced event selectors
CLOUDTRAIL_EVENTS = frozenset({"Management", "Data", "NetworkActivity"})
# the event categories one store can hold together: a store holds one kind of event
KINDS = (
    CLOUDTRAIL_EVENTS,
    frozenset({"Insight"}),
    frozenset({"ConfigurationItem"}),
    frozenset({"ActivityAuditLog"}),
)
EQUALS_ONLY = frozenset({"readOnly", "eventCategory", "resources.type"})  # Equals is their only operator
OPERATORS = ("Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith")
DEFAULT: list[Params] = [
    {
        "Name": "Default management events",
        "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
    }
]


def check_selectors(selectors: list[Params]) -> frozenset[str]:
    """The event categories `selectors` select, after checking them as CloudTrail Lake does.

    Raises:
        InvalidEventSelectorsException: more than five selectors or 500 values, a selector with
            no eventCategory, a field twice, an operator a field does not take, a data events
            selector with no resources.type, or categories of different kinds of store.
    """
    if len(selectors) > MAX_SELECTORS:
        raise InvalidEventSelectorsException(
            f"An event data store has up to {MAX_SELECTORS} advanced event selectors, not {len(selectors)}."
        )
    values = sum(
        len(field.get(op, ())) for s in selectors for field in s["FieldSelectors"] for op in OPERATORS
    )
    if values > MAX_VALUES:
        raise InvalidEventSelectorsException(
            f"Advanced event selectors can have up to {MAX_VALUES} values in all conditions, not {values}."
        )
    categories = frozenset(category for selector in selectors for category in _categories(selector))
    if not any(categories <= kind for kind in KINDS):
        raise InvalidEventSelectorsException(
            f"The event categories {', '.join(sorted(categories))} cannot be in one event data store."
        )
    return categories


def categories_of(selectors: Iterable[Params]) -> frozenset[str]:
    """The event categories of selectors that passed `check_selectors`."""
    return frozenset(category for selector in selectors for category in _categories(selector))


def _categories(selector: Params) -> list[str]:
    fields = {field["Field"]: field for field in selector["FieldSelectors"]}
    if len(fields) < len(selector["FieldSelectors"]):
        raise InvalidEventSelectorsException("A field can be used only once in an advanced event selector.")
    for name, field in fields.items():
        others = [op for op in OPERATORS if op != "Equals" and op in field]
        if name in EQUALS_ONLY and others:
            raise InvalidEventSelectorsException(f"The field {name} supports only the Equals operator.")
    category = fields.get("eventCategory")
    if category is None or "Equals" not in category:
        raise InvalidEventSelectorsException(
            "Each advanced event selector of an event data store needs an eventCategory field with Equals."
        )
    unknown = [value for value in category["Equals"] if not any(value in kind for kind in KINDS)]
    if unknown:
        raise InvalidEventSelectorsException(f"The eventCategory value {unknown[0]} is not valid.")
    if "Data" in category["Equals"] and "resources.type" not in fields:
        raise InvalidEventSelectorsException(
            "An advanced event selector for data events needs a resources.type field."
        )
    return list(category["Equals"])
