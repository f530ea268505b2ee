"""Admin commands (/reload, /rollback, /stats, /unanswered and its buttons), admins only."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.answers import Option
from bot.channels.telegram import keyboards, render, reports, texts
from bot.channels.telegram.handlers import is_private, send_html, unknown_command
from bot.channels.telegram.keyboards import Review
from bot.channels.telegram.state import Services, first_press, forget_press, services
from bot.review import actions
from bot.review.label import LabelRefused
from bot.review.records import ReviewError
from bot.store.sqlite import SqliteQueryLog

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
REVIEW_DAYS = 30  # /unanswered looks this far back, as `review queue` does by default


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
    """/unanswered [n]: the n biggest clusters waiting for review, with label/dismiss buttons."""
    message = update.effective_message
    wired = services(context)
    if message is None:
        return
    limit = _number(context.args, 5, 1, 10)
    query_log = wired.service.query_log
    if limit is None or not isinstance(query_log, SqliteQueryLog):
        await _reply(message, texts.UNANSWERED_USAGE if limit is None else texts.NO_QUERY_LOG)
        return
    engine = wired.service.engine
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=REVIEW_DAYS)
    clusters = await actions.unanswered(query_log, engine, wired.settings, since)
    if not clusters:
        await _reply(message, texts.UNANSWERED_NONE)
        return
    shown = clusters[:limit]
    total = sum(c.size for c in clusters)
    await _reply(message, texts.unanswered_heading(REVIEW_DAYS, len(clusters), total, len(shown)))
    names = _titles(wired)
    for found in shown:
        offered = [Option(i, names[i]) for i in found.suggestions if i in names]
        await _reply(message, reports.cluster(found), keyboards.review(found.id, offered))


async def _review(wired: Services, query_log: SqliteQueryLog, pressed: Review, by: str) -> str:
    """Label or dismiss the cluster; what was done, in a sentence. LabelRefused passes through."""
    engine, settings = wired.service.engine, wired.settings
    try:
        if pressed.intent is None:
            ids = await actions.dismiss(query_log, engine, settings, pressed.cluster, by=by)
            log.info("cluster %s dismissed by %s", pressed.cluster, by)
            return texts.dismissed(len(ids))
        done, ids = await actions.label(
            query_log, engine, settings, pressed.cluster, pressed.intent, by=by
        )
    except ReviewError as exc:  # reviewed meanwhile (e.g. from the command line)
        log.info("review button for %s: %s", pressed.cluster, exc)
        return texts.REVIEW_GONE
    log.info("cluster %s labelled %s by %s", pressed.cluster, pressed.intent, by)
    title = _titles(wired).get(pressed.intent, pressed.intent)
    return texts.labelled(len(ids), title, len(done.added), len(done.already))


async def review_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A "标为 …" or "忽略" button under a cluster: act once, then edit in what was done."""
    query = update.callback_query
    wired = services(context)
    if query is None:
        return
    if not _is_admin(wired, update):
        log.warning("review button refused for user %s", wired.user(query.from_user.id))
        await query.answer(texts.REVIEW_ADMINS_ONLY)
        return
    pressed = keyboards.parse_review(query.data)
    message = query.message if isinstance(query.message, Message) else None
    query_log = wired.service.query_log
    if pressed is None or message is None or not isinstance(query_log, SqliteQueryLog):
        await query.answer(texts.EXPIRED)
        return
    key = f"{message.message_id}:review"
    if not first_press(context, key, forever=True):
        await query.answer(texts.REVIEW_DONE)
        return
    await query.answer()
    try:
        outcome = await _review(wired, query_log, pressed, wired.user(query.from_user.id) or "")
    except LabelRefused as exc:
        forget_press(context, key)  # the admin may fix the files, or press another button
        title = _titles(wired).get(pressed.intent or "", pressed.intent or "")
        head = texts.label_refused(title, len(exc.problems))
        await _reply(message, reports.problems(head, exc.problems))
        return
    text = "\n".join(render.plain_lines(f"{message.text or ''}\n{outcome}"))
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML)  # without the buttons
    except BadRequest as exc:  # e.g. too old to edit
        log.info("review message not edited: %s", exc)
        await _reply(message, outcome)
