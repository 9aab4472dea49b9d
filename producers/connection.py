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
        f"({type(last).__name__}: {last}); check KAFKA_BOOTSTRAP_SERVERS and that the brokers are up"
    )
