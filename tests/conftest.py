"""Shared fixtures: the real knowledge, an engine over it, and a scratch query log."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.engine import Engine
from bot.service import build_engine
from bot.store.sqlite import SqliteQueryLog


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(knowledge_dir=PROJECT_ROOT)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Engine:
    return build_engine(settings)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of intents/ and knowledge/ for tests that break things."""
    root = tmp_path / "kb"
    shutil.copytree(PROJECT_ROOT / "intents", root / "intents")
    shutil.copytree(PROJECT_ROOT / "knowledge", root / "knowledge")
    return root


@pytest.fixture
async def query_log(tmp_path: Path) -> AsyncIterator[SqliteQueryLog]:
    log = SqliteQueryLog(tmp_path / "queries.db")
    await log.open()
    yield log
    await log.close()
