"""Admin commands (/reload, /rollback, /stats, /unanswered), invisible to everyone else."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.channels.telegram import render, reports, texts
from bot.channels.telegram.handlers import is_private, send_html, unknown_command
from bot.channels.telegram.state import Services, services

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def _is_admin(wired: Services, update: Update) -> bool:
    user = update.effective_user
    return user is not None and user.id in wired.admins and is_private(update.effective_chat)


def admin_only(handler: Handler) -> Handler:
    """Run the command for admins in a private chat; anyone else gets the unknown-command reply."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        wired = services(context)
        if _is_admin(wired, update):
            await handler(update, context)
            return
        command = handler.__name__.removeprefix("cmd_")
        user = update.effective_user
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


def _titles(wired: Services) -> dict[str, str]:
    """Intent titles of the serving engine and the earlier ones kept for rollback."""
    return reports.titles([*wired.reloader.history, wired.service.engine])


async def _reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    await send_html(message, render.plain_lines(text), markup)


@admin_only
async def cmd_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload [force]: validate, diff and replay the knowledge files, then swap them in."""
    message = update.effective_message
    wired = services(context)
    if message is None:
        return
    if context.args and context.args != ["force"]:
        await _reply(message, texts.RELOAD_USAGE)
        return
    if wired.reloader.busy:
        await _reply(message, texts.RELOAD_BUSY)
        return
    report = await wired.reloader.reload(force=bool(context.args))
    await _reply(message, reports.reload(report, _titles(wired)))


@admin_only
async def cmd_rollback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/rollback: serve the knowledge that served before the last reload."""
    message = update.effective_message
    wired = services(context)
    if message is None:
        return
    if wired.reloader.busy:
        await _reply(message, texts.RELOAD_BUSY)
        return
    names = _titles(wired)  # before the swap, so the version rolled back from is named too
    report = await wired.reloader.rollback()
    await _reply(message, reports.rollback(report, names))


@admin_only
async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats [days]: questions per day, decision and topic; the most declined questions."""
    message = update.effective_message
    query_log = services(context).service.query_log
    if message is None:
        return
    days = _number(context.args, 7, 1, 365)
    if days is None or query_log is None:
        await _reply(message, texts.STATS_USAGE if days is None else texts.NO_QUERY_LOG)
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
    await _reply(message, "\n".join(lines))


@admin_only
async def cmd_unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unanswered [n]: the latest declined and low-confidence questions, masked."""
    message = update.effective_message
    wired = services(context)
    if message is None:
        return
    limit = _number(context.args, 10, 1, 50)
    if limit is None or wired.service.query_log is None:
        await _reply(message, texts.UNANSWERED_USAGE if limit is None else texts.NO_QUERY_LOG)
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
    await _reply(message, "\n".join(lines))
