"""What the spider hands to the storage pipeline. One item per fetched URL, not per link."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class TargetItem:
    """The outcome of fetching one URL for one site (pages included)."""

    site_id: str
    row: dict[str, Any]  # TargetRow columns without run_id


@dataclass(slots=True)
class PageItem:
    """One crawled HTML page: its facts, its fetch outcome and every link on it."""

    site_id: str
    page: dict[str, Any]  # PageRow columns without run_id
    target: dict[str, Any]  # TargetRow columns without run_id
    links: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    # (target_url, element, attribute, text, fragment)


@dataclass(slots=True)
class SiteEventItem:
    """Something learnt about the site as a whole, kept on its run."""

    site_id: str
    # "home_error" | "robots" | "not_found_probe" | "columns" | "done" (bounds tripped ride on "done")
    event: str
    data: dict[str, Any] = field(default_factory=dict)
