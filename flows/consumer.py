"""The ingest consumer loop: poll a bounded batch, store it, then commit to Kafka.

Kept free of Prefect so a plain process (and the fault tests) can run it; `flows/ingest.py`
wraps each step as a task. One consumer per process: kafka-python's consumer is not thread-safe.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import duckdb
from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from flows import staging
from flows.batch import process_records
from flows.lake import Lake
from flows.staging import Batch, StoreResult, TopicReplaced, TopicReset
from producers.broker import EMBEDDED_CLUSTER_PREFIX
from producers.connection import TopicIdentity, wait_for_cluster
from producers.kafka_settings import KafkaSettings
from vnindustry import progress, stop_signals


log = logging.getLogger(__name__)
DLQ_MAX_PAYLOAD = 512 * 1024  # below every broker's default message size limit
SESSION_TIMEOUT_S = 6.0


class IngestStalled(TimeoutError):
    """No progress (no partition assigned, or no batch) for too long: nothing partial was stored."""


@dataclass
class IngestReport:
    batches: int = 0
    records: int = 0
    articles: int = 0
    observations: int = 0
    rejected: int = 0
    partitions: list[int] = field(default_factory=list)  # partitions it consumed records from
    commit_retries: int = 0  # lake commits retried after a write conflict with another writer
    topic_resets: int = 0  # times the topic was found replaced (read again from its beginning)


def make_consumer(settings: KafkaSettings, batch_size: int) -> KafkaConsumer:
    return KafkaConsumer(
        group_id=settings.group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=batch_size,
        session_timeout_ms=int(SESSION_TIMEOUT_S * 1000),
        heartbeat_interval_ms=1000,
        max_poll_interval_ms=300000,
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024,
        **settings.client_config(),
    )


class TopicPositions:
    """Where each partition resumes: the offsets stored with the data, for the topic as it is now.

    The warehouse owns positions, not the consumer group: a partition with no stored offset is
    read from its earliest retained record. The topic's identity (cluster id, Kafka's topic id)
    is asked at start, before each batch is stored, and every `check_interval_s` while idle; a
    topic that was replaced under its name (deleted and created again, a broker that lost its
    data) is logged loudly, recorded in ingest.topic_resets, and read from its beginning.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, consumer: KafkaConsumer, settings: KafkaSettings,
                 identity: TopicIdentity, check_interval_s: float = 10.0):
        self.con, self.consumer, self.settings, self.identity = con, consumer, settings, identity
        self.check_interval_s = check_interval_s
        self.cluster_id, self.topic_id = identity.current()
        self.checked_at = time.monotonic()

    def stored(self) -> dict[int, int]:
        return staging.stored_offsets(self.con, self.cluster_id, self.settings.group_id, self.settings.articles_topic,
                                      self.topic_id)

    def end_offsets(self) -> dict[int, int]:
        """Each partition's end offset: the listed one, or the high watermark of a fetch when it is
        larger (Tansu lists the base offset of the last record batch + 1)."""
        topic = self.settings.articles_topic
        partitions = [TopicPartition(topic, p) for p in sorted(self.consumer.partitions_for_topic(topic) or [])]
        listed = self.consumer.end_offsets(partitions) if partitions else {}
        assigned = self.consumer.assignment()
        return {tp.partition: max(offset, (self.consumer.highwater(tp) if tp in assigned else None) or 0)
                for tp, offset in listed.items()}

    def check(self, with_end_offsets: bool = True) -> Optional[TopicReset]:
        """Compare the topic as the cluster has it now with the one the stored offsets belong to;
        record a reset when they differ. `with_end_offsets`: also apply the fallback test (a stored
        offset above the end offset), needed only when the broker reports no topic id."""
        self.checked_at = time.monotonic()
        cluster_id, topic_id = self.identity.current()  # KafkaError when the broker cannot say
        group, topic = self.settings.group_id, self.settings.articles_topic
        if cluster_id != self.cluster_id:
            reset = TopicReset(self.cluster_id, group, topic, self.topic_id, topic_id,
                               f"the cluster changed under the same address (cluster id {self.cluster_id} -> {cluster_id})",
                               self.stored(), {})
        else:
            end = self.end_offsets() if with_end_offsets or topic_id is None else {}
            reset = staging.find_topic_reset(self.con, cluster_id, group, topic, topic_id, end)
        self.cluster_id, self.topic_id = cluster_id, topic_id
        if reset is None:
            return None
        recorded = staging.record_topic_reset(self.con, reset)
        message = (f"TOPIC RESET on {topic!r} (group {group}): {reset.reason}; stored offsets {reset.stored}, end offsets "
                   f"{reset.end or '-'}, topic id {reset.old_topic_id} -> {reset.new_topic_id}. Reading the new topic from its "
                   f"beginning (article ids make replays harmless); "
                   + ("recorded in ingest.topic_resets" if recorded else "another worker already recorded it"))
        log.error(message)
        progress.emit(progress.ALERT, message)
        return reset

    def due(self) -> bool:
        return time.monotonic() - self.checked_at >= self.check_interval_s


def _checked(positions: TopicPositions) -> Optional[TopicReset]:
    """An idle-time check; a broker that cannot answer now is asked again later."""
    try:
        return positions.check()
    except KafkaError as exc:
        log.debug("topic identity check skipped: %s", exc)
        return None


def rewind(consumer: KafkaConsumer, stored: dict[int, int], partitions=None) -> None:
    """Put partitions (default: every assigned one) where the warehouse says they stopped, or at
    their beginning when it has no offset for them. Local seeks only."""
    for tp in consumer.assignment() if partitions is None else partitions:
        if tp.partition in stored:
            consumer.seek(tp, stored[tp.partition])
        else:
            consumer.seek_to_beginning(tp)


class OffsetsFromWarehouse(ConsumerRebalanceListener):
    """On assignment, resume each partition where the warehouse says it stopped, or at its
    beginning when the warehouse has no offset for it (never at the group's committed offset);
    work is committed batch by batch, so a revoked partition has none pending."""

    def __init__(self, consumer: KafkaConsumer, stored: Callable[[], dict[int, int]]):
        self.consumer = consumer
        self.stored = stored
        self.assigned: set[TopicPartition] = set()
        self.changed_at = time.monotonic()

    def on_partitions_revoked(self, revoked):
        self.assigned -= set(revoked)
        self.changed_at = time.monotonic()

    def on_partitions_assigned(self, assigned):
        self.assigned |= set(assigned)
        self.changed_at = time.monotonic()
        rewind(self.consumer, self.stored(), assigned)  # runs on the client's IO thread


def send_to_dlq(producer: KafkaProducer, settings: KafkaSettings, batch: Batch) -> int:
    """Dead letters carry the why: reason and phase in headers, the original bytes as value."""
    futures = []
    for reject in batch.rejected:
        payload = reject["payload"]
        truncated = payload is not None and len(payload) > DLQ_MAX_PAYLOAD
        headers = [
            ("dlq_reason", reject["reason"].encode("utf-8")),
            ("dlq_phase", reject["phase"].encode()),
            ("dlq_topic", reject["topic"].encode()),
            ("dlq_partition", str(reject["partition"]).encode()),
            ("dlq_offset", str(reject["offset"]).encode()),
            ("dlq_payload_bytes", str(len(payload or b"")).encode()),
        ]
        if truncated:  # the whole payload is kept in ingest.rejected
            headers.append(("dlq_payload_truncated", b"true"))
            payload = payload[:DLQ_MAX_PAYLOAD]
        key = reject["message_key"].encode("utf-8") if reject["message_key"] else None
        futures.append(producer.send(settings.dlq_topic, key=key, value=payload, headers=headers))
    producer.flush()
    for future in futures:
        future.get(timeout=30)
    return len(futures)


def commit(consumer: KafkaConsumer, batch: Batch) -> bool:
    """Commit to Kafka after the warehouse has the batch. A failed commit loses nothing: the
    warehouse holds the offsets, and the next commit (or the next run's seek) covers them."""
    try:
        consumer.commit(
            {TopicPartition(t, p): OffsetAndMetadata(offset, "", -1) for (t, p), offset in batch.next_offsets.items()}
        )
        return True
    except KafkaError as exc:
        log.warning("Kafka commit failed (%s); offsets are stored with the data and will be committed later", exc)
        return False


class EndSeenAtStart:
    """Where batch mode stops: per partition, the larger of the listed end offset and the first
    high watermark a fetch reports (Tansu lists the base offset of the last batch + 1, while its
    fetch responses carry the true high watermark). Until a fetch reports one, not reached."""

    def __init__(self, consumer: KafkaConsumer):
        self.consumer = consumer
        self.listed: dict[TopicPartition, int] = {}
        self.settled: dict[TopicPartition, int] = {}

    def track(self, assignment) -> None:
        new = [tp for tp in assignment if tp not in self.listed]
        if new:
            self.listed.update(self.consumer.end_offsets(new))

    def reached(self, tp: TopicPartition) -> bool:
        if tp not in self.settled:
            highwater = self.consumer.highwater(tp)
            if highwater is None:
                return False
            self.settled[tp] = max(self.listed.get(tp, 0), highwater)
        return self.consumer.position(tp) >= self.settled[tp]


def run_consumer(
    settings: KafkaSettings,
    warehouse: "Lake | Path",
    batch_size: int = 500,
    follow: bool = False,
    poll_timeout_ms: int = 1000,
    assignment_timeout_s: float = 60.0,
    max_stall_s: Optional[float] = None,
    *,
    process: Callable[[list], Batch] = process_records,
    dead_letter: Callable[[KafkaProducer, KafkaSettings, Batch], int] = send_to_dlq,
    store: Callable[[duckdb.DuckDBPyConnection, Batch, str], StoreResult] = staging.store_batch,
    on_batch: Optional[Callable[[IngestReport], None]] = None,
    stop: Optional[threading.Event] = None,
) -> IngestReport:
    """Consume to the high watermark seen at start (or, with `follow`, until `stop` is set)."""
    report = IngestReport()
    wait_for_cluster(settings)  # bounded retries before anything else
    con = staging.connect(Lake.of(warehouse))
    consumer = make_consumer(settings, batch_size)
    producer = KafkaProducer(acks="all", enable_idempotence=True, **settings.client_config())
    identity = TopicIdentity(settings)
    try:
        positions = TopicPositions(con, consumer, settings, identity)
        if positions.cluster_id.startswith(EMBEDDED_CLUSTER_PREFIX):
            staging.forget_other_offsets(con, EMBEDDED_CLUSTER_PREFIX, positions.cluster_id)
        if positions.check():
            report.topic_resets += 1
        listener = OffsetsFromWarehouse(consumer, positions.stored)
        end = EndSeenAtStart(consumer)
        started = progressed = time.monotonic()
        max_stall_s = max_stall_s if max_stall_s is not None else float(os.environ.get("VNINDUSTRY_MAX_STALL_S", "300"))

        def restart_from_beginning() -> EndSeenAtStart:
            """The topic was replaced: records in hand are dropped, every partition is read again."""
            report.topic_resets += 1
            assigned = list(consumer.assignment())
            if assigned:
                consumer.seek_to_beginning(*assigned)
            return EndSeenAtStart(consumer)

        consumer.subscribe([settings.articles_topic], listener=listener)
        while not (stop is not None and stop.is_set()):  # checked between batches only
            stop_signals.raise_if_stopped()  # a signal a library swallowed still stops the loop
            polled = consumer.poll(timeout_ms=poll_timeout_ms, max_records=batch_size)
            assignment = consumer.assignment()
            end.track(assignment)
            records = [r for tp in sorted(polled, key=lambda t: t.partition) for r in polled[tp]]
            if records:
                try:
                    replaced = positions.check(with_end_offsets=False)  # never store positions of a replaced topic
                except KafkaError as exc:  # which topic these records come from is unknown: read them again later
                    log.warning("cannot confirm the topic's identity (%s); the batch will be read again", exc)
                    rewind(consumer, positions.stored())
                    continue
                if replaced:
                    end = restart_from_beginning()
                    continue
                batch = process(records)
                batch.cluster_id, batch.topic_id = positions.cluster_id, positions.topic_id
                dead_letter(producer, settings, batch)
                try:
                    result = store(con, batch, settings.group_id)
                except TopicReplaced as exc:  # another worker found the topic replaced first
                    log.error("%s; reading the topic again from its beginning", exc)
                    positions.check(with_end_offsets=False)
                    end = restart_from_beginning()
                    continue
                commit(consumer, batch)
                report.batches += 1
                report.records += len(records)
                report.partitions = sorted(set(report.partitions) | {r.partition for r in records})
                report.articles += result.articles
                report.observations += result.observations
                report.rejected += result.rejected
                report.commit_retries += result.retries
                if on_batch:
                    on_batch(report)
                progressed = time.monotonic()
                continue
            if assignment and positions.due() and _checked(positions):
                end = restart_from_beginning()
                continue
            if follow:
                continue
            if assignment and all(end.reached(tp) for tp in assignment) and (
                len(assignment) == len(consumer.partitions_for_topic(settings.articles_topic) or ())
                or time.monotonic() - listener.changed_at > SESSION_TIMEOUT_S + 1
            ):  # holding only some partitions: stop once the group is stable for a session timeout,
                # so partitions held by a dead member (evicted after it) are not left behind
                break
            if time.monotonic() - progressed > max_stall_s:  # e.g. the broker is gone and stays gone
                raise IngestStalled(f"no progress for {max_stall_s:.0f}s; stored batches are safe, run again when Kafka is back")
            if not assignment and time.monotonic() - started > assignment_timeout_s:
                raise IngestStalled(f"no partition of {settings.articles_topic!r} was assigned within {assignment_timeout_s:.0f}s")
    finally:
        identity.close()
        consumer.close()
        producer.close()
        con.close()
    return report
