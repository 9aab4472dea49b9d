"""BI tools through SQLAlchemy (duckdb_engine): every new DuckDB connection attaches the lake
read-only, so a tool such as Apache Superset queries `marts.*` with plain SQL, and each query sees
the latest committed snapshot (no reconnect needed for new rows)."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from flows.lake import ALIAS, Lake, load_extensions

# The URI a tool registers: an in-memory DuckDB per connection; the lake comes from the hook.
DATABASE_URI = "duckdb:///:memory:"


def lake_from_env() -> Lake:
    """The lake the pipeline writes: VNINDUSTRY_CATALOG / VNINDUSTRY_DATA_PATH, else the default
    under VNINDUSTRY_DATA_DIR."""
    return Lake.from_env(Path(os.environ.get("VNINDUSTRY_DATA_DIR", "data")) / "lake")


def attach_lake_to_duckdb_connections(lake: Lake) -> None:
    """From now on, each DuckDB connection any SQLAlchemy engine of this process opens loads the
    extensions and attaches `lake` read-only as the default catalog."""

    def attach(dbapi_connection, _record) -> None:
        if type(dbapi_connection).__module__.split(".")[0] not in ("duckdb", "duckdb_engine", "_duckdb"):
            return
        load_extensions(dbapi_connection, lake)
        dbapi_connection.execute(lake.attach_sql(read_only=True))
        dbapi_connection.execute(f"USE {ALIAS}")

    event.listen(Engine, "connect", attach)
