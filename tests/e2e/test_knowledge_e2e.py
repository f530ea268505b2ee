"""Changing what a running bot knows: from the command line by its pid file, and from the chat."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e.conftest import ADMIN, BotProcess, Resident, wait_for

QUESTION = "小区里说的“登高计划”怎么报名"  # declined until it is added as an example
WAIT = 60  # seconds the command line waits for the bot's report


def text(message: dict[str, Any]) -> str:
    return re.sub(r"</?[bi]>", "", str(message.get("text", "")))


def buttons(message: dict[str, Any]) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}


def bot_command(args: list[str], pid_file: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot …` as an operator would, with the bot's PID_FILE."""
    env = {**os.environ, "PID_FILE": str(pid_file)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--timeout", str(WAIT)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=WAIT + 30,
        check=False,
    )


def test_reload_and_rollback_from_the_command_line_reach_the_running_bot(
    start_bot: Callable[..., BotProcess],
    resident: Callable[..., Resident],
    knowledge_copy: Path,
    tmp_path: Path,
) -> None:
    pid_file = tmp_path / "run" / "bot.pid"
    bot = start_bot(PID_FILE=str(pid_file))
    wait_for("the pid file", pid_file.exists)
    assert pid_file.read_text(encoding="utf-8").strip() == str(bot.process.pid)
    first = resident(bot, 1001)
    first.say(QUESTION)
    assert not text(first.replies()[0]).startswith("【加装电梯")

    intent = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    original = intent.read_text(encoding="utf-8")
    intent.write_text(original.replace("examples:\n", f"examples:\n  - {QUESTION}\n", 1), "utf-8")
    reloaded = bot_command(["reload"], pid_file, tmp_path)
    assert reloaded.returncode == 0, reloaded.stderr
    assert "Reloaded: version" in reloaded.stdout
    assert "examples +1 elevator_retrofit" in reloaded.stdout
    second = resident(bot, 1002)  # a new chat: no earlier answer to follow up on
    second.say(QUESTION)
    assert text(second.replies()[0]).startswith("【加装电梯")

    back = bot_command(["rollback"], pid_file, tmp_path)
    assert back.returncode == 0, back.stderr
    assert "Rolled back: version" in back.stdout
    third = resident(bot, 1003)
    third.say(QUESTION)
    assert not text(third.replies()[0]).startswith("【加装电梯")

    assert bot.stop() == 0
    assert not pid_file.exists()
    assert "Traceback" not in bot.output()


def test_an_admin_labels_a_cluster_reloads_and_rolls_back_from_the_chat(
    start_bot: Callable[..., BotProcess],
    resident: Callable[..., Resident],
    knowledge_copy: Path,
) -> None:
    bot = start_bot()
    first = resident(bot, 1001)
    first.say(QUESTION)
    first.replies()
    admin = resident(bot, ADMIN)
    admin.command("/unanswered")
    heading, cluster = admin.replies(2)
    assert "1 个问题待处理" in text(heading) and QUESTION in text(cluster)
    label, data = next(item for item in buttons(cluster).items() if item[0].startswith("标为 "))
    title = label.removeprefix("标为 ")
    admin.press(cluster, data)

    def edited() -> list[dict[str, Any]]:
        return [
            m
            for m in admin.history()
            if m["message_id"] == cluster["message_id"] and "✅" in text(m) and not buttons(m)
        ]

    assert "/reload" in text(wait_for("the cluster marked as labelled", edited)[0])
    intent = data.rsplit(":", 1)[1]
    assert QUESTION in (knowledge_copy / "intents" / f"{intent}.yaml").read_text("utf-8")

    admin.command("/reload")
    [report] = admin.replies()
    assert text(report).startswith("知识库已重新加载：版本") and f"（{title}）" in text(report)
    second = resident(bot, 1002)
    second.say(QUESTION)
    assert text(second.replies()[0]).startswith(f"【{title}")

    admin.command("/rollback")
    [back] = admin.replies()
    assert text(back).startswith("已回到上一个版本：")
    third = resident(bot, 1003)
    third.say(QUESTION)
    assert not text(third.replies()[0]).startswith(f"【{title}")
