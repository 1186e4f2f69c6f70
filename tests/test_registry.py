"""Registry validation: a bad file is refused as a whole, every problem with its line number."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from inspector.registry import RegistryError, load_registry, parse_registry, select_sites

HEADER = "site_id,name,url,kind,status,organizer,site_code\n"
REPO = Path(__file__).resolve().parents[1]


def test_valid_registry_with_bom_extra_columns_and_scope() -> None:
    text = (
        "\ufeffsite_id,name,url,kind,status,organizer,site_code,scope,concurrency,delay,notes\n"
        "a,甲县人民政府,http://www.a.gov.cn/,portal,active,甲县人民政府办公室,3609220001,xxgk.a.gov.cn,2,0.5,备注\n"
        "b,乙局,https://b.gov.cn/,department,closed,,,,,,\n"
        "c,丙局,https://c.gov.cn/,department,exception,,,,,,\n"
    )
    sites = parse_registry(text)
    assert [s.site_id for s in sites] == ["a", "b", "c"]
    a = sites[0]
    assert a.name == "甲县人民政府" and a.site_code == "3609220001"
    assert a.extra_hosts == ("xxgk.a.gov.cn",) and a.concurrency == 2 and a.delay == 0.5
    assert sites[1].organizer == "" and sites[1].status == "closed"


def test_every_problem_is_listed_with_its_line() -> None:
    text = HEADER + (
        "a,甲,http://a.gov.cn/,portal,active,,\n"
        "a,甲2,http://a2.gov.cn/,portal,active,,\n"  # line 3: duplicate
        "b,乙,ftp://b.gov.cn/,portal,active,,\n"  # line 4: bad URL
        "c,丙,http://c.gov.cn/,county,active,,\n"  # line 5: unknown kind
        "d,丁,http://d.gov.cn/,portal,open,,\n"  # line 6: unknown status
        "e,戊,not a url,portal,active,,\n"  # line 7: bad URL
    )
    with pytest.raises(RegistryError) as err:
        parse_registry(text, "seeds/x.csv")
    lines = {n for n, _ in err.value.problems}
    assert lines == {3, 4, 5, 6, 7}
    message = str(err.value)
    assert "line 3: duplicate site_id 'a' (first on line 2)" in message
    assert "unknown kind 'county'" in message and "unknown status 'open'" in message
    assert "seeds/x.csv" in message


def test_missing_column_is_refused() -> None:
    with pytest.raises(RegistryError) as err:
        parse_registry("site_id,name,url,kind\na,甲,http://a.gov.cn/,portal\n")
    assert "missing column(s): status, organizer, site_code" in str(err.value)


def test_not_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "a,甲县,http://a.gov.cn/,portal,active,,\n").encode("gbk"))
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    assert "line 2: not UTF-8" in str(err.value)


def test_select_unknown_site_is_an_error() -> None:
    sites = parse_registry(HEADER + "a,甲,http://a.gov.cn/,portal,active,,\n")
    assert select_sites(sites, ["a"]) == sites
    with pytest.raises(RegistryError, match="unknown site_id"):
        select_sites(sites, ["zz"])


def test_cli_exit_code_2_and_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "a,甲,http://a.gov.cn/,portal,active,,\na,乙,http://b.gov.cn/,portal,active,,\n",
        encoding="utf-8",
    )
    for command in ("sites", "crawl"):
        proc = subprocess.run(
            [sys.executable, "-m", "inspector.cli", command, "--registry", str(bad)],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
        )
        assert proc.returncode == 2, proc.stderr
        assert "line 3: duplicate site_id 'a'" in proc.stderr


def test_cli_sites_lists_the_demo_registry() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "sites", "--registry", "seeds/demo.csv"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "demo" in proc.stdout and "active" in proc.stdout


# Each bad row, with what the refusal says about it (line numbers are in BAD_REGISTRY below).
BAD_ROWS = [
    ("a1,甲,http://a.gov.cn:99999/,portal,active,,\n", "Port out of range"),
    ("a2,甲,http://[::1/,portal,active,,\n", "Invalid IPv6 URL"),
    (
        "a3,甲\x00县,http://a.gov.cn/,portal,active,,\n",
        "name contains the control character '\\x00'",
    ),
    ('a4,"甲\t县",http://a.gov.cn/,portal,active,,\n', "control character '\\t'"),
    ('a5,"甲\n县",http://a.gov.cn/,portal,active,,\n', "control character '\\n'"),
    ("a6,甲\x1b县,http://a.gov.cn/,portal,active,,\n", "control character '\\x1b'"),
    ("a7,甲\u202e县,http://a.gov.cn/,portal,active,,\n", "control character '\\u202e'"),
    ("a8," + "甲" * 1_000_000 + ",http://a.gov.cn/,portal,active,,\n", "name is longer than 300"),
    ("a9,甲,http://a.gov.cn/,portal,active," + "局" * 400 + ",\n", "organizer is longer than 300"),
    ("b" * 101 + ",甲,http://a.gov.cn/,portal,active,,\n", "longer than 100 characters"),
    ("../etc,甲,http://a.gov.cn/,portal,active,,\n", "cannot name a file"),
    ("a/b,甲,http://a.gov.cn/,portal,active,,\n", "cannot name a file"),
    ("con,甲,http://a.gov.cn/,portal,active,,\n", "cannot name a file"),
    ("a10,甲,http://a.gov.cn:0/,portal,active,,\n", "port 0"),
    ("a11,甲,http://" + "x" * 64 + ".gov.cn/,portal,active,,\n", "not a valid host name"),
    ("a12,甲,http://a.gov.cn/" + "p" * 2100 + ",portal,active,,\n", "url is longer than 2000"),
]


def _bad_registry() -> tuple[str, list[int]]:
    """A registry with a good first site and every bad row; the first line of each bad row."""
    text, lines, line = HEADER + "ok,好,http://ok.gov.cn/,portal,active,,\n", [], 3
    for row, _ in BAD_ROWS:
        text += row
        lines.append(line)
        line += row.count("\n")
    return text, lines


def test_every_bad_field_is_refused_with_its_line() -> None:
    text, lines = _bad_registry()
    with pytest.raises(RegistryError) as err:
        parse_registry(text, "x.csv")
    problems = err.value.problems
    assert [n for n, _ in problems] == lines  # one problem a row, at the line the row starts
    for (_, message), (row, expected) in zip(problems, BAD_ROWS, strict=True):
        assert expected in message, (row[:40], message)
        assert len(message) < 200 and "\n" not in message and "\x00" not in message


def test_good_edge_values_pass() -> None:
    sites = parse_registry(
        HEADER
        + "jx-wanzai.2,万载县,http://[::1]:8080/,portal,active,,\n"
        + "万载县,万载县,http://a.gov.cn:65535/,portal,active,,\n"
        + "z,乙,https://中国政府.政务/,portal,active,,\n"
    )
    assert [s.site_id for s in sites] == ["jx-wanzai.2", "万载县", "z"]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=120)


def _commands(registry: Path, db: Path) -> dict[str, list[str]]:
    inspector = [sys.executable, "-m", "inspector.cli"]
    return {
        "crawl": [*inspector, "crawl", "--registry", str(registry), "--db", f"sqlite:///{db}"],
        "nightly": [*inspector, "nightly", "--registry", str(registry), "--db", f"sqlite:///{db}"],
        "sites": [*inspector, "sites", "--registry", str(registry)],
        "scrapy": [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "site",
            "-a",
            f"registry={registry}",
            "-a",
            "site_id=ok",
            "-s",
            f"INSPECTOR_DB_URL=sqlite:///{db}",
        ],
    }


@pytest.mark.parametrize("command", ["crawl", "nightly", "sites", "scrapy"])
def test_a_refused_registry_writes_nothing(tmp_path: Path, command: str) -> None:
    """Every command: exit 2, every bad line named, no traceback, no database, no log."""
    registry = tmp_path / "bad.csv"
    text, lines = _bad_registry()
    registry.write_text(text, encoding="utf-8")
    db = tmp_path / "out" / "inspector.db"
    work = tmp_path / "work"
    work.mkdir()
    env_cwd = REPO if command == "scrapy" else work  # scrapy finds its project from the cwd
    proc = _run(_commands(registry, db)[command], env_cwd)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    for line in lines:
        assert f"line {line}: " in proc.stderr
    assert not db.parent.exists() and list(work.iterdir()) == []
    # One bad row: one line.
    registry.write_text(HEADER + "ok,好,http://ok.gov.cn:99999/,portal,active,,\n", "utf-8")
    proc = _run(_commands(registry, db)[command], env_cwd)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    assert "line 2: bad URL 'http://ok.gov.cn:99999/': Port out of range" in proc.stderr
    assert not db.parent.exists() and list(work.iterdir()) == []
