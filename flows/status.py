"""What an operator (or cron, or a monitor) asks: is the pipeline keeping up, and is it healthy?

Lag per partition is the partition's end offset minus the next offset stored with the data (the
warehouse owns positions). The rest comes from the lake: the last batch, rows per table, rejects
by phase with the latest reason, topic resets, the last marts build, and the last `dbt source
freshness` the transform flow recorded. `problems` lists what makes the pipeline stale.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

import duckdb
from kafka import KafkaConsumer, TopicPartition

from flows import staging
from flows.lake import ALIAS, Lake
from producers.connection import TopicIdentity, wait_for_cluster
from producers.kafka_settings import KafkaSettings

MART_SCHEMA = "marts"


@dataclass
class Status:
    warehouse: str
    kafka: str = "not configured (KAFKA_BOOTSTRAP_SERVERS unset): lag not measured"
    partitions: list[dict[str, Any]] = field(default_factory=list)
    last_batch_at: Optional[str] = None
    rows: dict[str, int] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    topic_resets: list[dict[str, Any]] = field(default_factory=list)
    marts_built_at: Optional[str] = None
    marts_build: Optional[dict[str, Any]] = None
    articles_after_build: int = 0
    source_freshness: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def gather(lake: Lake, settings: Optional[KafkaSettings], max_lag: int = 0) -> Status:
    """The status of one lake (and, when `settings` is given, of its consumer group's lag).
    Raises ClusterUnreachable when a configured cluster cannot be reached."""
    status = Status(warehouse=lake.describe())
    con = lake.connect(read_only=True)
    try:
        tables = {(s, t) for s, t in staging.run(con, "SELECT table_schema, table_name FROM information_schema.tables "
                                                      "WHERE table_catalog = ?", [ALIAS])}
        for schema, table in sorted(tables):
            if schema in (staging.SCHEMA, MART_SCHEMA) and table != "commit_fence":
                status.rows[f"{schema}.{table}"] = staging.run(con, f'SELECT count(*) FROM {schema}."{table}"')[0][0]
        _ingest(con, status)
        if ("transform", "builds") in tables:
            _marts(con, status, with_freshness=("transform", "source_freshness") in tables)
        if settings is not None:
            _lag(con, settings, status)
    finally:
        con.close()
    _problems(status, max_lag)
    return status


def _iso(value) -> Optional[str]:
    return value.isoformat() if value is not None else None


def _ingest(con, status: Status) -> None:
    last = staging.run(con, f"SELECT max(updated_at) FROM {staging.SCHEMA}.kafka_offsets")[0][0]
    status.last_batch_at = _iso(last)
    for phase, count, latest_at, reason in staging.run(con, f"""
            SELECT phase, count(*), max(rejected_at), arg_max(reason, rejected_at) FROM {staging.SCHEMA}.rejected
            GROUP BY phase ORDER BY phase"""):
        status.rejects.append({"phase": phase, "count": count, "latest_at": _iso(latest_at), "latest_reason": reason})
    for row in staging.run(con, f"""
            SELECT detected_at, topic, consumer_group, old_topic_id, new_topic_id, reason FROM {staging.SCHEMA}.topic_resets
            ORDER BY detected_at DESC LIMIT 5"""):
        status.topic_resets.append(dict(zip(("detected_at", "topic", "group", "old_topic_id", "new_topic_id", "reason"),
                                            (_iso(row[0]), *row[1:]))))


def _marts(con, status: Status, with_freshness: bool) -> None:
    rows = staging.run(con, "SELECT built_at, mode, snapshot, articles_changed, seconds FROM transform.builds "
                            "ORDER BY built_at DESC LIMIT 1")
    if rows:
        built_at, mode, snapshot, changed, seconds = rows[0]
        status.marts_built_at = _iso(built_at)
        status.marts_build = {"mode": mode, "snapshot": snapshot, "articles_changed": changed, "seconds": round(seconds, 1)}
        status.articles_after_build = _articles_since(con, snapshot, built_at)
    if with_freshness:
        for source, state, max_loaded_at, age_s, checked_at in staging.run(
                con, "SELECT source, status, max_loaded_at, age_s, checked_at FROM transform.source_freshness ORDER BY source"):
            status.source_freshness.append({"source": source, "status": state, "max_loaded_at": _iso(max_loaded_at),
                                            "age_s": age_s, "checked_at": _iso(checked_at)})


def _articles_since(con, snapshot: int, built_at) -> int:
    """Articles added or re-read after the build's snapshot (by load time if that snapshot expired)."""
    current = staging.run(con, f"SELECT id FROM {ALIAS}.current_snapshot()")[0][0]
    if current <= snapshot:
        return 0
    try:
        return staging.run(con, f"SELECT count(DISTINCT article_id) FROM ducklake_table_changes('{ALIAS}', ?, 'raw_articles', "
                                "?, ?)", [staging.SCHEMA, snapshot + 1, current])[0][0]
    except duckdb.Error:
        return staging.run(con, f"SELECT count(*) FROM {staging.SCHEMA}.raw_articles WHERE loaded_at > ?", [built_at])[0][0]


def _lag(con, settings: KafkaSettings, status: Status) -> None:
    wait_for_cluster(settings, attempts=2, backoff_s=0.5, log=lambda _m: None)
    identity = TopicIdentity(settings)
    try:
        cluster_id, topic_id = identity.current()
    finally:
        identity.close()
    stored = staging.stored_offsets(con, cluster_id, settings.group_id, settings.articles_topic, topic_id)
    end = end_offsets(settings, stored)
    status.kafka = f"{settings.bootstrap_servers} (cluster {cluster_id}, topic {settings.articles_topic!r} id {topic_id})"
    for partition in sorted(end):
        next_offset = stored.get(partition)
        status.partitions.append({"partition": partition, "end_offset": end[partition], "stored_next_offset": next_offset,
                                  "lag": end[partition] - (next_offset or 0)})


def end_offsets(settings: KafkaSettings, stored: dict[int, int], timeout_s: float = 5.0) -> dict[int, int]:
    """Each partition's end offset: the larger of the listed one and the high watermark of a fetch
    at the stored position (Tansu lists the base offset of the last record batch + 1)."""
    consumer = KafkaConsumer(enable_auto_commit=False, **settings.client_config())
    try:
        partitions = [TopicPartition(settings.articles_topic, p)
                      for p in sorted(consumer.partitions_for_topic(settings.articles_topic) or [])]
        if not partitions:
            return {}
        listed = consumer.end_offsets(partitions)
        consumer.assign(partitions)
        for tp in partitions:
            consumer.seek(tp, min(stored.get(tp.partition, 0), listed[tp]))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and any(consumer.highwater(tp) is None for tp in partitions):
            consumer.poll(timeout_ms=200, max_records=1)
        return {tp.partition: max(listed[tp], consumer.highwater(tp) or 0) for tp in partitions}
    finally:
        consumer.close()


def _problems(status: Status, max_lag: int) -> None:
    for partition in status.partitions:
        if partition["lag"] > max_lag:
            status.problems.append(f"partition {partition['partition']} lags {partition['lag']} records (> {max_lag})")
    loaded = status.rows.get(f"{staging.SCHEMA}.raw_articles", 0)
    if loaded and status.marts_built_at is None:
        status.problems.append("no marts built yet")
    elif status.articles_after_build:
        status.problems.append(f"{status.articles_after_build} articles loaded after the last marts build")
    for source in status.source_freshness:
        if source["status"] in ("error", "runtime error"):
            status.problems.append(f"source {source['source']}: freshness {source['status']}")
