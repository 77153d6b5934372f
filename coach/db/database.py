"""Open the database: create the folder, migrate to head, and explain failures in plain words."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event, pool, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    InterfaceError,
    InternalError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from coach.errors import DatabaseUnavailableError, StorageUnavailableError
from coach.settings import Settings, mask_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 15
SERVER_CONNECT_TIMEOUT_S = 5
# Any fixed 64-bit number: every aipm-coach process migrating this database takes this lock.
MIGRATION_LOCK_ID = 0x61_69_70_6D_63_6F_61_63  # "aipmcoac"


# What the database raises when it is gone or refuses writes, rather than when the data is
# wrong (IntegrityError and DataError stay as they are: they are bugs to see).
STORAGE_FAILURES = (OperationalError, InterfaceError, InternalError, ProgrammingError)


class Database:
    """An engine plus a session factory; services open one short session per use case.

    A storage failure inside a session becomes StorageUnavailableError with a plain reason;
    the next session first reconnects and migrates again (the database may have been
    recreated empty), and ``generation`` counts those checks so callers can look up again
    what they cached from the database.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._needs_check = False
        self._check_lock = threading.Lock()
        self.generation = 0

    @property
    def backend(self) -> str:
        """Return the dialect name, e.g. ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def location(self) -> str:
        """Return the file path (SQLite) or the URL without its password (servers)."""
        return _describe(self.engine.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session; the caller commits, anything left uncommitted is rolled back.

        Raises:
            StorageUnavailableError: the database is unreachable, gone or read-only.
        """
        self.ensure_ready()
        session = self._sessions()
        try:
            yield session
        except STORAGE_FAILURES as error:
            self._needs_check = True
            with suppress(DBAPIError):  # the connection may be dead already
                session.rollback()
            raise StorageUnavailableError(_explain(self.engine.url, error)) from error
        except BaseException:
            session.rollback()
            raise
        finally:
            with suppress(DBAPIError):
                session.close()

    def ensure_ready(self) -> None:
        """After a storage failure: drop the pooled connections and migrate to head again.

        Raises:
            StorageUnavailableError: the database is still unavailable.
        """
        if not self._needs_check:
            return
        with self._check_lock:
            if not self._needs_check:
                return
            # A pooled SQLite connection opened while the file was read-only stays read-only.
            self.engine.dispose()
            try:
                upgrade(self.engine.url)
            except (SQLAlchemyError, CommandError, OSError) as error:
                raise StorageUnavailableError(_explain(self.engine.url, error)) from error
            self._needs_check = False
            self.generation += 1

    def revision(self) -> str | None:
        """Return the schema revision the database is at (e.g. ``0002``)."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def close(self) -> None:
        """Release every pooled connection (the file can then be moved or deleted)."""
        self.engine.dispose()


def open_database(settings: Settings) -> Database:
    """Open the configured database and migrate it to the newest schema.

    Raises:
        DatabaseUnavailableError: the folder, file or server cannot be used; the message says
            what to do.
    """
    url = _parse_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        _refuse_in_memory(url, settings.database_url)
        _prepare_sqlite_folder(url)
    try:
        upgrade(url)
        engine = _create_engine(url)
    except (SQLAlchemyError, CommandError, OSError, ImportError) as error:
        raise DatabaseUnavailableError(_explain(url, error)) from error
    return Database(engine)


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Apply Alembic migrations up to ``revision`` once, however many processes start together.

    On PostgreSQL a transaction-level advisory lock serialises the processes: the first one
    migrates, the others wait and then find the schema at head. On SQLite ``BEGIN IMMEDIATE``
    does the same (and foreign keys are off while tables are copied).
    """
    url = make_url(url)
    engine = _create_engine(url, for_migrations=True)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": MIGRATION_LOCK_ID}
                )
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            # A write that changes nothing: a read-only file or role fails here, not at the
            # first Submit (and `coach db upgrade` cannot report success on it).
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """Return the newest schema revision this version of the app knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def alembic_config() -> Config:
    """Return an Alembic config pointing at the packaged migrations (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _parse_url(raw: str) -> URL:
    try:
        return make_url(raw)
    except ArgumentError as error:
        raise DatabaseUnavailableError(
            f"COACH_DATABASE_URL is not a valid database URL ({mask_url(raw)}). "
            "Use e.g. sqlite:////path/to/coach.db or postgresql+psycopg://user@host/dbname."
        ) from error


def _sqlite_path(url: URL) -> Path | None:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve()


def _refuse_in_memory(url: URL, raw: str) -> None:
    # Each pooled connection would get its own empty database ("no such table: users"), and
    # every answer would vanish with the process: a practice log needs a file. (A SQLite URL
    # holds no password, so it is quoted as given.)
    if (url.database or "") in ("", ":memory:") or url.query.get("mode") == "memory":
        raise DatabaseUnavailableError(
            f"COACH_DATABASE_URL={raw} is an in-memory database: each connection "
            "would see an empty one and your answers would vanish when the app stops. Use a "
            "file, e.g. sqlite:////path/to/coach.db, or leave COACH_DATABASE_URL unset."
        )


def _prepare_sqlite_folder(url: URL) -> None:
    path = _sqlite_path(url)
    if path is None:
        return
    folder = path.parent
    blocker = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise DatabaseUnavailableError(
            f"Cannot create the data folder {folder}: {blocker} is a file, not a folder. "
            "Set COACH_DATA_DIR to a folder (it is created if missing), or move the file away."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnavailableError(
            f"Cannot create the data folder {folder} ({error.strerror or error}). "
            "Set COACH_DATA_DIR to a folder you can write to, or fix the permissions."
        ) from error
    # SQLite writes -wal and -shm files next to the database, so the folder must be writable.
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise DatabaseUnavailableError(
            f"The data folder {folder} is not readable and writable by this user. "
            "Fix its permissions, or set COACH_DATA_DIR to a folder you can write to."
        )


def _create_engine(url: URL, *, for_migrations: bool = False) -> Engine:
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
        if for_migrations:
            kwargs["poolclass"] = pool.NullPool
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, for_migrations=for_migrations)
        return engine
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        kwargs["connect_args"] = {"connect_timeout": SERVER_CONNECT_TIMEOUT_S}
    if for_migrations:
        kwargs["poolclass"] = pool.NullPool
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine, *, for_migrations: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            # Batch migrations copy and drop tables; with foreign keys on, dropping a parent
            # table would cascade-delete its children.
            cursor.execute(f"PRAGMA foreign_keys={'OFF' if for_migrations else 'ON'}")
        finally:
            cursor.close()
        if for_migrations:
            # Let SQLAlchemy emit BEGIN itself, so DDL is inside the transaction too.
            dbapi_connection.isolation_level = None

    if for_migrations:

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _describe(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        path = _sqlite_path(url)
        return str(path) if path else str(url)
    return url.render_as_string(hide_password=True)


def _explain(url: URL, error: BaseException) -> str:
    where = _describe(url)
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    lowered = detail.lower()
    if isinstance(error, CommandError):
        return (
            f"The database at {where} was created by a newer version of aipm-coach ({detail}). "
            "Upgrade aipm-coach, or point COACH_DATA_DIR / COACH_DATABASE_URL elsewhere."
        )
    if isinstance(error, NoSuchModuleError | ImportError):
        return (
            f"No driver for the database URL {where} ({detail}). "
            "Use sqlite:///... or postgresql+psycopg://..."
        )
    if url.get_backend_name() == "sqlite":
        if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
            return (
                f"The database file {where} is damaged or is not an aipm-coach database "
                f"({detail}). Move it aside (e.g. rename it to coach.db.broken) and restart "
                "to get a fresh one; then import your last JSON export to restore attempts."
            )
        if "readonly" in lowered or "unable to open" in lowered or "permission" in lowered:
            return (
                f"Cannot write to the database file {where} ({detail}). Check that you own the "
                "file, its -wal and -shm files and its folder, and may write to them; or set "
                "COACH_DATA_DIR to a folder you can write to."
            )
        return f"Cannot open the database file {where} ({detail})."
    if isinstance(error, OperationalError) or "connect" in lowered:
        return (
            f"Cannot reach the database server at {where} ({detail}). Check that the server is "
            "running and that COACH_DATABASE_URL names the right host, port, user and database."
        )
    return f"Cannot use the database at {where} ({detail})."
