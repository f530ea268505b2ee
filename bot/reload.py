"""Safe reload: validate the knowledge files, build a new engine, swap it in only on success."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from bot.config import Settings
from bot.knowledge.snapshot import KnowledgeError
from bot.service import Service, build_engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadReport:
    """The outcome of one reload: the version now serving, and any problems found."""

    ok: bool
    version: str
    previous: str
    intents: int = 0
    examples: int = 0
    facets: int = 0
    problems: tuple[str, ...] = field(default=())


class Reloader:
    """One reload at a time; the serving engine is replaced only by a fully valid one."""

    def __init__(self, service: Service, settings: Settings) -> None:
        self.service = service
        self.settings = settings
        self._lock = asyncio.Lock()

    @property
    def busy(self) -> bool:
        """Whether a reload is running now."""
        return self._lock.locked()

    async def reload(self) -> ReloadReport:
        """Validate and swap; on any problem the current engine keeps serving."""
        async with self._lock:
            previous = self.service.engine.version
            try:
                engine = await asyncio.to_thread(build_engine, self.settings)
            except KnowledgeError as exc:
                log.warning("reload refused: %d problem(s)", len(exc.problems))
                return ReloadReport(
                    False, previous, previous, problems=tuple(str(p) for p in exc.problems)
                )
            self.service.engine = engine  # questions in flight keep the engine they started with
            intents = engine.snapshot.intents.values()
            log.info("knowledge reloaded: %s → %s", previous, engine.version)
            return ReloadReport(
                True,
                engine.version,
                previous,
                intents=len(intents),
                examples=sum(len(i.examples) for i in intents),
                facets=sum(len(i.facets) for i in intents),
            )
