"""Wording matchers kept on disk between crawls, so that a crawl process needs no pypinyin.

Generating the misspellings of the leaders' names (inspector/crawl/extract/wording.py) needs
pypinyin: ~56 MB of dictionaries held by every crawler process for the whole night, and 0.2 s
at its start. A matcher generated once is kept as its tables (what a reader process receives,
`TextMatcher.__getstate__`) in the cache folder, under a key made of everything it is generated
from: the lexicon files' bytes, the generating code, pypinyin's version and Python's. A crawl
whose lexicons did not change loads it (~0.01 s) and never imports pypinyin; an edited lexicon
file is a new key, so an office's edit counts from the next crawl on.

The folder is INSPECTOR_CACHE_DIR (environment), else $XDG_CACHE_HOME/inspector, else
~/.cache/inspector. A file that is missing, unreadable or broken is generated again; a folder
that cannot be written only costs the generation, every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from inspector.crawl.extract import wording
from inspector.crawl.extract.wording import TextMatcher

if TYPE_CHECKING:
    from inspector.lexicons import Lexicons

logger = logging.getLogger(__name__)

ENV_VAR = "INSPECTOR_CACHE_DIR"
KEPT = 8  # matchers kept (the newest): one per lexicon set and code version in use


def cache_dir() -> Path:
    if folder := os.environ.get(ENV_VAR, "").strip():
        return Path(folder)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "inspector"


def matcher_key(lexicons: Lexicons) -> str:
    """What a generated matcher depends on, hashed: a change to any of it is a new file. The
    lexicons as loaded (not their files' bytes: a change in how a file is read is a change
    too, a comment is not); they hold only tuples, dicts, strings and dates, so their pickle is
    the same in every process."""
    digest = hashlib.sha256()
    for part in (
        sys.version.encode(),
        metadata.version("pypinyin").encode(),
        Path(wording.__file__).read_bytes(),
        pickle.dumps((lexicons.wording, lexicons.spam), protocol=4),
    ):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()[:32]


def text_matcher(lexicons: Lexicons) -> TextMatcher:
    """The lexicons' matcher: loaded from the cache folder, or generated and kept there."""
    try:
        path = cache_dir() / f"wording-{matcher_key(lexicons)}.pickle"
    except (OSError, RuntimeError, metadata.PackageNotFoundError) as exc:
        # No home folder, pypinyin without its metadata.
        logger.info("no wording cache (%s): generated", exc)
        return TextMatcher(lexicons)
    try:
        matcher = pickle.loads(path.read_bytes())
        if isinstance(matcher, TextMatcher):
            return matcher
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a broken cache file is only generated again
        logger.warning("wording cache %s unreadable (%s): generated again", path, exc)
    matcher = TextMatcher(lexicons)
    try:
        _write(path, pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as exc:
        logger.info("wording cache %s not written (%s): generated at every start", path, exc)
    return matcher


def _write(path: Path, data: bytes) -> None:
    """Written aside and renamed, so that a crawl process starting meanwhile reads all or
    nothing; then only the KEPT newest matchers stay (each lexicon edit leaves one behind)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
        try:
            tmp.write(data)
        except OSError:
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, path)
    ages = []
    for file in path.parent.glob("wording-*.pickle"):
        with contextlib.suppress(FileNotFoundError):  # pruned by another process meanwhile
            ages.append((file.stat().st_mtime, file))
    for _, old in sorted(ages, reverse=True)[KEPT:]:
        old.unlink(missing_ok=True)
