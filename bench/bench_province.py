"""A province's night, measured: many county sites crawled by `inspector nightly` on one machine.

    .venv/bin/python bench/bench_province.py                 # 300 sites of 100-3,000 pages + 3 large
    .venv/bin/python bench/bench_province.py --quick         # smoke run: 24 small sites, ~2 min
    .venv/bin/python bench/bench_province.py --runs nightly-1,nightly,workers-2 --sites 100

A script, not a test. It generates the sites (bench/sitegen.py: the county portal of
bench_crawl.py in a dozen sizes, one tree per size), serves them from one nginx on 127.0.0.1
under a host name per site (`s007-p1139.county.test`, resolved by INSPECTOR_STATIC_HOSTS), some
behind a latency proxy that holds every request for 50, 200 or 500 ms (a small server far away),
and runs the night with default politeness (INSPECTOR_SITE_CONCURRENCY 4, no delay):

- `nightly`: `inspector nightly` with its default crawler processes (one per core), SQLite;
- `nightly-1`: the same with `--processes 1` (the reference for the speed-up);
- `nightly-pg`: `inspector nightly` on PostgreSQL (the database's own CPU per URL is measured);
- `workers-2`: the distributed mode, `inspector enqueue` then two `inspector worker`s at once
  (PostgreSQL and Redis).

For each: wall time (and the crawl's part of it), sites/hour, pages, URLs/s, CPU per URL (all
processes of the run), the database server's CPU per URL (PostgreSQL runs), peak RSS (the run's
processes together, and the largest one), the machine's other load. Then the projection for a
province (3,000 sites, 15 M URLs by default): how many machines of this size finish it between
01:00 and 06:00, and what limits it. See bench/README.md and README's "Capacity".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import bench_crawl  # noqa: E402
import sitegen  # noqa: E402

AS_OF = "2025-11-28"  # the sites' dates are generated for this day
PG_ADMIN = os.environ.get("INSPECTOR_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
DEFAULT_LATENCY = "0:0.55,50:0.25,200:0.15,500:0.05"  # ms:share of the sites
SEED = 2015
WINDOW_S = 5 * 3600  # 01:00 to 06:00


# ---- the province ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedSite:
    site_id: str
    pages: int  # size class (pages of its generated tree)
    latency_ms: int

    @property
    def host(self) -> str:
        return f"{self.site_id}-p{self.pages}.county.test"


def size_classes(low: int, high: int) -> list[int]:
    """A geometric grid of site sizes (ratio ~1.4) from low to high."""
    n = max(1, round(math.log(high / low) / math.log(1.4)))
    return sorted({round(low * (high / low) ** (i / n)) for i in range(n + 1)})


def plan_province(args: argparse.Namespace) -> list[PlannedSite]:
    rng = random.Random(args.seed)
    grid = size_classes(args.min_pages, args.max_pages)
    mix = [(int(ms), float(share)) for ms, share in (p.split(":") for p in args.latency.split(","))]
    sites = []
    for i in range(args.sites):
        wanted = math.exp(rng.uniform(math.log(args.min_pages), math.log(args.max_pages)))
        pages = min(grid, key=lambda c: abs(math.log(c / wanted)))
        latency = rng.choices([ms for ms, _ in mix], [w for _, w in mix])[0]
        sites.append(PlannedSite(f"s{i:03d}", pages, latency))
    for j in range(args.large):
        # Large portals answer quickly or slowly like the others; the first is a local one.
        latency = 0 if j == 0 else rng.choices([ms for ms, _ in mix], [w for _, w in mix])[0]
        sites.append(PlannedSite(f"big{j}", args.large_pages, latency))
    return sites


def generate(classes: list[int], site_dir: Path, ports: tuple[int, int]) -> dict[int, dict]:
    """One generated tree per size class (reused when it matches); returns the manifests."""
    manifests = {}
    for pages in classes:
        out = site_dir / f"p{pages}"
        manifest = sitegen.load_manifest(out)
        if not (
            manifest
            and manifest["pages_wanted"] == pages
            and manifest["seed"] == SEED
            and (manifest["ext_port"], manifest["closed_port"]) == ports
        ):
            subprocess.run(
                [
                    sys.executable,
                    str(BENCH / "sitegen.py"),
                    "gen",
                    "--out",
                    str(out),
                    "--pages",
                    str(pages),
                    "--seed",
                    str(SEED),
                    "--ext-port",
                    str(ports[0]),
                    "--closed-port",
                    str(ports[1]),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            manifest = sitegen.load_manifest(out)
        manifests[pages] = manifest
    return manifests


def site_ports(site_dir: Path) -> tuple[int, int]:
    """The external and closed ports the generated trees link to (kept with them for reuse)."""
    saved = site_dir / "ports.json"
    try:
        ext, closed = json.loads(saved.read_text())
        if bench_crawl.port_free(ext) and bench_crawl.port_free(closed):
            return ext, closed
    except (OSError, ValueError):
        pass
    ext, closed = bench_crawl.free_port(), bench_crawl.free_port()
    while closed == ext:
        closed = bench_crawl.free_port()
    site_dir.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps([ext, closed]))
    return ext, closed


NGINX_CONF = """{user}worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log crit;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    log_not_found off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    server_names_hash_bucket_size 128;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{
{types}
    }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        server_name ~^[a-z]+\\d+-p(?<pages>\\d+)\\.county\\.test$;
        root {sites}/p$pages/www;
        index index.html;
        location ^~ {html_prefix} {{ types {{ }} default_type text/html; }}
    }}
    server {{
        listen 127.0.0.1:{ext_port};
        root {sites}/p{any_class}/ext;
        index index.html;
    }}
}}
"""


class Farm:
    """nginx for every site, and one latency proxy per latency class in front of it."""

    def __init__(self, site_dir: Path, workdir: Path, ext_port: int, latencies: set[int]) -> None:
        self.site_dir, self.workdir, self.ext_port = site_dir, workdir, ext_port
        self.port = bench_crawl.free_port()
        self.proxy_ports = {ms: bench_crawl.free_port() for ms in sorted(latencies) if ms}
        self.procs: list[subprocess.Popen] = []
        self.nginx = bench_crawl.find_nginx()
        if not self.nginx:
            raise SystemExit("nginx not found (apt-get install nginx-light): it serves the sites")

    def url_port(self, latency_ms: int) -> int:
        return self.proxy_ports.get(latency_ms, self.port)

    def start(self, any_class: int) -> None:
        tmp = self.workdir / "nginx"
        tmp.mkdir(exist_ok=True)
        types = "\n".join(
            f"        {ctype} {ext.lstrip('.')};" for ext, ctype in sitegen.CONTENT_TYPES.items()
        )
        conf = NGINX_CONF.format(
            user="user root;\n" if os.geteuid() == 0 else "",
            tmp=tmp,
            types=types,
            port=self.port,
            ext_port=self.ext_port,
            sites=self.site_dir.resolve(),
            any_class=any_class,
            html_prefix=sitegen.HTML_ATTACHMENT_PREFIX,
        )
        (tmp / "nginx.conf").write_text(conf)
        self._spawn(
            [
                self.nginx,
                "-p",
                str(tmp),
                "-c",
                str(tmp / "nginx.conf"),
                "-e",
                str(tmp / "error.log"),
            ],
            "nginx",
        )
        bench_crawl.wait_listening(
            [self.port, self.ext_port], self.procs[-1], "nginx", self.workdir / "nginx.log"
        )
        for ms, port in self.proxy_ports.items():
            self._spawn(
                [
                    sys.executable,
                    __file__,
                    "proxy",
                    "--listen",
                    str(port),
                    "--to",
                    str(self.port),
                    "--delay-ms",
                    str(ms),
                ],
                f"proxy-{ms}",
            )
            bench_crawl.wait_listening(
                [port], self.procs[-1], "proxy", self.workdir / f"proxy-{ms}.log"
            )

    def _spawn(self, cmd: list[str], name: str) -> None:
        with open(self.workdir / f"{name}.log", "wb") as log:
            self.procs.append(
                subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            )

    def cpu_s(self) -> float:
        return sum(bench_crawl.tree_cpu_s(p.pid) for p in self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    bench_crawl._signal_group(proc.pid, signal.SIGKILL)
                    proc.wait()


# ---- the latency proxy (a subcommand: `bench_province.py proxy …`) -------------------------------


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        while data := await reader.read(65536):
            if delay:
                await asyncio.sleep(delay)  # the server "thinks" before each request
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def _proxy(listen: int, to: int, delay: float) -> None:
    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", to)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, server_w, delay), _pipe(server_r, client_w, 0.0))

    server = await asyncio.start_server(handle, "127.0.0.1", listen, backlog=1024)
    async with server:
        await server.serve_forever()


def proxy_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_province.py proxy")
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--to", type=int, required=True)
    parser.add_argument("--delay-ms", type=int, required=True)
    args = parser.parse_args(argv)
    asyncio.run(_proxy(args.listen, args.to, args.delay_ms / 1000))
    return 0


# ---- measuring a run ------------------------------------------------------------------------------


@dataclass
class Usage:
    """What the run's processes used, sampled from /proc every 0.2 s (and rusage at the end)."""

    wall_s: float = 0.0
    cpu_s: float = 0.0  # every process of the run (rusage of each command's tree)
    crawler_cpu_s: float = 0.0  # the crawler processes (spawned children; workers)
    db_cpu_s: float = 0.0  # PostgreSQL backends serving this run's database
    peak_rss_mb: float = 0.0  # all processes of the run together
    peak_process_mb: float = 0.0  # the largest one
    other_cpu_s: float = 0.0  # the rest of the machine (other sessions' tests…)
    server_cpu_s: float = 0.0  # nginx and the latency proxies
    codes: list[int] = field(default_factory=list)


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _pg_backends(db_name: str) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and f" {db_name} " in _cmdline(int(entry)) + " ":
            pids.append(int(entry))
    return pids


def run_commands(
    cmds: list[list[str]], workdir: Path, name: str, farm: Farm, db_name: str | None, env: dict
) -> Usage:
    """Start the commands at once, sample their trees until all end; every figure in Usage."""
    usage = Usage()
    busy0, server0, self0 = bench_crawl.machine_busy_s(), farm.cpu_s(), bench_crawl._self_cpu_s()
    last: dict[int, tuple[float, bool]] = {}  # pid -> (CPU s, is a crawler process)
    db_cpu: dict[int, float] = {}
    procs, logs = [], []
    t0 = time.perf_counter()
    for i, cmd in enumerate(cmds):
        log = open(workdir / f"{name}-{i}.log", "wb")  # noqa: SIM115 - closed below
        logs.append(log)
        procs.append(
            subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
    rusage_cpu = 0.0
    pending = {p.pid: p for p in procs}
    while pending:
        for pid, proc in list(pending.items()):
            done, status, ru = os.wait4(pid, os.WNOHANG)
            if done:
                proc.returncode = os.waitstatus_to_exitcode(status)
                rusage_cpu += ru.ru_utime + ru.ru_stime
                del pending[pid]
        total_kb = 0
        for proc in pending.values():
            for p in bench_crawl._tree(proc.pid):
                sample = bench_crawl._proc_sample(p)
                if sample is None:
                    continue
                total_kb += sample[2]
                usage.peak_process_mb = max(usage.peak_process_mb, sample[1] / 1024)
                crawler = "spawn_main" in _cmdline(p) or " worker " in _cmdline(p) + " "
                last[p] = (sample[3] + sample[4], crawler)
        usage.peak_rss_mb = max(usage.peak_rss_mb, total_kb / 1024)
        if db_name:
            for p in _pg_backends(db_name):
                sample = bench_crawl._proc_sample(p)
                if sample:
                    db_cpu[p] = sample[3] + sample[4]
        time.sleep(0.2)
    usage.wall_s = time.perf_counter() - t0
    for log in logs:
        log.close()
    usage.codes = [p.returncode for p in procs]
    usage.cpu_s = rusage_cpu
    usage.crawler_cpu_s = sum(cpu for cpu, crawler in last.values() if crawler)
    usage.db_cpu_s = sum(db_cpu.values())
    usage.server_cpu_s = farm.cpu_s() - server0
    usage.other_cpu_s = max(
        0.0,
        bench_crawl.machine_busy_s()
        - busy0
        - usage.server_cpu_s
        - usage.cpu_s
        - usage.db_cpu_s
        - (bench_crawl._self_cpu_s() - self0),
    )
    return usage


# ---- databases ----------------------------------------------------------------------------------


def fresh_pg() -> str:
    import psycopg

    name = f"inspector_province_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_pg(url: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def stored(db_url: str) -> dict[str, Any]:
    """Runs by status, pages, URLs, link rows; each site's crawl time and URLs."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as c:
        statuses = dict(c.execute(text("SELECT status, count(*) FROM run GROUP BY status")).all())
        pages = c.execute(text("SELECT count(*) FROM page")).scalar() or 0
        urls = c.execute(text("SELECT count(*) FROM target")).scalar() or 0
        links = c.execute(text("SELECT count(*) FROM link")).scalar() or 0
        rows = c.execute(
            text(
                "SELECT site_id, started_at, finished_at, targets_checked FROM run "
                "WHERE status IN ('finished', 'unreachable')"
            )
        ).all()
    engine.dispose()
    sites = {}
    for site_id, started, finished, targets in rows:
        if isinstance(started, str):  # SQLite through text(): ISO strings
            from datetime import datetime

            started, finished = datetime.fromisoformat(started), datetime.fromisoformat(finished)
        sites[site_id] = {"seconds": (finished - started).total_seconds(), "urls": targets}
    return {"statuses": statuses, "pages": pages, "urls": urls, "links": links, "sites": sites}


def crawl_window(log_dir: Path) -> float | None:
    """Seconds from "crawling N sites" to "crawl stopped" in the nightly's log."""
    stamps = {}
    for path in log_dir.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            for key, marker in (
                ("start", "inspector.nightly: crawling "),
                ("stop", "crawl stopped"),
            ):
                if marker in line and key not in stamps:
                    stamps[key] = time.mktime(time.strptime(line[:19], "%Y-%m-%d %H:%M:%S"))
    if "start" in stamps and "stop" in stamps:
        return stamps["stop"] - stamps["start"]
    return None


# ---- the runs -----------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    description: str
    usage: Usage
    db: dict[str, Any]
    crawl_s: float | None
    active_sites: int

    @property
    def urls(self) -> int:
        return int(self.db["urls"])

    @property
    def crawl_wall(self) -> float:
        return self.crawl_s or self.usage.wall_s

    def row(self) -> dict[str, Any]:
        u, done = self.usage, self.db["statuses"]
        sites_done = done.get("finished", 0) + done.get("unreachable", 0)
        return {
            "run": self.name,
            "sites done": f"{sites_done}/{self.active_sites}",
            "pages": self.db["pages"],
            "URLs": self.urls,
            "wall s": round(u.wall_s, 1),
            "crawl s": round(self.crawl_wall, 1),
            "sites/h": round(sites_done / self.crawl_wall * 3600),
            "URLs/s": round(self.urls / self.crawl_wall, 1),
            "CPU ms/URL": round(u.cpu_s * 1000 / max(1, self.urls), 2),
            "DB ms/URL": round(u.db_cpu_s * 1000 / max(1, self.urls), 3) if u.db_cpu_s else "-",
            "CPU use": f"{u.cpu_s / u.wall_s / os.cpu_count() * 100:.0f}%",
            "peak RSS MB": f"{u.peak_rss_mb:.0f} ({u.peak_process_mb:.0f})",
            "others": f"{u.other_cpu_s / u.wall_s * 100:.0f}%",
            "exit": ",".join(map(str, u.codes)),
        }


def run_nightly(name: str, processes: int | None, db_url: str, ctx: dict[str, Any]) -> Result:
    work = ctx["workdir"] / name
    work.mkdir()
    cmd = [
        sys.executable,
        "-m",
        "inspector.cli",
        "nightly",
        "--registry",
        str(ctx["registry"]),
        "--db",
        db_url,
        "--as-of",
        AS_OF,
        "--log-dir",
        str(work / "logs"),
        "--report-dir",
        str(work / "reports"),
        *ctx["common"],
    ]
    if processes is not None:
        cmd += ["--processes", str(processes)]
    db_name = db_url.rsplit("/", 1)[1] if db_url.startswith("postgresql") else None
    usage = run_commands([cmd], work, "nightly", ctx["farm"], db_name, ctx["env"])
    return Result(
        name,
        f"inspector nightly{'' if processes is None else f' --processes {processes}'}"
        f" ({'PostgreSQL' if db_name else 'SQLite'})",
        usage,
        stored(db_url),
        crawl_window(work / "logs"),
        ctx["active"],
    )


def run_workers(name: str, workers: int, ctx: dict[str, Any]) -> Result:
    work = ctx["workdir"] / name
    work.mkdir()
    db = fresh_pg()
    key = f"inspector-province:{uuid.uuid4().hex[:8]}"
    queue = ["--redis", REDIS_URL, "--set", f"REDIS_START_URLS_KEY={key}"]
    cli = [sys.executable, "-m", "inspector.cli"]
    try:
        t0 = time.perf_counter()
        subprocess.run(
            [
                *cli,
                "enqueue",
                "--registry",
                str(ctx["registry"]),
                "--db",
                db,
                "--batch",
                "province",
                "--as-of",
                AS_OF,
                *queue,
                *ctx["common"],
            ],
            cwd=work,
            check=True,
            capture_output=True,
            env=ctx["env"],
        )
        enqueue_s = time.perf_counter() - t0
        worker = [
            *cli,
            "worker",
            "--db",
            db,
            "--batch",
            "province",
            "--as-of",
            AS_OF,
            *queue,
            *ctx["common"],
            "--set",
            "MAX_IDLE_TIME_BEFORE_CLOSE=2",
        ]
        usage = run_commands(
            [worker] * workers, work, "worker", ctx["farm"], db.rsplit("/", 1)[1], ctx["env"]
        )
        usage.wall_s += enqueue_s
        return Result(
            name,
            f"inspector enqueue + {workers} x inspector worker (PostgreSQL, Redis)",
            usage,
            stored(db),
            usage.wall_s - enqueue_s,
            ctx["active"],
        )
    finally:
        drop_pg(db)


# ---- the projection -----------------------------------------------------------------------------


def projection(
    results: list[Result], args: argparse.Namespace, plan: list[PlannedSite]
) -> list[str]:
    """How many machines of this size crawl the province in the window, and what limits it.

    The crawlers scale out (add machines); the largest site's politeness and the one shared
    database do not: the limiting factor is whichever of those two runs out first, else the
    crawlers' CPU.
    """
    cores = os.cpu_count() or 1
    main = next((r for r in results if r.name == "nightly"), results[0])
    pg = next((r for r in results if r.usage.db_cpu_s), None)
    urls = args.province_urls
    cpu_per_url = main.usage.cpu_s / max(1, main.urls)
    machines_cpu = urls * cpu_per_url / (cores * WINDOW_S * 0.9)
    use = main.usage.cpu_s / main.usage.wall_s / cores
    pace = main.urls / main.usage.wall_s
    lines = [
        f"province: {args.province_sites:,} sites, {urls:,} URLs ({urls / args.province_sites:,.0f}"
        f" a site), window 01:00-06:00 ({WINDOW_S:,} s); this machine: {cores} cores",
        f"- crawlers: {cpu_per_url * 1000:.2f} ms CPU per URL ({main.name}: every process, checks "
        f"and reports included) -> {urls * cpu_per_url / 3600:,.1f} core-hours -> "
        f"{machines_cpu:.2f} machines of {cores} cores busy for 90% of the window",
        f"  measured pace here: {pace:,.0f} URLs/s with the machine {use * 100:.0f}% busy with it"
        + (" (not CPU-bound: latency, politeness or other load held it back)" if use < 0.7 else ""),
    ]
    big_urls = int(args.largest_pages * 1.16)
    concurrency = 4
    rate = concurrency / (args.largest_latency_ms / 1000)
    big_share = big_urls / rate / WINDOW_S
    lines.append(
        f"- politeness: the largest site ({args.largest_pages:,} pages, ~{big_urls:,} URLs) at "
        f"{concurrency} requests at once and {args.largest_latency_ms} ms a request: {rate:.0f} "
        f"URLs/s -> {big_urls / rate / 60:.0f} min, {big_share * 100:.0f}% of the window (largest "
        "sites start first)"
    )
    for s in plan:
        seen = main.db["sites"].get(s.site_id) if s.site_id.startswith("big") else None
        if seen and seen["seconds"] > 0:
            lines.append(
                f"  measured here: {s.site_id} ({seen['urls']:,} URLs, {s.latency_ms} ms) took "
                f"{seen['seconds']:.0f} s ({seen['urls'] / seen['seconds']:.0f} URLs/s beside the "
                "other sites)"
            )
    db_share = None
    if pg is not None:
        db_per_url = pg.usage.db_cpu_s / max(1, pg.urls)
        db_cores = urls * db_per_url / WINDOW_S
        db_share = db_cores / cores
        links_per_url = pg.db["links"] / max(1, pg.urls)
        lines.append(
            f"- database: PostgreSQL {db_per_url * 1000:.3f} ms CPU per URL ({pg.name}; "
            f"{links_per_url:.0f} link rows per URL, {urls * links_per_url / 1e6:,.0f} M a night) "
            f"-> {db_cores:.2f} cores busy for the window: {db_share * 100:.0f}% of a machine of "
            "this size"
        )
    machines = max(1, math.ceil(machines_cpu))
    if big_share >= 1:
        limit = "politeness of the largest site (it cannot finish in the window)"
    elif db_share is not None and db_share >= 1:
        limit = "the database (one server of this size cannot keep up)"
    else:
        limit = "the crawlers' CPU (more machines finish sooner)"
    lines.append(
        f"=> {machines} machine{'s' if machines > 1 else ''} of this size (crawler processes = "
        f"cores) and one PostgreSQL; limiting factor: {limit}"
    )
    return lines


# ---- main ---------------------------------------------------------------------------------------


def print_table(rows: list[dict[str, Any]]) -> None:
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in keys}
    print("  ".join(k.rjust(widths[k]) if i else k.ljust(widths[k]) for i, k in enumerate(keys)))
    for r in rows:
        print(
            "  ".join(
                str(r[k]).rjust(widths[k]) if i else str(r[k]).ljust(widths[k])
                for i, k in enumerate(keys)
            )
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smoke run: 24 small sites, 1 large")
    p.add_argument("--sites", type=int, default=300)
    p.add_argument("--min-pages", type=int, default=100)
    p.add_argument("--max-pages", type=int, default=3000)
    p.add_argument("--large", type=int, default=3, help="large sites besides")
    p.add_argument("--large-pages", type=int, default=20000)
    p.add_argument("--latency", default=DEFAULT_LATENCY, help="ms:share,... of the sites")
    p.add_argument(
        "--runs",
        default="nightly-1,nightly,nightly-pg,workers-2",
        help="nightly (default processes), nightly-N, nightly-pg, workers-N",
    )
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--site-dir", type=Path, default=None, help="generated trees (reused)")
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--province-sites", type=int, default=3000)
    p.add_argument("--province-urls", type=int, default=15_000_000)
    p.add_argument("--largest-pages", type=int, default=50_000, help="the province's largest site")
    p.add_argument("--largest-latency-ms", type=int, default=200)
    p.add_argument("--keep", action="store_true", help="keep the work dir")
    args = p.parse_args(argv)
    if args.quick:
        args.sites, args.min_pages, args.max_pages = 24, 50, 400
        args.large, args.large_pages = 1, 2000
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["proxy"]:
        return proxy_main(argv[1:])
    args = parse_args(argv)
    plan = plan_province(args)
    classes = sorted({s.pages for s in plan})
    site_dir = args.site_dir or BENCH / "out" / "province-sites"
    ports = site_ports(site_dir)
    t0 = time.perf_counter()
    manifests = generate(classes, site_dir, ports)
    print(
        f"sites: {len(plan)} ({args.sites} of {args.min_pages}-{args.max_pages} pages, "
        f"{args.large} of {args.large_pages}), {len(classes)} size classes in {site_dir} "
        f"({time.perf_counter() - t0:.0f} s)"
    )
    workdir = Path(tempfile.mkdtemp(prefix="bench-province-"))
    farm = Farm(site_dir, workdir, ports[0], {s.latency_ms for s in plan})
    farm.start(classes[0])
    expected = {s.site_id: manifests[s.pages]["urls"] for s in plan}
    latency = {
        ms: sum(1 for s in plan if s.latency_ms == ms)
        for ms in sorted({s.latency_ms for s in plan})
    }
    print(
        f"server: nginx (2 workers) on 127.0.0.1:{farm.port}; latency proxies {latency} "
        f"(ms: sites); {sum(expected.values()):,} URLs to fetch"
    )
    registry = workdir / "province.csv"
    registry.write_text(
        "site_id,name,url,kind,status,organizer,site_code\n"
        + "".join(
            f"{s.site_id},县政府{s.site_id},http://{s.host}:{farm.url_port(s.latency_ms)}/,portal,active,,\n"
            for s in plan
        ),
        encoding="utf-8",
    )
    hosts = {s.host: "127.0.0.1" for s in plan}
    common = [
        "--set",
        "INSPECTOR_STATIC_HOSTS=" + json.dumps(hosts),
        "--set",
        "LOG_LEVEL=INFO",
        "--set",
        "INSPECTOR_PROGRESS_INTERVAL=30",
    ]
    for option in args.settings:
        common += ["--set", option]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    ctx = {
        "workdir": workdir,
        "registry": registry,
        "common": common,
        "farm": farm,
        "env": env,
        "active": len(plan),
    }
    results: list[Result] = []
    try:
        for name in args.runs.split(","):
            print(f"\nrun {name} ...", flush=True)
            if name == "nightly":
                r = run_nightly(name, None, f"sqlite:///{workdir / name}.db", ctx)
            elif m := re.fullmatch(r"nightly-(\d+)", name):
                r = run_nightly(name, int(m.group(1)), f"sqlite:///{workdir / name}.db", ctx)
            elif name == "nightly-pg":
                db = fresh_pg()
                try:
                    r = run_nightly(name, None, db, ctx)
                finally:
                    drop_pg(db)
            elif m := re.fullmatch(r"workers-(\d+)", name):
                r = run_workers(name, int(m.group(1)), ctx)
            else:
                raise SystemExit(f"unknown run {name!r}")
            results.append(r)
            print(f"  {r.description}: {json.dumps(r.row(), ensure_ascii=False)}", flush=True)
    finally:
        farm.stop()
    print(
        f"\n{len(plan)} sites, {sum(expected.values()):,} URLs to fetch; machine: "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; 'others' = CPU the rest of "
        "the machine used meanwhile, in % of one core"
    )
    print_table([r.row() for r in results])
    print()
    for line in projection(results, args, plan):
        print(line)
    OUT.mkdir(exist_ok=True)
    out = OUT / f"province-{len(plan)}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "args": {k: str(v) for k, v in vars(args).items()},
                "results": [
                    {
                        "name": r.name,
                        "description": r.description,
                        "usage": asdict(r.usage),
                        "stored": {k: v for k, v in r.db.items() if k != "sites"},
                        "crawl_s": r.crawl_s,
                        "row": r.row(),
                    }
                    for r in results
                ],
                "projection": projection(results, args, plan),
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    print(f"\nfigures: {out}; work dir {workdir}{'' if args.keep else ' (removed)'}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
