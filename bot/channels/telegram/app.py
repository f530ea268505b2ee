"""The Telegram application, built in one function; `run` serves it by polling or webhook."""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import control
from bot.answers import FAILED
from bot.channels.telegram import admin, handlers, keyboards, texts
from bot.channels.telegram.flood import FloodGuard
from bot.channels.telegram.state import Services
from bot.config import ConfigError, Settings
from bot.engine import Engine
from bot.reload import Reloader
from bot.service import Service
from bot.store.sqlite import open_query_log

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
CONCURRENT_UPDATES = 8  # a /reload (a second or two) or a slow reply must not hold up residents


def _accept_signals(application: TelegramApp, wired: Services) -> None:
    """Let `python -m bot reload` / `rollback` reach this bot; undone in `_post_shutdown`."""
    stack = contextlib.ExitStack()
    application.bot_data["control"] = stack
    settings = wired.settings
    try:
        stack.enter_context(control.accepting_signals(wired.reloader, settings.pid_file))
    except (control.ControlError, OSError) as exc:
        # residents come first: the bot still serves, and admins still have /reload
        log.warning("reload and rollback from the command line will not reach this bot: %s", exc)
    watcher = control.start_watching(wired.reloader, settings)
    if watcher is not None:
        stack.callback(watcher.cancel)


async def _post_init(application: TelegramApp) -> None:
    """Open the query log, register the command menus, then accept reload signals."""
    wired: Services = application.bot_data["services"]
    if wired.service.query_log is not None:
        await wired.service.query_log.open()
    residents = [BotCommand(name, about) for name, about in texts.COMMANDS.items()]
    await application.bot.set_my_commands(residents)
    staff = residents + [BotCommand(name, about) for name, about in texts.ADMIN_COMMANDS.items()]
    for admin_id in wired.admins:
        try:
            await application.bot.set_my_commands(staff, scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:  # the admin has not opened a chat with the bot yet
            log.warning("admin menu not set for user %s: %s", wired.user(admin_id), exc)
    _accept_signals(application, wired)  # last: a pid file means the bot is ready


async def _post_shutdown(application: TelegramApp) -> None:
    """Stop accepting signals (the pid file goes), then flush and close the query log."""
    wired: Services = application.bot_data["services"]
    stack: contextlib.ExitStack | None = application.bot_data.pop("control", None)
    if stack is not None:
        stack.close()
    if wired.service.query_log is not None:
        await wired.service.query_log.close()
    log.info("query log closed")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first; then, for a bug, tell the resident briefly. One update never stops the bot."""
    error = context.error
    if isinstance(error, RetryAfter):  # the rate limiter has already retried
        log.warning("Telegram asked to slow down; reply dropped: %s", error)
        return
    if isinstance(error, NetworkError):  # timeouts, connection errors and Telegram 5xx
        log.warning("network error while handling an update: %s", error)
        return
    if isinstance(error, Forbidden):  # the resident blocked the bot
        log.info("not allowed to reply: %s", error)
        return
    log.error("update failed", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, FAILED)
        except TelegramError as exc:
            log.warning("could not apologise: %s", exc)


def build_application(
    settings: Settings,
    service: Service,
    *,
    request: BaseRequest | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> TelegramApp:
    """The bot: services in bot_data, handlers, rate limiter and error handler wired in."""
    if settings.telegram_bot_token is None:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: TelegramApp = builder.build()
    application.bot_data["services"] = Services(
        service=service,
        settings=settings,
        reloader=Reloader(service, settings),
        admins=settings.admin_ids,
        salt=service.salt,  # the same pseudonyms as in the query log
        flood=FloodGuard(clock),
        clock=clock,
    )

    messages = filters.UpdateType.MESSAGES  # new and edited; channel posts are not for us
    application.add_handler(TypeHandler(Update, handlers.flood_check), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", handlers.start),
            CommandHandler("help", handlers.help_command),
            CommandHandler("topics", handlers.topics),
            CommandHandler("reload", admin.cmd_reload),
            CommandHandler("rollback", admin.cmd_rollback),
            CommandHandler("stats", admin.cmd_stats),
            CommandHandler("unanswered", admin.cmd_unanswered),
            MessageHandler(messages & filters.COMMAND, handlers.unknown_command),
            MessageHandler(messages & filters.TEXT, handlers.question),
            MessageHandler(
                filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
                handlers.not_text,
            ),
            CallbackQueryHandler(admin.review_button, pattern=keyboards.REVIEW_PATTERN),
            CallbackQueryHandler(handlers.button),
        ]
    )
    application.add_error_handler(on_error)
    return application


def run(settings: Settings, engine: Engine) -> int:
    """Serve until SIGINT/SIGTERM: long polling, or a webhook when WEBHOOK_URL is set."""
    service = Service(engine, open_query_log(settings.database_url), settings.user_salt)
    application = build_application(settings, service)
    if not settings.webhook_url:
        log.info("serving by long polling (knowledge %s)", engine.version)
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return 0
    host, port = settings.listen_address()
    url = settings.webhook_url
    if urlsplit(url).scheme not in ("http", "https"):
        raise ConfigError(f"WEBHOOK_URL must be an http(s) URL, got {url!r}")
    secret = (
        settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else secrets.token_urlsafe(32)
    )
    log.info("serving a webhook on %s:%d (knowledge %s)", host, port, engine.version)
    application.run_webhook(
        listen=host,
        port=port,
        url_path=urlsplit(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )
    return 0
