"""The built index kept on disk between runs, so a cold start loads it instead of building it.

One file per knowledge version and code version (`index-<key>.pickle` in INDEX_CACHE_DIR);
anything unreadable or stale is ignored and rebuilt. The directory must be writable by the
bot alone: a pickle runs code when it is loaded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import opencc

from bot.understanding.match import Matcher
from bot.understanding.pinyin import table_path

log = logging.getLogger(__name__)

KEEP = 3  # index files of other versions kept beside the current one (for rollback)
# the code the index depends on: how text is normalised, split into n-grams and weighed
_CODE = [
    *(Path(__file__).with_name(name) for name in ("match.py", "normalise.py", "pinyin.py")),
    Path(__file__).parent.parent / "knowledge" / "models.py",
]


def key(knowledge_version: str) -> str:
    """Names the index of one knowledge version built by this code and these libraries."""
    digest = hashlib.sha256(knowledge_version.encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    table = table_path().stat()  # pypinyin's readings, without importing the package
    for version in (sys.version, np.__version__, opencc.__version__, str(table.st_size)):
        digest.update(version.encode())
    return digest.hexdigest()[:16]


def load_or_build(directory: Path | None, version: str, build: Callable[[], Matcher]) -> Matcher:
    """The stored index for `version`, or a fresh one (then stored) when there is none."""
    if directory is None:
        return build()
    path = directory / f"index-{key(version)}.pickle"
    try:
        with path.open("rb") as stored:
            found = pickle.load(stored)
        if isinstance(found, Matcher):
            return found
    except FileNotFoundError:
        pass
    except Exception as error:  # a damaged or foreign file is only a reason to rebuild
        log.warning("index cache %s unreadable (%s); rebuilding", path, error)
    matcher = build()
    _store(directory, path, matcher)
    return matcher


def _store(directory: Path, path: Path, matcher: Matcher) -> None:
    temporary: Path | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=directory, suffix=".tmp")
        temporary = Path(name)
        with os.fdopen(handle, "wb") as out:
            pickle.dump(matcher, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # readers never see half a file
        temporary = None
        older = sorted(directory.glob("index-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in [p for p in older if p != path][:-KEEP]:
            stale.unlink(missing_ok=True)
    except OSError as error:
        log.warning("index cache %s not written (%s)", path, error)
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
