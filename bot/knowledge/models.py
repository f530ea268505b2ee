"""Pydantic models for everything in `intents/` and `knowledge/`; validated at load."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FacetId = Literal[
    "overview",
    "eligibility",
    "how_to_apply",
    "materials",
    "where",
    "amount",
    "duration",
    "progress",
]
FACET_IDS: tuple[FacetId, ...] = get_args(FacetId)
COUNTIES: tuple[str, ...] = (
    "榆次区",
    "太谷区",
    "祁县",
    "平遥县",
    "介休市",
    "灵石县",
    "寿阳县",
    "昔阳县",
    "和顺县",
    "左权县",
    "榆社县",
)
ASCII_ID = r"^[a-z][a-z0-9_]*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Frozen):
    """One article or document the knowledge cites."""

    id: str = Field(pattern=ASCII_ID)
    kind: Literal["news", "regulation", "law", "notice"]
    title: str = Field(min_length=2)
    reporters: tuple[str, ...] = ()
    issuer: str | None = None
    date: str | None = None
    file: str | None = None
    reported_by: str | None = None

    @model_validator(mode="after")
    def _news_has_file(self) -> Source:
        if self.kind == "news" and not self.file:
            raise ValueError("a news source needs `file` (its name in the seeds folder)")
        return self


class Cite(_Frozen):
    """A reference from a sentence to a source, with an optional locator such as 第4条."""

    source_id: str
    locator: str | None = None

    @classmethod
    def parse(cls, raw: str) -> Cite:
        """Read `source_id` or `source_id 第4条`."""
        head, _, rest = raw.strip().partition(" ")
        return cls(source_id=head, locator=rest.strip() or None)


class Point(_Frozen):
    """One short sentence of a facet, with the sources that support it."""

    text: str = Field(min_length=2, max_length=120)
    cite: tuple[Cite, ...] = Field(min_length=1)
    county: str | None = None

    @field_validator("cite", mode="before")
    @classmethod
    def _parse_cites(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            return tuple(Cite.parse(v) if isinstance(v, str) else v for v in value)
        return value

    @field_validator("county")
    @classmethod
    def _known_county(cls, value: str | None) -> str | None:
        if value is not None and value not in COUNTIES:
            raise ValueError(f"unknown county {value!r}; use one of {', '.join(COUNTIES)}")
        return value


class Facet(_Frozen):
    """A unit of an answer: what the sources say, and honestly what they do not."""

    points: tuple[Point, ...] = ()
    unknown: str | None = None
    ask: str | None = None
    as_of: dt.date
    review_by: dt.date | None = None

    @model_validator(mode="after")
    def _filled_or_honest(self) -> Facet:
        if not self.points and not self.unknown:
            raise ValueError("a facet needs points, or `unknown` saying what the sources lack")
        if self.unknown and not self.ask:
            raise ValueError("`unknown` needs `ask`: the office that decides or can answer")
        return self


def concept_groups(concept: str) -> tuple[tuple[str, ...], ...]:
    """"老楼/旧楼 + 爬楼" → (("老楼", "旧楼"), ("爬楼",))."""
    return tuple(
        tuple(w.strip() for w in group.split("/") if w.strip()) for group in concept.split("+")
    )


def concept_holds(groups: Iterable[Iterable[str]], text: str) -> bool:
    """Whether a word of every group occurs in text."""
    return all(any(word in text for word in group) for group in groups)


class Intent(_Frozen):
    """One topic residents ask about."""

    id: str = Field(pattern=ASCII_ID)
    title: str = Field(min_length=2, max_length=12)
    description: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = Field(min_length=1)
    negatives: tuple[str, ...] = ()
    # words that mean the question is about something else (商业养老保险 is not 养老保险):
    # a question containing one is never routed to this topic
    excludes: tuple[str, ...] = ()
    # how residents describe the topic without naming it: "老楼/旧楼 + 爬楼/上下楼" holds when a
    # word of every `+` group occurs (the words of a group are separated by `/`)
    concepts: tuple[str, ...] = ()
    facets: dict[FacetId, Facet]

    @field_validator("concepts")
    @classmethod
    def _concepts_have_groups(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for concept in value:
            groups = concept_groups(concept)
            if len(groups) < 2 or any(not g for g in groups):
                raise ValueError(
                    f"a concept needs two or more `+` groups of `/`-separated words: {concept!r}"
                )
        return value

    @field_validator("keywords")
    @classmethod
    def _keywords_long_enough(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        short = [k for k in value if len(k.strip()) < 2]
        if short:
            raise ValueError(f"keywords need at least two characters: {short}")
        return value

    @model_validator(mode="after")
    def _has_overview(self) -> Intent:
        if "overview" not in self.facets:
            raise ValueError("every intent needs an `overview` facet")
        return self


def gapped(phrase: str, gap: int, *, shortest: bool = False) -> str:
    """A regular expression for a phrase in which `*` stands for up to `gap` characters (as few
    as will do when `shortest`)."""
    stands = f".{{0,{gap}}}{'?' if shortest else ''}"
    return stands.join(map(re.escape, phrase.replace(" ", "").split("*")))


def any_of(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern for any of the words (spaces ignored), longest first."""
    found = sorted({w.replace(" ", "") for w in words} - {""}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, found)) or "(?!)")


def each_part(change: Callable[[str], str], phrase: str) -> str:
    """The phrase with `change` (normalising, cleaning) applied between its `*`s."""
    return "*".join(map(change, phrase.split("*")))


def matter_pattern(word: str) -> re.Pattern[str]:
    """A word meaning another matter, `*` standing for a few characters (医保卡*刷)."""
    return re.compile(gapped(word, 6))


class OutOfScope(_Frozen):
    """Questions the bot must decline; they pull matching toward `decline`."""

    examples: tuple[str, ...] = ()
    # words that mean another matter whatever topic the message names (低保户考驾照: 驾照)
    other_matters: tuple[str, ...] = ()
    # words telling the resident's situation (腰椎, 焦化厂, 房贷): another matter only when the
    # question itself is about them, not when a long story mentions them
    circumstances: tuple[str, ...] = ()


class Lexicon(_Frozen):
    """Words the understanding layer needs: dialect, facet cues, smalltalk, danger, counties."""

    dialect: dict[str, str] = {}
    english: dict[str, str] = {}  # English words mixed into a question (subsidy → 补贴)
    fillers: tuple[str, ...] = ()
    facet_cues: dict[FacetId, tuple[str, ...]] = {}
    facet_priority: tuple[FacetId, ...] = FACET_IDS
    asks_whether: tuple[str, ...] = ()  # 有没有, 是真的吗: asks about the topic itself
    asks_instead: tuple[str, ...] = ()  # 低保我了解过了，我想问的是…: the question follows
    opinion: tuple[str, ...] = ()  # 你觉得…公平吗: asks for the bot's view, not a fact
    personal: tuple[str, ...] = ()  # 你给我查查到账没: a personal case to look up or act on
    not_personal: tuple[str, ...] = ()  # 服务点能不能帮我把年限查清楚: what a place can do
    complaint: tuple[str, ...] = ()  # 我要投诉她, 只给他亲戚: a complaint or a report
    # 听说要清退一半低保户，是真的不: a claim to confirm (`+` joins groups that must all occur)
    rumours: tuple[str, ...] = ()
    # when no cue is found: looser patterns, `*` standing for a few characters (能*吗), in order
    facet_guesses: dict[FacetId, tuple[str, ...]] = {}
    smalltalk: dict[str, tuple[str, ...]] = {}
    # thanks, greetings (谢了哈 冻死了: beside words asking nothing) and questions what the bot
    # answers (我是网格员，你能解答哪些) that make a message smalltalk beside other words
    courtesy: dict[str, tuple[str, ...]] = {}
    # a chat reply opening with an acknowledgement (好嘞, 晓得了) and telling what the resident
    # will do next (明天去社区问问): `acks` + `plans` (`*` standing for a few characters)
    closing: dict[str, tuple[str, ...]] = {}
    urgent: tuple[str, ...] = ()
    not_urgent: tuple[str, ...] = ()  # words hiding a danger word (手机中毒, 户口本找不着了)
    county_aliases: dict[str, tuple[str, ...]] = {}
    elsewhere: tuple[str, ...] = ()
    here: tuple[str, ...] = ()  # words that put a question back in 晋中 (咱县里, 本地)
    not_places: tuple[str, ...] = ()  # words hiding a place name (老大同园 is 老大 + 同园)
    # what people do elsewhere (儿子在太原上班): such a place is part of the story, not the question
    away: tuple[str, ...] = ()
    refuse: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()
    # a topic named as who is asking (低保户, 领着高龄津贴的): another topic named is the one asked
    status: tuple[str, ...] = ()

    @field_validator("county_aliases")
    @classmethod
    def _counties_known(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        unknown = [c for c in value if c not in COUNTIES]
        if unknown:
            raise ValueError(f"unknown counties: {unknown}")
        return value
