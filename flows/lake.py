"""The warehouse is a DuckLake: a SQL catalog (SQLite file by default, Postgres to scale out)
plus Parquet data files (a folder by default, or s3://). Every process opens it the same way.

DuckDB is the engine; the `ducklake`, `sqlite`, `postgres` and `httpfs` extensions come from
their pip packages (INSTALLed from the package's file once, then loaded offline).
"""
from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import logging
import os
import random
import re
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, TypeVar
from urllib.parse import urlparse

import duckdb

log = logging.getLogger(__name__)
T = TypeVar("T")

ALIAS = "lake"
EXTENSIONS = {"ducklake": "ducklake", "sqlite": "sqlite_scanner", "postgres": "postgres_scanner", "httpfs": "httpfs"}
DEFAULT_MEMORY_LIMIT = "256MB"
LOCK_VARIABLE = "vnindustry_writer_lock"


class LakeConflict(RuntimeError):
    """A write transaction kept losing to other writers after every retry."""


def sql_string(text: str) -> str:
    """A SQL string literal (ATTACH, COPY and SET take no parameters)."""
    return "'" + str(text).replace("'", "''") + "'"


@dataclass(frozen=True)
class Lake:
    """Where the catalog and the data files are. `catalog` is `sqlite:<file>` or `postgres:<libpq DSN>`."""

    catalog: str
    data_path: str

    @classmethod
    def at(cls, folder: Path) -> "Lake":
        """The default, serverless lake: `folder/catalog.sqlite` and Parquet under `folder/files/`."""
        folder = Path(folder).resolve()
        return cls(f"sqlite:{folder / 'catalog.sqlite'}", f"{folder / 'files'}/")

    @classmethod
    def from_env(cls, folder: Path, env: Optional[dict] = None) -> "Lake":
        """VNINDUSTRY_CATALOG (a Postgres DSN) and VNINDUSTRY_DATA_PATH (folder or s3://) override
        the defaults under `folder`."""
        env = os.environ if env is None else env
        default = cls.at(folder)
        catalog = env.get("VNINDUSTRY_CATALOG") or default.catalog
        if not catalog.startswith(("sqlite:", "postgres:")):
            catalog = "postgres:" + catalog  # a DSN: `host=… dbname=…` or postgresql://…
        data_path = env.get("VNINDUSTRY_DATA_PATH") or default.data_path
        if not data_path.startswith("s3://"):
            data_path = str(Path(data_path).resolve()) + "/"
        return cls(catalog, data_path)

    @classmethod
    def of(cls, where: "Lake | str | os.PathLike") -> "Lake":
        """A Lake as given, or the lake whose defaults live in folder `where`."""
        return where if isinstance(where, Lake) else cls.from_env(Path(where))

    @property
    def kind(self) -> str:
        return self.catalog.split(":", 1)[0]

    @property
    def sqlite_file(self) -> Optional[Path]:
        return Path(self.catalog.split(":", 1)[1]) if self.kind == "sqlite" else None

    def describe(self) -> str:
        """For messages: the catalog without any password."""
        if self.kind == "postgres":
            dsn = self.catalog.split(":", 1)[1]
            parsed = urlparse(dsn)
            if parsed.scheme.startswith("postgres") and parsed.password:
                dsn = dsn.replace(f":{parsed.password}@", ":***@")
            dsn = re.sub(r"(?i)(password)=\S+", r"\1=***", dsn)
            return f"postgres:{dsn} + {self.data_path}"
        return f"{self.catalog} + {self.data_path}"

    def attach_sql(self, alias: str = ALIAS, read_only: bool = False, snapshot: "int | str | None" = None) -> str:
        """`snapshot`: a snapshot id, or a timestamp (the lake as it was then)."""
        options = [f"DATA_PATH {sql_string(self.data_path)}"]
        if read_only:
            options.append("READ_ONLY")
        if isinstance(snapshot, int) or (isinstance(snapshot, str) and snapshot.isdigit()):
            options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        elif snapshot is not None:
            options.append(f"SNAPSHOT_TIME {sql_string(snapshot)}")
        return f"ATTACH {sql_string('ducklake:' + self.catalog)} AS {alias} ({', '.join(options)})"

    def prepare(self) -> None:
        """Create what a new local lake needs: its folders, and the SQLite catalog in WAL mode
        (readers then never block the writer, nor the writer them)."""
        if self.sqlite_file is not None and not self.sqlite_file.exists():
            # only while the file is new: SQLite's POSIX locks are per process, so a second SQLite
            # library (Python's) closing this file would drop the locks DuckDB's copy holds on it
            self.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.closing(sqlite3.connect(self.sqlite_file, timeout=30)) as db:
                db.execute("PRAGMA journal_mode=wal")
        if not self.data_path.startswith("s3://"):
            Path(self.data_path).mkdir(parents=True, exist_ok=True)

    def connect(self, read_only: bool = False, snapshot: "int | str | None" = None) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with the lake attached as `lake` (and used), a memory limit set."""
        if not read_only:
            self.prepare()
        con = duckdb.connect(config={"memory_limit": memory_limit(), "temp_directory": spill_dir(),
                                     "preserve_insertion_order": False, "autoinstall_known_extensions": False})
        try:
            load_extensions(con, self)
            # processes starting together may all create the catalog: the losers retry and find it
            with_retries(lambda: con.execute(self.attach_sql(read_only=read_only, snapshot=snapshot)), "attach the lake",
                         retryable=lambda exc: is_conflict(exc) or "already exists" in str(exc).lower())
            con.execute(f"USE {ALIAS}")
            if self.sqlite_file is not None:
                con.execute(f"SET VARIABLE {LOCK_VARIABLE} = {sql_string(str(self.sqlite_file) + '.writer-lock')}")
        except BaseException:
            con.close()
            raise
        return con

    def writer_turn(self) -> contextlib.AbstractContextManager:
        """The writers' turn for a process that writes through another connection (dbt)."""
        if self.sqlite_file is not None:
            self.prepare()
        return _turn(str(self.sqlite_file) + ".writer-lock" if self.sqlite_file is not None else None)

    def dbt_env(self, snapshot: Optional[int] = None) -> dict[str, str]:
        """What dbt/profiles.yml reads to attach this lake (and pin its sources to a snapshot)."""
        env = {
            "VNINDUSTRY_LAKE": "ducklake:" + self.catalog,
            "VNINDUSTRY_LAKE_DATA_PATH": self.data_path,
            "VNINDUSTRY_MEMORY_LIMIT": memory_limit(),
            "VNINDUSTRY_SPILL_DIR": spill_dir(),
        }
        if snapshot is not None:
            env["VNINDUSTRY_LAKE_SNAPSHOT"] = str(snapshot)
        return env


@contextlib.contextmanager
def writer_turn(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """SQLite allows one writing transaction at a time: with a SQLite catalog, writers take turns
    through a lock file (named on the connection by `Lake.connect`) instead of failing; with a
    Postgres catalog there is no turn to take and DuckLake resolves concurrent commits."""
    with _turn(con.execute(f"SELECT getvariable('{LOCK_VARIABLE}')").fetchone()[0]):
        yield


@contextlib.contextmanager
def _turn(path: Optional[str]) -> Iterator[None]:
    if path is None:
        yield
        return
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def memory_limit() -> str:
    return os.environ.get("VNINDUSTRY_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)


def spill_dir() -> str:
    """Where DuckDB spills what does not fit in the memory limit. The connections are in-memory
    databases, which spill nowhere unless told: a full build at 50k articles failed with 'Out of
    Memory' at 256MB instead of spilling."""
    return os.environ.get("VNINDUSTRY_SPILL_DIR") or os.path.join(tempfile.gettempdir(), f"vnindustry-spill-{os.getuid()}")


def extension_file(package: str) -> Path:
    spec = importlib.util.find_spec(f"duckdb_extension_{package}")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the pip package duckdb-extension-{package} is not installed (see constraints.txt)")
    root = Path(list(spec.submodule_search_locations)[0])
    version = duckdb.__version__
    found = sorted(root.rglob(f"v{version}/*.duckdb_extension")) or sorted(root.rglob("*.duckdb_extension"))
    if not found:
        raise RuntimeError(f"no .duckdb_extension file in {root}")
    return found[0]


def install_extensions(con: duckdb.DuckDBPyConnection) -> None:
    """INSTALL each extension from its pip package's file, once per machine (DuckDB's extension
    folder); after that every process and dbt LOADs them offline."""
    installed = {name for name, ok in con.execute("SELECT extension_name, installed FROM duckdb_extensions()").fetchall() if ok}
    for package, name in EXTENSIONS.items():
        if name not in installed:
            con.execute(f"INSTALL {sql_string(str(extension_file(package)))}")


def load_extensions(con: duckdb.DuckDBPyConnection, lake: Lake) -> None:
    install_extensions(con)
    con.execute("LOAD ducklake")
    con.execute(f"LOAD {'sqlite_scanner' if lake.kind == 'sqlite' else 'postgres_scanner'}")
    if lake.data_path.startswith("s3://"):
        con.execute("LOAD httpfs")
        con.execute(s3_secret_sql())


def s3_secret_sql() -> str:
    """An S3 secret from the standard AWS_* variables (plus AWS_ENDPOINT_URL for MinIO and the like)."""
    options = ["TYPE s3", "PROVIDER config"]
    for key, var in (("KEY_ID", "AWS_ACCESS_KEY_ID"), ("SECRET", "AWS_SECRET_ACCESS_KEY"), ("REGION", "AWS_REGION")):
        if os.environ.get(var):
            options.append(f"{key} {sql_string(os.environ[var])}")
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        parsed = urlparse(endpoint)
        options.append(f"ENDPOINT {sql_string(parsed.netloc or parsed.path)}")
        options.append(f"USE_SSL {'true' if parsed.scheme == 'https' else 'false'}")
        options.append("URL_STYLE 'path'")
    return f"CREATE OR REPLACE SECRET vnindustry_s3 ({', '.join(options)})"


def is_conflict(exc: BaseException) -> bool:
    """A write that lost to a concurrent one (DuckLake's logical conflict, SQLite's busy catalog,
    Postgres's serialization failure): retrying the whole transaction is safe."""
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and any(
        marker in text for marker in ("conflict", "database is locked", "could not serialize", "deadlock detected")
    )


def with_retries(
    work: Callable[[], T],
    what: str,
    attempts: Optional[int] = None,
    first_backoff_s: Optional[float] = None,
    on_retry: Optional[Callable[[int, BaseException], None]] = None,
    retryable: Callable[[BaseException], bool] = lambda exc: is_conflict(exc),
) -> T:
    """Run a write transaction; on a catalog write conflict back off (x2 each time, with jitter)
    and run it again, at most `attempts` times (VNINDUSTRY_COMMIT_ATTEMPTS, default 8)."""
    attempts = attempts or int(os.environ.get("VNINDUSTRY_COMMIT_ATTEMPTS", "8"))
    backoff = first_backoff_s if first_backoff_s is not None else float(os.environ.get("VNINDUSTRY_COMMIT_BACKOFF_S", "0.05"))
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except duckdb.Error as exc:
            if not retryable(exc):
                raise
            if attempt == attempts:
                raise LakeConflict(f"{what}: still conflicting after {attempts} attempts: {exc}") from exc
            delay = backoff * 2 ** (attempt - 1) * (1 + random.random())
            log.warning("%s: catalog write conflict (attempt %d/%d), retrying in %.2fs: %s",
                        what, attempt, attempts, delay, str(exc).splitlines()[-1][:200])
            if on_retry:
                on_retry(attempt, exc)
            time.sleep(delay)
    raise AssertionError("unreachable")


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"SELECT id FROM {ALIAS}.current_snapshot()").fetchone()[0]


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")
