"""Re-read stored articles with the current reader: improving the reader never needs the
broker to still hold old events. Facts are swapped article by article, a chunk per transaction."""
from __future__ import annotations

from dataclasses import dataclass

from flows import staging
from flows.batch import observation_rows
from flows.lake import Lake
from vnindustry.contract import PARSER_VERSION
from vnindustry.reader import parse_article

EVENT_FIELDS = ("article_id", "title", "body", "source", "url", "published_at", "ingested_at")
CHUNK = 200


@dataclass
class ReparseReport:
    articles_seen: int = 0
    articles_reparsed: int = 0
    facts_before: int = 0
    facts_after: int = 0
    failed: int = 0


def reparse(lake: Lake, force: bool = False) -> ReparseReport:
    report = ReparseReport()
    con = staging.connect(lake)
    try:
        report.articles_seen = staging.run(con, f"SELECT count(*) FROM {staging.SCHEMA}.raw_articles")[0][0]
        stale = [r[0] for r in staging.run(
            con,
            f"SELECT article_id FROM {staging.SCHEMA}.raw_articles WHERE ? OR parser_version <> ? ORDER BY article_id",
            [force, PARSER_VERSION],
        )]
        for start in range(0, len(stale), CHUNK):
            ids = stale[start:start + CHUNK]
            columns = ", ".join(EVENT_FIELDS)
            events = staging.run(con, f"SELECT {columns} FROM {staging.SCHEMA}.raw_articles "
                                      "WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id", [ids])
            facts = {}
            for row in events:
                event = dict(zip(EVENT_FIELDS, row))
                try:
                    facts[event["article_id"]] = observation_rows(parse_article(event))
                except Exception:  # keep the old facts of an article the new reader cannot read
                    report.failed += 1
            if not facts:
                continue
            report.facts_before += staging.run(
                con, f"SELECT count(*) FROM {staging.SCHEMA}.observations WHERE article_id IN (SELECT unnest(?))", [list(facts)]
            )[0][0]
            report.facts_after += staging.replace_facts(con, facts, PARSER_VERSION)
            report.articles_reparsed += len(facts)
    finally:
        con.close()
    return report
