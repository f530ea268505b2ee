"""An immutable, validated view of the knowledge files; the unit of (re)loading."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.loader import Problem, load
from bot.knowledge.models import Intent, Lexicon, OutOfScope, Source
from bot.knowledge.validator import SourceTexts, validate


class KnowledgeError(Exception):
    """The knowledge files have problems; nothing was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the knowledge files")
        self.problems = problems


@dataclass(frozen=True)
class Snapshot:
    """Validated knowledge, identified by a hash of its files."""

    version: str
    intents: dict[str, Intent]
    sources: dict[str, Source]
    lexicon: Lexicon
    out_of_scope: OutOfScope
    loaded_at: dt.datetime

    def topic_titles(self) -> list[str]:
        """Titles of all topics in file order."""
        return [intent.title for intent in self.intents.values()]


def check(root: Path, texts: SourceTexts | None) -> tuple[Snapshot | None, list[Problem]]:
    """Load and validate; a snapshot only when there are no problems."""
    loaded = load(root)
    problems = validate(loaded, texts)
    if problems:
        return None, problems
    snapshot = Snapshot(
        version=loaded.version,
        intents=dict(loaded.intents),
        sources=dict(loaded.sources),
        lexicon=loaded.lexicon,
        out_of_scope=loaded.out_of_scope,
        loaded_at=dt.datetime.now(dt.UTC),
    )
    return snapshot, []


def load_snapshot(root: Path, texts: SourceTexts | None) -> Snapshot:
    """A snapshot of the knowledge under `root`, or KnowledgeError listing every problem."""
    snapshot, problems = check(root, texts)
    if snapshot is None:
        raise KnowledgeError(problems)
    return snapshot
