"""Prefect flow `transform`: `dbt build` on dbt/ (dbt-duckdb), then publish the marts for BI."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from flows import settings as config
from flows.publish_marts import publish_marts
from vnindustry import progress
from vnindustry.reference import REPO_ROOT

DBT_DIR = REPO_ROOT / "dbt"


class DbtFailed(RuntimeError):
    pass


def run_dbt(args: list[str], warehouse: Path) -> None:
    """dbt in-process (one build at a time: dbtRunner is not safe to call concurrently)."""
    from dbt.cli.main import dbtRunner

    previous = os.environ.get("VNINDUSTRY_WAREHOUSE")
    os.environ["VNINDUSTRY_WAREHOUSE"] = str(warehouse)  # read by dbt/profiles.yml
    try:
        result = dbtRunner(callbacks=[progress.dbt_event]).invoke(
            [*args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
             "--log-path", str(warehouse.parent / "dbt-logs"), "--target-path", str(warehouse.parent / "dbt-target")]
        )
    finally:
        if previous is None:
            os.environ.pop("VNINDUSTRY_WAREHOUSE", None)
        else:
            os.environ["VNINDUSTRY_WAREHOUSE"] = previous
    if not result.success:
        failures = []
        for node in getattr(result.result, "results", None) or []:
            if str(getattr(node, "status", "")).lower() in ("error", "fail"):
                failures.append(f"{node.node.name}: {node.message}")
        raise DbtFailed("dbt " + " ".join(args) + " failed" + (": " + "; ".join(failures) if failures else f": {result.exception}"))


@task(name="dbt-build", cache_policy=NONE)
def dbt_build(warehouse: Path) -> None:
    run_dbt(["build", "--quiet"], warehouse)


@task(name="publish-marts", retries=2, retry_delay_seconds=2, cache_policy=NONE)
def publish(warehouse: Path, target: Path) -> dict[str, int]:
    return publish_marts(warehouse, target)


@flow(name="transform")
def transform_flow(warehouse: Optional[str] = None, publish_dir: Optional[str] = None) -> dict[str, int]:
    path, target = config.warehouse_path(warehouse), config.published_dir(publish_dir)
    config.check_paths(path, target)
    dbt_build(path)
    counts = publish(path, target)
    get_run_logger().info("published marts: %s", counts)
    return counts
