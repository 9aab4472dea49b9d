"""`vnindustry status` for cron and monitors, and what the flows leave in Prefect (issue 11): a
healthy pipeline exits 0; a stopped ingest (lag > 0) or marts behind the data exit 6."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SEEDS
from tests_support import synthetic_articles
from producers.broker import free_port
from producers.kafka_settings import settings_from_env
from producers.publish import publish

pytestmark = pytest.mark.e2e
CLI = str(Path(sys.executable).parent / "vnindustry")


def test_status_healthy_then_stale_with_a_stopped_ingest_and_the_flows_artifacts(tmp_path):
    port = free_port()
    env = {**os.environ, "VNINDUSTRY_DATA_DIR": str(tmp_path / "data"), "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([CLI, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)

    broker = subprocess.Popen([CLI, "broker", "--port", str(port)], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert "broker listening on" in broker.stderr.readline()
        assert cli("publish", str(SEEDS)).returncode == 0
        assert cli("ingest").returncode == 0
        assert cli("status").returncode == 6  # marts not built yet: stale
        transformed = cli("transform", "--json")
        assert transformed.returncode == 0, transformed.stderr[-3000:]
        assert {row["source"]: row["status"] for row in json.loads(transformed.stdout)["freshness"]}["ingest.raw_articles"] == "pass"

        healthy = cli("status", "--json")
        assert healthy.returncode == 0, healthy.stderr[-3000:]
        report = json.loads(healthy.stdout)
        assert [p["lag"] for p in report["partitions"]] == [0, 0, 0] and sum(p["stored_next_offset"] or 0 for p in report["partitions"]) == 5
        assert report["rows"]["ingest.raw_articles"] == 5 and report["rows"]["marts.fct_observations"] > 0
        assert report["marts_built_at"] and report["last_batch_at"] and report["problems"] == []
        assert {r["source"] for r in report["source_freshness"]} >= {"ingest.raw_articles", "ingest.kafka_offsets"}
        shown = cli("status")
        assert shown.returncode == 0 and shown.stdout.strip().splitlines()[-1] == "healthy"

        # ingest stopped while articles keep coming: lag > 0, exit 6, one line saying why
        assert publish(synthetic_articles(0, 7, "s"), settings_from_env(env["KAFKA_BOOTSTRAP_SERVERS"], {})).sent == 7
        stale = cli("status", "--json")
        assert stale.returncode == 6
        assert sum(p["lag"] for p in json.loads(stale.stdout)["partitions"]) == 7
        assert stale.stderr.strip().splitlines()[-1].startswith("vnindustry: error: stale: partition ")
        assert cli("status", "--max-lag", "7").returncode == 0  # a monitor may allow some lag
        print("status healthy:\n" + shown.stdout + "\nstatus with a stopped ingest (rc 6):\n" + cli("status").stdout)
    finally:
        broker.send_signal(signal.SIGINT)
        broker.wait(timeout=60)
    assert_artifacts()


def assert_artifacts() -> None:
    """Both flows published a table and a markdown summary (read from Prefect's API)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    keys = ["ingest-counts", "ingest-summary", "transform-marts", "transform-source-freshness", "transform-summary"]
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=keys)))
    latest = {}
    for artifact in sorted(found, key=lambda a: a.created):
        latest[artifact.key] = artifact
    assert set(latest) == set(keys)
    assert {"count": "articles", "value": 5} in json.loads(latest["ingest-counts"].data)
    assert "## transform: full build" in latest["transform-summary"].data
