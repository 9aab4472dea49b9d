"""Where things are: warehouse paths and Kafka settings, from environment variables with defaults."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from producers.kafka_settings import KafkaSettings, configured_bootstrap, settings_from_env
from vnindustry.reference import REPO_ROOT


def data_dir() -> Path:
    return Path(os.environ.get("VNINDUSTRY_DATA_DIR", REPO_ROOT / "data")).resolve()


def warehouse_path(override: Optional[str] = None) -> Path:
    """The loader's and dbt's DuckDB file (one writer at a time)."""
    return Path(override or os.environ.get("VNINDUSTRY_WAREHOUSE") or data_dir() / "warehouse.duckdb").resolve()


def published_dir(override: Optional[str] = None) -> Path:
    """Where the read-only copy for BI (marts.duckdb + Parquet) is published."""
    return Path(override or os.environ.get("VNINDUSTRY_PUBLISH_DIR") or data_dir() / "published").resolve()


def kafka(bootstrap_servers: Optional[str] = None) -> KafkaSettings:
    bootstrap = bootstrap_servers or configured_bootstrap()
    if not bootstrap:
        raise RuntimeError("no Kafka cluster: set KAFKA_BOOTSTRAP_SERVERS or run through `vnindustry run`")
    return settings_from_env(bootstrap)
