"""/unanswered: admins label or dismiss clusters of unanswered questions from the chat."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram import texts
from bot.config import Settings
from bot.engine import Engine
from bot.review import actions
from bot.store.base import pseudonym
from bot.store.sqlite import SqliteQueryLog
from tests.telegram_support import ADMIN, RESIDENT, Bot, buttons, started

QUESTION = "小区里说的“登高计划”怎么报名"  # declined: no topic has such an example yet
RAIN = "我电话13812345678，明天会下雨吗"


@pytest.fixture
async def bot(
    settings: Settings, engine: Engine, tmp_path: Path, knowledge_copy: Path
) -> AsyncIterator[Bot]:
    async for running in started(settings, engine, tmp_path, knowledge_dir=knowledge_copy):
        for question in (QUESTION, QUESTION, RAIN, "低保怎么申请"):
            await running.say(question, user=RESIDENT)
            running.clock.now += 3600  # no follow-up context between them
        yield running


def shown(reply: dict[str, Any]) -> str:
    return unescape(re.sub(r"</?[bi]>", "", reply["text"]))


def reviewed(bot: Bot) -> list[tuple[str, str | None, str | None]]:
    """Each logged question with who reviewed it and how."""
    assert isinstance(bot.service.query_log, SqliteQueryLog)
    with sqlite3.connect(bot.service.query_log.path) as db:
        return db.execute("SELECT text, reviewed_by, review_action FROM queries").fetchall()


async def test_clusters_come_biggest_first_with_label_and_dismiss_buttons(bot: Bot) -> None:
    heading, *clusters = await bot.say("/unanswered", user=ADMIN)
    assert shown(heading) == texts.unanswered_heading(30, 2, 3, 2)
    assert shown(clusters[0]) == f"「{QUESTION}」\n共 2 次：未能回答 2"
    assert "我电话[手机号]，明天会下雨吗" in shown(clusters[1])
    assert all("13812345678" not in r["text"] for r in [heading, *clusters])
    labels = [label for label, _ in buttons(clusters[0])]
    assert len(labels) == 3 and labels[-1] == texts.DISMISS_BUTTON
    assert all(label.startswith("标为 ") for label in labels[:2])
    assert all(len(data.encode()) <= 64 for _, data in buttons(clusters[0]))

    assert len(await bot.say("/unanswered 1", user=ADMIN)) == 2
    assert [shown(r) for r in await bot.say("/unanswered 11", user=ADMIN)] == [
        texts.UNANSWERED_USAGE
    ]


async def test_label_button_adds_the_cluster_once_and_reload_makes_it_live(
    bot: Bot, knowledge_copy: Path
) -> None:
    _, cluster, _ = await bot.say("/unanswered", user=ADMIN)
    label, data = buttons(cluster)[0]
    title = label.removeprefix("标为 ")
    [edited] = await bot.press(cluster, data, user=ADMIN)
    assert edited["message_id"] == cluster["message_id"] and not buttons(edited)
    assert shown(edited).endswith(texts.labelled(2, title, 1, 1))
    assert "/reload" in shown(edited)
    intent = data.rsplit(":", 1)[1]
    assert QUESTION in (knowledge_copy / "intents" / f"{intent}.yaml").read_text("utf-8")

    admin = pseudonym("test-salt", "telegram", ADMIN)
    marked = [row for row in reviewed(bot) if row[0] == QUESTION]
    assert marked == [(QUESTION, admin, f"example:{intent}")] * 2
    assert all(str(ADMIN) not in str(row) for row in reviewed(bot))

    assert await bot.press(cluster, buttons(cluster)[1][1], user=ADMIN) == []  # a second press
    assert bot.request.of("answerCallbackQuery")[-1]["text"] == texts.REVIEW_DONE
    assert [row for row in reviewed(bot) if row[0] == QUESTION] == marked

    [still] = await bot.say(QUESTION, user=RESIDENT + 1)
    assert not shown(still).startswith(f"【{title}")  # not live before /reload
    await bot.say("/reload", user=ADMIN)
    [answered] = await bot.say(QUESTION, user=RESIDENT + 2)
    assert shown(answered).startswith(f"【{title}")


async def test_dismiss_button_marks_the_cluster_without_touching_the_knowledge(
    bot: Bot, knowledge_copy: Path
) -> None:
    before = {p.name: p.read_bytes() for p in (knowledge_copy / "intents").iterdir()}
    _, _, rain = await bot.say("/unanswered", user=ADMIN)
    [edited] = await bot.press(rain, buttons(rain)[-1][1], user=ADMIN)
    assert shown(edited).endswith(texts.dismissed(1)) and not buttons(edited)
    assert {p.name: p.read_bytes() for p in (knowledge_copy / "intents").iterdir()} == before
    admin = pseudonym("test-salt", "telegram", ADMIN)
    assert ("我电话[手机号]，明天会下雨吗", admin, "dismissed") in reviewed(bot)
    _, only = await bot.say("/unanswered", user=ADMIN)
    assert QUESTION in shown(only)


async def test_others_pressing_a_review_button_change_nothing(
    bot: Bot, knowledge_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _, cluster, rain = await bot.say("/unanswered", user=ADMIN)
    before = {p.name: p.read_bytes() for p in (knowledge_copy / "intents").iterdir()}
    with caplog.at_level(logging.WARNING):
        assert await bot.press(cluster, buttons(cluster)[0][1], user=RESIDENT) == []
        assert await bot.press(rain, buttons(rain)[-1][1], user=RESIDENT) == []
    notices = [c["text"] for c in bot.request.of("answerCallbackQuery")]
    assert notices == [texts.REVIEW_ADMINS_ONLY] * 2
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 2 and all(str(RESIDENT) not in line for line in refused)
    assert all(pseudonym("test-salt", "telegram", RESIDENT) in line for line in refused)
    assert {p.name: p.read_bytes() for p in (knowledge_copy / "intents").iterdir()} == before
    assert all(by is None for _, by, _ in reviewed(bot))
    [edited] = await bot.press(cluster, buttons(cluster)[0][1], user=ADMIN)  # still waiting
    assert "✅" in shown(edited)


async def test_a_label_that_would_not_validate_lists_the_problems_and_can_be_retried(
    bot: Bot, knowledge_copy: Path
) -> None:
    _, cluster, _ = await bot.say("/unanswered", user=ADMIN)
    label, data = buttons(cluster)[0]
    intent = knowledge_copy / "intents" / f"{data.rsplit(':', 1)[1]}.yaml"
    kept = intent.read_bytes()
    dibao = knowledge_copy / "intents" / "dibao.yaml"
    good = dibao.read_bytes()
    dibao.write_text("id: dibao\ntitle: [\n", "utf-8")
    [refused] = await bot.press(cluster, data, user=ADMIN)
    lines = shown(refused).splitlines()
    assert lines[0].startswith(f"没有标记：加入「{label.removeprefix('标为 ')}」后知识库会有")
    assert any(line.startswith("• intents/dibao.yaml:") for line in lines[1:])
    assert refused["message_id"] != cluster["message_id"]  # the buttons stay for another try
    assert intent.read_bytes() == kept
    assert all(by is None for _, by, _ in reviewed(bot))

    dibao.write_bytes(good)
    [edited] = await bot.press(cluster, data, user=ADMIN)
    assert "✅" in shown(edited) and QUESTION in intent.read_text("utf-8")


async def test_a_cluster_reviewed_meanwhile_is_reported_as_gone(
    bot: Bot, engine: Engine, knowledge_copy: Path
) -> None:
    _, cluster, _ = await bot.say("/unanswered", user=ADMIN)
    cluster_id = buttons(cluster)[-1][1].split(":")[1]
    assert isinstance(bot.service.query_log, SqliteQueryLog)
    settings = bot.app.bot_data["services"].settings
    await actions.dismiss(bot.service.query_log, engine, settings, cluster_id, by="clerk")
    before = {p.name: p.read_bytes() for p in (knowledge_copy / "intents").iterdir()}
    [edited] = await bot.press(cluster, buttons(cluster)[0][1], user=ADMIN)
    assert shown(edited).endswith(texts.REVIEW_GONE) and not buttons(edited)
    assert {p.name: p.read_bytes() for p in (knowledge_copy / "intents").iterdir()} == before
