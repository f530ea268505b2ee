"""The built index is kept on disk: a cold start loads it, and anything stale is rebuilt."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import engine as engine_module
from bot.config import Settings
from bot.service import build_engine
from bot.understanding import stored

QUESTIONS = ["低保怎么申请", "俺家老人住五楼没电梯 想装个电梯咋弄", "驾照到期了去哪换"]


def _answers(settings: Settings) -> list[tuple[str, str | None, str | None]]:
    built = build_engine(settings)
    return [(a.decision, a.intent, a.facet) for a in map(built.ask, QUESTIONS)]


def _not_built(*args: object, **kwargs: object) -> None:
    raise AssertionError("the index was built although a stored one was there")


def test_a_cold_start_loads_the_index_built_before(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = settings.model_copy(update={"index_cache_dir": tmp_path})
    first = _answers(cached)
    assert len(list(tmp_path.glob("index-*.pickle"))) == 1
    monkeypatch.setattr(engine_module, "Matcher", _not_built)
    assert (
        _answers(cached)
        == first
        == _answers(settings.model_copy(update={"index_cache_dir": tmp_path}))
    )


def test_a_damaged_index_file_is_rebuilt(settings: Settings, tmp_path: Path) -> None:
    cached = settings.model_copy(update={"index_cache_dir": tmp_path})
    expected = _answers(settings.model_copy(update={"index_cache_dir": None}))
    version = build_engine(settings.model_copy(update={"index_cache_dir": None})).version
    damaged = tmp_path / f"index-{stored.key(version)}.pickle"
    damaged.write_bytes(b"not an index")
    assert _answers(cached) == expected
    assert damaged.read_bytes() != b"not an index"  # replaced by a good one


def test_changed_knowledge_gets_its_own_index(
    settings: Settings, knowledge_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    original = settings.model_copy(
        update={"index_cache_dir": cache, "knowledge_dir": knowledge_copy}
    )
    before = build_engine(original)
    dibao = knowledge_copy / "intents" / "dibao.yaml"
    text = dibao.read_text(encoding="utf-8")
    dibao.write_text(
        text.replace("examples:\n", "examples:\n  - 低保金哪天到账\n", 1), encoding="utf-8"
    )
    after = build_engine(original)
    assert after.version != before.version
    assert len(list(cache.glob("index-*.pickle"))) == 2
    assert (
        "低保金哪天到账" in after.matcher._texts and "低保金哪天到账" not in before.matcher._texts
    )
