"""What the handlers share: the services in `bot_data` and each chat's follow-up context."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, cast

from telegram.ext import ContextTypes

from bot.channels.telegram.flood import FloodGuard
from bot.config import Settings
from bot.reload import Reloader
from bot.service import Service
from bot.store.base import pseudonym

CHANNEL = "telegram"
CONTEXT_SECONDS = 15 * 60  # a follow-up this soon after an answer continues its topic
DOUBLE_PRESS_SECONDS = 30.0  # the same button again within this is a double press, not a request


@dataclass
class Services:
    """Everything the handlers use, wired once in `build_application`."""

    service: Service
    settings: Settings
    reloader: Reloader
    admins: frozenset[int]
    salt: str
    flood: FloodGuard
    clock: Callable[[], float]

    def user(self, user_id: int | None) -> str | None:
        """The pseudonym for logs; raw Telegram ids are never written anywhere."""
        return pseudonym(self.salt, CHANNEL, user_id)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The services wired into this application."""
    return cast(Services, context.bot_data["services"])


def _chat(context: ContextTypes.DEFAULT_TYPE) -> MutableMapping[str, Any]:
    return context.chat_data if context.chat_data is not None else {}


def topic(context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The chat's current topic, if it was answered recently enough for a follow-up."""
    saved = _chat(context).get("topic")
    if saved is None:
        return None
    intent, at = saved
    return str(intent) if services(context).clock() - at <= CONTEXT_SECONDS else None


def remember_topic(context: ContextTypes.DEFAULT_TYPE, intent: str | None) -> None:
    """Keep the topic just answered as the context for the next message in this chat."""
    if intent is not None:
        _chat(context)["topic"] = (intent, services(context).clock())


def first_press(context: ContextTypes.DEFAULT_TYPE, key: str, *, forever: bool = False) -> bool:
    """True the first time a button is pressed (again after a while unless `forever`)."""
    pressed: dict[str, float] = _chat(context).setdefault("pressed", {})
    now = services(context).clock()
    at = pressed.get(key)
    if at is not None and (forever or now - at < DOUBLE_PRESS_SECONDS):
        return False
    if len(pressed) > 200:  # keep the chat's memory small: drop the oldest presses
        for old in sorted(pressed, key=pressed.__getitem__)[:100]:
            del pressed[old]
    pressed[key] = now
    return True


def forget_press(context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    """Let the button be pressed again (what it asked for could not be done)."""
    _chat(context).get("pressed", {}).pop(key, None)
