"""`vnindustry`: the single entry point (typer).

The reader commands need only the domain core; the pipeline commands import Kafka, Prefect
and DuckDB inside the command, so `extract` stays light and the core stays pure.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Vietnamese provincial industry news -> Kafka -> Prefect -> DuckDB -> dbt marts.", no_args_is_help=True)
console = Console(stderr=True)
out = Console(width=None if sys.stdout.isatty() else 140)

CONTRACT_FIELDS = (
    "geo_code", "geo_name", "period_start", "period_end", "sector", "division", "product", "metric", "value", "unit",
    "bound", "change_pct", "change_base", "plan_pct", "status", "price_basis",
)


def _quiet_prefect(verbose: bool) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("DO_NOT_TRACK", "1")


@contextlib.contextmanager
def kafka_cluster() -> Iterator[str]:
    """The configured cluster (KAFKA_BOOTSTRAP_SERVERS), else an embedded broker for this run."""
    from producers.broker import embedded_broker
    from producers.kafka_settings import configured_bootstrap, settings_from_env
    from producers.topics import ensure_topics

    from producers.connection import ClusterUnreachable, wait_for_cluster

    configured = configured_bootstrap()
    if configured:
        try:
            wait_for_cluster(settings_from_env(configured), log=lambda m: console.print(f"[yellow]{m}[/yellow]"))
        except ClusterUnreachable as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2)
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
    published_at: Optional[str] = typer.Option(None, "--published-at", help="YYYY-MM-DD, for periods with no year."),
) -> None:
    """Print the observations the reader finds in plain-text articles."""
    from vnindustry.events import build_event, split_title
    from vnindustry.reader import parse_article

    if format not in ("jsonl", "table"):
        raise typer.BadParameter("--format must be jsonl or table")
    table = Table(*("file", "geo", "period", "sector", "div", "product", "metric", "value", "unit", "change", "base", "status"))
    failed = 0
    for file in files:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            console.print(f"[red]{file}: cannot read: {exc}[/red]")
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
        raise typer.Exit(1)


def _fmt(number: Optional[float]) -> str:
    return "-" if number is None else f"{number:,.6g}"


@app.command()
def bench(
    corpus_dirs: List[Path] = typer.Argument(None, help="Folders of .txt articles (default: seeds/ and tests/fixtures/dev/)."),
    size_mb: float = typer.Option(10.0, "--size-mb", help="Corpus size to build by repeating the articles."),
    pipeline: Optional[int] = typer.Option(None, "--pipeline", min=1, help="Measure the whole pipeline on N generated articles."),
) -> None:
    """Measure the reader (default) or, with --pipeline N, the whole pipeline (see flows/bench.py)."""
    if pipeline:
        _bench_pipeline(pipeline)
        return
    from vnindustry.benchmark import corpus, run_benchmark
    from vnindustry.reference import REPO_ROOT

    folders = corpus_dirs or [REPO_ROOT / "seeds", REPO_ROOT / "tests" / "fixtures" / "dev"]
    events = corpus(folders, size_mb)
    result = run_benchmark(events)
    out.print(
        f"reader {result.articles} articles, {result.megabytes:.1f} MB, {result.facts} facts in {result.seconds:.1f}s: "
        f"{result.articles_per_s:,.0f} articles/s, {result.mb_per_s:.2f} MB/s, peak RSS {result.peak_rss_mb:.0f} MB"
    )


def _bench_pipeline(count: int) -> None:
    _quiet_prefect(False)
    from flows.bench import run_pipeline_bench, table as bench_table

    bench = run_pipeline_bench(count, log=lambda m: console.print(f"[dim]{m}[/dim]"))
    result = Table("stage", "seconds", "rate", "peak RSS MB", "notes", title=f"pipeline, {count} articles")
    for row in bench_table(bench):
        result.add_row(*row)
    out.print(result)


@app.command()
def publish(
    paths: List[str] = typer.Argument(..., help="Files, folders, or - for JSON lines on stdin."),
    published_at: Optional[str] = typer.Option(None, "--published-at", help="YYYY-MM-DD for every article."),
) -> None:
    """Publish one event per article to the `articles` topic."""
    if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        console.print("[yellow]KAFKA_BOOTSTRAP_SERVERS is unset: publishing to an embedded broker that stops after this command.[/yellow]")
    with kafka_cluster() as bootstrap:
        _publish(paths, bootstrap, published_at)


def _publish(paths: List[str], bootstrap: str, published_at: Optional[str]):
    from producers.articles import read_articles
    from producers.kafka_settings import settings_from_env
    from producers.publish import publish as send

    report = send(read_articles(paths, published_at), settings_from_env(bootstrap))
    console.print(f"published [bold]{report.sent}[/bold] article events, refused {len(report.refused)}")
    for refusal in report.refused:
        console.print(f"  [yellow]refused[/yellow] {refusal.source}: {refusal.reason}")
    return report


@app.command()
def broker(port: int = typer.Option(9092, help="Port to listen on (127.0.0.1).")) -> None:
    """Run the embedded Kafka-protocol broker in the foreground (Ctrl-C stops it)."""
    from producers.broker import embedded_broker
    from producers.kafka_settings import settings_from_env
    from producers.topics import ensure_topics

    with embedded_broker(port) as bootstrap:
        ensure_topics(settings_from_env(bootstrap))
        console.print(f"broker listening on {bootstrap}; export KAFKA_BOOTSTRAP_SERVERS={bootstrap}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            console.print("stopping broker")


@app.command()
def ingest(
    batch_size: int = typer.Option(500, min=1, help="Records per batch (one DuckDB transaction each)."),
    follow: bool = typer.Option(False, "--follow", help="Keep consuming instead of stopping at the high watermark."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Run the ingest flow against KAFKA_BOOTSTRAP_SERVERS."""
    _quiet_prefect(verbose)
    from flows.ingest import ingest_flow

    from producers.connection import ClusterUnreachable

    if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        raise typer.BadParameter("set KAFKA_BOOTSTRAP_SERVERS (or use `vnindustry run`, which brings its own broker)")
    try:
        console.print(ingest_flow(batch_size=batch_size, follow=follow))
    except ClusterUnreachable as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)


@app.command()
def transform(
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Rebuild every mart, reload seeds, run every test."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Run the transform flow: an incremental dbt build in the lake, then the Parquet export."""
    _quiet_prefect(verbose)
    from flows.transform import transform_flow

    console.print(transform_flow(full_refresh=full_refresh))


@app.command()
def run(
    paths: List[str] = typer.Argument(None, help="Articles to publish (default: seeds/)."),
    batch_size: int = typer.Option(500, min=1),
    published_at: Optional[str] = typer.Option(None, "--published-at"),
    follow: bool = typer.Option(False, "--follow", help="Then keep consuming and refreshing the marts (Ctrl-C stops)."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """The whole pipeline: broker -> publish -> ingest flow -> transform flow -> summary."""
    _quiet_prefect(verbose)
    from flows import settings as config
    from vnindustry.reference import REPO_ROOT

    paths = paths or [str(REPO_ROOT / "seeds")]
    started = time.monotonic()
    with kafka_cluster() as bootstrap:
        with console.status("publishing articles…"):
            _publish(paths, bootstrap, published_at)
        with console.status("ingest flow: Kafka → DuckDB staging (starting Prefect)…"):
            from flows.ingest import ingest_flow

            ingested = ingest_flow(bootstrap_servers=bootstrap, batch_size=batch_size)
        console.print(f"ingest: {ingested['records']} records in {ingested['batches']} batches → "
                      f"{ingested['articles']} new articles, {ingested['observations']} new facts, {ingested['rejected']} rejected")
        with console.status("transform flow: dbt build + Parquet export…"):
            from flows.transform import transform_flow

            transform_flow()
        _summary(config.lake(), config.published_dir())
        if follow:
            _follow(bootstrap)
    console.print(f"[dim]done in {time.monotonic() - started:.1f}s[/dim]")


@app.command()
def reparse(
    force: bool = typer.Option(False, "--force", help="Re-read every article, not only those read by another parser version."),
) -> None:
    """Re-read raw_articles with the current reader and replace each article's facts (one transaction each)."""
    from flows import settings as config
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
    try:
        worker_flow(bootstrap_servers=bootstrap)
    except KeyboardInterrupt:
        console.print("stopped")


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
    _quiet_prefect(verbose)
    from flows.worker import worker_flow

    if ingest and not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        raise typer.BadParameter("set KAFKA_BOOTSTRAP_SERVERS, or use --no-ingest (or `vnindustry run --follow`)")
    parameters = {"ingest": ingest, "transform": transform, "interval_s": interval, "batch_size": batch_size}
    if serve:
        worker_flow.serve(name="vnindustry-worker", parameters=parameters)
        return
    try:
        console.print(worker_flow(**parameters))
    except KeyboardInterrupt:
        console.print("stopped")


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
    try:
        data = load(config.lake())
    except NoMarts as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
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
        raise typer.BadParameter("give a SQL query, or --snapshots")
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
