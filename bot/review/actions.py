"""The review actions on an open query log, for the command line and an admin chat alike."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

from bot.config import Settings
from bot.engine import Engine
from bot.review import records
from bot.review.label import Labelled, add_questions
from bot.review.queue import Cluster, cluster, cluster_id, find_cluster
from bot.review.records import DISMISSED, Logged, ReviewError
from bot.service import source_texts
from bot.store.sqlite import SqliteQueryLog

SUGGESTIONS = 2  # closest topics offered for a cluster


async def unanswered(
    query_log: SqliteQueryLog, engine: Engine, settings: Settings, since: dt.datetime
) -> list[Cluster]:
    """Clusters of questions to review since `since`, biggest first, with topic suggestions."""
    low = settings.thresholds.answer
    found = cluster(await records.pending(query_log.db, since, low), engine.normalise, low)
    return [
        dataclasses.replace(
            c,
            suggestions=tuple(
                candidate.intent_id for candidate in engine.match(c.text).candidates[:SUGGESTIONS]
            ),
        )
        for c in found
    ]


async def targets(
    query_log: SqliteQueryLog, engine: Engine, settings: Settings, target: str
) -> list[Logged]:
    """The questions `target` names: one id (`42`), or `c42`: 42 and those like it after it."""
    if target.strip().isdigit():
        return [await records.fetch(query_log.db, int(target))]
    leader = cluster_id(target)
    if leader is None:
        raise ReviewError(f"{target!r} is neither a question id (42) nor a cluster id (c42)")
    first = await records.fetch(query_log.db, leader)
    low = settings.thresholds.answer
    pending = await records.pending(query_log.db, dt.datetime.fromisoformat(first.at), low)
    return list(find_cluster(cluster(pending, engine.normalise, low), target).members)


async def label(
    query_log: SqliteQueryLog,
    engine: Engine,
    settings: Settings,
    target: str,
    intent: str,
    *,
    negative: bool = False,
    by: str,
) -> tuple[Labelled, list[int]]:
    """Add the questions to the intent file and mark them reviewed; LabelRefused if invalid."""
    questions = await targets(query_log, engine, settings, target)
    done = await asyncio.to_thread(
        add_questions,
        settings.knowledge_dir,
        intent,
        [q.text for q in questions],
        negative=negative,
        normalise=engine.normalise,
        texts=source_texts(settings),
    )
    ids = [q.id for q in questions]
    action = f"{'negative' if negative else 'example'}:{intent}"
    await records.mark_reviewed(query_log.db, ids, by, action)
    return done, ids


async def dismiss(
    query_log: SqliteQueryLog,
    engine: Engine,
    settings: Settings,
    target: str,
    *,
    by: str,
) -> list[int]:
    """Mark the questions reviewed without changing the knowledge (spam, out of scope)."""
    ids = [q.id for q in await targets(query_log, engine, settings, target)]
    await records.mark_reviewed(query_log.db, ids, by, DISMISSED)
    return ids
