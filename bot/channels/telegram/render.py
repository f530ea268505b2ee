"""An `Answer` as Telegram HTML: everything escaped, split into messages Telegram accepts."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.answers import PRIVACY, Answer, related_text
from bot.channels.telegram import texts
from bot.understanding.decide import Decision

MAX_MESSAGE = 4096  # Telegram's limit per message, counted here on the HTML (the safe side)


def _styled(text: str, tag: str | None, limit: int) -> list[str]:
    """One line of plain text as escaped HTML lines, each within `limit` with its tag closed."""
    opening, closing = (f"<{tag}>", f"</{tag}>") if tag else ("", "")
    room = limit - len(opening) - len(closing)
    pieces: list[str] = []
    current = ""
    for char in text:
        # an entity like &amp; is never cut, because characters are escaped one at a time
        escaped = escape(char)
        if len(current) + len(escaped) > room:
            pieces.append(current)
            current = ""
        current += escaped
    pieces.append(current)
    return [f"{opening}{piece}{closing}" if piece else "" for piece in pieces]


def html_lines(answer: Answer, limit: int = MAX_MESSAGE) -> list[str]:
    """The answer's lines as HTML: heading in bold, citations, as-of date, privacy reminder."""
    lines: list[str] = []
    for number, part in enumerate(answer.parts):
        for line in part.split("\n"):
            heading = number == 0 and answer.decision is Decision.ANSWER and line.startswith("【")
            lines += _styled(line, "b" if heading else None, limit)
    if answer.citations:
        lines += _styled(texts.SOURCES, "i", limit)
        for citation in answer.citations:
            lines += _styled(citation.render(), None, limit)
    if answer.as_of:
        lines += _styled(texts.as_of(answer.as_of), "i", limit)
    if answer.related:
        lines += _styled(related_text([o.title for o in answer.related]), None, limit)
    if "privacy" in answer.flags:
        lines += _styled(PRIVACY, None, limit)
    return lines


def plain_lines(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Plain text (possibly several lines) as escaped HTML lines."""
    return [piece for line in text.split("\n") for piece in _styled(line, None, limit)]


def split_messages(lines: Iterable[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join HTML lines into as few messages as fit, breaking only between lines."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        extra = len(line) + (1 if current else 0)
        if current and size + extra > limit:
            messages.append("\n".join(current))
            current, size = [], 0
            extra = len(line)
        current.append(line)
        size += extra
    if current:
        messages.append("\n".join(current))
    return [message for message in messages if message.strip()] or [""]


def render_answer(answer: Answer, limit: int = MAX_MESSAGE) -> list[str]:
    """The answer as one or more HTML messages."""
    return split_messages(html_lines(answer, limit), limit)
