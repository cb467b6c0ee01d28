"""CloudTrail Lake event data stores: CreateEventDataStore, GetEventDataStore, ListEventDataStores,
UpdateEventDataStore, DeleteEventDataStore, RestoreEventDataStore, Start/StopEventDataStoreIngestion."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, Protocol, runtime_checkable

from importmock.jobs.backend import Backend, BackendContext, operation
from importmock.jobs.lifecycle import Family, Progress
from importmock.jobs.pagination import Key
from importmock.services.cloudtrail.checks import check_destination
from importmock.services.cloudtrail.errors import InvalidNextTokenException, InvalidParameterException
from importmock.services.cloudtrail.selectors import (
    CLOUDTRAIL_EVENTS,
    DEFAULT,
    categories_of,
    check_selectors,
)
from importmock.services.cloudtrail.store_errors import (
    EventDataStoreAlreadyExistsException,
    EventDataStoreHasOngoingImportException,
    EventDataStoreMaxLimitExceededException,
    EventDataStoreNotFoundException,
    EventDataStoreTerminationProtectedException,
    InactiveEventDataStoreException,
    InvalidEventDataStoreCategoryException,
    InvalidEventDataStoreStatusException,
)
from importmock.types import Output, Params

# a store's creation: CREATED in CreateEventDataStore's answer, ENABLED from then on
CREATION = Family(
    key="cloudtrail:event-data-store", initial="CREATED", running="CREATED", succeeded="ENABLED"
)
PENDING_DELETION, STOPPED_INGESTION = "PENDING_DELETION", "STOPPED_INGESTION"
DELETION_WAIT = timedelta(days=7)  # PENDING_DELETION, then gone
QUOTA = 10  # event data stores per region, in any lifecycle stage; cannot be raised
PAGE_SIZE = 1000  # ListEventDataStores documents no default page size: the maximum
EXTENDABLE, FIXED = "EXTENDABLE_RETENTION_PRICING", "FIXED_RETENTION_PRICING"
RETENTION = {EXTENDABLE: (366, 3653), FIXED: (2557, 2557)}  # billing mode -> default, maximum days
INGESTING = frozenset({*CLOUDTRAIL_EVENTS, "ConfigurationItem"})  # stores ingestion can start and stop
SETTINGS = ("AdvancedEventSelectors", "MultiRegionEnabled", "OrganizationEnabled", "RetentionPeriod",
            "TerminationProtectionEnabled", "KmsKeyId", "BillingMode")  # fmt: skip
_KEY_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@runtime_checkable
class Importing(Protocol):
    """A backend of imports into event data stores (LakeImports), as the stores ask it."""

    def importing_into(self, store_arn: str, now: datetime) -> bool:
        """Whether an import into the store `store_arn` is in progress at `now`."""


@dataclass(slots=True)
class EventDataStore:
    """One event data store: its settings in the model's member names, and its lifecycle marks."""

    id: str  # the UUID its ARN ends with
    arn: str
    key: Key
    name: str
    settings: Params
    tags: list[Params]
    created: datetime
    updated: datetime
    ingesting: bool = True
    deleted: datetime | None = None  # when DeleteEventDataStore put it in PENDING_DELETION
    CREATED_BY: ClassVar[str] = "CreateEventDataStore"  # its request is read against this input on restore

    def creating_request(self) -> Params:
        """CreateEventDataStore's input, from the parts the store keeps."""
        return {"Name": self.name, **self.settings, "TagsList": self.tags, "StartIngestion": self.ingesting}

    @property
    def progress(self) -> Progress:
        """Its creation, as a job's progress (what the shared machinery reads of a record)."""
        return Progress(CREATION, started=self.created, due=self.created)

    def status(self, now: datetime) -> str:
        if self.deleted is not None:
            return PENDING_DELETION
        return self.progress.status(now) if self.ingesting else STOPPED_INGESTION

    def categories(self) -> frozenset[str]:
        return categories_of(self.settings["AdvancedEventSelectors"])

    def describe(self, now: datetime, *, created: bool = False) -> Output:
        return {
            "EventDataStoreArn": self.arn,
            "Name": self.name,
            "Status": CREATION.initial if created else self.status(now),
            **self.settings,
            "CreatedTimestamp": self.created,
            "UpdatedTimestamp": self.updated,
        }


class EventDataStores(Backend):
    """The event data stores of one account and region.

    A new store is CREATED in the creation answer and ENABLED (STOPPED_INGESTION with
    StartIngestion false) from then on; DeleteEventDataStore puts it in PENDING_DELETION for
    seven days of the mock's clock, when Get still shows it, its name stays taken and it
    counts towards the quota of ten, then it is gone. StartImport checks a destination this
    backend knows (`check_import_destination`).

    Differs from AWS: the short-term statuses (STARTING_INGESTION, STOPPING_INGESTION, a
    restore's minutes) take no time; KMS keys, tags, federation and Organizations are not
    checked (an organization store is the caller's, as its management account); multi-Region
    stores of other regions do not count towards this region's quota; a KmsKeyId given as a
    key id is shown as that key's ARN, an alias as given.
    """

    arn_service = "cloudtrail"
    invalid_token = InvalidNextTokenException
    invalid_token_message = (
        "A token that is not valid, or a token that was previously used in a request with "
        "different parameters."
    )

    def __init__(self, context: BackendContext) -> None:
        super().__init__(context)
        self._stores: dict[str, EventDataStore] = {}  # by ARN, in creation order
        self._gone: list[str] = []  # ARNs of the stores whose deletion completed

    @operation("CreateEventDataStore")
    def create_event_data_store(self, params: Params) -> Output:
        now = self._purge()
        self._check_name_free(params["Name"])
        if len(self._stores) >= QUOTA:
            raise EventDataStoreMaxLimitExceededException(
                f"Your account has used the maximum number of event data stores ({QUOTA})."
            )
        billing = params.get("BillingMode", EXTENDABLE)
        selectors = params.get("AdvancedEventSelectors") or DEFAULT
        check_selectors(selectors)
        settings: Params = {
            "AdvancedEventSelectors": selectors,
            "MultiRegionEnabled": params.get("MultiRegionEnabled", True),
            "OrganizationEnabled": params.get("OrganizationEnabled", False),
            "RetentionPeriod": self._retention(params.get("RetentionPeriod"), billing),
            "TerminationProtectionEnabled": params.get("TerminationProtectionEnabled", True),
            "BillingMode": billing,
        }
        if "KmsKeyId" in params:
            settings["KmsKeyId"] = self._kms_key(params["KmsKeyId"])
        ident = self._new_id()
        store = EventDataStore(
            id=ident,
            arn=self.arn(f"eventdatastore/{ident}"),
            key=self.new_key(now),
            name=params["Name"],
            settings=settings,
            tags=params.get("TagsList", []),
            created=now,
            updated=now,
            ingesting=params.get("StartIngestion", True),
        )
        self._stores[store.arn] = store
        return {**store.describe(now, created=True), "TagsList": store.tags or None}

    @operation("GetEventDataStore")
    def get_event_data_store(self, params: Params) -> Output:
        now = self._purge()
        return {**self._store(params["EventDataStore"]).describe(now), "FederationStatus": "DISABLED"}

    @operation("ListEventDataStores")
    def list_event_data_stores(self, params: Params) -> Output:
        self._purge()
        stores = sorted(self._stores.values(), key=lambda store: store.key)
        page = self.page_of(
            lambda after: [(s.key, s) for s in stores if after is None or s.key > after],
            token=params.get("NextToken"),
            limit=params.get("MaxResults", PAGE_SIZE),
            scope={"MaxResults": params.get("MaxResults")},
        )
        # ListEventDataStores no longer returns the members the model marks deprecated
        listed = [{"EventDataStoreArn": s.arn, "Name": s.name} for s in page.items]
        return {"EventDataStores": listed, "NextToken": page.next_token}

    @operation("UpdateEventDataStore")
    def update_event_data_store(self, params: Params) -> Output:
        now, changes = self._purge(), {k: v for k, v in params.items() if k != "EventDataStore"}
        if not changes:
            raise InvalidParameterException(
                "Specify at least one parameter to update besides EventDataStore."
            )
        store = self._active(params["EventDataStore"], now)
        if changes.get("Name", store.name) != store.name:
            self._check_name_free(changes["Name"])
        billing = changes["BillingMode"] if "BillingMode" in changes else store.settings["BillingMode"]
        if (store.settings["BillingMode"], billing) == (EXTENDABLE, FIXED):
            raise InvalidParameterException(
                f"You can't change the billing mode from {EXTENDABLE} to {FIXED}."
            )
        if "AdvancedEventSelectors" in changes:
            check_selectors(changes["AdvancedEventSelectors"])
        kms = changes.get("KmsKeyId")
        if kms is not None:
            kms = self._kms_key(kms)
            if store.settings.get("KmsKeyId", kms) != kms:
                raise InvalidParameterException(
                    "The KMS key of an event data store cannot be removed or changed."
                )
        retention = self._retention(
            changes.get("RetentionPeriod", store.settings["RetentionPeriod"]), billing
        )
        store.name = changes.get("Name", store.name)
        store.settings = {
            **store.settings,
            **{k: v for k, v in changes.items() if k in SETTINGS},
            "RetentionPeriod": retention,
            **({"KmsKeyId": kms} if kms is not None else {}),
        }
        store.updated = now
        return {**store.describe(now), "FederationStatus": "DISABLED"}

    @operation("DeleteEventDataStore")
    def delete_event_data_store(self, params: Params) -> Output:
        now = self._purge()
        store = self._active(params["EventDataStore"], now)
        if store.settings["TerminationProtectionEnabled"]:
            raise EventDataStoreTerminationProtectedException(
                f"Event data store {store.arn} cannot be deleted because termination protection is enabled."
            )
        store.deleted = store.updated = now
        return {}

    @operation("RestoreEventDataStore")
    def restore_event_data_store(self, params: Params) -> Output:
        now = self._purge()
        store = self._store(params["EventDataStore"])
        if store.deleted is None:
            raise InvalidEventDataStoreStatusException(
                f"Event data store {store.arn} is {store.status(now)}; only a deleted store can be restored."
            )
        store.deleted, store.updated = None, now
        return store.describe(now)

    @operation("StartEventDataStoreIngestion")
    def start_event_data_store_ingestion(self, params: Params) -> Output:
        self._switch_ingestion(params["EventDataStore"], start=True)
        return {}

    @operation("StopEventDataStoreIngestion")
    def stop_event_data_store_ingestion(self, params: Params) -> Output:
        self._switch_ingestion(params["EventDataStore"], start=False)
        return {}

    def check_import_destination(self, arn: str) -> None:
        """Refuses an import into a store this backend holds or held, as StartImport does.

        A store it never held is not checked: importmock accepts a well-formed reference to a
        store created outside it (see LakeImports). A store ENABLED or STOPPED_INGESTION takes
        imports; the statuses in between take no time here.
        """
        self._purge()
        store = self._stores.get(arn)
        if store is None:
            if arn in self._gone:
                raise EventDataStoreNotFoundException(f"The specified event data store was not found: {arn}")
            return
        if store.deleted is not None:
            raise InactiveEventDataStoreException(
                f"Event data store {arn} is inactive: it is pending deletion."
            )
        if not store.categories() <= CLOUDTRAIL_EVENTS:
            raise InvalidEventDataStoreCategoryException(
                f"Trail events can be imported only into an event data store of CloudTrail events: {arn}"
            )

    def _switch_ingestion(self, ref: str, *, start: bool) -> None:
        now = self._purge()
        store = self._store(ref)
        if not store.categories() <= INGESTING:
            raise InvalidEventDataStoreCategoryException(
                f"Ingestion of event data store {store.arn} cannot be started or stopped: its event category "
                f"must be Management, Data, NetworkActivity or ConfigurationItem."
            )
        needed = STOPPED_INGESTION if start else CREATION.succeeded
        if store.status(now) != needed:
            raise InvalidEventDataStoreStatusException(
                f"Event data store {store.arn} is {store.status(now)}; its status must be {needed}."
            )
        store.ingesting, store.updated = start, now

    def _store(self, ref: str) -> EventDataStore:
        """The store `ref` (an ARN, or the id it ends with) names."""
        if ref.startswith("arn:"):
            check_destination(ref, self.context)
            found = self._stores.get(ref)
        else:
            found = next((store for store in self._stores.values() if store.id == ref), None)
        if found is None:
            raise EventDataStoreNotFoundException(f"The specified event data store was not found: {ref}")
        return found

    def _active(self, ref: str, now: datetime) -> EventDataStore:
        """The store `ref` names, refused if pending deletion or receiving an import."""
        store = self._store(ref)
        if store.deleted is not None:
            raise InactiveEventDataStoreException(
                f"Event data store {store.arn} is inactive: it is pending deletion."
            )
        if any(
            isinstance(b, Importing) and b.importing_into(store.arn, now) for b in self.context.neighbours()
        ):
            raise EventDataStoreHasOngoingImportException(
                f"Event data store {store.arn} has an import in progress; try again when it has ended."
            )
        return store

    def _check_name_free(self, name: str) -> None:
        if any(store.name == name for store in self._stores.values()):
            raise EventDataStoreAlreadyExistsException(
                f"An event data store with the name {name} already exists."
            )

    def _retention(self, days: int | None, billing: str) -> int:
        default, most = RETENTION[billing]
        if days is not None and days > most:
            raise InvalidParameterException(
                f"RetentionPeriod of {days} days is over {most}, the most for billing mode {billing}."
            )
        return default if days is None else days

    def _kms_key(self, key: str) -> str:
        """A key id as the key's ARN (GetEventDataStore shows an ARN); ARNs and aliases as given."""
        c = self.context
        return f"arn:{c.partition}:kms:{c.region}:{c.account_id}:key/{key}" if _KEY_ID.fullmatch(key) else key

    def _purge(self) -> datetime:
        """Forgets the stores whose seven days pending deletion have passed; returns the time."""
        now = self.clock.now()
        for store in [
            s for s in self._stores.values() if s.deleted is not None and now >= s.deleted + DELETION_WAIT
        ]:
            del self._stores[store.arn]
            self._gone.append(store.arn)
        return now

    def _new_id(self) -> str:
        while True:  # 122 random bits: a clash is rare, but must not merge stores
            ident = str(uuid.UUID(int=self.context.rng.getrandbits(128), version=4))
            if self.arn(f"eventdatastore/{ident}") not in self._stores:
                return ident
