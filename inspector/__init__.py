"""inspector: automated inspection of government websites."""

from __future__ import annotations

import os

# No network but the sites we inspect: tldextract must use its bundled suffix list. This must be
# set before Scrapy is imported, because Scrapy's cookie middleware builds a TLDExtract at import.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

__version__ = "0.1.0"
