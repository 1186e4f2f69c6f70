"""The house rules of the code base (README "Project layout"), read from the source with `ast`:

* no import cycle among the project's modules, imports inside functions included;
* dependencies point one way: crawl → store → checks → judge → reports; the records and codes
  every phase shares are leaves (inspector/facts.py, vocabulary.py, words.py, profile.py);
  checks are pure (no crawl, store, Scrapy machinery or database);
* no function over 80 lines and no module over 700 lines, outside tests, migrations, bench
  and the demo site.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("inspector", "spiders", "checks", "reports")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            rel = path.relative_to(REPO)
            if "demo/site" in rel.as_posix() or "migrations/versions" in rel.as_posix():
                continue
            name = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    """Project modules `module` imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            target = _resolve(name)
            if target and target != module:
                found.add(target)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle() -> None:
    assert _cycles() == []


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


LEAVES = {
    "inspector.clock": (),
    "inspector.vocabulary": (),
    "inspector.profile": (),
    "inspector.words": ("inspector.vocabulary",),
    "inspector.registry": ("inspector.vocabulary",),
    "inspector.boardfacts": (),
    "inspector.guidefacts": (),
    "inspector.facts": (
        "inspector.registry",
        "inspector.vocabulary",
        "inspector.boardfacts",
        "inspector.guidefacts",
    ),
}
# Each part, and what it must never import.
FORBIDDEN = {
    "checks": (
        "inspector.crawl",
        "inspector.store",
        "inspector.ops",
        "inspector.options",
        "inspector.judge.checkrun",
        "inspector.judge.scoring",
        "inspector.judge.tracking",
        "spiders",
        "reports",
    ),
    "inspector.store": (
        "inspector.crawl",
        "inspector.judge",
        "inspector.ops",
        "inspector.options",
        "checks",
        "spiders",
        "reports",
    ),
    "inspector.judge": (
        "inspector.crawl",
        "inspector.ops",
        "inspector.options",
        "spiders",
        "reports",
    ),
    "inspector.crawl": ("inspector.ops", "inspector.options", "reports"),
    "spiders": ("inspector.judge", "inspector.ops", "inspector.options", "checks", "reports"),
    "inspector.ops.progress": ("spiders",),
    "reports": ("inspector.crawl", "inspector.ops", "spiders"),
}


@pytest.mark.parametrize("leaf", sorted(LEAVES))
def test_shared_records_and_codes_are_leaves(leaf: str) -> None:
    assert GRAPH[leaf] <= set(LEAVES[leaf])


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_dependencies_point_one_way(part: str) -> None:
    wrong = {
        (module, target)
        for module, targets in GRAPH.items()
        if _within(module, (part,))
        for target in targets
        if _within(target, FORBIDDEN[part])
    }
    assert wrong == set()


def test_checks_use_no_crawl_machinery_or_database() -> None:
    heavy = ("sqlalchemy", "twisted", "lxml", "scrapy")
    for module, path in MODULES.items():
        if not _within(module, ("checks",)) or module == "checks.base":
            continue  # checks.base re-exports Scrapy's NotConfigured, the idiom of the API
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.split(".")[0] in heavy], module


def _measured() -> list[Path]:
    skip = ("inspector/demo/", "/migrations/versions/")
    return [p for p in MODULES.values() if not any(s in p.as_posix() for s in skip)]


def test_no_module_over_700_lines() -> None:
    long = {
        str(p.relative_to(REPO)): n
        for p in _measured()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 700
    }
    assert long == {}


def test_no_function_over_80_lines() -> None:
    long = {}
    for path in _measured():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    long[f"{path.relative_to(REPO)}:{node.lineno} {node.name}"] = length
    assert long == {}


def test_readme_layout_names_every_module() -> None:
    layout = (REPO / "README.md").read_text(encoding="utf-8").split("## Project layout", 1)[1]
    named = set(re.findall(r"`([^`\s]+\.py)`", layout))
    missing = []
    for path in MODULES.values():
        rel = path.relative_to(REPO).as_posix()
        if (rel.endswith("__init__.py") and "boards" not in rel) or "inspector/demo/" in rel:
            continue  # package docstrings; the demo site is named as a folder
        if not any(rel.endswith(name) for name in named):
            missing.append(rel)
    assert missing == []
