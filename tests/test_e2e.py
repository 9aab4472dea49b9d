"""End to end on the real thing: Tansu broker (Kafka protocol), Prefect flows, DuckDB, dbt."""
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from kafka import KafkaProducer

from conftest import REPO, SEEDS
from tests_support import read_topic
from flows.lake import Lake
from producers.articles import read_articles
from producers.broker import embedded_broker
from producers.kafka_settings import settings_from_env
from producers.publish import publish
from producers.topics import ensure_topics
from vnindustry.events import build_event, split_title
from vnindustry.reader import parse_article

pytestmark = pytest.mark.e2e

MART_TABLES = ("fct_observations", "fct_province_year_sector", "fct_product_output", "dim_province", "dim_period")
STAGING_TABLES = ("raw_articles", "observations", "rejected", "kafka_offsets")


@pytest.fixture(scope="module")
def bootstrap():
    with embedded_broker() as address:
        ensure_topics(settings_from_env(address, {}))
        yield address


def counts(path: Path, schema: str, tables) -> dict:
    con = Lake.of(path).connect(read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {schema}.{t}").fetchall()[0][0] for t in tables}
    finally:
        con.close()


def test_seeds_and_malformed_events_through_kafka_prefect_duckdb_and_dbt(bootstrap, tmp_path):
    from flows.ingest import ingest_flow
    from flows.transform import transform_flow

    settings = settings_from_env(bootstrap, {})
    report = publish(read_articles([str(SEEDS)]), settings)
    assert report.sent == 5 and report.refused == []
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    producer.send(settings.articles_topic, key=b"broken-1", value=b"{not json")
    producer.send(settings.articles_topic, key=b"broken-2", value=json.dumps({"schema_version": 1, "title": "no body"}).encode())
    producer.flush()
    producer.close()

    warehouse = tmp_path / "lake"
    published = tmp_path / "published"
    ingested = ingest_flow(bootstrap_servers=bootstrap, warehouse=str(warehouse), batch_size=3)
    assert (ingested["articles"], ingested["rejected"], ingested["records"]) == (5, 2, 7)

    dead = read_topic(bootstrap, settings.dlq_topic)
    assert sorted(r.key for r in dead) == [b"broken-1", b"broken-2"]
    for record in dead:
        headers = dict(record.headers)
        assert headers["dlq_reason"] and headers["dlq_phase"] in (b"decode", b"validate")
    con = Lake.of(warehouse).connect(read_only=True)
    rejected = con.execute("select message_key, phase from ingest.rejected order by 1").fetchall()
    con.close()
    assert rejected == [("broken-1", "decode"), ("broken-2", "validate")]

    marts = transform_flow(warehouse=str(warehouse), publish_dir=str(published))
    assert marts["published"]["fct_observations"] == ingested["observations"]

    # The warehouse holds exactly what `extract` reads from the same articles.
    expected = set()
    for path in sorted(SEEDS.glob("*.txt")):
        event = build_event(*split_title(path.read_text(encoding="utf-8")))
        for obs in parse_article(event):
            expected.add((obs.article_id, obs.geo_code, obs.period_start, obs.period_end, obs.sector, obs.product, obs.metric, obs.value, obs.change_pct))
    bi = Lake.of(warehouse).connect(read_only=True)  # BI attaches the lake read-only
    bi.execute("USE lake.marts")
    loaded = set(bi.execute(
        "select article_id, geo_code, period_start, period_end, sector, product, metric, value, change_pct from fct_observations"
    ).fetchall())
    assert loaded == expected

    row = bi.execute(
        "select value, unit, change_pct, change_base, is_full_year from fct_province_year_sector "
        "where geo_name = 'Ninh Bình' and year = 2023 and sector = 'industry' and metric = 'production_value' and status = 'estimate'"
    ).fetchall()
    assert row == [(102893.2, "bn_vnd", 3.4, "previous_year", True)]
    [(province, region, successor)] = bi.execute(
        "select p.province_name, p.region, p.successor_2025_name from fct_province_year_sector f "
        "join dim_province p using (province_key) where f.geo_code = '06' limit 1"
    ).fetchall()
    assert (province, region, successor) == ("Bắc Kạn", "Trung du và miền núi phía Bắc", "Thái Nguyên")
    products = bi.execute("select product, value, unit from fct_product_output where metric = 'output' order by product").fetchall()
    assert ("thép cán", 264400.0, "tonne") in products
    bi.close()
    exported = duckdb.sql(f"select count(*) from '{published / 'current' / 'fct_province_year_sector.parquet'}'").fetchall()
    assert exported == [(counts(warehouse, "marts", ["fct_province_year_sector"])["fct_province_year_sector"],)]

    # Running again on the same events adds nothing, anywhere.
    before = counts(warehouse, "ingest", STAGING_TABLES), counts(warehouse, "marts", MART_TABLES)
    again = ingest_flow(bootstrap_servers=bootstrap, warehouse=str(warehouse))
    assert (again["articles"], again["observations"]) == (0, 0)
    transform_flow(warehouse=str(warehouse), publish_dir=str(published))
    assert (counts(warehouse, "ingest", STAGING_TABLES), counts(warehouse, "marts", MART_TABLES)) == before


def test_the_readme_run_command_twice_leaves_every_count_unchanged(tmp_path):
    env = {**os.environ, "VNINDUSTRY_DATA_DIR": str(tmp_path)}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    cli = str(Path(sys.executable).parent / "vnindustry")
    first = subprocess.run([cli, "run"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "5 articles loaded" in first.stdout and "fct_province_year_sector" in first.stdout
    warehouse = tmp_path / "lake"
    before = counts(warehouse, "ingest", STAGING_TABLES), counts(warehouse, "marts", MART_TABLES)
    second = subprocess.run([cli, "run"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert (counts(warehouse, "ingest", STAGING_TABLES), counts(warehouse, "marts", MART_TABLES)) == before
