"""The knowledge validates, and every mistake a clerk can make is reported with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.evaluation import CORE
from bot.knowledge.snapshot import check
from bot.service import source_texts

TEXTS = source_texts(Settings())


def problems_in(root: Path) -> list[str]:
    snapshot, problems = check(root, TEXTS)
    assert snapshot is None
    return [str(p) for p in problems]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_the_shipped_knowledge_is_valid() -> None:
    snapshot, problems = check(PROJECT_ROOT, TEXTS)
    assert problems == []
    assert snapshot is not None
    for intent_id in CORE:
        intent = snapshot.intents[intent_id]
        assert len(intent.examples) >= 40
        assert len(intent.facets) == 8, intent_id


def test_unknown_source_is_reported_with_file_and_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "dibao.yaml"
    first_cite = re.search(r"cite: \[(\w+)", path.read_text(encoding="utf-8"))
    assert first_cite
    edit(path, f"cite: [{first_cite.group(1)}", "cite: [no_such_source")
    line = line_of(path, "no_such_source")
    assert any(
        p.startswith(f"intents/dibao.yaml:{line}:") and "no_such_source" in p
        for p in problems_in(knowledge_copy)
    )


def test_a_sentence_without_citation_is_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "dibao.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\n\s+cite: \[[^\]]*\]", "", text, count=1), encoding="utf-8")
    assert any("intents/dibao.yaml" in p and "cite" in p for p in problems_in(knowledge_copy))


def test_example_under_two_intents_and_example_as_negative(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "elevator_retrofit.yaml"
    edit(path, "examples:\n", "examples:\n  - 低保咋申请\n")
    edit(knowledge_copy / "intents" / "dibao.yaml", "examples:\n", "examples:\n  - 低保咋申请\n")
    found = problems_in(knowledge_copy)
    assert any("is also an example of" in p for p in found)
    edit(path, "  - 低保咋申请\n", "")
    edit(path, "negatives:\n", "negatives:\n  - 低保咋申请\n")
    assert any(
        "elevator_retrofit.yaml" in p and "is an example of dibao" in p
        for p in problems_in(knowledge_copy)
    )


@pytest.mark.parametrize(
    ("topic", "added", "message"),
    [
        ("pension_insurance", "excludes:\n  - 养老金\n", "excluded '养老金'"),  # its own word
        ("elevator_retrofit", "concepts:\n  - 电梯 + 坏了/修\n", "holds for the negative"),
        ("elevator_retrofit", "concepts:\n  - 爬楼/上下楼\n", "two or more `+` groups"),
    ],
)
def test_a_clerks_mistake_in_excludes_or_concepts_is_reported(
    knowledge_copy: Path, topic: str, added: str, message: str
) -> None:
    path = knowledge_copy / "intents" / f"{topic}.yaml"
    edit(path, added.split("\n")[0] + "\n", added)
    assert any(f"{topic}.yaml:" in p and message in p for p in problems_in(knowledge_copy))


@pytest.mark.parametrize("field", ["other_matters", "circumstances"])
def test_a_word_meaning_another_matter_that_a_topic_uses_is_reported(
    knowledge_copy: Path, field: str
) -> None:
    path = knowledge_copy / "knowledge" / "out_of_scope.yaml"
    edit(path, f"{field}:\n", f"{field}:\n  - 加装电梯\n")
    found = problems_in(knowledge_copy)
    assert any("out_of_scope.yaml:" in p and "excluded '加装电梯'" in p for p in found)


def test_expired_review_date(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "dibao.yaml"
    edit(path, "as_of:", "review_by: 2020-01-01\n    as_of:")
    assert any("due for review on 2020-01-01" in p for p in problems_in(knowledge_copy))


def test_duplicate_ids(knowledge_copy: Path) -> None:
    src = knowledge_copy / "intents" / "dibao.yaml"
    (knowledge_copy / "intents" / "dibao_copy.yaml").write_text(
        src.read_text(encoding="utf-8"), encoding="utf-8"
    )
    found = problems_in(knowledge_copy)
    assert any("duplicate intent id 'dibao'" in p for p in found)
    sources = knowledge_copy / "knowledge" / "sources.yaml"
    edit(
        sources,
        "- id: civil_code",
        "- id: civil_code\n  kind: law\n  title: 重复\n- id: civil_code",
    )
    assert any("duplicate source id 'civil_code'" in p for p in problems_in(knowledge_copy))


def test_yaml_syntax_error_names_the_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "dibao.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "examples: [unclosed")
    path.write_text("\n".join(lines), encoding="utf-8")
    assert any(
        p.startswith("intents/dibao.yaml:") and "YAML syntax" in p
        for p in problems_in(knowledge_copy)
    )


def test_invented_number_and_copied_sentence_are_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / "intents" / "dibao.yaml"
    text = path.read_text(encoding="utf-8")
    first_text = re.search(r"- text: (.+)", text)
    assert first_text
    edit(path, first_text.group(0), "- text: 晋中低保标准是每月987元。")
    assert any("number 987 is not in the cited sources" in p for p in problems_in(knowledge_copy))
    edit(path, "- text: 晋中低保标准是每月987元。", "- text: 以标准上调切实强化困难群众保障效能。")
    assert any("copies an article's words" in p for p in problems_in(knowledge_copy))


def test_validate_command_exits_nonzero_on_problems(
    knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge_copy))
    assert main(["validate"]) == 0
    assert "OK:" in capsys.readouterr().out
    edit(knowledge_copy / "intents" / "dibao.yaml", "id: dibao", "id: Dibao!")
    assert main(["validate"]) == 1
    assert "intents/dibao.yaml:" in capsys.readouterr().out
