"""A per-article time budget for the reader.

A signal cannot bound the reader inside the ingest process: Python runs signal handlers in the
main thread only (a flow task may parse in another), C code that does not poll for signals
runs on until it returns, and a handler that raises mid-article leaves the reader's state
unknown. So the reader runs in a worker process that is killed when an article runs over its
budget; a new worker takes the next article. The worker is
started once per ingest process and bound to it (vnindustry.processes): it dies with it.

`VNINDUSTRY_PARSE_BUDGET_S` (default 20; the reader does about 1 MB/s, and events are at most
2 MB) sets the budget; 0 parses in-process with no budget.
"""
from __future__ import annotations

import atexit
import importlib
import os
import signal
import socket
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any, Callable, Optional

from vnindustry import processes

DEFAULT_BUDGET_S = 20.0
READER = "vnindustry.reader:parse_article"
STARTUP_TIMEOUT_S = 120.0  # loading the vocabularies and gazetteers is not part of the budget


class OverBudget(Exception):
    """The reader took longer than the budget on one article; it was stopped."""


class ReaderFailed(Exception):
    """The reader raised on one article (the worker reports the error as text)."""


def budget_from_env(env=None) -> float:
    env = os.environ if env is None else env
    return float(env.get("VNINDUSTRY_PARSE_BUDGET_S", DEFAULT_BUDGET_S))


class BudgetedReader:
    """`parse(event)` -> observations, or OverBudget / ReaderFailed. Not thread-safe: one
    article at a time, as the ingest loop reads them. `reader` ("module:function") is the
    function the worker runs."""

    def __init__(self, budget_s: float, reader: str = READER):
        self.budget_s = budget_s
        self.reader = reader
        self.process = None
        self.connection: Optional[Connection] = None
        self.restarts = 0

    def parse(self, event: dict[str, Any]) -> list:
        connection = self._connection()
        try:
            connection.send(event)
            if not connection.poll(self.budget_s):
                self.close()
                self.restarts += 1
                raise OverBudget(f"over the {self.budget_s:g} s parse budget (body of {len(event.get('body') or '')} "
                                 f"characters); the reader was stopped")
            ok, value = connection.recv()
        except (EOFError, OSError) as exc:  # the worker died (killed, out of memory)
            code = self.process.poll() if self.process else None
            self.close()
            self.restarts += 1
            raise ReaderFailed(f"reader process died ({type(exc).__name__}, exit code {code})") from None
        if ok:
            return value
        raise ReaderFailed(value)

    def _connection(self) -> Connection:
        if self.connection is None:
            ours, theirs = socket.socketpair()
            with theirs:
                self.process = processes.spawn(
                    [sys.executable, "-m", "flows.parse_budget", str(theirs.fileno()), self.reader],
                    pass_fds=[theirs.fileno()],
                )
            self.connection = Connection(ours.detach())
            if not self.connection.poll(STARTUP_TIMEOUT_S) or self.connection.recv() != "ready":
                self.close()
                raise RuntimeError(f"the reader process did not start within {STARTUP_TIMEOUT_S:.0f}s")
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


_shared: Optional[BudgetedReader] = None
_shared_lock = threading.Lock()


def reader() -> Callable[[dict[str, Any]], list]:
    """The process-wide reader for the ingest path: budgeted, or plain when the budget is 0."""
    global _shared
    budget = budget_from_env()
    if budget <= 0:
        from vnindustry.reader import parse_article

        return parse_article
    with _shared_lock:
        if _shared is None or _shared.budget_s != budget:
            if _shared is not None:
                _shared.close()
            _shared = BudgetedReader(budget)
            atexit.register(_shared.close)
        return _shared.parse


def serve(fd: int, reader: str) -> None:
    """The worker: say "ready", then read events and answer (True, observations) or
    (False, "Error: message")."""
    module, name = reader.split(":")
    parse_article = getattr(importlib.import_module(module), name)
    parse_article({"article_id": "warm-up", "body": "Năm 2020, chỉ số IIP tăng 5%."})  # load vocabularies now
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the worker stops
    connection = Connection(fd)
    connection.send("ready")
    while True:
        try:
            event = connection.recv()
        except EOFError:
            return
        try:
            answer = (True, parse_article(event))
        except Exception as exc:
            answer = (False, f"{type(exc).__name__}: {exc}")
        connection.send(answer)


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2])
