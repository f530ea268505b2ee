"""The command line as an operator or a script uses it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.cli_support import run_cli


def run(
    args: list[str], stdin: str, tmp_path: Path, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'q.db'}"}
    return run_cli(args, env, stdin, timeout=60)


def test_ask_json_gives_exactly_one_object_per_line(tmp_path: Path) -> None:
    lines = [
        "低保咋申请",
        "",
        "电梯坏了找谁修",
        "补贴",
        "你好",
        "<b>低保</b>'; DROP TABLE queries;--",
    ]
    result = run(["ask", "--json"], "\n".join(lines) + "\n", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["text"] for row in rows] == lines
    first = rows[0]
    assert (first["decision"], first["intent"], first["facet"]) == (
        "answer",
        "dibao",
        "how_to_apply",
    )
    assert first["citations"] and all(c["source_id"] and c["title"] for c in first["citations"])
    assert "信息截至" in first["answer"]
    assert rows[1]["decision"] == "decline" and rows[1]["intent"] is None
    assert rows[2]["decision"] == "decline"
    for row in rows:
        assert set(row) >= {
            "text",
            "decision",
            "intent",
            "facet",
            "score",
            "candidates",
            "answer",
            "citations",
        }
        if row["decision"] != "answer":
            assert row["intent"] is None
    logged = sqlite3.connect(tmp_path / "q.db").execute("SELECT count(*) FROM queries").fetchone()
    assert logged[0] == len(lines)


def test_ask_no_log_writes_nothing(tmp_path: Path) -> None:
    result = run(["ask", "--json", "--no-log"], "低保咋申请\n", tmp_path)
    assert result.returncode == 0
    assert not (tmp_path / "q.db").exists()


def test_ask_prints_a_readable_answer_with_citations(tmp_path: Path) -> None:
    result = run(["ask", "--no-log", "加装电梯要业主同意吗"], "", tmp_path)
    assert result.returncode == 0
    out = result.stdout
    assert "加装电梯" in out and "来源：" in out and "《" in out and "信息截至" in out


def test_chat_picks_a_clarify_option_by_number_and_keeps_context(tmp_path: Path) -> None:
    script = "低保咋申请\n那要带什么材料\n退出\n"
    result = run(["chat"], script, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "【低保 · 怎么申请】" in result.stdout
    assert "【低保 · 要带什么】" in result.stdout
    assert "再见" in result.stdout


def test_chat_number_answers_the_chosen_topic(tmp_path: Path) -> None:
    from bot.answers import render_plain
    from bot.config import Settings
    from bot.service import build_engine
    from bot.understanding.decide import Decision

    engine = build_engine(Settings())
    clarify = "补贴怎么申请"  # several topics have a 补贴: the bot must ask which one
    assert engine.ask(clarify).decision is Decision.CLARIFY
    first = engine.ask(clarify).candidates[0]
    result = run(["chat", "--no-log"], f"{clarify}\n1\n", tmp_path)
    assert result.returncode == 0
    assert f"1. {first.title}" in result.stdout
    assert f"【{first.title} · " in result.stdout
    # the option chosen answers what was asked (怎么申请), not just what the topic is
    chosen = render_plain(engine.answer_intent(first.id, "how_to_apply")).splitlines()[0]
    assert chosen.endswith("怎么申请】") and chosen in result.stdout


def test_evaluate_prints_the_comparison_table(tmp_path: Path) -> None:
    result = run(["evaluate", str(PROJECT_ROOT / "tests/data/dev.jsonl")], "", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "| this engine |" in result.stdout
    assert "rapidfuzz WRatio baseline" in result.stdout
    assert "Confusion" in result.stdout and "Per kind" in result.stdout


@pytest.mark.parametrize("url", ["postgres://x", "mysql://y"])
def test_unsupported_database_url_is_a_clear_error(tmp_path: Path, url: str) -> None:
    result = run(["purge", "--older-than", "180d"], "", tmp_path, database_url=url)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_purge_command(tmp_path: Path) -> None:
    run(["ask", "--json"], "低保咋申请\n", tmp_path)
    result = run(["purge", "--older-than", "180d"], "", tmp_path)
    assert result.returncode == 0
    assert "Deleted 0" in result.stdout


def test_answers_do_not_depend_on_the_process(tmp_path: Path) -> None:
    # Python orders sets differently in every process; no answer may follow that order
    # (你都能回答哪些问题呀 holds two smalltalk phrases that overlap: 都能回答 and 回答哪些)
    lines = ["你都能回答哪些问题呀", "那你都能回答哪些事", "谢谢闺女 说得真清楚", "低保咋申请"]
    outputs = set()
    for seed in ("1", "5", "6"):
        env = {"PYTHONHASHSEED": seed, "DATABASE_URL": f"sqlite:///{tmp_path / 'q.db'}"}
        result = run_cli(["ask", "--json", "--no-log"], env, "\n".join(lines) + "\n", timeout=60)
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
        decisions = [json.loads(line)["decision"] for line in result.stdout.splitlines()]
        assert decisions == ["smalltalk", "smalltalk", "smalltalk", "answer"]
    assert len(outputs) == 1
