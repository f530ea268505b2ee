"""Replay questions through the serving engine and a candidate, and say what would change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.engine import Engine
from bot.evaluation import Case, measure, run_engine


@dataclass(frozen=True)
class Change:
    """One question whose outcome differs: an intent id when answered, else the decision."""

    text: str
    before: str
    after: str


@dataclass(frozen=True)
class Replay:
    """Logged questions that would be answered differently, and dev-set accuracy before → after."""

    questions: int
    switched: tuple[Change, ...]
    newly_answered: tuple[Change, ...]
    newly_declined: tuple[Change, ...]
    dev_questions: int = 0
    dev_before: float | None = None
    dev_after: float | None = None

    @property
    def dev_dropped(self) -> bool:
        """Whether the candidate gets fewer dev questions right."""
        return (
            self.dev_before is not None
            and self.dev_after is not None
            and self.dev_after < self.dev_before
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        changes = ("switched", "newly_answered", "newly_declined")
        return {
            "questions": self.questions,
            **{name: [c.__dict__ for c in getattr(self, name)] for name in changes},
            "dev_questions": self.dev_questions,
            "dev_before": self.dev_before,
            "dev_after": self.dev_after,
        }


def _label(engine: Engine, text: str) -> tuple[str, str]:
    answer = engine.ask(text)
    decision = answer.decision.value
    return decision, (answer.intent or decision) if decision == "answer" else decision


def dev_accuracy(engine: Engine, cases: Sequence[Case]) -> float:
    """Share of the labelled cases the engine gets right."""
    return measure(run_engine(engine, cases)).overall


def replay(
    before: Engine,
    after: Engine,
    questions: Sequence[str],
    cases: Sequence[Case],
    dev_before: float | None = None,
) -> Replay:
    """Compare two engines on logged questions and on the dev cases (`dev_before` if known)."""
    switched, answered, declined = [], [], []
    distinct = list(dict.fromkeys(questions))
    for text in distinct:
        (old_decision, old), (new_decision, new) = _label(before, text), _label(after, text)
        change = Change(text, old, new)
        if old_decision == new_decision == "answer" and old != new:
            switched.append(change)
        elif new_decision == "answer" and old_decision != "answer":
            answered.append(change)
        elif new_decision == "decline" and old_decision != "decline":
            declined.append(change)
    if cases and dev_before is None:
        dev_before = dev_accuracy(before, cases)
    return Replay(
        questions=len(distinct),
        switched=tuple(switched),
        newly_answered=tuple(answered),
        newly_declined=tuple(declined),
        dev_questions=len(cases),
        dev_before=dev_before if cases else None,
        dev_after=dev_accuracy(after, cases) if cases else None,
    )
