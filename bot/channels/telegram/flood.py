"""Per-user flood protection: too many messages in a minute → one notice, then silence."""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable


class Verdict(enum.Enum):
    """What to do with one incoming update."""

    ALLOW = "allow"
    NOTICE = "notice"  # the first update over the limit: say once that the user should slow down
    SILENT = "silent"  # ignored until the pause is over


class FloodGuard:
    """Counts each user's updates in a sliding window; ids are kept in memory only."""

    def __init__(
        self,
        clock: Callable[[], float],
        limit: int = 20,
        window: float = 60.0,
        pause: float = 120.0,
    ) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self.pause = pause
        self._hits: dict[int, deque[float]] = {}
        self._paused_until: dict[int, float] = {}

    def check(self, user_id: int) -> Verdict:
        """Count one update from the user and say whether to handle it."""
        now = self.clock()
        if self._paused_until.get(user_id, 0.0) > now:
            return Verdict.SILENT
        self._paused_until.pop(user_id, None)
        hits = self._hits.setdefault(user_id, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        hits.append(now)
        if len(hits) > self.limit:
            hits.clear()
            self._paused_until[user_id] = now + self.pause
            return Verdict.NOTICE
        if len(self._hits) > 10_000:  # forget users who have been quiet for a window
            self._hits = {u: h for u, h in self._hits.items() if h and h[-1] > now - self.window}
        return Verdict.ALLOW
