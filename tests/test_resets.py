"""Topic resets and a lost warehouse, injected for real (issue 10, items 1-3): a broker that
restarts empty under the same cluster id, a topic deleted and created again, a broker restarted
under a running `ingest --follow`, a deleted lake. Every article published is loaded once."""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from conftest import REPO
from tests_support import lake_counts, synthetic_articles
from flows.consumer import run_consumer
from flows.lake import Lake
from producers.broker import embedded_broker, free_port
from producers.connection import TopicIdentity
from producers.kafka_settings import settings_from_env
from producers.publish import publish
from producers.topics import ensure_topics

pytestmark = pytest.mark.e2e
CLI = str(Path(sys.executable).parent / "vnindustry")
PINNED = "pinned-cluster-id"  # as docker-compose pins CLUSTER_ID


def cli(tmp_path: Path, bootstrap: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "VNINDUSTRY_DATA_DIR": str(tmp_path / "data"),
           "VNINDUSTRY_PUBLISH_DIR": str(tmp_path / "published")}
    return subprocess.run([CLI, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


def stored_next_offsets(warehouse: Path) -> dict[int, int]:
    con = Lake.of(warehouse).connect(read_only=True)
    try:
        return dict(con.execute('select "partition", next_offset from ingest.kafka_offsets').fetchall())
    finally:
        con.close()


def recreate_topic(bootstrap: str, settings) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.delete_topics([settings.articles_topic])
    deadline = time.monotonic() + 30
    while True:
        try:
            admin.create_topics([NewTopic(settings.articles_topic, settings.partitions, 1)])
            break
        except Exception:  # the deletion is not finished yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    admin.close()


@contextlib.contextmanager
def pinned_broker(port: int) -> Iterator[tuple[str, object]]:
    with embedded_broker(port, cluster_id=PINNED) as bootstrap:
        settings = settings_from_env(bootstrap, {})
        ensure_topics(settings)
        yield bootstrap, settings


@pytest.mark.parametrize("fault", ["broker restarted empty", "topic deleted and created again", "no topic id from the broker"])
def test_a_topic_restarted_at_offset_0_is_read_from_its_beginning_and_recorded(tmp_path, monkeypatch, fault):
    """Before: 0 of 25 loaded (rc 0), then 125 of 625. After: all of them, the reset recorded."""
    if fault == "no topic id from the broker":  # the fallback: a stored offset above the end offset
        real = TopicIdentity.current
        monkeypatch.setattr(TopicIdentity, "current", lambda self: (real(self)[0], None))
    warehouse, port = tmp_path / "data" / "lake", free_port()
    first, reset, grown = synthetic_articles(0, 60, "a"), synthetic_articles(100, 15, "b"), synthetic_articles(200, 60, "c")
    outcome = {}

    def on_the_new_topic(bootstrap: str, settings) -> None:
        for event in reset:  # one record batch each: Tansu's listed end offsets are then exact
            assert publish([event], settings).sent == 1
        if fault == "no topic id from the broker":  # in-process: the patched identity does not reach a child
            outcome["reset"] = run_consumer(settings, warehouse, batch_size=7).__dict__
        else:
            result = cli(tmp_path, bootstrap, "ingest", "--json")
            assert result.returncode == 0, result.stderr[-3000:]
            outcome["reset"] = json.loads(result.stdout)
        # the new topic grows past the old stored offsets (the fallback reads listed end offsets,
        # exact on brokers without topic ids, not on Tansu: one record batch each keeps them exact)
        sent = [publish([e], settings).sent for e in grown] if fault == "no topic id from the broker" else [publish(grown, settings).sent]
        assert sum(sent) == 60
        outcome["grown"] = run_consumer(settings, warehouse, batch_size=7).articles
        outcome["again"] = run_consumer(settings, warehouse).records

    with pinned_broker(port) as (bootstrap, settings):
        assert publish(first, settings).sent == 60
        assert run_consumer(settings, warehouse, batch_size=7).articles == 60
        if fault == "topic deleted and created again":
            recreate_topic(bootstrap, settings)
            on_the_new_topic(bootstrap, settings)
    if fault != "topic deleted and created again":
        with pinned_broker(port) as (bootstrap, settings):  # same address, same cluster id, empty
            on_the_new_topic(bootstrap, settings)

    assert (outcome["reset"]["articles"], outcome["reset"]["topic_resets"]) == (15, 1)  # 15 of 15, not 0 of 15
    assert outcome["grown"] == 60 and outcome["again"] == 0  # 60 of 60, not 0; nothing left behind
    counts = lake_counts(warehouse)
    assert counts == {"raw_articles": 135, "observations": 270, "topic_resets": 1}
    assert sum(stored_next_offsets(warehouse).values()) == 75  # positions of the new topic only
    con = Lake.of(warehouse).connect(read_only=True)
    reason = con.execute("select reason from ingest.topic_resets").fetchall()[0][0]
    con.close()
    assert ("end offsets" if fault == "no topic id from the broker" else "topic id changed") in reason
    print(f"{fault}: 60 of 60 loaded; after the reset 15 of 15 (rc 0, reset recorded: {reason!r}), then 60 of 60; "
          f"{counts['raw_articles']} articles, {counts['observations']} facts")


def test_a_broker_restarted_under_a_running_follower_loses_and_commits_nothing(tmp_path):
    """Before: 500 of 600 lost in 5 of 5 tries, skipped positions committed. After: every article."""
    warehouse, port = tmp_path / "data" / "lake", free_port()
    before, after = synthetic_articles(0, 60, "f"), synthetic_articles(100, 90, "g")
    env = {**os.environ, "VNINDUSTRY_DATA_DIR": str(tmp_path / "data"), "VNINDUSTRY_PUBLISH_DIR": str(tmp_path / "published")}
    with pinned_broker(port) as (bootstrap, settings):
        follower = subprocess.Popen([CLI, "ingest", "--follow", "--batch-size", "20"], cwd=REPO, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env={**env, "KAFKA_BOOTSTRAP_SERVERS": bootstrap},
                                    start_new_session=True)
        try:
            assert publish(before, settings).sent == 60
            wait_for(lambda: loaded(warehouse) == 60, "the follower loads the first 60 articles")
        except BaseException:
            follower.kill()
            raise
    try:
        with pinned_broker(port) as (bootstrap, settings):  # restarted empty, same address and cluster id
            assert publish(after, settings).sent == 90
            wait_for(lambda: loaded(warehouse) == 150, "the follower loads the 90 articles of the restarted broker")
            follower.send_signal(signal.SIGTERM)
            assert follower.wait(timeout=120) == 143  # stopped by SIGTERM, committed batches kept
            stored = stored_next_offsets(warehouse)
            again = run_consumer(settings, warehouse)  # a later batch ingest: nothing skipped, nothing left
    finally:
        if follower.poll() is None:
            follower.kill()
    assert "TOPIC RESET on 'articles'" in follower.stderr.read()  # loud, even without --verbose
    counts = lake_counts(warehouse)
    assert counts == {"raw_articles": 150, "observations": 300, "topic_resets": 1}
    assert sum(stored.values()) == 90 and (again.records, again.articles) == (0, 0)
    print(f"broker restarted under ingest --follow: 60 of 60, then 90 of 90 loaded; stored offsets {stored} "
          f"(the new topic's end); follower rc 143 on SIGTERM; a later batch ingest reads 0 records")


def loaded(warehouse: Path) -> int:
    try:
        return lake_counts(warehouse)["raw_articles"]
    except Exception:  # not created yet
        return 0


def wait_for(condition, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.5)


def published_facts(tmp_path: Path) -> int:
    import duckdb

    return duckdb.sql(f"select count(*) from '{tmp_path / 'published' / 'current' / 'fct_observations.parquet'}'").fetchall()[0][0]


def test_a_lost_warehouse_replays_from_the_earliest_offset_and_never_publishes_fewer_facts(tmp_path):
    """Before: 0 of 500 loaded (rc 0), then 0 facts published over the good 4,260. After: the
    replay loads every article; a smaller set is refused (exit 5) unless --force."""
    warehouse, port = tmp_path / "data" / "lake", free_port()
    with pinned_broker(port) as (bootstrap, settings):
        assert publish(synthetic_articles(0, 40, "w"), settings).sent == 40
        assert run_consumer(settings, warehouse, batch_size=9).articles == 40  # Kafka commits reach the end
        built = cli(tmp_path, bootstrap, "transform")
        assert built.returncode == 0, built.stderr[-3000:]
        assert published_facts(tmp_path) == 80

        shutil.rmtree(warehouse)  # the warehouse is lost; Kafka and the published export are not
        replayed = cli(tmp_path, bootstrap, "ingest", "--json")
        assert replayed.returncode == 0, replayed.stderr[-3000:]
        assert json.loads(replayed.stdout)["articles"] == 40  # 40 of 40 from the earliest offset, not 0 of 40
        rebuilt = cli(tmp_path, bootstrap, "transform", "--json")
        assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
        assert published_facts(tmp_path) == 80

    shutil.rmtree(warehouse)  # lost again, and this time Kafka no longer holds the old events
    with pinned_broker(port) as (bootstrap, settings):
        assert publish(synthetic_articles(100, 10, "x"), settings).sent == 10
        assert run_consumer(settings, warehouse).articles == 10
        refused = cli(tmp_path, bootstrap, "transform")
        assert refused.returncode == 5
        assert refused.stderr.strip().splitlines()[-1].startswith(
            "vnindustry: error: refusing to publish: 80 of the 80 published facts (40 articles) are not in the warehouse")
        assert published_facts(tmp_path) == 80  # the published set is untouched
        forced = cli(tmp_path, bootstrap, "transform", "--force")
        assert forced.returncode == 0, forced.stderr[-3000:]
        assert published_facts(tmp_path) == 20
    print("lost warehouse: replay 40 of 40 (rc 0), 80 facts published again; with the events gone: transform rc 5, "
          "80 facts kept; --force rc 0, 20 facts")
