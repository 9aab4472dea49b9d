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
