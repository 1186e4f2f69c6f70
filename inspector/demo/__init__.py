"""The bundled demo government website (演示县人民政府) and the server that plays it.

`inspector.demo.server` serves the static pages in `site/` on 127.0.0.1 with the planted defects
(broken links, a timeout, a redirect loop, a stale and an empty column …) that a demo crawl is
expected to find. See the docstring of `inspector.demo.server` for the details.
"""

from __future__ import annotations

from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent / "site"

__all__ = ["SITE_DIR"]
