"""Fourth blind batch: issue 15's accuracy targets on 74 pages written without sight of the
detectors, crawled by the real spider.

The pages come from tests/fixtures/security_blind4/make.py, kept as its author wrote it (a
helper that never opened the project's code or tests; README.md there says what the corpus
holds): county, district and city portals of old TRS table sites, div/jQuery sites, column
lists and articles, with 44 hostile pages (23 with hidden links, 15 with injected code, 9 with
wording errors) and 30 controls full of the furniture that must stay silent — the badge and
statistics scripts, cnzz's own `document.write(unescape(…))`, hidden menus and tab panes of the
site's own columns and of 人民网/新华网, 中华民国二年 in a history page, 接近平均水平 (近平), news
about fighting gambling. The generator writes the pages and their labels (labels.json) into a
temporary folder; each page is served under its own host name and path, and the findings are
read from the database the crawl wrote.

How it counts: tests/security_blind_crawl.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest_twisted
from security_blind_crawl import crawl_corpus, judged

CORPUS = Path(__file__).parent / "fixtures" / "security_blind4"

# The first run, at main 7d25d47, before anything was changed for this batch (found, cases,
# false alarms), and what it missed. No false alarm in any family; every target met.
FIRST_RUN = {
    "hidden_links": (
        (22, 23, 0),
        ["030: gambling links written after </html> (shown at the foot)"],
    ),
    "malicious_script": (
        (14, 15, 0),
        ['010: var _0xa1="PHNjcmlwdCBz…"; document.write(atob(_0xa1))'],
    ),
    "wording_error": (
        (8, 10, 0),
        ["006: 美国、日本、台湾等国家", "022: 中华民国经济部 (present-day)"],
    ),
}
# Now: links after </html> are read from the page's source (AFTER_END in extract/security.py,
# counted with a spam word), base64 string literals written by a script are decoded
# (injected.py), 台湾/香港/澳门等国家 are banned terms (exceptions: …等国家和地区, 国家级). Left
# as it was: 中华民国 — the same words name the Republic of 1912–1949 on history pages (the
# controls' 中华民国二年), and no wording tells the present from the past.
EXPECTED_NOW = {
    "hidden_links": (23, 23, 0),
    "malicious_script": (15, 15, 0),
    "wording_error": (9, 10, 0),
}


@pytest_twisted.ensureDeferred
async def test_fourth_blind_batch(sqlite_url, tmp_path):
    for name in ("make.py", "texts.py"):
        shutil.copy(CORPUS / name, tmp_path / name)
    (tmp_path / "pages").mkdir()
    subprocess.run([sys.executable, str(tmp_path / "make.py")], check=True, capture_output=True)
    judged(*await crawl_corpus(tmp_path, sqlite_url), FIRST_RUN, EXPECTED_NOW)
