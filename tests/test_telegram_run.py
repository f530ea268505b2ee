"""Starting the Telegram bot: settings and the one-line refusal without a token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import ConfigError, Settings


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
