"""`vnindustry`: the single entry point (typer).

The reader commands need only the domain core; the pipeline commands import Kafka, Prefect
and DuckDB inside the command, so `extract` stays light and the core stays pure. Errors, exit
codes, stop signals and progress lines are shared by every command (vnindustry/cli_support.py);
inputs and settings are checked before any broker, Prefect or dbt starts.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vnindustry import __version__, stop_signals
from vnindustry.cli_support import Cli, CliError, ExitCode, InputRefused, ProgressLines, StepFailed, UsageProblem, one_line

app = typer.Typer(help="Vietnamese provincial industry news -> Kafka -> Prefect -> DuckDB -> dbt marts.",
                  no_args_is_help=True, cls=Cli, pretty_exceptions_enable=False)
console = Console(stderr=True, soft_wrap=True)
out = Console(width=None if sys.stdout.isatty() else 140)
SHOWN_REFUSALS = 20

CONTRACT_FIELDS = (
    "geo_code", "geo_name", "period_start", "period_end", "sector", "division", "product", "metric", "value", "unit",
    "bound", "change_pct", "change_base", "plan_pct", "status", "price_basis",
)


def _version(value: bool) -> None:
    if value:
        out.print(f"vnindustry {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks and library logs (also after a command)."),
) -> None:
    """Vietnamese provincial industry news -> Kafka -> Prefect -> DuckDB -> dbt marts.

    Exit codes: 0 done, 1 unexpected error, 2 bad usage or settings, 3 input refused,
    4 Kafka or broker unavailable, 5 a pipeline step failed, 130/143 stopped by SIGINT/SIGTERM.
    """


def _published_at(value: Optional[str]) -> Optional[str]:
    from vnindustry.events import EventError, published_date

    if value is None:
        return None
    try:
        return published_date(value)
    except EventError as exc:
        raise typer.BadParameter(exc.reason.removeprefix("published_at: ")) from None


def _checked_paths() -> None:
    """Settings that would lose data are refused before anything starts."""
    from flows import settings as config

    config.check_paths()


def _require_warehouse() -> None:
    from flows import settings as config
    from flows.staging import has_loader_tables

    lake = config.lake()
    if not has_loader_tables(lake):
        raise StepFailed(f"no warehouse at {lake.describe()} yet: run `vnindustry ingest` (or `vnindustry run`) first, "
                         f"or set VNINDUSTRY_DATA_DIR / VNINDUSTRY_CATALOG")


def _reach_cluster(bootstrap: str) -> None:
    from producers.connection import wait_for_cluster
    from producers.kafka_settings import settings_from_env

    wait_for_cluster(settings_from_env(bootstrap), log=lambda m: console.print(f"[yellow]{escape(m)}[/yellow]"))


@contextlib.contextmanager
def kafka_cluster() -> Iterator[str]:
    """The configured cluster (KAFKA_BOOTSTRAP_SERVERS), else an embedded broker for this run."""
    from producers.broker import embedded_broker
    from producers.kafka_settings import configured_bootstrap, settings_from_env
    from producers.topics import ensure_topics

    configured = configured_bootstrap()
    if configured:
        _reach_cluster(configured)
        ensure_topics(settings_from_env(configured))
        yield configured
        return
    with embedded_broker() as bootstrap:
        console.print(f"[dim]embedded Kafka-protocol broker (Tansu) on {bootstrap}[/dim]")
        ensure_topics(settings_from_env(bootstrap))
        yield bootstrap


@app.command()
def extract(
    files: List[Path] = typer.Argument(..., help="Plain-text articles (first line is the title)."),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl or table."),
    published_at: Optional[str] = typer.Option(None, "--published-at", callback=_published_at,
                                               help="YYYY-MM-DD, for periods with no year."),
) -> None:
    """Print the observations the reader finds in plain-text articles."""
    from producers.articles import read_text_file
    from vnindustry.events import build_event, split_title
    from vnindustry.reader import parse_article

    if format not in ("jsonl", "table"):
        raise typer.BadParameter("must be jsonl or table", param_hint="--format")
    table = Table(*("file", "geo", "period", "sector", "div", "product", "metric", "value", "unit", "change", "base", "status"))
    failed = 0
    for file in files:
        try:
            text = read_text_file(file)
        except ValueError as exc:
            console.print(f"refused {file}: {exc}", markup=False, highlight=False)
            failed += 1
            continue
        event = build_event(*split_title(text), source=str(file), published_at=published_at) if text.strip() else None
        for obs in parse_article(event) if event else []:
            record = {"file": str(file), **obs.record()}
            if format == "jsonl":
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                table.add_row(str(file), obs.geo_code or "-", f"{obs.period_start}..{obs.period_end}", obs.sector or "-",
                              obs.division or "-", obs.product or "-", obs.metric, _fmt(obs.value), obs.unit or "-",
                              _fmt(obs.change_pct), obs.change_base or "-", obs.status)
    if format == "table":
        out.print(table)
    if failed:
        raise InputRefused(f"{failed} of {len(files)} files refused (listed above); the others were read")


def _fmt(number: Optional[float]) -> str:
    return "-" if number is None else f"{number:,.6g}"


@app.command()
def bench(
    corpus_dirs: List[Path] = typer.Argument(None, help="Folders of .txt articles (default: seeds/ and the dev and own corpora)."),
    size_mb: float = typer.Option(10.0, "--size-mb", help="Corpus size to build by repeating the articles."),
    pipeline: Optional[int] = typer.Option(None, "--pipeline", min=1, help="Measure the whole pipeline on N generated articles."),
) -> None:
    """Measure the reader: articles/s, MB/s and peak memory on a corpus of at least --size-mb, against
    a bare regular-expression number scan of the same corpus; then time on run-on sentences. With
    --pipeline N, the whole pipeline instead (see flows/bench.py)."""
    if pipeline:
        _bench_pipeline(pipeline)
        return
    from vnindustry.benchmark import corpus, number_scan_mb_per_s, run_benchmark, run_on_seconds
    from vnindustry.reference import REPO_ROOT

    corpus_root = REPO_ROOT / "tests" / "corpus"
    folders = corpus_dirs or [REPO_ROOT / "seeds", corpus_root / "dev" / "articles", corpus_root / "own" / "articles"]
    events = corpus(folders, size_mb)
    result = run_benchmark(events)
    scan = number_scan_mb_per_s(events)
    out.print(
        f"reader {result.articles} articles, {result.megabytes:.1f} MB, {result.facts} facts in {result.seconds:.1f}s CPU: "
        f"{result.articles_per_s:,.0f} articles/s, {result.mb_per_s:.2f} MB/s ({result.mb_per_s / scan:.1%} of a bare "
        f"number scan at {scan:.0f} MB/s), peak RSS {result.peak_rss_mb:.0f} MB"
    )
    timings = run_on_seconds()
    out.print("run-on sentence: " + ", ".join(f"{size // 1000} KB {seconds:.2f}s" for size, seconds in timings)
              + f" ({timings[-1][1] / timings[0][1]:.1f}x the time for {timings[-1][0] / timings[0][0]:.0f}x the text)")


@app.command()
def score(
    sets: List[str] = typer.Argument(None, help="GOLD.jsonl ARTICLES_DIR pairs (default: the repository's gold sets)."),
    heldout: bool = typer.Option(False, "--heldout", help="Also score the held-back set (report it; never tune on it)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List the missed, extra and wrong-field rows."),
) -> None:
    """Score the reader against gold sets: precision, recall, F1, and a strict F1 that also asks
    status, base, price basis, bound, plan share and unit to be right."""
    from vnindustry.reference import REPO_ROOT
    from vnindustry.scoring import score_set

    if sets and len(sets) % 2:
        raise typer.BadParameter("give GOLD.jsonl ARTICLES_DIR pairs")
    corpus = REPO_ROOT / "tests" / "corpus"
    named = {
        "seeds": (REPO_ROOT / "tests" / "fixtures" / "gold_seeds.jsonl", REPO_ROOT / "seeds"),
        "dev": (corpus / "dev" / "gold.jsonl", corpus / "dev" / "articles"),
        "own": (corpus / "own" / "gold.jsonl", corpus / "own" / "articles"),
        "regression": (corpus / "regression" / "gold.jsonl", corpus / "regression" / "articles"),
    }
    if heldout:
        named["heldout"] = (corpus / "heldout" / "gold.jsonl", corpus / "heldout" / "articles")
    if sets:
        named = {sets[i]: (Path(sets[i]), Path(sets[i + 1])) for i in range(0, len(sets), 2)}
    for name, (gold, articles) in named.items():
        result = score_set(gold, articles)
        out.print(f"{name}: {result.summary()}")
        if verbose:
            for line in result.misses:
                out.print(f"  MISS  {line}")
            for line in result.extras:
                out.print(f"  EXTRA {line}")
            for line in result.wrong_fields:
                out.print(f"  FIELD {line}")


def _bench_pipeline(count: int) -> None:
    from flows.bench import run_pipeline_bench, table as bench_table

    bench = run_pipeline_bench(count, log=lambda m: console.print(f"[dim]{m}[/dim]"))
    result = Table("stage", "seconds", "rate", "peak RSS MB", "notes", title=f"pipeline, {count} articles")
    for row in bench_table(bench):
        result.add_row(*row)
    out.print(result)


@app.command()
def publish(
    paths: List[str] = typer.Argument(..., help="Files, folders, or - for JSON lines on stdin."),
    published_at: Optional[str] = typer.Option(None, "--published-at", callback=_published_at,
                                               help="YYYY-MM-DD for every article."),
    embedded: bool = typer.Option(False, "--embedded-broker",
                                  help="No cluster configured: publish to a broker that stops when this command ends."),
) -> None:
    """Publish one event per article to the `articles` topic."""
    from producers.kafka_settings import configured_bootstrap

    if not configured_bootstrap() and not embedded:
        raise UsageProblem("no Kafka cluster configured: set KAFKA_BOOTSTRAP_SERVERS, or pass --embedded-broker to "
                           "publish into a broker that lives only as long as this command")
    _checked_paths()
    articles = _articles_or_refuse(paths, published_at)
    with kafka_cluster() as bootstrap:
        report = _publish(articles, bootstrap)
    _refused_in_part(report)


def _articles_or_refuse(paths: List[str], published_at: Optional[str]) -> Iterable:
    """The articles to publish, read lazily; refused before any broker starts when none is valid."""
    from producers.articles import Refusal, read_articles

    items = read_articles(paths, published_at)
    refused = []
    for item in items:
        if isinstance(item, Refusal):
            refused.append(item)
            continue
        return itertools.chain(refused, [item], items)
    where = _record_refusals(refused)
    _print_refusals(refused)
    raise InputRefused(f"nothing to publish: {len(refused)} input(s) refused (listed above; recorded in {where})")


def _publish(articles: Iterable, bootstrap: str):
    from producers.kafka_settings import settings_from_env
    from producers.publish import publish as send

    with ProgressLines(console).stage("publishing articles…"):
        report = send(articles, settings_from_env(bootstrap))
    console.print(f"published [bold]{report.sent}[/bold] article events, refused {len(report.refused)}")
    _print_refusals(report.refused)
    report.refusals_file = _record_refusals(report.refused)
    return report


def _print_refusals(refusals: list) -> None:
    for refusal in refusals[:SHOWN_REFUSALS]:
        console.print(f"  refused {refusal.source}: {refusal.reason}", markup=False, highlight=False)
    if len(refusals) > SHOWN_REFUSALS:
        console.print(f"  … and {len(refusals) - SHOWN_REFUSALS} more")


def _record_refusals(refusals: list) -> Path:
    """Every refusal, appended to refused.jsonl in the data folder (time, source, reason)."""
    from flows import settings as config

    path = config.data_dir() / "refused.jsonl"
    if refusals:
        path.parent.mkdir(parents=True, exist_ok=True)
        at = datetime.now(timezone.utc).isoformat()
        with path.open("a", encoding="utf-8") as file:
            for refusal in refusals:
                file.write(json.dumps({"at": at, "source": refusal.source, "reason": refusal.reason}, ensure_ascii=False) + "\n")
    return path


def _refused_in_part(report) -> None:
    if report.refused:
        raise InputRefused(f"{len(report.refused)} input(s) refused (listed above; recorded in {report.refusals_file}); "
                           f"the {report.sent} valid articles were published")


@app.command()
def broker(port: int = typer.Option(9092, min=1, max=65535, help="Port to listen on (127.0.0.1 only).")) -> None:
    """Run the embedded broker in the foreground, on loopback only (it has no authentication).
    Ctrl-C or SIGTERM stops it."""
    from producers.broker import embedded_broker
    from producers.kafka_settings import settings_from_env
    from producers.topics import ensure_topics

    try:
        with embedded_broker(port) as bootstrap:
            ensure_topics(settings_from_env(bootstrap))
            console.print(f"broker listening on {bootstrap}; export KAFKA_BOOTSTRAP_SERVERS={bootstrap}")
            while True:
                time.sleep(3600)
    except (KeyboardInterrupt, stop_signals.Stopped):
        console.print("broker stopped")


@app.command()
def ingest(
    batch_size: int = typer.Option(500, min=1, help="Records per batch (one DuckDB transaction each)."),
    follow: bool = typer.Option(False, "--follow", help="Keep consuming instead of stopping at the high watermark."),
    json_output: bool = typer.Option(False, "--json", help="Print the counts as JSON on stdout."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Run the ingest flow against KAFKA_BOOTSTRAP_SERVERS."""
    from producers.kafka_settings import configured_bootstrap

    bootstrap = configured_bootstrap()
    if not bootstrap:
        raise UsageProblem("set KAFKA_BOOTSTRAP_SERVERS (or use `vnindustry run`, which brings its own broker)")
    _checked_paths()
    _reach_cluster(bootstrap)
    from flows.ingest import ingest_flow

    with ProgressLines(console).stage("ingest flow: Kafka → DuckDB staging (starting Prefect)…"):
        report = ingest_flow(batch_size=batch_size, follow=follow)
    _print_counts(report, json_output, _ingest_summary)


def _ingest_summary(report: dict) -> str:
    return (f"ingest: {report['records']} records in {report['batches']} batches → {report['articles']} new articles, "
            f"{report['observations']} new facts, {report['rejected']} rejected")


def _transform_summary(report: dict) -> str:
    changed = "" if report["articles_changed"] is None else f", {report['articles_changed']} articles changed"
    exported = ", ".join(f"{table} {rows}" for table, rows in report["published"].items()) or "unchanged"
    return f"transform: {report['mode']} build on snapshot {report['snapshot']}{changed} in {report['seconds']:.1f}s; export: {exported}"


def _print_counts(counts: dict, json_output: bool, summary) -> None:
    if json_output:
        sys.stdout.write(json.dumps(counts) + "\n")
    else:
        out.print(summary(counts), markup=False, highlight=False, soft_wrap=True)


@app.command()
def transform(
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Rebuild every mart, reload seeds, run every test."),
    force: bool = typer.Option(False, "--force", help="Publish even when the warehouse lacks articles of the last published set."),
    json_output: bool = typer.Option(False, "--json", help="Print the build's report as JSON on stdout."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Run the transform flow: an incremental dbt build in the lake, then the Parquet export."""
    _checked_paths()
    _require_warehouse()
    from flows.transform import transform_flow

    with ProgressLines(console).stage("transform flow: dbt build in the lake + Parquet export…"):
        report = transform_flow(full_refresh=full_refresh, force=force)
    _print_counts(report, json_output, _transform_summary)


@app.command()
def run(
    paths: List[str] = typer.Argument(None, help="Articles to publish (default: seeds/)."),
    batch_size: int = typer.Option(500, min=1),
    published_at: Optional[str] = typer.Option(None, "--published-at", callback=_published_at),
    follow: bool = typer.Option(False, "--follow", help="Then keep consuming and refreshing the marts (Ctrl-C stops)."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """The whole pipeline: broker -> publish -> ingest flow -> transform flow -> summary."""
    from flows import settings as config
    from vnindustry.reference import REPO_ROOT

    _checked_paths()
    articles = _articles_or_refuse(paths or [str(REPO_ROOT / "seeds")], published_at)
    started = time.monotonic()
    lines = ProgressLines(console)
    with kafka_cluster() as bootstrap:
        report = _publish(articles, bootstrap)
        with lines.stage("ingest flow: Kafka → DuckDB staging (starting Prefect)…"):
            from flows.ingest import ingest_flow

            ingested = ingest_flow(bootstrap_servers=bootstrap, batch_size=batch_size)
        console.print(_ingest_summary(ingested), markup=False, highlight=False)
        stop_signals.raise_if_stopped()
        with lines.stage("transform flow: dbt build in the lake + Parquet export…"):
            from flows.transform import transform_flow

            transform_flow()
        _summary(config.lake(), config.published_dir())
        if follow:
            _follow(bootstrap)
    console.print(f"[dim]done in {time.monotonic() - started:.1f}s[/dim]")
    _refused_in_part(report)


@app.command()
def reparse(
    force: bool = typer.Option(False, "--force", help="Re-read every article, not only those read by another parser version."),
) -> None:
    """Re-read raw_articles with the current reader and replace each article's facts (one transaction each)."""
    from flows import settings as config

    _require_warehouse()
    from flows.reparse import reparse as run_reparse
    from vnindustry.contract import PARSER_VERSION

    report = run_reparse(config.lake(), force=force)
    console.print(
        f"reparse with {PARSER_VERSION}: {report.articles_reparsed} of {report.articles_seen} articles re-read, "
        f"facts {report.facts_before} → {report.facts_after}, {report.failed} failed (old facts kept)"
    )
    console.print("run `vnindustry transform` to rebuild the marts")


def _summary(lake, published: Path) -> None:
    from flows.query import query

    def one(sql: str):
        return query(lake, sql)[1]

    [(loaded, rejected, facts, articles)] = one(
        "select (select count(*) from ingest.raw_articles), (select count(*) from ingest.rejected), "
        "count(*), count(distinct article_id) from marts.fct_observations")
    rows = one("""select coalesce(geo_name, '(unknown)'), year, sector, metric, status, value, unit, change_pct
                  from marts.fct_province_year_sector order by geo_name, year, sector, metric limit 20""")
    out.print(f"[bold]warehouse[/bold]: {loaded} articles loaded, {facts} facts from {articles} articles, {rejected} rejected")
    table = Table("province", "year", "sector", "metric", "status", "value", "unit", "change %", title="fct_province_year_sector")
    for row in rows:
        table.add_row(*(str(c) if c is not None else "-" for c in row[:5]), _fmt(row[5]), row[6] or "-", _fmt(row[7]))
    out.print(table)
    out.print(f"BI: attach the lake read-only ([bold]vnindustry query \"select …\"[/bold] shows how, see README), "
              f"or read the Parquet files in {published / 'current'}.")


def _follow(bootstrap: str) -> None:
    from flows.worker import worker_flow

    console.print(f"following: publish more with KAFKA_BOOTSTRAP_SERVERS={bootstrap} vnindustry publish …; Ctrl-C stops")
    worker_flow(bootstrap_servers=bootstrap)


@app.command()
def worker(
    ingest: bool = typer.Option(True, "--ingest/--no-ingest", help="Consume article events (needs KAFKA_BOOTSTRAP_SERVERS)."),
    transform: bool = typer.Option(True, "--transform/--no-transform", help="Refresh the marts when new facts land."),
    interval: float = typer.Option(2.0, "--interval", min=0.1, help="Seconds between checks for new facts."),
    batch_size: int = typer.Option(500, min=1),
    serve: bool = typer.Option(False, "--serve", help="Serve the flow as a Prefect deployment (flow.serve) instead of running it now."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Continuous mode: consume and/or refresh the marts until stopped (a Prefect flow)."""
    from producers.kafka_settings import configured_bootstrap

    if ingest and not configured_bootstrap():
        raise UsageProblem("set KAFKA_BOOTSTRAP_SERVERS, or use --no-ingest (or `vnindustry run --follow`)")
    _checked_paths()
    from flows.worker import worker_flow

    parameters = {"ingest": ingest, "transform": transform, "interval_s": interval, "batch_size": batch_size}
    if serve:
        worker_flow.serve(name="vnindustry-worker", parameters=parameters)
        return
    console.print(worker_flow(**parameters), markup=False, highlight=False)


@app.command()
def status(
    json_output: bool = typer.Option(False, "--json", help="Print the status as JSON on stdout."),
    max_lag: int = typer.Option(0, "--max-lag", min=0, help="Records a partition may lag before the status is stale."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Lag per partition, last batch, rows per table, rejects, topic resets, marts built at, source
    freshness. Exit 0 healthy, 6 stale, 4 Kafka unreachable, 5 no warehouse (for cron and monitors)."""
    from flows import settings as config
    from flows.status import gather
    from producers.kafka_settings import configured_bootstrap, settings_from_env

    _require_warehouse()
    bootstrap = configured_bootstrap()
    report = gather(config.lake(), settings_from_env(bootstrap) if bootstrap else None, max_lag)
    if json_output:
        sys.stdout.write(json.dumps(report.as_dict(), default=str) + "\n")
    else:
        _print_status(report)
    if report.problems:
        raise CliError("stale: " + "; ".join(report.problems), ExitCode.STALE)


def _print_status(report) -> None:
    def table(title: str, rows: list[dict]) -> None:
        if rows:
            shown = Table(*rows[0].keys(), title=title, title_justify="left")
            for row in rows:
                shown.add_row(*("-" if v is None else str(v) for v in row.values()))
            out.print(shown)

    out.print(f"warehouse: {report.warehouse}", markup=False, highlight=False, soft_wrap=True)
    out.print(f"kafka: {report.kafka}", markup=False, highlight=False, soft_wrap=True)
    table("lag per partition (end offset - next offset stored with the data)", report.partitions)
    build = report.marts_build
    built = (f" ({build['mode']} build on snapshot {build['snapshot']}, {build['seconds']}s"
             + ("" if build["articles_changed"] is None else f", {build['articles_changed']} articles changed") + ")") if build else ""
    out.print(f"last batch: {report.last_batch_at or 'never'}; marts built: {report.marts_built_at or 'never'}{built}; "
              f"articles loaded since: {report.articles_after_build}", markup=False, highlight=False, soft_wrap=True)
    table("rows", [{"table": name, "rows": rows} for name, rows in report.rows.items()])
    table("rejects by phase", [{**r, "latest_reason": one_line(r["latest_reason"], 100)} for r in report.rejects])
    table("topic resets (latest)", report.topic_resets)
    table("source freshness (last dbt source freshness)", report.source_freshness)
    out.print("healthy" if not report.problems else "stale: " + "; ".join(report.problems), markup=False, highlight=False,
              soft_wrap=True)


@app.command()
def report(
    output: Optional[Path] = typer.Option(None, "--out", help="The HTML file to write (default: $VNINDUSTRY_DATA_DIR/report.html)."),
) -> None:
    """Write a self-contained HTML report of the marts: charts by province and year, provinces
    ranked by region, data freshness and the review queue (opens offline, no server)."""
    from flows import settings as config
    from vnindustry.report.data import NoMarts, load
    from vnindustry.report.page import render

    target = (output or config.data_dir() / "report.html").resolve()
    _require_warehouse()
    try:
        data = load(config.lake())
    except NoMarts as exc:
        raise StepFailed(str(exc)) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(data), encoding="utf-8")
    out.print(f"report written to {target}: {len(data.headline)} headline figures, {len(data.review)} to review")


@app.command()
def maintain(
    retention: str = typer.Option("7 days", "--retention", help="How far back time travel reaches (an interval)."),
) -> None:
    """Compact the lake: merge small files, flush inlined rows, expire old snapshots, delete unused files."""
    from flows import settings as config
    from flows.maintenance import maintain as run_maintenance

    _require_warehouse()
    report = run_maintenance(config.lake(), retention)
    console.print(f"data files {report.files_before} → {report.files_after}, {report.snapshots_expired} snapshots expired")


@app.command()
def query(
    sql: Optional[str] = typer.Argument(None, help="SQL over the lake: schemas marts, ingest, reference."),
    at: Optional[str] = typer.Option(None, "--at", help="A snapshot id or a timestamp: the lake as it was then."),
    snapshots: bool = typer.Option(False, "--snapshots", help="List the latest snapshots instead."),
) -> None:
    """Query the lake read-only (as BI does), now or as it was at a snapshot (time travel)."""
    from flows import settings as config
    from flows.query import query as run_query, snapshots as list_snapshots

    if not sql and not snapshots:
        raise UsageProblem("give a SQL query, or --snapshots")
    _require_warehouse()
    if snapshots:
        columns, rows = ["snapshot_id", "snapshot_time", "changes"], list_snapshots(config.lake())
    else:
        columns, rows = run_query(config.lake(), sql, at)
    table = Table(*columns)
    for row in rows:
        table.add_row(*("-" if c is None else str(c) for c in row))
    out.print(table)


if __name__ == "__main__":
    app()
