"""The wording matcher kept on disk (inspector/crawl/extract/wordingcache.py): loaded, it finds
exactly what a generated one finds, without pypinyin; an edited lexicon, a broken file or a
folder that cannot be written never gives a stale or missing matcher."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from test_security import same_facts_everywhere

from inspector.crawl.extract.security import SecurityRules, security_rules
from inspector.crawl.extract.wording import TextMatcher
from inspector.crawl.extract.wordingcache import KEPT, cache_dir, matcher_key, text_matcher
from inspector.lexicons import load_lexicons
from inspector.profile import load_profile

REPO = Path(__file__).resolve().parents[1]
LEXICONS = load_lexicons(load_profile("census2015"))


def _cached_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("wording-*.pickle"))


def test_a_loaded_matcher_finds_what_a_generated_one_finds(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTOR_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path
    generated = text_matcher(LEXICONS)  # nothing cached yet: generated, then written
    assert len(_cached_files(tmp_path)) == 1
    loaded = text_matcher(LEXICONS)
    assert isinstance(loaded, TextMatcher) and loaded is not generated
    rules = security_rules(LEXICONS)
    fresh = SecurityRules(
        LEXICONS, rules.hosts, TextMatcher(LEXICONS), rules.url_strong,
        rules.url_strong_words, rules.url_weak,
    )  # fmt: skip
    cached = SecurityRules(
        LEXICONS, rules.hosts, loaded, rules.url_strong, rules.url_strong_words, rules.url_weak
    )
    assert same_facts_everywhere(fresh, cached).get("wording", 0) >= 4


def test_a_process_that_finds_the_matcher_cached_imports_no_pypinyin(tmp_path):
    code = (
        "import sys\n"
        "from inspector.crawl.extract.security import security_rules\n"
        "from inspector.lexicons import load_lexicons\n"
        "from inspector.profile import load_profile\n"
        "rules = security_rules(load_lexicons(load_profile('census2015')))\n"
        "print('pypinyin' in sys.modules, len(rules.text.patterns))\n"
    )
    env = dict(os.environ, INSPECTOR_CACHE_DIR=str(tmp_path))

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        return done.stdout.split()

    first, second = run(), run()
    assert first[0] == "True" and second[0] == "False"
    assert first[1] == second[1] and int(first[1]) > 100


def test_an_edited_lexicon_is_a_new_matcher_and_a_comment_is_not(tmp_path, monkeypatch):
    """Through a profile, as an office edits it: a banned term added to its terms file is found
    by the next matcher (a new key, generated); a comment changes nothing (the same key)."""
    monkeypatch.setenv("INSPECTOR_CACHE_DIR", str(tmp_path / "cache"))
    terms = tmp_path / "terms.toml"
    shutil.copy(next(f for f in LEXICONS.files if Path(f).name == "terms.toml"), terms)
    profile = tmp_path / "p.toml"
    profile.write_text(
        f'[profile]\nextends = "census2015"\n[security.lexicons]\nterms = "{terms}"\n',
        encoding="utf-8",
    )

    def edit(text: str) -> tuple[str, TextMatcher]:
        with terms.open("a", encoding="utf-8") as f:
            f.write(text)
        os.utime(terms, ns=(terms.stat().st_mtime_ns + 10**9,) * 2)  # load_lexicons re-reads
        lexicons = load_lexicons(load_profile(str(profile)))
        return matcher_key(lexicons), text_matcher(lexicons)

    before, matcher = edit("")
    assert "某某错词" not in matcher.patterns
    commented, _ = edit("\n# a note of the office\n")
    assert commented == before
    added, matcher = edit('\n[[term]]\nwrong = "某某错词"\nsuggestion = "某某正词"\n')
    assert added != before and "某某错词" in matcher.patterns
    assert len(_cached_files(tmp_path / "cache")) == 2


def test_a_broken_file_is_generated_again_and_an_unwritable_folder_only_costs_time(
    tmp_path, monkeypatch, caplog
):
    monkeypatch.setenv("INSPECTOR_CACHE_DIR", str(tmp_path))
    text_matcher(LEXICONS)
    (cached,) = _cached_files(tmp_path)
    cached.write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING):
        matcher = text_matcher(LEXICONS)
    assert "unreadable" in caplog.text
    assert matcher.patterns == TextMatcher(LEXICONS).patterns
    assert isinstance(text_matcher(LEXICONS), TextMatcher)  # rewritten whole
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("INSPECTOR_CACHE_DIR", str(blocked / "cache"))  # under a file: unwritable
    assert text_matcher(LEXICONS).patterns == matcher.patterns


def test_only_the_newest_matchers_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTOR_CACHE_DIR", str(tmp_path))
    for i in range(KEPT + 3):  # matchers of earlier lexicon sets, oldest first
        old = tmp_path / f"wording-old{i:02d}.pickle"
        old.write_bytes(b"x")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    text_matcher(LEXICONS)
    kept = _cached_files(tmp_path)
    assert len(kept) == KEPT
    assert tmp_path / f"wording-{matcher_key(LEXICONS)}.pickle" in kept
    assert tmp_path / "wording-old00.pickle" not in kept  # the oldest went first
    assert not list(tmp_path.glob("*.tmp"))
