"""docker-compose.yml describes a real deployment; prefect.yaml declares both flows, and
`prefect deploy --all` plus a process worker run them against a real Prefect server."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from flows.lake import Lake

REPO = Path(__file__).resolve().parents[1]


def test_compose_file_follows_the_compose_specification():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(REPO / "docker-compose.yml")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_services_and_their_environment():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"kafka", "postgres", "minio", "prefect-server", "ingest", "transform"} <= set(services)
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]  # KRaft, no ZooKeeper
    assert "zookeeper" not in services
    server = services["prefect-server"]["environment"]
    assert server["PREFECT_API_DATABASE_CONNECTION_URL"].startswith("postgresql+asyncpg://")
    assert any("CREATE DATABASE lake" in (REPO / v.split(":")[0]).read_text()
               for v in services["postgres"]["volumes"] if v.startswith("./"))  # the catalog's database
    ingest, transform = services["ingest"], services["transform"]
    assert ingest["deploy"]["replicas"] == 3 and ingest["command"][-2:] == ["ingest", "--follow"]
    assert "worker" in transform["command"] and "--no-ingest" in transform["command"]
    for service in (ingest, transform):
        env = service["environment"]
        assert service["build"]["dockerfile"] == "Dockerfile" and (REPO / "Dockerfile").exists()
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert env["PREFECT_API_URL"].startswith("http://prefect-server:4200")
        assert "host=postgres" in env["VNINDUSTRY_CATALOG"] and "dbname=lake" in env["VNINDUSTRY_CATALOG"]
        assert env["VNINDUSTRY_DATA_PATH"].startswith("s3://") and env["AWS_ENDPOINT_URL"] == "http://minio:9000"
        assert {"kafka", "postgres", "prefect-server"} <= set(service["depends_on"])


def test_prefect_deployments_point_at_real_flows():
    import importlib

    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    entrypoints = {d["name"]: d["entrypoint"] for d in config["deployments"]}
    assert set(entrypoints) == {"ingest", "transform", "worker"}
    for entry in entrypoints.values():
        path, name = entry.split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert getattr(module, name).name in ("ingest", "transform", "worker")


@pytest.mark.e2e
def test_prefect_deploy_all_then_a_process_worker_runs_the_ingest_deployment(tmp_path):
    """The README's deployment commands against a real Prefect server (`prefect server start`)."""
    from producers.articles import read_articles
    from producers.broker import embedded_broker, free_port
    from producers.kafka_settings import settings_from_env
    from producers.publish import publish
    from producers.topics import ensure_topics
    from vnindustry import processes

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": api,
           "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",  # only the run the test asks for
           "VNINDUSTRY_DATA_DIR": str(tmp_path / "data"), "PREFECT_LOGGING_LEVEL": "INFO"}
    prefect = str(Path(sys.executable).parent / "prefect")

    def cli(*args: str, timeout: float = 120) -> str:
        result = subprocess.run([prefect, "--no-prompt", *args], cwd=REPO, env=env, capture_output=True, text=True,
                                timeout=timeout)
        assert result.returncode == 0, f"prefect {' '.join(args)}: {result.stdout[-3000:]}{result.stderr[-3000:]}"
        return result.stdout

    server = processes.spawn([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with embedded_broker() as bootstrap:
            settings = settings_from_env(bootstrap, {})
            ensure_topics(settings)
            assert publish(read_articles([str(REPO / "seeds")]), settings).sent == 5
            env["KAFKA_BOOTSTRAP_SERVERS"] = bootstrap
            wait_for_health(api, server)

            cli("work-pool", "create", "vnindustry", "--type", "process", "--overwrite")
            cli("deploy", "--all")
            listed = cli("deployment", "ls")
            assert "ingest/ingest" in listed and "transform/transform" in listed and "worker/worker" in listed

            started = cli("deployment", "run", "ingest/ingest")
            run_id = re.search(r"UUID: ([0-9a-f-]{36})", started)[1]
            worker = cli("worker", "start", "--pool", "vnindustry", "--run-once", timeout=300)
            state = json.loads(cli("flow-run", "inspect", run_id, "--output", "json"))["state"]["type"]
            assert state == "COMPLETED", worker[-3000:]
            print(f"prefect deployment ls:\n{listed}\nflow run {run_id} of ingest/ingest through a process worker: {state}")
        con = Lake.of(tmp_path / "data" / "lake").connect(read_only=True)
        assert con.execute("select count(*) from ingest.raw_articles").fetchall() == [(5,)]
        con.close()
    finally:
        processes.stop(server)


def wait_for_health(api: str, server, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, f"prefect server exited with {server.returncode}"
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"prefect server not healthy within {timeout:.0f}s")
