"""Reading a long or many-part message: clause by clause, which part is the question, and
whether its story is about something else."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.config import Thresholds
from bot.knowledge.models import FacetId
from bot.understanding.cues import Cues
from bot.understanding.decide import (
    ANOTHER_MATTER,
    OUT_OF_SCOPE_CLOSER,
    TWO_TOPICS_NAMED,
    Decision,
    Verdict,
    named,
)
from bot.understanding.match import Matcher, MatchResult, merge
from bot.understanding.normalise import MAX_CHARS, Normaliser, clean
from bot.understanding.wording import (
    APPLYING,
    ASKS,
    ASKS_AT_ALL,
    CLAUSE,
    OPENER,
    PARTS,
    QUESTION_WORDS,
    SECOND_QUESTION,
    char_pairs,
    question_parts,
    share_of,
)

LONG_MESSAGE = 30  # characters; longer messages are also matched clause by clause
SHORT_PART = 7  # characters; a shorter part of a long message counts only for topics it names
MAX_CLAUSES = 8  # of a rambling message, the first 3 and the last 5 clauses are read
STORY_ASK_PAIRS = 3  # pairs of characters a story's asking parts say beyond question words
NOTHING = MatchResult((), 0.0, "")  # a part of a message that says nothing of any topic
Understood = tuple[MatchResult, Verdict, FacetId | None]  # candidates, verdict, facet asked


class MessageParts:
    """How the engine reads the parts of a message; mixed into `Engine`, which owns the
    attributes below and `_understand`."""

    normalise: Normaliser
    cues: Cues
    matcher: Matcher
    thresholds: Thresholds
    _frame: re.Pattern[str]
    _asking: re.Pattern[str]
    _status: re.Pattern[str]
    _wording: dict[str, set[str]]
    _any_wording: set[str]  # pairs any topic's wording uses

    def _understand(
        self, text: str, context: str | None, memo: dict[str, MatchResult]
    ) -> Understood:
        """A message's candidates, verdict and facet (the engine's own reading)."""
        raise NotImplementedError

    def match(self, text: str, memo: dict[str, MatchResult] | None = None) -> MatchResult:
        """Ranked candidates for raw text; long messages also clause by clause."""
        memo = {} if memo is None else memo
        whole = self.normalise(text)
        if len(whole) <= LONG_MESSAGE:
            if whole not in memo:
                memo[whole] = self.matcher.match(whole)
            return memo[whole]
        clauses = [
            c
            for c in (self.normalise(p) for p in CLAUSE.split(text[:MAX_CHARS]))
            if len(c) > 1 and (self._content(c) >= 2 or self.matcher.names_a_topic(c))
        ]
        if len(clauses) > MAX_CLAUSES:  # the question is usually at the end, sometimes at the start
            clauses = clauses[:3] + clauses[3 - MAX_CLAUSES :]
        windows = clauses if len(clauses) >= 3 else [whole, *clauses]
        # a short part (去哪能充, 游一次多少钱) counts only for the topics it names, not for a
        # topic one of whose examples it happens to echo
        heard = [
            w
            for w in dict.fromkeys(windows)
            if len(w.replace(" ", "")) >= SHORT_PART or self.matcher.names_a_topic(w)
        ]
        unknown = [w for w in heard if w not in memo]
        memo.update(zip(unknown, self.matcher.match_all(unknown), strict=True))
        merged = merge([self._heard(w, memo[w]) for w in heard] or [NOTHING])
        # 课后托管班 anywhere in the message rules 托育 out, also in the clauses without it;
        # a topic described across clauses (老楼 … 没电梯 … 爬不动) counts as described
        ruled_out = self.matcher.excluded(whole)
        scored = {c.intent_id: c for c in merged.candidates}
        for intent_id, concept in self.matcher.described(whole).items():
            known = scored.get(intent_id)
            if known is None or known.score < self.matcher.w.concept:
                scored[intent_id] = self.matcher.concept_candidate(intent_id, concept, known)
        kept = sorted(
            (c for c in scored.values() if c.intent_id not in ruled_out),
            key=lambda c: (-c.score, c.intent_id),
        )
        return replace(merged, candidates=tuple(kept))

    @staticmethod
    def _heard(window: str, result: MatchResult) -> MatchResult:
        """What one part of a long message says (a short part: only the topics it names)."""
        if len(window.replace(" ", "")) >= SHORT_PART:
            return result
        return replace(result, candidates=tuple(c for c in result.candidates if named(c)))

    def _the_question(
        self,
        text: str,
        normalised: str,
        understood: Understood,
        context: str | None,
        memo: dict[str, MatchResult],
    ) -> tuple[MatchResult, Verdict, FacetId | None, tuple[str, ...]]:
        """What a message asks about when it asks several things or names several topics, with
        the other topics it names (shown under the answer)."""
        result, verdict, facet = understood
        related: tuple[str, ...] = ()
        # several questions in one message: answer the first that is clear on its own. A word
        # ruling a topic out may sit in an announced second question (育儿补贴咋申请，另外高铁
        # 几点); wherever it sits, only a part that names a topic and asks can then be answered
        # (想领育儿补贴 得先上户口吧 上户口要啥材料 asks about 上户口)
        ruled_out = verdict.decision is Decision.DECLINE and bool(self.matcher.excluded(normalised))
        if (
            verdict.decision is Decision.CLARIFY
            or verdict.reason in (OUT_OF_SCOPE_CLOSER, ANOTHER_MATTER)
            or (ruled_out and SECOND_QUESTION.search(text))
        ):
            # 低保咋办？还有驾照咋换
            named_only = verdict.reason == OUT_OF_SCOPE_CLOSER or ruled_out
            # 低保户住院，医保报销比例是多少: only a part worded as a question is the question
            asked_only = self._another_matter(text, normalised) or ruled_out
            first = self._first_clear_question(text, context, memo, named_only, asked_only)
            if verdict.reason == TWO_TOPICS_NAMED:  # answer one, point to the others
                topics = verdict.options
                if first and first[1].intent_id in topics:  # the first clear question's, unless
                    topics = (first[1].intent_id, *(t for t in topics if t != first[1].intent_id))
                chosen = self._asked_about(topics, normalised)  # it only says who asks
                if first and chosen == first[1].intent_id:
                    result, verdict, facet = first
                related = tuple(i for i in topics if i != chosen)
                verdict = Verdict(Decision.ANSWER, chosen, reason=TWO_TOPICS_NAMED)
            elif first:
                result, verdict, facet = first
        elif verdict.intent_id and self._status.search(normalised):  # an answer naming a status
            # 吃低保的人家，娃上高中有补助没: the topic named as who asks gives way to another
            named_too = [c.intent_id for c in result.candidates[1:] if named(c)]
            chosen = self._asked_about((verdict.intent_id, *named_too), normalised)
            if chosen != verdict.intent_id:
                related = (verdict.intent_id,)
                verdict = Verdict(Decision.ANSWER, chosen, reason=TWO_TOPICS_NAMED)
        return result, verdict, facet, related

    def _first_clear_question(
        self,
        text: str,
        context: str | None,
        memo: dict[str, MatchResult],
        named_only: bool,
        asked_only: bool = False,
    ) -> Understood | None:
        """In a message asking several things, the first part that can be answered confidently.

        Parts that read as questions (a question mark, 吗, or a cue such as 怎么申请) come
        before narrative (儿子在外地打零工), so the story does not pick the topic. After an
        out-of-scope decline only a part that names a topic counts (低保咋办？还有驾照咋换);
        when a word meant another matter, only a part that asks and names a topic counts
        (低保户住院，医保报销比例是多少: the question is about 医保, 低保户 only says who asks).
        """
        parts = [p for p in question_parts(text) if self.normalise(p)]
        if len(parts) < 2:
            return None
        whole = self.normalise(text)
        asking = [p for p in parts if ASKS.search(p) or self.cues.facet(self.normalise(p))]
        if asked_only:  # 低保户住院 says who asks, not what
            asking = [p for p in parts if self._asks_in_words(p)]
        narrative = [] if asked_only else [p for p in parts if p not in asking]
        # 你觉得有用没用 beside a story: the story is not what is asked, and a part naming the
        # topic is only answered where it asks something of it (懂什么适老化，哈哈哈 does not)
        viewed = any(self.cues.beyond(self.normalise(p)) for p in parts)
        if viewed:
            narrative = []
        for part in [*asking, *narrative]:
            said = self.normalise(part)
            if viewed and not (self._asks_a_facet(said) or self.cues.asks_whether(said)):
                continue
            if context is None and self._only_asks(said):  # 真的假的 names no topic
                continue
            understood = self._understand(part, context, memo)
            top = understood[0].top
            if (named_only or asked_only) and not (top and named(top)):
                continue
            verdict = understood[1]
            if verdict.decision is not Decision.ANSWER:
                continue
            # 也没退休金 only says who asks: the topic it names is not what the message asks
            if self._only_as_status(verdict.intent_id, said, whole):
                continue
            # a word ruling a topic out holds for the story around the question (加装的电梯 …
            # 坏了没人修), not for another question beside it (门禁卡丢了咋补，还有加装电梯咋申请)
            others = asking if part in asking else []
            story = "".join(p for p in parts if p == part or p not in others)
            if verdict.intent_id not in self.matcher.excluded(self.normalise(story)):
                return understood
        return None

    def _asks_in_words(self, part: str) -> bool:
        """Whether a part of a message is worded as a question: 请问 opening it asks only
        together with what it asks (请问大班免除保教费以后， does not; 问下长幼同园的条件 does)."""
        said = self.normalise(part)
        if QUESTION_WORDS.search(said) or QUESTION_WORDS.search(OPENER.sub("", part)):
            return True
        return OPENER.match(part) is not None and self.cues.facet(said) is not None

    def _another_matter(self, text: str, normalised: str) -> bool:
        """Whether a word means another matter (低保户考驾照); a word telling the resident's
        situation (丈夫肝癌晚期, 在焦化厂上班) does only in a short message or in a part that asks
        (腰椎疼吃啥药), not in the story a long message tells before asking about a topic."""
        if self.matcher.another_matter(normalised) and (
            # read part by part, so that no word is made across a comma (说说话，晚上: not 说话晚)
            not PARTS.search(text)
            or any(
                self.matcher.another_matter(self.normalise(p))
                for p in PARTS.split(text[:MAX_CHARS])
            )
        ):
            return True
        if self.matcher.circumstance(normalised) is None:
            return False
        if len(normalised.replace(" ", "")) <= LONG_MESSAGE:
            return True
        parts = [(part, self.normalise(part)) for part in question_parts(text)]
        asking = [said for part, said in parts if ASKS_AT_ALL.search(f"{part} {said}")]
        # 低保批下来要多久, 去哪登记 ask about the topic; 咋预防 does not
        topical = [
            said
            for said in asking
            if self.cues.facet(said) not in (None, "how_to_apply") or APPLYING.search(said)
        ]
        return not topical or any(map(self.matcher.circumstance, asking))

    def _asks_beyond_the_story(self, text: str, topic: str) -> bool:
        """Whether a long story answered as a topic asks, in its asking parts, about something
        none of the topics speak of (俺家危房改造完了 … 院里种啥枣树结得多): the topic is only
        its background. The asking parts must not name the topic and must say enough beyond
        question words (STORY_ASK_PAIRS pairs of characters) that no topic's examples use, or,
        asking no facet of it, mostly words not its own and some no topic's (`story_ask_own`)."""
        compact = self.normalise(text).replace(" ", "")
        if len(compact) <= LONG_MESSAGE:
            return False
        parts = question_parts(text)
        asks = QUESTION_WORDS.search
        asking = [p for p in parts if asks(p) or asks(self.normalise(p))]
        said = self.normalise("，".join(asking or parts[-1:]))
        if topic in self.matcher.named_topics(said) | self.matcher.described(said).keys():
            return False
        pairs = char_pairs(self._asking.sub("", said.replace(" ", "")))
        if len(pairs) < STORY_ASK_PAIRS:
            return False
        known = max(share_of(pairs, words) for words in self._wording.values())
        if known < self.thresholds.story_ask_familiar:
            return True
        # asking no facet of the topic, in words mostly not its own, some no topic's at all
        # (…你有没有什么在家就能做的安抚办法)
        unknown = sum(p not in self._any_wording for p in pairs)
        loosely = [said] + [p for p in map(self.normalise, parts) if ASKS_AT_ALL.search(p)]
        return (
            not any(map(self._asks_a_facet, loosely))
            and not any(map(self.cues.asks_whether, loosely))
            and share_of(pairs, self._wording[topic]) < self.thresholds.story_ask_own
            and unknown >= STORY_ASK_PAIRS
        )

    def _asks_a_facet(self, normalised: str, guess: bool = True) -> bool:
        """Whether a part asks a facet: how to apply only with words of applying (怎么申请), or
        asking how the policy goes (怎么个延法), not how to do anything (在家咋练她拿勺子)."""
        facet = self.cues.facet(normalised, guess)
        if facet != "how_to_apply":
            return facet is not None
        return bool(APPLYING.search(normalised)) or "怎么个" in normalised

    def _asked_about(self, topics: tuple[str, ...], normalised: str) -> str:
        """Of the topics a message names, the first not named only as who is asking:
        低保户能领育儿补贴吗 asks about 育儿补贴."""
        named_apart = self.matcher.named_topics(self._status.sub("，", normalised))
        named_apart |= self.matcher.described(normalised).keys()  # 低保 helps describe 助学
        return next((t for t in topics if t in named_apart), topics[0])

    def _only_asks(self, normalised: str) -> bool:
        """Whether a part only asks (真的假的, 有没有, 咋办) and names no topic."""
        said = self.cues.without_whether(self._asking.sub("", normalised.replace(" ", "")))
        return len(said) < 2 and not self.matcher.names_a_topic(normalised)

    def _only_as_status(self, topic: str | None, part: str, whole: str) -> bool:
        """Whether a part names its topic only as who is asking (家政阿姨一个月到手多少钱, 也没
        退休金): unless it asks whether such people qualify or how many there are (低保户能有车不,
        咱村吃低保的多不多) and the message names no other topic."""
        if not self._status.search(part):
            return False

        def named_apart(text: str) -> set[str]:
            said = self._status.sub("，", text)
            return self.matcher.named_topics(said) | self.matcher.described(said).keys()

        if topic in named_apart(part):
            return False
        about_them = self.cues.facet(part) in ("eligibility", "progress")
        return not about_them or bool(named_apart(whole) - {topic})

    def _only_in_second_question(self, text: str) -> bool:
        """Whether places elsewhere are named only in an announced second question, after a
        first that names a topic (长幼同园收不收钱 对了去北京的火车票还有没有)."""
        second = SECOND_QUESTION.search(text)
        if second is None:
            return False
        first = text[: second.start()]
        return self.cues.elsewhere(clean(first)) is None and bool(
            self.matcher.named_topics(self.normalise(first))
        )

    def _content(self, normalised: str) -> int:
        """Characters beyond question words (具体怎么申请 has none)."""
        return len(self._frame.sub("", normalised.replace(" ", "")))

    def _says(self, normalised: str, result: MatchResult) -> bool:
        """Whether text names a topic or says more than question words (not just 具体怎么申请)."""
        return self._content(normalised) >= 2 or any(named(c) for c in result.candidates)
