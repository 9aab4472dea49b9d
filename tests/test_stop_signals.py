"""A stop signal is never lost, even when a library swallows the exception its handler raised."""
import os
import signal
import threading
import time

import duckdb
import pytest

from vnindustry import stop_signals


def test_a_sigterm_during_a_duckdb_query_is_still_known_after_duckdb_swallowed_it():
    con = duckdb.connect()
    with stop_signals.handled():
        assert stop_signals.received() is None
        stop_signals.raise_if_stopped()  # nothing received: no effect
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)).start()
        with pytest.raises(RuntimeError, match="interrupted"):  # DuckDB's error, not Stopped
            con.execute("select sum(i * j) from range(100000) t(i), range(100000) s(j)").fetchall()
        assert stop_signals.received() == signal.SIGTERM
        with pytest.raises(stop_signals.Stopped) as stopped:
            stop_signals.raise_if_stopped()
        assert stopped.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the previous handler is back
    assert stop_signals.received() is None  # and the record ends with the block


def test_outside_a_query_sigterm_raises_stopped_at_once():
    with stop_signals.handled():
        with pytest.raises(stop_signals.Stopped):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # never reached: the handler raises first
