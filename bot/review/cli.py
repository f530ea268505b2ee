"""`python -m bot review …`: the clerk's commands over the query log and the intent files."""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import datetime as dt
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.knowledge.snapshot import KnowledgeError
from bot.review import actions, records, stats
from bot.review.label import LabelRefused
from bot.review.queue import Cluster
from bot.review.records import Logged, ReviewError
from bot.service import build_engine
from bot.store.sqlite import SqliteQueryLog, open_query_log

DEFAULT_SINCE = "30d"
Command = Callable[[argparse.Namespace, Settings, SqliteQueryLog], Awaitable[int]]


def _clerk() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def add_parser(sub: Any) -> None:
    """Register `review` and its subcommands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document")
    since = argparse.ArgumentParser(add_help=False)
    since.add_argument(
        "--since", default=DEFAULT_SINCE, help="YYYY-MM-DD or a span such as 7d (default 30d)"
    )
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--by", default=_clerk(), help="who reviews (default: your user name)")

    review = sub.add_parser("review", help="review logged questions and fix the knowledge")
    commands = review.add_subparsers(dest="review_command", required=True)
    commands.add_parser(
        "queue",
        parents=[common, since],
        help="declined, clarified, unsure and 👎 questions, in clusters, biggest first",
    )
    label = commands.add_parser(
        "label",
        parents=[common, who],
        help="add a question (ID) or a cluster (cID) to an intent's examples",
    )
    label.add_argument("target", help="a question id (42) or a cluster id from the queue (c42)")
    label.add_argument("intent", help="the intent id, i.e. the file name in intents/")
    label.add_argument(
        "--negative", action="store_true", help="add as a near-miss that must not match"
    )
    dismiss = commands.add_parser(
        "dismiss", parents=[common, who], help="mark as reviewed without a change"
    )
    dismiss.add_argument("target", help="a question id (42) or a cluster id (c42)")
    show = commands.add_parser("show", parents=[common], help="one logged question in full")
    show.add_argument("id", type=int, help="the question id")
    export = commands.add_parser(
        "export", parents=[common, since], help="logged questions as a spreadsheet (CSV)"
    )
    export.add_argument("--csv", required=True, type=Path, help="the CSV file to write")
    report = commands.add_parser("stats", parents=[common], help="questions, rates and coverage")
    report.add_argument("--days", type=int, default=7, help="how many days back (default 7)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one review subcommand; bad input is one line on stderr and a non-zero exit."""
    command: Command = {
        "queue": _queue,
        "label": _label,
        "dismiss": _dismiss,
        "show": _show,
        "export": _export,
        "stats": _stats,
    }[args.review_command]
    try:
        return asyncio.run(_with_log(command, args, settings))
    except ReviewError as exc:
        print(f"review: {exc}", file=sys.stderr)
        return 2
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("The knowledge files have problems; run `python -m bot validate`.", file=sys.stderr)
        return 1


async def _with_log(command: Command, args: argparse.Namespace, settings: Settings) -> int:
    query_log = open_query_log(settings.database_url)
    if str(query_log.path) != ":memory:" and not query_log.path.is_file():
        raise ReviewError(f"no query log at {query_log.path} (DATABASE_URL); nothing logged yet")
    await query_log.open()
    try:
        return await command(args, settings, query_log)
    finally:
        await query_log.close()


def _emit(args: argparse.Namespace, document: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(text)


def _cluster_dict(found: Cluster) -> dict[str, Any]:
    return {
        "id": found.id,
        "size": found.size,
        "text": found.text,
        "reasons": found.reasons,
        "suggestions": list(found.suggestions),
        "ids": list(found.ids),
        "texts": list(dict.fromkeys(m.text for m in found.members)),
    }


async def _queue(args: argparse.Namespace, settings: Settings, query_log: SqliteQueryLog) -> int:
    since = records.parse_since(args.since)
    clusters = await actions.unanswered(query_log, build_engine(settings), settings, since)
    items = [_cluster_dict(c) for c in clusters]
    total = sum(c.size for c in clusters)
    lines = [f"{len(clusters)} cluster(s), {total} question(s) to review since {since:%Y-%m-%d}"]
    for item in items:
        reasons = ", ".join(f"{r} {n}" for r, n in item["reasons"].items())
        lines += [
            "",
            f"{item['id']:<7} ×{item['size']:<4} {reasons}"
            f"   suggest: {', '.join(item['suggestions']) or '–'}",
            f"        {item['text']}",
        ]
        lines += [f"        · {text}" for text in item["texts"][1:4]]
        ids = item["ids"]
        lines.append(f"        ids: {', '.join(map(str, ids[:10]))}{' …' if len(ids) > 10 else ''}")
    if items:
        lines += ["", "Next: `review label cID INTENT`, `review dismiss cID`, `review show ID`."]
    _emit(
        args, {"since": since.isoformat(), "questions": total, "clusters": items}, "\n".join(lines)
    )
    return 0


async def _label(args: argparse.Namespace, settings: Settings, query_log: SqliteQueryLog) -> int:
    engine = build_engine(settings)
    try:
        done, ids = await actions.label(
            query_log,
            engine,
            settings,
            args.target,
            args.intent,
            negative=args.negative,
            by=args.by,
        )
    except LabelRefused as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            f"Not labelled: the change would not validate; {args.intent}.yaml is unchanged.",
            file=sys.stderr,
        )
        if args.json:
            print(json.dumps({"refused": True, "problems": [str(p) for p in exc.problems]}))
        return 1
    text = (
        f"Added {len(done.added)} {done.field} to intents/{done.file.name}"
        f"{f' ({len(done.already)} already there)' if done.already else ''}; "
        f"{len(ids)} question(s) marked reviewed by {args.by}.\n"
        "Run `python -m bot reload` to serve the change."
    )
    document = {
        "intent": done.intent,
        "field": done.field,
        "file": str(done.file),
        "added": list(done.added),
        "already": list(done.already),
        "reviewed": ids,
        "by": args.by,
    }
    _emit(args, document, text)
    return 0


async def _dismiss(args: argparse.Namespace, settings: Settings, query_log: SqliteQueryLog) -> int:
    ids = await actions.dismiss(
        query_log, build_engine(settings), settings, args.target, by=args.by
    )
    text = f"Dismissed {len(ids)} question(s) (by {args.by})."
    _emit(args, {"dismissed": ids, "by": args.by}, text)
    return 0


async def _show(args: argparse.Namespace, settings: Settings, query_log: SqliteQueryLog) -> int:
    row = await records.fetch(query_log.db, args.id)
    now = build_engine(settings).ask(row.text)
    document = {
        **row.as_dict(),
        "reasons": list(row.reasons(settings.thresholds.answer)),
        "now": {
            "decision": now.decision.value,
            "intent": now.intent,
            "version": now.knowledge_version,
        },
    }
    width = max(len(k) for k in document)
    shown = {**document, "reasons": ", ".join(document["reasons"]) or "–"}
    lines = [f"{key:<{width}}  {value}" for key, value in shown.items() if key != "now"]
    lines.append(
        f"{'now':<{width}}  {now.decision.value} {now.intent or ''} "
        f"(knowledge {now.knowledge_version})"
    )
    _emit(args, document, "\n".join(lines))
    return 0


CSV_COLUMNS = tuple(f.name for f in dataclasses.fields(Logged))
FORMULA_START = ("=", "+", "-", "@")  # a spreadsheet would run such a cell as a formula


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


async def _export(args: argparse.Namespace, settings: Settings, query_log: SqliteQueryLog) -> int:
    since = records.parse_since(args.since)
    clusters = await actions.unanswered(query_log, build_engine(settings), settings, since)
    cluster_of = {m.id: c.id for c in clusters for m in c.members}
    rows = await records.logged_since(query_log.db, since)
    low = settings.thresholds.answer
    try:
        with args.csv.open("w", encoding="utf-8-sig", newline="") as out:  # BOM: Excel reads UTF-8
            writer = csv.writer(out)
            writer.writerow([*CSV_COLUMNS, "needs_review", "cluster"])
            for row in rows:
                values = row.as_dict()
                writer.writerow(
                    [
                        *(_cell(values[c]) for c in CSV_COLUMNS),
                        "; ".join(row.reasons(low)),
                        cluster_of.get(row.id, ""),
                    ]
                )
    except OSError as exc:
        raise ReviewError(f"cannot write {args.csv}: {exc.strerror}") from None
    text = f"Wrote {len(rows)} question(s) since {since:%Y-%m-%d} to {args.csv}."
    _emit(args, {"file": str(args.csv), "rows": len(rows), "since": since.isoformat()}, text)
    return 0


async def _stats(args: argparse.Namespace, settings: Settings, query_log: SqliteQueryLog) -> int:
    if args.days < 1:
        raise ReviewError("--days must be at least 1")
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=args.days)
    figures = stats.compute(await records.logged_since(query_log.db, since))
    _emit(args, {"days": args.days, **figures.as_dict()}, stats.render(figures, args.days))
    return 0
