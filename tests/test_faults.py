"""Delivery guarantees under real faults: SIGKILLed ingest processes, replays, duplicates,
two consumers sharing partitions, bad input, an unreachable broker, readers of the published copy."""
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from kafka import KafkaProducer

from conftest import FIXTURES, REPO, SEEDS
from tests_support import TcpProxy, read_topic
from flows import staging
from flows.batch import process_records
from flows.consumer import run_consumer
from flows.lake import Lake
from producers.broker import embedded_broker
from producers.kafka_settings import settings_from_env
from producers.publish import publish
from producers.topics import ensure_topics
from vnindustry.events import build_event, split_title
from vnindustry.reader import parse_article

pytestmark = pytest.mark.e2e
CHILD = Path(__file__).parent / "fault_child.py"
KILL_POINTS = ["after_poll", "mid_parse", "mid_transaction", "after_db_commit"]
RANDOM_KILLS = int(os.environ.get("VNINDUSTRY_RANDOM_KILLS", "6"))


def corpus(copies: int = 3) -> list[dict]:
    """Distinct articles: the seeds and dev articles, each in `copies` editions (new titles, new ids)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")) + sorted((FIXTURES / "dev" / "articles").glob("*.txt"))]
    events = []
    for copy in range(copies):
        for text in texts:
            title, body = split_title(text)
            events.append(build_event(f"{title} ({copy})", body.replace(title, f"{title} ({copy})", 1)))
    return events


EVENTS = corpus()
EXPECTED_FACTS = {(e["article_id"], o.metric, o.sector, o.product, o.value, o.change_pct, o.change_base, o.period_end)
                  for e in EVENTS for o in parse_article(e)}


@pytest.fixture(scope="module")
def broker():
    with embedded_broker() as address:
        settings = settings_from_env(address, {})
        ensure_topics(settings)
        assert publish(EVENTS, settings).sent == len(EVENTS)
        yield address


def group(name: str) -> str:
    """A consumer group of its own per test and catalog (the broker is shared by the module)."""
    return f"{name}-{'postgres' if os.environ.get('VNINDUSTRY_CATALOG') else 'sqlite'}"


def child(bootstrap: str, warehouse: Path, kill_at: str, group: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "VNINDUSTRY_GROUP": group, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, str(CHILD), bootstrap, str(warehouse), kill_at], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def assert_exactly_once(warehouse: Path) -> None:
    con = Lake.of(warehouse).connect(read_only=True)
    try:
        ids = [r[0] for r in con.execute("select article_id from ingest.raw_articles").fetchall()]
        facts = con.execute("select article_id, metric, sector, product, value, change_pct, change_base, period_end "
                            "from ingest.observations").fetchall()
    finally:
        con.close()
    assert sorted(ids) == sorted(e["article_id"] for e in EVENTS), "every article exactly once"
    assert len(facts) == len(set(facts)) == len(EXPECTED_FACTS), "every fact exactly once"
    assert set(facts) == EXPECTED_FACTS


@pytest.mark.parametrize("kill_at", KILL_POINTS)
def test_sigkill_at_each_point_then_restart_loses_and_doubles_nothing(broker, lake_dir, kill_at):
    warehouse = lake_dir
    killed = child(broker, warehouse, kill_at, group=group(f"kill-{kill_at}"))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    restarted = child(broker, warehouse, "none", group=group(f"kill-{kill_at}"))
    assert restarted.returncode == 0, restarted.stderr[-2000:]
    assert_exactly_once(warehouse)


def test_random_kills_in_a_bounded_loop(broker, lake_dir):
    warehouse, rng, kills = lake_dir, random.Random(20261123), 0
    env = {**os.environ, "VNINDUSTRY_GROUP": group("random-kills"), "PYTHONPATH": str(REPO)}
    for _ in range(RANDOM_KILLS):
        process = subprocess.Popen([sys.executable, str(CHILD), broker, str(warehouse), "slow"], env=env, cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 6.0))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=30)
    final = child(broker, warehouse, "none", group=group("random-kills"))
    assert final.returncode == 0, final.stderr[-2000:]
    assert_exactly_once(warehouse)
    print(f"random kills: {kills} of {RANDOM_KILLS} runs killed, then one clean restart")


def test_replay_from_offset_zero_and_duplicate_publishes_add_nothing(broker, lake_dir):
    warehouse = lake_dir
    topic = {"VNINDUSTRY_TOPIC": group("replayed")}  # its own topic: the module's broker is shared
    settings = settings_from_env(broker, {"VNINDUSTRY_GROUP": group("replay-1"), **topic})
    ensure_topics(settings)
    publish(EVENTS, settings)
    run_consumer(settings, warehouse, batch_size=7)
    assert_exactly_once(warehouse)
    # another group reads the whole topic again from offset 0; the same article published twice
    publish(EVENTS[:3], settings)
    replay = run_consumer(settings_from_env(broker, {"VNINDUSTRY_GROUP": group("replay-2"), **topic}), warehouse, batch_size=11)
    assert replay.records == len(EVENTS) + 3 and (replay.articles, replay.observations) == (0, 0)
    assert_exactly_once(warehouse)


def test_two_consumers_in_one_group_share_partitions_through_a_rebalance(lake_dir):
    with embedded_broker() as address:
        settings = settings_from_env(address, {"VNINDUSTRY_GROUP": "pair"})
        ensure_topics(settings)
        publish(EVENTS, settings)
        warehouse = lake_dir
        staging.connect(Lake.of(warehouse)).close()
        reports = {}

        def slow_process(records):  # slow enough that the second consumer joins mid-way
            time.sleep(0.2)
            return process_records(records)

        def consume(name, delay):
            time.sleep(delay)
            reports[name] = run_consumer(settings, warehouse, batch_size=2, poll_timeout_ms=500, process=slow_process)

        first = threading.Thread(target=consume, args=("first", 0))
        second = threading.Thread(target=consume, args=("second", 1.0))  # joins later: a rebalance
        first.start(), second.start()
        first.join(120), second.join(120)
        assert set(reports) == {"first", "second"}
        assert_exactly_once(warehouse)
        assert reports["first"].records + reports["second"].records >= len(EVENTS)
        assert reports["first"].partitions and reports["second"].partitions  # both did part of the work
        assert reports["first"].articles + reports["second"].articles == len(EVENTS)


def test_marts_after_kills_equal_marts_of_a_clean_run(broker, tmp_path):
    from flows.transform import build

    recovered, clean = tmp_path / "recovered" / "lake", tmp_path / "clean" / "lake"
    assert child(broker, recovered, "mid_transaction", group="marts-a").returncode == -signal.SIGKILL
    assert child(broker, recovered, "after_db_commit", group="marts-a").returncode == -signal.SIGKILL
    assert child(broker, recovered, "none", group="marts-a").returncode == 0
    assert child(broker, clean, "none", group="marts-b").returncode == 0
    tables = {}
    for name, path in (("recovered", recovered), ("clean", clean)):
        build(Lake.of(path), path.parent)
        con = Lake.of(path).connect(read_only=True)
        tables[name] = {
            "fct_observations": sorted(con.execute("select * exclude (loaded_at) from marts.fct_observations").fetchall()),
            "fct_province_year_sector": sorted(con.execute(
                "select * exclude (observation_id, article_id) from marts.fct_province_year_sector").fetchall(), key=repr),
            "fct_product_output": sorted(con.execute("select * from marts.fct_product_output").fetchall(), key=repr),
        }
        con.close()
    assert tables["recovered"] == tables["clean"]


BAD_PAYLOADS = {
    b"not json at all": "decode",
    b"\xff\xfe\xfa invalid utf-8": "decode",
    json.dumps({"schema_version": 99, "article_id": "ab" * 8}).encode(): "validate",
    json.dumps({"schema_version": 1, "article_id": "ab" * 8, "title": "t", "ingested_at": "2024-01-01T00:00:00"}).encode(): "validate",
    json.dumps({"schema_version": 1, "article_id": "ab" * 8, "title": "t", "body": ["x"], "ingested_at": "2024-01-01T00:00:00"}).encode(): "validate",
    json.dumps({"schema_version": 1, "article_id": "cd" * 8, "title": "t", "body": "x" * 10_000_000, "ingested_at": "2024-01-01T00:00:00"}).encode(): "validate",
    json.dumps({"schema_version": 1, "article_id": "ef" * 8, "title": "t", "body": "Năm 2020\x00\x1b tăng 5%", "ingested_at": "2024-01-01T00:00:00"}).encode(): "validate",
}


def test_bad_input_goes_to_the_dlq_and_rejected_and_the_rest_of_the_batch_loads(tmp_path, monkeypatch):
    from flows import parse_budget
    from flows.ingest import ingest_flow

    # the reader in its worker process: raises on one article, never returns on another
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))
    reader = parse_budget.BudgetedReader(1.0, reader="stuck_reader:parse_article")
    monkeypatch.setattr(parse_budget, "reader", lambda: reader.parse)
    with embedded_broker() as address:
        settings = settings_from_env(address, {})
        ensure_topics(settings)
        producer = KafkaProducer(bootstrap_servers=address, acks="all", max_request_size=16 * 1024 * 1024)
        good = EVENTS[:4]
        breaking = build_event("Bài lỗi", "Năm 2020 READER-BREAKS-HERE tăng 5%")
        stuck = build_event("Bài treo", "Năm 2020 STUCK tăng 5%")
        payloads = [json.dumps(e, ensure_ascii=False).encode() for e in good[:2]] + list(BAD_PAYLOADS) + \
                   [json.dumps(breaking).encode(), json.dumps(stuck).encode()] + \
                   [json.dumps(e, ensure_ascii=False).encode() for e in good[2:]]
        for i, payload in enumerate(payloads):
            producer.send(settings.articles_topic, key=f"k{i}".encode(), value=payload, partition=0)
        producer.flush()
        producer.close()
        warehouse = tmp_path / "lake"
        result = ingest_flow(bootstrap_servers=address, warehouse=str(warehouse), batch_size=len(payloads))
        assert (result["articles"], result["rejected"]) == (4, len(BAD_PAYLOADS) + 2)

        dead = read_topic(address, settings.dlq_topic)
    con = Lake.of(warehouse).connect(read_only=True)
    phases = con.execute("select phase, count(*) from ingest.rejected group by 1 order by 1").fetchall()
    con.close()
    expected = {}
    for phase in list(BAD_PAYLOADS.values()) + ["parse", "parse"]:
        expected[phase] = expected.get(phase, 0) + 1
    assert dict(phases) == expected
    assert len(dead) == len(BAD_PAYLOADS) + 2
    assert all(dict(r.headers)["dlq_reason"] and dict(r.headers)["dlq_phase"] for r in dead)
    reasons = {dict(r.headers)["dlq_reason"].decode() for r in dead if dict(r.headers)["dlq_phase"] == b"parse"}
    assert any("reader failure injected" in r for r in reasons) and any("over the 1 s parse budget" in r for r in reasons)
    reader.close()
    print(f"bad input: {len(dead)} to articles.dlq, rejected by phase {dict(phases)}, 4 good articles loaded")


def test_broker_down_at_start_retries_with_back_off_then_exits_non_zero():
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9", "VNINDUSTRY_CONNECT_ATTEMPTS": "3",
           "VNINDUSTRY_CONNECT_BACKOFF_S": "0.2"}
    started = time.monotonic()
    result = subprocess.run([str(Path(sys.executable).parent / "vnindustry"), "ingest"], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert "attempt 1/3" in lines[0] and "attempt 2/3" in lines[1]
    assert lines[2].startswith("vnindustry: error: cannot reach Kafka at 127.0.0.1:9 after 3 attempts")
    assert len(lines) == 3 and result.stdout == ""  # no library log lines, no traceback
    assert time.monotonic() - started >= 0.6  # 0.2 s then 0.4 s of back-off


def test_bi_readers_of_the_lake_are_never_blocked_and_see_the_latest_snapshot(broker, tmp_path):
    from flows.ingest import ingest_flow
    from flows.transform import transform_flow

    warehouse, published = tmp_path / "lake", tmp_path / "published"
    settings = {"warehouse": str(warehouse), "publish_dir": str(published)}
    ingest_flow(bootstrap_servers=broker, warehouse=str(warehouse))
    transform_flow(**settings)
    reader = Lake.of(warehouse).connect(read_only=True)  # BI attaches the lake read-only and stays
    before = reader.execute("select count(*) from marts.fct_observations").fetchall()[0][0]
    reader.execute("BEGIN TRANSACTION")  # a long BI read holds its snapshot...
    assert reader.execute("select count(*) from marts.fct_observations").fetchall()[0][0] == before
    extra = build_event("Tin mới", "Năm 2021, giá trị sản xuất công nghiệp tỉnh Cao Bằng đạt 5.000 tỷ đồng.")
    publish([extra], settings_from_env(broker, {}))
    ingest_flow(bootstrap_servers=broker, warehouse=str(warehouse))  # ...while a load and a build run
    transform_flow(**settings)
    assert reader.execute("select count(*) from marts.fct_observations").fetchall()[0][0] == before
    reader.execute("COMMIT")
    assert reader.execute("select count(*) from marts.fct_observations").fetchall()[0][0] == before + 1  # next query
    reader.close()
    exported = duckdb.sql(f"select count(*) from '{published / 'current' / 'fct_observations.parquet'}'").fetchall()[0][0]
    assert exported == before + 1


def test_broker_lost_mid_run_commits_no_partial_batch_and_the_run_completes_when_it_returns(tmp_path):
    from producers.broker import free_port

    broker_port, proxy_port = free_port(), free_port()
    proxy = TcpProxy(proxy_port, broker_port).start()
    with embedded_broker(port=broker_port, advertised_port=proxy_port) as _:
        address = f"127.0.0.1:{proxy_port}"
        settings = settings_from_env(address, {"VNINDUSTRY_GROUP": "outage"})
        ensure_topics(settings)
        publish(EVENTS, settings)
        warehouse = tmp_path / "lake"
        seen = {"batches": 0, "outage": None, "after_return": 0}

        def process_then_lose_broker(records):
            seen["batches"] += 1
            if seen["outage"] and time.monotonic() > seen["outage"] + 10:
                seen["after_return"] += 1
            if seen["batches"] == 3:  # mid-run: cut every connection for 10 s, broker data intact
                proxy.cut()
                seen["outage"] = time.monotonic()
                threading.Timer(10.0, proxy.restore).start()
            return process_records(records)

        report = run_consumer(settings, warehouse, batch_size=4, poll_timeout_ms=500, process=process_then_lose_broker,
                              max_stall_s=120)
        proxy.cut()
    assert seen["outage"] is not None and seen["after_return"] > 0  # work went on once the broker was back
    assert report.articles == len(EVENTS)
    assert_exactly_once(warehouse)
    con = Lake.of(warehouse).connect(read_only=True)
    stored = sum(r[0] for r in con.execute("select next_offset from ingest.kafka_offsets").fetchall())
    con.close()
    assert stored >= len(EVENTS)  # every batch's offsets were stored with its rows
