"""The loader's DuckDB tables (schema `ingest`) and the one transaction that writes a batch.

Offsets live with the data: a batch's rows and the next offset of each partition are
committed together, so a crash between this commit and Kafka's replays nothing twice.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import duckdb
import pyarrow as pa

SCHEMA = "ingest"

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.raw_articles (
    article_id VARCHAR PRIMARY KEY,
    topic VARCHAR NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    message_key VARCHAR,
    headers JSON,
    event JSON NOT NULL,
    title VARCHAR,
    body VARCHAR NOT NULL,
    source VARCHAR,
    url VARCHAR,
    published_at VARCHAR,
    ingested_at VARCHAR,
    loaded_at TIMESTAMPTZ NOT NULL,
    parser_version VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.observations (
    observation_id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    geo_code VARCHAR,
    geo_name VARCHAR,
    period_start VARCHAR NOT NULL,
    period_end VARCHAR NOT NULL,
    sector VARCHAR,
    division VARCHAR,
    product VARCHAR,
    metric VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR,
    bound VARCHAR,
    change_pct DOUBLE,
    change_base VARCHAR,
    plan_pct DOUBLE,
    status VARCHAR NOT NULL,
    price_basis VARCHAR,
    evidence VARCHAR NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    parser_version VARCHAR NOT NULL,
    attachment JSON,
    loaded_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.rejected (
    topic VARCHAR NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    message_key VARCHAR,
    phase VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    payload BLOB,
    headers JSON,
    rejected_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (topic, "partition", "offset")
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.kafka_offsets (
    cluster_id VARCHAR NOT NULL,
    consumer_group VARCHAR NOT NULL,
    topic VARCHAR NOT NULL,
    "partition" INTEGER NOT NULL,
    next_offset BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (cluster_id, consumer_group, topic, "partition")
);
"""

OBSERVATION_COLUMNS = [
    "observation_id", "article_id", "geo_code", "geo_name", "period_start", "period_end", "sector",
    "division", "product", "metric", "value", "unit", "bound", "change_pct", "change_base", "plan_pct",
    "status", "price_basis", "evidence", "span_start", "span_end", "parser_version", "attachment", "loaded_at",
]
ARTICLE_COLUMNS = [
    "article_id", "topic", "partition", "offset", "message_key", "headers", "event", "title", "body",
    "source", "url", "published_at", "ingested_at", "loaded_at", "parser_version",
]
REJECTED_COLUMNS = ["topic", "partition", "offset", "message_key", "phase", "reason", "payload", "headers", "rejected_at"]


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse file open for writing."""


@dataclass
class Batch:
    """Everything one poll produced, ready to be stored in one transaction."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    observations: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    next_offsets: dict[tuple[str, int], int] = field(default_factory=dict)
    cluster_id: str = ""


@dataclass
class StoreResult:
    articles: int
    observations: int
    rejected: int


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(f"{path} is open for writing by another process: {exc}") from None
        raise
    if not read_only:
        run(con, DDL)
    return con


def run(con: duckdb.DuckDBPyConnection, sql: str, params: Optional[list] = None) -> list[tuple]:
    """Execute and drain the result (DuckDB wants each result finished before the next call)."""
    return con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()


def now() -> datetime:
    return datetime.now(timezone.utc)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> pa.Table:
    return pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in rows])


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]], columns: list[str]) -> int:
    if not rows:
        return 0
    before = con.execute(f"SELECT count(*) FROM {SCHEMA}.{table}").fetchall()[0][0]
    batch = _table(rows, columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    con.register("incoming_batch", batch)
    try:
        run(con, f"INSERT OR IGNORE INTO {SCHEMA}.{table} ({quoted}) SELECT {quoted} FROM incoming_batch")
    finally:
        con.unregister("incoming_batch")
    return con.execute(f"SELECT count(*) FROM {SCHEMA}.{table}").fetchall()[0][0] - before


def store_batch(con: duckdb.DuckDBPyConnection, batch: Batch, group: str) -> StoreResult:
    """Write a batch's rows and its next offsets in ONE transaction; articles already stored
    (same id) keep their facts, so replays and duplicates add nothing."""
    run(con, "BEGIN TRANSACTION")
    try:
        ids = [a["article_id"] for a in batch.articles]
        known = set()
        if ids:
            known = {
                r[0]
                for r in con.execute(
                    f"SELECT article_id FROM {SCHEMA}.raw_articles WHERE article_id IN (SELECT unnest(?))", [ids]
                ).fetchall()
            }
        fresh_articles, seen = [], set(known)
        for article in batch.articles:
            if article["article_id"] not in seen:
                seen.add(article["article_id"])
                fresh_articles.append(article)
        fresh_ids = {a["article_id"] for a in fresh_articles}
        articles = _insert(con, "raw_articles", fresh_articles, ARTICLE_COLUMNS)
        observations = _insert(
            con, "observations", [o for o in batch.observations if o["article_id"] in fresh_ids], OBSERVATION_COLUMNS
        )
        rejected = _insert(con, "rejected", batch.rejected, REJECTED_COLUMNS)
        stamp = now()
        for (topic, partition), next_offset in batch.next_offsets.items():
            run(
                con,
                f"""INSERT INTO {SCHEMA}.kafka_offsets VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (cluster_id, consumer_group, topic, "partition")
                    DO UPDATE SET next_offset = greatest(next_offset, excluded.next_offset), updated_at = excluded.updated_at""",
                [batch.cluster_id, group, topic, partition, next_offset, stamp],
            )
        run(con, "COMMIT")
    except BaseException:
        run(con, "ROLLBACK")
        raise
    return StoreResult(articles, observations, rejected)


def stored_offsets(con: duckdb.DuckDBPyConnection, cluster_id: str, group: str, topic: str) -> dict[int, int]:
    """Where the warehouse says each partition's next record is, for this cluster only."""
    rows = run(
        con,
        f'SELECT "partition", next_offset FROM {SCHEMA}.kafka_offsets WHERE cluster_id = ? AND consumer_group = ? AND topic = ?',
        [cluster_id, group, topic],
    )
    return {partition: offset for partition, offset in rows}


def forget_other_offsets(con: duckdb.DuckDBPyConnection, prefix: str, current: str) -> None:
    """Drop offsets stored for earlier in-memory brokers (ids with `prefix`): they are gone."""
    run(
        con,
        f"DELETE FROM {SCHEMA}.kafka_offsets WHERE starts_with(cluster_id, ?) AND cluster_id <> ?",
        [prefix, current],
    )


def replace_facts(con: duckdb.DuckDBPyConnection, article_id: str, observations: list[dict[str, Any]], parser_version: str) -> int:
    """Swap one article's facts for a new reading, in one transaction (used by `reparse`)."""
    run(con, "BEGIN TRANSACTION")
    try:
        run(con, f"DELETE FROM {SCHEMA}.observations WHERE article_id = ?", [article_id])
        added = _insert(con, "observations", observations, OBSERVATION_COLUMNS)
        run(con, f"UPDATE {SCHEMA}.raw_articles SET parser_version = ? WHERE article_id = ?", [parser_version, article_id])
        run(con, "COMMIT")
    except BaseException:
        run(con, "ROLLBACK")
        raise
    return added


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        table: con.execute(f"SELECT count(*) FROM {SCHEMA}.{table}").fetchall()[0][0]
        for table in ("raw_articles", "observations", "rejected", "kafka_offsets")
    }


def headers_json(headers: Optional[list[tuple[str, bytes]]]) -> str:
    return json.dumps({k: (v or b"").decode("utf-8", "replace") for k, v in (headers or [])}, ensure_ascii=False)
