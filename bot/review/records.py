"""Reading and marking logged questions for review (SQL over the SQLite query log)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.store.base import parse_age

DISMISSED = "dismissed"


class ReviewError(ValueError):
    """Bad input from the clerk (unknown id, intent or date); shown as one line."""


@dataclass(frozen=True)
class Logged:
    """One logged question as review sees it (text is masked, user is a pseudonym)."""

    id: int
    at: str
    channel: str
    user: str | None
    text: str
    decision: str
    intent: str | None
    facet: str | None
    score: float
    runner_up: str | None
    feedback: int | None
    knowledge_version: str
    reviewed_at: str | None
    reviewed_by: str | None
    review_action: str | None

    @classmethod
    def of(cls, row: aiosqlite.Row) -> Logged:
        """From a `queries` row."""
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    def reasons(self, low_score: float) -> tuple[str, ...]:
        """Why this question needs a look: declined, clarified, low confidence, 👎."""
        out = []
        if self.decision == "decline":
            out.append("declined")
        if self.decision == "clarify":
            out.append("clarified")
        if self.decision == "answer" and self.score < low_score:
            out.append("low confidence")
        if self.feedback == -1:
            out.append("👎")
        return tuple(out)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def parse_since(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """`2026-11-01` (a UTC date) or a span back from now such as `7d`, `2w`, `36h`."""
    now = now or dt.datetime.now(dt.UTC)
    if re.fullmatch(r"\s*\d+\s*[dwh]\s*", value):
        return now - parse_age(value)
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ReviewError(
            f"bad date {value!r}: use YYYY-MM-DD or a span like 7d, 2w, 36h"
        ) from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


_NEEDS_REVIEW = (
    "(decision IN ('decline', 'clarify') OR (decision = 'answer' AND score < ?) OR feedback = -1)"
)


async def pending(db: aiosqlite.Connection, since: dt.datetime, low_score: float) -> list[Logged]:
    """Unreviewed declined, clarified, unsure or 👎 questions since `since`, oldest first."""
    sql = (
        f"SELECT * FROM queries WHERE at >= ? AND reviewed_at IS NULL AND {_NEEDS_REVIEW}"
        " AND trim(text) != '' ORDER BY id"
    )
    async with db.execute(sql, (since.isoformat(), low_score)) as cursor:
        return [Logged.of(row) for row in await cursor.fetchall()]


async def logged_since(db: aiosqlite.Connection, since: dt.datetime) -> list[Logged]:
    """Every question logged since `since`, oldest first."""
    async with db.execute(
        "SELECT * FROM queries WHERE at >= ? ORDER BY id", (since.isoformat(),)
    ) as cursor:
        return [Logged.of(row) for row in await cursor.fetchall()]


async def fetch(db: aiosqlite.Connection, query_id: int) -> Logged:
    """One logged question, or ReviewError when there is none with that id."""
    async with db.execute("SELECT * FROM queries WHERE id = ?", (query_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise ReviewError(f"no logged question with id {query_id}")
    return Logged.of(row)


async def mark_reviewed(db: aiosqlite.Connection, ids: Iterable[int], by: str, action: str) -> int:
    """Record who reviewed the questions, when, and what they did; returns how many."""
    at = dt.datetime.now(dt.UTC).isoformat()
    rows = [(at, by, action, query_id) for query_id in ids]
    await db.executemany(
        "UPDATE queries SET reviewed_at = ?, reviewed_by = ?, review_action = ? WHERE id = ?", rows
    )
    await db.commit()
    return len(rows)
