"""Helpers shared by the end-to-end tests."""
import time

from kafka import KafkaConsumer, TopicPartition


def read_topic(address: str, topic: str) -> list:
    """Every record of a topic, read with an independent consumer (no group)."""
    consumer = KafkaConsumer(bootstrap_servers=address, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    records, deadline = [], time.monotonic() + 10
    while time.monotonic() < deadline:
        batch = consumer.poll(timeout_ms=500)
        if not batch and records:
            break
        records.extend(r for rs in batch.values() for r in rs)
    consumer.close()
    return records


def store(lake, events: list[dict], offset: int = 0) -> None:
    """Load article events into the lake as one ingest batch would (no broker, no Prefect)."""
    from types import SimpleNamespace

    from flows import staging
    from flows.batch import process_records
    from vnindustry.events import cloudevent_headers, encode_event

    records = [SimpleNamespace(topic="articles", partition=0, offset=offset + i, key=e["article_id"].encode(),
                               value=encode_event(e), headers=cloudevent_headers(e)) for i, e in enumerate(events)]
    batch = process_records(records)
    batch.cluster_id = "c"
    con = staging.connect(lake)
    staging.store_batch(con, batch, "g")
    con.close()


class TcpProxy:
    """A TCP forwarder in front of the broker: `cut()` drops every connection and refuses new
    ones (the broker is lost to its clients, its data intact); `restore()` brings it back."""

    def __init__(self, listen_port: int, target_port: int):
        import socket
        import threading

        self._socket, self._threading = socket, threading
        self.listen_port, self.target_port = listen_port, target_port
        self.connections: list = []
        self.server = None
        self.lock = threading.Lock()

    def start(self) -> "TcpProxy":
        socket = self._socket
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.listen_port))
        self.server.listen(64)
        self._threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()
        return self

    def _accept(self, server) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = self._socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                self._threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self) -> None:
        self.server.close()
        with self.lock:
            for connection in self.connections:
                try:
                    connection.shutdown(self._socket.SHUT_RDWR)
                    connection.close()
                except OSError:
                    pass
            self.connections.clear()

    def restore(self) -> None:
        self.start()


class PostgresServer:
    """A throwaway Postgres (Debian's `postgresql` package): initdb + pg_ctl on a free local port,
    run as the `postgres` user when the tests run as root. It fails loudly when it cannot start."""

    def __init__(self, root):
        import pathlib

        self.root = pathlib.Path(root)
        self.port = None
        self.bindir = None

    def _as_postgres(self, *command: str):
        import os
        import subprocess

        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    def start(self) -> "PostgresServer":
        import glob
        import os
        import shutil

        from producers.broker import free_port

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            raise RuntimeError("Postgres is not installed: `apt-get install postgresql` (make test does it when it can)")
        self.bindir = os.path.dirname(found[-1])
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        data = self.root / "data"
        result = self._as_postgres(f"{self.bindir}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        if result.returncode:
            raise RuntimeError(f"initdb failed: {result.stderr}")
        self.port = free_port()
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        result = self._as_postgres(f"{self.bindir}/pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / "log"),
                                   "-w", "start")
        if result.returncode:
            raise RuntimeError(f"pg_ctl start failed: {result.stderr}{(self.root / 'log').read_text(errors='replace')}")
        return self

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        import subprocess

        result = subprocess.run([f"{self.bindir}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", dbname,
                                 "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True, timeout=60)
        if result.returncode:
            raise RuntimeError(result.stderr)
        return result.stdout

    def create_database(self) -> str:
        """A new empty database; returns its libpq DSN."""
        import uuid

        name = "lake_" + uuid.uuid4().hex[:12]
        self.psql(f"CREATE DATABASE {name}")
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={name}"

    def stop(self) -> None:
        self._as_postgres(f"{self.bindir}/pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "stop")


PROVINCES = ("Hà Nam", "Bắc Ninh", "Thái Bình", "Nam Định", "Ninh Bình")


def synthetic_articles(first: int, count: int, tag: str = "", published_at: str = "2021-01-05") -> list[dict]:
    """Distinct short articles, two facts each (an IIP change and a production value), about five
    provinces in 2020: articles i and i+5 compete for the same province-year row."""
    from vnindustry.events import build_event

    return [build_event(f"Tin {tag}{i}", f"Năm 2020, chỉ số sản xuất công nghiệp (IIP) tỉnh {PROVINCES[i % 5]} tăng "
                                         f"{1 + i / 10:.1f}%. Giá trị sản xuất công nghiệp ước đạt {1000 + i} tỷ đồng.",
                        published_at=published_at)
            for i in range(first, first + count)]


def lake_counts(warehouse) -> dict:
    """Articles, facts and topic resets in a lake folder, read as BI reads it."""
    from flows.lake import Lake

    con = Lake.of(warehouse).connect(read_only=True)
    try:
        return {table: con.execute(f"select count(*) from ingest.{table}").fetchall()[0][0]
                for table in ("raw_articles", "observations", "topic_resets")}
    finally:
        con.close()
