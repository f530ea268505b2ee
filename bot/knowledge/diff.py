"""What changed between two snapshots: intents, examples, facets and sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.knowledge.snapshot import Snapshot


@dataclass(frozen=True)
class KnowledgeDiff:
    """The changes from one snapshot to another; examples are listed per intent."""

    intents_added: tuple[str, ...] = ()
    intents_removed: tuple[str, ...] = ()
    intents_changed: tuple[str, ...] = ()
    examples_added: dict[str, tuple[str, ...]] = field(default_factory=dict)
    examples_removed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    facets_added: tuple[str, ...] = ()
    facets_removed: tuple[str, ...] = ()
    sources_added: tuple[str, ...] = ()
    sources_removed: tuple[str, ...] = ()
    sources_changed: tuple[str, ...] = ()
    other: tuple[str, ...] = ()  # lexicon, out_of_scope

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {
            name: (
                {k: list(v) for k, v in value.items()} if isinstance(value, dict) else list(value)
            )
            for name, value in self.__dict__.items()
        }


def _list_diff(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(x for x in new if x not in old), tuple(x for x in old if x not in new)


def diff(old: Snapshot, new: Snapshot) -> KnowledgeDiff:
    """The changes that turn `old` into `new`."""
    kept = [i for i in new.intents if i in old.intents]
    examples_added: dict[str, tuple[str, ...]] = {}
    examples_removed: dict[str, tuple[str, ...]] = {}
    facets_added: list[str] = []
    facets_removed: list[str] = []
    for intent_id in dict.fromkeys([*old.intents, *new.intents]):
        before, after = old.intents.get(intent_id), new.intents.get(intent_id)
        added, removed = _list_diff(
            before.examples if before else (), after.examples if after else ()
        )
        if added:
            examples_added[intent_id] = added
        if removed:
            examples_removed[intent_id] = removed
        old_facets = tuple(before.facets) if before else ()
        new_facets = tuple(after.facets) if after else ()
        more, fewer = _list_diff(old_facets, new_facets)
        facets_added += [f"{intent_id}.{f}" for f in more]
        facets_removed += [f"{intent_id}.{f}" for f in fewer]
    sources_added, sources_removed = _list_diff(tuple(old.sources), tuple(new.sources))
    other = tuple(
        name
        for name, changed in (
            ("lexicon", old.lexicon != new.lexicon),
            ("out_of_scope", old.out_of_scope != new.out_of_scope),
        )
        if changed
    )
    return KnowledgeDiff(
        intents_added=tuple(i for i in new.intents if i not in old.intents),
        intents_removed=tuple(i for i in old.intents if i not in new.intents),
        intents_changed=tuple(i for i in kept if old.intents[i] != new.intents[i]),
        examples_added=examples_added,
        examples_removed=examples_removed,
        facets_added=tuple(facets_added),
        facets_removed=tuple(facets_removed),
        sources_added=sources_added,
        sources_removed=sources_removed,
        sources_changed=tuple(
            s for s in new.sources if s in old.sources and old.sources[s] != new.sources[s]
        ),
        other=other,
    )
