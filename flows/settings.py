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


class SettingsError(ValueError):
    """Settings that would lose data or cannot work; the message says which and what to change."""


def check_paths(warehouse: Optional[Path] = None, publish: Optional[Path] = None) -> None:
    """Publishing replaces files in the publish folder: the warehouse and the data folder must
    not be inside it (or be it)."""
    publish = publish or published_dir()
    for name, path in (("VNINDUSTRY_WAREHOUSE", warehouse or warehouse_path()), ("VNINDUSTRY_DATA_DIR", data_dir())):
        if path == publish or path.is_relative_to(publish):
            raise SettingsError(f"{name} ({path}) is inside VNINDUSTRY_PUBLISH_DIR ({publish}): publishing the marts "
                                f"could overwrite it; point VNINDUSTRY_PUBLISH_DIR at a folder of its own")


def kafka(bootstrap_servers: Optional[str] = None) -> KafkaSettings:
    bootstrap = bootstrap_servers or configured_bootstrap()
    if not bootstrap:
        raise SettingsError("no Kafka cluster: set KAFKA_BOOTSTRAP_SERVERS or run through `vnindustry run`")
    return settings_from_env(bootstrap)
