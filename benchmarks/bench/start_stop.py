"""Section 2: ``with mock_imports(): pass`` against ``with mock_aws(): pass``.

Construction, start and stop of a mock, as paid by each decorated test: a suite of thousands
of tests pays it thousands of times, whatever the tests do inside.
"""

from __future__ import annotations

from importmock import mock_imports

from . import harness
from .harness import Row, Settings, Variant, fmt, row


def measure(settings: Settings) -> dict[str, float]:
    """ns per start and stop: keys "importmock" and "moto"."""
    print("2. start+stop ...", flush=True)
    from moto import mock_aws

    def importmock_cycle() -> None:
        with mock_imports():
            pass

    def moto_cycle() -> None:
        with mock_aws():
            pass

    # moto's cycle costs over ten times importmock's: it runs a twentieth of the iterations
    variants = [Variant("importmock", importmock_cycle), Variant("moto", moto_cycle, 0.05)]
    return harness.interleave(variants, settings.rounds, settings.pick(100, 400))


def rows(results: dict[str, float]) -> list[Row]:
    ours, moto = results["importmock"], results["moto"]
    moto_cycle = f"moto mock_aws {fmt(moto)}"
    return [row("with mock(): pass", fmt(ours), moto_cycle, moto / ours, harness.START_STOP_NS, ours)]
