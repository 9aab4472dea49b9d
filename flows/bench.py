"""`vnindustry bench --pipeline N`: the whole pipeline's speed and memory, measured in one run.

Publishes N generated articles, then measures on the same topic: a raw kafka-python consume,
the reader alone, ingest with 1 and with 3 worker processes (each its own lake), a full and an
incremental transform (100 new articles), publish→mart latency in continuous mode, and each
process's peak RSS. Workers run as child processes (`python -m flows.bench CHILD …`) so their
memory is their own; each child warms Prefect up before its clock starts.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from vnindustry.benchmark import corpus
from vnindustry.reference import REPO_ROOT

INCREMENT = 100
TOPIC = f"bench-{os.getpid()}"
LATENCY_SAMPLES = 20


@dataclass
class Measure:
    name: str
    seconds: float
    items: int
    rss_mb: Optional[float] = None
    note: str = ""

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0


@dataclass
class PipelineBench:
    articles: int
    measures: dict[str, Measure] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    def add(self, measure: Measure) -> Measure:
        self.measures[measure.name] = measure
        return measure


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generated_articles(count: int) -> list[dict]:
    folders = [REPO_ROOT / "seeds", REPO_ROOT / "tests" / "corpus" / "regression" / "articles"]
    events = []
    size_mb = 0.5
    while len(events) < count:
        events = corpus(folders, size_mb)
        size_mb *= 2
    return events[:count]


def _child(args: list[str], env: dict) -> subprocess.Popen:
    """A measured child process; its log goes to a file beside the lake (a pipe could fill up)."""
    env.setdefault("PREFECT_HOME", str(Path(env["VNINDUSTRY_DATA_DIR"]) / "prefect"))
    Path(env["VNINDUSTRY_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    log = open(Path(env["VNINDUSTRY_DATA_DIR"]) / f"bench-{args[0]}-{time.monotonic_ns()}.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "flows.bench", *args], env=env, cwd=REPO_ROOT,
                               stdout=subprocess.PIPE, stderr=log, text=True)
    process.log_path = log.name
    return process


def _result(process: subprocess.Popen, timeout: float = 3600) -> dict:
    out, _ = process.communicate(timeout=timeout)
    if process.returncode:
        raise RuntimeError(f"bench child failed ({process.returncode}): {Path(process.log_path).read_text()[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


def _env(work: Path, bootstrap: str, lake_dir: Path, group: str) -> dict:
    return {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "VNINDUSTRY_GROUP": group, "VNINDUSTRY_TOPIC": TOPIC,
            "VNINDUSTRY_DATA_DIR": str(lake_dir.parent), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
            "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


def ingest_workers(work: Path, bootstrap: str, lake_dir: Path, group: str, workers: int) -> Measure:
    """`workers` ingest processes in one group; the clock runs from a common start to the last one done."""
    go = work / f"go-{group}"
    children = [_child(["ingest", str(go)], {**_env(work, bootstrap, lake_dir, group), "PREFECT_HOME": str(work / f"prefect-{group}-{i}")})
                for i in range(workers)]  # each its own ephemeral Prefect server (no PREFECT_API_URL here)
    ready = [c.stdout.readline() for c in children]  # each prints once Prefect is warm
    if not all(r.startswith("ready") for r in ready):
        raise RuntimeError(f"ingest child did not start: {ready} {[Path(c.log_path).read_text()[-2000:] for c in children]}")
    started = time.monotonic()
    go.touch()
    results = [_result(c) for c in children]
    seconds = time.monotonic() - started
    return Measure(f"ingest, {workers} worker{'s' * (workers > 1)}", seconds, sum(r["articles"] for r in results),
                   max(r["rss_mb"] for r in results), f"{sum(r['commit_retries'] for r in results)} commit retries")


def run_pipeline_bench(count: int, log=print) -> PipelineBench:
    from kafka import KafkaConsumer, TopicPartition

    from flows.lake import Lake
    from producers.broker import embedded_broker
    from producers.kafka_settings import configured_bootstrap, settings_from_env
    from producers.publish import publish
    from producers.topics import ensure_topics
    from vnindustry.reader import parse_article

    bench = PipelineBench(count)
    work = Path(tempfile.mkdtemp(prefix="vnindustry-bench-"))
    events = generated_articles(count + INCREMENT + LATENCY_SAMPLES)
    main, extra, probes = events[:count], events[count:count + INCREMENT], events[count + INCREMENT:]
    with embedded_broker() if not configured_bootstrap() else _configured() as bootstrap:
        settings = settings_from_env(bootstrap, {"VNINDUSTRY_TOPIC": TOPIC})
        ensure_topics(settings)
        log(f"publishing {count} articles to {settings.articles_topic} ({settings.partitions} partitions)…")
        started = time.monotonic()
        publish(main, settings)
        bench.add(Measure("publish (kafka-python producer)", time.monotonic() - started, count))

        consumer = KafkaConsumer(enable_auto_commit=False, fetch_max_bytes=64 << 20, max_partition_fetch_bytes=16 << 20,
                                 **settings.client_config())
        partitions = [TopicPartition(settings.articles_topic, p) for p in consumer.partitions_for_topic(settings.articles_topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        started, seen = time.monotonic(), 0
        while seen < count:
            seen += sum(len(r) for r in consumer.poll(timeout_ms=1000, max_records=5000).values())
        bench.add(Measure("raw consume (kafka-python)", time.monotonic() - started, seen))
        consumer.close()

        parse_article(main[0])
        started = time.monotonic()
        for event in main:
            parse_article(event)
        bench.add(Measure("reader only (parse_article)", time.monotonic() - started, count, None,
                          "this branch's reader"))

        log("ingest with 1 worker…")
        one = work / "one" / "lake"
        bench.add(ingest_workers(work, bootstrap, one, "bench-one", 1))
        log("ingest with 3 workers…")
        bench.add(ingest_workers(work, bootstrap, work / "three" / "lake", "bench-three", 3))

        log("transform: full build…")
        env = _env(work, bootstrap, one, "bench-one")
        full = _result(_child(["transform", "full"], env))
        bench.add(Measure("transform, full build", full["seconds"], count, full["rss_mb"]))
        publish(extra, settings)
        _result(_child(["ingest", ""], env))
        incremental = _result(_child(["transform", "incremental"], env))
        bench.add(Measure(f"transform, incremental (+{INCREMENT})", incremental["seconds"], INCREMENT, incremental["rss_mb"],
                          f"mode {incremental['mode']}, warm process; {incremental['cold_seconds']:.2f}s with "
                          "dbt's import and parse"))

        log("continuous mode: publish→mart latency…")
        worker = _child(["worker"], env)
        if not worker.stdout.readline().startswith("ready"):
            raise RuntimeError(Path(worker.log_path).read_text()[-3000:])
        lake = Lake.from_env(one)
        time.sleep(3)
        for event in probes:
            sent = time.monotonic()
            publish([event], settings)
            con = lake.connect(read_only=True)
            try:
                while time.monotonic() - sent < 120:
                    if con.execute("select count(*) from marts.fct_observations where article_id = ?",
                                   [event["article_id"]]).fetchall()[0][0] or not parse_article(event):
                        break
                    time.sleep(0.05)
            finally:
                con.close()
            bench.latencies.append(time.monotonic() - sent)
            log(f"  latency {bench.latencies[-1]:.2f}s")
        (work / "stop-worker").touch()
        result = _result(worker)
        bench.add(Measure("continuous worker (ingest+refresh)", 0, LATENCY_SAMPLES, result["rss_mb"],
                          f"{result['builds']} builds"))
    return bench


def _configured():
    import contextlib

    from producers.kafka_settings import configured_bootstrap

    return contextlib.nullcontext(configured_bootstrap())


def table(bench: PipelineBench) -> list[tuple[str, str, str, str, str]]:
    rows = []
    reader = bench.measures.get("reader only (parse_article)")
    for m in bench.measures.values():
        ratio = f"{m.rate / reader.rate:.0%} of reader" if reader and m.seconds and m.name.startswith("ingest") else ""
        rows.append((m.name, f"{m.seconds:.2f}" if m.seconds else "-", f"{m.rate:,.0f}/s" if m.seconds else "-",
                     f"{m.rss_mb:.0f}" if m.rss_mb else "-", " ".join(x for x in (ratio, m.note) if x)))
    if bench.latencies:
        lat = sorted(bench.latencies)
        p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
        rows.append(("publish→mart latency", f"p50 {statistics.median(lat):.2f}", f"p95 {p95:.2f}", "-",
                     f"{len(lat)} articles, one at a time"))
    return rows


def _main(argv: list[str]) -> None:
    """Child processes: `ingest GO_FILE`, `transform full|incremental`, `worker`."""
    import threading

    from flows import settings as config

    kind = argv[0]
    if kind == "ingest":
        from prefect import flow

        from flows.ingest import ingest_flow

        flow(lambda: None, name="warm-up")()
        go = Path(argv[1]) if argv[1] else None
        if go:
            print("ready", flush=True)
            while not go.exists():
                time.sleep(0.01)
        started = time.monotonic()
        report = ingest_flow(batch_size=500)
        print(json.dumps({**report, "seconds": time.monotonic() - started, "rss_mb": peak_rss_mb()}))
    elif kind == "transform":
        from flows.transform import build, warm_up

        started = time.monotonic()
        warm_up(config.lake(), config.work_dir())
        warmed = time.monotonic()
        report = build(config.lake(), config.work_dir(), full_refresh=argv[1] == "full")
        print(json.dumps({"mode": report.mode, "seconds": time.monotonic() - warmed, "cold_seconds": time.monotonic() - started,
                          "rss_mb": peak_rss_mb()}))
    elif kind == "worker":
        from flows.worker import run_worker

        stop = threading.Event()
        stop_file = Path(os.environ["VNINDUSTRY_DATA_DIR"]).parent / "stop-worker"

        def watch() -> None:
            while not stop_file.exists():
                time.sleep(0.1)
            stop.set()

        threading.Thread(target=watch, daemon=True).start()
        print("ready", flush=True)
        report = run_worker(config.kafka(), config.lake(), config.work_dir(), config.published_dir(), batch_size=500,
                            interval_s=0.5, export_interval_s=3600, stop=stop)
        print(json.dumps({"builds": len(report.builds), "rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    _main(sys.argv[1:])
