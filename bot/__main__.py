"""Command line: ask, chat, run, validate, evaluate, purge, review, reload, rollback."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.answers import Answer
from bot.config import PROJECT_ROOT, ConfigError, Settings
from bot.engine import Engine
from bot.knowledge.snapshot import KnowledgeError, check
from bot.review import cli as review_cli
from bot.service import Service, build_engine, source_texts
from bot.store.base import parse_age
from bot.store.sqlite import open_query_log

log = logging.getLogger(__name__)
BASELINE_THRESHOLD = 80.0  # WRatio cut-off: best dev accuracy with wrong answers under 5%


def answer_json(text: str, answer: Answer) -> dict[str, object]:
    """The `ask --json` object for one question."""
    from bot.answers import render_plain

    return {
        "text": text,
        "decision": answer.decision.value,
        "intent": answer.intent if answer.decision.value == "answer" else None,
        "facet": answer.facet,
        "score": round(answer.score, 4),
        "candidates": [option.id for option in answer.candidates],
        "answer": render_plain(answer),
        "citations": [
            {
                "number": c.number,
                "source_id": c.source_id,
                "title": c.title,
                "date": c.date,
                "by": c.by,
                "locators": list(c.locators),
            }
            for c in answer.citations
        ],
        "as_of": answer.as_of.isoformat() if answer.as_of else None,
        "follow_ups": [option.id for option in answer.follow_ups],
    }


async def _with_service(settings: Settings, engine: Engine, no_log: bool) -> Service:
    query_log = None
    if not no_log:
        query_log = open_query_log(settings.database_url)
        await query_log.open()
    return Service(engine, query_log, settings.user_salt)


async def _close(service: Service) -> None:
    if service.query_log is not None:
        await service.query_log.close()


async def cmd_ask(settings: Settings, engine: Engine, args: argparse.Namespace) -> int:
    from bot.answers import render_plain

    service = await _with_service(settings, engine, args.no_log)
    try:
        if args.question and not args.json:
            text = " ".join(args.question)
            print(render_plain(await service.ask(text, channel="cli", context=args.context)))
            return 0
        lines = [" ".join(args.question)] if args.question else sys.stdin
        for raw in lines:
            text = raw.rstrip("\r\n")
            answer = await service.ask(text, channel="cli", context=args.context)
            if args.json:
                print(json.dumps(answer_json(text, answer), ensure_ascii=False), flush=True)
            else:
                print(render_plain(answer), end="\n\n", flush=True)
    finally:
        await _close(service)
    return 0


async def cmd_chat(settings: Settings, engine: Engine, args: argparse.Namespace) -> int:
    from bot import control
    from bot.channels.terminal import chat
    from bot.reload import Reloader

    service = await _with_service(settings, engine, args.no_log)
    try:
        with contextlib.ExitStack() as stack:
            reloader = Reloader(service, settings)
            try:
                stack.enter_context(control.accepting_signals(reloader, settings.pid_file))
            except (control.ControlError, OSError) as exc:
                log.warning("reload and rollback will not reach this chat: %s", exc)
            watcher = control.start_watching(reloader, settings)
            if watcher is not None:
                stack.callback(watcher.cancel)
            await chat(service, sys.stdin, sys.stdout)
    finally:
        await _close(service)
    return 0


def cmd_run(settings: Settings, engine: Engine) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.channels.telegram.app import run

    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines contain the token
    try:
        return run(settings, engine)
    except InvalidToken:
        print("Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather.", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"Cannot reach the Bot API at TELEGRAM_BASE_URL: {exc}", file=sys.stderr)
        return 1


def cmd_validate(settings: Settings) -> int:
    snapshot, problems = check(settings.knowledge_dir, source_texts(settings))
    for problem in problems:
        print(problem)
    if snapshot is None:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    examples = sum(len(i.examples) for i in snapshot.intents.values())
    facets = sum(len(i.facets) for i in snapshot.intents.values())
    print(
        f"OK: {len(snapshot.intents)} intents, {examples} examples, {facets} facets, "
        f"{len(snapshot.sources)} sources, {len(snapshot.out_of_scope.examples)} out-of-scope "
        f"examples (version {snapshot.version})."
    )
    return 0


def cmd_evaluate(engine: Engine, args: argparse.Namespace) -> int:
    from bot.evaluation import load_cases, report, tune

    if args.tune:
        if "test" in Path(args.file).name:
            print(
                "Refusing to tune on the test split; tune on tests/data/dev.jsonl.", file=sys.stderr
            )
            return 2
        for objective, limits, m in tune(engine, load_cases(Path(args.file)))[:10]:
            print(
                f"{objective:.3f}  {limits.model_dump()}  core {m.core_accuracy:.1%} "
                f"wrong {m.wrong_rate:.1%} declined {m.oos_declined:.1%}"
            )
        return 0

    text, _ = report(Path(args.file), engine, args.baseline_threshold)
    print(text)
    return 0


async def cmd_purge(settings: Settings, args: argparse.Namespace) -> int:
    query_log = open_query_log(settings.database_url)
    await query_log.open()
    try:
        removed = await query_log.purge(parse_age(args.older_than))
    finally:
        await query_log.close()
    print(f"Deleted {removed} logged question(s) older than {args.older_than}.")
    return 0


def cmd_signal(settings: Settings, args: argparse.Namespace) -> int:
    from bot import control
    from bot.reload import describe

    if args.command == "rollback":
        sig = control.ROLLBACK
    else:
        sig = control.FORCED_RELOAD if args.force else control.RELOAD
    try:
        report = control.signal_bot(settings.pid_file, sig, args.timeout)
    except control.ControlError as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else describe(report))
    return 0 if report["ok"] else 1


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="python -m bot", description="晋中民生问答")
    sub = p.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question (or one per stdin line)")
    ask.add_argument("question", nargs="*", help="the question; omit to read stdin lines")
    ask.add_argument("--json", action="store_true", help="one JSON object per input line")
    ask.add_argument("--no-log", action="store_true", help="do not record the questions")
    ask.add_argument("--context", help="the previous topic id, for follow-up questions")
    chat = sub.add_parser("chat", help="an interactive terminal chat")
    chat.add_argument("--no-log", action="store_true", help="do not record the questions")
    sub.add_parser(
        "run",
        help="serve the Telegram bot (TELEGRAM_BOT_TOKEN; long polling, or a webhook when "
        "WEBHOOK_URL is set); `reload` and `rollback` reach it through PID_FILE",
    )
    sub.add_parser("validate", help="check the knowledge files; non-zero exit on problems")
    evaluate = sub.add_parser("evaluate", help="accuracy on a labelled split, with a baseline")
    evaluate.add_argument("file", nargs="?", default=str(PROJECT_ROOT / "tests/data/test.jsonl"))
    evaluate.add_argument("--baseline-threshold", type=float, default=BASELINE_THRESHOLD)
    evaluate.add_argument(
        "--tune", action="store_true", help="grid-search the thresholds (dev split only)"
    )
    purge = sub.add_parser("purge", help="delete logged questions past the retention span")
    purge.add_argument("--older-than", required=True, help="e.g. 180d, 12w, 36h")
    review_cli.add_parser(sub)
    reload = sub.add_parser(
        "reload",
        help="tell the running bot (run or chat, found through PID_FILE) to reload the "
        "knowledge (validate, diff, replay, swap)",
    )
    reload.add_argument("--force", action="store_true", help="swap even if dev-set accuracy drops")
    rollback = sub.add_parser(
        "rollback", help="tell the running bot to serve the knowledge it served before"
    )
    for command in (reload, rollback):
        command.add_argument("--json", action="store_true", help="print the report as JSON")
        command.add_argument(
            "--timeout", type=float, default=120.0, help="seconds to wait for the bot's report"
        )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m bot` and the console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        return dispatch(args, Settings())
    except (ConfigError, ValidationError) as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Run one subcommand."""
    if args.command == "validate":
        return cmd_validate(settings)
    if args.command == "purge":
        return asyncio.run(cmd_purge(settings, args))
    if args.command == "review":
        return review_cli.run(args, settings)
    if args.command in ("reload", "rollback"):
        return cmd_signal(settings, args)
    if args.command == "run" and settings.telegram_bot_token is None:
        print(
            "TELEGRAM_BOT_TOKEN is not set: put it in the environment or .env "
            "(or try the terminal chat: python -m bot chat).",
            file=sys.stderr,
        )
        return 2
    try:
        engine = build_engine(settings)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("The knowledge files have problems; run `python -m bot validate`.", file=sys.stderr)
        return 1
    if args.command == "evaluate":
        return cmd_evaluate(engine, args)
    if args.command == "run":
        return cmd_run(settings, engine)
    command = cmd_ask if args.command == "ask" else cmd_chat
    return asyncio.run(command(settings, engine, args))


if __name__ == "__main__":
    sys.exit(main())
