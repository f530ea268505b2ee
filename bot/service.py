"""Wires the engine to the query log: what every channel calls for one message."""

from __future__ import annotations

import dataclasses
import logging
import time

from bot.answers import Answer, fallback
from bot.config import Settings
from bot.engine import Engine
from bot.knowledge.snapshot import load_snapshot
from bot.knowledge.validator import SourceTexts
from bot.store.base import QueryLog, QueryRecord, pseudonym

log = logging.getLogger(__name__)


def source_texts(settings: Settings) -> SourceTexts | None:
    """The article and policy texts beside the project, when present (for content checks)."""
    return SourceTexts.read(
        settings.sources_dir / "seeds", settings.sources_dir / "policy-facts.md"
    )


def build_engine(settings: Settings) -> Engine:
    """Load and validate the knowledge and build an engine; raises KnowledgeError."""
    snapshot = load_snapshot(settings.knowledge_dir, source_texts(settings))
    return Engine(snapshot, settings.thresholds, settings.index_cache_dir)


class Service:
    """Answers a message and records it (masked, pseudonymous) in the query log."""

    def __init__(self, engine: Engine, query_log: QueryLog | None, salt: str) -> None:
        self.engine = engine
        self.query_log = query_log
        self.salt = salt

    async def ask(
        self,
        text: str,
        *,
        channel: str,
        user_id: str | int | None = None,
        context: str | None = None,
    ) -> Answer:
        """The engine's answer; the question is logged unless logging is off."""
        engine = self.engine  # one snapshot for the whole question, even across a reload
        started = time.perf_counter()
        try:
            answer = engine.ask(text, context=context)
        except Exception:  # a bug must cost one polite reply, never the conversation
            log.exception("engine failed on a message")
            answer = fallback(engine.version)
        latency_ms = (time.perf_counter() - started) * 1000
        if self.query_log is not None:
            user = pseudonym(self.salt, channel, user_id)
            record = QueryRecord.of(text, answer, channel=channel, user=user, latency_ms=latency_ms)
            try:
                query_id = await self.query_log.record(record)
                answer = dataclasses.replace(answer, query_id=query_id)
            except Exception:  # the resident still gets the answer
                log.exception("could not record a query")
        return answer
