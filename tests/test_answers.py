"""What a resident sees in an answer: short text, numbered citations, dates, honest gaps."""

from __future__ import annotations

import re

from bot.answers import render_plain
from bot.engine import Engine
from bot.evaluation import CORE
from bot.knowledge.models import FACET_IDS


def test_every_facet_answer_is_short_and_cited(engine: Engine) -> None:
    for intent in engine.snapshot.intents.values():
        for facet_id in intent.facets:
            answer = engine.answer_intent(intent.id, facet_id)
            body = "".join(answer.parts[1:])
            assert len(body) <= 300, (intent.id, facet_id, len(body))
            text = render_plain(answer)
            assert "信息截至" in text
            if intent.facets[facet_id].points:
                assert answer.citations
                assert re.search(r"\[1\]", body)
                assert all(f"《{c.title}》" in c.render() for c in answer.citations)
                numbers = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
                assert numbers == {c.number for c in answer.citations}


def test_core_topics_answer_every_facet(engine: Engine) -> None:
    for intent_id in CORE:
        assert set(engine.snapshot.intents[intent_id].facets) == set(FACET_IDS)


def test_a_gap_names_who_decides_instead_of_guessing(engine: Engine) -> None:
    answer = engine.ask("晋中低保一个月给多少钱")
    assert (answer.intent, answer.facet) == ("dibao", "amount")
    assert "资料里没有写明" in answer.text
    assert "民政" in answer.text or "乡镇" in answer.text or "街道" in answer.text
    assert not re.search(r"\d+元", answer.text)  # no invented amount


def test_citations_show_title_date_and_reporter(engine: Engine) -> None:
    answer = engine.ask("长幼同园现在有多少家庭享受了")
    assert answer.intent == "sibling_kindergarten"
    rendered = [c.render() for c in answer.citations]
    assert any("记者" in r and "《" in r for r in rendered)


def test_follow_up_options_are_the_other_facets(engine: Engine) -> None:
    answer = engine.ask("加装电梯怎么申请")
    assert answer.facet == "how_to_apply"
    ids = [o.id for o in answer.follow_ups]
    assert "how_to_apply" not in ids and "amount" in ids


def test_privacy_reminder_when_numbers_are_sent(engine: Engine) -> None:
    answer = engine.ask("我电话13812345678，低保怎么申请")
    assert "privacy" in answer.flags
    assert "身份证号" in render_plain(answer)
