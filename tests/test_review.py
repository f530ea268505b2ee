"""The review loop a clerk runs: queue → label or dismiss → reload, plus export and stats."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import difflib
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot.answers import Answer
from bot.config import Settings
from bot.engine import Engine
from bot.reload import Reloader
from bot.review import actions
from bot.service import Service, build_engine
from bot.store.base import QueryRecord
from bot.store.sqlite import SqliteQueryLog
from bot.understanding.decide import Decision
from tests.cli_support import run_cli

DENGGAO = (  # one question in three near-identical wordings; declined by the shipped knowledge
    "小区里说的“登高计划”怎么报名",
    "小区里说的登高计划怎么报名？",
    "小区说的“登高计划”咋报名",
)


def review(args: list[str], knowledge: Path, db: Path) -> subprocess.CompletedProcess[str]:
    env = {"KNOWLEDGE_DIR": str(knowledge), "DATABASE_URL": f"sqlite:///{db}"}
    return run_cli(["review", *args], env)


def queue(knowledge: Path, db: Path) -> list[dict[str, object]]:
    result = review(["queue", "--json"], knowledge, db)
    assert result.returncode == 0, result.stderr
    clusters: list[dict[str, object]] = json.loads(result.stdout)["clusters"]
    return clusters


def rows(db: Path) -> dict[int, sqlite3.Row]:
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    return {row["id"]: row for row in connection.execute("SELECT * FROM queries")}


async def _log(
    db: Path, entries: list[tuple[str, Decision, str | None, float, int | None, int]]
) -> None:
    """Log (text, decision, intent, score, feedback, days ago) rows as the bot would."""
    query_log = SqliteQueryLog(db)
    await query_log.open()
    now = dt.datetime.now(dt.UTC)
    for text, decision, intent, score, feedback, days_ago in entries:
        answer = Answer(decision, ("…",), intent=intent, score=score, knowledge_version="v1")
        record = QueryRecord.of(text, answer, channel="telegram", user="u1", latency_ms=1.0)
        query_id = await query_log.record(
            QueryRecord(**{**record.__dict__, "at": now - dt.timedelta(days=days_ago)})
        )
        if feedback is not None:
            await query_log.set_feedback(query_id, feedback)
    await query_log.close()


async def test_review_loop_from_logged_question_to_answer(
    knowledge_copy: Path, settings: Settings, tmp_path: Path
) -> None:
    db = tmp_path / "q.db"
    local = settings.model_copy(update={"knowledge_dir": knowledge_copy})
    query_log = SqliteQueryLog(db)
    await query_log.open()
    service = Service(build_engine(local), query_log, "salt")
    for text in (*DENGGAO, "今天天气怎么样", "低保怎么申请"):
        await service.ask(text, channel="telegram", user_id=42)
    assert (await service.ask(DENGGAO[0], channel="cli")).decision is Decision.DECLINE

    clusters = await asyncio.to_thread(queue, knowledge_copy, db)
    first = clusters[0]
    assert first["size"] == 4 and first["text"] == DENGGAO[0]  # the repeat joins its cluster
    assert set(first["texts"]) == set(DENGGAO)  # type: ignore[arg-type]
    assert [c["size"] for c in clusters] == [4, 1]  # 低保怎么申请 was answered: not queued

    intent = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    original = intent.read_text(encoding="utf-8")
    labelled = await asyncio.to_thread(
        review, ["label", str(first["id"]), "elevator_retrofit", "--by", "王芳"], knowledge_copy, db
    )
    assert labelled.returncode == 0, labelled.stderr
    assert "Added 2 examples" in labelled.stdout and "(2 already there)" in labelled.stdout
    assert "4 question(s) marked reviewed" in labelled.stdout
    edited = intent.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.ndiff(original.splitlines(), edited.splitlines())
        if line[:1] in "+-"
    ]
    added = (DENGGAO[0], DENGGAO[2])  # the second wording differs only in punctuation
    assert changed == [f"+   - {q}" for q in added]  # comments, order and quoting untouched
    assert edited.index(DENGGAO[0]) < edited.index("negatives:")
    for row in rows(db).values():
        if row["text"] in DENGGAO:
            assert row["reviewed_by"] == "王芳" and row["reviewed_at"]
            assert row["review_action"] == "example:elevator_retrofit"
    remaining = await asyncio.to_thread(queue, knowledge_copy, db)
    assert [c["text"] for c in remaining] == ["今天天气怎么样"]

    report = await Reloader(service, local).reload()
    assert report.ok and report.diff is not None
    assert report.diff.examples_added == {"elevator_retrofit": added}
    answer = await service.ask(DENGGAO[0], channel="cli")
    assert (answer.decision, answer.intent) == (Decision.ANSWER, "elevator_retrofit")
    await query_log.close()


async def test_label_that_breaks_validation_is_refused_and_undone(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    db = tmp_path / "q.db"
    taken = "办低保要带哪些材料？"  # already an example of dibao (punctuation aside)
    await _log(db, [(taken, Decision.DECLINE, None, 0.2, None, 0)])
    intent = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    original = intent.read_bytes()
    result = await asyncio.to_thread(
        review, ["label", "1", "elevator_retrofit"], knowledge_copy, db
    )
    assert result.returncode == 1
    assert "also an example of" in result.stderr and "unchanged" in result.stderr
    assert "Traceback" not in result.stderr
    assert intent.read_bytes() == original
    assert rows(db)[1]["reviewed_at"] is None


async def test_queue_picks_declined_clarified_unsure_and_thumbs_down(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    db = tmp_path / "q.db"
    await _log(
        db,
        [
            ("社区食堂在哪吃饭", Decision.DECLINE, None, 0.2, None, 1),
            ("社区食堂在哪儿吃饭", Decision.DECLINE, None, 0.2, None, 0),
            ("加装电梯和适老化改造", Decision.CLARIFY, None, 0.9, None, 0),
            ("低保标准", Decision.ANSWER, "dibao", 0.3, None, 0),  # answered below the line
            ("低保咋申请", Decision.ANSWER, "dibao", 0.9, -1, 0),  # 👎
            ("育儿补贴多少钱", Decision.ANSWER, "childcare_subsidy", 0.9, 1, 0),  # fine
            ("你好", Decision.SMALLTALK, None, 0.0, None, 0),
            ("去年的问题", Decision.DECLINE, None, 0.2, None, 60),  # before --since
        ],
    )
    clusters = await asyncio.to_thread(queue, knowledge_copy, db)
    assert (clusters[0]["id"], clusters[0]["size"]) == ("c1", 2)
    reasons = {str(c["text"]): c["reasons"] for c in clusters}
    assert reasons == {
        "社区食堂在哪吃饭": {"declined": 2},
        "加装电梯和适老化改造": {"clarified": 1},
        "低保标准": {"low confidence": 1},
        "低保咋申请": {"👎": 1},
    }
    assert all(len(c["suggestions"]) == 2 for c in clusters)  # type: ignore[arg-type]
    clarified = next(c for c in clusters if c["text"] == "加装电梯和适老化改造")
    assert "elevator_retrofit" in clarified["suggestions"]  # type: ignore[operator]

    text = await asyncio.to_thread(review, ["queue"], knowledge_copy, db)
    assert "4 cluster(s), 5 question(s)" in text.stdout and "c1 " in text.stdout
    dismissed = await asyncio.to_thread(review, ["dismiss", "c1", "--json"], knowledge_copy, db)
    assert json.loads(dismissed.stdout)["dismissed"] == [1, 2]
    assert rows(db)[2]["review_action"] == "dismissed"
    again = await asyncio.to_thread(review, ["dismiss", "c1"], knowledge_copy, db)
    assert again.returncode == 2 and "not a cluster waiting for review" in again.stderr
    negative = await asyncio.to_thread(
        review, ["label", "4", "elevator_retrofit", "--negative"], knowledge_copy, db
    )
    assert negative.returncode == 0, negative.stderr
    edited = (knowledge_copy / "intents" / "elevator_retrofit.yaml").read_text(encoding="utf-8")
    assert edited.index("  - 低保标准") > edited.index("negatives:")
    left = await asyncio.to_thread(queue, knowledge_copy, db)
    assert {c["text"] for c in left} == {"加装电梯和适老化改造", "低保咋申请"}


async def test_show_export_and_stats(knowledge_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    await _log(
        db,
        [
            ("我电话13812345678，低保咋申请", Decision.ANSWER, "dibao", 0.9, -1, 0),
            ("低保材料", Decision.ANSWER, "dibao", 0.9, 1, 0),
            ("今天天气怎么样", Decision.DECLINE, None, 0.2, None, 0),
            ("加装电梯和适老化改造", Decision.CLARIFY, None, 0.9, None, 1),
            ('=HYPERLINK("http://x.example","低保")', Decision.DECLINE, None, 0.1, None, 3),
        ],
    )
    shown = await asyncio.to_thread(review, ["show", "1", "--json"], knowledge_copy, db)
    document = json.loads(shown.stdout)
    assert document["text"] == "我电话[手机号]，低保咋申请" and document["reasons"] == ["👎"]
    assert document["now"]["decision"] == "answer" and document["now"]["intent"] == "dibao"

    sheet = tmp_path / "review.csv"
    exported = await asyncio.to_thread(
        review, ["export", "--csv", str(sheet), "--since", "7d"], knowledge_copy, db
    )
    assert exported.returncode == 0 and "Wrote 5 question(s)" in exported.stdout
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert table[0]["text"] == "我电话[手机号]，低保咋申请"
    assert "13812345678" not in sheet.read_text(encoding="utf-8-sig")
    assert {r["user"] for r in table} == {"u1"}
    assert [r["needs_review"] for r in table] == ["👎", "", "declined", "clarified", "declined"]
    assert table[4]["text"].startswith("'=HYPERLINK")  # shown as text, never run as a formula
    assert table[2]["cluster"] == "c3" and table[1]["cluster"] == ""

    stats = await asyncio.to_thread(review, ["stats", "--json"], knowledge_copy, db)
    figures = json.loads(stats.stdout)
    overall = figures["overall"]
    assert (overall["questions"], overall["answered"], overall["thumbs_down"]) == (5, 2, 1)
    assert (overall["coverage"], overall["decline_rate"], overall["thumbs_down_rate"]) == (
        0.4,
        0.4,
        0.5,
    )
    assert len(figures["days"]) == 3 and figures["intents"] == {"dibao": 2}
    table_text = await asyncio.to_thread(review, ["stats", "--days", "1"], knowledge_copy, db)
    assert "coverage" in table_text.stdout and "66.7%" in table_text.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "99"], "no logged question with id 99"),
        (["label", "c99", "dibao"], "no logged question with id 99"),
        (["label", "1", "no_such_intent"], "unknown intent"),
        (["label", "x1", "dibao"], "neither a question id"),
        (["queue", "--since", "yesterday"], "bad date"),
        (["stats", "--days", "0"], "at least 1"),
    ],
)
async def test_bad_input_is_one_clear_line(
    knowledge_copy: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    db = tmp_path / "q.db"
    await _log(db, [("今天天气怎么样", Decision.DECLINE, None, 0.2, None, 0)])
    result = await asyncio.to_thread(review, args, knowledge_copy, db)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_query_log_is_a_clear_error(knowledge_copy: Path, tmp_path: Path) -> None:
    result = review(["stats"], knowledge_copy, tmp_path / "none.db")
    assert result.returncode != 0 and "no query log" in result.stderr
    assert not (tmp_path / "none.db").exists()


async def test_actions_an_admin_chat_can_call_in_process(
    knowledge_copy: Path, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    db = tmp_path / "q.db"
    await _log(db, [(q, Decision.DECLINE, None, 0.2, None, 0) for q in DENGGAO])
    await _log(db, [("今天天气怎么样", Decision.DECLINE, None, 0.2, None, 0)])
    local = settings.model_copy(update={"knowledge_dir": knowledge_copy})
    query_log = SqliteQueryLog(db)
    await query_log.open()
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    clusters = await actions.unanswered(query_log, engine, local, since)
    assert [(c.id, c.size) for c in clusters] == [("c1", 3), ("c4", 1)]
    assert len(clusters[0].suggestions) == 2
    done, ids = await actions.label(query_log, engine, local, "c1", "elevator_retrofit", by="admin")
    assert ids == [1, 2, 3] and done.added == (DENGGAO[0], DENGGAO[2])
    assert await actions.dismiss(query_log, engine, local, "c4", by="admin") == [4]
    assert await actions.unanswered(query_log, engine, local, since) == []
    await query_log.close()
