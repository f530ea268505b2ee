"""End-to-end fixtures: the npm emulator (installed on demand), the compatibility layer, the bot
as a real `python -m bot run` process, and a simulated resident using the emulator's client API."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tests.e2e.compat import Server

EMULATOR = Path(__file__).parent / "emulator"
EMULATOR_VERSION = "4.2.1"
ADMIN = 777
T = TypeVar("T")
_tokens = itertools.count(1)


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(what: str, check: Callable[[], T | None], timeout: float = 20.0) -> T:
    """Poll until `check` gives something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def _installed() -> bool:
    package = EMULATOR / "node_modules" / "telegram-test-api" / "package.json"
    return package.exists() and json.loads(package.read_text())["version"] == EMULATOR_VERSION


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    """telegram-test-api 4.2.1 on 127.0.0.1 (npm ci first if needed); its base URL."""
    if not _installed():
        npm = shutil.which("npm")
        assert npm, "the end-to-end tests need Node.js and npm"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=EMULATOR, check=True,
                       capture_output=True, timeout=300)
    assert _installed()
    node = shutil.which("node")
    assert node, "the end-to-end tests need Node.js"
    for _attempt in range(3):  # the free port may be taken between probe and listen
        port = free_port()
        process = subprocess.Popen(
            [node, "start.js", "127.0.0.1", str(port)], cwd=EMULATOR,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        if "listening" in line:
            break
        process.wait(timeout=10)
    else:
        raise AssertionError(f"emulator did not start: {line}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def compat(emulator: str) -> Iterator[Server]:
    """The compatibility layer in front of the emulator."""
    server = Server(emulator).start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class BotProcess:
    """`python -m bot run` against the emulator; stopped with SIGTERM."""

    token: str
    process: subprocess.Popen[str]
    database: Path
    log: Path
    compat: Server

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM and wait; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
                raise AssertionError("the bot did not stop on SIGTERM") from None
        return int(self.process.returncode)

    def output(self) -> str:
        """What the bot logged."""
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def start_bot(
    compat: Server, tmp_path: Path, knowledge_copy: Path
) -> Iterator[Callable[..., BotProcess]]:
    """Start the bot (polling, or webhook with `webhook=True`); stopped after the test."""
    started: list[BotProcess] = []

    def start(webhook: bool = False, **env: str) -> BotProcess:
        token = f"{next(_tokens)}{os.getpid()}:E2E{tmp_path.name}"
        database = tmp_path / f"queries-{len(started)}.db"
        settings = {
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_BASE_URL": f"{compat.url}/bot",
            "DATABASE_URL": f"sqlite:///{database}",
            "KNOWLEDGE_DIR": str(knowledge_copy),
            "ADMIN_IDS": str(ADMIN),
            "USER_SALT": "e2e",
            **env,
        }
        if webhook:
            port = free_port()
            settings |= {
                "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram-hook",
                "WEBHOOK_SECRET": "e2e-secret",
                "LISTEN": f"127.0.0.1:{port}",
            }
        log = tmp_path / f"bot-{len(started)}.log"
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        with log.open("w") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env={**clean, **settings},
                stdout=sink, stderr=subprocess.STDOUT, text=True,
            )
        bot = BotProcess(token, process, database, log, compat)
        started.append(bot)
        # post_init has run once the command menu is registered
        wait_for("the bot to start", lambda: process.poll() is not None
                 or compat.compat.called(token, "setMyCommands"), timeout=60)
        assert process.poll() is None, bot.output()
        if webhook:
            wait_for("the webhook", lambda: compat.compat.webhooks.get(token))
        return bot

    yield start
    for bot in started:
        bot.stop()


@dataclass
class Resident:
    """A person chatting with the bot through the emulator's client endpoints."""

    base: str
    token: str
    user_id: int
    chat_id: int
    seen: list[dict[str, Any]] = field(default_factory=list)

    def _post(self, path: str, payload: dict[str, Any]) -> Any:
        response = httpx.post(self.base + path, json=payload, timeout=10)
        response.raise_for_status()
        return response.json()

    def _common(self, text: str) -> dict[str, Any]:
        return {
            "botToken": self.token,
            "date": int(time.time()),
            "text": text,
            "from": {"id": self.user_id, "is_bot": False, "first_name": "居民"},
            "chat": {"id": self.chat_id, "type": "private", "first_name": "居民"},
        }

    def say(self, text: str) -> None:
        """Type a message."""
        self._post("/sendMessage", self._common(text))

    def command(self, text: str) -> None:
        """Send a command, with its bot_command entity as Telegram adds it."""
        length = len(text.split()[0])
        entities = [{"type": "bot_command", "offset": 0, "length": length}]
        self._post("/sendCommand", {**self._common(text), "entities": entities})

    def press(self, message: dict[str, Any], data: str) -> None:
        """Press an inline button under one of the bot's messages."""
        shown = {
            "message_id": message["message_id"],
            "date": int(time.time()),
            "chat": {"id": self.chat_id, "type": "private"},
            "text": message.get("text", ""),
            "reply_markup": message.get("reply_markup"),
        }
        common = self._common("")
        self._post("/sendCallback", {"botToken": self.token, "from": common["from"],
                                     "message": shown, "data": data})

    def replies(self, count: int = 1, timeout: float = 20.0) -> list[dict[str, Any]]:
        """Wait for the bot's next `count` messages to this chat."""
        new: list[dict[str, Any]] = []

        def fetch() -> list[dict[str, Any]] | None:
            got = self._post("/getUpdates", {"token": self.token, "chatId": self.chat_id})
            new.extend(
                {**item["message"], "message_id": item["messageId"]} for item in got["result"]
            )
            return new if len(new) >= count else None

        wait_for(f"{count} repl{'y' if count == 1 else 'ies'}", fetch, timeout)
        self.seen += new
        return new

    def history(self) -> list[dict[str, Any]]:
        """The bot's messages to this chat as the emulator holds them now (edits applied)."""
        items = self._post("/getUpdatesHistory", {"token": self.token})["result"]
        return [
            {**item["message"], "message_id": item["messageId"]}
            for item in items
            if "message" in item and str(item["message"].get("chat_id")) == str(self.chat_id)
        ]


@pytest.fixture
def resident(compat: Server) -> Callable[[BotProcess, int], Resident]:
    """A resident with their own user and chat id, talking to a started bot."""

    def make(bot: BotProcess, user_id: int = 1001) -> Resident:
        return Resident(compat.url, bot.token, user_id, user_id)

    return make
