"""Configuration: one object, from `SAMSKAPA_*` environment variables, a `.env`
file, or secret files.

Precedence: environment, then `.env` in the working directory, then one file per
setting in the secrets folder (`SAMSKAPA_SECRETS_DIR`, `/run/secrets` by default,
where Docker and Kubernetes mount secrets), named like the variable in any case
(`samskapa_secret`, `samskapa_database_url`), holding the value alone.
"""

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

DEFAULT_SECRETS_DIR = Path("/run/secrets")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAMSKAPA_", env_file=".env", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = (init_settings, env_settings, dotenv_settings)
        # Where the secrets are must be known before the settings are read, so it
        # comes from the environment alone. A missing folder is the usual case
        # outside containers: no secrets there, and no warning about it.
        folder = Path(os.environ.get("SAMSKAPA_SECRETS_DIR") or DEFAULT_SECRETS_DIR)
        if folder.is_dir():
            return (*sources, SecretsSettingsSource(settings_cls, secrets_dir=folder))
        return sources

    data_dir: Path = Field(Path("samskapa-data"), description="Folder for the embedded database.")
    database_url: str = Field(
        "",
        description="SQLAlchemy async URL; empty means SQLite in data_dir "
        "(postgresql+asyncpg://user@host/db for PostgreSQL).",
    )
    postgres_writers: int = Field(
        1,
        ge=1,
        le=32,
        description="With PostgreSQL: group-commit writers, each with its own share of "
        "the boards and its own connection, so commits for different boards overlap "
        "(SQLite always has one). More pay where the database's round trip is long "
        "and the server's core has room.",
    )
    broker_url: str = Field("memory://", description="memory:// (one process) or redis://host:port")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = Field(
        "",
        description="Base URL for links, e.g. https://samskapa.example.org; empty: from request.",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Extra origins allowed to open websockets (the server's own always is).",
    )
    secret: str = Field(
        "",
        description="Key for the pseudonyms of anonymous vote rounds. With SQLite it is "
        "made once and kept beside the database; with PostgreSQL set it (every process "
        "the same), and keep it out of the database's backups.",
    )
    metrics_dir: Path | None = Field(
        None,
        description="With --workers above 1: the folder where the workers keep their "
        "metrics, emptied at every start; unset: a new temporary folder per run.",
    )
    demo: bool = Field(True, description="`samskapa serve` creates a demo board on first start.")
    max_message_bytes: int = Field(64 * 1024, ge=1024)
    outbound_queue_messages: int = Field(
        5000, ge=10, description="Messages waiting for one client before it is cut off (4008)."
    )
    fanout_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of a core one board's sending may take: after a pass that sent "
        "its clients their frames, the next waits so that passes take at most this share "
        "(at most max_frame_interval_ms); the more people on a board, the more each "
        "frame gathers.",
    )
    max_frame_interval_ms: float = Field(50.0, ge=0, le=1000)
    cursor_moves_per_second: float = Field(
        5_000,
        gt=0,
        description="Pointer moves per second one board's clients on this process send "
        "together, about: above a tenth of this many people, each sends (and gets) "
        "pointers less often than 10 times a second, down to twice.",
    )
    ops_per_second: float = Field(30.0, gt=0, description="Sustained ops per connection.")
    ops_burst: int = Field(60, ge=1, description="Ops a connection may send at once.")
    heartbeat_timeout: float = Field(45.0, gt=0, description="Seconds of silence before 4009.")
    # What one websocket may send (docs/protocol.md §2.8); the browser sends at
    # most half of each.
    cursors_per_second: float = Field(
        20.0, gt=0, description="Cursor messages per connection per second (bursts of 2 s)."
    )
    views_per_second: float = Field(
        10.0, gt=0, description="View messages per connection per second (bursts of 2 s)."
    )
    pings_per_second: float = Field(
        1.0, gt=0, description="Pings per connection per second (bursts of 10)."
    )
    error_replies_per_second: float = Field(
        5.0, gt=0, description="Error replies to refused or invalid messages (bursts of 2 s)."
    )
    flood_tolerance: int = Field(
        100,
        ge=1,
        description="Messages over budget before a warning, and again before closing "
        "with 4029; refills at a tenth of itself per second.",
    )
    flood_cooldown: float = Field(
        30.0, ge=0, description="Seconds a credential closed with 4029 may not reconnect."
    )
    max_connections: int = Field(
        10_000, ge=0, description="Websockets per process (0: no limit); more get HTTP 503."
    )
    deadline_check_seconds: float = Field(
        15.0,
        gt=0,
        le=3600,
        description="How often each process looks for collections whose deadline has come "
        "(a collection closes at most this long after its deadline; contributions are "
        "refused from the deadline on).",
    )
    # The cyclic garbage collector's passes over everything (collector.py).
    gc_quiet_seconds: float = Field(
        5.0,
        gt=0,
        le=3600,
        description="A full pass of the garbage collector (a pause of tens of ms with many "
        "boards held) runs once the process has committed nothing and hardly allocated "
        "for this long, if anything was set aside from the collector since the last.",
    )
    gc_full_pass_seconds: float = Field(
        600.0,
        gt=0,
        le=86400,
        description="Under unbroken traffic, the longest time between two full passes of "
        "the garbage collector: what cycles of long-lived objects hold is freed at least "
        "this often.",
    )
    # Notifications to facilitators (docs/collection.md §8).
    notify_check_seconds: float = Field(
        15.0,
        gt=0,
        le=3600,
        description="How often each process looks for notifications to plan and send.",
    )
    notify_retry_seconds: float = Field(
        30.0,
        gt=0,
        description="Wait before the first retry of a failed delivery; doubles each time "
        "(at most an hour) until notify_attempts.",
    )
    notify_attempts: int = Field(
        8, ge=1, le=50, description="Deliveries tried before a notification is given up."
    )
    notify_allow_private: bool = Field(
        False,
        description="Allow webhook URLs on loopback, private and link-local addresses "
        "(a chat server inside your network). The server itself is refused all the same.",
    )
    smtp_host: str = Field("", description="SMTP server for e-mail notifications; empty: none.")
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = Field("samskapa@localhost", description="The From address of e-mails.")
    smtp_tls: Literal["starttls", "tls", "none"] = Field(
        "starttls",
        description="starttls: upgrade the connection (port 587); tls: TLS from the start "
        "(port 465); none: plain, only for a relay on the same host or network.",
    )
    smtp_timeout: float = Field(20.0, gt=0, description="Seconds for one e-mail delivery.")
    request_timeout: float = Field(
        10.0,
        gt=0,
        description="Seconds a connection may take to send a request's headers (from "
        "opening, or from the previous response), and a websocket its hello; then it is "
        "closed.",
    )
    request_body_min_rate: int = Field(
        1000,
        ge=1,
        description="A request body has SAMSKAPA_REQUEST_TIMEOUT seconds, plus one more "
        "for every this many bytes that arrive; then the connection is closed.",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies whose X-Forwarded-For names the client (comma-separated IPs "
        "or networks, or *); the rate limits count per client address.",
    )
    # HTTP rate limits per client address (0 per minute: no limit).
    create_boards_per_minute: float = Field(10.0, ge=0)
    create_boards_burst: int = Field(20, ge=1)
    joins_per_minute: float = Field(60.0, ge=0)
    joins_burst: int = Field(300, ge=1)
    secrets_dir: Path = Field(
        DEFAULT_SECRETS_DIR,
        description="Folder of secret files, one per setting (read from the environment only).",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Least severe log records written."
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="text: lines for a terminal; json: one JSON object per line."
    )
    reload_frontend: bool = Field(
        False,
        description="Serve the pages, scripts and styles as they are on disk now (for working "
        "on the frontend); off, each is read once and kept in memory.",
    )

    @field_validator("log_level", "log_format", "smtp_tls", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    def voter_secret(self, is_sqlite: bool) -> bytes:
        """The pseudonym key: configured, or (SQLite only) a file beside the database."""
        if self.secret:
            return self.secret.encode()
        if not is_sqlite:
            raise SystemExit(
                "samskapa: set SAMSKAPA_SECRET (a long random string, the same for every "
                "process) when the database is PostgreSQL; it keys anonymous votes."
            )
        path = self.data_dir / "voter-secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return path.read_text().strip().encode()

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'samskapa.db').as_posix()}"
