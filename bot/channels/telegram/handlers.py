"""Residents' handlers: parse the update, ask the engine, render, record. Nothing else."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Chat, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.answers import PRIVACY, Answer, Option
from bot.channels.telegram import keyboards, render, texts
from bot.channels.telegram.flood import Verdict
from bot.channels.telegram.keyboards import Feedback
from bot.channels.telegram.state import (
    CHANNEL,
    first_press,
    remember_topic,
    services,
    topic,
)
from bot.understanding.decide import Decision

log = logging.getLogger(__name__)


def is_private(chat: Chat | None) -> bool:
    """Whether the update comes from a one-to-one chat with the bot."""
    return chat is not None and chat.type == Chat.PRIVATE


def _topic_options(context: ContextTypes.DEFAULT_TYPE) -> list[Option]:
    intents = services(context).service.engine.snapshot.intents
    return [Option(intent.id, intent.title) for intent in intents.values()]


async def send_html(
    message: Message,
    lines: list[str],
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """Reply with HTML lines split into messages Telegram accepts; buttons go under the last."""
    chunks = render.split_messages(lines)
    # in a group, or for an edited question, show which message is answered
    quote = not is_private(message.chat) or message.edit_date is not None
    sent = message
    for number, chunk in enumerate(chunks, 1):
        sent = await message.reply_text(
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if number == len(chunks) else None,
            do_quote=quote,
        )
    return sent


def answer_markup(
    context: ContextTypes.DEFAULT_TYPE, answer: Answer, query_id: int | None
) -> InlineKeyboardMarkup | None:
    """Buttons for an answer; a declined question gets the topics to choose from."""
    if answer.decision is Decision.DECLINE:
        return keyboards.topics(_topic_options(context))
    return keyboards.for_answer(answer, query_id)


async def flood_check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: past the per-user limit, one notice and then silence."""
    user = update.effective_user
    if user is None:
        return
    verdict = services(context).flood.check(user.id)
    if verdict is Verdict.ALLOW:
        return
    if verdict is Verdict.NOTICE:
        log.info("flood protection for user %s", services(context).user(user.id))
        if update.callback_query is not None:
            await update.callback_query.answer(texts.SLOW_DOWN)
        elif update.effective_message is not None and is_private(update.effective_chat):
            await send_html(update.effective_message, render.plain_lines(texts.SLOW_DOWN))
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greeting, what the bot answers, and the topics as buttons."""
    if update.effective_message:
        markup = keyboards.topics(_topic_options(context))
        await send_html(update.effective_message, render.plain_lines(texts.START), markup)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: the same in brief."""
    if update.effective_message:
        await send_html(update.effective_message, render.plain_lines(texts.HELP))


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/topics: the topic buttons."""
    if update.effective_message:
        markup = keyboards.topics(_topic_options(context))
        await send_html(update.effective_message, render.plain_lines(texts.TOPICS), markup)


def addressed_text(message: Message, bot_id: int, username: str | None) -> str | None:
    """The question in a message meant for the bot; None for group talk not addressed to it."""
    text = message.text or ""
    if is_private(message.chat):
        return text
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    mention = f"@{username}".lower() if username else None
    for value in message.parse_entities([MessageEntity.MENTION]).values():
        if mention and value.lower() == mention:
            return text.replace(value, " ").strip()
    return None


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text (new or edited): ask the engine and reply with the answer and its buttons."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = addressed_text(message, context.bot.id, context.bot.username)
    if text is None:
        return
    user = update.effective_user
    answer = await services(context).service.ask(
        text, channel=CHANNEL, user_id=user.id if user else None, context=topic(context)
    )
    if answer.decision is Decision.ANSWER:
        remember_topic(context, answer.intent)
    markup = answer_markup(context, answer, answer.query_id)
    await send_html(message, render.html_lines(answer), markup)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, stickers, voice, locations, files: ask for a typed question (private chats only)."""
    message = update.effective_message
    if message is None or not is_private(message.chat):
        return
    lines = render.plain_lines(texts.NOT_TEXT)
    if message.contact is not None:
        lines += render.plain_lines(PRIVACY)
    await send_html(message, lines)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have; in groups only when it names this bot."""
    message = update.effective_message
    if message is None:
        return
    if not is_private(message.chat):
        command = (message.text or "").split()[0] if message.text else ""
        username = context.bot.username or ""
        if not command.lower().endswith(f"@{username}".lower()):
            return
    await send_html(message, render.plain_lines(texts.UNKNOWN_COMMAND))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pressed inline button: a topic, a clarify candidate, another facet, or feedback."""
    query = update.callback_query
    if query is None:
        return
    pressed = keyboards.parse(query.data)
    message = query.message if isinstance(query.message, Message) else None
    if isinstance(pressed, Feedback):
        await _feedback(context, pressed, query)
        return
    engine = services(context).service.engine
    if pressed is None or message is None or pressed.intent not in engine.snapshot.intents:
        await query.answer(texts.EXPIRED)
        return
    key = f"{message.message_id}:{query.data}" if pressed.kind != "c" else f"{message.message_id}"
    if not first_press(context, key, forever=pressed.kind == "c"):
        await query.answer(texts.ALREADY_ANSWERED)
        return
    await query.answer()
    answer = engine.answer_intent(pressed.intent, pressed.facet)
    remember_topic(context, answer.intent)
    markup = answer_markup(context, answer, pressed.query_id)
    lines = render.html_lines(answer)
    chunks = render.split_messages(lines)
    if pressed.kind == "c" and len(chunks) == 1:
        try:
            await message.edit_text(chunks[0], parse_mode=ParseMode.HTML, reply_markup=markup)
            return
        except BadRequest as exc:  # e.g. too old to edit: answer in a new message instead
            log.info("clarify message not edited: %s", exc)
    await send_html(message, lines, markup)


async def _feedback(
    context: ContextTypes.DEFAULT_TYPE, pressed: Feedback, query: CallbackQuery
) -> None:
    wired = services(context)
    query_log = wired.service.query_log
    asker = wired.user(query.from_user.id)  # someone else in a group cannot rate the answer
    stored = query_log is not None and await query_log.set_feedback(
        pressed.query_id, pressed.value, asker
    )
    if not stored:
        log.info("feedback refused: question %s not asked by user %s", pressed.query_id, asker)
        await query.answer(texts.FEEDBACK_NOT_YOURS)
        return
    await query.answer(texts.FEEDBACK_THANKS[pressed.value])
    message = query.message if isinstance(query.message, Message) else None
    if message is not None and message.reply_markup is not None:
        try:
            await message.edit_reply_markup(keyboards.without_feedback(message.reply_markup))
        except BadRequest as exc:  # pressed twice: the buttons are already gone
            log.debug("feedback buttons not removed: %s", exc)
