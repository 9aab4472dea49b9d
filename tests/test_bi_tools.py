"""BI tools: Apache Superset in docker-compose.yml, pre-wired to the lake through duckdb_engine
(validated by parsing: no Docker engine here), and the same wiring run for real: a SQLAlchemy
engine configured by deploy/superset/superset_config.py reads the marts read-only and sees new
data without reconnecting."""
import json
import os
import re
import subprocess
import sys
import textwrap
import tomllib

import pytest
import yaml

from conftest import REPO, bi_events
from tests_support import store

SUPERSET = REPO / "deploy" / "superset"


def pin(text: str, package: str) -> str:
    """The version `package` is pinned to (==) in a requirements-like text ('-' and '_' alike)."""
    name = re.escape(package).replace(r"\-", "[-_]")
    [version] = re.findall(rf"(?i)(?<![\w-]){name}==([0-9][^\s\"',]*)", text)
    return version


def test_superset_service_reads_the_same_lake_as_the_pipeline():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    superset, transform = services["superset"], services["transform"]
    assert (REPO / superset["build"]["context"] / superset["build"]["dockerfile"]) == SUPERSET / "Dockerfile"
    env = superset["environment"]
    for key in ("VNINDUSTRY_CATALOG", "VNINDUSTRY_DATA_PATH", "PGPASSWORD", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID"):
        assert env[key] == transform["environment"][key], key
    assert env["SUPERSET_DATABASE_URI"].startswith("postgresql+psycopg2://") and env["SUPERSET_DATABASE_URI"].endswith("@postgres:5432/superset")
    assert "CREATE DATABASE superset;" in (REPO / "deploy" / "postgres-init.sql").read_text()
    assert "${SUPERSET_SECRET_KEY:?" in (REPO / "docker-compose.yml").read_text()  # no secret in the repository
    assert superset["depends_on"]["postgres"]["condition"] == "service_healthy" and "8088:8088" in superset["ports"]


def test_superset_image_pins_the_pipelines_duckdb_and_registers_the_lake():
    dockerfile = (SUPERSET / "Dockerfile").read_text()
    assert re.search(r"(?m)^FROM apache/superset:\d+\.\d+\.\d+$", dockerfile)  # a released image, not latest
    pyproject, constraints = (REPO / "pyproject.toml").read_text(), (REPO / "constraints.txt").read_text()
    duckdb = pin(pyproject, "duckdb")
    for package in ("duckdb", "duckdb-extension-ducklake", "duckdb-extension-postgres", "duckdb-extension-httpfs"):
        assert pin(dockerfile, package) == duckdb, package  # extensions are built for one DuckDB version
    assert pin(dockerfile, "duckdb-engine") == pin(constraints, "duckdb-engine")  # the driver the tests run
    for source in re.findall(r"(?m)^COPY (.+) \S+$", dockerfile):
        for path in source.split():
            assert (REPO / path).exists(), path
    config = re.search(r"(?m)^ENV SUPERSET_CONFIG_PATH=(\S+)$", dockerfile).group(1)
    assert "COPY deploy/superset/superset_config.py" in dockerfile and config.endswith("/superset_config.py")
    start = (SUPERSET / "start.sh").read_text()
    assert "superset set_database_uri" in start and "flows.bi import DATABASE_URI" in start
    assert re.search(r"(?m)^CMD \[\"/app/vnindustry/start.sh\"\]$", dockerfile)
    assert tomllib.loads(pyproject)["project"]["name"] == "vnindustry"  # the image installs this package


# A long-running BI process, configured as Superset is (superset_config.py run as Superset loads
# it): one engine, a query, then another on the same pooled connection after the lake changed.
BI_PROCESS = textwrap.dedent("""
    import json, runpy, sys
    from sqlalchemy import create_engine, text
    config = runpy.run_path(sys.argv[1])
    from flows.bi import DATABASE_URI
    engine = create_engine(DATABASE_URI)
    sql = text("select province_name, year, value from marts.fct_province_year_sector "
               "where metric = 'production_value' and status = 'actual' order by year")
    with engine.connect() as connection:
        print(json.dumps([list(row) for row in connection.execute(sql)]), flush=True)
        try:
            connection.execute(text("create table marts.scribble (x int)"))
            print(json.dumps("written"), flush=True)
        except Exception as error:
            print(json.dumps(type(error).__name__ + ": " + str(error).splitlines()[0]), flush=True)
            connection.rollback()
        sys.stdin.readline()  # the pipeline adds an article meanwhile
        print(json.dumps([list(row) for row in connection.execute(sql)]), flush=True)
""")


@pytest.mark.e2e
def test_a_sqlalchemy_tool_configured_as_superset_reads_the_marts_read_only_and_sees_new_data(tmp_path):
    from flows.lake import Lake
    from flows.transform import build
    from vnindustry.events import build_event

    work = tmp_path / "data"  # a lake of its own: the test adds an article to it
    lake = Lake.at(work / "lake")
    store(lake, [bi_events()["series"]])
    assert build(lake, work).mode == "full"
    env = {**os.environ, "VNINDUSTRY_DATA_DIR": str(work), "SUPERSET_SECRET_KEY": "test-only",
           "SUPERSET_DATABASE_URI": f"sqlite:///{tmp_path / 'superset.db'}"}
    child = subprocess.Popen([sys.executable, "-c", BI_PROCESS, str(SUPERSET / "superset_config.py")], env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = json.loads(child.stdout.readline() or "null")
        write = json.loads(child.stdout.readline() or "null")
        assert first == [["Cao Bằng", 2021, 65000.0], ["Cao Bằng", 2022, 6500.0]], child.stderr.read() if first is None else first
        assert "read-only" in write.lower() or "read only" in write.lower(), write

        store(lake, [build_event("Tin 6", "Năm 2024, giá trị sản xuất công nghiệp tỉnh Cao Bằng đạt 8.400 tỷ đồng.",
                                 published_at="2025-01-20")], offset=100)
        assert build(lake, work).mode == "incremental"
        child.stdin.write("go\n")
        child.stdin.flush()
        second = json.loads(child.stdout.readline() or "null")
        assert second == first + [["Cao Bằng", 2024, 8400.0]]
    finally:
        child.kill()
        child.wait()


@pytest.mark.e2e
def test_the_dbt_exposures_are_the_report_and_the_superset_service(bi_lake):
    _, work, _ = bi_lake
    manifest = json.loads((work / "dbt-target" / "manifest.json").read_text())
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == {"vnindustry_report", "superset"}
    queried = (REPO / "vnindustry" / "report" / "data.py").read_text()
    report_models = {node.split(".")[-1] for node in exposures["vnindustry_report"]["depends_on"]["nodes"]}
    assert report_models and all(f"marts.{model}" in queried for model in report_models)  # what the report reads
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    assert "superset" in services and "deploy/superset/" in exposures["superset"]["description"]
    marts = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"}
    assert {node.split(".")[-1] for node in exposures["superset"]["depends_on"]["nodes"]} == marts
