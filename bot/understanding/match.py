"""The one scorer: ranks intents for a normalised question against examples, keywords and pinyin.

An intent's score combines:
- the closest example: IDF-weighted character and pinyin n-gram overlap (a weighted geometric
  mean of how much of the example the question covers and how much of the question the example
  explains), or rapidfuzz's edit-distance ratio for near-identical wording with small slips;
- the vote of the question's n-grams: how strongly its words, wherever they occur in the
  intent's examples, point to this intent rather than to others (catches paraphrases whose words
  are spread over several examples);
- keywords written out, or matching by pinyin (homophone typos such as 低包, 加装电题);
- concepts: the topic described without its name (a word of each group: 老楼 + 爬楼).
Negatives pull an intent down; out-of-scope anchors compete as one more class.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from bot.knowledge.models import Intent, concept_groups, each_part, matter_pattern
from bot.understanding.pinyin import blurred, syllables

OUT_OF_SCOPE = ""  # owner of out-of-scope anchors in the index
SHOWN = 3  # candidates whose closest example is looked up (for logs and review)
MAX_CANDIDATES = 8
RATIO_CHECKED = 20  # entries given the edit-distance check, the closest ones
RATIO_FLOOR = 0.3  # near-identical wording shares more n-grams than this (0.43 at least seen)
NAMED_BY = ("keyword", "sound", "concept")  # evidence where the match is a word, not an example
_KIND = {"~": "sound", "+": "concept"}  # how a keyword hit was found, by its mark
NEAR_IDENTICAL = 88  # rapidfuzz ratio (0–100) from which wording counts as the same with slips
# two things asked to be told apart (低保跟特困供养是一码事不, 这个跟生育津贴是一回事吗): a word
# ruling a topic out says nothing against the topic it is compared with
_TOLD_APART = re.compile(
    r"[^，。？！\s]{1,10}(?:跟|和|与|同)[^，。？！\s]{1,10}?"
    r"(?:是一回事|是一码事|是不是一回事|是不是一码事|有什么区别|有啥区别|的区别|区别|有什么不同|不一样)"
)


@dataclass(frozen=True)
class Weights:
    """How the scorer's parts are mixed; fixed in code, checked by the dev-split evaluation."""

    pinyin: float = 0.92  # pinyin-only agreement is a little weaker than the same characters
    unigram: float = 0.5  # single characters say less than pairs
    vote: float = 0.9  # the n-gram vote, relative to the closest example
    keyword: float = 0.80  # a topic keyword written out
    pinyin_keyword: float = 0.74  # a keyword of three or more syllables matched by its sound
    pinyin_keyword_short: float = 0.55  # a two-syllable one (招工 ~ 找工) says much less
    concept: float = 0.65  # the topic described without its name (老楼 + 爬楼)
    vote_prior: float = 3.0  # weight a question needs before its vote counts fully
    vote_smoothing: float = 0.02  # a word must recur in an intent's examples before it votes firmly
    generic: float = 0.3  # question words (怎么, 申请, 多少) say little about the topic
    both_bonus: float = 0.08  # keyword and a close example agree
    negative_slack: float = 0.08  # a negative this close to the best example starts to pull down


Grams = dict[str, float]
Posting = tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]


@dataclass(frozen=True, slots=True)
class GramInfo:
    """What one n-gram of a question adds: to the closest-example sums and to the owners' votes."""

    channel: int  # 0 characters, 1 pinyin
    weight: float
    texts: npt.NDArray[np.int32]
    text_weights: npt.NDArray[np.float64]
    row: int  # its row of weighted votes per owner, in Matcher._vote_rows


@dataclass(slots=True)
class Query:
    """A question's known n-grams per channel, with its total and squared weight per channel."""

    infos: tuple[list[GramInfo], list[GramInfo]] = field(default_factory=lambda: ([], []))
    norm2: list[float] = field(default_factory=lambda: [0.0, 0.0])
    total: list[float] = field(default_factory=lambda: [0.0, 0.0])


def _grams(chars: str, sylls: Sequence[str]) -> list[str]:
    out = [f"c{c}" for c in chars] + [f"c{a}{b}" for a, b in itertools.pairwise(chars)]
    out += [f"p{s}" for s in sylls] + [f"p{a}_{b}" for a, b in itertools.pairwise(sylls)]
    return out


@dataclass(frozen=True)
class Candidate:
    """One intent's score for a question, with what produced it."""

    intent_id: str
    score: float
    evidence: str
    matched: str
    example: float = 0.0  # the closest example's part of the score, without keywords
    vote: float = 0.0  # how much of the question's wording points to this intent alone


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


class Matcher:
    """An index over normalised examples, built once per knowledge snapshot."""

    def __init__(
        self,
        intents: Iterable[Intent],
        out_of_scope: Iterable[str],
        norm: Callable[[str], str],
        weights: Weights | None = None,
        generic: Iterable[str] = (),
        other_matters: Iterable[str] = (),
        circumstances: Iterable[str] = (),
    ) -> None:
        self.w = weights or Weights()
        self._generic: set[str] = set()
        for word in generic:
            word = norm(word).replace(" ", "")
            self._generic.update(_grams(word, syllables(word)))
        raw: list[tuple[str, str, bool]] = []
        self._keywords: list[tuple[str, str, str | None]] = []  # owner, text, spoken (≥2 sylls)
        # owner, the concept as written, its groups of normalised words
        self._concepts: list[tuple[str, str, tuple[frozenset[str], ...]]] = []
        excludes: list[tuple[str, str]] = []  # owner, words that mean another matter
        for intent in intents:
            words = (norm(w).replace(" ", "") for w in intent.excludes)
            excludes += [(intent.id, w) for w in words if w]
            raw += [(intent.id, norm(e), False) for e in (*intent.examples, intent.title)]
            raw += [(intent.id, norm(n), True) for n in intent.negatives]
            for keyword in (*intent.keywords, intent.title):
                key = norm(keyword).replace(" ", "")
                if len(key) >= 2:
                    sylls = syllables(key)
                    spoken = f" {' '.join(sylls)} " if len(sylls) >= 2 else None
                    self._keywords.append((intent.id, key, spoken))
            for concept in intent.concepts:
                groups = tuple(
                    frozenset(w for w in (norm(a).replace(" ", "") for a in group) if w)
                    for group in concept_groups(concept)
                )
                self._concepts.append((intent.id, concept, groups))
        raw += [(OUT_OF_SCOPE, norm(a), False) for a in out_of_scope]
        raw = [r for r in dict.fromkeys(raw) if r[1]]  # grouped by owner, in order

        grams_of = [set(_grams(text.replace(" ", ""), syllables(text))) for _, text, _ in raw]
        df: dict[str, int] = defaultdict(int)
        for grams in grams_of:
            for gram in grams:
                df[gram] += 1
        self._idf_default = math.log(1 + len(raw))
        self._idf = {g: math.log(1 + len(raw) / n) for g, n in df.items()}
        self._indexed_weight = {g: self._weight(g) for g in df}  # each indexed n-gram once

        self._owners = list(dict.fromkeys(owner for owner, _, _ in raw))
        owner_index = {owner: i for i, owner in enumerate(self._owners)}
        self._owner_of = np.array([owner_index[o] for o, _, _ in raw], dtype=np.int32)
        self._starts = np.searchsorted(self._owner_of, np.arange(len(self._owners)))
        self._negative = np.array([n for _, _, n in raw], dtype=np.float64)  # 1.0 = negative
        self._positive = 1.0 - self._negative
        self._texts = [text for _, text, _ in raw]
        norms = np.zeros((2, len(raw)))
        postings: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for index, grams in enumerate(grams_of):
            for channel, part in enumerate(self._weights(grams)):
                norms[channel, index] = _norm2(part)
                for gram, weight in part.items():
                    postings[gram][0].append(index)
                    postings[gram][1].append(weight)
        self._norm2 = np.where(norms > 0, norms, np.inf)
        indexed = {
            g: (np.array(i, dtype=np.int32), np.array(w)) for g, (i, w) in postings.items()
        }
        # a topic's keywords also count as its wording when the question's words vote, all of
        # them together as one more example (so 补贴 in many keywords does not outvote the rest)
        key_grams: dict[str, set[str]] = defaultdict(set)
        for owner, key, _ in self._keywords:
            key_grams[owner].update(_grams(key, syllables(key)))
        keys = [(owner, "", False) for owner in key_grams]
        votes = self._vote_table(raw + keys, grams_of + list(key_grams.values()), owner_index)
        # everything a question's n-gram contributes, looked up once per n-gram: its channel,
        # its own weight, and its postings and votes already multiplied by that weight
        none: Posting = (np.zeros(0, dtype=np.int32), np.zeros(0))
        self._known: dict[str, GramInfo] = {}
        known = sorted(indexed.keys() | votes.keys())
        self._vote_rows = np.zeros((len(known) + 1, len(self._owners)))  # last row: no vote
        rows: list[int] = []
        columns: list[int] = []
        shares: list[float] = []
        for row, gram in enumerate(known):
            weight = self._indexed_weight.get(gram) or self._weight(gram)
            texts, text_w = indexed.get(gram, none)
            for column, share in votes.get(gram, ()):
                rows.append(row)
                columns.append(column)
                shares.append(weight * share)
            self._known[gram] = GramInfo(int(gram[0] != "c"), weight, texts, weight * text_w, row)
        self._vote_rows[rows, columns] = shares
        # excluded words and other matters by their first character, likewise
        self._excludes_by_char: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for owner, word in excludes:
            self._excludes_by_char[word[0]].append((owner, word))
        self._other_by_char = _by_first_char(each_part(norm, w) for w in other_matters)
        self._told_by_char = _by_first_char(each_part(norm, w) for w in circumstances)
        # keywords by their first character and first syllable: only those can occur in a text
        self._keys_by_char: dict[str, list[int]] = defaultdict(list)
        self._keys_by_sound: dict[str, list[int]] = defaultdict(list)
        for number, (_, key, key_spoken) in enumerate(self._keywords):
            self._keys_by_char[key[0]].append(number)
            if key_spoken is not None:
                self._keys_by_sound[key_spoken.split()[0]].append(number)
        self._concept_words: dict[str, set[str]] = defaultdict(set)  # by first character
        self._concepts_by_word: dict[str, list[int]] = defaultdict(list)  # by a first-group word
        for number, (_, _, groups) in enumerate(self._concepts):
            for word in itertools.chain(*groups):
                self._concept_words[word[0]].add(word)
            for word in groups[0]:
                self._concepts_by_word[word].append(number)

    def _vote_table(
        self,
        raw: list[tuple[str, str, bool]],
        grams_of: list[set[str]],
        owner_index: dict[str, int],
    ) -> dict[str, list[tuple[int, float]]]:
        """For each n-gram, how its occurrences split over owners (sizes evened out)."""
        size: dict[str, int] = defaultdict(int)
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for (owner, _, negative), grams in zip(raw, grams_of, strict=True):
            if negative:
                continue
            size[owner] += 1
            for gram in grams:
                counts[gram][owner] += 1
        table = {}
        for gram, by_owner in counts.items():
            rates = {owner: n / size[owner] for owner, n in by_owner.items()}
            total = sum(rates.values()) + self.w.vote_smoothing
            table[gram] = [(owner_index[o], rate / total) for o, rate in rates.items()]
        return table

    def _weight(self, gram: str) -> float:
        weight = self._idf.get(gram, self._idf_default)
        single = len(gram) == 2 or (gram[0] == "p" and "_" not in gram)
        weight *= self.w.unigram if single else 1.0
        return weight * (self.w.generic if gram in self._generic else 1.0)

    def _weights(self, grams: Iterable[str]) -> tuple[Grams, Grams]:
        chars: Grams = {}
        pinyin: Grams = {}
        known = self._indexed_weight
        for gram in grams:
            weight = known.get(gram)
            (chars if gram[0] == "c" else pinyin)[gram] = weight or self._weight(gram)
        return chars, pinyin

    def _query(self, grams: Iterable[str]) -> Query:
        """The question's n-grams, gathered per channel (characters, pinyin)."""
        query = Query()
        known, infos, norm2, total = self._known, query.infos, query.norm2, query.total
        for gram in grams:
            info = known.get(gram)
            if info is None:  # unseen: it only makes the question longer
                channel, weight = int(gram[0] != "c"), self._weight(gram)
            else:
                channel, weight = info.channel, info.weight
                infos[channel].append(info)
            norm2[channel] += weight * weight
            total[channel] += weight
        return query

    def _keyword_hits(self, text: str, sylls: list[str]) -> dict[str, tuple[float, str]]:
        """Keywords found written out, or (marked with ~) by their sound."""
        hits: dict[str, tuple[float, str]] = {}
        spoken = " " + " ".join(sylls) + " "
        compact = text.replace(" ", "")
        loose = blurred(spoken) if compact.isascii() else ""  # pinyin input: lingong is 零工
        possible: set[int] = set(range(len(self._keywords))) if loose else set()
        if not loose:  # only keywords sharing a character or a syllable can be there
            for char in set(compact):
                possible.update(self._keys_by_char.get(char, ()))
            for syllable in set(sylls):
                possible.update(self._keys_by_sound.get(syllable, ()))
        for number in sorted(possible):
            owner, key, key_spoken = self._keywords[number]
            if key in compact:
                score = self.w.keyword + 0.02 * min(len(key) - 2, 3)
            elif key_spoken is not None and (
                key_spoken in spoken or (loose and blurred(key_spoken) in loose)
            ):
                long_key = key_spoken.count(" ") >= 4
                score = self.w.pinyin_keyword if long_key else self.w.pinyin_keyword_short
                key = "~" + key
            else:
                continue
            if score > hits.get(owner, (0.0, ""))[0]:
                hits[owner] = (score, key)
        for owner, concept in self.described(compact).items():
            if self.w.concept > hits.get(owner, (0.0, ""))[0]:
                hits[owner] = (self.w.concept, "+" + concept)
        return hits

    def described(self, text: str) -> dict[str, str]:
        """Intents whose concept holds for normalised text, with the first concept that does."""
        compact = text.replace(" ", "")
        present = {
            word
            for char in set(compact)
            for word in self._concept_words.get(char, ())
            if word in compact
        }
        found: dict[str, str] = {}
        possible = sorted({n for word in present for n in self._concepts_by_word.get(word, ())})
        for owner, concept, groups in (self._concepts[n] for n in possible):
            if owner not in found and all(group & present for group in groups):
                found[owner] = concept
        return found

    def concept_candidate(self, intent_id: str, concept: str, known: Candidate | None) -> Candidate:
        """A concept found across a long message, keeping what its parts said of the topic."""
        example, vote = (known.example, known.vote) if known else (0.0, 0.0)
        return Candidate(intent_id, self.w.concept, "concept", "+" + concept, example, vote)

    def _closest(self, texts: Sequence[str], queries: Sequence[Query]) -> npt.NDArray[np.float64]:
        """Similarity of each question to every entry (0 where nothing is shared): one row each."""
        size = len(self._texts)
        sims = np.zeros((len(queries), size))
        for channel in (0, 1):
            dots = _accumulate([q.infos[channel] for q in queries], size)
            # the geometric mean of how much of the example the question covers and how much
            # of the question the example explains (each at most 1), computed in place
            covers_example = np.minimum(dots / self._norm2[channel], 1.0)
            own = np.array([[q.norm2[channel] or 1.0] for q in queries])
            explains_query = np.minimum(dots, own, out=dots)
            explains_query /= own
            covers_example *= explains_query
            np.sqrt(covers_example, out=covers_example)
            if channel:
                covers_example *= self.w.pinyin
            np.maximum(sims, covers_example, out=sims)
        # near-identical wording shares most n-grams, so only the closest few are worth an
        # edit-distance check (a slip like 怎么申情 ~ 怎么申请)
        for text, similar in zip(texts, sims, strict=True):
            close = np.flatnonzero(similar >= RATIO_FLOOR)
            if len(close) > RATIO_CHECKED:
                close = close[np.argpartition(similar[close], -RATIO_CHECKED)[-RATIO_CHECKED:]]
            for index in close.tolist():
                ratio = fuzz.ratio(text, self._texts[index], score_cutoff=NEAR_IDENTICAL)
                if ratio:
                    similar[index] = max(similar[index], ratio / 100.0)
        return sims

    def _vote(self, queries: Sequence[Query]) -> npt.NDArray[np.float64]:
        """Share of each question's weight that points to each owner: one row each."""
        best = np.zeros((len(queries), len(self._owners)))
        for channel in (0, 1):
            rows: list[int] = []
            starts: list[int] = []
            for query in queries:  # each question's rows, then the empty row (so none is empty)
                starts.append(len(rows))
                rows += [i.row for i in query.infos[channel]]
                rows.append(-1)
            votes = np.add.reduceat(self._vote_rows[rows], starts, axis=0)
            factor = 1.0 if channel == 0 else self.w.pinyin
            # short questions carry little evidence: a prior weight keeps "谢" from voting 100%
            totals = np.array([[q.total[channel] + self.w.vote_prior] for q in queries])
            np.maximum(best, factor * votes / totals, out=best)
        return best

    def match(self, text: str) -> MatchResult:
        """Score every intent for normalised `text`; best first."""
        return self.match_all([text])[0]

    def match_all(self, texts: Sequence[str]) -> list[MatchResult]:
        """`match` for several normalised texts at once (the parts of a long message): the
        examples are compared for all of them together, which is cheaper than one by one."""
        if not texts:
            return []
        sounds = [syllables(text) for text in texts]
        queries = [
            self._query(set(_grams(text.replace(" ", ""), sylls)))
            for text, sylls in zip(texts, sounds, strict=True)
        ]
        sims = self._closest(texts, queries)
        positive = sims * self._positive
        best = np.maximum.reduceat(positive, self._starts, axis=1)
        worst = np.maximum.reduceat(sims * self._negative, self._starts, axis=1)
        votes = self.w.vote * self._vote(queries)
        examples = np.maximum(best, votes).tolist()  # plain floats: cheaper one by one
        rows = zip(examples, worst.tolist(), votes.tolist(), strict=True)
        return [
            self._ranked(text, sylls, row, positive[n])
            for n, (text, sylls, row) in enumerate(zip(texts, sounds, rows, strict=True))
        ]

    def _ranked(
        self,
        text: str,
        sylls: list[str],
        row: tuple[list[float], list[float], list[float]],
        positive: npt.NDArray[np.float64],
    ) -> MatchResult:
        """One question's candidates from its per-owner example, negative and vote scores."""
        examples, worst_negative, votes = row
        hits = self._keyword_hits(text, sylls)
        excluded = self.excluded(text)
        scored: list[tuple[float, str, int, str, str]] = []
        out_of_scope, oos_text = 0.0, ""
        for index, owner in enumerate(self._owners):
            example_score = examples[index]
            keyword_score, keyword = hits.get(owner, (0.0, ""))
            if example_score < 0.05 and not keyword_score:
                continue
            if owner == OUT_OF_SCOPE:
                out_of_scope, oos_text = example_score, self._best_text(index, positive)
                continue
            if owner in excluded:
                continue
            kind = _KIND.get(keyword[:1], "keyword")
            if keyword_score and example_score >= 0.5:
                score = max(keyword_score, example_score) + self.w.both_bonus
                evidence = "both-" + kind
            elif keyword_score > example_score:
                score, evidence = keyword_score, kind
            else:
                score, evidence = example_score, "example"
            pull = worst_negative[index] - (example_score - self.w.negative_slack)
            if pull > 0:
                score -= 1.5 * pull
                evidence += "-negative"
            scored.append((round(min(score, 1.0), 4), owner, index, evidence, keyword))
        scored.sort(key=lambda s: (-s[0], s[1]))
        candidates = []
        for rank, (score, owner, index, evidence, keyword) in enumerate(scored[:MAX_CANDIDATES]):
            if evidence.startswith(NAMED_BY):
                matched = keyword
            elif rank < SHOWN:  # the closest example, only where it is shown (logs, review)
                matched = self._best_text(index, positive)
            else:
                matched = ""
            example, share = round(examples[index], 4), round(votes[index], 4)
            candidates.append(Candidate(owner, score, evidence, matched, example, share))
        return MatchResult(tuple(candidates), round(out_of_scope, 4), oos_text)

    def names_a_topic(self, text: str) -> bool:
        """Whether normalised text names a topic by a keyword, its sound or a concept (cheap:
        no example is compared)."""
        return bool(self.named_topics(text))

    def named_topics(self, text: str) -> set[str]:
        """The topics normalised text names by a keyword, its sound or a concept."""
        return self._keyword_hits(text, syllables(text)).keys() - self.excluded(text)

    def excluded(self, text: str) -> set[str]:
        """Intents ruled out by a word in normalised text that means another matter."""
        compact = _TOLD_APART.sub("，", text.replace(" ", ""))
        by_char = self._excludes_by_char
        return {
            owner
            for char in set(compact).intersection(by_char)
            for owner, word in by_char[char]
            if word in compact
        }

    def another_matter(self, text: str) -> re.Pattern[str] | None:
        """A word in normalised text that means another matter whatever topic it names."""
        return _first_found(self._other_by_char, text)

    def circumstance(self, text: str) -> re.Pattern[str] | None:
        """A word in normalised text telling the resident's situation (腰椎, 焦化厂, 房贷)."""
        return _first_found(self._told_by_char, text)

    def _best_text(self, owner: int, sims: npt.NDArray[np.float64]) -> str:
        start = int(self._starts[owner])
        end = int(self._starts[owner + 1]) if owner + 1 < len(self._starts) else len(sims)
        return self._texts[start + int(np.argmax(sims[start:end]))]


def _by_first_char(words: Iterable[str]) -> dict[str, list[re.Pattern[str]]]:
    """Patterns for words meaning another matter (医保卡*刷), by their first character."""
    by_char: dict[str, list[re.Pattern[str]]] = defaultdict(list)
    for word in (w.replace(" ", "") for w in words):
        if word.strip("*"):
            by_char[word[0]].append(matter_pattern(word))
    return by_char


def _first_found(by_char: dict[str, list[re.Pattern[str]]], text: str) -> re.Pattern[str] | None:
    compact = text.replace(" ", "")
    words = (word for char in set(compact).intersection(by_char) for word in by_char[char])
    return next((word for word in words if word.search(compact)), None)


def _accumulate(rows: list[list[GramInfo]], size: int) -> npt.NDArray[np.float64]:
    """Sum each question's weighted postings per entry: a row per question, one bincount."""
    found = [(n, infos) for n, infos in enumerate(rows) if infos]
    if not found:
        return np.zeros((len(rows), size))
    indices = np.concatenate([info.texts for _, infos in found for info in infos])
    weights = np.concatenate([info.text_weights for _, infos in found for info in infos])
    if len(rows) > 1:  # row n's entries are counted at n * size + entry
        lengths = [sum(len(info.texts) for info in infos) for _, infos in found]
        indices = indices + np.repeat([n * size for n, _ in found], lengths)
    summed = np.bincount(indices, weights, minlength=len(rows) * size)
    return summed.reshape(len(rows), size).astype(np.float64)


def _norm2(grams: Grams) -> float:
    return sum(w * w for w in grams.values())


def merge(results: Sequence[MatchResult]) -> MatchResult:
    """The best score per intent over several parts of one message (long messages)."""
    best: dict[str, Candidate] = {}
    for result in results:
        for candidate in result.candidates:
            known = best.get(candidate.intent_id)
            if known is None or candidate.score > known.score:
                best[candidate.intent_id] = candidate
    # the out-of-scope pull comes from the part that best matched a topic, not from chatter
    basis = max(results, key=lambda r: r.top.score if r.top else -1.0)
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.intent_id))
    return MatchResult(tuple(ranked), basis.out_of_scope, basis.out_of_scope_match)
