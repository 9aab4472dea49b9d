"""Reach the cluster before doing work: bounded retries with exponential back-off, then a clear error."""
from __future__ import annotations

import os
import time
from typing import Callable, Optional

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from producers.kafka_settings import KafkaSettings


class ClusterUnreachable(RuntimeError):
    pass


def retry_policy(env=None) -> tuple[int, float]:
    """(attempts, first back-off in seconds) from VNINDUSTRY_CONNECT_ATTEMPTS / _BACKOFF_S."""
    env = os.environ if env is None else env
    return int(env.get("VNINDUSTRY_CONNECT_ATTEMPTS", "5")), float(env.get("VNINDUSTRY_CONNECT_BACKOFF_S", "1"))


def wait_for_cluster(
    settings: KafkaSettings,
    attempts: Optional[int] = None,
    backoff_s: Optional[float] = None,
    log: Callable[[str], None] = print,
) -> str:
    """Return the cluster id once the cluster answers; back off 1x, 2x, 4x... between tries."""
    default_attempts, default_backoff = retry_policy()
    attempts = attempts or default_attempts
    backoff_s = default_backoff if backoff_s is None else backoff_s
    last: Exception | None = None
    for attempt in range(1, attempts + 1):
        try:
            admin = KafkaAdminClient(bootstrap_timeout_ms=5000, request_timeout_ms=10000, **settings.client_config())
            try:
                return admin.describe_cluster().get("cluster_id") or settings.bootstrap_servers
            finally:
                admin.close()
        except (KafkaError, OSError) as exc:
            last = exc
            if attempt < attempts:
                delay = backoff_s * 2 ** (attempt - 1)
                log(f"Kafka at {settings.bootstrap_servers} not reachable (attempt {attempt}/{attempts}: "
                    f"{type(exc).__name__}); retrying in {delay:.1f}s")
                time.sleep(delay)
    raise ClusterUnreachable(
        f"cannot reach Kafka at {settings.bootstrap_servers} after {attempts} attempts "
        f"({_described(last)}); check KAFKA_BOOTSTRAP_SERVERS and that the brokers are up"
    )


def _described(exc: Optional[Exception]) -> str:
    """`Name: message`, once (kafka-python's errors already start their message with their name)."""
    text = str(exc)
    name = type(exc).__name__
    return text if text.startswith(name) else f"{name}: {text}"


NO_TOPIC_ID = "00000000-0000-0000-0000-000000000000"


class TopicIdentity:
    """Which topic a name stands for right now: the cluster's id and Kafka's topic id (KIP-516,
    brokers from 2.8 and Tansu report it; None when the broker does not or the topic is missing).
    Keeps one admin client open: asked once per batch, it costs a metadata round trip."""

    def __init__(self, settings: KafkaSettings):
        self.settings = settings
        self.admin: Optional[KafkaAdminClient] = None

    def current(self) -> tuple[str, Optional[str]]:
        if self.admin is None:
            self.admin = KafkaAdminClient(bootstrap_timeout_ms=5000, request_timeout_ms=10000, **self.settings.client_config())
        try:
            cluster_id = self.admin.describe_cluster().get("cluster_id") or self.settings.bootstrap_servers
            topics = self.admin.describe_topics([self.settings.articles_topic])
        except (KafkaError, OSError):
            self.close()  # a new client next time: the broker may have come back elsewhere
            raise
        found = next((t for t in topics if t.get("name") == self.settings.articles_topic and not t.get("error_code")), None)
        topic_id = str(found["topic_id"]) if found and found.get("topic_id") else None
        return cluster_id, (None if topic_id in (None, NO_TOPIC_ID) else topic_id)

    def close(self) -> None:
        if self.admin is not None:
            self.admin.close()
            self.admin = None
