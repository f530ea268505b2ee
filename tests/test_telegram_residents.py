"""What residents see in Telegram, driven through the real Application without a network."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from telegram.error import NetworkError, TimedOut

from bot.answers import FAILED, HOTLINE, PRIVACY, Answer
from bot.channels.telegram import texts
from bot.config import Settings
from bot.engine import Engine
from bot.understanding.decide import Decision
from tests.telegram_support import BOT, GROUP, RESIDENT, Bot, buttons, started


@pytest.fixture
async def bot(settings: Settings, engine: Engine, tmp_path: Path) -> AsyncIterator[Bot]:
    async for running in started(settings, engine, tmp_path):
        yield running


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        assert tag in ("b", "i"), tag
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, tag

    def handle_data(self, data: str) -> None:
        self.text += data


def shown(reply: dict[str, Any]) -> str:
    """The text a resident sees: valid Telegram HTML (only closed <b>/<i>), tags removed."""
    assert reply.get("parse_mode") == "HTML"
    assert len(reply["text"]) <= 4096
    parser = _Tags()
    parser.feed(reply["text"])
    parser.close()
    assert not parser.open
    return parser.text


def only(replies: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(replies) == 1, replies
    return replies[0]


def query_row(bot: Bot, query_id: int) -> sqlite3.Row:
    path = bot.service.query_log.path  # type: ignore[union-attr]
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM queries WHERE id = ?", (query_id,)).fetchone()


async def test_start_greets_and_offers_every_topic(bot: Bot, engine: Engine) -> None:
    reply = only(await bot.say("/start"))
    assert "晋中民生问答" in shown(reply)
    titles = [intent.title for intent in engine.snapshot.intents.values()]
    assert [label for label, _ in buttons(reply)] == titles
    answer = only(await bot.press(reply, buttons(reply)[2][1]))
    assert shown(answer).startswith(f"【{titles[2]} · ")


async def test_help_and_topics(bot: Bot, engine: Engine) -> None:
    assert "/topics" in shown(only(await bot.say("/help")))
    reply = only(await bot.say("/topics"))
    assert len(buttons(reply)) == len(engine.snapshot.intents)


async def test_commands_are_registered_and_admin_ones_only_for_admins(bot: Bot) -> None:
    menus = bot.request.of("setMyCommands")
    everyone = [m for m in menus if "scope" not in m]
    assert [c["command"] for c in everyone[0]["commands"]] == ["start", "help", "topics"]
    staff = [m for m in menus if m.get("scope", {}).get("type") == "chat"]
    assert {c["command"] for c in staff[0]["commands"]} >= {"reload", "stats", "unanswered"}


async def test_answer_has_facet_citations_date_buttons_and_is_logged(
    bot: Bot, engine: Engine
) -> None:
    expected = engine.ask("低保怎么申请")
    reply = only(await bot.say("低保怎么申请"))
    text = shown(reply)
    assert reply["text"].startswith("<b>【低保 · 怎么申请】</b>")
    assert expected.citations and all(f"《{c.title}》" in text for c in expected.citations)
    assert "信息截至" in text
    labels = [label for label, _ in buttons(reply)]
    assert labels[: len(expected.follow_ups)] == [o.title for o in expected.follow_ups]
    assert labels[-2:] == ["👍 有用", "👎 没用"]
    query_id = int(buttons(reply)[-1][1].split(":")[1])
    row = query_row(bot, query_id)
    assert (row["intent"], row["channel"]) == ("dibao", "telegram")
    assert row["user"] and str(RESIDENT) not in row["user"]


async def test_a_second_named_topic_is_pointed_to_with_a_button(bot: Bot, engine: Engine) -> None:
    question = "吃低保的人家还能领高龄津贴不"
    expected = engine.ask(question)
    [other] = expected.related
    reply = only(await bot.say(question))
    assert f"“{other.title}”" in shown(reply)
    answer = only(await bot.press(reply, dict(buttons(reply))[other.title]))
    assert shown(answer).startswith(f"【{other.title} · ")


async def test_a_decline_naming_a_topic_offers_it_with_a_button(bot: Bot) -> None:
    reply = only(await bot.say("托班门口卖的棉花糖娃吃了会不会长虫牙"))
    assert "12345" in shown(reply) and "“托育补贴”" in shown(reply)
    answer = only(await bot.press(reply, dict(buttons(reply))["托育补贴"]))
    assert shown(answer).startswith("【托育补贴 · ")


async def test_facet_button_answers_that_facet_once(bot: Bot) -> None:
    reply = only(await bot.say("低保怎么申请"))
    where = dict(buttons(reply))["去哪里办"]
    answer = only(await bot.press(reply, where))
    assert shown(answer).startswith("【低保 · 去哪里办】")
    assert "去哪里办" not in dict(buttons(answer)) and "怎么申请" in dict(buttons(answer))
    # 👍 under the facet answer still rates the question the resident typed
    assert buttons(answer)[-1][1] == buttons(reply)[-1][1]
    assert await bot.press(reply, where) == []  # a double press sends nothing new


async def test_feedback_is_stored_and_the_buttons_go(bot: Bot) -> None:
    reply = only(await bot.say("老人补贴"))
    thumbs_up = dict(buttons(reply))["👍 有用"]
    bot.request.clear()
    await bot.press(reply, thumbs_up)
    query_id = int(thumbs_up.split(":")[1])
    assert query_row(bot, query_id)["feedback"] == 1
    toast = bot.request.of("answerCallbackQuery")[0]
    assert toast["text"] == texts.FEEDBACK_THANKS[1]
    edited = bot.request.of("editMessageReplyMarkup")[0]
    labels = [b["text"] for row in edited["reply_markup"]["inline_keyboard"] for b in row]
    assert labels and "👍 有用" not in labels and "👎 没用" not in labels
    await bot.press(reply, dict(buttons(reply))["👎 没用"])
    assert query_row(bot, query_id)["feedback"] == -1


async def test_only_the_asker_rates_the_answer(bot: Bot) -> None:
    reply = only(await bot.say("老人补贴"))
    thumbs_down = dict(buttons(reply))["👎 没用"]
    bot.request.clear()
    await bot.press(reply, thumbs_down, user=RESIDENT + 1)
    assert query_row(bot, int(thumbs_down.split(":")[1]))["feedback"] is None
    assert bot.request.of("answerCallbackQuery")[0]["text"] == texts.FEEDBACK_NOT_YOURS
    assert not bot.request.of("editMessageReplyMarkup")


async def test_clarify_offers_candidates_and_a_press_answers_once(bot: Bot, engine: Engine) -> None:
    question = "补贴怎么申请"
    expected = engine.ask(question)
    assert expected.decision is Decision.CLARIFY
    reply = only(await bot.say(question))
    assert [label for label, _ in buttons(reply)] == [o.title for o in expected.candidates]
    choice = buttons(reply)[1]
    edited = only(await bot.press(reply, choice[1]))
    assert edited["message_id"] == reply["message_id"]  # the question is replaced by the answer
    assert shown(edited).startswith(f"【{choice[0]} · 怎么申请】")  # what was asked
    assert "👍 有用" in dict(buttons(edited))
    bot.request.clear()
    assert await bot.press(reply, choice[1]) == []
    assert await bot.press(reply, buttons(reply)[0][1]) == []
    notices = [c.get("text") for c in bot.request.of("answerCallbackQuery")]
    assert notices == [texts.ALREADY_ANSWERED] * 2


async def test_a_clarify_message_that_cannot_be_edited_gets_the_answer_below(bot: Bot) -> None:
    reply = only(await bot.say("补贴怎么申请"))
    bot.request.fail("editMessageText", 400, description="Bad Request: message can't be edited")
    answer = only(await bot.press(reply, buttons(reply)[0][1]))
    assert answer["message_id"] != reply["message_id"]
    assert shown(answer).startswith(f"【{buttons(reply)[0][0]} · ")


async def test_out_of_scope_is_declined_kindly_with_topics_and_12345(
    bot: Bot, engine: Engine
) -> None:
    reply = only(await bot.say("明天会下雨吗，需要带伞不"))
    text = shown(reply)
    assert "12345" in text and HOTLINE in text
    assert len(buttons(reply)) == len(engine.snapshot.intents)


async def test_follow_up_keeps_the_chat_topic_for_a_while(bot: Bot) -> None:
    first = only(await bot.say("加装电梯"))
    assert shown(first).startswith("【加装电梯 · ")
    follow = only(await bot.say("那去哪里办？"))
    assert shown(follow).startswith("【加装电梯 · 去哪里办】")
    other_chat = only(await bot.say("那去哪里办？", user=RESIDENT + 1))
    assert not shown(other_chat).startswith("【加装电梯")
    bot.clock.now += 60 * 60  # an hour later the topic is forgotten
    later = only(await bot.say("那去哪里办？"))
    assert not shown(later).startswith("【加装电梯")


async def test_personal_numbers_get_a_reminder_and_are_stored_masked(bot: Bot) -> None:
    number = "142701199001011234"
    reply = only(await bot.say(f"我的身份证号是{number}，低保怎么申请"))
    assert shown(reply).startswith("【低保") and shown(reply).endswith(PRIVACY)
    query_id = int(buttons(reply)[-1][1].split(":")[1])
    assert number not in query_row(bot, query_id)["text"]
    assert shown(only(await bot.say("我电话13812345678"))).endswith(PRIVACY)


@pytest.mark.parametrize(
    "content",
    [
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
        {"location": {"latitude": 37.7, "longitude": 112.7}},
        {"document": {"file_id": "d", "file_unique_id": "d"}},
    ],
)
async def test_non_text_messages_get_a_polite_request_to_type(
    bot: Bot, content: dict[str, Any]
) -> None:
    await bot.process({"message": bot.message(None, **content)})
    assert shown(only(bot.request.replies())) == texts.NOT_TEXT
    await bot.process({"message": bot.message(None, chat=GROUP, **content)})
    assert len(bot.request.replies()) == 1  # never in a group


async def test_edited_question_is_answered_again(bot: Bot) -> None:
    only(await bot.say("今天天气怎么样"))
    edited = bot.message("低保怎么申请", edit_date=1)
    await bot.process({"edited_message": edited})
    reply = bot.request.replies()[-1]
    assert shown(reply).startswith("【低保 · 怎么申请】")
    assert reply["reply_parameters"]["message_id"] == edited["message_id"]


async def test_long_answers_are_split_cleanly(
    bot: Bot, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = engine.ask("低保怎么申请")
    body = "".join(f"第{n}条：申请人<i>须如实 & 完整填写。" for n in range(600))
    long = Answer(
        Decision.ANSWER,
        (real.parts[0], body, "最后一句。"),
        intent=real.intent,
        facet=real.facet,
        citations=real.citations,
        as_of=real.as_of,
        follow_ups=real.follow_ups,
        knowledge_version=real.knowledge_version,
    )
    monkeypatch.setattr(engine, "ask", lambda text, context=None: long)
    replies = await bot.say("低保怎么申请")
    assert len(replies) >= 3
    seen = [shown(r) for r in replies]
    assert "".join(seen).replace("\n", "").count("申请人<i>须如实 & 完整填写。") == 600
    assert seen[-1].endswith(texts.as_of(real.as_of))  # type: ignore[arg-type]
    assert all("reply_markup" not in r for r in replies[:-1]) and buttons(replies[-1])


async def test_groups_are_answered_only_when_addressed(bot: Bot) -> None:
    assert await bot.say("低保怎么申请", chat=GROUP) == []
    assert await bot.say("/nosuchcommand", chat=GROUP) == []
    text = f"@{BOT['username']} 低保怎么申请"
    mention = [{"type": "mention", "offset": 0, "length": len(BOT["username"]) + 1}]
    reply = only(await bot.say(text, chat=GROUP, entities=mention))
    assert shown(reply).startswith("【低保 · 怎么申请】")
    replied = {
        "message_id": reply["message_id"],
        "date": 1,
        "from": BOT,
        "chat": {"id": GROUP, "type": "supergroup"},
        "text": "…",
    }
    follow = only(await bot.say("那去哪里办？", chat=GROUP, reply_to_message=replied))
    assert shown(follow).startswith("【低保 · 去哪里办】")
    assert "晋中民生问答" in shown(only(await bot.say("/start", chat=GROUP)))
    unknown = f"/nosuchcommand@{BOT['username']}"
    assert shown(only(await bot.say(unknown, chat=GROUP))) == texts.UNKNOWN_COMMAND


async def test_flood_gets_one_notice_then_silence_for_a_while(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(20):
        assert len(await bot.say("低保怎么申请")) == 1
    with caplog.at_level(logging.INFO):
        assert shown(only(await bot.say("低保怎么申请"))) == texts.SLOW_DOWN
    flood = [r.getMessage() for r in caplog.records if "flood" in r.getMessage()]
    assert flood and all(str(RESIDENT) not in m for m in flood)  # pseudonyms only
    for _ in range(5):
        assert await bot.say("低保怎么申请") == []
    assert len(await bot.say("低保怎么申请", user=RESIDENT + 1)) == 1  # others are unaffected
    bot.clock.now += 5 * 60
    assert shown(only(await bot.say("低保怎么申请"))).startswith("【低保")


async def test_flooding_a_group_gets_no_notice_there(bot: Bot) -> None:
    mention = [{"type": "mention", "offset": 0, "length": len(BOT["username"]) + 1}]
    text = f"@{BOT['username']} 低保怎么申请"
    for _ in range(20):
        assert len(await bot.say(text, chat=GROUP, entities=mention)) == 1
    for _ in range(5):
        assert await bot.say(text, chat=GROUP, entities=mention) == []


async def test_unknown_commands_and_stale_buttons_get_polite_replies(bot: Bot) -> None:
    assert shown(only(await bot.say("/nosuchcommand"))) == texts.UNKNOWN_COMMAND
    reply = only(await bot.say("/start"))
    for data in ("t:no_such_topic", "garbage", "f:dibao:nonsense", "fb:x:1"):
        bot.request.clear()
        assert await bot.press(reply, data) == []
        assert bot.request.of("answerCallbackQuery")[0]["text"] == texts.EXPIRED


async def test_network_errors_are_logged_and_the_bot_keeps_answering(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.request.fail("sendMessage", 502, description="Bad Gateway")
    bot.request.raise_on("sendMessage", TimedOut())
    bot.request.raise_on("sendMessage", NetworkError("connection reset"))
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert await bot.say("低保怎么申请") == []
    assert sum("network error" in r.message for r in caplog.records) == 3
    assert shown(only(await bot.say("低保怎么申请"))).startswith("【低保")


async def test_retry_after_is_retried_by_the_rate_limiter(bot: Bot) -> None:
    bot.request.fail("sendMessage", 429, description="Too Many", parameters={"retry_after": 1})
    assert shown(only(await bot.say("低保怎么申请"))).startswith("【低保")


async def test_a_bug_costs_one_apology_not_the_bot(
    bot: Bot, engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    reply = only(await bot.say("低保怎么申请"))

    def broken(*args: object, **kwargs: object) -> Answer:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "answer_intent", broken)
    with caplog.at_level(logging.ERROR):
        apology = only(await bot.press(reply, buttons(reply)[0][1]))
    assert apology["text"] == FAILED
    assert any(r.exc_info for r in caplog.records)
    monkeypatch.undo()
    assert shown(only(await bot.say("低保怎么申请"))).startswith("【低保")
