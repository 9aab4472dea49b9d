"""Prefect flow `ingest`: Kafka `articles` -> DuckDB staging, batch by batch (see flows/consumer.py)."""
from __future__ import annotations

from typing import Optional

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

from flows import consumer as loop
from flows import settings as config
from flows.batch import process_records
from flows.staging import Batch, StoreResult, store_batch
from vnindustry import progress, stop_signals


def not_stopping(task, task_run, state) -> bool:
    """Retry a failed task unless the process was told to stop (the failure may be the signal)."""
    return stop_signals.received() is None


@task(name="parse-batch", cache_policy=NONE)
def parse_batch(records: list) -> Batch:
    return process_records(records)


@task(name="dead-letter", retries=3, retry_delay_seconds=[1, 2, 4], retry_condition_fn=not_stopping, cache_policy=NONE)
def dead_letter(producer, settings, batch: Batch) -> int:
    return loop.send_to_dlq(producer, settings, batch)


@task(name="store-batch", retries=2, retry_delay_seconds=[1, 3], retry_condition_fn=not_stopping, cache_policy=NONE)
def store(con, batch: Batch, group: str) -> StoreResult:
    return store_batch(con, batch, group)


@flow(name="ingest", log_prints=True)
def ingest_flow(
    bootstrap_servers: Optional[str] = None,
    warehouse: Optional[str] = None,
    batch_size: int = 500,
    follow: bool = False,
) -> dict:
    """Consume article events in batches; store rows and offsets in one transaction; then commit."""
    settings = config.kafka(bootstrap_servers)
    lake = config.lake(warehouse)
    logger = get_run_logger()

    def report_batch(report: loop.IngestReport) -> None:
        logger.info("batch %d: %d records, %d articles, %d facts, %d rejected so far",
                    report.batches, report.records, report.articles, report.observations, report.rejected)
        progress.emit("ingest", f"ingest: {report.batches} batches, {report.records:,} records → {report.articles:,} new "
                                f"articles, {report.observations:,} new facts, {report.rejected:,} rejected")

    report = loop.run_consumer(
        settings, lake, batch_size=batch_size, follow=follow,
        # quote(): Prefect would otherwise walk and copy every record and row passed to a task
        process=lambda records: parse_batch(quote(records)),
        dead_letter=lambda producer, kafka, batch: dead_letter(quote(producer), kafka, quote(batch)),
        store=lambda con, batch, group: store(quote(con), quote(batch), group),
        on_batch=report_batch,
    )
    publish_artifacts(report)
    return report.__dict__


def publish_artifacts(report: loop.IngestReport) -> None:
    """For the Prefect UI: this run's counts as a table, and a summary that calls out resets."""
    counts = {k: v for k, v in report.__dict__.items() if k != "partitions"}
    create_table_artifact([{"count": name, "value": value} for name, value in counts.items()], key="ingest-counts",
                          description="What this ingest run read and stored")
    create_markdown_artifact(
        f"## ingest: {report.articles} new articles\n\n"
        f"- {report.records} records in {report.batches} batches from partitions {report.partitions or '-'}\n"
        f"- {report.articles} new articles, {report.observations} new facts, {report.rejected} rejected (see `ingest.rejected`)\n"
        + (f"- **{report.topic_resets} topic reset(s)**: the topic was replaced and read again from its beginning "
           f"(`ingest.topic_resets`)\n" if report.topic_resets else ""),
        key="ingest-summary", description="What this ingest run did")
