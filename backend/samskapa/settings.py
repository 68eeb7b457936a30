"""Configuration, from `SAMSKAPA_*` environment variables (or a `.env` file)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAMSKAPA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("samskapa-data"), description="Folder for the embedded database.")
    database_url: str = Field(
        "",
        description="SQLAlchemy async URL; empty means SQLite in data_dir "
        "(postgresql+asyncpg://user@host/db for PostgreSQL).",
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
    demo: bool = Field(True, description="`samskapa serve` creates a demo board on first start.")
    max_message_bytes: int = Field(64 * 1024, ge=1024)
    outbound_queue_messages: int = Field(
        5000, ge=10, description="Messages waiting for one client before it is cut off (4008)."
    )
    ops_per_second: float = Field(30.0, gt=0, description="Sustained ops per connection.")
    ops_burst: int = Field(60, ge=1, description="Ops a connection may send at once.")
    heartbeat_timeout: float = Field(45.0, gt=0, description="Seconds of silence before 4009.")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'samskapa.db').as_posix()}"
