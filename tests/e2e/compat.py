"""A thin HTTP layer in front of telegram-test-api 4.2.1 that makes it speak the real Bot API.

The stock emulator differs from Telegram where python-telegram-bot 22 notices:
- `getMe` has no `is_bot`; sent messages carry `date` in milliseconds and no `from`;
- callback queries have no `chat_instance`;
- `editMessageText`/`editMessageReplyMarkup` answer null instead of the Message, and
  `answerCallbackQuery`/`deleteMessage`/`setWebhook` null instead of true;
- `editMessageText` without `reply_markup` keeps the old buttons, where Telegram removes them;
- methods it does not know (`setMyCommands`, `sendChatAction`) answer HTTP 500;
- a malformed client request crashes node, and a webhook answered with an error crashes it too;
- `getUpdates` never waits, and webhooks are called without the secret-token header.
Here each is mended, every Bot API call is recorded, and client requests are checked first.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_USER = {"id": 666, "is_bot": True, "first_name": "Test First name", "username": "TestNameBot"}
LONG_POLL_CAP = 1.0  # seconds an empty getUpdates is held, polling the emulator meanwhile
POLL_INTERVAL = 0.05
TRUE_INSTEAD_OF_NULL = {"answerCallbackQuery", "deleteMessage", "setWebhook", "deleteWebhook"}
CLIENT_FIELDS = {
    "/sendMessage": ("botToken", "text", "chat", "from"),
    "/sendCommand": ("botToken", "text", "chat", "from", "entities"),
    "/sendCallback": ("botToken", "data", "from", "message"),
    "/getUpdates": ("token", "chatId"),
    "/getUpdatesHistory": ("token",),
}


@dataclass
class Webhook:
    """Where the bot asked Telegram to deliver its updates."""

    url: str
    secret: str | None


@dataclass
class Compat:
    """The layer's state: the emulator behind it, recorded calls, webhooks and their results."""

    upstream: str
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    webhooks: dict[str, Webhook] = field(default_factory=dict)
    deliveries: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def called(self, token: str, method: str) -> list[dict[str, Any]]:
        """The parameters of every call the bot with this token made to `method`."""
        with self.lock:
            return [p for t, m, p in self.calls if t == token and m == method]


def _seconds(value: Any) -> Any:
    return value // 1000 if isinstance(value, int) and value > 10**11 else value


def _message(message: dict[str, Any]) -> dict[str, Any]:
    fixed = {**message, "date": _seconds(message.get("date", int(time.time())))}
    fixed.setdefault("from", BOT_USER)
    return fixed


def fix_update(update: dict[str, Any]) -> dict[str, Any]:
    """An emulator update as Telegram would send it."""
    fixed = dict(update)
    if "message" in fixed:
        fixed["message"] = _message(fixed["message"])
    if "callback_query" in fixed:
        query = dict(fixed["callback_query"])
        message = query.get("message") or {}
        query.setdefault("chat_instance", str(message.get("chat", {}).get("id", 0)))
        if message:
            query["message"] = _message(message)
        fixed["callback_query"] = query
    return fixed


def _http(
    url: str,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _params(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        loaded = json.loads(body)
        return loaded if isinstance(loaded, dict) else {}
    fields = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
    return {key: values[-1] for key, values in fields.items()}


class Handler(BaseHTTPRequestHandler):
    """Routes bot calls, client calls and webhook relays."""

    server: Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        return None

    def _reply(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the bot stopped
            self.wfile.write(body)

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type") or "application/x-www-form-urlencoded"
        path = urllib.parse.urlsplit(self.path).path
        bot = re.fullmatch(r"/bot([^/]+)/(\w+)", path)
        relay = re.fullmatch(r"/relay/([^/]+)", path)
        try:
            if bot:
                self._bot(bot.group(1), bot.group(2), body, content_type)
            elif relay:
                self._relay(urllib.parse.unquote(relay.group(1)), body)
            elif path in CLIENT_FIELDS:
                self._client(path, body)
            else:
                self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        except (ValueError, KeyError, TypeError) as exc:
            self._reply(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"})
        except OSError as exc:  # the emulator is gone (the test run is ending)
            self._reply(502, {"ok": False, "error_code": 502, "description": f"Bad Gateway: {exc}"})

    def _client(self, path: str, body: bytes) -> None:
        request = json.loads(body or b"null")
        if not isinstance(request, dict) or any(f not in request for f in CLIENT_FIELDS[path]):
            raise ValueError(f"{path} needs {', '.join(CLIENT_FIELDS[path])}")
        status, answer = _http(self.server.compat.upstream + path, body, "application/json")
        self._reply(status, json.loads(answer))

    def _relay(self, token: str, body: bytes) -> None:
        compat = self.server.compat
        hook = compat.webhooks.get(token)
        status = 410
        if hook is not None:
            headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret} if hook.secret else {}
            update = json.dumps(fix_update(json.loads(body))).encode()
            status, _ = _http(hook.url, update, "application/json", headers)
        with compat.lock:
            compat.deliveries.append((token, status))
        self._reply(200, {"ok": True})  # anything else would crash the emulator

    def _bot(self, token: str, method: str, body: bytes, content_type: str) -> None:
        compat = self.server.compat
        params = _params(body, content_type)
        with compat.lock:
            compat.calls.append((token, method, params))
        url = f"{compat.upstream}/bot{token}/{method}"
        if method == "setWebhook":
            compat.webhooks[token] = Webhook(str(params["url"]), params.get("secret_token"))
            relay = f"http://127.0.0.1:{compat.port}/relay/{urllib.parse.quote(token, safe='')}"
            body, content_type = json.dumps({"url": relay}).encode(), "application/json"
        elif method == "deleteWebhook":
            compat.webhooks.pop(token, None)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        while True:
            status, answer = _http(url, body, content_type)
            payload = json.loads(answer or b"{}")
            if method != "getUpdates" or payload.get("result") or time.monotonic() >= deadline:
                break
            time.sleep(POLL_INTERVAL)
        if status == 500 and "is not supported" in str(payload.get("message")):
            self._reply(200, {"ok": True, "result": True})
            return
        result = payload.get("result")
        if method == "getMe":
            result = {**result, "is_bot": True}
        elif method == "sendMessage":
            result = _message({**result, "from": BOT_USER})
        elif method == "getUpdates":
            result = [fix_update(u) for u in result or []]
        elif method in ("editMessageText", "editMessageReplyMarkup") and result is None:
            if method == "editMessageText" and "reply_markup" not in params:
                self._drop_buttons(token, params)
            result = self._stored(token, int(params["message_id"]))
        elif method in TRUE_INSTEAD_OF_NULL and result is None:
            result = True
        self._reply(status, {**payload, "result": result})

    def _drop_buttons(self, token: str, params: dict[str, Any]) -> None:
        """Remove the inline keyboard of an edited message, as Telegram does."""
        keyboard = {"inline_keyboard": []}
        edit = {"chat_id": params["chat_id"], "message_id": params["message_id"]}
        _http(
            f"{self.server.compat.upstream}/bot{token}/editMessageReplyMarkup",
            json.dumps({**edit, "reply_markup": keyboard}).encode(),
            "application/json",
        )

    def _stored(self, token: str, message_id: int) -> dict[str, Any]:
        """The bot's message as the emulator now holds it (after an edit)."""
        _, answer = _http(
            f"{self.server.compat.upstream}/getUpdatesHistory",
            json.dumps({"token": token}).encode(),
            "application/json",
        )
        for item in json.loads(answer)["result"]:
            if "chat_id" in item["message"] and item["messageId"] == message_id:
                message = item["message"]
                chat_id = int(message["chat_id"])
                return _message(
                    {
                        "message_id": message_id,
                        "date": item["time"],
                        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                        "text": message.get("text", ""),
                        **(
                            {"reply_markup": message["reply_markup"]}
                            if message.get("reply_markup")
                            else {}
                        ),
                    }
                )
        raise ValueError(f"no message {message_id}")


class Server(ThreadingHTTPServer):
    """The compatibility layer, serving on 127.0.0.1 in a background thread."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.compat = Compat(upstream, port=self.server_address[1])
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1})

    @property
    def url(self) -> str:
        """Where bots and the simulated resident reach it."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> Server:
        """Serve in the background."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)
