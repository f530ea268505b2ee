"""Settings from the environment or `.env` (pydantic-settings), frozen after load."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    # a brief chat question with a subject of its own is not a follow-up when an out-of-scope
    # anchor fits it this much better than the topic just answered (健康证在哪里办 after 养老服务)
    follow_up_anchor: float = 0.4
    lead_floor: float = 0.25  # a weaker top score is still answered when it leads clearly …
    lead_gap: float = 0.15  # … by this much over the runner-up and the out-of-scope anchors
    lead_ratio: float = 1.8  # … or when much of the wording points to it (ratio_vote) and it
    ratio_vote: float = 0.2  # scores this many times the runner-up and the out-of-scope anchors
    rival_support: float = 1.5  # for that ratio, a rival counts at most this many times its vote
    min_vote: float = 0.12  # without a keyword, this much of the wording must point to the topic
    named_min_vote: float = 0.1  # with a keyword, this much …
    named_length: float = 20  # … in a message of up to this many characters beyond question words
    # a short message in a chat leaning this much to the topic just answered (双胞胎算两个吧 after
    # 育儿补贴) follows it up, when read together with that topic it is answered
    follow_up_lean: float = 0.2
    # a short message in a chat that asks nothing and only tells circumstances (娃一直是他姥姥在
    # 带 after 育儿补贴) follows it up when at least this close to its examples
    follow_up_tells: float = 0.12
    # … or, asking one facet, when at least this share of its wording (pairs of characters beyond
    # question words) occurs in the examples of the topic just answered (出生证明要原件不)
    follow_up_familiar: float = 0.6
    # a short chat message that matches nothing but asks something, with at least this share of
    # its wording in the topic just answered's examples, is asked back about that topic
    # (带户口本还是身份证 after 就业社保服务点) rather than turned away
    follow_up_ask_back: float = 0.25
    # a long story answered as a topic whose asking parts name no topic and share less than this
    # with every topic's examples is not answered: the topic is offered (it is only background)
    story_ask_familiar: float = 0.1
    # … nor is one whose asking parts ask no facet and share less than this with the topic's own
    # examples, some of their words no topic's (…楼道里的声控灯老是不亮，是换灯泡还是换开关)
    story_ask_own: float = 0.2
    # a message answered as a topic that asks none of its facets and says more than a few words
    # beyond its question words is offered, not answered, when less than this share of its
    # wording occurs in the topic's examples (暖新驿站沙发上有人睡了一下午 别人没处坐)
    topic_familiar: float = 0.3


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
    index_cache_dir: Path | None = Path("data/cache")  # the built index between runs; unset: off
    pid_file: Path = Path("data/bot.pid")  # where a running bot tells reload/rollback its pid
    replay_questions: int = 1000  # logged questions replayed through both engines on reload
    dev_set: Path = PROJECT_ROOT / "tests/data/dev.jsonl"  # reload refuses if accuracy drops
    keep_snapshots: int = 3  # earlier engines kept for rollback
    reload_on_change: bool = False  # reload by itself when the knowledge files change
    reload_poll_seconds: float = 2.0  # how often the files are looked at when it does

    # Telegram (python -m bot run)
    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"  # or a self-hosted Bot API server
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()  # comma-separated user ids
    webhook_url: str | None = None  # set → webhook mode instead of long polling
    webhook_secret: SecretStr | None = None  # checked on every webhook call; random when unset
    listen: str = "0.0.0.0:8443"  # host:port the webhook server binds to

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return frozenset(int(part) for part in re.split(r"[,\s]+", value) if part)
            except ValueError:
                message = f"ADMIN_IDS must be comma-separated numbers, got {value!r}"
                raise ValueError(message) from None
        return value

    @field_validator("index_cache_dir", mode="before")
    @classmethod
    def _empty_is_off(cls, value: object) -> object:
        return None if value == "" else value  # INDEX_CACHE_DIR= turns the cache off

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and -
        if value is not None and not re.fullmatch(r"[\w-]{1,256}", value.get_secret_value(), re.A):
            raise ValueError("WEBHOOK_SECRET may only use A-Z, a-z, 0-9, _ and -, at most 256")
        return value

    def listen_address(self) -> tuple[str, int]:
        """LISTEN as (host, port); raises ConfigError when it is not host:port."""
        host, _, port = self.listen.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(f"LISTEN must be host:port, got {self.listen!r}")
        return host, int(port)
