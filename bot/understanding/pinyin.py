"""Toneless pinyin syllables for homophone typos (低包, 加装电题) and pinyin input."""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

_RUNS = re.compile(r"[\u3400-\u9fff]+|[a-z]+|\d+")


@lru_cache(maxsize=4096)  # some 1,500 distinct toned syllables cover every character
def _toneless(reading: str) -> str:
    reading = reading.replace("ü", "v")
    return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))


def table_path() -> Path:
    """Where pypinyin keeps its character table."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pypinyin is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"


@lru_cache(maxsize=1)
def _pinyin_table() -> dict[int, str]:
    """pypinyin's character table, read as data (importing the package loads 50 MB of phrases)."""
    table = json.loads(table_path().read_text(encoding="utf-8"))
    return {int(code): readings for code, readings in table.items()}


@lru_cache(maxsize=1)
def _readings() -> dict[str, str]:
    """Each character's first (most common) reading, without tones.

    One reading per character is enough: questions and examples are read the same way, and
    it avoids loading pypinyin's large phrase dictionary.
    """
    return {chr(code): _toneless(r.split(",")[0]) for code, r in _pinyin_table().items()}


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    found = {_toneless(r) for readings in _pinyin_table().values() for r in readings.split(",")}
    return frozenset(s for s in found if s.isascii() and s.isalpha())


def segment(letters: str) -> list[str] | None:
    """Split a run of latin letters into pinyin syllables (fewest pieces), or None if not pinyin.

    Of splits with as few pieces, the one with fewest later syllables opening on a vowel wins, as
    pinyin writes 西安 xi'an with a mark: jineng is ji neng, not jin eng."""
    known = _syllables()
    best: list[list[str] | None] = [[]] + [None] * len(letters)  # best[i]: split of letters[:i]
    for end in range(1, len(letters) + 1):
        for size in range(1, min(6, end) + 1):
            before = best[end - size]
            piece = letters[end - size : end]
            current = best[end]
            if before is None or piece not in known:
                continue
            split = [*before, piece]
            if current is None or _cost(split) < _cost(current):
                best[end] = split
    return best[len(letters)]


def _cost(split: list[str]) -> tuple[int, int]:
    """Fewer syllables first, then fewer later syllables opening on a vowel."""
    return len(split), sum(piece[0] in "aeo" for piece in split[1:])


# typed pinyin often blurs zh/z, ch/c, sh/s and -ng/-n (lingong for 零工, as 晋中 speech does)
_BLURRED = re.compile(r"\b([zcs])h|(?<=[aeiu])ng\b")


@lru_cache(maxsize=4096)  # the keywords' sounds are blurred once each
def blurred(spoken: str) -> str:
    """Space-separated syllables with the sounds typed pinyin confuses made the same."""
    return _BLURRED.sub(lambda m: m.group(1) or "n", spoken)


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
            readings = _readings()
            out.extend(readings.get(char, char) for char in run)
    return out


def spoken(text: str) -> str:
    """The syllables of text between spaces, for finding a phrase's sound within another's."""
    return f" {' '.join(syllables(text))} "
