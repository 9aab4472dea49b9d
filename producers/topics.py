"""Create the pipeline's topics when they are missing."""
from __future__ import annotations

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from producers.kafka_settings import KafkaSettings


def ensure_topics(settings: KafkaSettings) -> None:
    admin = KafkaAdminClient(**settings.client_config())
    try:
        existing = set(admin.list_topics())
        wanted = [
            NewTopic(settings.articles_topic, settings.partitions, 1),
            NewTopic(settings.dlq_topic, 1, 1),
        ]
        missing = [t for t in wanted if t.name not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()
