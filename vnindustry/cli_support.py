"""What every command shares: exit codes, one-line errors, stop signals, progress lines.

The typer app uses `Cli` as its group class: every command runs inside `Cli.main`, which turns
known failures into one line on stderr that says what to do and a documented exit code
(README, "Exit codes"), and shows the traceback only with --verbose.
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
from enum import IntEnum
from typing import Any, Callable, Iterator, Optional

import typer
import typer.core
from rich.console import Console

try:  # typer vendors its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - typer before it vendored click
    from click import exceptions as click_errors

from vnindustry import processes, progress, stop_signals
from vnindustry.stop_signals import Stopped

console = Console(stderr=True, soft_wrap=True)


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # unexpected: a bug or an unknown failure (--verbose shows the traceback)
    USAGE = 2  # a bad argument, option or setting; nothing was started
    INPUT_REFUSED = 3  # some or all input refused (each with its reason); the rest was done
    UNAVAILABLE = 4  # Kafka unreachable, broker port taken: a service could not be reached or started
    STEP_FAILED = 5  # a pipeline step could not run or failed (no warehouse yet, warehouse busy, dbt, stall)
    STALE = 6  # `status`: lag above the limit, marts older than the loaded data, or a source past its freshness
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM (SIGHUP gives 129)


class CliError(Exception):
    """A failure the user can act on: `message` says what happened and what to do."""

    code = ExitCode.FAILED

    def __init__(self, message: str, code: Optional[ExitCode] = None):
        super().__init__(message)
        if code is not None:
            self.code = code


class UsageProblem(CliError):
    code = ExitCode.USAGE


class InputRefused(CliError):
    code = ExitCode.INPUT_REFUSED


class StepFailed(CliError):
    code = ExitCode.STEP_FAILED


# Exceptions of the pipeline's modules, by (module, class): looked up only in modules already
# imported (an exception of a module never imported cannot have been raised).
KNOWN_FAILURES = {
    ("producers.connection", "ClusterUnreachable"): ExitCode.UNAVAILABLE,
    ("producers.broker", "BrokerError"): ExitCode.UNAVAILABLE,
    ("flows.settings", "SettingsError"): ExitCode.USAGE,
    ("flows.staging", "WarehouseBusy"): ExitCode.STEP_FAILED,
    ("flows.transform", "DbtFailed"): ExitCode.STEP_FAILED,
    ("flows.lake", "LakeConflict"): ExitCode.STEP_FAILED,
    ("flows.consumer", "IngestStalled"): ExitCode.STEP_FAILED,
    ("flows.published_set", "WouldLoseFacts"): ExitCode.STEP_FAILED,
}
ADVICE = {
    "WarehouseBusy": "another vnindustry process is writing; wait for it or stop it, then run again",
    "DbtFailed": "the dbt logs are in the data folder (dbt-logs/)",
    "LakeConflict": "other writers kept winning; run again, or raise VNINDUSTRY_COMMIT_ATTEMPTS",
}


def known_code(exc: BaseException) -> Optional[ExitCode]:
    if isinstance(exc, CliError):
        return exc.code
    for (module, name), code in KNOWN_FAILURES.items():
        cls = getattr(sys.modules.get(module), name, None)
        if cls is not None and isinstance(exc, cls):
            return code
    return None


def one_line(text: str, limit: int = 600) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error(message: str) -> None:
    console.print(f"vnindustry: error: {one_line(message)}", markup=False, highlight=False, soft_wrap=True)


def wants_verbose(args: list[str]) -> bool:
    return "--verbose" in args or "-v" in args


@contextlib.contextmanager
def quiet_libraries(verbose: bool) -> Iterator[None]:
    """Library logs (kafka-python's connection errors, Prefect's flow tracebacks) only with --verbose."""
    wanted = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    if verbose:
        wanted["PREFECT_LOGGING_LEVEL"] = "INFO"
    else:  # Prefect's console handler also serves the root logger (kafka-python); API logs keep their level
        wanted["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "CRITICAL"
    added = [name for name in wanted if name not in os.environ]
    os.environ.update({name: wanted[name] for name in added})
    kafka_logs = logging.getLogger("kafka")
    level = kafka_logs.level
    if not verbose:
        kafka_logs.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)
        kafka_logs.setLevel(level)


class Cli(typer.core.TyperGroup):
    """Runs a command, then maps what it raised to one line and an exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra: Any) -> Any:
        args = list(sys.argv[1:] if args is None else args)
        verbose = wants_verbose(args)
        with quiet_libraries(verbose), processes.library_children_bound(), stop_signals.handled():
            code = self._run(args, prog_name, complete_var, verbose, **extra)
        sys.exit(code)

    def _run(self, args, prog_name, complete_var, verbose: bool, **extra: Any) -> int:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            return result if isinstance(result, int) else ExitCode.OK
        except click_errors.NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help())
            return ExitCode.USAGE
        except click_errors.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "vnindustry"
            error(f"{exc.format_message()} (see `{command} --help`)")
            return ExitCode.USAGE
        except click_errors.ClickException as exc:
            error(exc.format_message())
            return exc.exit_code
        except typer.Abort:
            error("interrupted; work committed before the interruption is kept")
            return ExitCode.INTERRUPTED
        except KeyboardInterrupt:
            error("interrupted; work committed before the interruption is kept")
            return ExitCode.INTERRUPTED
        except Stopped as exc:
            error(f"stopped by {exc}; work committed before the signal is kept, children stopped")
            return 128 + exc.signum
        except Exception as exc:
            if verbose:
                console.print_exception()
            signum = stop_signals.received()
            if signum is not None:  # a library turned the signal into its own error (DuckDB: 'Query interrupted')
                error(f"stopped by {signal.Signals(signum).name} ({type(exc).__name__}: {exc}); work committed before "
                      "the signal is kept, children stopped")
                return 128 + signum
            code = known_code(exc)
            if code is None:
                error(f"unexpected {type(exc).__name__}: {exc} (rerun with --verbose for the traceback)")
                return ExitCode.FAILED
            advice = ADVICE.get(type(exc).__name__)
            error(f"{exc}" + (f"; {advice}" if advice else ""))
            return code


class ProgressLines:
    """Counts while long work runs: a live status line on a terminal, else plain lines (at most
    one every `every` seconds, and the last one), so logs and CI show progress too."""

    def __init__(self, out: Console = console, every: float = 2.0):
        self.out = out
        self.every = every
        self.interactive = out.is_terminal
        self.status = None
        self.last_line = 0.0
        self.pending: Optional[str] = None

    @contextlib.contextmanager
    def stage(self, title: str) -> Iterator[Callable[[str], None]]:
        if self.interactive:
            with self.out.status(title) as status:
                self.status = status
                with progress.listening(self.hear):
                    yield self.show
            self.status = None
        else:
            self.out.print(title, markup=False, highlight=False, soft_wrap=True)
            self.last_line = time.monotonic()
            with progress.listening(self.hear):
                yield self.show
            if self.pending:
                self.out.print(f"  {self.pending}", markup=False, highlight=False, soft_wrap=True)
                self.pending = None

    def hear(self, stage: str, message: str) -> None:
        if stage == progress.ALERT:
            self.out.print(f"vnindustry: warning: {one_line(message, 2000)}", markup=False, highlight=False, soft_wrap=True)
        else:
            self.show(message)

    def show(self, message: str) -> None:
        if self.status is not None:
            self.status.update(message)
            return
        if time.monotonic() - self.last_line >= self.every:
            self.out.print(f"  {message}", markup=False, highlight=False, soft_wrap=True)
            self.last_line = time.monotonic()
            self.pending = None
        else:
            self.pending = message
