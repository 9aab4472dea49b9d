"""Kafka connection settings from the standard `KAFKA_*` environment variables.

`KAFKA_BOOTSTRAP_SERVERS` unset means "no cluster configured": the CLI then starts an
embedded broker for the run. Security settings pass straight through to kafka-python.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

ARTICLES_TOPIC = "articles"
DLQ_TOPIC = "articles.dlq"
INGEST_GROUP = "vnindustry-ingest"

# environment variable -> kafka-python keyword
_PASSTHROUGH = {
    "KAFKA_SECURITY_PROTOCOL": "security_protocol",
    "KAFKA_SASL_MECHANISM": "sasl_mechanism",
    "KAFKA_SASL_USERNAME": "sasl_plain_username",
    "KAFKA_SASL_PASSWORD": "sasl_plain_password",
    "KAFKA_SSL_CAFILE": "ssl_cafile",
    "KAFKA_SSL_CERTFILE": "ssl_certfile",
    "KAFKA_SSL_KEYFILE": "ssl_keyfile",
    "KAFKA_SSL_PASSWORD": "ssl_password",
    "KAFKA_CLIENT_ID": "client_id",
}


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap_servers: str
    security: Mapping[str, Any] = field(default_factory=dict)
    articles_topic: str = ARTICLES_TOPIC
    dlq_topic: str = DLQ_TOPIC
    group_id: str = INGEST_GROUP
    partitions: int = 3

    def client_config(self) -> dict[str, Any]:
        """Keyword arguments common to producers, consumers and admin clients."""
        return {"bootstrap_servers": self.bootstrap_servers.split(","), **self.security}


def configured_bootstrap(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    env = os.environ if env is None else env
    return env.get("KAFKA_BOOTSTRAP_SERVERS") or None


def settings_from_env(bootstrap_servers: str, env: Optional[Mapping[str, str]] = None) -> KafkaSettings:
    env = os.environ if env is None else env
    security = {kw: env[var] for var, kw in _PASSTHROUGH.items() if env.get(var)}
    if "KAFKA_SSL_CHECK_HOSTNAME" in env:
        security["ssl_check_hostname"] = env["KAFKA_SSL_CHECK_HOSTNAME"].lower() in ("1", "true", "yes")
    return KafkaSettings(
        bootstrap_servers=bootstrap_servers,
        security=security,
        articles_topic=env.get("VNINDUSTRY_TOPIC", ARTICLES_TOPIC),
        dlq_topic=env.get("VNINDUSTRY_DLQ_TOPIC", DLQ_TOPIC),
        group_id=env.get("VNINDUSTRY_GROUP", INGEST_GROUP),
        partitions=int(env.get("VNINDUSTRY_PARTITIONS", "3")),
    )
