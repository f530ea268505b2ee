"""Inline keyboards and the callback data behind their buttons (at most 64 bytes each)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answers import Answer, Option
from bot.channels.telegram import texts
from bot.knowledge.models import FACET_IDS, FacetId
from bot.understanding.decide import Decision

MAX_DATA = 64  # bytes Telegram allows in callback_data

# t: a topic from a list (new message); c: a clarify candidate (the question is edited into the
# answer); f: another facet of the topic; fb: feedback on the logged question; rl / rd: label or
# dismiss a cluster of logged questions (admins, from /unanswered)
Kind = Literal["t", "c", "f"]
REVIEW_PATTERN = r"^r[ld]:"


@dataclass(frozen=True)
class Choice:
    """A pressed topic or facet button; `query_id` is the logged question it continues."""

    kind: Kind
    intent: str
    facet: FacetId | None = None
    query_id: int | None = None


@dataclass(frozen=True)
class Feedback:
    """A pressed 👍 (1) or 👎 (-1) on a logged question."""

    query_id: int
    value: int


@dataclass(frozen=True)
class Review:
    """A pressed review button: label `cluster` as examples of `intent`, or dismiss it (None)."""

    cluster: str
    intent: str | None


def _data(*fields: object) -> str:
    data = ":".join("" if f is None else str(f) for f in fields).rstrip(":")
    if len(data.encode()) > MAX_DATA:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse(data: str | None) -> Choice | Feedback | None:
    """What a button means; None for anything this bot did not send."""
    fields = (data or "").split(":")
    try:
        if fields[0] == "fb" and len(fields) == 3 and fields[2] in ("1", "-1"):
            return Feedback(int(fields[1]), int(fields[2]))
        if fields[0] in ("t", "c") and 2 <= len(fields) <= 4 and fields[1]:
            # a clarify candidate also carries the facet the question asked (c:dibao:7:materials)
            query_id = int(fields[2]) if len(fields) >= 3 and fields[2] else None
            facet = fields[3] if len(fields) == 4 and fields[3] in FACET_IDS else None
            return Choice("t" if fields[0] == "t" else "c", fields[1], facet, query_id)
        if fields[0] == "f" and 3 <= len(fields) <= 4 and fields[2] in FACET_IDS:
            query_id = int(fields[3]) if len(fields) == 4 else None
            return Choice("f", fields[1], fields[2], query_id)
    except ValueError:
        return None
    return None


def parse_review(data: str | None) -> Review | None:
    """What a review button means; None for anything else."""
    fields = (data or "").split(":")
    if len(fields) == 3 and fields[0] == "rl" and fields[1] and fields[2]:
        return Review(fields[1], fields[2])
    if len(fields) == 2 and fields[0] == "rd" and fields[1]:
        return Review(fields[1], None)
    return None


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def topics(options: Sequence[Option]) -> InlineKeyboardMarkup:
    """One button per topic, two to a row."""
    buttons = [InlineKeyboardButton(o.title, callback_data=_data("t", o.id)) for o in options]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def feedback_row(query_id: int) -> list[InlineKeyboardButton]:
    """👍 / 👎 for a logged question."""
    return [
        InlineKeyboardButton(texts.FEEDBACK_BUTTONS[v], callback_data=_data("fb", query_id, v))
        for v in (1, -1)
    ]


def for_answer(answer: Answer, query_id: int | None) -> InlineKeyboardMarkup | None:
    """Buttons under a reply: candidates when clarifying, else other facets and feedback."""
    if answer.decision is Decision.CLARIFY:
        facet = answer.facet  # the candidate chosen answers what was asked (要带什么 …)
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(o.title, callback_data=_data("c", o.id, query_id, facet))]
                for o in answer.candidates
            ]
        )
    if answer.decision is not Decision.ANSWER or answer.intent is None:
        return None
    facets = [
        InlineKeyboardButton(o.title, callback_data=_data("f", answer.intent, o.id, query_id))
        for o in answer.follow_ups
    ]
    rows = _rows(facets, 3)
    related = [
        InlineKeyboardButton(o.title, callback_data=_data("t", o.id)) for o in answer.related
    ]
    rows += _rows(related, 2)  # the other topics the message named, one tap away
    if query_id is not None:
        rows.append(feedback_row(query_id))
    return InlineKeyboardMarkup(rows) if rows else None


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup:
    """The same keyboard with the 👍 / 👎 row removed (once feedback is given)."""
    rows = [
        list(row)
        for row in (markup.inline_keyboard if markup else ())
        if not any(str(b.callback_data or "").startswith("fb:") for b in row)
    ]
    return InlineKeyboardMarkup(rows)


def review(cluster: str, suggestions: Sequence[Option]) -> InlineKeyboardMarkup:
    """A button "标为 <topic>" per suggested topic, and "忽略"."""
    labels = [
        InlineKeyboardButton(texts.label_button(o.title), callback_data=_data("rl", cluster, o.id))
        for o in suggestions
    ]
    dismiss = InlineKeyboardButton(texts.DISMISS_BUTTON, callback_data=_data("rd", cluster))
    return InlineKeyboardMarkup([*_rows(labels, 2), [dismiss]])
