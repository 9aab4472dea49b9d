"""Child processes that die with their parent.

A child started here runs in its own session (its own process group: a terminal's Ctrl-C
reaches only the parent, which stops its children in order) and, on Linux, asks the kernel
for SIGKILL when its parent dies (PR_SET_PDEATHSIG), so a parent killed with -9 leaves no
orphan. The kernel sends that signal when the *thread* that forked the child ends, so
children are forked from the main thread or from one launcher thread that lives as long as
the process.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import functools
import os
import signal
import subprocess
import sys
import threading
from typing import Any, Iterator, Optional

PR_SET_PDEATHSIG = 1
_launcher: Optional[concurrent.futures.ThreadPoolExecutor] = None
_launcher_lock = threading.Lock()


@functools.lru_cache(maxsize=None)
def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.CDLL(None, use_errno=True).prctl  # the C library already loaded in this process


def _die_with_parent(parent_pid: int) -> None:
    """Runs in the child between fork and exec."""
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _popen(args: list[str], kwargs: dict[str, Any]) -> subprocess.Popen:
    _prctl()  # resolve libc before forking
    return subprocess.Popen(args, preexec_fn=functools.partial(_die_with_parent, os.getpid()),
                            start_new_session=True, **kwargs)


def spawn(args: list[str], **kwargs: Any) -> subprocess.Popen:
    """subprocess.Popen for a child bound to this process (see the module docstring)."""
    if threading.current_thread() is threading.main_thread():
        return _popen(args, kwargs)
    global _launcher
    with _launcher_lock:
        if _launcher is None:
            _launcher = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="vnindustry-launcher")
    return _launcher.submit(_popen, args, kwargs).result()


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the child's process group, then SIGKILL it if it is still there after `timeout`."""
    if process.poll() is not None:
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        try:
            process.send_signal(signum)
        except ProcessLookupError:
            pass


@contextlib.contextmanager
def library_children_bound() -> Iterator[None]:
    """While inside, children that libraries start from the main thread without a preexec
    function (Prefect's ephemeral API server) get the same binding. For the CLI process."""
    original = subprocess.Popen.__init__

    def __init__(self, args, *rest, **kwargs):
        if (threading.current_thread() is threading.main_thread() and len(rest) < 6  # preexec_fn: 7th positional
                and kwargs.get("preexec_fn") is None and "start_new_session" not in kwargs
                and "process_group" not in kwargs):
            _prctl()
            kwargs["preexec_fn"] = functools.partial(_die_with_parent, os.getpid())
            kwargs["start_new_session"] = True
        original(self, args, *rest, **kwargs)

    subprocess.Popen.__init__ = __init__
    try:
        yield
    finally:
        subprocess.Popen.__init__ = original
