"""Continuous mode: consume article events as they come and keep the marts fresh.

One process can do both (the ingest loop in the main thread, the refresher in another) or
either: ingest workers scale out in one consumer group, a transform worker refreshes the marts
whenever the lake has new articles. A refresh is an incremental dbt build on the latest
snapshot; the Parquet export follows at most every `export_interval_s`, lake maintenance
(`flows/maintenance.py`) every VNINDUSTRY_MAINTENANCE_INTERVAL_S (default an hour).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from prefect import flow, get_run_logger

from flows import consumer as loop
from flows import settings as config
from flows.lake import Lake
from flows.maintenance import maintain
from flows.publish_marts import publish_marts
from flows.published_set import check_no_loss
from flows.transform import BuildReport, build
from producers.kafka_settings import KafkaSettings

log = logging.getLogger(__name__)


@dataclass
class WorkerReport:
    ingest: Optional[loop.IngestReport] = None
    builds: list[BuildReport] = field(default_factory=list)
    build_errors: int = 0


class Refresher(threading.Thread):
    """Refresh the marts when woken (new facts landed) or every `interval_s` (another process's)."""

    def __init__(self, lake: Lake, work_dir: Path, publish_dir: Path, interval_s: float, export_interval_s: float,
                 stop: threading.Event, on_build: Optional[Callable[[BuildReport], None]] = None):
        super().__init__(name="refresher", daemon=True)
        self.lake, self.work_dir, self.publish_dir = lake, work_dir, publish_dir
        self.interval_s, self.export_interval_s = interval_s, export_interval_s
        self.stop, self.on_build = stop, on_build
        self.wake = threading.Event()
        self.report = WorkerReport()
        self.exported_at = 0.0
        self.maintained_at = time.monotonic()
        self.maintenance_interval_s = float(os.environ.get("VNINDUSTRY_MAINTENANCE_INTERVAL_S", "3600"))

    def run(self) -> None:
        while not self.stop.is_set():
            self.wake.wait(self.interval_s)
            self.wake.clear()
            self.refresh()

    def refresh(self) -> None:
        try:
            check_no_loss(self.lake, self.publish_dir)
            report = build(self.lake, self.work_dir)
        except Exception:  # a failed build changes nothing that the next one does not redo
            self.report.build_errors += 1
            log.exception("refresh failed; the next one retries from the same snapshot")
            time.sleep(min(self.interval_s * 2, 30))
            return
        if report.mode != "skipped" and time.monotonic() - self.exported_at >= self.export_interval_s:
            report.published = publish_marts(self.lake, self.publish_dir)
            self.exported_at = time.monotonic()
        if report.mode != "skipped":
            self.report.builds.append(report)
            if self.on_build:
                self.on_build(report)
        if time.monotonic() - self.maintained_at >= self.maintenance_interval_s:
            self.maintained_at = time.monotonic()
            try:
                log.info("lake maintenance: %s", maintain(self.lake))
            except Exception:  # the next round tries again; nothing depends on it
                log.exception("lake maintenance failed")


def run_worker(
    settings: Optional[KafkaSettings],
    lake: Lake,
    work_dir: Path,
    publish_dir: Path,
    transform: bool = True,
    batch_size: int = 500,
    interval_s: float = 2.0,
    export_interval_s: float = 30.0,
    stop: Optional[threading.Event] = None,
    on_build: Optional[Callable[[BuildReport], None]] = None,
    on_batch: Optional[Callable[[loop.IngestReport], None]] = None,
) -> WorkerReport:
    """Ingest (when `settings` is given) and refresh (when `transform`) until `stop` is set."""
    stop = stop or threading.Event()
    refresher = Refresher(lake, work_dir, publish_dir, interval_s, export_interval_s, stop, on_build) if transform else None
    if refresher:
        refresher.start()

    def landed(report: loop.IngestReport) -> None:
        if refresher:
            refresher.wake.set()
        if on_batch:
            on_batch(report)

    report = refresher.report if refresher else WorkerReport()
    try:
        if settings is not None:
            report.ingest = loop.run_consumer(settings, lake, batch_size=batch_size, follow=True, stop=stop, on_batch=landed)
        else:
            stop.wait()
    finally:
        stop.set()
        if refresher:
            refresher.wake.set()
            refresher.join(timeout=600)
    return report


@flow(name="worker")
def worker_flow(
    bootstrap_servers: Optional[str] = None,
    ingest: bool = True,
    transform: bool = True,
    batch_size: int = 500,
    interval_s: float = 2.0,
    warehouse: Optional[str] = None,
    publish_dir: Optional[str] = None,
) -> dict:
    """Continuous ingest and/or mart refresh (see the module docstring); runs until stopped."""
    logger = get_run_logger()
    settings = config.kafka(bootstrap_servers) if ingest else None

    def built(report: BuildReport) -> None:
        logger.info("marts: %s build on snapshot %s, %s articles changed, %.1fs",
                    report.mode, report.snapshot, report.articles_changed, report.seconds)

    report = run_worker(settings, config.lake(warehouse), config.work_dir(warehouse), config.published_dir(publish_dir),
                        transform=transform, batch_size=batch_size, interval_s=interval_s, on_build=built)
    return {"ingest": report.ingest.__dict__ if report.ingest else None, "builds": len(report.builds),
            "build_errors": report.build_errors}
