"""The answer engine: one message in, one `Answer` out. Knows nothing about channels."""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot import answers
from bot.answers import Answer, Option
from bot.config import Thresholds
from bot.knowledge.models import FacetId, any_of
from bot.knowledge.snapshot import Snapshot
from bot.store.masking import contains_personal_data, without_numbers
from bot.understanding import stored
from bot.understanding.cues import Cues
from bot.understanding.decide import (
    FOLLOW_UP,
    LEAD,
    OUT_OF_SCOPE_CLOSER,
    TWO_TOPICS_NAMED,
    Decision,
    Verdict,
    decide,
    mentioned,
    named,
)
from bot.understanding.match import Matcher, MatchResult, merge
from bot.understanding.normalise import MAX_CHARS, Normaliser, clean

log = logging.getLogger(__name__)

ANOTHER_MATTER = "words meaning another matter"
OPINION = "asks for a view, not a fact"
PERSONAL = "a personal case to look up or act on, or a complaint"
BEYOND = {"opinion": OPINION, "personal": PERSONAL, "complaint": PERSONAL}
STORY_ASK_PAIRS = 3  # pairs of characters a story's asking parts say beyond question words
MAY_FOLLOW_UP = "may follow up the topic just answered"
NOTHING_CLOSE = ("no close topic", "no topic words")
NOTHING = MatchResult((), 0.0, "")  # a part of a message that says nothing of any topic
# a short unnamed message whose words are more than this share the topic just answered's
ECHO_FAMILIAR = 0.5
IN_CONTEXT_MAX = 14  # characters; a longer message is read on its own, not as a follow-up
_HAS_IT = re.compile(r"有没有|有没|有吗|有.{0,8}[没不]$")  # 俺们左权有弄这个的没
_THIS = re.compile(r"这个|这事|这种|这样的|弄了|搞了|办了|装了|建了|改了|装成")
_HERE = re.compile(r"(?:我们|咱们?|这边|这里)(?:这)?(?:村|小区|社区|镇|乡|县|街道|这)")
COUNTY_ONLY = 6  # characters; 平遥有吗, 榆社县有没有: a county asked about and little else
ASK_BACK_MAX = 20  # characters; a chat message up to this long may be asked back about the topic
LONG_MESSAGE = 30  # characters; longer messages are also matched clause by clause
SHORT_PART = 7  # characters; a shorter part of a long message counts only for topics it names
MAX_CLAUSES = 8  # of a rambling message, the first 3 and the last 5 clauses are read
_PARTS = re.compile(r"[。！？!?；;，,\n]+")
_QUESTION_PARTS = re.compile(r"[^。！？!?；;，,\n]+[。！？!?；;，,]?")
# a part that reads as a question: 交着呢 and 正领着补贴呢 only tell; 对吧, 免了没, 报不报 ask
_ASKING = r"[？?]|吗|么|^(?!.*正.*呢).*(?<!着)呢|[不没][？?。，,]?$|[对是]吧|(?P<a>.)[不没](?P=a)"
_ASKS = re.compile(_ASKING)
_ALSO = re.compile(r"也(算|可以|行|能|要|得|给|有)|还(算|可以|行)")  # 民办园也可以吗
# a part worded as a question, in raw or normalised text (啥 → 什么): 谁, 几户, 问下/请问 too
_QUESTION_WORDS = re.compile(
    rf"{_ASKING}|哪|谁|(?<![没或])多少|多久|多长(?!幼)|几点|(?<![没才前这那过好])几天|几号|几月|几户|问下|问一下|问个|请问|想问"
)


SPACED_PIECES = 5  # a message of this many space-separated pieces or more, each of few characters,
WORD_LENGTH = 3.0  # is typed with a space between words, not between clauses


def _words_joined(text: str) -> str:
    """A message typed with a space between every word or two (高龄津贴  这  季度  少了  五十)
    joined up, so that its spaces are not read as the ends of clauses."""
    pieces = text.split()
    if len(pieces) < SPACED_PIECES or text.isascii():
        return text
    if sum(map(len, pieces)) / len(pieces) > WORD_LENGTH:
        return text
    return "".join(pieces)


def _pairs(text: str) -> set[str]:
    """Neighbouring characters of a text, spaces ignored."""
    compact = text.replace(" ", "")
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def _share(pairs: set[str], words: set[str]) -> float:
    """The share of the pairs a topic's wording uses (0 when there are none)."""
    return sum(p in words for p in pairs) / len(pairs) if pairs else 0.0


# a message that asks something (a story that only tells asks nothing)
_ASKS_SOMETHING = re.compile(rf"{_QUESTION_WORDS.pattern}|怎么|什么")
# any sign of a question or a wish at all, however loose (还是, 几, 管不管, …的不, 想让)
_ASKS_AT_ALL = re.compile(
    rf"{_ASKS_SOMETHING.pattern}|还是|几|是否|多大|如何|咨询|请教|打听|说说|讲讲|介绍|了解"
    r"|想知道|想让|想申请|想办|想进|想装|希望"
    r"|有没|了没|能不|是不|要不|用不|行不|给不|管不|(.)[不没]\1|(?:[不吧呢咧哩]|没有?|不.)(?=[，。！？!?,.\s]|$)"
)
# how a resident's own case stands (还没到账, 停了): said of a case, not asked of the policy
_CASE_STATE = re.compile(
    r"(?:咋|怎么)?还?没(?:有)?(?:到账|到|发|批|下来|动静|消息)|(?:到账|批|下来|出来|发|处理|清|审核过)了?没(?:有)?"
    r"|停了|断了|不给了"
    r"|(?:咋|怎么)?少(?:发|给|打)?了"
)
# asking for one's own sum to be worked out (帮我算算我能领多少): the sum is the personal case
_RECKONING = re.compile(r"(?:[帮给][我她他]|你给?|精确)(?:算|估)")
# one's own money or case at a given time (我娘的高龄津贴这个季度, 我的养老金这个月, 我这个月低保咋
# 少了): whatever it asks of it (涨了多少, 咋没到), it asks about that case, not about the policy
# (without 的, only with how the case stands: 我这个月刚生了孩子 asks about the policy)
_OWN_CASE = re.compile(
    r"我(?:们|家)?(?:[妈娘爸爹]|奶奶|爷爷|姥姥|姥爷|婆婆|公公|老伴)?(?P<whose>的)?"
    r"[^，。？！\s]{0,6}?(?:这个?月|本月|这个?季度|上个?月|上个?季度)"
    r"(?(whose)|[^，。？！\s]{0,8}?(?:少了|没到|没收到|没发|没打|少发))"
    # … or, at any time, asked why one's own is short or missing (我的租赁补贴为啥少了一百)
    r"|我(?:们|家)?(?:[妈娘爸爹]|奶奶|爷爷|姥姥|姥爷|婆婆|公公|老伴|孩子)?的[^，。？！\s]{0,10}?"
    r"(?:为什么|怎么)[^，。？！\s]{0,6}?(?:少|没|不给|停|扣)"
    # … or a payment of this month or quarter short or missing, whoever's (这季度少了五十)
    r"|(?:这个?月|本月|这个?季度)[^，。？！\s]{0,8}?(?:少了|少打|少发|没到|没发|没打|怎么少)"
)
# beside a view asked, what a policy is, gives or has done is the view's subject (你觉得这个标准够
# 一个人活吗, 村里设服务点有啥用), not a question of its own; who can apply, how, where are
_NOT_ASKED_WITH_A_VIEW = ("overview", "amount", "progress")
# asking how to apply, not how to do anything (怎么 alone)
_APPLYING = re.compile(r"申请|办|手续|流程|报名|登记|填|预约")
TELLS_MAX = 24  # characters; a chat message up to this long telling circumstances follows up
# residents often type a space where a comma belongs: 托育中心多少钱 另外附近有啥好吃的, and
# number their questions: 两件事 1育儿补贴谁能领 2公积金能提不
_SPACE_AS_COMMA = r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff\d])"
# a second question announced (低保咋申请，另外高铁几点): 另外, 还有, 顺便, 对了, 再问 …
_SECOND_QUESTION = re.compile(r"[，,。？?！!；;\s](?:另外|还有|顺便|对了|再问|还想问|再一个)")
# a message going on from what was just said: 那中班呢, 要是户口不在一起呢, 如果是租的房子
_GOES_ON = re.compile(r"那|要是|如果")
_CLAUSE = re.compile(rf"[。！？!?；;，,、\n～~…]+|\s{{2,}}|{_SPACE_AS_COMMA}")


class Engine:
    """Answers questions from one knowledge snapshot; indexes are built once, here."""

    def __init__(
        self,
        snapshot: Snapshot,
        thresholds: Thresholds | None = None,
        index_cache: Path | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.thresholds = thresholds or Thresholds()
        self.normalise = Normaliser(snapshot.lexicon)
        self.cues = Cues(snapshot.lexicon, self.normalise)
        self.matcher = stored.load_or_build(
            index_cache,
            snapshot.version,
            lambda: Matcher(
                snapshot.intents.values(),
                snapshot.out_of_scope.examples,
                self.normalise,
                generic=snapshot.lexicon.generic,
                other_matters=snapshot.out_of_scope.other_matters,
                circumstances=snapshot.out_of_scope.circumstances,
            ),
        )
        generic = snapshot.lexicon.generic
        self._frame = any_of(self.normalise(w) for w in generic)
        cues = snapshot.lexicon.facet_cues.values()
        self._asking = any_of(self.normalise(w) for w in itertools.chain(generic, *cues))
        self._status = any_of(self.normalise(w) for w in snapshot.lexicon.status)
        self._wording = {
            intent.id: {
                pair
                for phrase in (*intent.examples, *intent.keywords, intent.title, *intent.concepts)
                for pair in _pairs(self.normalise(phrase))
            }
            for intent in snapshot.intents.values()
        }

    @property
    def version(self) -> str:
        """The knowledge version this engine answers from."""
        return self.snapshot.version

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
            for c in (self.normalise(p) for p in _CLAUSE.split(text[:MAX_CHARS]))
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
        understood: tuple[MatchResult, Verdict, FacetId | None],
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
            or (ruled_out and _SECOND_QUESTION.search(text))
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

    def _options(self, intent_ids: tuple[str, ...]) -> tuple[Option, ...]:
        return tuple(Option(i, self.snapshot.intents[i].title) for i in intent_ids)

    def _asks_else(self, verdict: Verdict, facet: FacetId | None, text: str) -> bool:
        """Whether a lone topic on offer sits in a message asking nothing that topic answers
        (托班门口卖的棉花糖会不会长虫牙): no facet asked, nor whether the topic exists; and the
        topic is named, or the message asks something (a story that only tells is offered)."""
        offered = verdict.options[0] if len(verdict.options) == 1 else None
        return (
            offered is not None
            and facet is None
            and not self.cues.asks_whether(text)
            and (offered in self.matcher.named_topics(text) or bool(_ASKS_SOMETHING.search(text)))
        )

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
    ) -> tuple[MatchResult, Verdict, FacetId | None] | None:
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
        if (
            len(normalised.replace(" ", "")) > IN_CONTEXT_MAX
            or any(map(mentioned, result.candidates))
        ):
            return None
        if self._another_matter(text, normalised) or context in self.matcher.excluded(normalised):
            return None
        return self._read_after(context, text, memo)

    def _read_after(
        self, context: str, text: str, memo: dict[str, MatchResult]
    ) -> tuple[MatchResult, Verdict, FacetId | None] | None:
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
        more the topic just answered's than the other's (and mostly that topic's)."""
        other = verdict.intent_id
        return (
            verdict.decision is Decision.ANSWER
            and other is not None
            and other != context
            and len(normalised.replace(" ", "")) <= IN_CONTEXT_MAX
            and not any(named(c) or mentioned(c) for c in result.candidates)
            and self._familiar(normalised, context)
            > max(self._familiar(normalised, other), ECHO_FAMILIAR)
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
                or _GOES_ON.match(normalised) is not None
                or not _ASKS_AT_ALL.search(normalised)
            )
            and apart != normalised
            and not self.matcher.named_topics(apart)
            and not self.matcher.described(apart)
        )

    def _familiar(self, normalised: str, intent_id: str) -> float:
        """The share of a message's wording, beyond question words, that the topic's own
        examples use (出生证明要原件不 after 育儿补贴: most of it)."""
        return _share(_pairs(self._frame.sub("", normalised)), self._wording[intent_id])

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
            and not any(_ASKS_AT_ALL.search(t) for t in (text, normalised))
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
            and any(_ASKS_AT_ALL.search(t) for t in (text, normalised))
            and not any(map(mentioned, result.candidates))
            and self.cues.smalltalk(normalised) is None
            and self.cues.beyond(normalised) is None
            and not _CASE_STATE.search(normalised)  # 钱咋还没到: one's own case
            and not self._another_matter(text, normalised)
            and context not in self.matcher.excluded(normalised)
            and self._familiar(normalised, context) >= self.thresholds.follow_up_ask_back
        )

    def _asks_beyond_the_story(self, text: str, topic: str) -> bool:
        """Whether a long story answered as a topic asks, in its asking parts, about something
        none of the topics speak of (俺家危房改造完了 … 院里种啥枣树结得多): the topic is only
        its background. The asking parts must not name the topic and must say enough beyond
        question words (STORY_ASK_PAIRS pairs of characters) that no topic's examples use."""
        compact = self.normalise(text).replace(" ", "")
        if len(compact) <= LONG_MESSAGE:
            return False
        commas = re.sub(_SPACE_AS_COMMA, "，", text[:MAX_CHARS])
        parts = _QUESTION_PARTS.findall(commas)
        asks = _QUESTION_WORDS.search
        asking = [p for p in parts if asks(p) or asks(self.normalise(p))]
        said = self.normalise("，".join(asking or parts[-1:]))
        if topic in self.matcher.named_topics(said) | self.matcher.described(said).keys():
            return False
        pairs = _pairs(self._asking.sub("", said.replace(" ", "")))
        if len(pairs) < STORY_ASK_PAIRS:
            return False
        known = max(_share(pairs, words) for words in self._wording.values())
        if known < self.thresholds.story_ask_familiar:
            return True
        # asking no facet of the topic, in words mostly not its own, some no topic's at all
        # (…你有没有什么在家就能做的安抚办法)
        unknown = sum(not any(p in words for words in self._wording.values()) for p in pairs)
        loosely = [said] + [p for p in map(self.normalise, parts) if _ASKS_AT_ALL.search(p)]
        return (
            not any(map(self._asks_a_facet, loosely))
            and not any(map(self.cues.asks_whether, loosely))
            and _share(pairs, self._wording[topic]) < self.thresholds.story_ask_own
            and unknown >= STORY_ASK_PAIRS
        )

    def _asks_a_facet(self, normalised: str) -> bool:
        """Whether a part asks a facet: how to apply only with words of applying (怎么申请), or
        asking how the policy goes (怎么个延法), not how to do anything (在家咋练她拿勺子)."""
        facet = self.cues.facet(normalised)
        if facet != "how_to_apply":
            return facet is not None
        return bool(_APPLYING.search(normalised)) or "怎么个" in normalised

    def _asked_about(self, topics: tuple[str, ...], normalised: str) -> str:
        """Of the topics a message names, the first not named only as who is asking:
        低保户能领育儿补贴吗 asks about 育儿补贴."""
        named_apart = self.matcher.named_topics(self._status.sub("，", normalised))
        named_apart |= self.matcher.described(normalised).keys()  # 低保 helps describe 助学
        return next((t for t in topics if t in named_apart), topics[0])

    def _only_in_second_question(self, text: str) -> bool:
        """Whether places elsewhere are named only in an announced second question, after a
        first that names a topic (长幼同园收不收钱 对了去北京的火车票还有没有)."""
        second = _SECOND_QUESTION.search(text)
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

    def ask(self, text: str, context: str | None = None) -> Answer:
        """Understand one message and compose the reply."""
        flags = ("privacy",) if contains_personal_data(text) else ()
        text = without_numbers(text)
        text = _words_joined(text)  # 高龄津贴  这  季度  少了: spaces between words
        cleaned = clean(text)
        normalised = self.normalise(text)

        def reply(decision: Decision, *parts: str, **extra: Any) -> Answer:
            return Answer(decision, parts, knowledge_version=self.version, flags=flags, **extra)

        if self.cues.urgent(cleaned) or self.cues.urgent(normalised):  # 打俺 is 打我
            return reply(Decision.URGENT, answers.URGENT, reason="danger")
        if self.cues.refuse(cleaned):
            return reply(Decision.DECLINE, answers.REFUSE, reason="refused")
        turned = self.cues.instead(cleaned)
        if turned and len(turned[1]) >= 2:
            # 适老化改造我了解过了，我想问的是给老人买手机有没有国补: only the question that
            # follows counts; the topic before it is its context (…我想问的是要带啥材料)
            before = self.ask(turned[0], context) if turned[0] else None
            said = before.intent if before and before.decision is Decision.ANSWER else context
            return replace(self.ask(turned[1], said), flags=flags)
        if not normalised:
            return reply(Decision.DECLINE, answers.EMPTY, reason="empty")

        known_context = context if context in self.snapshot.intents else None
        memo: dict[str, MatchResult] = {}
        understood = self._understand(text, known_context, memo)
        result, verdict, facet, related = self._the_question(
            text, normalised, understood, known_context, memo
        )
        if known_context:
            verdict, facet = self._in_the_chat(
                text, normalised, result, verdict, facet, known_context, memo
            )
        top = result.top
        if verdict.reason == LEAD and top and not named(top) and len(normalised) > LONG_MESSAGE:
            # a long story that leans to a topic it never names, in a part or as a whole: ask
            verdict = Verdict(Decision.CLARIFY, options=(top.intent_id,), reason="unsure")
        elif (
            verdict.decision is Decision.ANSWER
            and (story_topic := verdict.intent_id) is not None
            and self._asks_beyond_the_story(text, story_topic)
        ):
            # a story about a topic that asks about something else: ask, the topic one tap away
            verdict = Verdict(Decision.CLARIFY, options=(story_topic,), reason="unsure")
        runner = result.candidates[1] if len(result.candidates) > 1 else None
        scores: dict[str, Any] = {
            "score": top.score if top else 0.0,
            "runner_up": runner.intent_id if runner else None,
            "runner_up_score": runner.score if runner else 0.0,
            "reason": verdict.reason,
        }
        place = self.cues.elsewhere(cleaned)
        if (
            place
            and verdict.decision is not Decision.DECLINE
            and (top is None or place not in top.matched)
            and not self._only_in_second_question(text)
        ):
            return reply(
                Decision.DECLINE, answers.elsewhere_text(place), **{**scores, "reason": "elsewhere"}
            )
        # a greeting or thanks is smalltalk unless it also names a topic confidently (你好，低保…)
        if verdict.decision is not Decision.ANSWER or verdict.reason != "confident":
            smalltalk = self.cues.smalltalk(normalised)
            if smalltalk is not None:
                return reply(Decision.SMALLTALK, *self._smalltalk(smalltalk), **scores)
        if (
            verdict.decision is Decision.CLARIFY
            and verdict.reason != MAY_FOLLOW_UP
            and self._asks_else(verdict, facet, normalised)
        ):
            return reply(
                Decision.DECLINE,
                answers.decline_text(self.snapshot.topic_titles()),
                related=self._options(verdict.options),  # in case the topic itself was meant
                **{**scores, "reason": "asks something else"},
            )
        if verdict.decision is Decision.CLARIFY:
            options = self._options(verdict.options)
            ask_back = answers.CLARIFY if len(options) > 1 else answers.CLARIFY_ONE
            return reply(Decision.CLARIFY, ask_back, candidates=options, facet=facet, **scores)
        if verdict.decision is Decision.DECLINE or verdict.intent_id is None:
            # the topic a view or a personal case was asked about, to read about instead
            asked = verdict.reason in BEYOND.values()
            named_top = (top.intent_id,) if top and named(top) and asked else ()
            body = (
                answers.PERSONAL
                if verdict.reason == PERSONAL
                else answers.decline_text(self.snapshot.topic_titles())
            )
            return reply(Decision.DECLINE, body, related=self._options(named_top), **scores)
        return self.answer_intent(
            verdict.intent_id, facet, text=cleaned, flags=flags, related=related, **scores
        )

    def _understand(
        self, text: str, context: str | None, memo: dict[str, MatchResult]
    ) -> tuple[MatchResult, Verdict, FacetId | None]:
        normalised = self.normalise(text)
        result = self.match(text, memo)
        facet = self.cues.facet(normalised)
        also = _ALSO.search(normalised) is not None
        if facet is None and also:  # 邻村的也能去吗 asks whether it counts too
            facet = "eligibility"
        verdict = decide(
            result,
            self.thresholds,
            context=context,
            facet=facet,
            also=also,
            rest=len(self._asking.sub("", normalised.replace(" ", ""))),
            goes_on=bool(context) and _GOES_ON.match(normalised.replace(" ", "")) is not None,
        )
        said = self._says(normalised, result)  # 具体怎么申请 does not say which topic
        if verdict.decision is Decision.ANSWER and verdict.reason != FOLLOW_UP and not said:
            verdict = Verdict(Decision.DECLINE, reason="no topic words")
        if verdict.decision is not Decision.DECLINE and self._another_matter(text, normalised):
            verdict = Verdict(Decision.DECLINE, reason=ANOTHER_MATTER)  # 低保户考驾照
        if verdict.decision is not Decision.DECLINE and _OWN_CASE.search(normalised):
            return result, Verdict(Decision.DECLINE, reason=PERSONAL), facet
        beyond = self.cues.beyond(normalised) if verdict.decision is not Decision.DECLINE else None
        # 你觉得育儿补贴能刺激生育吗, 我的低保批没批你看一眼: unless, those words aside, it still
        # asks a facet of a topic (你觉得俺家能申请低保不, 我的低保批没批 一般要多久); where or how
        # to complain (找谁举报) is not a facet of the topic
        if beyond:
            kind, rest = beyond
            if kind != "opinion":  # 这个月没到账 tells how the case stands, not what is asked
                rest = _CASE_STATE.sub("，", rest)
            # only the parts that ask: 签字 in the story beside 你帮我劝劝他 asks for no paper
            asking = [p for p in _PARTS.split(rest) if _QUESTION_WORDS.search(p)]
            asked = self.cues.facet("，".join(asking)) if asking else None
            if (
                asked is None
                or verdict.decision is Decision.CLARIFY  # unsure of the topic, sure of the kind
                or (kind == "complaint" and asked in ("where", "how_to_apply"))
                or (kind != "opinion" and asked == "overview")  # 少发了一个月 咋回事
                or (asked == "amount" and _RECKONING.search(normalised))
                or (
                    kind == "opinion"
                    and asked in _NOT_ASKED_WITH_A_VIEW
                    and not self._only_tell_me(normalised)
                )
            ):
                verdict = Verdict(Decision.DECLINE, reason=BEYOND[kind])
        return result, verdict, facet

    def _only_tell_me(self, normalised: str) -> bool:
        """Whether a view word is just an opening 你说, "tell me" (你说育儿补贴一年给多少)."""
        compact = normalised.replace(" ", "")
        return compact.startswith("你说") and self.cues.beyond(compact[2:]) is None

    def _another_matter(self, text: str, normalised: str) -> bool:
        """Whether a word means another matter (低保户考驾照); a word telling the resident's
        situation (丈夫肝癌晚期, 在焦化厂上班) does only in a short message or in a part that asks
        (腰椎疼吃啥药), not in the story a long message tells before asking about a topic."""
        if self.matcher.another_matter(normalised):
            return True
        if self.matcher.circumstance(normalised) is None:
            return False
        if len(normalised.replace(" ", "")) <= LONG_MESSAGE:
            return True
        commas = re.sub(_SPACE_AS_COMMA, "，", text[:MAX_CHARS])
        parts = [(part, self.normalise(part)) for part in _QUESTION_PARTS.findall(commas)]
        asking = [said for part, said in parts if _ASKS_AT_ALL.search(f"{part} {said}")]
        # 低保批下来要多久, 去哪登记 ask about the topic; 咋预防 does not
        topical = [
            said
            for said in asking
            if self.cues.facet(said) not in (None, "how_to_apply") or _APPLYING.search(said)
        ]
        return not topical or any(map(self.matcher.circumstance, asking))

    def _first_clear_question(
        self,
        text: str,
        context: str | None,
        memo: dict[str, MatchResult],
        named_only: bool,
        asked_only: bool = False,
    ) -> tuple[MatchResult, Verdict, FacetId | None] | None:
        """In a message asking several things, the first part that can be answered confidently.

        Parts that read as questions (a question mark, 吗, or a cue such as 怎么申请) come
        before narrative (儿子在外地打零工), so the story does not pick the topic. After an
        out-of-scope decline only a part that names a topic counts (低保咋办？还有驾照咋换);
        when a word meant another matter, only a part that asks and names a topic counts
        (低保户住院，医保报销比例是多少: the question is about 医保, 低保户 only says who asks).
        """
        commas = re.sub(_SPACE_AS_COMMA, "，", text[:MAX_CHARS])
        parts = [p for p in _QUESTION_PARTS.findall(commas) if self.normalise(p)]
        if len(parts) < 2:
            return None
        asking = [p for p in parts if _ASKS.search(p) or self.cues.facet(self.normalise(p))]
        if asked_only:  # 低保户住院 says who asks, not what
            asking = [p for p in parts if any(map(_QUESTION_WORDS.search, (p, self.normalise(p))))]
        narrative = [] if asked_only else [p for p in parts if p not in asking]
        if any(self.cues.beyond(self.normalise(p)) for p in asking):
            narrative = []  # 你觉得有用没用 beside a story: the story is not what is asked
        for part in [*asking, *narrative]:
            understood = self._understand(part, context, memo)
            top = understood[0].top
            if (named_only or asked_only) and not (top and named(top)):
                continue
            verdict = understood[1]
            if verdict.decision is not Decision.ANSWER:
                continue
            # a word ruling a topic out holds for the story around the question (加装的电梯 …
            # 坏了没人修), not for another question beside it (门禁卡丢了咋补，还有加装电梯咋申请)
            others = asking if part in asking else []
            story = "".join(p for p in parts if p == part or p not in others)
            if verdict.intent_id not in self.matcher.excluded(self.normalise(story)):
                return understood
        return None

    def answer_intent(
        self,
        intent_id: str,
        facet: FacetId | None = None,
        *,
        text: str = "",
        flags: tuple[str, ...] = (),
        related: tuple[str, ...] = (),
        score: float = 1.0,
        runner_up: str | None = None,
        runner_up_score: float = 0.0,
        reason: str = "chosen",
    ) -> Answer:
        """The answer for a known intent and facet (also used when a resident picks an option)."""
        intent = self.snapshot.intents[intent_id]
        chosen: FacetId = facet if facet is not None and facet in intent.facets else "overview"
        county = self.cues.county(text) if text else None
        parts, citations, as_of = answers.compose_facet(
            intent,
            chosen,
            self.snapshot.sources,
            county,
        )
        return Answer(
            Decision.ANSWER,
            parts,
            intent=intent.id,
            intent_title=intent.title,
            facet=chosen,
            score=score,
            citations=citations,
            as_of=as_of,
            follow_ups=answers.follow_ups(intent, chosen),
            related=self._options(related),
            county=county,
            runner_up=runner_up,
            runner_up_score=runner_up_score,
            knowledge_version=self.version,
            reason=reason,
            flags=flags,
        )

    def _smalltalk(self, kind: str) -> tuple[str, ...]:
        reply = answers.SMALLTALK.get(kind, answers.SMALLTALK["greeting"])
        if kind in ("greeting", "identity"):
            return (reply, answers.topics_text(self.snapshot.topic_titles()))
        return (reply,)
