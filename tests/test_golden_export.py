"""The demo's export is the one the code made before the architecture rework (commit f9cff86).

`make demo` crawls the bundled demo site; its export, normalised for times, ids, ports and the
order in which concurrent responses arrived (tests/golden.py), must equal the golden file. A
change that alters a result shows up here as a diff; regenerate the golden file only for a
change of behaviour that is meant (and say so in the commit).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from golden import normalise_export

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "fixtures" / "golden" / "demo_export.json"


@pytest.mark.parametrize("readers", ["0", "1"])
def test_demo_export_matches_the_golden_one(tmp_path: Path, readers: str) -> None:
    """Also with the pages read by a reader process (inspector/crawl/readpool.py)."""
    env = {
        **os.environ,
        "INSPECTOR_DEMO_OUT": str(tmp_path),
        "INSPECTOR_DEMO_PORT": "0",
        "INSPECTOR_READ_PROCESSES": readers,
    }
    done = subprocess.run(
        [sys.executable, "-m", "inspector.demo.run"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert ("pages read by reader processes" in done.stdout) == (readers == "1")
    got = normalise_export(json.loads((tmp_path / "export.json").read_text(encoding="utf-8")))
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) == json.dumps(
        want, ensure_ascii=False, indent=1, sort_keys=True
    )
