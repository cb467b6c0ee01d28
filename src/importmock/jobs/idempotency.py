"""ClientTokens: the jobs created under idempotency tokens, for as long as AWS keeps them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")


class ClientTokens(Generic[T]):
    """Remembers which job a client token created, for `window` of mock-clock time.

    A repeated request within the window is answered from the job it created; how a
    different request under the same token is judged is the family's rule.
    """

    def __init__(self, window: timedelta) -> None:
        self._window = window
        self._jobs: dict[str, tuple[T, datetime]] = {}

    def get(self, token: str | None, now: datetime) -> T | None:
        """The job `token` created within the window, if any."""
        if token is None or (found := self._jobs.get(token)) is None:
            return None
        job, used = found
        return job if now - used < self._window else None

    def items(self) -> list[tuple[str, T, datetime]]:
        """Every remembered token, its job and when it was used (for snapshots)."""
        return [(token, job, used) for token, (job, used) in self._jobs.items()]

    def remember(self, token: str | None, job: T, now: datetime) -> None:
        if token is not None:
            self._jobs[token] = (job, now)
