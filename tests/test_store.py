"""Privacy and the query log: nothing personal reaches the database; retention works."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.service import Service
from bot.store.base import parse_age, pseudonym
from bot.store.masking import id_checksum_ok, mask
from bot.store.sqlite import MIGRATIONS, SqliteQueryLog

VALID_ID = "11010519491231002X"  # a well-known sample number with a correct check character


def test_id_checksum() -> None:
    assert id_checksum_ok(VALID_ID)
    assert not id_checksum_ok("110105194912310021")


@pytest.mark.parametrize(
    ("text", "label", "secret"),
    [
        (f"我的身份证号是{VALID_ID}", "[身份证号]", VALID_ID),
        ("身份证 110105 19491231 002X 能办低保吗", "[身份证号]", "19491231"),
        ("身份证110105-19491231-002x", "[身份证号]", "19491231"),
        ("电话13812345678", "[手机号]", "13812345678"),
        ("打我电话 138 1234 5678", "[手机号]", "1234 5678"),
        ("手机138-1234-5678", "[手机号]", "1234-5678"),
        ("+86 13812345678", "[手机号]", "13812345678"),
        ("卡号6222 0212 3456 7890 128", "[", "3456"),
        ("发到 zhang.san@example.com 吧", "[邮箱]", "zhang.san"),
        ("身份证110105194912310021写错一位", "[证件号]", "1949123100"),
    ],
)
def test_mask_removes_personal_numbers(text: str, label: str, secret: str) -> None:
    masked = mask(text)
    assert label in masked
    assert secret not in masked


def test_mask_keeps_ordinary_numbers() -> None:
    text = "2025年净增1200余人，补贴3600元，46部电梯，12345热线"
    assert mask(text) == text


def test_pseudonym_is_stable_salted_and_not_the_id() -> None:
    a = pseudonym("salt", "telegram", 123456789)
    assert a == pseudonym("salt", "telegram", 123456789)
    assert a != pseudonym("other", "telegram", 123456789)
    assert a is not None and "123456789" not in a


async def test_nothing_personal_reaches_the_database(engine: Engine, tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    log = SqliteQueryLog(db)
    await log.open()
    service = Service(engine, log, "salt")
    questions = [
        f"我身份证{VALID_ID}，电话138 1234 5678，能吃低保不",
        "银行卡6222021234567890128怎么领育儿补贴，邮箱 li@qq.com",
    ]
    for q in questions:
        await service.ask(q, channel="telegram", user_id=987654321)
    await log.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for secret in (
        VALID_ID,
        "13812345678",
        "1234 5678",
        "6222021234567890128",
        "li@qq.com",
        "987654321",
    ):
        assert secret.encode() not in raw
    rows = (
        sqlite3.connect(db).execute("SELECT text, user, decision, intent FROM queries").fetchall()
    )
    assert len(rows) == 2
    assert "[身份证号]" in rows[0][0] and "[手机号]" in rows[0][0]
    assert rows[0][3] == "dibao"


async def test_log_uses_wal_and_schema_version(query_log: SqliteQueryLog) -> None:
    async with query_log.db.execute("PRAGMA journal_mode") as cursor:
        assert (await cursor.fetchone())[0] == "wal"  # type: ignore[index]
    async with query_log.db.execute("PRAGMA user_version") as cursor:
        assert (await cursor.fetchone())[0] == len(MIGRATIONS)  # type: ignore[index]


async def test_reopening_does_not_migrate_twice(tmp_path: Path, engine: Engine) -> None:
    db = tmp_path / "q.db"
    for _ in range(2):
        log = SqliteQueryLog(db)
        await log.open()
        await Service(engine, log, "s").ask("低保咋申请", channel="cli")
        await log.close()
    assert sqlite3.connect(db).execute("SELECT count(*) FROM queries").fetchone()[0] == 2


async def test_purge_deletes_only_old_rows(query_log: SqliteQueryLog, engine: Engine) -> None:
    service = Service(engine, query_log, "s")
    await service.ask("低保咋申请", channel="cli")
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=200)).isoformat()
    await query_log.db.execute("UPDATE queries SET at = ?", (old,))
    await service.ask("加装电梯要多少钱", channel="cli")
    assert await query_log.purge(parse_age("180d")) == 1
    remaining = await query_log.recent()
    assert [row["intent"] for row in remaining] == ["elevator_retrofit"]


async def test_feedback_is_stored_on_the_answered_question(
    query_log: SqliteQueryLog, engine: Engine
) -> None:
    answer = await Service(engine, query_log, "s").ask("低保咋申请", channel="cli")
    assert answer.query_id is not None
    assert await query_log.set_feedback(answer.query_id, -1)
    assert not await query_log.set_feedback(answer.query_id + 100, 1)
    assert [row["feedback"] for row in await query_log.recent()] == [-1]


async def test_an_old_log_file_is_brought_up_to_date(tmp_path: Path, engine: Engine) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as old:
        old.executescript(MIGRATIONS[0] + "PRAGMA user_version=1;")
    log = SqliteQueryLog(db)
    await log.open()
    answer = await Service(engine, log, "s").ask("加装电梯要多少钱", channel="cli")
    assert answer.query_id is not None and await log.set_feedback(answer.query_id, 1)
    await log.close()


def test_parse_age_rejects_nonsense() -> None:
    assert parse_age("12w") == dt.timedelta(weeks=12)
    with pytest.raises(ValueError):
        parse_age("half a year")
