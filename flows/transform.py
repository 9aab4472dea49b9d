"""Prefect flow `transform`: dbt builds the marts inside the lake, on one snapshot, then the
Parquet export is refreshed.

A routine build is incremental: it passes dbt the snapshot it reads (`snapshot`) and the one
the last build read (`since`), and the marts process only the articles added or re-read in
between. A full build (first run, `--full-refresh`, or dbt/ changed since the last build) also
loads the seeds and runs every test. With no new article since the last build, nothing runs.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE

from flows import settings as config
from flows import staging
from flows.lake import ALIAS, Lake, current_snapshot
from flows.publish_marts import publish_marts
from flows.published_set import check_no_loss
from vnindustry import progress
from vnindustry.reference import REPO_ROOT

DBT_DIR = REPO_ROOT / "dbt"
ROUTINE_MODELS = ("fct_observations", "fct_product_output", "fct_province_year_sector", "fct_province_year_product",
                  "dim_period", "fct_review_queue", "assert_province_year_sector_grain_is_unique")
BUILDS = """
CREATE SCHEMA IF NOT EXISTS transform;
CREATE TABLE IF NOT EXISTS transform.builds (
    snapshot BIGINT NOT NULL,
    mode VARCHAR NOT NULL,
    project_hash VARCHAR NOT NULL,
    articles_changed BIGINT,
    seconds DOUBLE,
    built_at TIMESTAMPTZ NOT NULL
);
"""


FRESHNESS = """
CREATE SCHEMA IF NOT EXISTS transform;
CREATE TABLE IF NOT EXISTS transform.source_freshness (
    source VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    max_loaded_at TIMESTAMPTZ,
    age_s DOUBLE,
    checked_at TIMESTAMPTZ NOT NULL
);
"""


class DbtFailed(RuntimeError):
    pass


@dataclass
class BuildReport:
    mode: str  # full, incremental or skipped
    snapshot: int
    since: Optional[int] = None
    articles_changed: Optional[int] = None
    seconds: float = 0.0
    published: dict[str, int] = field(default_factory=dict)
    freshness: list[dict] = field(default_factory=list)


def project_hash() -> str:
    """dbt/ as the build sees it: a change to a model, macro or seed calls for a full build."""
    digest = hashlib.sha256()
    for path in sorted(DBT_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".sql", ".yml", ".csv") and not {"target", "logs", "dbt_packages"} & set(path.parts):
            digest.update(str(path.relative_to(DBT_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def lake_environment(lake: Lake, snapshot: Optional[int] = None):
    """The variables dbt/profiles.yml reads, set for one dbt call."""
    env = lake.dbt_env(snapshot)
    previous = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def invoke_dbt(args: list[str], lake: Lake, work_dir: Path, variables: Optional[dict] = None, snapshot: Optional[int] = None):
    """dbt in-process (one call at a time: dbtRunner is not safe to call concurrently)."""
    from dbt.cli.main import dbtRunner

    common = dbt_paths(work_dir)
    with lake_environment(lake, snapshot):
        return dbtRunner(manifest=parsed_manifest(common), callbacks=[progress.dbt_event]).invoke(
            [*args, *common, *(["--vars", json.dumps(variables)] if variables else [])]
        )


def run_dbt(args: list[str], lake: Lake, work_dir: Path, variables: Optional[dict] = None, snapshot: Optional[int] = None) -> None:
    """dbt in-process; a failure raises DbtFailed with the failing nodes."""
    result = invoke_dbt(args, lake, work_dir, variables, snapshot)
    if not result.success:
        failures = []
        for node in getattr(result.result, "results", None) or []:
            if str(getattr(node, "status", "")).lower() in ("error", "fail"):
                failures.append(f"{node.node.name}: {node.message}")
        raise DbtFailed("dbt " + " ".join(args) + " failed" + (": " + "; ".join(failures) if failures else f": {result.exception}"))


_MANIFESTS: dict[str, object] = {}


def dbt_paths(work_dir: Path) -> list[str]:
    return ["--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
            "--log-path", str(work_dir / "dbt-logs"), "--target-path", str(work_dir / "dbt-target")]


def warm_up(lake: Lake, work_dir: Path) -> None:
    """Import and parse dbt now, as a long-running worker has done before its next refresh."""
    with lake_environment(lake):
        parsed_manifest(dbt_paths(work_dir))


def parsed_manifest(common: list[str]):
    """dbt's parsed project, kept for the life of the process (a long-running worker then pays
    dbt's parse once, not at every refresh); parsed again when anything under dbt/ changes."""
    from dbt.cli.main import dbtRunner

    key = project_hash()
    if key not in _MANIFESTS:
        result = dbtRunner().invoke(["parse", "--quiet", *common])
        if not result.success:
            raise DbtFailed(f"dbt parse failed: {result.exception}")
        _MANIFESTS.clear()
        _MANIFESTS[key] = result.result
    manifest = _MANIFESTS[key]
    for node in manifest.nodes.values():  # a build compiles nodes in place: start each build uncompiled
        if "extra_ctes_injected" in getattr(node, "__dataclass_fields__", {}):
            node.extra_ctes_injected = False
            node.extra_ctes = []
            node.compiled = False
            node.compiled_code = None
    return manifest


def last_build(con) -> Optional[tuple[int, str]]:
    rows = staging.run(con, "SELECT snapshot, project_hash FROM transform.builds ORDER BY built_at DESC LIMIT 1")
    return rows[0] if rows else None


def marts_exist(con) -> bool:
    return bool(staging.run(con, "SELECT 1 FROM information_schema.tables WHERE table_catalog = ? AND table_schema = 'marts' "
                                 "AND table_name = 'fct_province_year_sector'", [ALIAS]))


def snapshot_kept(con, snapshot: int) -> bool:
    """The last build's snapshot still exists (maintenance keeps it; a hand-run expiry may not)."""
    return bool(staging.run(con, f"SELECT 1 FROM {ALIAS}.snapshots() WHERE snapshot_id = ?", [snapshot]))


def articles_changed(con, since: int, snapshot: int) -> int:
    if snapshot <= since:
        return 0
    return staging.run(con, f"SELECT count(DISTINCT article_id) FROM ducklake_table_changes('{ALIAS}', 'ingest', "
                            "'raw_articles', ?, ?)", [since + 1, snapshot])[0][0]


def build(lake: Lake, work_dir: Path, full_refresh: bool = False) -> BuildReport:
    """One build of the marts on the lake's current snapshot (see the module docstring)."""
    started = time.monotonic()
    con = staging.connect(lake)
    try:
        if not staging.run(con, "SELECT 1 FROM information_schema.tables WHERE table_catalog = ? AND table_schema = 'transform'", [ALIAS]):
            staging.write(con, lambda: staging.run(con, BUILDS), "create transform.builds")
        snapshot, fingerprint = current_snapshot(con), project_hash()
        last = last_build(con)
        full = full_refresh or last is None or last[1] != fingerprint or not marts_exist(con) or not snapshot_kept(con, last[0])
        since = None if full else last[0]
        changed = None if full else articles_changed(con, since, snapshot)
        if not full and changed == 0:
            return BuildReport("skipped", snapshot, since, 0, time.monotonic() - started)
        report = BuildReport("full" if full else "incremental", snapshot, since, changed)
        args = ["build", "--quiet", "--full-refresh"] if full else \
            ["build", "--quiet", "--select", *ROUTINE_MODELS, "--exclude", "test_type:generic", "test_type:unit"]
        variables = {"snapshot": snapshot, **({} if full else {"since": since})}
        with lake.writer_turn():
            run_dbt(args, lake, work_dir, variables, snapshot)
        report.seconds = time.monotonic() - started
        staging.write(con, lambda: staging.run(
            con, "INSERT INTO transform.builds VALUES (?, ?, ?, ?, ?, now())",
            [snapshot, report.mode, fingerprint, changed, report.seconds]), "record the build")
        return report
    finally:
        con.close()


def source_freshness(lake: Lake, work_dir: Path) -> list[dict]:
    """`dbt source freshness` (thresholds in dbt/models/staging/_ingest__sources.yml), recorded in
    transform.source_freshness for `vnindustry status`. Stale sources are reported, not raised:
    the build itself succeeded."""
    result = invoke_dbt(["source", "freshness", "--quiet"], lake, work_dir)
    rows = []
    for node in getattr(result.result, "results", None) or []:
        loaded_at = getattr(node, "max_loaded_at", None)
        rows.append({"source": f"{node.node.source_name}.{node.node.name}", "status": str(node.status),
                     "max_loaded_at": loaded_at.isoformat() if loaded_at else None, "age_s": getattr(node, "age", None)})
    if not rows and not result.success:
        raise DbtFailed(f"dbt source freshness failed: {result.exception}")
    con = staging.connect(lake)
    try:
        def record() -> None:
            staging.run(con, "DELETE FROM transform.source_freshness")
            for row in rows:
                staging.run(con, "INSERT INTO transform.source_freshness VALUES (?, ?, ?, ?, now())",
                            [row["source"], row["status"], row["max_loaded_at"], row["age_s"]])

        staging.write(con, lambda: (staging.run(con, FRESHNESS), record()), "record source freshness")
    finally:
        con.close()
    return rows


@task(name="dbt-source-freshness", cache_policy=NONE)
def check_freshness(lake: Lake, work_dir: Path) -> list[dict]:
    return source_freshness(lake, work_dir)


@task(name="dbt-build", cache_policy=NONE)
def dbt_build(lake: Lake, work_dir: Path, full_refresh: bool) -> BuildReport:
    return build(lake, work_dir, full_refresh)


@task(name="publish-marts", retries=2, retry_delay_seconds=2, cache_policy=NONE)
def publish(lake: Lake, target: Path) -> dict[str, int]:
    return publish_marts(lake, target)


@flow(name="transform")
def transform_flow(warehouse: Optional[str] = None, publish_dir: Optional[str] = None, full_refresh: bool = False,
                   force: bool = False) -> dict:
    """Build the marts in the lake (incrementally when it can), then refresh the Parquet export;
    refused, before anything changes, when the lake lacks articles of the last published set."""
    lake, target = config.lake(warehouse), config.published_dir(publish_dir)
    config.check_paths(lake, target)
    if not force:
        check_no_loss(lake, target)
    report = dbt_build(lake, config.work_dir(warehouse), full_refresh)
    if report.mode != "skipped" or not (target / "current").exists():
        report.published = publish(lake, target)
    report.freshness = check_freshness(lake, config.work_dir(warehouse))
    get_run_logger().info("transform: %s build on snapshot %s (%s articles changed) in %.1fs; export %s",
                          report.mode, report.snapshot, report.articles_changed, report.seconds, report.published)
    publish_artifacts(report)
    return report.__dict__


def publish_artifacts(report: BuildReport) -> None:
    """For the Prefect UI: the export's rows per mart and the sources' freshness, and a summary."""
    rows = [{"table": table, "rows": count} for table, count in report.published.items()]
    create_table_artifact(rows or [{"table": "(export unchanged)", "rows": None}], key="transform-marts",
                          description="Rows per mart in the Parquet export of this run")
    create_table_artifact(report.freshness, key="transform-source-freshness", description="dbt source freshness after the build")
    stale = [f"`{row['source']}` ({row['status']})" for row in report.freshness if row["status"] != "pass"]
    create_markdown_artifact(
        f"## transform: {report.mode} build\n\n"
        f"- snapshot read: **{report.snapshot}**" + (f" (since {report.since})" if report.since is not None else "") + "\n"
        f"- articles changed: **{report.articles_changed if report.articles_changed is not None else 'all'}**\n"
        f"- seconds: {report.seconds:.1f}\n"
        f"- export: {', '.join(f'{t} {n}' for t, n in report.published.items()) or 'unchanged'}\n"
        f"- source freshness: {', '.join(stale) if stale else 'every source passes'}\n",
        key="transform-summary", description="What this transform run did")
