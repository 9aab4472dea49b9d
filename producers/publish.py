"""Publish article events to Kafka: key = article id, CloudEvents headers, acks=all, idempotent."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Union

from kafka import KafkaProducer

from producers.articles import Refusal
from producers.kafka_settings import KafkaSettings
from vnindustry import progress
from vnindustry.events import cloudevent_headers, encode_event


@dataclass
class PublishReport:
    sent: int = 0
    refused: list[Refusal] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)


def make_producer(settings: KafkaSettings) -> KafkaProducer:
    return KafkaProducer(
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_request_size=16 * 1024 * 1024,
        **settings.client_config(),
    )


def publish(items: Iterable[Union[dict, Refusal]], settings: KafkaSettings) -> PublishReport:
    report = PublishReport()
    producer = make_producer(settings)
    try:
        futures = []
        for item in items:
            if isinstance(item, Refusal):
                report.refused.append(item)
                continue
            futures.append(
                producer.send(
                    settings.articles_topic,
                    key=item["article_id"].encode(),
                    value=encode_event(item),
                    headers=cloudevent_headers(item),
                )
            )
            report.article_ids.append(item["article_id"])
            progress.emit("publish", f"publish: {len(report.article_ids):,} articles sent, {len(report.refused):,} refused")
        producer.flush()
        for future in futures:
            future.get(timeout=30)  # raises if the broker did not acknowledge
            report.sent += 1
    finally:
        producer.close()
    return report
