"""Prefect flow `ingest`: Kafka `articles` -> DuckDB staging, batch by batch (see flows/consumer.py)."""
from __future__ import annotations

from typing import Optional

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

from flows import consumer as loop
from flows import settings as config
from flows.batch import process_records
from flows.staging import Batch, StoreResult, store_batch
from vnindustry import progress


@task(name="parse-batch", cache_policy=NONE)
def parse_batch(records: list) -> Batch:
    return process_records(records)


@task(name="dead-letter", retries=3, retry_delay_seconds=[1, 2, 4], cache_policy=NONE)
def dead_letter(producer, settings, batch: Batch) -> int:
    return loop.send_to_dlq(producer, settings, batch)


@task(name="store-batch", retries=2, retry_delay_seconds=[1, 3], cache_policy=NONE)
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
    return report.__dict__
