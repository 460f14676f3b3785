"""Runtime settings, read once from environment variables (prefix ``SAKIP_``).

One frozen, typed object validated at start: no scattered ``os.getenv`` calls, no silent empty
values. Every path defaults to a folder under the working directory so a fresh checkout runs as is.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where the pipeline reads, writes and stores.

    - ``warehouse_url``: SQLAlchemy URL; SQLite file under ``data/`` by default, PostgreSQL in production
      (``postgresql+psycopg://user@host/db``; the password comes from the URL or ``PGPASSWORD``).
    - ``inbox``: the folder of per-unit folders where workbooks arrive.
    - ``out``: where accepted/rejected files, feedback and reports are written.
    - ``policy_dir``: folder of scoring-policy files (see ``reference/policies/``).
    - ``timezone``: the reporting time zone (deadlines, "received at").
    - ``deadline_day``: day of the following month by which a monthly report is due.
    - ``max_file_mb``: files above this size are rejected unread.
    - ``workers``: worker processes for independent work (files, reports); default one per core.
    - ``dask_address``: a Dask scheduler (``tcp://host:8786``) the Prefect flows submit their tasks
      to instead of local processes (needs the warehouse on PostgreSQL and shared inbox/out folders).
    - ``lock_days``: a month locks this many days after its deadline (``sakip.periods.lock_start``);
      a file for a locked month is rejected unless the centre granted a lock exception
      (``sakip unlock``). ``None`` (``SAKIP_LOCK_DAYS=``, empty) turns the lock off. docs/decisions.md.
    - ``smtp_host`` / ``smtp_port`` / ``smtp_sender`` / ``smtp_tls`` (``starttls`` | ``ssl`` | ``none``) /
      ``smtp_user`` / ``smtp_password`` / ``smtp_timeout``: the mail server the collection digests are
      sent through (``sinks.digest``); no e-mail is sent while ``smtp_host`` or ``smtp_sender`` is unset
      (the digests are still written under ``<out>/digest/``).
    """

    model_config = SettingsConfigDict(env_prefix="SAKIP_", frozen=True, extra="forbid")

    warehouse_url: str = Field(default=f"sqlite:///{PROJECT_ROOT / 'data' / 'warehouse.sqlite'}")
    inbox: Path = Field(default=PROJECT_ROOT / "data" / "inbox")
    out: Path = Field(default=PROJECT_ROOT / "data" / "out")
    policy_dir: Path = Field(default=PROJECT_ROOT / "reference" / "policies")
    timezone: str = "Asia/Jakarta"
    deadline_day: int = Field(default=10, ge=1, le=28)
    max_file_mb: float = Field(default=20.0, gt=0)
    workers: int | None = Field(default=None, ge=1)
    dask_address: str | None = None
    lock_days: int | None = Field(default=90, ge=0)
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_sender: str | None = None
    smtp_tls: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30.0, gt=0)

    @field_validator("lock_days", mode="before")
    @classmethod
    def _lock_off(cls, value: object) -> object:
        """``SAKIP_LOCK_DAYS`` empty or ``off`` turns the period lock off."""
        return None if isinstance(value, str) and value.strip().casefold() in ("", "off", "none") else value

    @field_validator("warehouse_url")
    @classmethod
    def _url_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("SAKIP_WAREHOUSE_URL is set but empty")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (environment read once)."""
    return Settings()
