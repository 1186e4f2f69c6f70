"""Crawl benchmark: a synthetic county portal served by nginx, crawled by `inspector crawl`.

    .venv/bin/python bench/bench_crawl.py                      # 20,000 pages, concurrency 16
    .venv/bin/python bench/bench_crawl.py --pages 2000 --vs-linkchecker
    .venv/bin/python bench/bench_crawl.py --profile            # py-spy, profile under bench/out/

A script, not a test (`make bench`). It generates the site (bench/sitegen.py), serves it on
127.0.0.1 with nginx when /usr/sbin/nginx (or nginx on PATH) exists, else with a threaded Python
server, runs `inspector crawl` on it in a subprocess with everything on (extraction, storage,
checks) and a fresh SQLite database, and prints: pages, URLs fetched, wall time, pages/s, URLs/s,
CPU ms per fetched URL (user+sys of the crawler process and its reader processes), peak RSS
(the process tree's, summed), and recall/precision of the
broken_link findings against the planted broken targets. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
LC_VENV = BENCH / ".venv-linkchecker"
if str(BENCH) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(BENCH))

import sitegen  # noqa: E402

# The targets for the 20,000-page site at concurrency 16 (goals in brackets).
TARGET_WALL_S = 90.0  # (40)
TARGET_CPU_MS = 4.0  # (2)
TARGET_RSS_MB = 300.0
TARGET_RECALL = TARGET_PRECISION = 0.97
SITE_ID = "bench"
SAMPLE_EVERY = 0.2


# ---- processes --------------------------------------------------------------------------------


@dataclass
class Measured:
    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_mb: float
    returncode: int | None
    timed_out: bool
    # CPU used meanwhile by other processes of the machine (not the measured one, the server or
    # this script): another job on a 2-core machine makes every figure noisy.
    background_cpu_s: float = 0.0
    server_cpu_s: float = 0.0
    rss_timeline: list[tuple[float, float]] = field(default_factory=list)  # (s, MB) every 0.2 s

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


_TICK = os.sysconf("SC_CLK_TCK")


def _proc_sample(pid: int) -> tuple[str, int, int, float, float] | None:
    """(command, VmHWM kB, VmRSS kB, user s, system s) of one process, from /proc."""
    try:
        with open(f"/proc/{pid}/status") as f:
            status = f.read()
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    comm = re.search(r"^Name:\s+(.*)$", status, re.M)
    hwm = re.search(r"^VmHWM:\s+(\d+)", status, re.M)
    rss = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
    fields = stat.rpartition(")")[2].split()  # after "pid (comm)": state is field 3
    return (
        comm.group(1) if comm else "",
        int(hwm.group(1)) if hwm else 0,
        int(rss.group(1)) if rss else 0,
        int(fields[11]) / _TICK,
        int(fields[12]) / _TICK,
    )


def machine_busy_s() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: all but idle and iowait)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / _TICK


def tree_cpu_s(pid: int | None) -> float:
    if pid is None:
        return 0.0
    return sum(s[3] + s[4] for p in _tree(pid) if (s := _proc_sample(p)))


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += _children(p)
    return pids


def run_measured(
    cmd: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    stdout: Path,
    stderr: Path,
    tick: Any = None,
    skip_rss: tuple[str, ...] = (),
    server_pid: int | None = None,
) -> Measured:
    """Run cmd, sampling its tree's RSS every 0.2 s (summed over its processes: a crawl with
    reader processes uses all of theirs); CPU is the child's rusage (wait4: with every
    descendant it waited for, which a crawl's reader processes are).

    Processes whose name starts with one of `skip_rss` (py-spy) are left out of RSS and CPU.
    On timeout the process group gets SIGINT (LinkChecker then reports what it checked), and
    SIGKILL 30 s later.
    """
    busy0, server0, self0 = machine_busy_s(), tree_cpu_s(server_pid), _self_cpu_s()
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True
        )
        peak_kb, timed_out, interrupted_at, next_tick = 0, False, 0.0, t0 + 10
        cpu: dict[int, tuple[float, float]] = {}  # measured processes (not py-spy): last user, sys
        timeline: list[tuple[float, float]] = []
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            rss_kb = 0
            for p in _tree(proc.pid):
                sample = _proc_sample(p)
                if sample is None or sample[0].startswith(skip_rss or ("\0",)):
                    continue
                # The tree's memory, summed: a crawl with reader processes uses all of theirs.
                peak_kb, rss_kb = max(peak_kb, sample[1]), rss_kb + sample[2]
                cpu[p] = sample[3], sample[4]
            peak_kb = max(peak_kb, rss_kb)
            now = time.perf_counter()
            timeline.append((round(now - t0, 1), round(rss_kb / 1024, 1)))
            if tick is not None and now >= next_tick:
                tick(now - t0, rss_kb / 1024)
                next_tick += 10
            if timeout and now - t0 > timeout and not timed_out:
                timed_out, interrupted_at = True, now
                _signal_group(proc.pid, signal.SIGINT)
            elif timed_out and now - interrupted_at > 30:
                _signal_group(proc.pid, signal.SIGKILL)
            time.sleep(SAMPLE_EVERY)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    server = tree_cpu_s(server_pid) - server0
    others = machine_busy_s() - busy0 - server - (_self_cpu_s() - self0) - ru.ru_utime - ru.ru_stime
    user, system = ru.ru_utime, ru.ru_stime  # the child and its descendants, exact
    if skip_rss:
        # Profiling: count the crawler's CPU only, not py-spy's (last /proc sample, <= 0.2 s old).
        user, system = sum(u for u, _ in cpu.values()), sum(s for _, s in cpu.values())
    elif ru.ru_maxrss > _self_hwm_kb():
        # The exact peak, unless it is this script's own memory inherited at fork (see above).
        peak_kb = max(peak_kb, ru.ru_maxrss)
    return Measured(
        wall,
        user,
        system,
        peak_kb / 1024,
        proc.returncode,
        timed_out,
        max(0.0, others),
        server,
        timeline,
    )


def _self_hwm_kb() -> int:
    sample = _proc_sample(os.getpid())
    return sample[1] if sample else 0


def _self_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx: TIME_WAIT is no owner
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_listening(ports: list[int], proc: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 15
    for port in ports:
        while True:
            if proc.poll() is not None:
                raise SystemExit(
                    f"{what} exited ({proc.returncode}): {log.read_text(errors='replace')[-2000:]}"
                )
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{what} does not listen on {port}") from None
                time.sleep(0.05)


# ---- the site and its server ------------------------------------------------------------------


def prepare_site(site_dir: Path, pages: int, seed: int) -> dict[str, Any]:
    """Reuse a generated site when it matches (and its ports are free), else generate it."""
    manifest = sitegen.load_manifest(site_dir)
    if (
        manifest
        and manifest["pages_wanted"] == pages
        and manifest["seed"] == seed
        and port_free(manifest["ext_port"])
        and port_free(manifest["closed_port"])
    ):
        print(f"site: reusing {site_dir}")
        return manifest
    t0 = time.perf_counter()
    ext_port, closed_port = free_port(), free_port()
    while closed_port == ext_port:
        closed_port = free_port()
    # In a child process: generating holds the whole site in memory, and a crawler forked from
    # a big parent would inherit that in its ru_maxrss (Linux keeps it across exec).
    subprocess.run(
        [
            sys.executable,
            str(BENCH / "sitegen.py"),
            "gen",
            "--out",
            str(site_dir),
            "--pages",
            str(pages),
            "--seed",
            str(seed),
            "--ext-port",
            str(ext_port),
            "--closed-port",
            str(closed_port),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"site: generated {site_dir} in {time.perf_counter() - t0:.1f} s")
    manifest = sitegen.load_manifest(site_dir)
    assert manifest is not None
    return manifest


def find_nginx() -> str | None:
    for candidate in ("/usr/sbin/nginx", shutil.which("nginx")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


NGINX_CONF = """{user}worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log crit;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    log_not_found off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{
{types}
    }}
    default_type application/octet-stream;
    # LinkChecker lifts its per-host rate cap (maxrequestspersecond > 10) only for servers
    # that send this header: without it the comparison would measure its politeness.
    add_header LinkChecker allowed always;
    server {{
        listen 127.0.0.1:{port};
        root {site}/www;
        index index.html;
        location ^~ {html_prefix} {{ types {{ }} default_type text/html; }}
    }}
    server {{
        listen 127.0.0.1:{ext_port};
        root {site}/ext;
        index index.html;
    }}
}}
"""


class Server:
    def __init__(self, site_dir: Path, workdir: Path, port: int, ext_port: int, kind: str) -> None:
        self.site_dir, self.workdir, self.port, self.ext_port = site_dir, workdir, port, ext_port
        nginx = find_nginx() if kind in ("auto", "nginx") else None
        if kind == "nginx" and not nginx:
            raise SystemExit("--server nginx: nginx not found")
        self.nginx, self.kind = nginx, kind
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def description(self) -> str:
        if self.nginx:
            return f"nginx ({self.nginx}, 2 workers, sendfile, access_log off)"
        why = "--server python" if self.kind == "python" else "nginx not found"
        return f"threaded Python server (http.server.ThreadingHTTPServer; {why})"

    def start(self) -> None:
        log = self.workdir / "server.log"
        if self.nginx:
            tmp = self.workdir / "nginx"
            tmp.mkdir(exist_ok=True)
            types = "\n".join(
                f"        {ctype} {ext.lstrip('.')};"
                for ext, ctype in sitegen.CONTENT_TYPES.items()
            )
            conf = NGINX_CONF.format(
                user="user root;\n" if os.geteuid() == 0 else "",
                tmp=tmp,
                types=types,
                port=self.port,
                ext_port=self.ext_port,
                site=self.site_dir.resolve(),
                html_prefix=sitegen.HTML_ATTACHMENT_PREFIX,
            )
            (tmp / "nginx.conf").write_text(conf)
            cmd = [
                self.nginx,
                "-p",
                str(tmp),
                "-c",
                str(tmp / "nginx.conf"),
                "-e",
                str(tmp / "error.log"),
            ]
        else:
            cmd = [
                sys.executable,
                str(BENCH / "sitegen.py"),
                "serve",
                str(self.site_dir),
                "--port",
                str(self.port),
                "--ext-port",
                str(self.ext_port),
            ]
        with open(log, "wb") as f:
            self.proc = subprocess.Popen(
                cmd, stdout=f, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_listening([self.port, self.ext_port], self.proc, "server", log)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # nginx: fast shutdown of master and workers
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


# ---- results ------------------------------------------------------------------------------------


@dataclass
class Row:
    tool: str
    pages: int | None
    urls: int
    measured: Measured
    recall: float | None = None
    precision: float | None = None
    finished: bool = True
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def cpu_ms_per_url(self) -> float:
        return self.measured.cpu_s * 1000 / max(1, self.urls)


def absolute(base: str, url: str) -> str:
    return url if url.startswith("http") else base + url


def score(found: set[str], planted: set[str]) -> tuple[float, float]:
    hit = len(found & planted)
    recall = hit / len(planted) if planted else 1.0
    precision = hit / len(found) if found else (1.0 if not planted else 0.0)
    return recall, precision


def per_category(manifest: dict[str, Any], base: str, found: set[str]) -> dict[str, str]:
    total: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    for p in manifest["planted"]:
        total[p["category"]] += 1
        hit[p["category"]] += absolute(base, p["url"]) in found
    return {c: f"{hit[c]}/{total[c]}" for c in total}


def _read_db(db: Path) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
    """Run rows, counts, broken_link findings by URL, and every target URL of the database."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        runs = [
            dict(
                zip(
                    ("id", "status", "pages", "targets", "verdict", "finish_reason"), r, strict=True
                )
            )
            for r in con.execute(
                "SELECT id, status, pages_crawled, targets_checked, verdict, finish_reason FROM run"
            )
        ]
        findings = {
            url: json.loads(detail)
            for url, detail in con.execute(
                'SELECT url, detail FROM finding WHERE "check" = ?', ("broken_link",)
            )
        }
        target_urls = {u for (u,) in con.execute("SELECT url FROM target")}
        data = {
            "runs": runs,
            "pages": one("SELECT count(*) FROM page"),
            "targets": len(target_urls),
            "links": one("SELECT count(*) FROM link"),
            "target_reasons": dict(
                con.execute("SELECT reason, count(*) FROM target GROUP BY 1 ORDER BY 2 DESC")
            ),
            "findings_by_check": dict(
                con.execute('SELECT "check", count(*) FROM finding GROUP BY 1')
            ),
        }
    finally:
        con.close()
    return data, findings, target_urls


def read_inspector_db(db: Path, manifest: dict[str, Any], base: str) -> dict[str, Any]:
    try:
        data, findings, target_urls = _read_db(db)
    except sqlite3.Error as exc:  # the crawl died before writing anything
        print(f"cannot read {db}: {exc}")
        data, findings, target_urls = (
            {
                "runs": [],
                "pages": 0,
                "targets": 0,
                "links": 0,
                "target_reasons": {},
                "findings_by_check": {},
            },
            {},
            set(),
        )
    planted = {absolute(base, p["url"]): p for p in manifest["planted"]}
    found = set(findings)
    data["recall"], data["precision"] = score(found, set(planted))
    data["per_category"] = per_category(manifest, base, found)
    data["missed"] = sorted(set(planted) - found)[:20]
    data["false_positives"] = [
        (u, findings[u].get("reason"), findings[u].get("note", "")[:80])
        for u in sorted(found - set(planted))[:20]
    ]
    data["wrong_reason"] = [
        (u, p["expected_reason"], findings[u].get("reason"))
        for u, p in planted.items()
        if u in findings and findings[u].get("reason") != p["expected_reason"]
    ][:20]
    expected = {absolute(base, u) for u in manifest["all_urls"]}
    data["expected_urls"] = len(expected)
    data["expected_not_fetched"] = sorted(expected - target_urls)[:20]
    data["expected_not_fetched_count"] = len(expected - target_urls)
    data["unexpected_fetched"] = sorted(target_urls - expected)[:20]
    return data


# ---- inspector -----------------------------------------------------------------------------------


def inspector_python(root: Path) -> str:
    """The interpreter that runs the crawler: this repo's .venv (a scratch copy uses it too)."""
    for candidate in (root / ".venv" / "bin" / "python", ROOT / ".venv" / "bin" / "python"):
        if candidate.exists() and _runs(candidate):
            return str(candidate)
    return sys.executable


def _runs(python: Path) -> bool:
    return subprocess.run([str(python), "-c", "import scrapy"], capture_output=True).returncode == 0


def find_py_spy(python: str) -> str | None:
    for candidate in (Path(python).parent / "py-spy", Path(sys.executable).parent / "py-spy"):
        if candidate.exists():
            return str(candidate)
    return shutil.which("py-spy")


def run_inspector(
    args: argparse.Namespace,
    workdir: Path,
    manifest: dict[str, Any],
    base: str,
    server_pid: int | None,
    *,
    root: Path | None = None,
    tool: str = "inspector",
) -> Row:
    root = (root or args.root).resolve()
    registry = workdir / "registry.csv"
    registry.write_text(
        "site_id,name,url,kind,status,organizer,site_code\n"
        f"{SITE_ID},{manifest['site_name']},{base}/,portal,active,{manifest['organizer']},{manifest['site_code']}\n",
        encoding="utf-8",
    )
    db = workdir / "inspector.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    python = inspector_python(root)
    crawl = [
        python,
        "-m",
        "inspector.cli",
        "crawl",
        "--registry",
        str(registry),
        "--db",
        f"sqlite:///{db}",
        "--as-of",
        manifest["as_of"],
        "--set",
        f"INSPECTOR_SITE_CONCURRENCY={args.concurrency}",
        "--set",
        "LOG_LEVEL=WARNING",
    ]
    for extra in args.set:
        crawl += ["--set", extra]
    cmd, profile_file = crawl, None
    if args.profile:
        cmd, profile_file = profile_command(crawl, python, args.profile_rate)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    print(f"inspector: {' '.join(cmd)}\n  (cwd {root})", flush=True)

    def tick(elapsed: float, rss_mb: float) -> None:
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
            n = con.execute("SELECT count(*) FROM page").fetchone()[0]
            con.close()
        except sqlite3.Error:
            n = 0
        print(
            f"  [{elapsed:5.0f} s] {n:,} pages stored, RSS {rss_mb:.0f} MB",
            file=sys.stderr,
            flush=True,
        )

    out, err = workdir / "inspector.out", workdir / "inspector.err"
    measured = run_measured(
        cmd,
        cwd=root,
        env=env,
        timeout=args.timeout,
        stdout=out,
        stderr=err,
        tick=tick,
        skip_rss=("py-spy",) if args.profile else (),
        server_pid=server_pid,
    )
    tail = err.read_text(errors="replace").strip().splitlines()[-15:]
    if measured.returncode != 0 or measured.timed_out:
        print(
            f"inspector exited {measured.returncode}{' (timed out)' if measured.timed_out else ''}:"
        )
        print("\n".join("  " + line for line in tail))
    elif tail:
        print(
            f"inspector stderr (last lines, {err}):\n"
            + "\n".join("  " + line for line in tail[-5:])
        )
    print("inspector: " + out.read_text(errors="replace").strip())
    data = read_inspector_db(db, manifest, base)
    row = Row(
        tool,
        data["pages"],
        data["targets"],
        measured,
        data["recall"],
        data["precision"],
        finished=measured.returncode == 0 and not measured.timed_out,
        details=data,
    )
    if profile_file is not None:
        row.details["profile"] = summarize_profile(profile_file, row.urls, row.cpu_ms_per_url)
    return row


def run_wget(workdir: Path, base: str, server_pid: int | None, timeout: float) -> Row:
    """GNU wget --spider, recursive on the site (one connection, no checks): a floor of what
    fetching the site costs. It GETs HTML pages to read their links and HEADs the rest."""
    wget = shutil.which("wget")
    if not wget:
        raise SystemExit("--wget: wget not found (apt-get install wget)")
    spool = workdir / "wget"
    spool.mkdir(exist_ok=True)
    log = workdir / "wget.log"
    cmd = [
        wget,
        "--spider",
        "--recursive",
        "--level=inf",
        "--no-parent",
        "--no-verbose",
        "-e",
        "robots=off",
        "--tries=1",
        "--timeout=15",
        "--directory-prefix",
        str(spool),
        "--output-file",
        str(log),
        f"{base}/",
    ]
    print(f"wget: {' '.join(cmd)}", flush=True)
    measured = run_measured(
        cmd,
        cwd=workdir,
        env=dict(os.environ),
        timeout=timeout,
        stdout=workdir / "wget.out",
        stderr=workdir / "wget.err",
        server_pid=server_pid,
    )
    urls = set()
    for line in log.read_text(errors="replace").splitlines():
        # "2026-11-30 08:00:00 URL: http://… 200 OK" and "… URL:http://…" forms
        m = re.search(r"URL: ?(\S+)", line)
        if m:
            urls.add(m.group(1))
    # wget exits 8 when the server answered errors (the planted broken links): a full walk.
    finished = measured.returncode in (0, 8) and not measured.timed_out
    return Row("wget --spider", None, len(urls), measured, finished=finished)


def reference_checkout(ref: str, workdir: Path) -> tuple[Path, str]:
    """A detached worktree of `ref` (removed with the work dir); (its path, its short commit)."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", ref],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    path = workdir / f"ref-{commit}"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit],
        check=True,
        capture_output=True,
    )
    return path, commit


def remove_checkout(path: Path) -> None:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], capture_output=True
    )


def print_comparison(rows: list[Row], ref_tool: str | None) -> None:
    """Best and median of each tool over the repeats, and the ratios the issue asks for."""

    def runs(prefix: str) -> list[Row]:
        return [r for r in rows if r.tool == prefix or r.tool.startswith(prefix + " #")]

    def median(values: list[float]) -> float:
        s = sorted(values)
        return (s[(len(s) - 1) // 2] + s[len(s) // 2]) / 2

    ours, wget = runs("inspector"), runs("wget --spider")
    ref = runs(ref_tool) if ref_tool else []
    print("\nin this run (best / median of the repeats):")
    for name, group in (("inspector", ours), (ref_tool, ref), ("wget --spider", wget)):
        if group:
            walls = [r.measured.wall_s for r in group]
            cpus = [r.cpu_ms_per_url for r in group]
            print(
                f"  {name}: wall {min(walls):.1f} / {median(walls):.1f} s, CPU "
                f"{min(cpus):.2f} / {median(cpus):.2f} ms per URL, peak RSS "
                f"{max(r.measured.peak_rss_mb for r in group):.0f} MB"
            )
    if ours and wget:
        best = min(r.measured.wall_s for r in ours) / min(r.measured.wall_s for r in wget)
        med = median([r.measured.wall_s for r in ours]) / median([r.measured.wall_s for r in wget])
        print(f"  wall inspector / wget --spider: {best:.2f}x (best), {med:.2f}x (median)")
    if ours and ref:
        cpu = min(r.cpu_ms_per_url for r in ours) / min(r.cpu_ms_per_url for r in ref)
        med = median([r.cpu_ms_per_url for r in ours]) / median([r.cpu_ms_per_url for r in ref])
        wall = min(r.measured.wall_s for r in ours) / min(r.measured.wall_s for r in ref)
        print(
            f"  CPU per URL inspector / {ref_tool}: {cpu:.2f} (best), {med:.2f} (median); "
            f"wall {wall:.2f}"
        )


def profile_command(crawl: list[str], python: str, rate: int) -> tuple[list[str], Path | None]:
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    spy = find_py_spy(python)
    if spy:
        path = OUT / f"profile-{stamp}.txt"
        # raw = collapsed stacks (flamegraph.pl / speedscope input); --nonblocking: the crawler
        # is not paused for each sample, so it runs close to its normal speed.
        cmd = [
            spy,
            "record",
            "--nonblocking",
            "--format",
            "raw",
            "--rate",
            str(rate),
            "--output",
            str(path),
            "--",
            *crawl,
        ]
        return cmd, path
    probe = subprocess.run([python, "-c", "import pyinstrument"], capture_output=True)
    if probe.returncode == 0:
        path = OUT / f"profile-{stamp}.html"
        return [python, "-m", "pyinstrument", "-r", "html", "-o", str(path), "-m", *crawl[2:]], None
    print("profile: neither py-spy nor pyinstrument is installed (.venv/bin/pip install py-spy)")
    return crawl, None


# Where a sample's CPU goes: the deepest of our frames (inspector/, spiders/, checks/) with a
# known function names the bucket; samples without one of ours are Scrapy/Twisted/asyncio
# machinery, or start-up.
BUCKETS: dict[str, str] = {
    "extract_dates": "page facts: dates, page kind",
    "not_found_hint": "page facts: dates, page kind",
    "fingerprint": "page facts: fingerprint",
    "page_facts": "page facts: anchors, other",
    "extract_links": "link extraction",
    "link_rows": "link extraction",
    "title_of": "link extraction",
    "parse_html": "HTML parse (lxml)",
    "decode_html": "decode (charset detection)",
    "_schedule_link": "scheduling: new Requests",
    "_request": "scheduling: new Requests",
    "flush": "storage: SQLAlchemy + SQLite",
    "finish_site": "checks + scoring at site end",
    "check_run": "checks + scoring at site end",
    "open_spider": "start-up: database, runs",
    "process_item": "pipeline: buffering rows",
    "on_headers": "spider: signal handlers",
    "on_bytes": "spider: signal handlers",
}


# The launcher's frames sit under every sample of the crawl: they name no part of it.
_LAUNCHER = (
    "inspector/cli.py",
    "inspector/errors.py",
    "inspector/ops/commands.py",
    "inspector/ops/processes.py",
    "inspector/crawl/run.py",
)


def _ours(frame: str) -> bool:
    path = frame.rpartition(" (")[2]
    if "site-packages" in path or any(launcher in path for launcher in _LAUNCHER):
        return False
    return any(f"{p}/" in path for p in ("inspector", "spiders", "checks"))


def _bucket(frames: list[str]) -> str:
    if any("importlib._bootstrap" in f for f in frames):
        return "start-up: imports"
    deepest = ""
    for frame in reversed(frames):
        if not _ours(frame):
            continue
        deepest = deepest or frame
        bucket = BUCKETS.get(frame.partition(" (")[0].rpartition(".")[2])  # "Class.method"
        if bucket:
            return bucket
    if "spiders/site.py" in deepest:
        return "spider: callbacks, outcomes, bookkeeping"
    if deepest:
        return "inspector: other"
    return "Scrapy/Twisted/asyncio machinery"


def summarize_profile(path: Path, urls: int, cpu_ms_per_url: float) -> dict[str, Any]:
    """Buckets and top functions (self and inclusive) of the crawler's main thread.

    Shares are of the main thread's samples (the crawl runs on the reactor thread; the other
    threads are Twisted's idle thread pool); ms per URL = share x the crawler process's own CPU
    per fetched URL measured in the same run (py-spy's CPU left out).
    """
    if not path.exists():
        return {"file": str(path), "error": "no profile written"}
    self_: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    buckets: Counter[str] = Counter()
    main, other = 0, 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [f for f in stack.split(";") if f and not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        if frames[0].startswith("Thread._bootstrap"):
            other += n
            continue
        main += n
        names = [re.sub(r":\d+\)$", ")", f) for f in frames]
        self_[names[-1]] += n
        for name in set(names):
            incl[name] += n
        buckets[_bucket(frames)] += n

    def share(n: int) -> tuple[float, float]:
        f = n / max(1, main)
        return round(100 * f, 1), round(f * cpu_ms_per_url, 3)

    return {
        "file": str(path),
        "samples_main_thread": main,
        "samples_other_threads": other,
        "cpu_ms_per_url": round(cpu_ms_per_url, 3),
        "buckets": [(b, *share(n)) for b, n in buckets.most_common()],
        "top_self": [(f, *share(n)) for f, n in self_.most_common(30)],
        "top_inclusive": [(f, *share(n)) for f, n in incl.most_common(80)],
    }


# ---- LinkChecker ---------------------------------------------------------------------------------


def ensure_linkchecker() -> Path:
    exe = LC_VENV / "bin" / "linkchecker"
    if exe.exists():
        return exe
    print(f"LinkChecker: installing into {LC_VENV} (pip install linkchecker)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(LC_VENV)], check=True)
    subprocess.run([str(LC_VENV / "bin" / "pip"), "install", "-q", "linkchecker"], check=True)
    return exe


LC_CONFIG = """[checking]
threads={threads}
timeout=15
# Per-host request rate: the default 10/s (with random waits of 0.1-0.6 s per request, taken
# under a global lock) would measure politeness, not speed. Values above 10 need the server's
# `LinkChecker` header, which the bench server sends.
maxrequestspersecond=100000
maxnumurls=100000000
robotstxt=0
maxrunseconds={timeout}
aborttimeout=10

[filtering]
checkextern=1
# mailto: is not fetched by the inspector either (and there is no DNS here for MX lookups).
ignore=^mailto:

[output]
status=1
"""
_LC_STATUS = re.compile(r"(\d+) links? in (\d+) URLs? checked")
_LC_DONE = re.compile(r"That's it\. (\d+) links? in (\d+) URLs? checked")


def run_linkchecker(
    args: argparse.Namespace,
    workdir: Path,
    manifest: dict[str, Any],
    base: str,
    server_pid: int | None,
) -> Row:
    exe = ensure_linkchecker()
    lcdir = workdir / "linkchecker"
    lcdir.mkdir(exist_ok=True)
    # LinkChecker run as root drops to `nobody`: its files must be reachable by anyone.
    for d in (workdir, lcdir):
        d.chmod(0o777)
    config = lcdir / "linkcheckerrc"
    config.write_text(
        LC_CONFIG.format(threads=args.concurrency, timeout=int(args.linkchecker_timeout))
    )
    config.chmod(0o644)
    out_csv = lcdir / "errors.csv"
    cmd = [
        str(exe),
        "--config",
        str(config),
        "--threads",
        str(args.concurrency),
        "--check-extern",
        "--no-warnings",
        "-o",
        "text",
        "-F",
        f"csv/utf-8/{out_csv}",
        f"{base}/",
    ]
    env = dict(os.environ, HOME=str(lcdir), XDG_CONFIG_HOME=str(lcdir), XDG_DATA_HOME=str(lcdir))
    print(f"LinkChecker: {' '.join(cmd)}", flush=True)
    out, err = lcdir / "stdout.txt", lcdir / "stderr.txt"

    def tick(elapsed: float, rss_mb: float) -> None:
        last = _LC_STATUS.findall(err.read_text(errors="replace")) if err.exists() else []
        if last:
            print(
                f"  [{elapsed:5.0f} s] LinkChecker: {int(last[-1][1]):,} URLs checked, RSS {rss_mb:.0f} MB",
                file=sys.stderr,
                flush=True,
            )

    measured = run_measured(
        cmd,
        cwd=lcdir,
        env=env,
        timeout=args.linkchecker_timeout,
        stdout=out,
        stderr=err,
        tick=tick,
        server_pid=server_pid,
    )
    stdout = out.read_text(errors="replace")
    done = _LC_DONE.search(stdout)
    statuses = _LC_STATUS.findall(err.read_text(errors="replace") + stdout)
    checked = int(done.group(2)) if done else int(statuses[-1][1]) if statuses else 0
    # At the time limit it is stopped as if by Ctrl-C (maxrunseconds, and SIGINT from here):
    # it still prints its summary, with the URLs checked so far.
    finished = bool(done) and not measured.timed_out
    finished = finished and "aborted" not in stdout.lower() and "interrupt" not in stdout.lower()
    broken = linkchecker_broken(out_csv)
    planted = {absolute(base, p["url"]) for p in manifest["planted"]}
    recall, precision = score(broken, planted)
    summary = [
        line for line in stdout.splitlines() if line.startswith(("That's it", "Stopped checking"))
    ]
    details = {
        "summary": summary,
        "stdout_tail": stdout.strip().splitlines()[-6:],
        "per_category": per_category(manifest, base, broken),
        "false_positives": sorted(broken - planted)[:20],
        "broken_found": len(broken),
    }
    return Row("LinkChecker", None, checked, measured, recall, precision, finished, details)


def linkchecker_broken(path: Path) -> set[str]:
    if not path.exists():
        return set()
    lines = [
        line
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if not line.startswith("#")
    ]
    broken = set()
    for row in csv.DictReader(lines, delimiter=";"):
        if (row.get("valid") or "").strip().lower() in ("false", "0"):
            broken.add((row.get("url") or row.get("urlname") or "").partition("#")[0])
    return broken


# ---- report ------------------------------------------------------------------------------------


def print_table(rows: list[Row]) -> None:
    head = (
        "tool",
        "pages",
        "URLs fetched",
        "wall s",
        "pages/s",
        "URLs/s",
        "CPU ms/URL",
        "peak RSS MB",
        "recall",
        "precision",
    )
    table = [head]
    for r in rows:
        m = r.measured
        table.append(
            (
                r.tool + ("" if r.finished else " (unfinished)"),
                f"{r.pages:,}" if r.pages is not None else "-",
                f"{r.urls:,}",
                f"{m.wall_s:.1f}",
                f"{r.pages / m.wall_s:.0f}" if r.pages is not None else "-",
                f"{r.urls / m.wall_s:.0f}",
                f"{r.cpu_ms_per_url:.2f}",
                f"{m.peak_rss_mb:.0f}",
                f"{r.recall:.3f}" if r.recall is not None else "-",
                f"{r.precision:.3f}" if r.precision is not None else "-",
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for n, row in enumerate(table):
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))


def print_ratio(ours: Row, lc: Row) -> None:
    ours_rate = ours.urls / ours.measured.wall_s
    lc_rate = lc.urls / lc.measured.wall_s if lc.measured.wall_s else 0
    print(
        f"\nratio LinkChecker/inspector: URLs/s {ours_rate / max(lc_rate, 1e-9):.1f}x slower, "
        f"CPU per URL {lc.cpu_ms_per_url / max(ours.cpu_ms_per_url, 1e-9):.1f}x, "
        f"peak RSS {lc.measured.peak_rss_mb / max(ours.measured.peak_rss_mb, 1e-9):.1f}x"
    )
    if lc.finished:
        print(
            f"  wall time: LinkChecker {lc.measured.wall_s:.1f} s vs inspector {ours.measured.wall_s:.1f} s "
            f"({lc.measured.wall_s / ours.measured.wall_s:.1f}x)"
        )
    else:
        print(
            f"  LinkChecker did not finish within {lc.measured.wall_s:.0f} s: {lc.urls:,} URLs checked so far "
            f"(of {ours.urls:,} the inspector fetched)"
        )


def print_details(ours: Row, manifest: dict[str, Any], full_size: bool) -> None:
    d = ours.details
    print(f"\ninspector run: {d['runs']}")
    print(
        f"  pages {d['pages']:,} (site has {manifest['pages']:,}), targets {d['targets']:,} "
        f"(site has {d['expected_urls']:,} URLs; {d['expected_not_fetched_count']} not fetched), "
        f"link rows {d['links']:,}"
    )
    if d["expected_not_fetched"]:
        print(f"  not fetched (first 20): {d['expected_not_fetched']}")
    if d["unexpected_fetched"]:
        print(f"  fetched but not in the site's links (first 20): {d['unexpected_fetched']}")
    m = ours.measured
    print(
        f"  CPU {m.cpu_s:.1f} s (user {m.user_s:.1f} + sys {m.sys_s:.1f}); server {m.server_cpu_s:.1f} s; "
        f"other processes {m.background_cpu_s:.1f} s"
    )
    print(f"  target reasons: {d['target_reasons']}")
    print(f"  findings: {d['findings_by_check']}")
    print(f"  planted found per category: {d['per_category']}")
    if d["missed"]:
        print(f"  missed (first 20): {d['missed']}")
    if d["false_positives"]:
        print(f"  false positives (first 20): {d['false_positives']}")
    if d["wrong_reason"]:
        print(f"  found with another reason than planted (first 20): {d['wrong_reason']}")
    m = ours.measured
    checks = [
        ("wall", m.wall_s, TARGET_WALL_S, "s", full_size),
        ("CPU per URL", ours.cpu_ms_per_url, TARGET_CPU_MS, "ms", True),
        ("peak RSS", m.peak_rss_mb, TARGET_RSS_MB, "MB", full_size),
    ]
    verdicts = []
    for name, value, limit, unit, applies in checks:
        if applies:
            verdicts.append(
                f"{name} {value:.1f} {unit} {'<=' if value <= limit else '>'} {limit:g} {'ok' if value <= limit else 'MISSED'}"
            )
    for name, value in (("recall", ours.recall or 0), ("precision", ours.precision or 0)):
        verdicts.append(f"{name} {value:.3f} {'ok' if value >= TARGET_RECALL else 'MISSED'}")
    print(
        "  targets: "
        + "; ".join(verdicts)
        + ("" if full_size else " (wall and RSS targets are for 20,000 pages)")
    )


def print_profile(profile: dict[str, Any]) -> None:
    if "error" in profile:
        print(f"\nprofile: {profile['error']}")
        return
    print(
        f"\nprofile: {profile['file']} ({profile['samples_main_thread']} samples of the main thread; "
        f"% of them, and ms of the crawler's {profile['cpu_ms_per_url']:.2f} ms CPU per fetched URL)"
    )
    print("  by part of the crawler:")
    for bucket, pct, ms in profile["buckets"]:
        print(f"    {pct:5.1f}%  {ms:6.3f}  {bucket}")
    print("  top functions, self time:")
    for name, pct, ms in profile["top_self"][:25]:
        print(f"    {pct:5.1f}%  {ms:6.3f}  {name}")
    print("  top functions of ours, inclusive:")
    ours = [row for row in profile["top_inclusive"] if _ours(row[0])]
    for name, pct, ms in ours[:20]:
        print(f"    {pct:5.1f}%  {ms:6.3f}  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=int, default=20_000, help="pages of the synthetic site (default 20000)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=16,
        help="INSPECTOR_SITE_CONCURRENCY and LinkChecker threads",
    )
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument(
        "--repeat", type=int, default=1, help="crawl N times; the best run is judged"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work dir (site, database, logs)"
    )
    parser.add_argument(
        "--site-dir", type=Path, help="generate into (or reuse) this directory; kept"
    )
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto")
    parser.add_argument(
        "--vs-linkchecker", action="store_true", help="also run LinkChecker on the same site"
    )
    parser.add_argument("--linkchecker-only", action="store_true", help="run LinkChecker only")
    parser.add_argument("--linkchecker-timeout", type=float, default=600.0)
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="time limit of the inspector crawl"
    )
    parser.add_argument(
        "--profile", action="store_true", help="run the crawl under py-spy (or pyinstrument)"
    )
    parser.add_argument("--profile-rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="inspector checkout to run (e.g. a scratch copy)"
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="extra crawl setting"
    )
    parser.add_argument(
        "--compare", metavar="REF", help="also crawl with commit REF (a git worktree), in turns"
    )
    parser.add_argument(
        "--wget", action="store_true", help="also walk the site with wget --spider, in turns"
    )
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="inspector-bench-"))
    site_dir = args.site_dir.resolve() if args.site_dir else workdir / "site"
    print(f"work dir: {workdir}   (machine: {os.cpu_count()} CPUs)")
    manifest = prepare_site(site_dir, args.pages, args.seed)
    port = free_port()
    while port in (manifest["ext_port"], manifest["closed_port"]) or not port_free(port):
        port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(
        f"site: {manifest['pages']:,} pages, {manifest['urls']:,} URLs {manifest['url_kinds']}, "
        f"{manifest['links_per_page']} links/page, {manifest['bytes'] / 1e6:.0f} MB, "
        f"encodings {manifest['encodings']}, {len(manifest['planted'])} planted broken targets"
    )
    server = Server(site_dir, workdir, port, manifest["ext_port"], args.server)
    print(
        f"server: {server.description} on {base}/ (external pages on :{manifest['ext_port']}, "
        f"closed port :{manifest['closed_port']})"
    )
    rows: list[Row] = []
    ref_root, ref_tool = None, None
    if args.compare:
        ref_root, commit = reference_checkout(args.compare, workdir)
        ref_tool = f"inspector@{commit}"
        print(f"reference: {args.compare} = {commit}, checked out in {ref_root}")
    server.start()
    try:
        if not args.linkchecker_only:
            # In turns, so that a change of the machine's load touches every tool alike.
            for n in range(args.repeat):
                suffix = f" #{n + 1}" if args.repeat > 1 else ""
                if args.wget:
                    row = run_wget(workdir, base, server.pid, args.timeout)
                    row.tool += suffix
                    rows.append(row)
                rows.append(
                    run_inspector(
                        args, workdir, manifest, base, server.pid, tool="inspector" + suffix
                    )
                )
                if ref_root is not None:
                    rows.append(
                        run_inspector(
                            args,
                            workdir,
                            manifest,
                            base,
                            server.pid,
                            root=ref_root,
                            tool=f"{ref_tool}{suffix}",
                        )
                    )
        if args.vs_linkchecker or args.linkchecker_only:
            rows.append(run_linkchecker(args, workdir, manifest, base, server.pid))
    finally:
        server.stop()
        if ref_root is not None:
            remove_checkout(ref_root)
    print(
        f"\n{manifest['pages']:,}-page site, concurrency {args.concurrency}, {server.description}"
    )
    print_table(rows)
    runs = [r for r in rows if r.tool == "inspector" or r.tool.startswith("inspector #")]
    ours = min(runs, key=lambda r: r.measured.wall_s) if runs else None
    lc = next((r for r in rows if r.tool == "LinkChecker"), None)
    noisy = [r for r in rows if r.measured.background_cpu_s > 0.05 * r.measured.wall_s]
    for r in noisy:
        print(
            f"  note: other processes used {r.measured.background_cpu_s:.1f} CPU-s during the {r.tool} run "
            f"({100 * r.measured.background_cpu_s / r.measured.wall_s:.0f}% of one core): its figures are noisy"
        )
    if len(runs) > 1 and ours:
        print(f"  best inspector run (judged below): {ours.tool}")
    if args.wget or args.compare:
        print_comparison(rows, ref_tool)
    if ours and lc:
        print_ratio(ours, lc)
    if lc:
        print(
            f"\nLinkChecker: {lc.details['summary'] or lc.details['stdout_tail']}; found per category "
            f"{lc.details['per_category']}"
        )
    if ours:
        print_details(ours, manifest, full_size=args.pages >= 20_000)
        if "profile" in ours.details:
            print_profile(ours.details["profile"])
    OUT.mkdir(parents=True, exist_ok=True)
    result_file = OUT / f"bench-{args.pages}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    result = {
        "args": {k: str(v) for k, v in vars(args).items()},
        "server": server.description,
        "site": {k: v for k, v in manifest.items() if k not in ("all_urls", "planted")},
        "rows": [{**asdict(r), "cpu_ms_per_url": r.cpu_ms_per_url} for r in rows],
    }
    result_file.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    print(f"\nresults: {result_file}")
    if args.keep:
        print(f"kept: {workdir}")
    if args.site_dir:
        print(f"site kept: {site_dir} (reused by the next run with the same --site-dir)")
    if not args.keep:
        for child in workdir.iterdir():
            if child != site_dir:
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        if not args.site_dir:
            shutil.rmtree(workdir, ignore_errors=True)
        elif not any(workdir.iterdir()):
            workdir.rmdir()
    return 0 if all(r.finished for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
