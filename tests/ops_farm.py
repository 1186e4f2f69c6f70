"""A local multi-site farm and helpers for the operations tests (nightly, crash safety, probe).

Each farm site is served by its own hostile test server process (tests/servers.py), so each has
its own port and therefore its own scope. Pages answer after a small delay so that a nightly run
takes a few seconds and can be killed in the middle of a crawl.

The `inspector.ops.commands` commands run in subprocesses (`python -m inspector.ops.commands …`): Scrapy's reactor
cannot be started twice in one process, and crash tests need a process to kill.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servers import ServerProcess

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-28"
# Short timeouts, small write batches (so that a kill leaves partial runs), quick progress lines.
FARM_SETTINGS = (
    "DOWNLOAD_TIMEOUT=3",
    "INSPECTOR_HOME_RETRIES=1",
    "INSPECTOR_BATCH_SIZE=10",
    "INSPECTOR_FLUSH_SECONDS=0.3",
    "INSPECTOR_SITE_CONCURRENCY=2",
    "INSPECTOR_PROGRESS_INTERVAL=0.5",
    "INSPECTOR_PROCESSES=2",  # the multi-process crawl, whatever the cores of the machine
    'INSPECTOR_CHECKS={"checks.availability.ClosedSiteOnline": 110}',
)


def site_pages(index: int, pages: int, delay: float, next_home: str) -> dict[str, Any]:
    """A small government-like site: a home page, `pages` articles, a few planted defects."""

    def page(body: str) -> dict[str, Any]:
        return {
            "body": f"<html><head><title>{index}</title></head><body>{body}</body></html>",
            "delay": delay,
        }

    home_links = "".join(
        f'<a href="{{{{SITE}}}}/p{j}.html">文章{j}</a>' for j in range(1, min(pages, 8) + 1)
    )
    spec: dict[str, Any] = {
        "/": page(
            f"<h1>站点{index}</h1>{home_links}"
            '<a href="{{SITE}}/missing-home.html">坏链</a>'
            f'<a href="{next_home}">兄弟站点</a>'
            '<a href="http://127.0.0.1:{{DEAD_PORT}}/gone">外链</a>'
            '<a href="mailto:office@example.gov.cn">信箱</a>'
        )
    }
    for j in range(1, pages + 1):
        links = [
            f'<a href="{{{{SITE}}}}/p{k}.html">p{k}</a>'
            for k in (j + 1, 2 * j, 3 * j)
            if k <= pages
        ]
        if j % 7 == 0:
            links.append(f'<a href="{{{{SITE}}}}/missing-{j}.html">缺失{j}</a>')
        if j % 5 == 0:
            links.append(f'<img src="{{{{SITE}}}}/img/{j}.png" alt="图{j}">')
        links.append('<a href="{{SITE}}/">首页</a>')
        spec[f"/p{j}.html"] = page(f"<p>发布时间：2026-11-{1 + j % 27:02d}</p>{''.join(links)}")
    return spec


@dataclass
class Farm:
    servers: list[ServerProcess] = field(default_factory=list)
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, url, kind, status

    def write_registry(self, path: Path) -> Path:
        lines = ["site_id,name,url,kind,status,organizer,site_code"]
        lines += [
            f"{sid},站点{sid},{url},{kind},{status},," for sid, url, kind, status in self.rows
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


@contextmanager
def farm(sizes: tuple[int, ...] = (6, 20, 45, 70), delay: float = 0.05) -> Iterator[Farm]:
    """Active sites of these sizes, plus a closed site still online, a closed site merged into
    the last active site, an exception site, and an active site that does not answer at all."""
    result = Farm()
    with ExitStack() as stack:
        for _ in sizes:
            result.servers.append(stack.enter_context(ServerProcess()))
        homes = [srv.site_url("s") for srv in result.servers]
        for i, (srv, pages) in enumerate(zip(result.servers, sizes, strict=True)):
            srv.add_site("s", site_pages(i, pages, delay, homes[(i + 1) % len(homes)]))
            result.rows.append(
                (f"site{chr(97 + i)}", homes[i], "portal" if i == 0 else "department", "active")
            )
        first = result.servers[0]
        first.add_site("oldsite", {"/": "<html><body>旧网站仍在运行</body></html>"})
        first.add_site(
            "merged", {"/": {"status": 301, "headers": {"Location": homes[-1]}, "body": ""}}
        )
        result.rows += [
            ("closedon", first.site_url("oldsite"), "department", "closed"),
            ("closedmerged", first.site_url("merged"), "department", "closed"),
            ("exempt", first.site_url("oldsite"), "department", "exception"),
            ("down", f"http://127.0.0.1:{first.dead_port}/", "department", "active"),
        ]
        yield result


def ops_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "inspector.ops.commands", *args]


def nightly_args(registry: Path, db_url: str, log_dir: Path, *extra: str) -> list[str]:
    args = [
        "nightly",
        "--registry",
        str(registry),
        "--db",
        db_url,
        "--as-of",
        AS_OF,
        "--log-dir",
        str(log_dir),
    ]
    args += ["--report-dir", str(log_dir.parent / "reports")]
    for option in FARM_SETTINGS:
        args += ["--set", option]
    return ops_command(*args, *extra)


def start(cmd: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def run(cmd: list[str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def wait_for(
    condition: Any, timeout: float, what: str, proc: subprocess.Popen[str] | None = None
) -> Any:
    """Poll `condition()` until it returns something true (a bounded wait, never a timing test)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process ended (exit {proc.returncode}) before {what}")
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def log_text(log_dir: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(log_dir.glob("*.log")))


VOLATILE = frozenset(
    {"run_id", "generated_at", "started_at", "finished_at", "probed_at", "elapsed_ms", "at"}
)


def normalized(value: Any) -> Any:
    """An export without what differs between two identical nights: ids and timestamps."""
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


def export(db_url: str) -> dict[str, Any]:
    from inspector.store.db import get_engine, session_factory
    from reports.export import export_data

    engine = get_engine(db_url)
    with session_factory(engine)() as s:
        data = export_data(s)
    engine.dispose()
    return json.loads(json.dumps(data, default=str))


def row_counts(db_url: str) -> dict[str, dict[str, int]]:
    """Rows per table of each site's latest run: duplicates would show up here."""
    from sqlalchemy import func, select

    from inspector.store.db import get_engine, session_factory
    from inspector.store.models import ColumnRow, FindingRow, LinkRow, PageRow, RunRow, TargetRow

    engine = get_engine(db_url)
    counts: dict[str, dict[str, int]] = {}
    with session_factory(engine)() as s:
        latest = select(func.max(RunRow.id)).group_by(RunRow.site_id).scalar_subquery()
        for run in s.scalars(select(RunRow).where(RunRow.id.in_(latest))):
            counts[run.site_id] = {
                model.__tablename__: s.scalar(
                    select(func.count()).select_from(model).where(model.run_id == run.id)
                )
                or 0
                for model in (PageRow, TargetRow, LinkRow, ColumnRow, FindingRow)
            }
    engine.dispose()
    return counts
