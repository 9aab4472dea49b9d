"""Many writers and readers at once on one lake: three `vnindustry ingest --follow` processes in
one consumer group fed while they run, transform builds and a BI reader alongside; then the
scale-out mode (Postgres catalog) end to end through the CLI."""
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO
from test_faults import EVENTS, EXPECTED_FACTS, assert_exactly_once
from flows import staging
from flows.consumer import run_consumer
from flows.lake import Lake
from flows.transform import build
from producers.broker import embedded_broker
from producers.kafka_settings import settings_from_env
from producers.publish import publish
from producers.topics import ensure_topics

pytestmark = pytest.mark.e2e
CLI = str(Path(sys.executable).parent / "vnindustry")
MARTS = ("fct_observations", "fct_province_year_sector", "fct_product_output")


def marts(lake: Lake) -> dict:
    con = lake.connect(read_only=True)
    try:
        return {t: sorted(con.execute(f"select * exclude (loaded_at) from marts.{t}" if t == "fct_observations"
                                      else f"select * from marts.{t}").fetchall(), key=repr) for t in MARTS}
    finally:
        con.close()


def count(lake: Lake, sql: str) -> int:
    con = lake.connect(read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def test_three_ingest_workers_a_transform_and_a_reader_at_once(lake_dir, tmp_path):
    lake = Lake.of(lake_dir)
    staging.connect(lake).close()  # the lake exists before its first reader
    with embedded_broker() as address:
        settings = settings_from_env(address, {})
        ensure_topics(settings)
        publish(EVENTS[:6], settings)
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": address, "VNINDUSTRY_DATA_DIR": str(lake_dir.parent),
               "VNINDUSTRY_MAX_STALL_S": "600"}
        workers, logs = [], [tmp_path / f"worker-{i}.log" for i in range(3)]
        for i, log in enumerate(logs):
            home = tmp_path / f"prefect-{i}"  # each process its own ephemeral Prefect server
            workers.append(subprocess.Popen([CLI, "ingest", "--follow", "--batch-size", "3"], cwd=REPO,
                                            env={**env, "PREFECT_HOME": str(home),
                                                 "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300"},
                                            stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True,
                                            # Ctrl-C stops a worker even when this runs from a shell's background job
                                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)))
        errors, stop = [], threading.Event()

        def keep_building():
            while not stop.is_set():
                try:
                    build(lake, tmp_path)
                except Exception as exc:  # noqa: BLE001 - collected and asserted below
                    errors.append(f"transform: {exc}")
                time.sleep(2)

        def keep_reading():
            reader = Lake.of(lake_dir).connect(read_only=True)  # one BI session, many queries
            while not stop.is_set():
                try:
                    reader.execute("select count(*) from ingest.raw_articles").fetchall()
                    if reader.execute("select count(*) from information_schema.tables where table_name = 'fct_observations'").fetchall()[0][0]:
                        reader.execute("select count(*) from marts.fct_observations").fetchall()
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"reader: {exc}")
                time.sleep(0.2)
            reader.close()

        helpers = [threading.Thread(target=keep_building), threading.Thread(target=keep_reading)]
        try:
            for helper in helpers:
                helper.start()
            for start in range(6, len(EVENTS), 9):  # fed while they run
                time.sleep(3)
                publish(EVENTS[start:start + 9], settings)
            deadline = time.monotonic() + 600  # generous: three Prefect servers start on two cores
            while time.monotonic() < deadline and count(lake, "select count(*) from ingest.raw_articles") < len(EVENTS):
                time.sleep(1)
            time.sleep(3)  # a late duplicate would land now
        finally:
            stop.set()
            for helper in helpers:
                helper.join(120)
            for worker in workers:
                worker.send_signal(signal.SIGINT)
            for worker in workers:
                try:
                    worker.wait(timeout=60)
                except subprocess.TimeoutExpired:  # its group too: its ephemeral Prefect server
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()
            outputs = [log.read_text(errors="replace") for log in logs]
    joined = "\n".join(outputs)
    assert count(lake, "select count(*) from ingest.raw_articles"), joined[-3000:]
    assert_exactly_once(lake_dir)
    assert "Could not set lock" not in joined and "LakeConflict" not in joined, joined[-3000:]
    assert errors == [], errors[:5]
    stored = count(lake, "select sum(next_offset) from ingest.kafka_offsets")
    assert stored == len(EVENTS)  # every batch's offsets were committed with its rows: no commit lost
    build(lake, tmp_path)

    clean = Lake.at(tmp_path / "clean")  # the same events, one worker, one build
    with embedded_broker() as address:
        settings = settings_from_env(address, {})
        ensure_topics(settings)
        publish(EVENTS, settings)
        run_consumer(settings, clean)
    build(clean, tmp_path / "clean-work")
    assert marts(lake) == marts(clean)
    assert len(marts(clean)["fct_observations"]) == len(EXPECTED_FACTS)


def test_continuous_worker_refreshes_the_marts_as_articles_arrive(tmp_path):
    from flows.worker import run_worker

    lake = Lake.at(tmp_path / "lake")
    staging.connect(lake).close()  # the lake exists before its first reader
    with embedded_broker() as address:
        settings = settings_from_env(address, {})
        ensure_topics(settings)
        stop, builds = threading.Event(), []
        worker = threading.Thread(target=run_worker, args=(settings, lake, tmp_path, tmp_path / "published"),
                                  kwargs={"batch_size": 5, "interval_s": 0.5, "stop": stop, "on_build": builds.append})
        worker.start()
        try:
            for start in (0, 11, 22):  # three waves while it runs
                publish(EVENTS[start:start + 11], settings)
                deadline = time.monotonic() + 120
                wanted = {e["article_id"] for e in EVENTS[:start + 11]}
                while time.monotonic() < deadline:
                    con = lake.connect(read_only=True)
                    try:
                        ready = con.execute("select count(*) from information_schema.tables where table_name = 'fct_observations'").fetchall()[0][0]
                        seen = {r[0] for r in con.execute("select distinct article_id from marts.fct_observations").fetchall()} if ready else set()
                    finally:
                        con.close()
                    if facts_bearing(wanted) <= seen:
                        break
                    time.sleep(0.3)
                assert facts_bearing(wanted) <= seen, f"wave {start}: marts did not catch up"
        finally:
            stop.set()
            worker.join(120)
    assert not worker.is_alive()
    assert [b.mode for b in builds][0] == "full" and "incremental" in [b.mode for b in builds[1:]]
    assert_exactly_once(tmp_path / "lake")
    assert (tmp_path / "published" / "current" / "fct_observations.parquet").exists()


def facts_bearing(article_ids: set) -> set:
    """The articles among these that the reader finds facts in (only those reach fct_observations)."""
    return {fact[0] for fact in EXPECTED_FACTS if fact[0] in article_ids}


def test_scale_out_mode_through_the_cli_on_a_postgres_catalog(postgres, tmp_path):
    dsn = postgres.create_database()
    env = {**os.environ, "VNINDUSTRY_DATA_DIR": str(tmp_path / "data"), "VNINDUSTRY_CATALOG": dsn,
           "VNINDUSTRY_DATA_PATH": str(tmp_path / "object-store")}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    run = subprocess.run([CLI, "run"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "5 articles loaded" in run.stdout
    assert not list((tmp_path / "data").rglob("*.sqlite"))  # no local catalog: it is in Postgres
    assert list((tmp_path / "object-store").rglob("*.parquet"))  # data files under VNINDUSTRY_DATA_PATH
    dbname = dsn.split("dbname=")[1]
    assert int(postgres.psql("select count(*) from ducklake_snapshot", dbname)) > 1
    local = Lake.at(tmp_path / "reference-lake")  # the same articles on the default catalog
    with embedded_broker() as address:
        settings = settings_from_env(address, {})
        ensure_topics(settings)
        from producers.articles import read_articles
        publish(read_articles([str(REPO / "seeds")]), settings)
        run_consumer(settings, local)
    build(local, tmp_path / "reference-work")
    query = subprocess.run([CLI, "query", "select count(*) from marts.fct_observations"], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=120)
    assert query.returncode == 0, query.stderr[-2000:]
    assert re.findall(r"│\s*(\d+)\s*│", query.stdout) == [str(count(local, "select count(*) from marts.fct_observations"))]
    assert marts(Lake.from_env(tmp_path / "data" / "lake", env)) == marts(local)
