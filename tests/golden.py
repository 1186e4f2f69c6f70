"""Normalise a demo export for comparison with the golden one (tests/fixtures/golden/).

What differs between two crawls of the same demo site is removed: times, run ids, the ports the
demo server and its dead link happened to get, and the order of lists that follows the order in
which concurrent responses arrived (source pages, anchor texts, columns found on list pages),
or that the ports decide (findings are sorted by URL, and the ports are part of it).
"""

from __future__ import annotations

import json
import re
from typing import Any

TIMES = ("generated_at", "started_at", "finished_at")
_LOOPBACK = re.compile(r"\b(127\.0\.0\.1|localhost):\d+")


def _ports(value: Any) -> Any:
    if isinstance(value, str):
        return _LOOPBACK.sub(r"\1:PORT", value)
    if isinstance(value, list):
        return [_ports(v) for v in value]
    if isinstance(value, dict):
        return {k: _ports(v) for k, v in value.items()}
    return value


def normalise_export(data: dict[str, Any]) -> dict[str, Any]:
    data = _ports(data)
    data["generated_at"] = "TIME"
    for site in data["sites"]:
        for key in TIMES:
            if site.get(key):
                site[key] = "TIME"
        site["run_id"] = "ID"
        site["tracking"]["compared_with"] = ["ID" for _ in site["tracking"]["compared_with"]]
        site["columns"].sort(key=lambda c: (c["url"], c["name"]))
        for finding in site["findings"]:
            detail = finding["detail"]
            for key in ("sources", "texts"):
                if isinstance(detail.get(key), list):
                    detail[key].sort()
        site["findings"].sort(key=lambda f: json.dumps(f, ensure_ascii=False, sort_keys=True))
    return data
