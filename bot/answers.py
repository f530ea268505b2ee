"""The `Answer` every channel renders, how it is composed, and every sentence the bot says."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.knowledge.models import FACET_IDS, Facet, FacetId, Intent, Source
from bot.understanding.decide import Decision

FACET_TITLES: dict[FacetId, str] = {
    "overview": "是什么",
    "eligibility": "谁能申请",
    "how_to_apply": "怎么申请",
    "materials": "要带什么",
    "where": "去哪里办",
    "amount": "多少钱·标准",
    "duration": "要多久",
    "progress": "本地进展",
}
HOTLINE = "12345政务服务便民热线"

EMPTY = "您好像还没有输入问题。请直接打字告诉我您想了解什么，比如“低保怎么申请”。"
URGENT = (
    "如果您或身边的人有生命危险或正在遭受暴力，请立即拨打110报警；需要急救请拨打120。"
    "请先确保自己的安全，身边有人的话请马上求助。"
)
FAILED = f"抱歉，我这边出了点问题，没能处理这条消息。请稍后再试，或拨打{HOTLINE}咨询。"
REFUSE = (
    "这个忙我不能帮：各项救助和补贴都要如实申请。"
    f"如果家里确实有困难，可以如实向户籍所在地乡镇政府或街道办事处申请，或拨打{HOTLINE}咨询。"
)
PERSONAL = (
    "我只能介绍政策本身，查不到个人的申请进度和记录，也不能替您办理、转交材料或回电话；"
    "投诉和举报也不在我这里受理。个人的事请直接联系经办的乡镇（街道）或部门，"
    f"或拨打{HOTLINE}。"
)
CLARIFY = "我不太确定您问的是哪一项，请选一个："
CLARIFY_ONE = (
    "您问的是不是下面这一项？是的话请选它。"
    f"如果问的是别的事，可能超出了我能回答的范围，可以换个说法再问，或拨打{HOTLINE}咨询。"
)
SMALLTALK = {
    "greeting": (
        "您好！我是晋中民生问答，可以帮您了解晋中的民生政策。请直接打字提问，比如“低保怎么申请”。"
    ),
    "thanks": "不客气！还有别的问题随时问我。",
    "identity": (
        "我是晋中民生问答，根据晋中本地新闻报道和国家政策文件回答民生政策问题，每条信息都注明出处。"
        "资料里没有的，我会如实说明并告诉您该问哪个部门。"
    ),
    "bye": "再见，祝您生活顺心！有问题随时来问。",
}
PRIVACY = "温馨提示：请不要发送身份证号、手机号、银行卡号等个人信息，我不需要这些就能回答。"


def fallback(version: str) -> Answer:
    """The reply when something went wrong inside the bot."""
    return Answer(Decision.DECLINE, (FAILED,), knowledge_version=version, reason="error")


def elsewhere_text(place: str) -> str:
    """Decline for a question about another place."""
    return (
        f"我只能解答晋中市的民生政策，{place}的情况我这里没有资料，不想给您说错。"
        f"请拨打当地的{HOTLINE}咨询。"
    )


def decline_text(topics: list[str]) -> str:
    """Kind words, what the bot can answer, and where else to ask."""
    return (
        "抱歉，这个问题超出了我能回答的范围，我不想给您说错。"
        f"我能解答的话题有：{'、'.join(topics)}。"
        f"其他问题可以拨打{HOTLINE}咨询。"
    )


def related_text(titles: list[str]) -> str:
    """The line under an answer pointing to other topics the message named."""
    return f"您的问题还提到了{'、'.join(f'“{t}”' for t in titles)}，想了解可以接着问。"


def topics_text(topics: list[str]) -> str:
    """The topic list for smalltalk and help."""
    return f"我能解答的话题有：{'、'.join(topics)}。"


@dataclass(frozen=True)
class Citation:
    """A numbered reference to a source shown under the answer."""

    number: int
    source_id: str
    title: str
    kind: str
    date: str | None
    by: str | None
    locators: tuple[str, ...] = ()
    reported_by: str | None = None

    def render(self) -> str:
        """`[1]《标题》，发布者，日期（第4条）` in plain text."""
        parts = [f"[{self.number}]《{self.title}》"]
        if self.by:
            parts.append(self.by)
        if self.date:
            parts.append(self.date)
        text = "，".join(parts)
        if self.locators:
            text += f"（{'、'.join(self.locators)}）"
        if self.reported_by:
            text += f"，据{self.reported_by}"
        return text


@dataclass(frozen=True)
class Option:
    """A topic or facet the resident can choose next."""

    id: str
    title: str


@dataclass(frozen=True)
class Answer:
    """What the engine returns for one message; channels only render it."""

    decision: Decision
    parts: tuple[str, ...]
    intent: str | None = None
    intent_title: str | None = None
    facet: FacetId | None = None
    score: float = 0.0
    candidates: tuple[Option, ...] = ()
    citations: tuple[Citation, ...] = ()
    as_of: dt.date | None = None
    follow_ups: tuple[Option, ...] = ()
    related: tuple[Option, ...] = ()  # other topics the message also named (ask them next)
    county: str | None = None
    runner_up: str | None = None
    runner_up_score: float = 0.0
    knowledge_version: str = ""
    reason: str = ""
    flags: tuple[str, ...] = field(default=())
    query_id: int | None = None  # the query-log row, once recorded (for feedback and review)

    @property
    def text(self) -> str:
        """The body text without citations."""
        return "\n".join(self.parts)


def _citation(number: int, source: Source, locators: list[str]) -> Citation:
    by = "记者 " + "、".join(source.reporters) if source.reporters else source.issuer
    return Citation(
        number,
        source.id,
        source.title,
        source.kind,
        source.date,
        by,
        tuple(locators),
        source.reported_by,
    )


def compose_facet(
    intent: Intent, facet_id: FacetId, sources: dict[str, Source], county: str | None
) -> tuple[tuple[str, ...], tuple[Citation, ...], dt.date]:
    """Facet text with citation markers, its numbered citations, and its as-of date."""
    facet: Facet = intent.facets[facet_id]
    points = list(facet.points)
    lines = [f"【{intent.title} · {FACET_TITLES[facet_id]}】"]
    if county:
        local = [p for p in points if p.county == county]
        if local:
            points = local + [p for p in points if p.county != county]
            lines.append(f"{county}的情况：")
        elif points:
            lines.append(f"资料里没有{county}的专门说法，以下是全市或全国通用的情况。")

    order: dict[str, int] = {}
    locators: dict[str, list[str]] = {}
    sentences = []
    for point in points:
        marks = []
        for cite in point.cite:
            number = order.setdefault(cite.source_id, len(order) + 1)
            found = locators.setdefault(cite.source_id, [])
            if cite.locator and cite.locator not in found:
                found.append(cite.locator)
            marks.append(f"[{number}]")
        sentences.append(point.text + "".join(dict.fromkeys(marks)))
    if sentences:
        lines.append("".join(sentences))
    if facet.unknown:
        lines.append(
            f"资料里没有写明{facet.unknown}，请向{facet.ask}咨询，也可以拨打{HOTLINE}。"
            if HOTLINE[:5] not in (facet.ask or "")
            else f"资料里没有写明{facet.unknown}，请向{facet.ask}咨询。"
        )
    citations = tuple(
        _citation(number, sources[source_id], locators[source_id])
        for source_id, number in order.items()
    )
    return tuple(lines), citations, facet.as_of


def follow_ups(intent: Intent, current: FacetId | None) -> tuple[Option, ...]:
    """The intent's other facets, in the standard order."""
    return tuple(
        Option(f, FACET_TITLES[f]) for f in FACET_IDS if f in intent.facets and f != current
    )


def render_plain(answer: Answer) -> str:
    """Plain-text rendering for the terminal and `ask`."""
    lines = list(answer.parts)
    if answer.decision is Decision.CLARIFY:
        lines += [f"  {i}. {option.title}" for i, option in enumerate(answer.candidates, 1)]
    if answer.citations:
        lines.append("来源：")
        lines += [citation.render() for citation in answer.citations]
    if answer.as_of:
        lines.append(f"信息截至{answer.as_of.year}年{answer.as_of.month}月{answer.as_of.day}日。")
    if answer.follow_ups:
        lines.append("还可以问：" + " / ".join(option.title for option in answer.follow_ups))
    if answer.related:
        lines.append(related_text([option.title for option in answer.related]))
    if "privacy" in answer.flags:
        lines.append(PRIVACY)
    return "\n".join(lines)
