"""The query-log interface every backend implements, and the record it stores."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Protocol

from bot.answers import Answer
from bot.store.masking import mask

MAX_STORED_CHARS = 2000


def pseudonym(salt: str, channel: str, user_id: str | int | None) -> str | None:
    """A salted hash standing in for a user id; the raw id is never stored."""
    if user_id is None:
        return None
    digest = hmac.new(salt.encode(), f"{channel}:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class QueryRecord:
    """One logged question, already masked."""

    at: dt.datetime
    channel: str
    user: str | None
    text: str
    decision: str
    intent: str | None
    facet: str | None
    score: float
    runner_up: str | None
    runner_up_score: float
    latency_ms: float
    knowledge_version: str

    @classmethod
    def of(
        cls, text: str, answer: Answer, *, channel: str, user: str | None, latency_ms: float
    ) -> QueryRecord:
        """A record of `answer` to `text`; the text is masked and truncated here."""
        return cls(
            at=dt.datetime.now(dt.UTC),
            channel=channel,
            user=user,
            text=mask(text)[:MAX_STORED_CHARS],
            decision=answer.decision.value,
            intent=answer.intent,
            facet=answer.facet,
            score=answer.score,
            runner_up=answer.runner_up,
            runner_up_score=answer.runner_up_score,
            latency_ms=round(latency_ms, 3),
            knowledge_version=answer.knowledge_version,
        )


def parse_age(value: str) -> dt.timedelta:
    """`180d`, `12w` or `36h` as a time span."""
    found = re.fullmatch(r"\s*(\d+)\s*([dwh])\s*", value)
    if not found:
        raise ValueError(f"expected a span like 180d, 12w or 36h, got {value!r}")
    amount, unit = int(found.group(1)), found.group(2)
    return {
        "d": dt.timedelta(days=amount),
        "w": dt.timedelta(weeks=amount),
        "h": dt.timedelta(hours=amount),
    }[unit]


@dataclass(frozen=True)
class QueryStats:
    """Counts over a span of the log, for the admins' /stats."""

    since: dt.datetime
    total: int
    per_day: tuple[tuple[str, int], ...]  # (YYYY-MM-DD in UTC, questions)
    per_decision: tuple[tuple[str, int], ...]
    per_intent: tuple[tuple[str, int], ...]  # answered questions by topic id
    top_declined: tuple[tuple[str, int], ...]  # masked texts, most frequent first


class QueryLog(Protocol):
    """Where questions are recorded for review."""

    async def open(self) -> None:
        """Connect and bring the schema up to date."""

    async def record(self, record: QueryRecord) -> int:
        """Store one record; returns its id."""

    async def recent(self, limit: int = 50) -> list[dict[str, object]]:
        """The newest records, newest first."""

    async def stats(self, since: dt.datetime, top: int = 10) -> QueryStats:
        """Questions per day, decision and topic since a moment, and the most declined texts."""

    async def set_feedback(self, query_id: int, value: int, user: str | None = None) -> bool:
        """Store 👍 (1) or 👎 (-1) on a logged question (asked by `user`, when given); False if
        there is no such row."""

    async def purge(self, older_than: dt.timedelta) -> int:
        """Delete records older than the span; returns how many."""

    async def close(self) -> None:
        """Flush and disconnect."""
