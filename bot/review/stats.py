"""Figures on what residents asked and how the bot did: per day, decision and intent."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.review.records import Logged


@dataclass(frozen=True)
class Totals:
    """Counts for one group of questions, and the rates a clerk watches."""

    questions: int = 0
    answered: int = 0
    clarified: int = 0
    declined: int = 0
    thumbs_down: int = 0
    rated: int = 0

    @property
    def coverage(self) -> float:
        """Share of questions answered."""
        return self.answered / self.questions if self.questions else 0.0

    @property
    def decline_rate(self) -> float:
        """Share of questions declined."""
        return self.declined / self.questions if self.questions else 0.0

    @property
    def thumbs_down_rate(self) -> float:
        """Share of answers that got 👎."""
        return self.thumbs_down / self.answered if self.answered else 0.0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy with the rates rounded."""
        return {
            "questions": self.questions,
            "answered": self.answered,
            "clarified": self.clarified,
            "declined": self.declined,
            "thumbs_down": self.thumbs_down,
            "rated": self.rated,
            "coverage": round(self.coverage, 4),
            "decline_rate": round(self.decline_rate, 4),
            "thumbs_down_rate": round(self.thumbs_down_rate, 4),
        }


def totals(rows: Sequence[Logged]) -> Totals:
    """The counts for `rows`."""
    return Totals(
        questions=len(rows),
        answered=sum(r.decision == "answer" for r in rows),
        clarified=sum(r.decision == "clarify" for r in rows),
        declined=sum(r.decision == "decline" for r in rows),
        thumbs_down=sum(r.feedback == -1 for r in rows),
        rated=sum(r.feedback is not None for r in rows),
    )


@dataclass(frozen=True)
class Stats:
    """Per-day totals, counts per decision and per answered intent, and the overall totals."""

    days: dict[str, Totals]
    decisions: dict[str, int]
    intents: dict[str, int]
    overall: Totals = field(default_factory=Totals)

    def as_dict(self) -> dict[str, Any]:
        """The `review stats --json` document."""
        return {
            "overall": self.overall.as_dict(),
            "days": {day: t.as_dict() for day, t in self.days.items()},
            "decisions": self.decisions,
            "intents": self.intents,
        }


def compute(rows: Sequence[Logged]) -> Stats:
    """Statistics over logged questions."""
    by_day: dict[str, list[Logged]] = defaultdict(list)
    for row in rows:
        by_day[row.at[:10]].append(row)
    answered = Counter(r.intent for r in rows if r.decision == "answer" and r.intent)
    return Stats(
        days={day: totals(group) for day, group in sorted(by_day.items())},
        decisions=dict(Counter(r.decision for r in rows).most_common()),
        intents=dict(answered.most_common()),
        overall=totals(rows),
    )


def _row(label: str, t: Totals) -> str:
    return (
        f"{label:<12} {t.questions:>9} {t.answered:>8} {t.clarified:>9} {t.declined:>8} "
        f"{t.thumbs_down:>4} {t.coverage:>9.1%} {t.decline_rate:>8.1%} {t.thumbs_down_rate:>6.1%}"
    )


def render(stats: Stats, days: int) -> str:
    """A readable table for the terminal."""
    header = (
        f"{'day':<12} {'questions':>9} {'answered':>8} {'clarified':>9} {'declined':>8} "
        f"{'👎':>3} {'coverage':>9} {'declines':>8} {'👎 rate':>6}"
    )
    lines = [f"Questions in the last {days} day(s)", "", header]
    lines += [_row(day, t) for day, t in stats.days.items()]
    lines += [_row("all", stats.overall), "", "Per decision"]
    lines += [f"  {decision:<12} {n:>6}" for decision, n in stats.decisions.items()]
    lines += ["", "Answered per intent"]
    lines += [f"  {intent:<36} {n:>6}" for intent, n in stats.intents.items()] or ["  (none)"]
    return "\n".join(lines)
