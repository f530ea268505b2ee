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
from bot.understanding.chat import ChatReading
from bot.understanding.cues import Cues
from bot.understanding.decide import (
    ANOTHER_MATTER,
    BEYOND,
    FOLLOW_UP,
    LEAD,
    MAY_FOLLOW_UP,
    NOTHING_CLOSE,
    PERSONAL,
    TWO_TOPICS_NAMED,
    Decision,
    Verdict,
    decide,
    named,
)
from bot.understanding.match import Matcher, MatchResult
from bot.understanding.normalise import Normaliser, clean
from bot.understanding.parts import LONG_MESSAGE, Understood
from bot.understanding.wording import (
    ASKS_AT_ALL,
    ASKS_SOMETHING,
    CASE_STATE,
    GOES_ON,
    PARTS,
    QUESTION_WORDS,
    char_pairs,
    question_parts,
    words_joined,
)

log = logging.getLogger(__name__)

# a question's closing particle (要带老人身份证原件么) says nothing of its own
_PARTICLE = re.compile(r"[不没呢啊呀嘞哩咧么]+$")
# whether something else also counts (民办园也可以吗) or two cases are alike (城里跟农村一样不)
_ALSO = re.compile(r"也(算|可以|行|能|要|得|给|有)|还(算|可以|行)|(?<!不)一样")
# asking for one's own sum to be worked out (帮我算算我能领多少): the sum is the personal case
_RECKONING = re.compile(r"(?:[帮给][我她他忙]?|你给?|精确)(?:算|估)")
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
    r"|(?:为什么|怎么)我(?:们|家)?的[^，。？！\s]{0,10}?(?:只到了|只发了|只给了|少了|没到)"
    # … or a payment of this month or quarter short or missing, whoever's (这季度少了五十)
    r"|(?:这个?月|本月|这个?季度)[^，。？！\s]{0,8}?(?:少了|少打|少发|没到|没发|没打|怎么少|怎么没有)"
    # … or one's own application sent up some time ago and still waiting (我育儿补贴报上去一个多月了
    # 还没到账)
    r"|我(?:们|家)?[^，。？！\s]{0,8}?(?:报上去|交上去|递上去|申请上去)[^，。？！\s]{0,8}?"
    r"还没(?:到账|批|下来|动静|信|消息)"
    # … or applied some months ago and still waiting (申请了两个多月还没到账), or asked why
    # months have gone unpaid (高龄津贴咋三个月没打了)
    r"|申请了[^，。？！\s]{0,4}?(?:天|周|礼拜|星期|个多?月|年)[^，。？！\s]{0,3}?还没(?:到账|批|下来|动静|信|消息)"
    r"|(?:咋|怎么|为什么)(?:[一两三四五六七八九十俩仨几]|好几)个?月(?:都|也)?没(?:打|发|到|给)"
)
# a request to look something up that speaks of oneself or a month (帮我查查俺妈这个月交了
# 多少钱, 你帮俺问问俺们园啥时候退给俺) is about one's own case, not the policy (帮我查查低保
# 怎么申请)
_MINE = re.compile(r"我|(?:这|上)个?月")
# beside a view asked, what a policy is, gives or has done is the view's subject (你觉得这个标准够
# 一个人活吗, 村里设服务点有啥用), not a question of its own; who can apply, how, where are
_NOT_ASKED_WITH_A_VIEW = ("overview", "amount", "progress")
# a message naming a topic says more than this many characters beyond question words …
SAYS_MORE = 12
PINYIN_LETTERS = 3  # … and is not typed in pinyin (fewer Latin letters than this)
# where and when a question is set: they do not change which topic it asks about
SETTING = ("晋中市", "晋中", "今年", "目前", "咱们这", "咱这", "我们这")


class Engine(ChatReading):
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
        counties = snapshot.lexicon.county_aliases
        self._setting = any_of(
            self.normalise(w) for w in itertools.chain(SETTING, counties, *counties.values())
        )
        self._wording = {
            intent.id: {
                pair
                for phrase in (*intent.examples, *intent.keywords, intent.title, *intent.concepts)
                for pair in char_pairs(self.normalise(phrase))
            }
            for intent in snapshot.intents.values()
        }
        self._any_wording = set().union(*self._wording.values())

    @property
    def version(self) -> str:
        """The knowledge version this engine answers from."""
        return self.snapshot.version

    def ask(self, text: str, context: str | None = None) -> Answer:
        """Understand one message and compose the reply."""
        flags = ("privacy",) if contains_personal_data(text) else ()
        text = without_numbers(text)
        text = words_joined(text)  # 高龄津贴  这  季度  少了: spaces between words
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
            and (topic := verdict.intent_id) is not None
            and (
                self._asks_beyond_the_story(text, topic)
                or self._says_little_of(topic, verdict, text, normalised)
            )
        ):
            # a story about a topic that asks about something else, or a topic word in a message
            # about something else: ask, the topic one tap away
            verdict = Verdict(Decision.CLARIFY, options=(topic,), reason="unsure")
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
        # a greeting or thanks is smalltalk unless it also names a topic confidently (你好，低保…);
        # 有没有人工 only sounds like an example (老人公寓); 我想问个事儿 is all filler once
        # normalised
        if (
            verdict.decision is not Decision.ANSWER
            or verdict.reason != "confident"
            or not (top and named(top))
        ):
            smalltalk = (
                self.cues.smalltalk(normalised)
                or self.cues.smalltalk(cleaned.lower())
                or self._courtesy(text, normalised, verdict)
                # 好嘞 明天去社区把表领回来: a reply closing the chat's exchange
                or ("thanks" if known_context and self.cues.closes(normalised, cleaned) else None)
            )
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
    ) -> Understood:
        normalised = self.normalise(text)
        result = self.match(text, memo)
        facet = self.cues.facet(normalised)
        also = _ALSO.search(normalised) is not None
        if facet is None and also:  # 邻村的也能去吗 asks whether it counts too
            facet = "eligibility"
        # 在哪报名 学校还是教育局: a choice between two answers to the facet it asks
        also = also or (facet is not None and "还是" in normalised)
        verdict = decide(
            result,
            self.thresholds,
            context=context,
            facet=facet,
            also=also,
            rest=self._rest(normalised),
            goes_on=bool(context) and GOES_ON.match(normalised.replace(" ", "")) is not None,
            setting=sum(map(len, self._setting.findall(normalised.replace(" ", "")))),
        )
        said = self._says(normalised, result)  # 具体怎么申请 does not say which topic
        if verdict.decision is Decision.ANSWER and verdict.reason != FOLLOW_UP and not said:
            verdict = Verdict(Decision.DECLINE, reason="no topic words")
        if verdict.decision is not Decision.DECLINE and self._another_matter(text, normalised):
            verdict = Verdict(Decision.DECLINE, reason=ANOTHER_MATTER)  # 低保户考驾照
        # 公积金咋提 after 养老保险: a word ruling the topic just answered out holds in a chat too
        if verdict.reason == FOLLOW_UP and verdict.intent_id in self.matcher.excluded(normalised):
            verdict = Verdict(Decision.DECLINE, reason=ANOTHER_MATTER)
        if verdict.decision is not Decision.DECLINE and _OWN_CASE.search(normalised):
            return result, Verdict(Decision.DECLINE, reason=PERSONAL), facet
        beyond = self.cues.beyond(normalised) if verdict.decision is not Decision.DECLINE else None
        # 你觉得育儿补贴能刺激生育吗, 我的低保批没批你看一眼: unless, those words aside, it still
        # asks a facet of a topic (你觉得俺家能申请低保不, 我的低保批没批 一般要多久); where or how
        # to complain (找谁举报) is not a facet of the topic
        if beyond:
            kind, rest = beyond
            if kind != "opinion":  # 这个月没到账 tells how the case stands, not what is asked
                rest = CASE_STATE.sub("，", rest)
            # only the parts that ask: 签字 in the story beside 你帮我劝劝他 asks for no paper
            asking = [p for p in PARTS.split(rest) if QUESTION_WORDS.search(p)]
            # 怎么说通他, 我到底该咋办 beside a view ask how to act, not how to apply
            asked = self.cues.facet("，".join(asking)) if asking else None
            if asked == "how_to_apply" and not self._asks_a_facet("，".join(asking)):
                asked = None
            if (
                asked is None
                or verdict.decision is Decision.CLARIFY  # unsure of the topic, sure of the kind
                # 帮我查查申请批了没，在哪个环节卡住了: a personal case asks about itself, unless a
                # question apart from it asks about the policy (低保要啥材料 还有你能帮我查快递不)
                or (
                    kind == "personal"
                    and (_MINE.search(rest) or CASE_STATE.search(normalised))
                    and not self._asks_apart(text)
                )
                or (asked in ("where", "how_to_apply") and self._complains(kind, rest))
                or (kind != "opinion" and asked == "overview")  # 少发了一个月 咋回事
                or (asked == "amount" and _RECKONING.search(normalised))
                or (
                    kind == "opinion"
                    # 那你觉得俺家能批下来不 in a chat asks for a judgement of one's own case
                    and (asked in _NOT_ASKED_WITH_A_VIEW or verdict.reason == FOLLOW_UP)
                    and not self._only_tell_me(normalised)
                )
            ):
                verdict = Verdict(Decision.DECLINE, reason=BEYOND[kind])
        return result, verdict, facet

    def _courtesy(self, text: str, normalised: str, verdict: Verdict) -> str | None:
        """A thanks or greeting beside words that ask nothing and name no topic (谢谢 邻居已经把
        她送医院了), or a question what the bot answers (我是网格员，想了解一下你能解答哪些
        方面的问题): smalltalk, not a question to turn away."""
        kind = self.cues.courtesy(normalised)
        # 谢谢 跑单去了 after 暖新驿站: in a chat, a thanks that opens a message asking nothing
        # ends the exchange, whatever its other words happen to lean to
        closing = kind in ("thanks", "bye") and self.cues.courtesy(normalised[:3]) == kind
        if verdict.reason not in NOTHING_CLOSE and not (closing and verdict.reason == FOLLOW_UP):
            return None
        # 谢了 社保卡丢了 still tells of another matter
        if self.matcher.named_topics(normalised) or self._another_matter(text, normalised):
            return None
        # what the bot can answer is asked; a thanks beside a question is not smalltalk
        if kind != "identity" and any(ASKS_AT_ALL.search(t) for t in (text, normalised)):
            return None
        return kind

    def _complains(self, kind: str, rest: str) -> bool:
        """Whether a message complains, besides any view asked (你说我该打哪个电话举报他)."""
        if kind == "complaint":
            return True
        again = self.cues.beyond(rest)
        return again is not None and again[0] == "complaint"

    def _asks_apart(self, text: str) -> bool:
        """Whether a part of the message without words of a view, a personal case or a complaint
        asks a facet."""
        for part in question_parts(text):
            said = self.normalise(part)
            if said and self.cues.beyond(said) is None and self._asks_a_facet(said):
                return True
        return False

    def _only_tell_me(self, normalised: str) -> bool:
        """Whether a view word is just an opening 你说, "tell me" (你说育儿补贴一年给多少)."""
        compact = normalised.replace(" ", "")
        return compact.startswith("你说") and self.cues.beyond(compact[2:]) is None

    def _options(self, intent_ids: tuple[str, ...]) -> tuple[Option, ...]:
        return tuple(Option(i, self.snapshot.intents[i].title) for i in intent_ids)

    def _rest(self, normalised: str) -> int:
        """Characters a message says beyond question words and a closing particle."""
        return len(_PARTICLE.sub("", self._asking.sub("", normalised.replace(" ", ""))))

    def _says_little_of(self, topic: str, verdict: Verdict, text: str, normalised: str) -> bool:
        """Whether a message answered as a topic asks none of its facets in words that say so
        (咋 alone, without a word of applying, asks how something else comes about; 能…吗 alone
        may ask anything) nor whether it exists, and says a good deal more in words the topic's
        examples hardly use (暖新驿站沙发上有人睡了一下午 别人没处坐, 幸福小院隔壁那家装修 吵了一个
        月了): a topic word in a message about something else. Pinyin, two topics named, two
        questions asked and a follow-up in a chat are left as they are."""
        return (
            verdict.reason not in (TWO_TOPICS_NAMED, FOLLOW_UP)
            and not self._asks_a_facet(normalised, guess=False)
            and not self.cues.asks_whether(normalised)
            and sum(c.isascii() and c.isalpha() for c in text) < PINYIN_LETTERS
            and self._rest(normalised) > SAYS_MORE
            and self._familiar(normalised, topic) < self.thresholds.topic_familiar
            and sum(bool(ASKS_AT_ALL.search(self.normalise(p))) for p in question_parts(text)) < 2
        )

    def _asks_else(self, verdict: Verdict, facet: FacetId | None, text: str) -> bool:
        """Whether a lone topic on offer sits in a message asking nothing that topic answers
        (托班门口卖的棉花糖会不会长虫牙): no facet asked, nor whether the topic exists; and the
        topic is named, or the message asks something (a story that only tells is offered)."""
        offered = verdict.options[0] if len(verdict.options) == 1 else None
        return (
            offered is not None
            and facet is None
            and not self.cues.asks_whether(text)
            and (offered in self.matcher.named_topics(text) or bool(ASKS_SOMETHING.search(text)))
        )

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
