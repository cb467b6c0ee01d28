"""Clock: the mock's time, which drives job progress, token expiry and retention windows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone


class Clock:
    """Time as importmock sees it: starts at the real time and moves only when told.

    Standing still keeps tests deterministic: a job with a duration of 60 seconds is in
    progress until the test advances the clock by 60 seconds, however slow the machine.

    Args:
        start: the time to start at (timezone-aware); by default the real time.

    Raises:
        ValueError: a naive `start`, or one outside 1970-04-01 to 4999-01-01.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = _aware(start) if start is not None else real_now()
        self._listeners: list[Callable[[datetime], None]] = []

    def on_move(self, listener: Callable[[datetime], None]) -> None:
        """Calls `listener(now)` after every `advance` and `set` (the mock runs due work)."""
        self._listeners.append(listener)

    def _moved(self) -> None:
        for listener in self._listeners:
            listener(self._now)

    def now(self) -> datetime:
        """Returns the current mock time, timezone-aware UTC."""
        return self._now

    def advance(self, delta: float | timedelta) -> datetime:
        """Moves the clock forward.

        Args:
            delta: seconds, or a timedelta; negative values are refused.

        Returns:
            The new current time.

        Raises:
            ValueError: a negative `delta`, or one that moves past 4999-01-01.
        """
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        if step < timedelta(0):
            raise ValueError(f"the clock only moves forward; got {step}")
        if step > LATEST - self._now:
            raise ValueError(f"the clock reaches only {LATEST:%Y-%m-%d}")
        self._now += step
        self._moved()
        return self._now

    def set(self, when: datetime) -> None:
        """Sets the current time (forwards or backwards).

        Args:
            when: a timezone-aware datetime; naive datetimes are refused as ambiguous.

        Raises:
            ValueError: a naive `when`, or one outside 1970-04-01 to 4999-01-01.
        """
        self._now = _aware(when)
        self._moved()


def real_now() -> datetime:
    """The real time to the millisecond, as AWS keeps it, so it survives the JSON wire exactly."""
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"the clock needs a timezone-aware datetime; got {when!r}")
    if not EARLIEST <= when < LATEST:
        raise ValueError(f"the clock covers {EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}; got {when}")
    return when.astimezone(timezone.utc)


def epoch_micros(when: datetime) -> int:
    """Microseconds since the epoch, exact (no float rounding), for keys and tokens."""
    return (when - _EPOCH) // timedelta(microseconds=1)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# AWS ids hold epoch milliseconds in 14 digits, and retention windows reach 90 days back
EARLIEST, LATEST = datetime(1970, 4, 1, tzinfo=timezone.utc), datetime(4999, 1, 1, tzinfo=timezone.utc)
