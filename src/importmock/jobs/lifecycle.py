"""Job life cycles: the statuses of a family, and one job's progress on the mock clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Family:
    """The statuses a job family documents.

    `endings` maps every terminal status `mock.finish` accepts, other than `succeeded`, to
    the failure code and message AWS shows for it when the test gives none; `messages` maps a
    failure code to the message AWS shows with that code, when the test gives a code but no
    message; `plain` names the terminal statuses that show no failure at all (CloudTrail's
    STOPPED), so `mock.finish` refuses a code or message with them.
    """

    key: str
    initial: str
    running: str
    succeeded: str
    endings: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)
    plain: frozenset[str] = frozenset()

    @property
    def terminal(self) -> tuple[str, ...]:
        """Every status a job of this family can end in."""
        return (self.succeeded, *self.endings)


@dataclass(slots=True)
class Progress:
    """Where one job stands: derived from the clock, never from threads or sleeps.

    A job succeeds by itself at `due` (None: only `finish` ends it); `finish` ends it
    earlier, in any terminal status of its family.
    """

    family: Family
    started: datetime
    due: datetime | None
    outcome: str | None = None
    ended: datetime | None = None
    failure_code: str | None = None
    failure_message: str | None = None

    def status(self, now: datetime) -> str:
        """The status a read at `now` shows (creation responses use `family.initial`)."""
        if self.outcome is not None:
            return self.outcome
        if self.due is not None and now >= self.due:
            return self.family.succeeded
        return self.family.running

    def end_time(self, now: datetime) -> datetime | None:
        """When the job ended, or None while it runs."""
        if self.ended is not None:
            return self.ended
        return self.due if self.due is not None and now >= self.due else None

    def is_over(self, now: datetime) -> bool:
        """Whether the job has reached a terminal status by `now`."""
        return self.end_time(now) is not None

    def fraction(self, now: datetime) -> float:
        """How far the job has come, 0.0 to 1.0, for counters that grow with progress.

        A job that failed or was stopped stays where it was when it ended.
        """
        if self.status(now) == self.family.succeeded:
            return 1.0
        if self.due is None or self.due <= self.started:
            return 0.0
        until = min(now, self.ended) if self.ended is not None else now
        return max(0.0, min(1.0, (until - self.started) / (self.due - self.started)))

    def stop(self, now: datetime, status: str) -> None:
        """Ends the job now in a status `finish` does not offer (StopImport, StopResource)."""
        self.outcome, self.ended = status, max(now, self.started)  # a clock set back: not before it began

    def fail(self, status: str, code: str | None, message: str | None) -> None:
        """Ends a job that was to succeed in a failed status instead, at the same moment.

        Its data-plane work found it cannot be done (a missing bucket): AWS shows the job
        failed when it ends, not succeeded and then failed.
        """
        self.ended = self.ended or self.due or self.started
        self.outcome, self.failure_code, self.failure_message = status, code, message

    def finish(self, now: datetime, status: str | None, code: str | None, message: str | None) -> None:
        """Ends the job now; see `ImportMock.finish` for the rules."""
        status = status or self.family.succeeded
        if status not in self.family.terminal:
            raise ValueError(
                f"{self.family.key} jobs end in one of {', '.join(self.family.terminal)}; not {status!r}"
            )
        if self.is_over(now):
            raise ValueError(f"the job has already finished with status {self.status(now)}")
        if (status == self.family.succeeded or status in self.family.plain) and (code or message):
            raise ValueError(f"failure_code and failure_message need a failed status, not {status}")
        default_code, default_message = self.family.endings.get(status, (None, None))
        self.outcome, self.ended = status, max(now, self.started)
        self.failure_code = code or default_code
        if self.failure_code is not None:
            default_message = self.family.messages.get(self.failure_code, default_message)
        self.failure_message = message or default_message
