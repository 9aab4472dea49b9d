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
    corpus_dirs: List[Path] = typer.Argument(None, help="Folders of .txt articles (default: seeds/ and tests/corpus/regression/)."),
    size_mb: float = typer.Option(10.0, "--size-mb", help="Corpus size to build by repeating the articles."),
) -> None:
    """Measure the reader: articles/s, MB/s and peak memory on a corpus of at least --size-mb."""
    from vnindustry.benchmark import corpus, run_benchmark
    from vnindustry.reference import REPO_ROOT

    corpus_root = REPO_ROOT / "tests" / "corpus"
    folders = corpus_dirs or [REPO_ROOT / "seeds", corpus_root / "dev" / "articles", corpus_root / "own" / "articles"]
    events = corpus(folders, size_mb)
    result = run_benchmark(events)
    out.print(
        f"reader {result.articles} articles, {result.megabytes:.1f} MB, {result.facts} facts in {result.seconds:.1f}s: "
        f"{result.articles_per_s:,.0f} articles/s, {result.mb_per_s:.2f} MB/s, peak RSS {result.peak_rss_mb:.0f} MB"
    )


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
def transform(verbose: bool = typer.Option(False, "--verbose", "-v")) -> None:
    """Run the transform flow: dbt build, then publish the marts for BI."""
    _quiet_prefect(verbose)
    from flows.transform import transform_flow

    console.print(transform_flow())


@app.command()
def run(
    paths: List[str] = typer.Argument(None, help="Articles to publish (default: seeds/)."),
    batch_size: int = typer.Option(500, min=1),
    published_at: Optional[str] = typer.Option(None, "--published-at"),
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
    with console.status("transform flow: dbt build + publish marts…"):
        from flows.transform import transform_flow

        transform_flow()
    _summary(config.published_dir(), config.warehouse_path())
    console.print(f"[dim]done in {time.monotonic() - started:.1f}s[/dim]")


@app.command()
def reparse(
    force: bool = typer.Option(False, "--force", help="Re-read every article, not only those read by another parser version."),
) -> None:
    """Re-read raw_articles with the current reader and replace each article's facts (one transaction each)."""
    from flows import settings as config
    from flows.reparse import reparse as run_reparse
    from vnindustry.contract import PARSER_VERSION

    report = run_reparse(config.warehouse_path(), force=force)
    console.print(
        f"reparse with {PARSER_VERSION}: {report.articles_reparsed} of {report.articles_seen} articles re-read, "
        f"facts {report.facts_before} → {report.facts_after}, {report.failed} failed (old facts kept)"
    )
    console.print("run `vnindustry transform` to rebuild the marts")


def _summary(published: Path, warehouse: Path) -> None:
    import duckdb

    con = duckdb.connect(str(published / "marts.duckdb"), read_only=True)
    try:
        facts = con.execute("select count(*) from fct_observations").fetchall()[0][0]
        articles = con.execute("select count(distinct article_id) from fct_observations").fetchall()[0][0]
        rows = con.execute(
            """select coalesce(geo_name, '(unknown)'), year, sector, metric, status,
                      value, unit, change_pct
               from fct_province_year_sector order by geo_name, year, sector, metric limit 20"""
        ).fetchall()
    finally:
        con.close()
    stage = duckdb.connect(str(warehouse), read_only=True)
    try:
        loaded, rejected = (stage.execute(f"select count(*) from ingest.{t}").fetchall()[0][0] for t in ("raw_articles", "rejected"))
    finally:
        stage.close()
    out.print(f"[bold]warehouse[/bold]: {loaded} articles loaded, {facts} facts from {articles} articles, {rejected} rejected")
    table = Table("province", "year", "sector", "metric", "status", "value", "unit", "change %", title="fct_province_year_sector")
    for row in rows:
        table.add_row(*(str(c) if c is not None else "-" for c in row[:5]), _fmt(row[5]), row[6] or "-", _fmt(row[7]))
    out.print(table)
    out.print(f"BI: open [bold]{published / 'marts.duckdb'}[/bold] read-only, or the Parquet files beside it.")


if __name__ == "__main__":
    app()
