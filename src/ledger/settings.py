"""All of Ledger's configuration, read once from the environment (prefix LEDGER_)."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EVENTS_TABLE = "ledger_events"
SNAPSHOTS_TABLE = "ledger_snapshots"
TRACKING_TABLE = "ledger_tracking"
APPLICATION_NAME = "Ledger"
WITNESS_ENTRY = re.compile(r"https?://\S+\s+[^\s+]+\+[0-9a-fA-F]{8}\+[A-Za-z0-9+/]+=*")


class Settings(BaseSettings):
    """Ledger settings; nothing else in the code base reads os.environ."""

    model_config = SettingsConfigDict(env_prefix="LEDGER_", extra="ignore")

    data_dir: Path = Field(
        default=Path(".ledger"),
        description="Where the embedded SQLite file and generated keys live.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL. Empty means a SQLite file in data_dir; "
        "postgresql+psycopg2://... selects PostgreSQL.",
    )
    read_database_url: str = Field(
        default="",
        description="A hot standby of database_url (PostgreSQL streaming replication) that "
        "queries, as-of, history, reports, verify and export read from; commands always go "
        "to database_url. Empty: everything reads the primary.",
    )
    read_max_lag_seconds: float = Field(
        default=10.0, gt=0,
        description="A standby whose read models are further behind the primary's than this "
        "(or that cannot be reached) is not read from: reads go to the primary until it "
        "catches up.",
    )
    snapshot_interval: int = Field(
        default=50, ge=2, description="Take an aggregate snapshot every N events."
    )
    aggregate_cache_size: int = Field(
        default=10_000, ge=0,
        description="Aggregates kept in memory between commands (0: none). A cached "
        "aggregate is brought up to date from the store on every use, so several "
        "processes may share one database.",
    )
    command_retries: int = Field(
        default=5, ge=1, description="Attempts on an optimistic-concurrency conflict."
    )
    host: str = Field(default="127.0.0.1", description="Address `ledger serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `ledger serve` binds to.")
    max_body_bytes: int = Field(
        default=256 * 1024, ge=1024, description="Request bodies above this size get 413."
    )
    import_max_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024,
        description="Largest measurements file an import takes (413 above); an XLSX may "
        "expand to 20 times this once unzipped.",
    )
    import_max_rows: int = Field(
        default=5_000, ge=1, description="Most data rows in one imported file (422 above).",
    )
    read_wait_seconds: float = Field(
        default=5.0, ge=0, description="How long a query with min_position waits before 503."
    )
    database_timeout_seconds: float = Field(
        default=3.0, gt=0, description="Connect and statement timeout; an outage answers 503."
    )
    projection_batch_size: int = Field(
        default=1000, ge=1, description="Events applied per read-model transaction."
    )
    projection_poll_seconds: float = Field(
        default=0.2, gt=0, description="How often the projector polls when not notified."
    )
    feed_poll_seconds: float = Field(
        default=0.5, gt=0, description="How often an idle event stream looks for new events."
    )
    feed_heartbeat_seconds: float = Field(
        default=15.0, gt=0, description="A comment line this often keeps an event stream's "
        "connection open through proxies."
    )
    feed_send_timeout_seconds: float = Field(
        default=30.0, gt=0, description="An event stream whose client has not read an event "
        "for this long is closed; it resumes with Last-Event-ID."
    )
    nats_url: str = Field(
        default="nats://127.0.0.1:4222", description="The NATS server `ledger publish` "
        "publishes to (JetStream on); empty: webhooks only."
    )
    nats_stream: str = Field(
        default="LEDGER", pattern=r"^[A-Za-z0-9_-]{1,24}$",
        description="The JetStream stream `ledger publish` fills (created if missing)."
    )
    nats_subject: str = Field(
        default="ledger.events", pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$",
        description="Subjects are <this>.<program id>.<event type>; the stream takes <this>.>."
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, description="A webhook delivery not answered in this time failed."
    )
    webhook_retry_base_seconds: float = Field(
        default=2.0, gt=0, description="The first retry's delay; each next one doubles."
    )
    webhook_retry_max_seconds: float = Field(
        default=3600.0, gt=0, description="The longest delay between two attempts."
    )
    webhook_max_failures: int = Field(
        default=12, ge=1, description="Failed attempts in a row after which a webhook is "
        "disabled."
    )
    signing_key_path: Path | None = Field(
        default=None,
        description="Ed25519 private key (PEM) for audit checkpoints; "
        "default data_dir/checkpoint-signing-key.pem, generated on first run.",
    )
    checkpoint_every_events: int = Field(
        default=1000, ge=1, description="Sign a checkpoint after this many new events."
    )
    checkpoint_every_minutes: float = Field(
        default=60.0,
        gt=0,
        description="Sign a checkpoint at least this often if there are new events.",
    )
    log_origin: str = Field(
        default="ledger.example/log", pattern=r"^[^\s+]+$",
        description="The checkpoint origin line and the log's note key name: a schema-less "
        "URL naming this log, unique among the logs a witness follows.",
    )
    witnesses: str = Field(
        default="",
        description="Witnesses to ask for cosignatures, comma-separated, each "
        "'URL VERIFIER-KEY' (the key as `ledger witness serve` prints it).",
    )
    ui_session_idle_minutes: float = Field(
        default=30.0, gt=0,
        description="A web UI session ends after this long without a request.",
    )
    ui_session_absolute_hours: float = Field(
        default=12.0, gt=0,
        description="A web UI session ends this long after sign-in, however used.",
    )
    create_tables: bool = Field(
        default=False,
        description="Let eventsourcing-sqlalchemy create its own tables "
        "(tests only; Alembic owns the schema otherwise).",
    )

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, url: str) -> str:
        if url and not url.startswith(("sqlite", "postgresql")):
            raise ValueError("use a sqlite:/// or postgresql+psycopg2:// URL")
        return url

    @field_validator("read_database_url")
    @classmethod
    def _standby_backend(cls, url: str) -> str:
        if url and not url.startswith("postgresql"):
            raise ValueError("a standby is a PostgreSQL hot standby: use postgresql+psycopg2://")
        return url

    @model_validator(mode="after")
    def _standby_of_postgres(self) -> Settings:
        if self.read_database_url and not self.database_url.startswith("postgresql"):
            raise ValueError("LEDGER_READ_DATABASE_URL needs LEDGER_DATABASE_URL to name the "
                             "PostgreSQL primary it replicates")
        return self

    @field_validator("witnesses")
    @classmethod
    def _witness_pairs(cls, text: str) -> str:
        # The key's hash and signature type are checked where it is parsed (ledger.audit).
        for entry in filter(None, (piece.strip() for piece in text.split(","))):
            if not WITNESS_ENTRY.fullmatch(entry):
                raise ValueError(f"{entry[:80]!r} is not 'URL NAME+HASH+KEY': give each "
                                 "witness's URL and the key `ledger witness key` prints")
        return text

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file inside data_dir."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'ledger.db').resolve()}"

    @property
    def is_postgres(self) -> bool:
        return self.resolved_database_url.startswith("postgresql")

    @property
    def resolved_signing_key_path(self) -> Path:
        return self.signing_key_path or self.data_dir / "checkpoint-signing-key.pem"

    @property
    def event_store_url(self) -> str:
        """The database URL with PostgreSQL time limits, so an outage fails fast instead of
        hanging a request: a connect timeout, and a bound on waiting for the write lock."""
        url = self.resolved_database_url
        if not self.is_postgres:
            return url
        seconds = max(1, round(self.database_timeout_seconds))
        separator = "&" if "?" in url else "?"
        return (f"{url}{separator}connect_timeout={seconds}"
                f"&options=-c%20lock_timeout%3D{seconds * 1000 + 2000}")

    @property
    def standby(self) -> Settings | None:
        """These settings with the standby as the database (for a read-only ledger and
        engines on it), or None without one."""
        if not self.read_database_url:
            return None
        return self.model_copy(update={"database_url": self.read_database_url,
                                       "read_database_url": "", "create_tables": False})

    def to_eventsourcing_env(self) -> dict[str, str]:
        """The environment that configures eventsourcing and its SQLAlchemy recorders."""
        return {
            "PERSISTENCE_MODULE": "ledger.store",
            "SQLALCHEMY_URL": self.event_store_url,
            "CREATE_TABLE": "y" if self.create_tables else "n",
            "IS_SNAPSHOTTING_ENABLED": "y",
            "AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache_size or ""),  # "" is none
        }
