"""Clock: the mock's time, which drives job progress, token expiry and retention windows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone


class Clock:
    """Time as importmock sees it: starts at the real time and moves only when told.

    Standing still keeps tests deterministic: a job with a duration of 60 seconds is in
    progress until the test advances the clock by 60 seconds, however slow the machine.
    A ticking clock also moves with the wall clock (whole milliseconds of the real time
    elapsed since it was last set), as time-machine's and freezegun's ``tick=True`` do.

    Args:
        start: the time to start at (timezone-aware); by default the real time.
        tick: whether the clock also moves with the real time that passes.

    Raises:
        ValueError: a naive `start`, or one outside 1970-04-01 to 4999-01-01.
    """

    def __init__(self, start: datetime | None = None, *, tick: bool = False) -> None:
        # the time last set or advanced to, and the wall reading (monotonic) it was set at:
        # one tuple, so a reader in another thread never pairs a new time with an old reading
        self._base = (_aware(start) if start is not None else real_now(), time.monotonic())
        self._tick = tick
        self._lock = threading.Lock()  # moves from several threads (sleeps) add up, none is lost
        self._listeners: list[Callable[[datetime], None]] = []

    def on_move(self, listener: Callable[[datetime], None]) -> None:
        """Calls `listener(now)` after every `advance` and `set` (the mock runs due work)."""
        self._listeners.append(listener)

    def _moved(self, now: datetime) -> None:
        for listener in self._listeners:
            listener(now)

    @property
    def ticking(self) -> bool:
        """Whether the clock also moves with the real time (the ``tick`` option)."""
        return self._tick

    def now(self) -> datetime:
        """Returns the current mock time, timezone-aware UTC."""
        base, since = self._base
        if not self._tick:
            return base
        # whole milliseconds, as AWS keeps time, so a ticking time survives the wire exactly
        return base + timedelta(milliseconds=int((time.monotonic() - since) * 1000))

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
        with self._lock:
            if step > LATEST - self.now():
                raise ValueError(f"the clock reaches only {LATEST:%Y-%m-%d}")
            base, since = self._base
            self._base = (base + step, since)  # a ticking clock keeps its wall reading: no drift
            now = self.now()
        self._moved(now)
        return now

    def set(self, when: datetime) -> None:
        """Sets the current time (forwards or backwards).

        Args:
            when: a timezone-aware datetime; naive datetimes are refused as ambiguous.

        Raises:
            ValueError: a naive `when`, or one outside 1970-04-01 to 4999-01-01.
        """
        moment = _aware(when)
        with self._lock:
            self._base = (moment, time.monotonic())
        self._moved(moment)


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
