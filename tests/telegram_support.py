"""Driving the real Telegram application offline: a recording request and update builders."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.channels.telegram.app import TelegramApp, build_application
from bot.config import Settings
from bot.engine import Engine
from bot.service import Service
from bot.store.sqlite import SqliteQueryLog

BOT = {"id": 4242, "is_bot": True, "first_name": "晋中民生问答", "username": "JinzhongTestBot"}
RESIDENT = 1001
ADMIN = 2002
GROUP = -3003


class RecordingRequest(BaseRequest):
    """Answers every Bot API call as Telegram would, records it, and can fail on request."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[str, list[tuple[int, dict[str, Any]] | Exception]] = {}
        self._ids = itertools.count(1)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def fail(self, method: str, status: int, **response: Any) -> None:
        """Make the next call of `method` fail with this status and response body."""
        self.failures.setdefault(method, []).append((status, {"ok": False, **response}))

    def raise_on(self, method: str, error: Exception) -> None:
        """Make the next call of `method` raise, as a timeout or a lost connection would."""
        self.failures.setdefault(method, []).append(error)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if self.failures.get(name):
            failure = self.failures[name].pop(0)
            if isinstance(failure, Exception):
                raise failure
            status, body = failure
            return status, json.dumps(body).encode()
        result = self._result(name, params)
        if name == "sendMessage":
            params["message_id"] = result["message_id"]
        self.calls.append((name, params))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT
        if name in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            chat_id = int(params["chat_id"])
            message: dict[str, Any] = {
                "message_id": params.get("message_id") or next(self._ids) + 10_000,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT,
                "text": params.get("text", "…"),
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        return True

    def of(self, *names: str) -> list[dict[str, Any]]:
        """The parameters of every recorded call to these methods, in order."""
        return [params for name, params in self.calls if name in names]

    def replies(self) -> list[dict[str, Any]]:
        """Messages sent or edited."""
        return self.of("sendMessage", "editMessageText")

    def clear(self) -> None:
        """Forget the calls so far."""
        self.calls.clear()


def buttons(reply: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback data) of every inline button under a recorded reply."""
    markup = reply.get("reply_markup") or {}
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


@dataclass
class Clock:
    """A clock the tests move by hand."""

    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Bot:
    """The real application with a recording request, and a resident to talk to it."""

    app: TelegramApp
    request: RecordingRequest
    clock: Clock
    service: Service
    updates: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    messages: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def process(self, data: dict[str, Any]) -> None:
        """Feed one update (as Telegram would send it) through the application."""
        data = {"update_id": next(self.updates), **data}
        await self.app.process_update(Update.de_json(data, self.app.bot))

    def message(
        self,
        text: str | None = "",
        *,
        user: int = RESIDENT,
        chat: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A message as Telegram delivers it; commands get their bot_command entity."""
        chat_id = user if chat is None else chat
        data: dict[str, Any] = {
            "message_id": next(self.messages),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": {"id": user, "is_bot": False, "first_name": "居民"},
            **extra,
        }
        if text is not None:
            data["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0])
                data["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return data

    async def say(self, text: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Send a text message; the replies it caused."""
        before = len(self.request.replies())
        await self.process({"message": self.message(text, **kwargs)})
        return self.request.replies()[before:]

    async def press(
        self, reply: dict[str, Any], data: str, *, user: int = RESIDENT
    ) -> list[dict[str, Any]]:
        """Press a button under a recorded reply; the replies and edits it caused."""
        chat_id = int(reply["chat_id"])
        message = {
            "message_id": reply["message_id"],
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT,
            "text": reply.get("text", ""),
            "reply_markup": reply.get("reply_markup"),
        }
        before = len(self.request.replies())
        await self.process(
            {
                "callback_query": {
                    "id": str(next(self.updates)),
                    "from": {"id": user, "is_bot": False, "first_name": "居民"},
                    "chat_instance": "1",
                    "message": message,
                    "data": data,
                }
            }
        )
        return self.request.replies()[before:]


async def started(
    settings: Settings, engine: Engine, tmp_path: Path, **overrides: Any
) -> AsyncIterator[Bot]:
    """A running application (post_init done) over a fresh query log; shut down afterwards."""
    local = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr("123:TEST"),
            "admin_ids": frozenset({ADMIN}),
            "pid_file": tmp_path / "bot.pid",
            **overrides,
        }
    )
    service = Service(engine, SqliteQueryLog(tmp_path / "queries.db"), "test-salt")
    request = RecordingRequest()
    clock = Clock()
    app = build_application(local, service, request=request, clock=clock)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    try:
        yield Bot(app, request, clock, service)
    finally:
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        await app.shutdown()
