"""docker-compose.yml describes a real deployment; prefect.yaml declares both flows."""
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def test_compose_file_follows_the_compose_specification():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(REPO / "docker-compose.yml")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_services_and_their_environment():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    assert {"kafka", "postgres", "prefect-server", "worker"} <= set(services)
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka")
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]  # KRaft, no ZooKeeper
    assert "zookeeper" not in services
    server = services["prefect-server"]["environment"]
    assert server["PREFECT_API_DATABASE_CONNECTION_URL"].startswith("postgresql+asyncpg://")
    worker = services["worker"]
    assert worker["build"]["dockerfile"] == "Dockerfile" and (REPO / "Dockerfile").exists()
    assert worker["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert worker["environment"]["PREFECT_API_URL"].startswith("http://prefect-server:4200")
    assert any(v.endswith(":/data") for v in worker["volumes"]) and "warehouse" in yaml.safe_load((REPO / "docker-compose.yml").read_text())["volumes"]
    assert "prefect worker start" in worker["command"]


def test_prefect_deployments_point_at_real_flows():
    import importlib

    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    entrypoints = {d["name"]: d["entrypoint"] for d in config["deployments"]}
    assert set(entrypoints) == {"ingest", "transform"}
    for entry in entrypoints.values():
        path, name = entry.split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert getattr(module, name).name in ("ingest", "transform")
