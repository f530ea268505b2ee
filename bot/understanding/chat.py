"""Reading a message in a chat, right after a topic was answered: a follow-up of it, a
question to ask back about it, or a message to read on its own."""

from __future__ import annotations

import re

from bot.knowledge.models import FacetId
from bot.knowledge.snapshot import Snapshot
from bot.understanding.decide import (
    BEYOND,
    FOLLOW_UP,
    MAY_FOLLOW_UP,
    NOTHING_CLOSE,
    Decision,
    Verdict,
    mentioned,
    named,
)
from bot.understanding.match import MatchResult
from bot.understanding.normalise import clean
from bot.understanding.parts import MessageParts, Understood
from bot.understanding.wording import ASKS_AT_ALL, CASE_STATE, GOES_ON, char_pairs, share_of

IN_CONTEXT_MAX = 14  # characters; a longer message is read on its own, not as a follow-up
_HAS_IT = re.compile(r"有没有|有没|有吗|有.{0,8}[没不]$")  # 俺们左权有弄这个的没
_THIS = re.compile(r"这个|这事|这种|这样的|弄了|搞了|办了|装了|建了|改了|装成")
_HERE = re.compile(r"(?:我们|咱们?|这边|这里)(?:这)?(?:村|小区|社区|镇|乡|县|街道|这)")
COUNTY_ONLY = 6  # characters; 平遥有吗, 榆社县有没有: a county asked about and little else
ASK_BACK_MAX = 20  # characters; a chat message up to this long may be asked back about the topic
TELLS_MAX = 24  # characters; a chat message up to this long telling circumstances follows up


class ChatReading(MessageParts):
    """How the engine reads a message in a chat; mixed into `Engine`."""

    snapshot: Snapshot

    def _in_the_chat(
        self,
        text: str,
        normalised: str,
        result: MatchResult,
        verdict: Verdict,
        facet: FacetId | None,
        context: str,
        memo: dict[str, MatchResult],
    ) -> tuple[Verdict, FacetId | None]:
        """What a message means right after the topic `context` was answered: a follow-up of
        it, a question to ask back about it, or what it meant on its own."""
        follows = Verdict(Decision.ANSWER, context, reason=FOLLOW_UP)
        # 俺们太谷有装成的小区没 after 加装电梯: whether it has come to this place
        if self._asks_whether_here(text, normalised, result, verdict) and (
            (reread := self._read_after(context, text, memo)) is not None
        ):
            return follows, reread[2] if reread[2] not in (None, "overview") else "progress"
        # 俺娘八十一 能去吃饭不 after 养老服务: not 高龄津贴, whose example it happens to echo
        if self._echoes_another(normalised, result, verdict, context) and (
            (reread := self._read_after(context, text, memo)) is not None
        ):
            return follows, reread[2]
        # 非得是低保户才行 after 适老化改造: 低保 says who may qualify, not what is asked
        apart = self._status.sub("，", normalised)
        if self._names_only_who_asks(normalised, apart, verdict, context) and (
            (reread := self._read_after(context, apart, memo)) is not None
        ):
            return follows, reread[2] or "eligibility"
        if verdict.decision is Decision.ANSWER:
            return verdict, facet
        if (followed := self._in_context(text, normalised, result, context, memo)) is not None:
            return follows, followed[2]
        if self._tells_more(text, normalised, result, verdict, context):
            # 孩子是她奶奶在带 after 育儿补贴: a circumstance told in reply, to weigh against who
            # can apply
            return follows, self.cues.facet(normalised) or "eligibility"
        if self._may_follow_up(text, normalised, result, verdict, context):
            # 带户口本还是身份证 after 就业社保服务点: most likely about it, but nothing in it says
            # so; ask, rather than turn away a resident in the middle of a chat
            return Verdict(Decision.CLARIFY, options=(context,), reason=MAY_FOLLOW_UP), facet
        return verdict, facet

    def _in_context(
        self,
        text: str,
        normalised: str,
        result: MatchResult,
        context: str,
        memo: dict[str, MatchResult],
    ) -> Understood | None:
        """A short message in a chat that, read as about the topic just answered, clearly is
        (双胞胎算两个吧 after 育儿补贴; 能打印出来不 after 就业社保服务点)."""
        # the topic just answered must be in reach: the closest, or, for a message asking one
        # facet (下了单以后多久能上门), close enough though another topic's example is closer
        mine = next((c for c in result.candidates if c.intent_id == context), None)
        # … or, asking one facet, in words the topic's own examples mostly use (出生证明要原件不)
        familiar = self.cues.facet(normalised) is not None and (
            self._familiar(normalised, context) >= self.thresholds.follow_up_familiar
        )
        if not familiar and (
            mine is None
            or mine.score < max(self.thresholds.follow_up_lean, result.out_of_scope)
            or (mine is not result.top and self.cues.facet(normalised) is None)
        ):
            return None
        if len(normalised.replace(" ", "")) > IN_CONTEXT_MAX or any(
            map(mentioned, result.candidates)
        ):
            return None
        if self._another_matter(text, normalised) or context in self.matcher.excluded(normalised):
            return None
        return self._read_after(context, text, memo)

    def _read_after(
        self, context: str, text: str, memo: dict[str, MatchResult]
    ) -> Understood | None:
        """The message read together with the title of the topic just answered, if it is then
        answered as that topic."""
        title = self.snapshot.intents[context].title
        understood = self._understand(f"{title} {text}", None, memo)
        verdict = understood[1]
        if verdict.decision is Decision.ANSWER and verdict.intent_id == context:
            return understood
        return None

    def _echoes_another(
        self, normalised: str, result: MatchResult, verdict: Verdict, context: str
    ) -> bool:
        """Whether a short chat message answered as another topic names none, and its words are
        the topic just answered's at least as much as the other's (仨孩子呢 after 长幼同园)."""
        other = verdict.intent_id
        return (
            verdict.decision is Decision.ANSWER
            and other is not None
            and other != context
            and len(normalised.replace(" ", "")) <= IN_CONTEXT_MAX
            and not any(named(c) or mentioned(c) for c in result.candidates)
            and self._familiar(normalised, context) >= self._familiar(normalised, other)
        )

    def _asks_whether_here(
        self, text: str, normalised: str, result: MatchResult, verdict: Verdict
    ) -> bool:
        """Whether a short chat message naming no topic asks whether a place here has it, or how
        far it has got there (俺们左权有弄这个的没, 俺们小区有没有, 俺们灵石县弄了多少了)."""
        return (
            len(normalised.replace(" ", "")) <= ASK_BACK_MAX
            and verdict.reason not in BEYOND.values()
            and (_HAS_IT.search(normalised) or self.cues.facet(normalised) == "progress")
            # a place of one's own (俺们小区), or a county with what was just answered (这个), or
            # a county and hardly anything else (平遥有吗)
            and (
                _HERE.search(normalised) is not None
                or (
                    (_THIS.search(normalised) is not None or len(normalised) <= COUNTY_ONLY)
                    and self.cues.county(clean(text)) is not None
                )
            )
            and not any(map(mentioned, result.candidates))
            and not self._another_matter(text, normalised)
        )

    def _names_only_who_asks(
        self, normalised: str, apart: str, verdict: Verdict, context: str
    ) -> bool:
        """Whether a short chat message answered as another topic names it only as who is
        asking (俺们不是低保户行不行 after 适老化改造); `apart` is the message with those words
        taken out."""
        return (
            verdict.decision is Decision.ANSWER
            and verdict.intent_id not in (None, context)
            and len(normalised.replace(" ", "")) <= IN_CONTEXT_MAX
            # whether they count, or only telling (俺爹八十五了 低保户): not 低保户多不多
            and (
                self.cues.facet(normalised) == "eligibility"
                or GOES_ON.match(normalised) is not None
                or not ASKS_AT_ALL.search(normalised)
            )
            and apart != normalised
            and not self.matcher.named_topics(apart)
            and not self.matcher.described(apart)
        )

    def _familiar(self, normalised: str, intent_id: str) -> float:
        """The share of a message's wording, beyond question words, that the topic's own
        examples use (出生证明要原件不 after 育儿补贴: most of it)."""
        return share_of(char_pairs(self._frame.sub("", normalised)), self._wording[intent_id])

    def _tells_more(
        self, text: str, normalised: str, result: MatchResult, verdict: Verdict, context: str
    ) -> bool:
        """Whether a short message in a chat only tells more of the resident's circumstances
        (娃一直是他姥姥在带; 那栋楼已经有十三户签了字): it asks nothing, names no topic, is no
        further from the topic's examples than from other matters', and no word in it means
        another matter."""
        compact = normalised.replace(" ", "")
        score = next((c.score for c in result.candidates if c.intent_id == context), 0.0)
        return (
            len(compact) <= TELLS_MAX
            and score >= max(self.thresholds.follow_up_tells, result.out_of_scope)
            and not compact.isascii()
            and verdict.reason not in BEYOND.values()
            and not any(ASKS_AT_ALL.search(t) for t in (text, normalised))
            and not any(map(mentioned, result.candidates))
            and self.cues.smalltalk(normalised) is None
            and self.cues.beyond(normalised) is None  # 肯定吃回扣, 你帮俺约个保洁
            and not self._another_matter(text, normalised)
            and context not in self.matcher.excluded(normalised)
        )

    def _may_follow_up(
        self, text: str, normalised: str, result: MatchResult, verdict: Verdict, context: str
    ) -> bool:
        """Whether a short chat message that matched nothing asks something that may well be
        about the topic just answered: it names no topic, and no word in it means another
        matter, a view or one's own case."""
        compact = normalised.replace(" ", "")
        return (
            verdict.reason in NOTHING_CLOSE
            and len(compact) <= ASK_BACK_MAX
            and not compact.isascii()
            and any(ASKS_AT_ALL.search(t) for t in (text, normalised))
            and not any(map(mentioned, result.candidates))
            and self.cues.smalltalk(normalised) is None
            and self.cues.beyond(normalised) is None
            and not CASE_STATE.search(normalised)  # 钱咋还没到: one's own case
            and not self._another_matter(text, normalised)
            and context not in self.matcher.excluded(normalised)
            and self._familiar(normalised, context) >= self.thresholds.follow_up_ask_back
        )
