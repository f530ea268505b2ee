"""The one normaliser: width, script, case, noise, dialect. Examples and questions share it."""

from __future__ import annotations

import functools
import re
import unicodedata
from functools import lru_cache

import opencc

from bot.knowledge.models import Lexicon

MAX_CHARS = 500  # longer messages are truncated for matching (the log keeps the masked whole)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
_SPACES = re.compile(r" {2,}")
_LATIN = re.compile(r"[a-z]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _plain_latin(text: str) -> str:
    """Drop tone marks from latin letters (dībǎo → dibao); Chinese is untouched."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if char in "üǖǘǚǜ":
            char = "v"
        elif "\u00c0" <= char <= "\u024f" or "\u1e00" <= char <= "\u1eff":
            char = "".join(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            )
        out.append(char)
    return "".join(out)


def _keep(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LN"


def clean(text: str) -> str:
    """NFKC, traditional→simplified, lowercase; drop emoji, control and punctuation."""
    text = unicodedata.normalize("NFKC", text)[:MAX_CHARS]
    text = _plain_latin(_t2s().convert(text).lower())
    text = "".join(c if _keep(c) else " " for c in text)
    text = _SPACE_NEAR_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


class Normaliser:
    """Applies `clean` and then the lexicon's dialect aliases and filler removal."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._dialect = {clean(k): clean(v) for k, v in lexicon.dialect.items() if clean(k)}
        self._pattern = (
            re.compile("|".join(re.escape(k) for k in sorted(self._dialect, key=len, reverse=True)))
            if self._dialect
            else None
        )
        english = {clean(k): clean(v) for k, v in lexicon.english.items() if clean(k)}
        self._english = english
        # whole English words only: "lift" must not fire inside "shift"
        self._english_pattern = (
            re.compile(
                "|".join(
                    rf"(?<![a-z]){re.escape(k)}(?![a-z])"
                    for k in sorted(english, key=len, reverse=True)
                )
            )
            if english
            else None
        )
        fillers = sorted({clean(f) for f in lexicon.fillers if clean(f)}, key=len, reverse=True)
        self._fillers = re.compile("|".join(re.escape(f) for f in fillers)) if fillers else None
        # one message's clauses and parts are normalised several times while it is answered
        self._cached = functools.lru_cache(maxsize=4096)(self._normalise)

    def __call__(self, text: str) -> str:
        """The canonical form used for matching."""
        return self._cached(text)

    def forget(self) -> None:
        """Empty the cache (benchmarks time each question as if it were new)."""
        self._cached.cache_clear()

    def _normalise(self, text: str) -> str:
        text = clean(text)
        if self._english_pattern is not None and _LATIN.search(text):
            english, pattern = self._english, self._english_pattern
            text = pattern.sub(lambda m: f" {english[m.group(0)]} ", text)
            text = _SPACES.sub(" ", _SPACE_NEAR_CJK.sub("", text)).strip()
        if self._pattern is not None:
            text = self._pattern.sub(lambda m: self._dialect[m.group(0)], text)
        if self._fillers is not None:
            stripped = self._fillers.sub("", text).strip()
            text = stripped or text
        return text
