"""Turn ranked candidates into a decision: answer, clarify, or decline."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.config import Thresholds
from bot.understanding.match import NAMED_BY, NEAR_IDENTICAL, Candidate, MatchResult

MAX_OPTIONS = 3
TWO_TOPICS = 0.12  # two named topics scoring this close are both offered


class Decision(StrEnum):
    """What the bot does with a message."""

    ANSWER = "answer"
    CLARIFY = "clarify"
    DECLINE = "decline"
    SMALLTALK = "smalltalk"
    URGENT = "urgent"


@dataclass(frozen=True)
class Verdict:
    """A decision, the chosen intent (answer) or the options offered (clarify)."""

    decision: Decision
    intent_id: str | None = None
    options: tuple[str, ...] = ()
    reason: str = ""


def named(candidate: Candidate) -> bool:
    """Whether the question names the topic: a keyword (written out or by sound) or a concept."""
    return candidate.evidence.startswith(("keyword", "both", "concept"))


def mentioned(candidate: Candidate) -> bool:
    """Whether the question names the topic, also by a sound-alike typo (底保, 育儿补铁)."""
    return candidate.evidence.startswith(("both", *NAMED_BY))


def described(candidate: Candidate) -> bool:
    """Whether the question describes the topic: a word of each group of one of its concepts."""
    return "concept" in candidate.evidence


SAME_WORDING = NEAR_IDENTICAL / 100  # an example asked (nearly) word for word
FOLLOW_UP = "follow-up"
LEAD = "clear lead"
TWO_TOPICS_NAMED = "two topics named"
OUT_OF_SCOPE_CLOSER = "closer to an out-of-scope question"
ANOTHER_MATTER = "words meaning another matter"
OPINION = "asks for a view, not a fact"
PERSONAL = "a personal case to look up or act on, or a complaint"
BEYOND = {"opinion": OPINION, "personal": PERSONAL, "complaint": PERSONAL}
MAY_FOLLOW_UP = "may follow up the topic just answered"
NOTHING_CLOSE = ("no close topic", "no topic words")
# a follow-up (那要带什么材料, 当场能办好吗) says little beyond what it asks and names no topic
FOLLOW_UP_REST = 5
# … or, in a few more words, asks whether something else also counts (民办园也可以吗) or goes on
# from what was just said (那中班呢, 要是户口不在一起呢)
QUESTION_REST = 12
# … unless it says something of its own (this many characters beyond what it asks) that an
# out-of-scope question fits much better than the topic just answered (健康证在哪里办)
OWN_SUBJECT = 3
# a question that is a topic's name, what it asks, where and when (晋中今年低保标准一个月多少钱),
# and at most this many characters more (育儿补贴申请要带什么证件)
NAME_AND_ASK = 1


def decide(
    match: MatchResult,
    limits: Thresholds,
    *,
    context: str | None = None,
    facet: str | None = None,
    rest: int = 0,
    also: bool = False,
    goes_on: bool = False,
    setting: int = 0,
) -> Verdict:
    """Answer only when confident; offer the close ones; otherwise decline."""
    top = match.top
    names_a_topic = any(mentioned(c) for c in match.candidates)
    # a question complete in itself (公积金缴存基数啥时候调整) is not a follow-up, whatever it asks
    follow_up = bool(context and (facet or goes_on))
    brief = rest <= FOLLOW_UP_REST or ((also or goes_on) and rest <= QUESTION_REST)
    mine = next((c.score for c in match.candidates if c.intent_id == context), 0.0)
    anchored = rest >= OWN_SUBJECT and match.out_of_scope >= mine + limits.follow_up_anchor
    if follow_up and brief and not names_a_topic and not anchored:
        return Verdict(Decision.ANSWER, context, reason=FOLLOW_UP)
    if top is None:
        return Verdict(Decision.DECLINE, reason="no close topic")
    # an out-of-scope anchor that fits the question better than any example of the topic wins,
    # even when a topic word appears in it (低保真耳机, 托育概念股)
    # … but not an anchor sharing only the question's frame (人才补贴申请要什么条件 beside 育儿补贴
    # 申请要带什么证件) when the question is no more than the topic's name and what it asks
    only_asks = (
        mentioned(top)
        and not described(top)
        and bool(top.matched)
        and top.matched not in match.out_of_scope_match
        and rest - setting - len(top.matched) <= NAME_AND_ASK
    )
    if match.out_of_scope >= top.score or (
        not only_asks and match.out_of_scope > top.example + limits.oos_margin
    ):
        return Verdict(Decision.DECLINE, reason=OUT_OF_SCOPE_CLOSER)

    both = [c for c in match.candidates if named(c) and top.score - c.score < TWO_TOPICS]
    if len(both) >= 2:  # 加装电梯和适老化改造: the engine answers one and points to the other
        options = tuple(c.intent_id for c in both[:MAX_OPTIONS])
        return Verdict(Decision.CLARIFY, options=options, reason=TWO_TOPICS_NAMED)
    runner_up = match.candidates[1].score if len(match.candidates) > 1 else 0.0
    # the wording must point to this topic: not just 补贴怎么申请, nor 手机适老化模式 (a topic word
    # inside a question about something else); a named topic needs less support than an unnamed one
    # a long message shares its weight among many words, so the share naming the topic is
    # smaller: beyond `named_length` characters the share needed falls in proportion
    named_need = limits.named_min_vote * min(1.0, limits.named_length / max(rest, 1))
    specific = top.vote >= (named_need if named(top) else limits.min_vote)
    specific = specific or top.example >= SAME_WORDING  # a clerk's example, asked as written
    specific = specific or described(top)
    if specific and top.score >= limits.answer and top.score - runner_up >= limits.margin:
        return Verdict(Decision.ANSWER, top.intent_id, reason="confident")
    rival = max(runner_up, match.out_of_scope)
    if specific and top.score >= limits.lead_floor and top.score - rival >= limits.lead_gap:
        return Verdict(Decision.ANSWER, top.intent_id, reason=LEAD)
    # a rival only one stray example points to (想上班 beside 俩孩子想上一个幼儿园), while the
    # wording as a whole does not, is a weak rival
    others = (
        c.score if named(c) else min(c.score, limits.rival_support * c.vote)
        for c in match.candidates[1:]
    )
    rival = max(max(others, default=0.0), match.out_of_scope)
    # a paraphrase shares few words with any one example; when much of its wording points to
    # one topic and nothing else comes near, that is evidence enough
    if (
        top.vote >= limits.ratio_vote
        and top.score >= limits.lead_floor
        and top.score >= limits.lead_ratio * rival
    ):
        return Verdict(Decision.ANSWER, top.intent_id, reason="many words agree")

    # what is new with a topic it names (晋中今年低保有啥新变化) asks about that topic, however
    # few of its words are the topic's own
    if facet == "progress" and named(top) and top.score >= limits.answer and rival < top.score:
        return Verdict(Decision.ANSWER, top.intent_id, reason="progress asked")

    close = [c for c in match.candidates if c.score >= limits.clarify and top.score - c.score < 0.3]
    if context and (
        context in {c.intent_id for c in close} or (follow_up and brief and not names_a_topic)
    ):
        return Verdict(Decision.ANSWER, context, reason=FOLLOW_UP)
    if not close:
        return Verdict(Decision.DECLINE, reason="no close topic")
    if len(close) == 1:  # offer a choice, not a lone "did you mean" when others are in reach
        close += [c for c in match.candidates[1:] if c.score >= limits.lead_floor]
    options = tuple(c.intent_id for c in close[:MAX_OPTIONS])
    return Verdict(Decision.CLARIFY, options=options, reason="unsure")
