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
