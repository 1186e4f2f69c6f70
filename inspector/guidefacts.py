"""Records of 办事指南 (service guide) pages, read during the crawl and judged by
`checks/services.py` (2019 veto item 服务不实用). No network, no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class GuideFacts:
    """One 办事指南 page: which of the key elements it shows."""

    url: str
    title: str
    present: Sequence[str]  # key elements shown with a value (canonical names)
    missing: Sequence[str]  # key elements absent or shown empty
    column: str = ""  # the service column the page was found under ("" when found by its title)


def guide_to_dict(guide: GuideFacts) -> dict[str, Any]:
    return {
        "url": guide.url,
        "title": guide.title,
        "present": list(guide.present),
        "missing": list(guide.missing),
        "column": guide.column,
    }


def guide_from_dict(data: Mapping[str, Any]) -> GuideFacts:
    return GuideFacts(
        url=data.get("url", ""),
        title=data.get("title", ""),
        present=tuple(data.get("present") or ()),
        missing=tuple(data.get("missing") or ()),
        column=data.get("column", ""),
    )
