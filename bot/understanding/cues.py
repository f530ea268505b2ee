"""Phrase cues from the lexicon: which facet, which county, smalltalk, and danger."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.knowledge.models import (
    FacetId,
    Lexicon,
    any_of,
    concept_groups,
    concept_holds,
    each_part,
    gapped,
)
from bot.understanding.normalise import Normaliser, clean
from bot.understanding.pinyin import spoken

INSTEAD_GAP = 12  # characters a `*` of a turn stands for (说的不是*是: 说的不是养老驿站，是)
GUESS_GAP = 8  # characters a `*` of a facet guess stands for (能*吗: 能直接进同一个园吗)
SMALLTALK_SLACK = 2  # characters a smalltalk message may have beyond its phrase (e.g. 你好呀)
# a place elsewhere compared with here (上海的津贴跟咱这的一样不, 杭州的跟咱这儿比谁强)
_COMPARED = re.compile(
    r"[跟和与同](?:咱|我们|俺|晋中|这|本地).{0,8}(?:比|一样|一回事|区别|差别|不同)"
    r"|比(?:咱|我们|俺|晋中|这里|本地)|谁强|谁好|谁高|谁多|哪个强"
)
# a message closing on 凭啥 (啥 read as 什么) is a grievance, whatever it says before
_CLOSING_GRIEVANCE = re.compile(r"[，。！？!?,.\s]*凭什么[啊呀呢嘛吧！？!?。.，,\s]*$")
AWAY_GAP = 4  # characters between a place and what someone does there (在太原跑车, 在北京工地干活)


def _gapped(phrases: Iterable[str], gap: int = 4, *, shortest: bool = False) -> re.Pattern[str]:
    """One pattern for phrases in which `*` stands for a few characters (老公*打我)."""
    parts = (gapped(phrase, gap, shortest=shortest) for phrase in phrases)
    return re.compile("|".join(part for part in parts if part) or "(?!)")


_THERE = re.compile(r"那边的|那里的|那儿的")  # where someone is away, asked about
# a question asked at all, in the narrowest sense (问问 and 说说 tell a plan, not a question)
_QUESTION = re.compile(
    r"[吗么？?]|什么|怎么|哪|多少|几[个天月年号点回趟次]|谁|能不能|可不可以|是不是|有没有|要不要|行不行"
    r"|(.)[不没]\1|[不没呢]$"
)
_THIS_SIDE = re.compile(r"这边|这儿|这里|咱这|我们这|俺这")


class Cues:
    """Looks up lexicon phrases in normalised text."""

    def __init__(self, lexicon: Lexicon, norm: Normaliser) -> None:
        self._facets = [
            (facet, tuple(norm(c) for c in lexicon.facet_cues.get(facet, ()) if norm(c)))
            for facet in lexicon.facet_priority
        ]
        self._guesses = [
            (facet, _gapped((each_part(norm, g) for g in guesses), GUESS_GAP))
            for facet, guesses in lexicon.facet_guesses.items()
        ]
        self._whether = tuple(norm(c) for c in lexicon.asks_whether if norm(c))
        turns = (each_part(clean, c) for c in lexicon.asks_instead)
        self._instead = _gapped(turns, INSTEAD_GAP, shortest=True)
        beyond = (
            ("opinion", lexicon.opinion),
            ("personal", lexicon.personal),
            ("complaint", lexicon.complaint),
        )
        # a phrase with `*` spans a few characters: 怎么跟*开口 finds 咋跟我嫂子开口
        self._beyond = {
            kind: (
                tuple(norm(c).replace(" ", "") for c in cues if norm(c) and "*" not in c),
                _gapped(each_part(norm, c) for c in cues if "*" in c),
            )
            for kind, cues in beyond
        }
        # 听说…清退…是真的不: a word of every group; the first group's words ask whether it is true
        self._rumours = [
            (groups, any_of(groups[0]))
            for groups in (
                [[norm(w).replace(" ", "") for w in group] for group in concept_groups(r)]
                for r in lexicon.rumours
            )
        ]
        self._not_personal = _gapped((each_part(norm, w) for w in lexicon.not_personal), 6)
        self._facets_pinyin = [
            (facet, tuple(spoken(c) for c in cues if len(c) >= 2))
            for facet, cues in self._facets
        ]
        self._whether_pinyin = tuple(spoken(c) for c in self._whether)
        self._smalltalk = [
            (kind, tuple(sorted({norm(p).replace(" ", "") for p in phrases if norm(p)})))
            for kind, phrases in lexicon.smalltalk.items()
        ]
        self._courtesy = [
            (kind, tuple(norm(p).replace(" ", "") for p in phrases if norm(p)))
            for kind, phrases in lexicon.courtesy.items()
        ]
        self._ack = any_of(norm(a) for a in lexicon.closing.get("acks", ()))  # 明白了 before 明白
        self._plans = _gapped(norm(p) for p in lexicon.closing.get("plans", ()) if norm(p))
        # `*` in a phrase stands for a few characters: 老公*打我 also finds 老公又打我;
        # `+` joins groups that must all occur somewhere: 孩子/老人 + 到现在没回来/找了一圈
        self._urgent = _gapped(u for u in lexicon.urgent if "+" not in u)
        self._urgent_together = [
            [{w.replace(" ", "") for w in group} for group in concept_groups(u)]
            for u in lexicon.urgent
            if "+" in u
        ]
        self._not_urgent = _gapped(lexicon.not_urgent)
        self._refuse = _gapped(each_part(clean, w) for w in lexicon.refuse)
        self._elsewhere = tuple(clean(p) for p in lexicon.elsewhere if clean(p))
        self._here = tuple(clean(p) for p in lexicon.here if clean(p))
        self._not_places = tuple(clean(p) for p in lexicon.not_places if clean(p))
        # 儿子在太原上班, 从内蒙古打工回来: someone is or was there; 太原的大夫 comes from there
        places = "|".join(re.escape(p) for p in sorted(self._elsewhere, key=len, reverse=True))
        away = [clean(w) for w in lexicon.away if clean(w)]
        doing = "|".join(re.escape(w) for w in away if not w.startswith("的")) or "(?!)"
        whose = "|".join(re.escape(w) for w in away if w.startswith("的")) or "(?!)"
        self._away = re.compile(
            f"(?<=[在从])(?:{places})(?=.{{0,{AWAY_GAP}}}(?:{doing}))|(?:{places})(?={whose})"
        )
        # 户口在祁县能不能去北京申请: going there to apply asks about there, wherever one lives
        self._going_there = re.compile(f"去({places})(?:申请|办理|办|领|报名)")
        # 听说太原那边托育补贴给五百: a place's 那边 is where the question is (山东那边的医院 only
        # says where something was), unless here is set against it (河南那边…晋中这边能交不)
        self._over_there = re.compile(f"({places})(?:那边|那里|那儿)(?!的)")
        self._counties = [
            (county, tuple(clean(a) for a in (county, *aliases)))
            for county, aliases in lexicon.county_aliases.items()
        ]

    def facet(self, text: str, guess: bool = True) -> FacetId | None:
        """The facet the question asks for, by the lexicon's priority; None if no cue. Without
        `guess`, only a cue itself counts, not the looser guesses (能…吗)."""
        for facet, cues in self._facets:
            if any(cue in text for cue in cues):
                return facet
        if text.isascii():  # pinyin input: look for the cues' syllables
            sound = spoken(text)
            for facet, cues in self._facets_pinyin:
                if any(cue in sound for cue in cues):
                    return facet
        if not guess:
            return None
        compact = text.replace(" ", "")
        return next((facet for facet, pattern in self._guesses if pattern.search(compact)), None)

    def asks_whether(self, text: str) -> bool:
        """Whether the question asks if the topic exists or is true (有没有, 是真的吗)."""
        if text.isascii():  # pinyin input: you meiyou
            sound = spoken(text)
            return any(cue in sound for cue in self._whether_pinyin)
        return any(cue in text for cue in self._whether)

    def without_whether(self, text: str) -> str:
        """Text without the words asking whether something exists or is true."""
        for cue in self._whether:
            text = text.replace(cue, "")
        return text

    def instead(self, cleaned: str) -> tuple[str, str] | None:
        """What a message says before turning to what it really asks (低保我了解过了，我想问的是
        要带啥材料; 我说的不是养老驿站，是菜鸟驿站…), and that question; None if none."""
        turns = list(self._instead.finditer(cleaned))
        if not turns:
            return None
        return cleaned[: turns[-1].start()], cleaned[turns[-1].end() :]

    def beyond(self, text: str) -> tuple[str, str] | None:
        """What the message asks that no topic answers, with the rest of it: the bot's view
        ("opinion": 你觉得…公平吗, or whether a rumour is true: 听说要清退一半低保户，真的吗),
        a personal case looked up or acted on ("personal": 你给我查查) or a complaint
        ("complaint": 我要投诉她). The caller decides whether the rest still asks a facet of a
        topic (你觉得俺家能申请低保不)."""
        compact = text.replace(" ", "")
        for groups, asks_true in self._rumours:  # what a claim is about is not asked of its own
            if concept_holds(groups, compact):
                return "opinion", asks_true.sub("，", compact)
        closing = _CLOSING_GRIEVANCE.search(compact)  # 我家一个没有，凭啥
        if closing:
            return "complaint", compact[: closing.start()]
        for kind, (cues, spanning) in self._beyond.items():
            rest = compact
            if kind == "personal":  # 服务点能不能帮我查查 asks what the service point does
                rest = self._not_personal.sub("，", rest)
            seen = rest
            for cue in cues:
                rest = rest.replace(cue, "，")
            rest = spanning.sub("，", rest)
            if rest != seen:
                return kind, rest
        return None

    def county(self, cleaned: str) -> str | None:
        """The 晋中 county named in the question, if any."""
        for county, names in self._counties:
            if any(name in cleaned for name in names):
                return county
        return None

    def elsewhere(self, cleaned: str) -> str | None:
        """A place outside 晋中 the question is about, unless it also names 晋中, a county, or
        speaks of here (北京的专家来咱县里) without comparing the two (上海的津贴跟咱这的一样不)."""
        going = self._going_there.search(cleaned) or (
            None if _THIS_SIDE.search(cleaned) else self._over_there.search(cleaned)
        )
        if going:
            return going.group(1)
        here = "晋中" in cleaned or self.county(cleaned) or any(w in cleaned for w in self._here)
        if here and not _COMPARED.search(cleaned):  # 杭州的…跟咱这儿比 is about there too
            return None
        for word in self._not_places:
            cleaned = cleaned.replace(word, "，")
        away = self._away.search(cleaned)
        if away and _THERE.search(cleaned):  # 我在石家庄上班 那边的低保标准是多少
            return away.group(0)
        cleaned = self._away.sub("，", cleaned)
        return next((place for place in self._elsewhere if place in cleaned), None)

    def refuse(self, cleaned: str) -> bool:
        """Whether the message asks for help with fraud (伪造材料, 冒领)."""
        return self._refuse.search(cleaned.replace(" ", "")) is not None

    def urgent(self, cleaned: str) -> bool:
        """Whether the message signals danger to life or violence."""
        compact = self._not_urgent.sub("，", cleaned.replace(" ", ""))
        if self._urgent.search(compact) is not None:
            return True
        return any(concept_holds(groups, compact) for groups in self._urgent_together)

    def courtesy(self, text: str) -> str | None:
        """The kind of smalltalk a message carries among other words: a question what the bot
        answers (我是网格员，你能解答哪些), a thanks, greeting or goodbye (谢谢 邻居已经把她
        送医院了); the lexicon's order decides between them. None if it carries none."""
        compact = text.replace(" ", "")
        for kind, phrases in self._courtesy:
            if any(phrase in compact for phrase in phrases):
                return kind
        return None

    def closes(self, text: str, as_typed: str) -> bool:
        """Whether a chat reply opens with an acknowledgement and tells what the resident will
        do next, asking nothing (好嘞 等孩子妈下班我俩一起在手机上弄); `as_typed` keeps the
        question mark normalising drops."""
        compact = text.replace(" ", "")
        opened = self._ack.match(compact)
        return (
            opened is not None
            and self._plans.search(compact, opened.end()) is not None
            and not any(_QUESTION.search(t) for t in (compact, as_typed))
        )

    def smalltalk(self, text: str) -> str | None:
        """The kind of smalltalk when the message is essentially a smalltalk phrase."""
        compact = text.replace(" ", "")
        covered = [False] * len(compact)
        said = {}
        for kind, phrases in self._smalltalk:
            # 好的明白了谢谢 is all thanks: every occurrence of every phrase of the kind counts,
            # overlapping ones too (都能回答 and 回答哪些 in 你都能回答哪些), whatever their order
            before = sum(covered)
            for phrase in phrases:
                start = compact.find(phrase)
                while start != -1:
                    covered[start : start + len(phrase)] = [True] * len(phrase)
                    start = compact.find(phrase, start + 1)
            said[kind] = sum(covered) - before
        # 知道了，没别的事了 mixes thanks and goodbye: the kind that says most
        total = sum(covered)
        if total and len(compact) - total <= SMALLTALK_SLACK + total // 2:
            return max(said, key=lambda kind: said[kind])
        return None
