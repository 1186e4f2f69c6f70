"""What a crawl prints, from the real commands in subprocesses against the demo site: quiet by
default (no Scrapy or Alembic INFO on the console; it is in the log file), a line per finished
site when stderr is not a terminal, then the summary table whose problem counts are the
export's; `-v` shows the log; `--fail-on` sets the exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SETTINGS = ["DOWNLOAD_TIMEOUT=3", "INSPECTOR_HOME_RETRIES=0", "INSPECTOR_SITE_CONCURRENCY=8"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
    env.update(SCRAPY_SETTINGS_MODULE="inspector.settings", PYTHONPATH=str(REPO))
    return env


def _registry(tmp_path: Path, demo_server: Any) -> Path:
    text = (REPO / "seeds" / "demo.csv").read_text(encoding="utf-8")
    path = tmp_path / "demo.csv"
    path.write_text(text.replace("http://127.0.0.1:8770", demo_server.base_url), encoding="utf-8")
    return path


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300)


def _export(cwd: Path, db_url: str) -> dict[str, Any]:
    done = _run([sys.executable, "-m", "inspector.cli", "export", "--db", db_url], cwd)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _table_row(stdout: str, site_id: str) -> list[str]:
    return next(line.split() for line in stdout.splitlines() if line.startswith(site_id + " "))


@pytest.fixture(scope="module")
def crawled(demo_server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`inspector crawl` of the demo registry, as a cron job runs it (no terminal)."""
    cwd = tmp_path_factory.mktemp("console")
    db_url = f"sqlite:///{cwd / 'inspector.db'}"
    cmd = [
        sys.executable, "-m", "inspector.cli", "crawl", "--registry", str(_registry(cwd, demo_server)),
        "--db", db_url, "--as-of", "2026-11-28",
    ]  # fmt: skip
    for setting in SETTINGS:
        cmd += ["--set", setting]
    done = _run(cmd, cwd)
    return {"done": done, "cwd": cwd, "db_url": db_url, "cmd": cmd}


def test_crawl_is_quiet_and_ends_with_a_summary(crawled: dict[str, Any]) -> None:
    done, cwd = crawled["done"], crawled["cwd"]
    assert done.returncode == 0, done.stderr
    # Nothing of Scrapy's or Alembic's chatter on the console ...
    for noise in ("[scrapy", "INFO", "alembic", "Overridden settings", "Traceback"):
        assert noise not in done.stdout + done.stderr
    # ... but in the log file the summary names.
    log_line = next(x for x in done.stdout.splitlines() if x.startswith("日志: "))
    log = (cwd / log_line.removeprefix("日志: ")).read_text(encoding="utf-8")
    assert "scrapy.core.engine" in log and "alembic.runtime.migration" in log
    # One line per judged site on stderr (not a terminal): the crawled one.
    lines = [x for x in done.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("demo: 合格") and "问题" in lines[0], lines
    # The table: a header, every site of the registry, the commands that render the results.
    header = done.stdout.splitlines()[0].split()
    assert header == ["编号", "检查结论", "得分", "问题", "新发现", "未整改", "已整改"]
    assert _table_row(done.stdout, "demo-old")[1] == "已关停"
    assert "生成报告: inspector report --db" in done.stdout
    assert "导出表格: inspector export --db" in done.stdout and "--format xlsx" in done.stdout


def test_the_summary_counts_are_the_exports(crawled: dict[str, Any]) -> None:
    """One count of problems: the console table, its per-site line and the JSON export agree."""
    done = crawled["done"]
    data = _export(crawled["cwd"], crawled["db_url"])
    demo = next(s for s in data["sites"] if s["site_id"] == "demo")
    problems = demo["problems"]
    row = _table_row(done.stdout, "demo")
    assert row[1] == "合格" and float(row[2]) == demo["score"]
    assert [int(x) for x in row[3:7]] == [
        problems["total"], problems["new"], problems["open"], problems["fixed"]
    ]  # fmt: skip
    scored = [f for f in demo["findings"] if f["severity"] != "info"]
    assert problems["total"] == len(scored) > 0
    assert problems["total"] < len(demo["findings"])  # the demo's missing anchor is info only
    assert f"问题{problems['total']}个" in done.stderr


def test_fail_on_and_verbose(crawled: dict[str, Any]) -> None:
    """A second crawl of the same site: `--fail-on major` exits 1 (the demo has major broken
    links), `--fail-on veto` 0 (no veto); `-v` shows Scrapy's INFO; now the problems are open."""
    cmd = crawled["cmd"] + ["--site", "demo", "--fail-on", "major", "-v"]
    done = _run(cmd, crawled["cwd"])
    assert done.returncode == 1, done.stderr
    assert "scrapy.core.engine" not in done.stdout and "Spider opened" in done.stderr
    data = _export(crawled["cwd"], crawled["db_url"])
    demo = next(s for s in data["sites"] if s["site_id"] == "demo")
    assert demo["problems"]["new"] == 0 and demo["problems"]["open"] == demo["problems"]["total"]
    # One site crawled: its problems are listed under the table, each saying what it is (the
    # reason of a broken link, the column that is stale), as the report's headline does.
    assert "[重要] 打不开或错链：" in done.stdout
    assert "乡镇动态" in done.stdout and "征集调查" in done.stdout
    again = _run(crawled["cmd"] + ["--site", "demo", "--fail-on", "veto"], crawled["cwd"])
    assert again.returncode == 0, again.stderr


def test_scrapy_crawl_site_by_url_prints_the_same_summary(demo_server: Any, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'x.db'}"
    cmd = [
        sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={demo_server.url('/')}",
        "-a", "as_of=2026-11-28", "-s", f"INSPECTOR_DB_URL={db_url}", "--fail-on", "veto",
    ]  # fmt: skip
    for setting in SETTINGS:
        cmd += ["-s", setting]
    done = _run(cmd, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[scrapy" not in done.stdout + done.stderr and "Traceback" not in done.stderr
    site_id = "127.0.0.1"
    data = _export(tmp_path, db_url)
    [site] = data["sites"]
    row = _table_row(done.stdout, site_id)
    assert int(row[3]) == site["problems"]["total"] > 0
    assert "[重要] 打不开或错链" in done.stdout  # what was found, without a second command
    assert (tmp_path / "var" / "logs").is_dir()
