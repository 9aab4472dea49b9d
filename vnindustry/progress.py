"""Progress of long work as counts, from wherever the work runs (publisher, flows, dbt) to
whoever listens (the CLI prints it; under a Prefect worker nobody listens and it costs nothing).

Pure: no Kafka, Prefect or dbt imports; dbt events are read by their documented fields.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator

Listener = Callable[[str, str], None]  # (stage, message)
_listeners: list[Listener] = []
_lock = threading.Lock()
_dbt_done = {"n": 0}


def emit(stage: str, message: str) -> None:
    for listener in list(_listeners):
        listener(stage, message)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)


def dbt_event(event: Any) -> None:
    """A dbtRunner callback: one message per finished node (model built, test run, seed loaded)."""
    if event.info.name == "MainReportVersion":  # the first event of each dbt invocation
        _dbt_done["n"] = 0
    if not _listeners or event.info.name != "NodeFinished":
        return
    node = event.data.node_info
    _dbt_done["n"] += 1
    emit("dbt", f"dbt: {_dbt_done['n']} nodes done, last {node.resource_type} {node.node_name} ({node.node_status})")
