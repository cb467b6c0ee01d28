"""The registration rule: a family registers only when the installed botocore models it.

Fake families beside real ones, judged against the real botocore model: one whose operations
botocore lacks is left out everywhere (dispatch, `durations`, `fail_next`, snapshots), while a
misspelt operation in a family botocore models fails at once.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import boto3
import botocore.session
import pytest

import importmock.services
from importmock import mock_imports
from importmock.jobs.backend import Backend, operation
from importmock.jobs.lifecycle import Family
from importmock.services import DECLARED, FAMILIES, SERVICES, family_keys, modeled
from importmock.services.dynamodb import SERVICE as DYNAMODB
from importmock.services.dynamodb.exports import TableExports
from importmock.services.dynamodb.imports import TableImports
from importmock.snapshots.codec import name_of
from importmock.wire.service import Service
from service_support import check_shape

TELEPORT = Family(key="dynamodb:teleport", initial="QUEUED", running="RUNNING", succeeded="DONE")


class Teleports(Backend):
    """A family no botocore models."""

    families = (TELEPORT,)

    @operation("StartTeleport")
    def start_teleport(self, params: Any) -> Any:
        raise AssertionError("never called")

    @operation("DescribeTeleport")
    def describe_teleport(self, params: Any) -> Any:
        raise AssertionError("never called")


class MisspeltImports(Backend):
    """A family botocore models, with one operation name misspelt."""

    @operation("DescribeImport")
    def describe_import(self, params: Any) -> Any:
        raise AssertionError("never called")

    @operation("ListImport")  # ListImports
    def list_imports(self, params: Any) -> Any:
        raise AssertionError("never called")


class Tagged(Backend):
    """An operation every Forecast family shares, as a base class would give it."""

    @operation("TagResource")
    def tag_resource(self, params: Any) -> Any:
        raise AssertionError("never called")


class TaggedDatasetImports(Tagged):
    @operation("DescribeDatasetImportJob")
    def describe_dataset_import_job(self, params: Any) -> Any:
        raise AssertionError("never called")


class TaggedTeleportExports(Tagged):
    @operation("CreateTeleportExportJob")
    def create_teleport_export_job(self, params: Any) -> Any:
        raise AssertionError("never called")


# families every botocore importmock supports models
IMPORTS_AND_EXPORTS = dataclasses.replace(DYNAMODB, backends=(TableImports, TableExports))


def dynamodb_with(*backends: type[Backend]) -> Service:
    return dataclasses.replace(IMPORTS_AND_EXPORTS, backends=(*IMPORTS_AND_EXPORTS.backends, *backends))


def botocore_operations(service: str) -> set[str]:
    session = botocore.session.get_session()
    if service not in session.get_available_services():
        return set()
    return set(session.get_service_model(service).operation_names)


def test_modeled_leaves_out_a_family_botocore_lacks() -> None:
    kept = dynamodb_with(Teleports).modeled()
    assert kept is not None and kept.backends == (TableImports, TableExports)
    assert {"StartTeleport", "DescribeTeleport"}.isdisjoint(kept.handlers)
    assert {"ImportTable", "ExportTableToPointInTime"} <= set(kept.handlers)
    assert family_keys([kept]) == ("dynamodb:import", "dynamodb:export")
    assert kept.model.operation_model("ListImports").name == "ListImports"


def test_modeled_fails_on_a_misspelt_operation_of_a_modeled_family() -> None:
    dynamodb = Service(name="dynamodb", backends=(MisspeltImports,), namespace=DYNAMODB.namespace)
    with pytest.raises(RuntimeError, match=r"MisspeltImports: not in botocore .*'s model: ListImport$"):
        dynamodb.modeled()


def test_modeled_judges_a_family_by_its_own_operations_not_shared_ones() -> None:
    forecast = Service(name="forecast", backends=(TaggedDatasetImports, TaggedTeleportExports), namespace="")
    kept = forecast.modeled()
    assert kept is not None and kept.backends == (TaggedDatasetImports,)
    assert set(kept.handlers) == {"TagResource", "DescribeDatasetImportJob"}


def test_modeled_leaves_out_a_service_botocore_lacks() -> None:
    teleport = Service(name="teleport", backends=(Teleports,), namespace="")
    assert teleport.modeled() is None
    assert modeled([teleport, IMPORTS_AND_EXPORTS]) == (IMPORTS_AND_EXPORTS,)


def test_modeled_keeps_the_service_itself_when_it_models_every_family() -> None:
    assert IMPORTS_AND_EXPORTS.modeled() is IMPORTS_AND_EXPORTS


@pytest.mark.parametrize("service", DECLARED, ids=lambda service: service.name)
def test_a_declared_family_registers_exactly_when_installed_botocore_models_it(service: Service) -> None:
    known = botocore_operations(service.name)
    expected = [backend for backend in service.backends if set(backend.operations) <= known]
    registered = [s for s in SERVICES if s.name == service.name]
    assert [b for s in registered for b in s.backends] == expected
    for backend in service.backends:
        keys = {family.key for family in backend.families}
        assert keys <= set(FAMILIES) if backend in expected else keys.isdisjoint(FAMILIES)


@pytest.fixture
def teleports_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    """The services importmock would register if dynamodb declared Teleports too."""
    with_teleports = dataclasses.replace(DYNAMODB, backends=(*DYNAMODB.backends, Teleports))
    declared = tuple(with_teleports if s is DYNAMODB else s for s in DECLARED)
    monkeypatch.setattr(importmock.services, "SERVICES", modeled(declared))
    monkeypatch.setattr(importmock.services, "FAMILIES", family_keys(modeled(declared)))


@pytest.mark.usefixtures("teleports_declared")
def test_a_left_out_family_has_no_durations_key() -> None:
    with pytest.raises(ValueError, match="unknown families \\['dynamodb:teleport'\\]"):
        mock_imports(durations={"dynamodb:teleport": 1})
    assert mock_imports(durations={"dynamodb:import": None})._durations["dynamodb:import"] is None


@pytest.mark.usefixtures("teleports_declared")
def test_a_left_out_family_takes_no_faults_and_the_others_still_answer() -> None:
    with mock_imports() as mock:
        with pytest.raises(ValueError, match="does not answer dynamodb StartTeleport"):
            mock.fail_next("dynamodb", "StartTeleport")
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        listed = ddb.list_imports()
        check_shape(ddb.meta.service_model.operation_model("ListImports"), listed)
        assert listed["ImportSummaryList"] == []


@pytest.mark.usefixtures("teleports_declared")
def test_a_left_out_family_is_refused_in_a_snapshot() -> None:
    with mock_imports() as mock:
        boto3.client("dynamodb", region_name="us-east-1").list_imports()  # makes the backend
        snapshot = mock.snapshot()
    [entry] = snapshot["backends"]
    assert entry["backend"] == name_of(TableImports)
    assert mock_imports(state=snapshot).snapshot()["backends"] == [entry]
    teleports = entry | {"backend": name_of(Teleports), "state": {}}
    with pytest.raises(ValueError, match=r"backends\[0\]: unknown backend .*Teleports"):
        mock_imports(state=snapshot | {"backends": [teleports]})
