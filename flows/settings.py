"""Where things are: warehouse paths and Kafka settings, from environment variables with defaults."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from flows.lake import Lake
from producers.kafka_settings import KafkaSettings, configured_bootstrap, settings_from_env
from vnindustry.reference import REPO_ROOT


def data_dir() -> Path:
    return Path(os.environ.get("VNINDUSTRY_DATA_DIR", REPO_ROOT / "data")).resolve()


def lake_dir(override: Optional[str] = None) -> Path:
    return Path(override).resolve() if override else data_dir() / "lake"


def lake(override: Optional[str] = None) -> Lake:
    """The warehouse: a DuckLake whose defaults (SQLite catalog, Parquet files) live in
    `override` or $VNINDUSTRY_DATA_DIR/lake; VNINDUSTRY_CATALOG / VNINDUSTRY_DATA_PATH scale it out."""
    return Lake.from_env(lake_dir(override))


def work_dir(override: Optional[str] = None) -> Path:
    """dbt's target and logs: beside the lake folder."""
    return lake_dir(override).parent


def published_dir(override: Optional[str] = None) -> Path:
    """Where the Parquet export of the marts is published for tools that read files."""
    return Path(override or os.environ.get("VNINDUSTRY_PUBLISH_DIR") or data_dir() / "published").resolve()


class SettingsError(ValueError):
    """Settings that would lose data or cannot work; the message says which and what to change."""


def check_paths(warehouse: Optional[str] = None, publish: Optional[Path] = None) -> None:
    """Publishing replaces files in the publish folder: the data folder and the lake's local
    catalog and data files must not be inside it (or be it)."""
    publish = publish or published_dir()
    the_lake = lake(warehouse)
    places = [("VNINDUSTRY_DATA_DIR", data_dir())]
    if not the_lake.data_path.startswith("s3://"):
        places.append(("VNINDUSTRY_DATA_PATH", Path(the_lake.data_path)))
    if the_lake.sqlite_file is not None:
        places.append(("the lake's catalog", the_lake.sqlite_file))
    for name, path in places:
        if path == publish or path.is_relative_to(publish):
            raise SettingsError(f"{name} ({path}) is inside VNINDUSTRY_PUBLISH_DIR ({publish}): publishing the marts "
                                f"could overwrite it; point VNINDUSTRY_PUBLISH_DIR at a folder of its own")


def kafka(bootstrap_servers: Optional[str] = None) -> KafkaSettings:
    bootstrap = bootstrap_servers or configured_bootstrap()
    if not bootstrap:
        raise SettingsError("no Kafka cluster: set KAFKA_BOOTSTRAP_SERVERS or run through `vnindustry run`")
    return settings_from_env(bootstrap)
