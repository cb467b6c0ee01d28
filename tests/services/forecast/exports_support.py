"""What the Forecast export kind tests share: each kind's calls, by its noun, in the default account."""

from __future__ import annotations

from typing import Any

import pytest

from families import (
    FORECAST_EXPORTS,
    forecast_export_arn,
    forecast_export_request,
    forecast_parent_arn,
    snake,
)
from service_support import ACCOUNT

KINDS = pytest.mark.parametrize("noun", list(FORECAST_EXPORTS))


def request(noun: str, name: str = "export1", **overrides: Any) -> dict[str, Any]:
    return forecast_export_request(noun, name, account=overrides.pop("account", ACCOUNT), **overrides)


def create(client: Any, noun: str, name: str = "export1", **overrides: Any) -> str:
    return forecast_export_arn(client, noun, name, account=overrides.pop("account", ACCOUNT), **overrides)


def parent(noun: str, **where: Any) -> str:
    return forecast_parent_arn(noun, account=where.pop("account", ACCOUNT), **where)


def call(client: Any, verb: str, noun: str, **params: Any) -> Any:
    """`client.<verb>_<noun>(**params)`: describe, delete; `list` takes the plural."""
    plural = "s" if verb == "list" else ""
    return getattr(client, f"{verb}_{snake(noun)}{plural}")(**params)


def describe(client: Any, noun: str, arn: str) -> dict[str, Any]:
    """The job's description, without the ResponseMetadata (request ids differ per call)."""
    described: dict[str, Any] = call(client, "describe", noun, **{f"{noun}Arn": arn})
    described.pop("ResponseMetadata")
    return described


def listed(client: Any, noun: str, **params: Any) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = call(client, "list", noun, **params)[f"{noun}s"]
    return jobs


def arns(client: Any, noun: str, **params: Any) -> list[str]:
    return [job[f"{noun}Arn"] for job in listed(client, noun, **params)]


def filter_key(noun: str) -> str:
    return FORECAST_EXPORTS[noun][2]
