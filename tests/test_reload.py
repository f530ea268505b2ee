"""Reload: a valid change is swapped in; a broken file leaves the old answers serving."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import Settings
from bot.engine import Engine
from bot.reload import Reloader
from bot.service import Service, build_engine


def _service(knowledge_copy: Path, settings: Settings) -> tuple[Service, Settings]:
    local = settings.model_copy(update={"knowledge_dir": knowledge_copy})
    return Service(build_engine(local), None, "s"), local


async def test_reload_swaps_in_a_valid_change(knowledge_copy: Path, settings: Settings) -> None:
    service, local = _service(knowledge_copy, settings)
    question = "小区里说的“登高计划”怎么报名"
    assert (await service.ask(question, channel="cli")).intent != "elevator_retrofit"
    intents = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    text = intents.read_text(encoding="utf-8")
    intents.write_text(text.replace("examples:\n", f"examples:\n  - {question}\n", 1), "utf-8")
    report = await Reloader(service, local).reload()
    assert report.ok and report.version != report.previous
    assert report.intents == 18 and report.examples > 0
    assert (await service.ask(question, channel="cli")).intent == "elevator_retrofit"


async def test_broken_file_keeps_the_old_answers(knowledge_copy: Path, settings: Settings) -> None:
    service, local = _service(knowledge_copy, settings)
    before = service.engine
    (knowledge_copy / "intents" / "dibao.yaml").write_text("id: dibao\ntitle: [\n", "utf-8")
    report = await Reloader(service, local).reload()
    assert not report.ok and report.version == before.version
    assert any("dibao.yaml" in problem for problem in report.problems)
    assert service.engine is before
    assert (await service.ask("低保怎么申请", channel="cli")).intent == "dibao"


async def test_reloads_run_one_at_a_time(
    knowledge_copy: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, local = _service(knowledge_copy, settings)
    reloader = Reloader(service, local)
    running = 0
    most = 0
    def slow_build(s: Settings) -> Engine:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            return build_engine(s)
        finally:
            running -= 1

    monkeypatch.setattr("bot.reload.build_engine", slow_build)
    reports = await asyncio.gather(*(reloader.reload() for _ in range(3)))
    assert all(r.ok for r in reports) and most == 1
