"""Section 5: bytes importmock holds per DynamoDB export at N exports, beside moto's per export.

Section 4 pages DynamoDB imports only (exports page through the same code), so the memory of
exports, which hold more members than imports, is measured here on its own.
"""

from __future__ import annotations

from . import harness
from .families import dynamodb_exports
from .harness import Row, Settings, row
from .memory import held_per_job


def measure(settings: Settings) -> float:
    """Bytes held per export, with N exports in one account."""
    print(f"5. memory per DynamoDB export at {settings.big:,} exports ...", flush=True)
    with harness.job_mock() as mock:
        client = harness.make_client("dynamodb", harness.BIG_ACCOUNT)

        def create() -> int:
            make = dynamodb_exports(client, harness.BIG_ACCOUNT)
            for i in range(settings.big):
                make(i)
            return settings.big

        return held_per_job(mock, create)


def rows(per_export: float, moto_per_export: float, big: int) -> list[Row]:
    """importmock's bytes per export against moto's (measured by section 4, at 1,000 exports)."""
    return [
        row(
            f"DynamoDB memory / export @{big:,}",
            f"{per_export:,.0f} B",
            f"moto {moto_per_export:,.0f} B @1,000",
            moto_per_export / per_export,
            harness.BYTES_PER_JOB,
            per_export,
        )
    ]
