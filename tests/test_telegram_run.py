"""Starting the Telegram bot: settings, the one-line refusal without a token, the pid file."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import PROJECT_ROOT, ConfigError, Settings
from bot.engine import Engine
from tests.telegram_support import started


def test_run_without_a_token_says_so_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env here
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]


def test_make_run_starts_the_telegram_bot_when_a_token_is_set(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123456:test-token",
        "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",  # nothing listens: it must try and say so
        "DATABASE_URL": f"sqlite:///{tmp_path / 'q.db'}",
        "PID_FILE": str(tmp_path / "bot.pid"),
    }
    result = subprocess.run(
        ["make", "-s", "run"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Cannot reach the Bot API" in result.stderr
    assert "晋中民生问答（输入问题" not in result.stdout  # not the terminal chat


def test_admin_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "12, 34,56")
    assert Settings().admin_ids == {12, 34, 56}
    monkeypatch.setenv("ADMIN_IDS", "")
    assert Settings().admin_ids == frozenset()
    monkeypatch.setenv("ADMIN_IDS", "12,alice")
    with pytest.raises(ValidationError, match="ADMIN_IDS"):
        Settings()


def test_webhook_settings_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET", "not allowed!")
    with pytest.raises(ValidationError, match="WEBHOOK_SECRET"):
        Settings()
    monkeypatch.delenv("WEBHOOK_SECRET")
    assert Settings(listen="127.0.0.1:8080").listen_address() == ("127.0.0.1", 8080)
    with pytest.raises(ConfigError, match="LISTEN"):
        Settings(listen="8080").listen_address()
    assert Settings().telegram_base_url == "https://api.telegram.org/bot"


async def test_a_started_bot_takes_reload_signals_and_holds_the_pid_file_until_shutdown(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    pid_file = tmp_path / "bot.pid"  # what `python -m bot reload` reads (see telegram_support)
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
    async for _bot in started(settings, engine, tmp_path):
        assert pid_file.read_text(encoding="utf-8").strip() == str(os.getpid())
        assert signal.getsignal(signal.SIGHUP) is not signal.SIG_DFL
    assert not pid_file.exists()
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL


async def test_a_pid_file_held_by_another_bot_is_left_alone_and_residents_are_still_served(
    settings: Settings, engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pid_file = tmp_path / "bot.pid"
    pid_file.write_text(f"{os.getppid()}\n", encoding="utf-8")  # a live process, not this one
    with caplog.at_level(logging.WARNING):
        async for bot in started(settings, engine, tmp_path):
            [reply] = await bot.say("低保怎么申请")
            assert reply["text"].startswith("<b>【低保 · 怎么申请】</b>")
    assert pid_file.read_text(encoding="utf-8") == f"{os.getppid()}\n"
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("will not reach this bot" in m and str(os.getppid()) in m for m in warned)
