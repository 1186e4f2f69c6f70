"""Rows held while the database is unreachable, written again when it answers.

A refused row is the row's fault and is reported, never retried (inspector/store/batch.py). A
lost connection, a restarting server or a locked SQLite file is not: the batch is kept here and
written again, oldest first, with a backoff (1 s doubling to MAX_BACKOFF), so that a database
lost for a minute in the middle of the night costs nothing. What is held is bounded:

- INSPECTOR_STORE_HELD_ROWS rows: beyond them the oldest batches are dropped;
- INSPECTOR_STORE_OUTAGE_SECONDS of outage: then everything held is dropped.

Rows dropped are store errors of their runs, and their runs are *lost*: a run that misses rows
for a reason that is not its own must not be finished as if it were complete (the pipeline
leaves it unfinished, so the crawl exits non-zero and a worker gives the site back).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from inspector.store.batch import Batch, RowFailure, failure_text, write_isolated

logger = logging.getLogger(__name__)

MAX_BACKOFF = 60.0  # seconds between two tries of an unreachable database


class Outage:
    """When the database stopped answering, and when to try it again (1 s doubling)."""

    def __init__(self, limit_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit_seconds
        self.clock = clock
        self.since: float | None = None
        self.retry_at = 0.0
        self.backoff = 1.0

    def failed(self, exc: BaseException, what: str) -> None:
        now = self.clock()
        if self.since is None:
            self.since, self.backoff = now, 1.0
            logger.error(
                "the database is unreachable (%s): %s held, retrying with a backoff for up to "
                "%.0f s",
                failure_text(exc),
                what,
                self.limit,
            )
        else:
            logger.warning(
                "the database is still unreachable after %.0f s: next try in %.0f s",
                now - self.since,
                self.backoff,
            )
        self.retry_at = now + self.backoff
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)

    def recovered(self, what: str) -> None:
        if self.since is not None:
            logger.warning(
                "the database answers again after %.0f s: %s", self.clock() - self.since, what
            )
        self.since = None

    def due(self) -> bool:
        return self.since is None or self.clock() >= self.retry_at

    def over(self) -> bool:
        """Unreachable for longer than its limit: stop waiting."""
        return self.since is not None and self.clock() - self.since > self.limit

    def seconds(self) -> float:
        return 0.0 if self.since is None else self.clock() - self.since


class HeldRows:
    """Batches the database could not take, oldest first, bounded by `limit` rows."""

    def __init__(self, limit: int, outage: Outage) -> None:
        self.limit = max(1, limit)
        self.outage = outage
        self.batches: deque[Batch] = deque()
        self.rows = 0
        self.lost_runs: set[int] = set()  # runs that lost rows to an outage

    def __len__(self) -> int:
        return self.rows

    def hold(self, batch: Batch) -> list[RowFailure]:
        """Keep `batch` for the next write; the oldest rows over the bound are dropped."""
        if len(batch):
            self.batches.append(batch)
            self.rows += len(batch)
        dropped: list[RowFailure] = []
        while self.rows > self.limit and len(self.batches) > 1:
            dropped += self._drop(self.batches.popleft(), "more rows held than the bound")
        return self._logged(dropped, f"more than {self.limit} rows held")

    def write(self, sessions: sessionmaker[Session]) -> list[RowFailure]:
        """Write what is held, oldest first, when it is time to try; the rows refused alone.
        Leaves the rest held (and the outage begun or prolonged) when the database fails."""
        failures: list[RowFailure] = []
        if not self.outage.due():
            return failures
        written = 0
        while self.batches:
            batch = self.batches[0]
            try:
                failures += write_isolated(sessions, batch)
            except Exception as exc:  # noqa: BLE001 - not the rows' fault: held, tried again
                self.outage.failed(exc, f"{self.rows} rows")
                return failures
            self.batches.popleft()
            self.rows -= len(batch)
            written += len(batch)
        if written:
            self.outage.recovered(f"{written} held rows written")
        return failures

    def drop_all(self, why: str) -> list[RowFailure]:
        """Give up on every row held (the outage lasted too long)."""
        dropped: list[RowFailure] = []
        while self.batches:
            dropped += self._drop(self.batches.popleft(), why)
        return self._logged(dropped, why)

    def _logged(self, dropped: list[RowFailure], why: str) -> list[RowFailure]:
        if dropped:
            runs = ", ".join(str(r) for r in sorted({f.run_id for f in dropped}))
            logger.error(
                "%d rows not stored (runs %s): the database was unreachable (%s)",
                len(dropped),
                runs,
                why,
            )
        return dropped

    def _drop(self, batch: Batch, why: str) -> list[RowFailure]:
        self.rows -= len(batch)
        rows = batch.rows()
        failures = [
            r.failure(ConnectionError(f"not stored: the database was unreachable ({why})"))
            for r in rows
        ]
        self.lost_runs |= {f.run_id for f in failures}
        return failures
