"""The bot over real HTTP against the telegram-test-api emulator, as a resident and an admin."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

import httpx

from bot.engine import Engine
from tests.e2e.conftest import ADMIN, BotProcess, Resident, wait_for

StartBot = Callable[..., BotProcess]
MakeResident = Callable[..., Resident]


def text(message: dict[str, Any]) -> str:
    return unescape(re.sub(r"</?[bi]>", "", str(message.get("text", ""))))


def buttons(message: dict[str, Any]) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}


def test_start_and_a_question_answered_with_citations(
    start_bot: StartBot, resident: MakeResident
) -> None:
    bot = start_bot()
    menu = bot.compat.compat.called(bot.token, "setMyCommands")
    assert any("start" in str(call.get("commands")) for call in menu)
    person = resident(bot)
    person.command("/start")
    [greeting] = person.replies()
    assert "晋中民生问答" in text(greeting) and "低保" in buttons(greeting)
    person.say("低保怎么申请")
    [answer] = person.replies()
    assert text(answer).startswith("【低保 · 怎么申请】")
    assert re.search(r"\[1\]《[^》]+》", text(answer)) and "信息截至" in text(answer)
    assert {"去哪里办", "👍 有用", "👎 没用"} <= set(buttons(answer))

    assert bot.stop() == 0  # SIGTERM: a clean stop, with the log closed
    assert not Path(f"{bot.database}-wal").exists()
    with sqlite3.connect(bot.database) as db:
        rows = db.execute("SELECT text, decision, intent, user FROM queries").fetchall()
    assert rows[-1][:3] == ("低保怎么申请", "answer", "dibao")
    assert rows[-1][3] and str(person.user_id) not in rows[-1][3]
    assert "Traceback" not in bot.output()
    assert bot.token not in bot.output()  # request lines carry the token: never logged


def test_clarify_button_edits_the_question_into_the_answer_once(
    start_bot: StartBot, resident: MakeResident, engine: Engine
) -> None:
    bot = start_bot()
    person = resident(bot)
    person.say("补贴怎么申请")
    [question] = person.replies()
    options = buttons(question)
    offered = [option.title for option in engine.ask("补贴怎么申请").candidates]
    assert len(offered) >= 2 and set(options) == set(offered)
    chosen = offered[1]
    person.press(question, options[chosen])
    person.press(question, options[chosen])  # a double press

    def edited() -> dict[str, Any] | None:
        found = [m for m in person.history() if m["message_id"] == question["message_id"]]
        return found[0] if found and text(found[0]).startswith(f"【{chosen}") else None

    answer = wait_for("the edited answer", edited)
    assert "👍 有用" in buttons(answer)
    wait_for("both presses answered", lambda: len(
        bot.compat.compat.called(bot.token, "answerCallbackQuery")) >= 2)
    assert len(person.history()) == 1  # edited in place, nothing sent twice
    notices = [c.get("text") for c in bot.compat.compat.called(bot.token, "answerCallbackQuery")]
    assert notices.count("已经回答过了，请看上面的消息。") == 1


def test_facet_button_and_feedback(start_bot: StartBot, resident: MakeResident) -> None:
    bot = start_bot()
    person = resident(bot)
    person.say("加装电梯")
    [answer] = person.replies()
    person.press(answer, buttons(answer)["去哪里办"])
    [facet] = person.replies()
    assert text(facet).startswith("【加装电梯 · 去哪里办】")
    person.press(facet, buttons(facet)["👍 有用"])

    def rated() -> Any:
        with sqlite3.connect(bot.database) as db:
            return db.execute("SELECT feedback FROM queries WHERE feedback IS NOT NULL").fetchone()

    assert wait_for("the feedback to be stored", rated) == (1,)
    without = wait_for("the thumbs to go", lambda: [
        m for m in person.history()
        if m["message_id"] == facet["message_id"] and "👍 有用" not in buttons(m)
    ])
    assert "怎么申请" in buttons(without[0])


def test_out_of_scope_question_is_declined_with_12345(
    start_bot: StartBot, resident: MakeResident
) -> None:
    bot = start_bot()
    person = resident(bot)
    # the layer turns away a malformed client request instead of letting it crash the emulator
    broken = httpx.post(f"{bot.compat.url}/sendMessage", json={"text": "x"}, timeout=10)
    assert broken.status_code == 400
    person.say("明天会下雨吗，需要带伞不")
    [reply] = person.replies()
    assert "12345" in text(reply) and "加装电梯" in buttons(reply)


def test_admin_reload_good_and_broken(
    start_bot: StartBot, resident: MakeResident, knowledge_copy: Path
) -> None:
    bot = start_bot()
    admin, person = resident(bot, ADMIN), resident(bot, 1002)
    person.command("/reload")
    [refused] = person.replies()
    assert "没有这个命令" in text(refused)

    question = "小区里说的“登高计划”怎么报名"
    intents = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    original = intents.read_text(encoding="utf-8")
    intents.write_text(original.replace("examples:\n", f"examples:\n  - {question}\n", 1), "utf-8")
    admin.command("/reload")
    [report] = admin.replies()
    assert "知识库已重新加载" in text(report) and "18 个话题" in text(report)
    person.say(question)
    assert text(person.replies()[0]).startswith("【加装电梯")

    (knowledge_copy / "intents" / "dibao.yaml").write_text("id: dibao\ntitle: [\n", "utf-8")
    admin.command("/reload")
    [problems] = admin.replies()
    assert "没有更新" in text(problems) and "intents/dibao.yaml:3" in text(problems)
    person.say("低保怎么申请")
    assert text(person.replies()[0]).startswith("【低保 · 怎么申请】")


def test_webhook_mode_checks_the_secret(start_bot: StartBot, resident: MakeResident) -> None:
    bot = start_bot(webhook=True)
    hook = bot.compat.compat.webhooks[bot.token]
    assert hook.secret == "e2e-secret"
    update = {"update_id": 99, "message": {"message_id": 1, "date": 0, "text": "低保",
              "chat": {"id": 5, "type": "private"}, "from": {"id": 5, "is_bot": False,
                                                           "first_name": "x"}}}
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
        assert httpx.post(hook.url, json=update, headers=headers, timeout=10).status_code == 403
    person = resident(bot)
    person.command("/start")
    [greeting] = person.replies()
    assert "晋中民生问答" in text(greeting)
    person.say("低保怎么申请")
    assert text(person.replies()[0]).startswith("【低保 · 怎么申请】")
    assert all(status == 200 for token, status in bot.compat.compat.deliveries
               if token == bot.token)
    assert bot.stop() == 0
