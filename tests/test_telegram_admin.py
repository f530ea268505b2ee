"""Admins steer the bot from Telegram; everyone else cannot even tell the commands exist."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path

import pytest

from bot.channels.telegram import reports, texts
from bot.channels.telegram.state import Services
from bot.config import Settings
from bot.engine import Engine
from bot.knowledge.diff import KnowledgeDiff
from bot.reload import ReloadReport
from bot.replay import Change, Replay
from bot.store.base import pseudonym
from tests.telegram_support import ADMIN, GROUP, RESIDENT, Bot, started

QUESTION = "小区里说的“登高计划”怎么报名"  # declined until it is added as an example


@pytest.fixture
async def bot(
    settings: Settings, engine: Engine, tmp_path: Path, knowledge_copy: Path
) -> AsyncIterator[Bot]:
    async for running in started(settings, engine, tmp_path, knowledge_dir=knowledge_copy):
        yield running


def add_example(knowledge_copy: Path, question: str = QUESTION) -> None:
    """Make `question` an example of the elevator topic in the copy of the knowledge."""
    intents = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    text = intents.read_text(encoding="utf-8")
    intents.write_text(text.replace("examples:\n", f"examples:\n  - {question}\n", 1), "utf-8")


async def said(bot: Bot, text: str, **kwargs: object) -> str:
    """Everything the bot replied to one message, as the user reads it."""
    replies = await bot.say(text, **kwargs)  # type: ignore[arg-type]
    return "\n".join(unescape(re.sub(r"</?[bi]>", "", r["text"])) for r in replies)


@pytest.mark.parametrize(
    "command", ["/reload", "/reload force", "/rollback", "/stats", "/stats 3", "/unanswered 5"]
)
async def test_others_get_the_unknown_command_reply_and_the_attempt_is_logged(
    bot: Bot, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        reply = await said(bot, command)
    assert reply == await said(bot, "/nosuchcommand") == texts.UNKNOWN_COMMAND
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1
    assert pseudonym("test-salt", "telegram", RESIDENT) in refused[0]
    assert str(RESIDENT) not in refused[0]
    # an admin in a group is not an admin there: the group would see the answers
    assert await said(bot, command, user=ADMIN, chat=GROUP) == ""


async def test_reload_swaps_in_a_valid_change(bot: Bot, knowledge_copy: Path) -> None:
    question = "小区里说的“登高计划”怎么报名"
    assert not (await said(bot, question)).startswith("【加装电梯")
    intents = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    text = intents.read_text(encoding="utf-8")
    intents.write_text(text.replace("examples:\n", f"examples:\n  - {question}\n", 1), "utf-8")
    before = bot.service.engine.version
    reply = await said(bot, "/reload", user=ADMIN)
    after = bot.service.engine.version
    assert after != before and f"{before} → {after}" in reply and "18 个话题" in reply
    assert (await said(bot, question)).startswith("【加装电梯")


async def test_broken_file_is_reported_with_file_and_line_and_old_answers_keep_serving(
    bot: Bot, knowledge_copy: Path
) -> None:
    before = bot.service.engine
    (knowledge_copy / "intents" / "dibao.yaml").write_text("id: dibao\ntitle: [\n", "utf-8")
    reply = await said(bot, "/reload", user=ADMIN)
    assert f"仍在使用版本 {before.version}" in reply
    assert "dibao.yaml:" in reply and any(c.isdigit() for c in reply.split("dibao.yaml:")[1][:4])
    assert bot.service.engine is before
    assert (await said(bot, "低保怎么申请")).startswith("【低保 · 怎么申请】")


async def test_a_second_reload_while_one_runs_is_turned_away(bot: Bot) -> None:
    services: Services = bot.app.bot_data["services"]
    async with services.reloader._lock:  # a reload is running
        assert await said(bot, "/reload", user=ADMIN) == texts.RELOAD_BUSY
    assert "知识库已重新加载" in await said(bot, "/reload", user=ADMIN)


async def test_stats_counts_days_decisions_topics_and_top_declined(bot: Bot) -> None:
    for question in [
        "低保怎么申请",
        "低保去哪里办",
        "加装电梯",
        "明天会下雨吗",
        "明天会下雨吗",
        "你好",
    ]:
        await bot.say(question)
    reply = await said(bot, "/stats", user=ADMIN)
    assert reply.startswith(texts.stats_heading(7, 6))
    assert "已回答：3" in reply and "未能回答：2" in reply and "寒暄：1" in reply
    assert "低保：2" in reply and "加装电梯：1" in reply
    assert "2× 明天会下雨吗" in reply.split(texts.STATS_TOP_DECLINED)[1]
    assert (await said(bot, "/stats 30", user=ADMIN)).startswith(texts.stats_heading(30, 6))
    assert await said(bot, "/stats lots", user=ADMIN) == texts.STATS_USAGE


async def test_reload_problems_are_escaped_and_listed_in_full(
    bot: Bot, knowledge_copy: Path
) -> None:
    for name in ("dibao", "elevator_retrofit"):
        (knowledge_copy / "intents" / f"{name}.yaml").write_text(f"id: {name}\ntitle: [\n", "utf-8")
    healthcare = knowledge_copy / "intents" / "healthcare.yaml"  # a keyword the reply must escape
    healthcare.write_text(
        healthcare.read_text("utf-8").replace("keywords:\n", "keywords:\n  - '<'\n", 1), "utf-8"
    )
    replies = await bot.say("/reload", user=ADMIN)
    text = "\n".join(r["text"] for r in replies)
    assert text.startswith("知识库有 3 处问题")
    assert text.count("YAML syntax") == 2 and "healthcare.yaml" in text
    assert "&lt;" in text and "'<'" not in text


async def test_reload_reports_what_changed_and_what_the_replay_found(
    bot: Bot, knowledge_copy: Path
) -> None:
    assert not (await said(bot, QUESTION)).startswith("【加装电梯")  # logged, so it is replayed
    add_example(knowledge_copy)
    reply = await said(bot, "/reload", user=ADMIN)
    lines = reply.splitlines()
    assert lines[0].startswith("知识库已重新加载：版本")
    assert "  修改的话题：加装电梯" in lines
    assert lines[lines.index("  新增例句 1 条（加装电梯）：") + 1].strip() == QUESTION
    assert "  新答上 1 个：" in lines
    assert f"    {QUESTION}：未能回答 → 加装电梯" in lines
    assert re.search(r"^开发集 \d+ 题准确率：\d+\.\d% → \d+\.\d%$", reply, re.M)
    assert (await said(bot, "/reload", user=ADMIN)).startswith("知识库已重新加载：内容没有变化")
    assert await said(bot, "/reload now", user=ADMIN) == texts.RELOAD_USAGE


async def test_reload_that_would_lower_dev_accuracy_is_refused_until_forced(
    settings: Settings, engine: Engine, tmp_path: Path, knowledge_copy: Path
) -> None:
    dev = tmp_path / "dev.jsonl"  # a dev set on which the change can only do worse
    case = {"text": QUESTION, "expect": "decline", "kind": "near_miss"}
    dev.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    overrides = {"knowledge_dir": knowledge_copy, "dev_set": dev}
    async for bot in started(settings, engine, tmp_path, **overrides):
        add_example(knowledge_copy)
        reply = await said(bot, "/reload", user=ADMIN)
        lines = reply.splitlines()
        assert lines[0] == texts.reload_worse(engine.version, 1.0, 0.0)
        assert (
            "  新增例句 1 条（加装电梯）：" in lines and "开发集 1 题准确率：100.0% → 0.0%" in lines
        )
        assert lines[-1] == texts.RELOAD_FORCE_HINT and "/reload force" in lines[-1]
        assert bot.service.engine is engine
        assert not (await said(bot, QUESTION)).startswith("【加装电梯")

        forced = await said(bot, "/reload force", user=ADMIN)
        assert forced.startswith(f"知识库已重新加载（强制）：版本 {engine.version} →")
        assert (await said(bot, QUESTION)).startswith("【加装电梯")


async def test_rollback_returns_to_the_earlier_version_once(
    bot: Bot, engine: Engine, knowledge_copy: Path
) -> None:
    assert await said(bot, "/rollback", user=ADMIN) == texts.nothing_to_roll_back(engine.version)
    add_example(knowledge_copy)
    await said(bot, "/reload", user=ADMIN)
    newer = bot.service.engine.version
    assert (await said(bot, QUESTION)).startswith("【加装电梯")

    reply = await said(bot, "/rollback", user=ADMIN)
    lines = reply.splitlines()
    assert lines[0].startswith(f"已回到上一个版本：{newer} → {engine.version}，")
    assert "  删除例句 1 条（加装电梯）：" in lines and lines[-1] == texts.ROLLBACK_FILES
    newcomer = RESIDENT + 1  # without the elevator answer as context for a follow-up
    assert not (await said(bot, QUESTION, user=newcomer)).startswith("【加装电梯")
    assert await said(bot, "/rollback", user=ADMIN) == texts.nothing_to_roll_back(engine.version)
    # the files still hold the change: the next reload serves it again
    assert (await said(bot, "/reload", user=ADMIN)).startswith("知识库已重新加载")
    assert (await said(bot, QUESTION)).startswith("【加装电梯")


async def test_rollback_is_in_the_admin_menu_only(bot: Bot) -> None:
    menus = bot.request.of("setMyCommands")
    everyone = [c["command"] for m in menus if "scope" not in m for c in m["commands"]]
    staff = [c["command"] for m in menus if "scope" in m for c in m["commands"]]
    assert "rollback" in staff and "rollback" not in everyone


async def test_a_rollback_while_a_reload_runs_is_turned_away(bot: Bot) -> None:
    services: Services = bot.app.bot_data["services"]
    async with services.reloader._lock:
        assert await said(bot, "/rollback", user=ADMIN) == texts.RELOAD_BUSY


def test_reload_reply_names_every_kind_of_change_by_title() -> None:
    change = KnowledgeDiff(
        intents_added=("new_topic",),
        intents_removed=("dibao",),
        examples_added={"elevator_retrofit": ("一", "二", "三", "四")},
        examples_removed={"dibao": ("低保咋办",)},
        facets_added=("elevator_retrofit.where",),
        facets_removed=("dibao.amount",),
        sources_added=("src_new",),
        sources_changed=("src_old",),
        other=("lexicon",),
    )
    moved = tuple(Change(f"问题{n}", "dibao", "elevator_retrofit") for n in range(7))
    replayed = Replay(7, moved, (), (Change("低保咋办", "dibao", "decline"),), 10, 0.9, 0.95)
    report = ReloadReport(True, "v2", "v1", 18, 2000, 117, diff=change, replay=replayed)
    lines = reports.reload(report, {"dibao": "低保", "elevator_retrofit": "加装电梯"}).splitlines()
    for line in [
        "  新增话题：new_topic",
        "  删除话题：低保",
        "  新增分项：加装电梯·去哪里办",
        "  删除分项：低保·多少钱·标准",
        "  新增来源：src_new",
        "  修改的来源：src_old",
        "  其他改动：词表",
        "  新增例句 4 条（加装电梯）：",
        "  删除例句 1 条（低保）：",
        "用最近 7 个问题对比新旧版本：",
        "  换了话题 7 个：",
        "    问题0：低保 → 加装电梯",
        "  新答不上 1 个：",
        "    低保咋办：低保 → 未能回答",
        "开发集 10 题准确率：90.0% → 95.0%",
    ]:
        assert line in lines
    assert "    四" not in lines and "    问题5：低保 → 加装电梯" not in lines  # cut, with …
    assert lines.count("    …") == 2
