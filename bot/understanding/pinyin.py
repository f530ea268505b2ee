"""Toneless pinyin syllables for homophone typos (低包, 加装电题) and pinyin input."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import lazy_pinyin
from pypinyin.constants import PINYIN_DICT

_RUNS = re.compile(r"[\u3400-\u9fff]+|[a-z]+|\d+")


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    found: set[str] = set()
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            plain = "".join(
                c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c)
            )
            found.add(plain.replace("ü", "v"))
    return frozenset(s for s in found if s.isascii() and s.isalpha())


def segment(letters: str) -> list[str] | None:
    """Split a run of latin letters into pinyin syllables, or None if it is not pinyin."""
    known = _syllables()
    out: list[str] = []
    i = 0
    while i < len(letters):
        for size in range(min(6, len(letters) - i), 0, -1):
            if letters[i : i + size] in known:
                out.append(letters[i : i + size])
                i += size
                break
        else:
            return None
    return out


def syllables(text: str) -> list[str]:
    """Pinyin syllables of normalised text: Chinese is converted, pinyin input is segmented.

    Latin words are read as pinyin only when most of them are pinyin, so English or SQL
    ("select from dibao") is not mistaken for a question typed in pinyin.
    """
    runs = _RUNS.findall(text)
    latin = [run for run in runs if run.isascii() and run.isalpha()]
    readable = {run: segment(run) for run in latin}
    as_pinyin = sum(1 for parts in readable.values() if parts) >= 0.6 * len(latin)
    out: list[str] = []
    for run in runs:
        if run in readable:
            parts = readable[run]
            out.extend(parts if parts and as_pinyin else [run])
        elif run[0].isdigit():
            out.append(run)
        else:
            out.extend(lazy_pinyin(run))
    return out
