"""Downloader middleware of the inspector: honour a server's Retry-After without blocking."""

from __future__ import annotations

import asyncio
import time
from typing import Any


class RetryAfterDelay:
    """Hold a request until the time its server asked for (meta "not_before")."""

    async def process_request(self, request: Any) -> None:
        not_before = request.meta.get("not_before")
        if not_before:
            wait = not_before - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        return None
