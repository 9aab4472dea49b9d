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
