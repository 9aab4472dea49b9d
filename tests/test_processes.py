"""Children die with their parent, stop signals stop every child and keep committed work, and
`broker` refuses a taken port. Real processes, real signals."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, SEEDS
from producers.broker import broker_command, free_port, wait_for_port
from vnindustry import processes

pytestmark = pytest.mark.e2e
CLI = str(Path(sys.executable).parent / "vnindustry")


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def children(pid: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if ppid == pid:
                    found[int(entry.name)] = (entry / "cmdline").read_text().replace("\0", " ")
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    return found


def wait_until(condition, what: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def start_cli(args: list[str], tmp_path: Path, **env) -> tuple[subprocess.Popen, Path]:
    """The CLI in a session of its own (a signal to it never reaches pytest); stderr to a file."""
    stderr = tmp_path / f"stderr-{len(list(tmp_path.glob('stderr-*')))}.txt"
    environ = {**os.environ, "VNINDUSTRY_DATA_DIR": str(tmp_path / "data"), **env}
    environ.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    process = subprocess.Popen([CLI, *args], cwd=REPO, env=environ, stdout=subprocess.DEVNULL,
                               stderr=stderr.open("w"), start_new_session=True)
    return process, stderr


def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt")) + sorted((FIXTURES / "dev" / "articles").glob("*.txt")):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def loaded(lake_folder: Path) -> tuple[set, int, int]:
    from flows.lake import Lake

    con = Lake.at(lake_folder).connect(read_only=True)
    try:
        ids = {r[0] for r in con.execute("select article_id from ingest.raw_articles").fetchall()}
        facts, distinct = con.execute("select count(*), count(distinct observation_id) from ingest.observations").fetchall()[0]
    finally:
        con.close()
    return ids, facts, distinct


def test_kill_9_of_run_takes_the_broker_the_prefect_server_and_the_parse_worker_with_it(tmp_path):
    run, stderr = start_cli(["run", str(corpus(tmp_path)), "--batch-size", "1"], tmp_path)
    try:
        wait_until(lambda: "ingest: " in stderr.read_text(), "a batch was ingested")
        kids = children(run.pid)
        assert any("tansu" in c for c in kids.values()), kids
        assert any("uvicorn" in c for c in kids.values()), kids  # Prefect's ephemeral API server
        assert any("flows.parse_budget" in c for c in kids.values()), kids
    finally:
        run.kill()
        run.wait()
    wait_until(lambda: not any(alive(pid) for pid in kids), f"children {sorted(kids)} gone after kill -9", timeout=30)


def test_sigterm_to_run_stops_every_child_keeps_committed_batches_and_a_rerun_completes(tmp_path):
    articles = corpus(tmp_path)
    run, stderr = start_cli(["run", str(articles), "--batch-size", "1"], tmp_path)
    wait_until(lambda: "ingest: " in stderr.read_text(), "a batch was ingested")
    kids = children(run.pid)
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=120) == 143
    assert stderr.read_text().strip().splitlines()[-1].startswith("vnindustry: error: stopped by SIGTERM")
    wait_until(lambda: not any(alive(pid) for pid in kids), f"children {sorted(kids)} gone after SIGTERM", timeout=30)

    warehouse = tmp_path / "data" / "lake"
    ids, facts, distinct = loaded(warehouse)
    assert 0 < len(ids) < len(list(articles.glob("*.txt")))  # stopped mid-ingest, with whole batches kept
    assert facts == distinct

    rerun, rerun_stderr = start_cli(["run", str(articles), "--batch-size", "1"], tmp_path)
    assert rerun.wait(timeout=600) == 0, rerun_stderr.read_text()[-3000:]
    all_ids, facts, distinct = loaded(warehouse)
    assert ids < all_ids and len(all_ids) == len(list(articles.glob("*.txt")))
    assert facts == distinct


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port` (IPv4 and IPv6), from the kernel's tables."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_a_stopped_broker_command_leaves_no_tansu(tmp_path, stop):
    port = free_port()
    broker, stderr = start_cli(["broker", "--port", str(port)], tmp_path)
    wait_until(lambda: "broker listening" in stderr.read_text(), "the broker listens")
    [tansu] = children(broker.pid)
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only: the embedded broker has no authentication
    broker.send_signal(stop)
    code = broker.wait(timeout=60)
    assert code == (-signal.SIGKILL if stop == signal.SIGKILL else 0), stderr.read_text()
    wait_until(lambda: not alive(tansu), "Tansu gone", timeout=30)


def test_broker_refuses_a_port_held_by_a_stale_broker(tmp_path):
    port = free_port()
    stale = processes.spawn(broker_command(port, "left-over-cluster"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process=stale)
        result = subprocess.run([CLI, "broker", "--port", str(port)], cwd=REPO, capture_output=True, text=True, timeout=60)
    finally:
        processes.stop(stale)
    assert result.returncode == 4
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("vnindustry: error: ") and f"port {port} is already in use" in line
