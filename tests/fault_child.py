"""A real ingest process for the fault tests; it SIGKILLs itself at the named point.

usage: fault_child.py BOOTSTRAP WAREHOUSE KILL_AT [BATCH_SIZE]
KILL_AT: none | after_poll | mid_parse | mid_transaction | after_db_commit | slow (sleeps per batch,
for a parent that kills at a random time).
"""
import os
import signal
import sys
import time
from pathlib import Path

from flows import consumer, staging
from flows.batch import process_records
from producers.kafka_settings import settings_from_env

bootstrap, warehouse, kill_at = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
batch_size = int(sys.argv[4]) if len(sys.argv) > 4 else 4
batches = {"n": 0}


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def process(records):
    batches["n"] += 1
    if kill_at == "slow":
        time.sleep(0.3)
    if batches["n"] == 2 and kill_at == "after_poll":
        die()
    if batches["n"] == 2 and kill_at == "mid_parse":
        process_records(records[: len(records) // 2 or 1])
        die()
    return process_records(records)


insert = staging._insert


def insert_then_die(con, table, rows, columns):
    added = insert(con, table, rows, columns)
    if batches["n"] == 2 and table == "observations":
        die()  # inside the open transaction: rows written, nothing committed
    return added


if kill_at == "mid_transaction":
    staging._insert = insert_then_die
def store(con, batch, group):
    result = staging.store_batch(con, batch, group)
    if batches["n"] == 2 and kill_at == "after_db_commit":
        die()  # the warehouse has the batch; Kafka was never told
    return result


settings = settings_from_env(bootstrap)
report = consumer.run_consumer(settings, warehouse, batch_size=batch_size, process=process, store=store)
print(f"records={report.records} articles={report.articles} observations={report.observations}")
