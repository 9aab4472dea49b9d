"""Stop signals (SIGTERM, SIGHUP, SIGINT) that are never lost.

SIGTERM and SIGHUP raise `Stopped` in the main thread, so a command unwinds cleanly. A library
can swallow that exception: DuckDB turns any exception raised by a signal handler during a query
into `RuntimeError('Query interrupted')`, which a retry then hides (a stopped ingest went on to
finish). So every signal that reaches a Python handler is also recorded at C level, through
`signal.set_wakeup_fd`, and long loops ask `raise_if_stopped()` between units of work.
"""
from __future__ import annotations

import contextlib
import os
import signal
from typing import Iterator, Optional

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
_pipe: Optional[int] = None  # read end of the wakeup pipe while `handled()` is active
_received: list[int] = []


class Stopped(BaseException):
    """A stop signal turned into an exception, so every `finally` and context manager runs:
    children are stopped, open transactions roll back, committed work stays."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def received() -> Optional[int]:
    """The first stop signal received in the active `handled()` block, if any."""
    if _pipe is not None:
        while True:
            try:
                data = os.read(_pipe, 256)
            except (BlockingIOError, OSError):
                break
            if not data:
                break
            _received.extend(number for number in data if number in STOP_SIGNALS)
    return _received[0] if _received else None


def raise_if_stopped() -> None:
    """Between units of work: stop now if a stop signal arrived, even one a library swallowed."""
    signum = received()
    if signum is not None:
        raise KeyboardInterrupt() if signum == signal.SIGINT else Stopped(signum)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """SIGTERM and SIGHUP raise `Stopped`; every stop signal is recorded for `received()`.
    Main thread only (Python's rule for signal handlers)."""
    global _pipe

    def raise_stopped(signum: int, frame) -> None:
        for sig in previous:
            signal.signal(sig, signal.SIG_DFL)  # a second signal stops at once (children still die: PDEATHSIG)
        raise Stopped(signum)

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)
    previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    _pipe = read_end
    for sig in previous:
        signal.signal(sig, raise_stopped)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(previous_fd)
        _pipe = None
        _received.clear()
        os.close(read_end)
        os.close(write_end)
