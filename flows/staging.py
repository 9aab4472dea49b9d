"""The loader's tables in the lake (schema `ingest`) and the one transaction that writes a batch.

Offsets live with the data: a batch's rows and the next offset of each partition are committed
together, so a crash between this commit and Kafka's replays nothing twice. DuckLake has no
primary keys; every writing transaction updates the one row of `ingest.commit_fence`, so two
concurrent writers always conflict and one retries on the other's result (serialisable dedupe).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Optional, TypeVar

import duckdb
import pyarrow as pa

from flows import lake as lakes
from flows.lake import Lake

SCHEMA = "ingest"
T = TypeVar("T")

TABLES = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.raw_articles (
    article_id VARCHAR NOT NULL,
    topic VARCHAR NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    message_key VARCHAR,
    headers JSON,
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
    observation_id VARCHAR NOT NULL,
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
    rejected_at TIMESTAMPTZ NOT NULL
);
-- one row per cluster x group x topic x partition; topic_id is the topic's identity (its Kafka
-- topic id when the cluster reports one) so stored offsets can be keyed by it, not only its name
CREATE TABLE IF NOT EXISTS {SCHEMA}.kafka_offsets (
    cluster_id VARCHAR NOT NULL,
    consumer_group VARCHAR NOT NULL,
    topic VARCHAR NOT NULL,
    topic_id VARCHAR,
    "partition" INTEGER NOT NULL,
    next_offset BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
"""
FENCE = f"""
CREATE TABLE {SCHEMA}.commit_fence (writes BIGINT NOT NULL);
INSERT INTO {SCHEMA}.commit_fence VALUES (0);
"""
LOADER_TABLES = ("raw_articles", "observations", "rejected", "kafka_offsets")

OBSERVATION_COLUMNS = [
    "observation_id", "article_id", "geo_code", "geo_name", "period_start", "period_end", "sector",
    "division", "product", "metric", "value", "unit", "bound", "change_pct", "change_base", "plan_pct",
    "status", "price_basis", "evidence", "span_start", "span_end", "parser_version", "attachment", "loaded_at",
]
ARTICLE_COLUMNS = [
    "article_id", "topic", "partition", "offset", "message_key", "headers", "title", "body",
    "source", "url", "published_at", "ingested_at", "loaded_at", "parser_version",
]
OFFSET_COLUMNS = ["cluster_id", "consumer_group", "topic", "topic_id", "partition", "next_offset", "updated_at"]
REJECTED_COLUMNS = ["topic", "partition", "offset", "message_key", "phase", "reason", "payload", "headers", "rejected_at"]


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
    retries: int = 0


def connect(lake: Lake, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The lake, with the loader's tables created on first use."""
    con = lake.connect(read_only=read_only)
    if not read_only:
        try:
            ensure_tables(con)
        except BaseException:
            con.close()
            raise
    return con


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    existing = {r[0] for r in run(con, "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? "
                                       "AND table_schema = ?", [lakes.ALIAS, SCHEMA])}
    if existing >= {*LOADER_TABLES, "commit_fence"}:
        return

    def create() -> None:
        statements = TABLES + (FENCE if not _exists(con, "commit_fence") else "")
        transaction(con, lambda: run(con, statements))

    # processes starting together race to create them: the losers retry and find them
    lakes.with_retries(lambda: in_turn(con, create), "create the ingest tables",
                       retryable=lambda exc: lakes.is_conflict(exc) or "already exists" in str(exc).lower())


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(run(con, "SELECT 1 FROM information_schema.tables WHERE table_catalog = ? AND table_schema = ? "
                         "AND table_name = ?", [lakes.ALIAS, SCHEMA, table]))


def run(con: duckdb.DuckDBPyConnection, sql: str, params: Optional[list] = None) -> list[tuple]:
    """Execute and drain the result (DuckDB wants each result finished before the next call)."""
    return con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()


def in_turn(con: duckdb.DuckDBPyConnection, work: Callable[[], T]) -> T:
    with lakes.writer_turn(con):
        return work()


def transaction(con: duckdb.DuckDBPyConnection, work: Callable[[], T]) -> T:
    run(con, "BEGIN TRANSACTION")
    try:
        result = work()
        run(con, "COMMIT")
    except BaseException:
        lakes.rollback_quietly(con)
        raise
    return result


def write(con: duckdb.DuckDBPyConnection, work: Callable[[], T], what: str) -> tuple[T, int]:
    """One fenced write transaction, retried on a catalog write conflict; returns (result, retries)."""
    retries = {"n": 0}

    def fenced() -> T:
        run(con, f"UPDATE {SCHEMA}.commit_fence SET writes = writes + 1")
        return work()

    def count(_attempt, _exc) -> None:
        retries["n"] += 1

    result = lakes.with_retries(lambda: in_turn(con, lambda: transaction(con, fenced)), what, on_retry=count)
    return result, retries["n"]


def now() -> datetime:
    return datetime.now(timezone.utc)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> pa.Table:
    return pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in rows])


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]], columns: list[str]) -> int:
    if not rows:
        return 0
    batch = _table(rows, columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    con.register("incoming_batch", batch)
    try:
        run(con, f"INSERT INTO {SCHEMA}.{table} ({quoted}) SELECT {quoted} FROM incoming_batch")
    finally:
        con.unregister("incoming_batch")
    return batch.num_rows


def store_batch(con: duckdb.DuckDBPyConnection, batch: Batch, group: str) -> StoreResult:
    """Write a batch's rows and its next offsets in ONE transaction. Records this group already
    stored (offset below its stored next offset) and articles already stored (same id) are left
    out, so replays, duplicates and a late writer that lost its partitions add nothing."""
    def work() -> StoreResult:
        stored = {(batch_topic, p): o for batch_topic in {t for t, _ in batch.next_offsets}
                  for p, o in stored_offsets(con, batch.cluster_id, group, batch_topic).items()}

        def new(row: dict[str, Any]) -> bool:
            return row["offset"] >= stored.get((row["topic"], row["partition"]), -1)

        ids = [a["article_id"] for a in batch.articles if new(a)]
        known = set()
        if ids:
            known = {r[0] for r in run(con, f"SELECT DISTINCT article_id FROM {SCHEMA}.raw_articles "
                                            "WHERE article_id IN (SELECT unnest(?))", [ids])}
        fresh_articles, seen = [], set(known)
        for article in batch.articles:
            if new(article) and article["article_id"] not in seen:
                seen.add(article["article_id"])
                fresh_articles.append(article)
        fresh_ids = {a["article_id"] for a in fresh_articles}
        articles = _insert(con, "raw_articles", fresh_articles, ARTICLE_COLUMNS)
        observations = _insert(
            con, "observations", [o for o in batch.observations if o["article_id"] in fresh_ids], OBSERVATION_COLUMNS
        )
        rejected = _insert(con, "rejected", _unseen_rejects(con, [r for r in batch.rejected if new(r)]), REJECTED_COLUMNS)
        _store_offsets(con, batch, group, stored)
        return StoreResult(articles, observations, rejected)

    result, retries = write(con, work, "store batch")
    result.retries = retries
    return result


def _unseen_rejects(con: duckdb.DuckDBPyConnection, rejects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rejects:
        return []
    keys = [f"{r['topic']}/{r['partition']}/{r['offset']}" for r in rejects]
    seen = {r[0] for r in run(con, f"SELECT topic || '/' || \"partition\" || '/' || \"offset\" FROM {SCHEMA}.rejected "
                                   "WHERE \"offset\" BETWEEN ? AND ?", [min(r["offset"] for r in rejects), max(r["offset"] for r in rejects)])}
    out, taken = [], set(seen)
    for key, reject in zip(keys, rejects):
        if key not in taken:
            taken.add(key)
            out.append(reject)
    return out


def _store_offsets(con: duckdb.DuckDBPyConnection, batch: Batch, group: str, stored: dict[tuple[str, int], int]) -> None:
    if not batch.next_offsets:
        return
    rows = [
        {"cluster_id": batch.cluster_id, "consumer_group": group, "topic": topic, "topic_id": None, "partition": partition,
         "next_offset": max(offset, stored.get((topic, partition), 0)), "updated_at": now()}
        for (topic, partition), offset in batch.next_offsets.items()
    ]
    for (topic, partition) in batch.next_offsets:
        run(con, f'DELETE FROM {SCHEMA}.kafka_offsets WHERE cluster_id = ? AND consumer_group = ? AND topic = ? AND "partition" = ?',
            [batch.cluster_id, group, topic, partition])
    _insert(con, "kafka_offsets", rows, OFFSET_COLUMNS)


def stored_offsets(con: duckdb.DuckDBPyConnection, cluster_id: str, group: str, topic: str) -> dict[int, int]:
    """Where the lake says each partition's next record is, for this cluster only."""
    rows = run(
        con,
        f'SELECT "partition", max(next_offset) FROM {SCHEMA}.kafka_offsets WHERE cluster_id = ? AND consumer_group = ? '
        'AND topic = ? GROUP BY 1',
        [cluster_id, group, topic],
    )
    return {partition: offset for partition, offset in rows}


def forget_other_offsets(con: duckdb.DuckDBPyConnection, prefix: str, current: str) -> None:
    """Drop offsets stored for earlier in-memory brokers (ids with `prefix`): they are gone."""
    stale = run(con, f"SELECT count(*) FROM {SCHEMA}.kafka_offsets WHERE starts_with(cluster_id, ?) AND cluster_id <> ?",
                [prefix, current])[0][0]
    if stale:
        write(con, lambda: run(con, f"DELETE FROM {SCHEMA}.kafka_offsets WHERE starts_with(cluster_id, ?) AND cluster_id <> ?",
                               [prefix, current]), "forget offsets of gone brokers")


def replace_facts(con: duckdb.DuckDBPyConnection, facts: dict[str, list[dict[str, Any]]], parser_version: str) -> int:
    """Swap the facts of some articles for a new reading, in one transaction (used by `reparse`)."""
    ids = list(facts)

    def work() -> int:
        run(con, f"DELETE FROM {SCHEMA}.observations WHERE article_id IN (SELECT unnest(?))", [ids])
        added = _insert(con, "observations", [row for rows in facts.values() for row in rows], OBSERVATION_COLUMNS)
        run(con, f"UPDATE {SCHEMA}.raw_articles SET parser_version = ? WHERE article_id IN (SELECT unnest(?))",
            [parser_version, ids])
        return added

    return write(con, work, "replace facts")[0]


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {table: run(con, f"SELECT count(*) FROM {SCHEMA}.{table}")[0][0] for table in LOADER_TABLES}


def headers_json(headers: Optional[list[tuple[str, bytes]]]) -> str:
    return json.dumps({k: (v or b"").decode("utf-8", "replace") for k, v in (headers or [])}, ensure_ascii=False)
