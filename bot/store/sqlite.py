"""SQLite backend (aiosqlite, WAL) with schema migrations by `PRAGMA user_version`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

import aiosqlite

from bot.config import ConfigError
from bot.store.base import QueryRecord, QueryStats

log = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE queries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        channel TEXT NOT NULL,
        user TEXT,
        text TEXT NOT NULL,
        decision TEXT NOT NULL,
        intent TEXT,
        facet TEXT,
        score REAL NOT NULL,
        runner_up TEXT,
        runner_up_score REAL NOT NULL,
        latency_ms REAL NOT NULL,
        knowledge_version TEXT NOT NULL
    );
    CREATE INDEX queries_at ON queries(at);
    CREATE INDEX queries_decision ON queries(decision, at);
    """,
    # feedback: 1 for 👍, -1 for 👎; review_action: what a clerk did with the question
    """
    ALTER TABLE queries ADD COLUMN feedback INTEGER;
    ALTER TABLE queries ADD COLUMN reviewed_at TEXT;
    ALTER TABLE queries ADD COLUMN reviewed_by TEXT;
    ALTER TABLE queries ADD COLUMN review_action TEXT;
    """,
)
_COLUMNS = [f.name for f in dataclasses.fields(QueryRecord)]


class SqliteQueryLog:
    """The default query log: one file, safe for one writer and many readers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection."""
        if self._db is None:
            raise RuntimeError("query log is not open")
        return self._db

    async def open(self) -> None:
        """Open the file (creating folders) and apply pending migrations."""
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path)
        self._db.row_factory = aiosqlite.Row
        await self._db.execute("PRAGMA journal_mode=WAL")
        await self._db.execute("PRAGMA busy_timeout=5000")
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            log.info("migrating query log %s to schema %d", self.path, number)
            await self._db.executescript(f"BEGIN;{script}PRAGMA user_version={number};COMMIT;")

    async def record(self, record: QueryRecord) -> int:
        """Insert one masked record."""
        values = dataclasses.asdict(record)
        values["at"] = record.at.isoformat()
        placeholders = ",".join(f":{c}" for c in _COLUMNS)
        cursor = await self.db.execute(
            f"INSERT INTO queries ({','.join(_COLUMNS)}) VALUES ({placeholders})", values
        )
        await self.db.commit()
        return int(cursor.lastrowid or 0)

    async def recent(self, limit: int = 50) -> list[dict[str, object]]:
        """The newest records, newest first."""
        async with self.db.execute(
            "SELECT * FROM queries ORDER BY id DESC LIMIT ?", (limit,)
        ) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    async def stats(self, since: dt.datetime, top: int = 10) -> QueryStats:
        """Questions per day, decision and topic since a moment, and the most declined texts."""
        cutoff = since.isoformat()

        async def pairs(sql: str, *args: object) -> tuple[tuple[str, int], ...]:
            async with self.db.execute(sql, (cutoff, *args)) as cursor:
                return tuple((str(row[0]), int(row[1])) for row in await cursor.fetchall())

        per_day = await pairs(
            "SELECT substr(at, 1, 10) AS day, count(*) FROM queries WHERE at >= ? "
            "GROUP BY day ORDER BY day"
        )
        per_decision = await pairs(
            "SELECT decision, count(*) AS n FROM queries WHERE at >= ? "
            "GROUP BY decision ORDER BY n DESC, decision"
        )
        per_intent = await pairs(
            "SELECT intent, count(*) AS n FROM queries WHERE at >= ? AND decision = 'answer' "
            "AND intent IS NOT NULL GROUP BY intent ORDER BY n DESC, intent"
        )
        top_declined = await pairs(
            "SELECT text, count(*) AS n FROM queries WHERE at >= ? AND decision = 'decline' "
            "GROUP BY text ORDER BY n DESC, max(id) DESC LIMIT ?",
            top,
        )
        return QueryStats(
            since, sum(n for _, n in per_decision), per_day, per_decision, per_intent, top_declined
        )

    async def set_feedback(self, query_id: int, value: int, user: str | None = None) -> bool:
        """Store 👍 (1) or 👎 (-1) on a logged question (asked by `user`, when given); False if
        there is no such row."""
        sql = "UPDATE queries SET feedback = ? WHERE id = ?"
        args: tuple[object, ...] = (1 if value > 0 else -1, query_id)
        if user is not None:  # only the person who asked rates the answer
            sql, args = sql + " AND user = ?", (*args, user)
        cursor = await self.db.execute(sql, args)
        await self.db.commit()
        return cursor.rowcount > 0

    async def purge(self, older_than: dt.timedelta) -> int:
        """Delete what is older than the retention span."""
        cutoff = (dt.datetime.now(dt.UTC) - older_than).isoformat()
        cursor = await self.db.execute("DELETE FROM queries WHERE at < ?", (cutoff,))
        await self.db.commit()
        return cursor.rowcount

    async def close(self) -> None:
        """Close the connection; committed writes are already on disk."""
        if self._db is not None:
            await self._db.close()
            self._db = None


def open_query_log(database_url: str) -> SqliteQueryLog:
    """The backend for a DATABASE_URL (only sqlite:/// for now)."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        raise ConfigError(f"unsupported DATABASE_URL {database_url!r}: use sqlite:///PATH")
    return SqliteQueryLog(Path(database_url[len(prefix) :]))
