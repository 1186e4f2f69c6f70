"""The check API, as a province writing its own check meets it: the README's example, run as
written, shows its own title and advice in the report; a misspelled check path, a check without
a code, or a check yielding a string severity is refused with one line and exit code 2."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from checks.base import Check
from inspector.facts import Finding
from inspector.judge.checkrun import CheckConfig, CheckLoadError, CheckYieldError
from inspector.testing import check_findings, home_page, make_snapshot
from reports.problems import FindingWords, problem_view

REPO = Path(__file__).resolve().parents[1]
TEST_SETTINGS = ["--set", "DOWNLOAD_TIMEOUT=3", "--set", "INSPECTOR_HOME_RETRIES=0"]


def readme_blocks() -> list[str]:
    """The Python code blocks of README's "Writing a check": the check, then its test."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Writing a check", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    check, test = readme_blocks()
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "province_checks.py").write_text(check, encoding="utf-8")
    (folder / "test_province_checks.py").write_text(test, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    # Other tests write a province_checks module of their own: do not leave ours imported.
    for name in ("province_checks", "test_province_checks", "bad_checks"):
        sys.modules.pop(name, None)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inspector.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=180,
        env=env,
    )


def _registry(path: Path, url: str) -> Path:
    path.write_text(
        "site_id,name,url,kind,status,organizer,site_code\n"
        f"province,示例县人民政府,{url},portal,active,,\n",
        encoding="utf-8",
    )
    return path


def test_the_readme_check_passes_the_readme_test(plugin_dir: Path) -> None:
    module = _load(plugin_dir / "test_province_checks.py")
    tests = [getattr(module, n) for n in dir(module) if n.startswith("test_")]
    assert tests
    for test in tests:
        test()


def test_a_check_from_the_readme_shows_its_own_words_in_the_report(
    plugin_dir: Path, server: Any, tmp_path: Path
) -> None:
    home = server.add_site(
        "api-plugin", {"/": "<html><body><a href='/a.html'>关于</a></body></html>"}
    )
    registry = _registry(tmp_path / "sites.csv", home)
    db = f"sqlite:///{tmp_path / 'inspector.db'}"
    env = {**os.environ, "PYTHONPATH": str(plugin_dir)}
    enable = 'INSPECTOR_CHECKS={"province_checks.NoEnglishVersion": 900}'
    done = run(
        "crawl", "--registry", str(registry), "--db", db, "--set", enable, *TEST_SETTINGS, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # Rendered later without the setting: the run recorded which check words the code.
    out = tmp_path / "reports"
    done = run("report", "--db", db, "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    page = (out / "sites" / "province.html").read_text(encoding="utf-8")
    text = " ".join(lxml_html.fromstring(page).text_content().split())
    assert "缺少外文版入口" in text  # title
    assert "在首页显著位置设置外文版入口" in text  # advice
    assert "首页的1个链接中没有外文版" in text  # describe
    csv = run("export", "--db", db, "--format", "csv", env=env)
    assert "缺少外文版入口" in csv.stdout


@pytest.mark.parametrize(
    "checks, problem",
    [
        ('{"checks.link.BrokenLinks": 200}', "checks.link.BrokenLinks"),
        ('{"checks.links.BrokenLink": 200}', "checks.links.BrokenLink"),
        ('{"inspector.facts.Finding": 200}', "not a subclass of checks.base.Check"),
    ],
)
def test_a_misspelled_check_path_stops_the_command_with_exit_2(
    tmp_path: Path, checks: str, problem: str
) -> None:
    registry = _registry(tmp_path / "sites.csv", "http://127.0.0.1:9/")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    for args in (
        ("crawl", "--registry", str(registry), "--db", db),
        ("check", "--run", "1", "--db", db),
        ("report", "--db", db, "--out", str(tmp_path / "r")),
    ):
        done = run(*args, "--set", f"INSPECTOR_CHECKS={checks}")
        assert done.returncode == 2, (args, done.stderr)
        assert problem in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything was stored


class NoCode(Check):
    """Forgot its code."""


class StringSeverity(Check):
    code = "string_severity"

    def check_site(self, site: Any) -> Any:
        yield Finding(self.code, "major", site.site.url, {})  # type: ignore[arg-type]


def test_a_check_without_a_code_is_refused() -> None:
    with pytest.raises(CheckLoadError, match="has no `code`"):
        CheckConfig({f"{__name__}.NoCode": 100}, {})


def test_a_string_severity_is_refused_as_the_runner_refuses_it() -> None:
    with pytest.raises(CheckYieldError, match="severity 'major'"):
        check_findings(StringSeverity, make_snapshot(home=home_page()))


def test_a_string_severity_does_not_crash_inspector_check(
    plugin_dir: Path, server: Any, tmp_path: Path
) -> None:
    (plugin_dir / "bad_checks.py").write_text(
        "from checks.base import Check, Finding\n\n"
        "class StringSeverity(Check):\n"
        "    code = 'string_severity'\n\n"
        "    def check_site(self, site):\n"
        "        yield Finding(self.code, 'major', site.site.url, {})\n",
        encoding="utf-8",
    )
    home = server.add_site("api-severity", {"/": "<html><body><a href='/gone'>x</a></body></html>"})
    registry = _registry(tmp_path / "sites.csv", home)
    db = f"sqlite:///{tmp_path / 'inspector.db'}"
    env = {**os.environ, "PYTHONPATH": str(plugin_dir)}
    enable = 'INSPECTOR_CHECKS={"bad_checks.StringSeverity": 900}'
    done = run("crawl", "--registry", str(registry), "--db", db, *TEST_SETTINGS, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    done = run("check", "--run", "1", "--db", db, "--set", enable, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "bad_checks.StringSeverity" in done.stderr and "severity 'major'" in done.stderr
    counts = json.loads(done.stdout.split("findings ", 1)[1])
    assert counts.get("broken_link") == 1  # the other checks went on


def test_a_finding_of_an_unknown_check_still_renders_every_key() -> None:
    view = problem_view(
        "gone_check", "minor", "http://x/", {"why": "because"}, "zh", words=FindingWords({})
    )
    assert view["headline"] == "gone_check"
    assert [f["label"] for f in view["facts"]] == ["why"]
