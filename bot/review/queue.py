"""The review queue: questions that went wrong, grouped into clusters of near-identical wording."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.review.records import Logged, ReviewError

SIMILAR = 88.0  # rapidfuzz ratio on normalised text at which two questions count as one
_CLUSTER_ID = re.compile(r"[cC](\d+)")


@dataclass(frozen=True)
class Cluster:
    """Near-identical questions handled at once; its id is `c` + the id of its first question."""

    id: str
    text: str
    members: tuple[Logged, ...]
    reasons: dict[str, int]
    suggestions: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        """How many questions it holds."""
        return len(self.members)

    @property
    def ids(self) -> tuple[int, ...]:
        """The ids of its questions."""
        return tuple(m.id for m in self.members)


def cluster(
    rows: Sequence[Logged], normalise: Callable[[str], str], low_score: float
) -> list[Cluster]:
    """Group questions by their first near-identical one (oldest first in), biggest group first."""
    leaders: list[str] = []
    groups: list[list[Logged]] = []
    for row in rows:
        text = normalise(row.text) or row.text.strip()
        best = process.extractOne(text, leaders, scorer=fuzz.ratio, score_cutoff=SIMILAR)
        if best is None:
            leaders.append(text)
            groups.append([row])
        else:
            groups[best[2]].append(row)
    clusters = [
        Cluster(
            id=f"c{group[0].id}",
            text=group[0].text,
            members=tuple(group),
            reasons=dict(Counter(r for m in group for r in m.reasons(low_score)).most_common()),
        )
        for group in groups
    ]
    clusters.sort(key=lambda c: (-c.size, -c.members[-1].id))
    return clusters


def cluster_id(value: str) -> int | None:
    """The leading question id of `c12`, or None when the value is not a cluster id."""
    found = _CLUSTER_ID.fullmatch(value.strip())
    return int(found.group(1)) if found else None


def find_cluster(clusters: Sequence[Cluster], value: str) -> Cluster:
    """The cluster named `value` (`c12`), or ReviewError."""
    leader = cluster_id(value)
    for found in clusters:
        if leader is not None and found.members[0].id == leader:
            return found
    raise ReviewError(f"{value!r} is not a cluster waiting for review; see `review queue`")
