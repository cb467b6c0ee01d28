"""The work a job does when it ends well: scheduled on the mock clock, run exactly once.

A job of the data plane (an import that reads S3 and fills a table, an export that writes
files) does its work at the moment it succeeds: when the clock reaches its due time (at
creation, with a duration of 0), or when `mock.finish` ends it successfully. The work may
still fail it (a missing bucket), in which case it ends in the failed status the work gives,
at that same moment. A job finished in a failed status does no work. Nothing here runs in a
thread of its own: the mock runs what is due after each call, clock move and finish.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from importmock.jobs.lifecycle import Progress


@dataclass(frozen=True, slots=True)
class Failure:
    """How the work ended a job that was to succeed: its failed status, code and message."""

    status: str
    code: str
    message: str


Perform = Callable[[], "Failure | None"]


class Work:
    """Jobs whose work waits: by due time, and by progress for those `finish` ends.

    Entries are tickets, so a job that ended otherwise leaves only a stale heap entry that
    matches nothing.
    """

    def __init__(self) -> None:
        self._due: list[tuple[datetime, int]] = []  # (due, ticket)
        self._waiting: dict[int, tuple[Progress, Perform]] = {}  # ticket -> job's work
        self._tickets: dict[int, int] = {}  # id of a waiting progress -> its ticket
        self._next = itertools.count()

    def __len__(self) -> int:
        return len(self._waiting)

    def schedule(self, progress: Progress, perform: Perform) -> None:
        """Runs `perform` once `progress` succeeds; a Failure it returns fails the job instead."""
        ticket = next(self._next)
        self._waiting[ticket] = (progress, perform)
        self._tickets[id(progress)] = ticket
        if progress.due is not None:
            heapq.heappush(self._due, (progress.due, ticket))

    def run_due(self, now: datetime) -> None:
        """Runs the work of every job the clock has brought to its success by `now`."""
        while self._due and self._due[0][0] <= now:
            _, ticket = heapq.heappop(self._due)
            self._run(ticket, now)

    def finished(self, progress: Progress, now: datetime) -> None:
        """After `mock.finish`: a successful job does its work now, any other none."""
        ticket = self._tickets.get(id(progress))
        if ticket is not None and self._waiting.get(ticket, (None,))[0] is progress:
            self._run(ticket, now)

    def _run(self, ticket: int, now: datetime) -> None:
        entry = self._waiting.pop(ticket, None)
        if entry is None:
            return  # already run, or ended otherwise
        progress, perform = entry
        self._tickets.pop(id(progress), None)
        if progress.status(now) != progress.family.succeeded:
            return  # stopped, cancelled or failed before its time: no work
        failure = perform()
        if failure is not None:
            progress.fail(failure.status, failure.code, failure.message)
