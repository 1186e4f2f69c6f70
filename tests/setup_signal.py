"""An extension for tests/test_exit_codes.py: the process gets SIGINT while Scrapy is still
making its crawler (before its own signal handlers are in place), as a crawler process of
`inspector crawl --processes 2` can when the supervisor passes a Ctrl-C on early."""

from __future__ import annotations

import signal
from typing import Any


class SignalAtSetup:
    @classmethod
    def from_crawler(cls, crawler: Any) -> SignalAtSetup:
        signal.raise_signal(signal.SIGINT)
        return cls()
