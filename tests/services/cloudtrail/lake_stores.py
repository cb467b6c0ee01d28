"""What the event data store tests share: requests, selectors and small reads."""

from __future__ import annotations

from typing import Any


def of_category(name: str, category: str) -> list[dict[str, Any]]:
    """Advanced event selectors of one selector that selects one event category."""
    return [{"Name": name, "FieldSelectors": [{"Field": "eventCategory", "Equals": [category]}]}]


MANAGEMENT = of_category("Default management events", "Management")  # CloudTrail Lake's default
INSIGHTS = of_category("Insights", "Insight")
CONFIG_ITEMS = of_category("Config", "ConfigurationItem")
S3_DATA = [
    {
        "Name": "S3 data events",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        ],
    }
]


def create(client: Any, name: str = "lake", **params: Any) -> dict[str, Any]:
    """Creates a store; returns the response without its metadata."""
    response = client.create_event_data_store(Name=name, **params)
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def unprotected(client: Any, name: str = "lake", **params: Any) -> str:
    """The ARN of a new store whose termination protection is off, so it can be deleted."""
    return create(client, name, TerminationProtectionEnabled=False, **params)["EventDataStoreArn"]


def status(client: Any, ref: str) -> str:
    return client.get_event_data_store(EventDataStore=ref)["Status"]


def listed_names(client: Any, **params: Any) -> list[str]:
    return [store["Name"] for store in client.list_event_data_stores(**params)["EventDataStores"]]
