"""Leases on the distributed queue: a site taken by a worker is the worker's only while it says so.

The queue is scrapy-redis's start-URLs list (REDIS_START_URLS_KEY): one JSON record per site.
Taking a site moves it, in one Lua script, from that list into two companions:

    <key>:leases   sorted set   site_id -> lease deadline (ms, Redis server time)
    <key>:leased   hash         site_id -> "<worker token>\\n<queue record>"

The worker renews the deadline of its sites every third of INSPECTOR_LEASE_SECONDS from a
thread (so a reactor busy with the checks of a big site does not let its leases lapse), and
releases a site once its run is finished in the database. Whoever takes next first puts every
expired lease back at the head of the list: a worker killed with SIGKILL, or a machine lost,
gives its sites back after one lease, with no operator involved. A worker that finds one of its
leases gone (renewed too late, taken over) keeps nothing: the database decides which crawl of a
site counts (inspector.store.runs.claim_run and the pipeline's guarded finish).

Deadlines are Redis's clock (TIME inside the scripts), so the workers' clocks do not matter.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

# KEYS: queue, leases, leased. ARGV: how many, worker token, lease ms.
# Returns {records taken, sites put back from expired leases, duplicates dropped}.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local back = 0
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for i = #expired, 1, -1 do
  local sid = expired[i]
  local held = redis.call('HGET', KEYS[3], sid)
  if held then
    local cut = string.find(held, '\\n', 1, true)
    redis.call('LPUSH', KEYS[1], string.sub(held, cut + 1))
    back = back + 1
  end
  redis.call('ZREM', KEYS[2], sid)
  redis.call('HDEL', KEYS[3], sid)
end
local taken = {}
local dropped = 0
local want = tonumber(ARGV[1])
while #taken < want do
  local record = redis.call('LPOP', KEYS[1])
  if not record then break end
  local ok, parsed = pcall(cjson.decode, record)
  local sid = ok and type(parsed) == 'table' and type(parsed['site']) == 'table'
              and parsed['site']['site_id']
  if not sid then
    table.insert(taken, record)
  elseif redis.call('ZSCORE', KEYS[2], sid) then
    dropped = dropped + 1
  else
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), sid)
    redis.call('HSET', KEYS[3], sid, ARGV[2] .. '\\n' .. record)
    table.insert(taken, record)
  end
end
return {taken, back, dropped}
"""

# KEYS: leases, leased. ARGV: worker token, lease ms, site_id... Returns the site_ids lost.
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lost = {}
local prefix = ARGV[1] .. '\\n'
for i = 3, #ARGV do
  local held = redis.call('HGET', KEYS[2], ARGV[i])
  if held and string.sub(held, 1, #prefix) == prefix then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
"""

# KEYS: queue, leases, leased. ARGV: worker token, "1" to put the site back, site_id...
# Ends this worker's leases; returns how many it still held.
_END = """
local prefix = ARGV[1] .. '\\n'
local ended = 0
for i = 3, #ARGV do
  local held = redis.call('HGET', KEYS[3], ARGV[i])
  if held and string.sub(held, 1, #prefix) == prefix then
    if ARGV[2] == '1' then
      redis.call('LPUSH', KEYS[1], string.sub(held, #prefix + 1))
    end
    redis.call('ZREM', KEYS[2], ARGV[i])
    redis.call('HDEL', KEYS[3], ARGV[i])
    ended = ended + 1
  end
end
return ended
"""


def site_id_of(record: bytes | str) -> str | None:
    """The site_id of a queue record (None for a record that is not one of ours)."""
    try:
        site = json.loads(record)["site"]
        return str(site["site_id"])
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class Taken:
    records: list[bytes]
    put_back: int  # expired leases returned to the queue by this call
    dropped: int  # records of sites already leased by a live worker (queued twice)


class SiteLeases:
    """The lease operations of one worker (`token`) on the queue `key` of a Redis client."""

    def __init__(self, server: Any, key: str, token: str, lease_seconds: float) -> None:
        self.server = server
        self.key = key
        self.keys = (key, f"{key}:leases", f"{key}:leased")
        self.token = token
        self.lease_ms = max(1, int(lease_seconds * 1000))
        self._take = server.register_script(_TAKE)
        self._renew = server.register_script(_RENEW)
        self._end = server.register_script(_END)

    def take(self, n: int) -> Taken:
        """Up to `n` sites from the head of the queue, leased to this worker."""
        records, back, dropped = self._take(keys=self.keys, args=[n, self.token, self.lease_ms])
        return Taken(list(records), int(back), int(dropped))

    def renew(self, site_ids: Iterable[str]) -> list[str]:
        """Push the deadlines of these sites one lease ahead; returns those no longer ours."""
        ids = list(site_ids)
        if not ids:
            return []
        lost = self._renew(keys=self.keys[1:], args=[self.token, self.lease_ms, *ids])
        return [x.decode() if isinstance(x, bytes) else str(x) for x in lost]

    def release(self, site_ids: Iterable[str]) -> int:
        """The sites are done (or not to be crawled): end their leases."""
        return self._end_leases(site_ids, put_back=False)

    def give_back(self, site_ids: Iterable[str]) -> int:
        """Not crawled to the end here: back at the head of the queue for any worker."""
        return self._end_leases(site_ids, put_back=True)

    def _end_leases(self, site_ids: Iterable[str], *, put_back: bool) -> int:
        ids = list(site_ids)
        if not ids:
            return 0
        return int(self._end(keys=self.keys, args=[self.token, "1" if put_back else "0", *ids]))

    def counts(self) -> tuple[int, int]:
        """(sites waiting in the queue, sites leased by any worker)."""
        with self.server.pipeline(transaction=False) as pipe:
            pipe.llen(self.keys[0])
            pipe.zcard(self.keys[1])
            waiting, leased = pipe.execute()
        return int(waiting), int(leased)


class LeaseKeeper(threading.Thread):
    """Renews the leases of the sites this worker crawls, every third of a lease.

    A thread, not a reactor timer: the reactor can be busy for a long time in one call (the
    checks of a big site), and a lease must not lapse for that. Redis errors are logged and
    retried sooner (1 s, doubling up to the renewal period); `lost` collects the sites whose
    lease another worker took, for the spider to read.
    """

    def __init__(self, leases: SiteLeases, period: float) -> None:
        super().__init__(name="lease-keeper", daemon=True)
        self.leases = leases
        self.period = max(0.05, period)
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.lost: list[str] = []
        self.failing_since: float | None = None  # time.monotonic() of the first failed renewal

    def hold(self, site_id: str) -> None:
        with self._lock:
            self._held.add(site_id)

    def drop(self, site_id: str) -> None:
        with self._lock:
            self._held.discard(site_id)

    def held(self) -> list[str]:
        with self._lock:
            return sorted(self._held)

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        wait, backoff = self.period, 1.0
        while not self._stop.wait(wait):
            try:
                lost = self.leases.renew(self.held())
            except Exception as exc:  # noqa: BLE001 - any Redis failure: retry, never die
                if self.failing_since is None:
                    self.failing_since = time.monotonic()
                    logger.warning("cannot renew the leases on Redis (%s); retrying", exc)
                wait, backoff = min(backoff, self.period), backoff * 2
                continue
            if self.failing_since is not None:
                logger.info("Redis answers again: leases renewed")
                self.failing_since = None
            wait, backoff = self.period, 1.0
            for site_id in lost:
                self.drop(site_id)
                logger.warning(
                    "lease of site %s lost (expired and taken by another worker); "
                    "the database keeps only one finished run of it",
                    site_id,
                )
            with self._lock:
                self.lost.extend(lost)
