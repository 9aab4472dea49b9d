"""Publish a read-only copy of the marts for BI: a DuckDB file and one Parquet file per mart.

BI never opens the loader's file (DuckDB has one writer). Each artefact is written under a
temporary name and renamed into place, so a reader sees the old copy or the new, never half.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

from flows.staging import run

MART_SCHEMA = "marts"


def publish_marts(warehouse: Path, target: Path) -> dict[str, int]:
    target.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    staging_db = target / f".marts.{token}.duckdb"
    counts: dict[str, int] = {}
    con = duckdb.connect()
    try:
        run(con, f"ATTACH {sql_string(str(warehouse))} AS warehouse (READ_ONLY)")
        run(con, f"ATTACH {sql_string(str(staging_db))} AS published")
        tables = [
            row[0]
            for row in run(
                con,
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'warehouse' "
                "AND table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1",
                [MART_SCHEMA],
            )
        ]
        for table in tables:
            source = f"warehouse.{MART_SCHEMA}.{duckdb_identifier(table)}"
            run(con, f"CREATE TABLE published.main.{duckdb_identifier(table)} AS SELECT * FROM {source}")
            counts[table] = con.execute(f"SELECT count(*) FROM {source}").fetchall()[0][0]
            parquet_tmp = target / f".{table}.{token}.parquet"
            run(con, f"COPY (SELECT * FROM {source}) TO {sql_string(str(parquet_tmp))} (FORMAT parquet)")
            os.replace(parquet_tmp, target / f"{table}.parquet")
        run(con, "DETACH published")
        run(con, "DETACH warehouse")
    finally:
        con.close()
    os.replace(staging_db, target / "marts.duckdb")
    return counts


def duckdb_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    """A SQL string literal (COPY and ATTACH take no parameters for their file names)."""
    return "'" + text.replace("'", "''") + "'"
