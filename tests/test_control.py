"""A running bot reloads on `python -m bot reload` and rolls back on `python -m bot rollback`."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.control import start_watching
from bot.reload import Reloader, ReloadReport
from bot.service import Service, build_engine
from tests.cli_support import run_cli

QUESTION = "小区里说的“登高计划”怎么报名"  # declined until it is added as an example
WAIT = 60.0  # seconds; only a safety net so a broken build fails instead of hanging


def _env(knowledge_copy: Path, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KNOWLEDGE_DIR": str(knowledge_copy),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'q.db'}",
        "PID_FILE": str(tmp_path / "bot.pid"),
    }


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_cli(args, env, timeout=WAIT * 2)


class Chat:
    """`python -m bot chat` in the background, with its output read line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=PROJECT_ROOT,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def ask(self, text: str) -> str:
        """Send a question and return the answer's first line."""
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        while True:
            line = self.lines.get(timeout=WAIT)
            if line.startswith("> "):
                return line[2:]


@pytest.fixture
def chat(knowledge_copy: Path, tmp_path: Path) -> Iterator[Chat]:
    running = Chat(_env(knowledge_copy, tmp_path))
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def test_reload_and_rollback_reach_a_running_chat(
    chat: Chat, knowledge_copy: Path, tmp_path: Path
) -> None:
    env = _env(knowledge_copy, tmp_path)
    declined = chat.ask(QUESTION)  # answered once the chat is up, so its handlers are in place
    assert not declined.startswith("【加装电梯")
    assert (tmp_path / "bot.pid").read_text().strip() == str(chat.process.pid)

    intent = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    text = intent.read_text(encoding="utf-8")
    intent.write_text(text.replace("examples:\n", f"examples:\n  - {QUESTION}\n", 1), "utf-8")
    reloaded = _cli(["reload"], env)
    assert reloaded.returncode == 0, reloaded.stderr
    assert "Reloaded: version" in reloaded.stdout
    assert "examples +1 elevator_retrofit" in reloaded.stdout
    assert "decline → elevator_retrofit" in reloaded.stdout
    assert "Dev set (395 questions)" in reloaded.stdout
    assert chat.ask(QUESTION).startswith("【加装电梯")

    back = _cli(["rollback", "--json"], env)
    assert back.returncode == 0, back.stderr
    report = json.loads(back.stdout)
    assert report["ok"] and report["action"] == "rollback"
    assert report["diff"]["examples_removed"] == {"elevator_retrofit": [QUESTION]}
    again = _cli(["rollback"], env)
    assert again.returncode == 1 and "no earlier knowledge" in again.stdout

    assert chat.process.stdin is not None
    chat.process.stdin.write("退出\n")
    chat.process.stdin.close()
    assert chat.process.wait(timeout=WAIT) == 0
    assert not (tmp_path / "bot.pid").exists()


def test_reload_without_a_running_bot_is_a_clear_error(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    result = _cli(["reload"], _env(knowledge_copy, tmp_path))
    assert result.returncode == 2
    assert "no running bot" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


async def test_watching_reloads_changed_files_and_is_off_by_default(
    knowledge_copy: Path, settings: Settings, tmp_path: Path
) -> None:
    local = settings.model_copy(
        update={
            "knowledge_dir": knowledge_copy,
            "pid_file": tmp_path / "bot.pid",
            "reload_poll_seconds": 0.05,
        }
    )
    service = Service(build_engine(local), None, "s")
    assert start_watching(Reloader(service, local), local) is None
    watching = local.model_copy(update={"reload_on_change": True})
    reloader = Reloader(service, watching)
    reports: list[ReloadReport] = []
    done = asyncio.Event()
    reload = reloader.reload

    async def noted(*, force: bool = False) -> ReloadReport:
        reports.append(await reload(force=force))
        done.set()
        return reports[-1]

    reloader.reload = noted  # type: ignore[method-assign]
    task = start_watching(reloader, watching)
    assert task is not None
    await asyncio.sleep(0)  # the watcher notes the files as they are now
    intent = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    text = intent.read_text(encoding="utf-8")
    intent.write_text(text.replace("examples:\n", f"examples:\n  - {QUESTION}\n", 1), "utf-8")
    await asyncio.wait_for(done.wait(), WAIT)
    task.cancel()
    assert len(reports) == 1 and reports[0].ok
    assert (await service.ask(QUESTION, channel="cli")).intent == "elevator_retrofit"
    left = json.loads((tmp_path / "bot.report.json").read_text(encoding="utf-8"))
    assert left["ok"] and left["version"] == reports[0].version != reports[0].previous
