"""Fifth blind batch: issue 15's accuracy targets on 63 pages written without sight of the
detectors, with the weight on precision, crawled by the real spider.

The pages come from tests/fixtures/security_blind5/gen.py (its author, a helper that never
opened the project's code or tests, wrote it; only the folder it writes to was made a setting
here; README.md there says what the corpus holds): 44 sites — counties, cities, provincial
departments, a 人大 and a 政协 — 25 pages in GBK or GB2312 served without a charset in the
header, old table layouts with `<font>`/`bgcolor`, uppercase and unquoted markup, conditional
comments, `<template>`, JSON-LD, Vue pages; 40 controls full of third-party furniture (无障碍
toolbars, statistics of five vendors, share tools, video, map and weather embeds, 政务服务 and
media links, security badges, CDN libraries, a mobile redirect to the site's own m. host, a
`btoa(unescape(…))` search encoder, an old-IE upgrade tip hidden by CSS, white text on a blue
footer, news about gambling crackdowns) and 23 hostile pages with one planted problem each
(8 hidden links, 9 injected code, 6 wording errors). How it counts:
tests/security_blind_crawl.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest_twisted
from security_blind_crawl import crawl_corpus, judged

CORPUS = Path(__file__).parent / "fixtures" / "security_blind5"

# The first run, at main 88c7547, before anything was changed for this batch: (found, cases,
# false alarms) and the false alarms; every hostile page found.
FIRST_RUN = {
    "hidden_links": ((8, 8, 0), []),
    "malicious_script": (
        (9, 9, 3),
        ["005, 040, 055: www.yunmd.net (云盲道's accessibility toolbar)"],
    ),
    "wording_error": ((6, 6, 0), []),
}
# Now: yunmd.net, the host of 云盲道's toolbar as www.sc.gov.cn loads it (www, voice, tts), is in
# hosts.toml's services beside the yunmd.cn that was there, with cnwza.cn and mangren.com.
EXPECTED_NOW = {
    "hidden_links": (8, 8, 0),
    "malicious_script": (9, 9, 0),
    "wording_error": (6, 6, 0),
}


@pytest_twisted.ensureDeferred
async def test_fifth_blind_batch(sqlite_url, tmp_path):
    env = {**os.environ, "BLIND5_OUT": str(tmp_path)}
    subprocess.run(
        [sys.executable, str(CORPUS / "gen.py")], check=True, capture_output=True, env=env
    )
    judged(*await crawl_corpus(tmp_path, sqlite_url), FIRST_RUN, EXPECTED_NOW)
