"""The one scorer: ranks intents for a normalised question against examples, keywords and pinyin.

Similarity of a question to one example is the best of three views:
- IDF-weighted character unigram+bigram overlap: a weighted geometric mean of how much of the
  example the question covers and how much of the question the example explains;
- the same over toneless pinyin syllables, so homophone typos and pinyin input match;
- rapidfuzz's edit-distance ratio, for near-identical wording with small slips.
Keywords (and their pinyin) give strong evidence; negatives and out-of-scope anchors pull down.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.knowledge.models import Intent
from bot.understanding.pinyin import syllables

OUT_OF_SCOPE = ""        # owner of out-of-scope anchors in the index
EXAMPLE_SIDE = 0.7       # how much the example's coverage counts against the question's
PINYIN_WEIGHT = 0.92     # pinyin-only agreement is a little weaker than the same characters
UNIGRAM_WEIGHT = 0.5     # single characters say less than pairs
KEYWORD_SCORE = 0.80     # a topic keyword written out in the question
PINYIN_KEYWORD_SCORE = 0.74
BOTH_BONUS = 0.08        # keyword and a close example agree
NEGATIVE_SLACK = 0.08    # a negative this close to the best example starts to pull down

Grams = dict[str, float]


def _grams(chars: str, sylls: Sequence[str]) -> list[str]:
    out = [f"c{c}" for c in chars] + [f"c{a}{b}" for a, b in zip(chars, chars[1:], strict=False)]
    out += [f"p{s}" for s in sylls] + [f"p{a}_{b}" for a, b in zip(sylls, sylls[1:], strict=False)]
    return out


@dataclass(frozen=True)
class Candidate:
    """One intent's score for a question, with what produced it."""

    intent_id: str
    score: float
    evidence: str
    matched: str


@dataclass(frozen=True)
class MatchResult:
    """Ranked candidates plus how close the question is to out-of-scope anchors."""

    candidates: tuple[Candidate, ...]
    out_of_scope: float
    out_of_scope_match: str

    @property
    def top(self) -> Candidate | None:
        """The best candidate, if any."""
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True)
class _Entry:
    owner: str
    text: str
    negative: bool
    chars: Grams
    pinyin: Grams
    chars_norm2: float
    pinyin_norm2: float


class Matcher:
    """An index over normalised examples, built once per knowledge snapshot."""

    def __init__(
        self,
        intents: Iterable[Intent],
        out_of_scope: Iterable[str],
        norm: Callable[[str], str],
    ) -> None:
        raw: list[tuple[str, str, bool]] = []
        self._keywords: list[tuple[str, str, tuple[str, ...]]] = []
        for intent in intents:
            raw += [(intent.id, norm(e), False) for e in (*intent.examples, intent.title)]
            raw += [(intent.id, norm(n), True) for n in intent.negatives]
            for keyword in (*intent.keywords, intent.title):
                key = norm(keyword)
                if len(key) >= 2:
                    self._keywords.append((intent.id, key, tuple(syllables(key))))
        raw += [(OUT_OF_SCOPE, norm(a), False) for a in out_of_scope]
        raw = [r for r in dict.fromkeys(raw) if r[1]]

        grams_of = [_grams(text.replace(" ", ""), syllables(text)) for _, text, _ in raw]
        df: dict[str, int] = defaultdict(int)
        for grams in grams_of:
            for gram in set(grams):
                df[gram] += 1
        total = len(raw)
        self._idf_default = math.log(1 + total)
        self._idf = {g: math.log(1 + total / n) for g, n in df.items()}

        self._entries: list[_Entry] = []
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, ((owner, text, negative), grams) in enumerate(zip(raw, grams_of, strict=True)):
            chars, pinyin = self._weights(grams)
            self._entries.append(
                _Entry(owner, text, negative, chars, pinyin,
                       sum(w * w for w in chars.values()), sum(w * w for w in pinyin.values()))
            )
            for gram, weight in (*chars.items(), *pinyin.items()):
                self._postings[gram].append((index, weight))
        self._texts = [e.text for e in self._entries]

    def _weights(self, grams: Iterable[str]) -> tuple[Grams, Grams]:
        chars: Grams = {}
        pinyin: Grams = {}
        for gram in set(grams):
            weight = self._idf.get(gram, self._idf_default)
            single = len(gram) == 2 or (gram[0] == "p" and "_" not in gram)
            weight *= UNIGRAM_WEIGHT if single else 1.0
            (chars if gram[0] == "c" else pinyin)[gram] = weight
        return chars, pinyin

    def _keyword_hits(self, text: str, sylls: list[str]) -> dict[str, tuple[float, str]]:
        hits: dict[str, tuple[float, str]] = {}
        joined = " " + " ".join(sylls) + " "
        compact = text.replace(" ", "")
        for owner, key, key_sylls in self._keywords:
            if key.replace(" ", "") in compact:
                score = KEYWORD_SCORE + 0.02 * min(len(key) - 2, 3)
            elif len(key_sylls) >= 2 and f" {' '.join(key_sylls)} " in joined:
                score = PINYIN_KEYWORD_SCORE
            else:
                continue
            if score > hits.get(owner, (0.0, ""))[0]:
                hits[owner] = (score, key)
        return hits

    def match(self, text: str) -> MatchResult:
        """Score every intent for normalised `text`; best first."""
        sylls = syllables(text)
        chars_q, pinyin_q = self._weights(_grams(text.replace(" ", ""), sylls))
        norm_c = math.sqrt(sum(w * w for w in chars_q.values())) or 1.0
        norm_p = math.sqrt(sum(w * w for w in pinyin_q.values())) or 1.0

        dots_c: dict[int, float] = defaultdict(float)
        dots_p: dict[int, float] = defaultdict(float)
        for query, dots in ((chars_q, dots_c), (pinyin_q, dots_p)):
            for gram, weight in query.items():
                for index, entry_weight in self._postings.get(gram, ()):
                    dots[index] += weight * entry_weight

        sims: dict[int, float] = {}
        for dots, norm_q, is_chars in ((dots_c, norm_c, True), (dots_p, norm_p, False)):
            factor = 1.0 if is_chars else PINYIN_WEIGHT
            for index, dot in dots.items():
                entry = self._entries[index]
                norm2 = entry.chars_norm2 if is_chars else entry.pinyin_norm2
                if norm2 <= 0:
                    continue
                covers_example = min(dot / norm2, 1.0)
                explains_query = min(dot / (norm_q * norm_q), 1.0)
                sim = factor * covers_example**EXAMPLE_SIDE * explains_query ** (1 - EXAMPLE_SIDE)
                if sim > sims.get(index, 0.0):
                    sims[index] = sim
        for _, ratio, index in process.extract(
            text, self._texts, scorer=fuzz.ratio, limit=10, score_cutoff=70
        ):
            sims[index] = max(sims.get(index, 0.0), ratio / 100.0)

        best: dict[str, tuple[float, str]] = {}
        worst: dict[str, float] = {}
        for index, sim in sims.items():
            entry = self._entries[index]
            if entry.negative:
                worst[entry.owner] = max(worst.get(entry.owner, 0.0), sim)
            elif sim > best.get(entry.owner, (0.0, ""))[0]:
                best[entry.owner] = (sim, entry.text)

        out_of_scope, oos_text = best.pop(OUT_OF_SCOPE, (0.0, ""))
        hits = self._keyword_hits(text, sylls)
        candidates = []
        for owner in set(best) | set(hits):
            example_score, example = best.get(owner, (0.0, ""))
            keyword_score, keyword = hits.get(owner, (0.0, ""))
            if keyword_score and example_score >= 0.5:
                score, evidence, matched = max(keyword_score, example_score) + BOTH_BONUS, "both", example
            elif keyword_score > example_score:
                score, evidence, matched = keyword_score, "keyword", keyword
            else:
                score, evidence, matched = example_score, "example", example
            pull = worst.get(owner, 0.0) - (example_score - NEGATIVE_SLACK)
            if pull > 0:
                score -= 1.5 * pull
                evidence += "-negative"
            candidates.append(Candidate(owner, round(min(score, 1.0), 4), evidence, matched))
        candidates.sort(key=lambda c: (-c.score, c.intent_id))
        return MatchResult(tuple(candidates), round(out_of_scope, 4), oos_text)


def merge(results: Sequence[MatchResult]) -> MatchResult:
    """The best score per intent over several parts of one message (long messages)."""
    best: dict[str, Candidate] = {}
    for result in results:
        for candidate in result.candidates:
            if candidate.score > best.get(candidate.intent_id, candidate).score or (
                candidate.intent_id not in best
            ):
                best[candidate.intent_id] = candidate
    # the out-of-scope pull comes from the part that best matched a topic, not from chatter
    oos = max(results, key=lambda r: r.top.score if r.top else -1.0)
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.intent_id))
    return MatchResult(tuple(ranked), oos.out_of_scope, oos.out_of_scope_match)
