"""Reload: a valid change is swapped in; a broken file leaves the old answers serving."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import Settings
from bot.engine import Engine
from bot.reload import Reloader
from bot.service import Service, build_engine
from bot.store.sqlite import SqliteQueryLog


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


DENGGAO = "小区里说的“登高计划”怎么报名"  # declined by the shipped knowledge
WARM = "送外卖的能去暖新驿站歇会儿不"
DIBAO = "低保怎么申请"


async def test_diff_replay_refusal_force_and_rollback(
    knowledge_copy: Path, settings: Settings, query_log: SqliteQueryLog
) -> None:
    local = settings.model_copy(update={"knowledge_dir": knowledge_copy})
    service = Service(build_engine(local), query_log, "s")
    before = {q: (await service.ask(q, channel="cli")).intent for q in (DENGGAO, WARM, DIBAO)}
    assert before == {DENGGAO: None, WARM: "warm_station", DIBAO: "dibao"}
    serving = service.engine
    elevator = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    text = elevator.read_text(encoding="utf-8")
    elevator.write_text(text.replace("examples:\n", f"examples:\n  - {DENGGAO}\n", 1), "utf-8")
    (knowledge_copy / "intents" / "warm_station.yaml").unlink()
    reloader = Reloader(service, local)

    refused = await reloader.reload()
    assert not refused.ok and service.engine is serving
    assert refused.version == serving.version != refused.candidate
    assert "accuracy would drop" in refused.problems[0]
    changes, replayed = refused.diff, refused.replay
    assert changes is not None and replayed is not None
    assert changes.intents_removed == ("warm_station",)
    assert changes.intents_changed == ("elevator_retrofit",)
    assert changes.examples_added == {"elevator_retrofit": (DENGGAO,)}
    assert "warm_station.overview" in changes.facets_removed
    assert replayed.questions == 3
    assert [(c.text, c.before, c.after) for c in replayed.newly_answered] == [
        (DENGGAO, "decline", "elevator_retrofit")
    ]
    moved = [c for c in (*replayed.switched, *replayed.newly_declined) if c.text == WARM]
    assert len(moved) == 1 and moved[0].before == "warm_station"
    assert DIBAO not in {c.text for c in (*replayed.switched, *replayed.newly_declined)}
    assert replayed.dev_after is not None and replayed.dev_before is not None
    assert replayed.dev_after < replayed.dev_before
    assert "Reload refused" in refused.render() and "newly answered: 1" in refused.render()
    assert (await service.ask(DENGGAO, channel="cli")).intent is None

    forced = await reloader.reload(force=True)
    assert forced.ok and forced.forced and forced.version == refused.candidate
    assert (await service.ask(DENGGAO, channel="cli")).intent == "elevator_retrofit"
    assert (await service.ask(WARM, channel="cli")).intent != "warm_station"

    back = await reloader.rollback()
    assert back.ok and back.version == serving.version and service.engine is serving
    assert back.diff is not None and back.diff.intents_added == ("warm_station",)
    after = {q: (await service.ask(q, channel="cli")).intent for q in (DENGGAO, WARM, DIBAO)}
    assert after == before
    nothing_left = await reloader.rollback()
    assert not nothing_left.ok and service.engine is serving


async def test_unchanged_knowledge_reloads_without_a_swap(
    knowledge_copy: Path, settings: Settings
) -> None:
    service, local = _service(knowledge_copy, settings)
    serving = service.engine
    reloader = Reloader(service, local)
    report = await reloader.reload()
    assert report.ok and report.version == report.previous and service.engine is serving
    assert "unchanged" in report.render()
    assert not (await reloader.rollback()).ok
