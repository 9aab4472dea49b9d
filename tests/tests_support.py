"""Helpers shared by the end-to-end tests."""
import time

from kafka import KafkaConsumer, TopicPartition


def read_topic(address: str, topic: str) -> list:
    """Every record of a topic, read with an independent consumer (no group)."""
    consumer = KafkaConsumer(bootstrap_servers=address, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    records, deadline = [], time.monotonic() + 10
    while time.monotonic() < deadline:
        batch = consumer.poll(timeout_ms=500)
        if not batch and records:
            break
        records.extend(r for rs in batch.values() for r in rs)
    consumer.close()
    return records
