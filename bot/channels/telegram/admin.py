"""Admin commands (/reload, /stats, /unanswered), invisible to everyone not in ADMIN_IDS."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.channels.telegram import render, texts
from bot.channels.telegram.handlers import is_private, send_html, unknown_command
from bot.channels.telegram.state import services

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
MAX_PROBLEMS = 30  # a reload reply lists this many problems, then how many more


def admin_only(handler: Handler) -> Handler:
    """Run the command for admins in a private chat; anyone else gets the unknown-command reply."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        wired = services(context)
        if user is not None and user.id in wired.admins and is_private(update.effective_chat):
            await handler(update, context)
            return
        command = handler.__name__.removeprefix("cmd_")
        who = wired.user(user.id if user else None)
        log.warning("admin command /%s refused for user %s", command, who)
        await unknown_command(update, context)

    return guarded


def _number(args: list[str] | None, default: int, low: int, high: int) -> int | None:
    """The command's one optional number, or None when it is not a number in range."""
    if not args:
        return default
    if len(args) == 1 and args[0].isdigit() and low <= int(args[0]) <= high:
        return int(args[0])
    return None


@admin_only
async def cmd_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload: validate the knowledge files and swap them in, or list the problems."""
    message = update.effective_message
    reloader = services(context).reloader
    if message is None:
        return
    if reloader.busy:
        await send_html(message, render.plain_lines(texts.RELOAD_BUSY))
        return
    report = await reloader.reload()
    if report.ok:
        text = texts.reload_ok(
            report.previous, report.version, report.intents, report.examples, report.facets
        )
        await send_html(message, render.plain_lines(text))
        return
    lines = [texts.reload_failed(report.version, len(report.problems))]
    lines += [f"• {problem}" for problem in report.problems[:MAX_PROBLEMS]]
    if len(report.problems) > MAX_PROBLEMS:
        lines.append(texts.more_problems(len(report.problems) - MAX_PROBLEMS))
    await send_html(message, render.plain_lines("\n".join(lines)))


@admin_only
async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats [days]: questions per day, decision and topic; the most declined questions."""
    message = update.effective_message
    query_log = services(context).service.query_log
    if message is None:
        return
    days = _number(context.args, 7, 1, 365)
    if days is None or query_log is None:
        await send_html(
            message, render.plain_lines(texts.STATS_USAGE if days is None else texts.NO_QUERY_LOG)
        )
        return
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    stats = await query_log.stats(since)
    titles = {i.id: i.title for i in services(context).service.engine.snapshot.intents.values()}
    lines = [texts.stats_heading(days, stats.total)]
    if stats.per_day:
        lines.append(texts.STATS_PER_DAY)
        lines += [f"  {day}：{n}" for day, n in stats.per_day]
    if stats.per_decision:
        lines.append(texts.STATS_PER_DECISION)
        lines += [f"  {texts.DECISION_TITLES.get(d, d)}：{n}" for d, n in stats.per_decision]
    if stats.per_intent:
        lines.append(texts.STATS_PER_INTENT)
        lines += [f"  {titles.get(i, i)}：{n}" for i, n in stats.per_intent]
    if stats.top_declined:
        lines.append(texts.STATS_TOP_DECLINED)
        lines += [f"  {n}× {text}" for text, n in stats.top_declined]
    await send_html(message, render.plain_lines("\n".join(lines)))


@admin_only
async def cmd_unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unanswered [n]: the latest declined and low-confidence questions, masked."""
    message = update.effective_message
    wired = services(context)
    if message is None:
        return
    limit = _number(context.args, 10, 1, 50)
    if limit is None or wired.service.query_log is None:
        await send_html(
            message,
            render.plain_lines(texts.UNANSWERED_USAGE if limit is None else texts.NO_QUERY_LOG),
        )
        return
    rows = await wired.service.query_log.unanswered(limit, below=wired.low_score)
    if not rows:
        await send_html(message, render.plain_lines(texts.UNANSWERED_NONE))
        return
    lines = [texts.UNANSWERED_HEADING]
    for row in rows:
        decision = str(row["decision"])
        when = str(row["at"])[:16].replace("T", " ")
        label = texts.DECISION_TITLES.get(decision, decision)
        lines.append(f"• {when} {label} {float(str(row['score'])):.2f}：{row['text']}")
    await send_html(message, render.plain_lines("\n".join(lines)))
