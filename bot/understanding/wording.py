"""How residents word a question: the patterns that find its asking parts, clauses and pairs
of characters. Shared by the engine, the reading of long messages and the reading of chats."""

from __future__ import annotations

import re

from bot.understanding.normalise import MAX_CHARS

PARTS = re.compile(r"[。！？!?；;，,\n]+")
QUESTION_PARTS = re.compile(r"[^。！？!?；;，,\n]+[。！？!?；;，,]?")
# a part that reads as a question: 交着呢 and 正领着补贴呢 only tell; 对吧, 免了没, 报不报 ask
_ASKING = r"[？?]|吗|么|^(?!.*正.*呢).*(?<!着)呢|[不没][？?。，,]?$|[对是]吧|(?P<a>.)[不没](?P=a)"
ASKS = re.compile(_ASKING)
# a part worded as a question, in raw or normalised text (啥 → 什么): 谁, 几户, 问下/请问 too
QUESTION_WORDS = re.compile(
    rf"{_ASKING}|哪|谁|(?<![没或])多少|多久|多长(?!幼)|几点|(?<![没才前这那过好])几天|几号|几月|几户|问下|问一下|问个|请问|想问"
)
# how a polite question opens (您好，请问…): it announces a question, it does not ask one
OPENER = re.compile(r"^\s*(?:您好|你好)?[，,\s]*(?:请问|问一下|问下|想问一下|想问问|想问|我想问)")
# a message that asks something (a story that only tells asks nothing)
ASKS_SOMETHING = re.compile(rf"{QUESTION_WORDS.pattern}|怎么|什么")
# any sign of a question or a wish at all, however loose (还是, 几, 管不管, …的不, 想让)
ASKS_AT_ALL = re.compile(
    rf"{ASKS_SOMETHING.pattern}|还是|几|是否|多大|如何|咨询|请教|打听|说说|讲讲|介绍|了解"
    r"|想知道|想让|想申请|想办|想进|想装|希望"
    r"|有没|了没|能不|是不|要不|用不|行不|给不|管不|(.)[不没]\1|(?:[不吧呢咧哩]|没有?|不.)(?=[，。！？!?,.\s]|$)"
)
# how a resident's own case stands (还没到账, 停了): said of a case, not asked of the policy
CASE_STATE = re.compile(
    r"(?:咋|怎么)?(?:到现在|到今天|至今|一直)?还?没(?:有)?(?:到账|到|发|批|下来|动静|消息)|(?:到账|批|下来|出来|发|处理|清|审核过)了?没(?:有)?"
    r"|停了|断了|不给了"
    r"|(?:咋|怎么)?少(?:发|给|打)?了"
)
# asking how to apply, not how to do anything (怎么 alone; 怎么领, 怎么签, 怎么反映 are applying)
APPLYING = re.compile(r"申请|办|手续|流程|报名|登记|填|预约|下单|签约|怎么(?:领|签|反映)")
# residents often type a space where a comma belongs: 托育中心多少钱 另外附近有啥好吃的, and
# number their questions: 两件事 1育儿补贴谁能领 2公积金能提不
SPACE_AS_COMMA = r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff\d])"
# a second question announced (低保咋申请，另外高铁几点): 另外, 还有, 顺便, 对了, 再问 …
SECOND_QUESTION = re.compile(r"[，,。？?！!；;\s](?:另外|还有|顺便|对了|再问|还想问|再一个)")
# a message going on from what was just said: 那中班呢, 要是户口不在一起呢, 如果是租的房子
GOES_ON = re.compile(r"那|要是|如果")
CLAUSE = re.compile(rf"[。！？!?；;，,、\n～~…]+|\s{{2,}}|{SPACE_AS_COMMA}")


SPACED_PIECES = 5  # a message of this many space-separated pieces or more, each of few characters,
WORD_LENGTH = 3.0  # is typed with a space between words, not between clauses


def words_joined(text: str) -> str:
    """A message typed with a space between every word or two (高龄津贴  这  季度  少了  五十)
    joined up, so that its spaces are not read as the ends of clauses."""
    pieces = text.split()
    if len(pieces) < SPACED_PIECES or text.isascii():
        return text
    if sum(map(len, pieces)) / len(pieces) > WORD_LENGTH:
        return text
    return "".join(pieces)


def question_parts(text: str) -> list[str]:
    """The parts of a message between punctuation, each with its end mark (a space between
    two Chinese words counts as a comma); only the first MAX_CHARS characters are read."""
    return QUESTION_PARTS.findall(re.sub(SPACE_AS_COMMA, "，", text[:MAX_CHARS]))


def char_pairs(text: str) -> set[str]:
    """Neighbouring characters of a text, spaces ignored."""
    compact = text.replace(" ", "")
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def share_of(pairs: set[str], words: set[str]) -> float:
    """The share of the pairs a topic's wording uses (0 when there are none)."""
    return sum(p in words for p in pairs) / len(pairs) if pairs else 0.0
