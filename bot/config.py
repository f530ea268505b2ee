"""Settings from the environment or `.env` (pydantic-settings), frozen after load."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting an operator must fix; reported in one line, never as a traceback."""


class Thresholds(BaseSettings):
    """Decision thresholds, calibrated on the dev split (see README)."""

    model_config = SettingsConfigDict(env_prefix="THRESHOLD_", env_file=".env", extra="ignore")

    answer: float = 0.55  # top score needed to answer
    clarify: float = 0.45  # below this the question is declined
    margin: float = 0.06  # top two closer than this → ask which one
    oos_margin: float = 0.05  # an out-of-scope anchor this much closer than the best example wins
    lead_floor: float = 0.25  # a weaker top score is still answered when it leads clearly …
    lead_gap: float = 0.15  # … by this much over the runner-up and the out-of-scope anchors
    min_vote: float = 0.12  # without a keyword, this much of the wording must point to the topic
    named_min_vote: float = 0.1  # with a keyword, this much


class Settings(BaseSettings):
    """Everything an operator can set; read once at start-up."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    database_url: str = "sqlite:///data/queries.db"
    knowledge_dir: Path = PROJECT_ROOT
    sources_dir: Path = PROJECT_ROOT.parent / "shared"  # holds seeds/ and policy-facts.md
    user_salt: str = Field(
        default="jinzhong-minsheng", description="salt for pseudonymous user ids"
    )
    thresholds: Thresholds = Field(default_factory=Thresholds)
    pid_file: Path = Path("data/bot.pid")  # where a running bot tells reload/rollback its pid
    replay_questions: int = 1000  # logged questions replayed through both engines on reload
    dev_set: Path = PROJECT_ROOT / "tests/data/dev.jsonl"  # reload refuses if accuracy drops
    keep_snapshots: int = 3  # earlier engines kept for rollback
    reload_on_change: bool = False  # reload by itself when the knowledge files change
    reload_poll_seconds: float = 2.0  # how often the files are looked at when it does
