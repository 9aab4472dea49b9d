"""Re-read stored articles with the current reader: improving the reader never needs the
broker to still hold old events. Each article's facts are swapped in one transaction."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flows import staging
from flows.batch import observation_rows
from vnindustry.contract import PARSER_VERSION
from vnindustry.reader import parse_article


@dataclass
class ReparseReport:
    articles_seen: int = 0
    articles_reparsed: int = 0
    facts_before: int = 0
    facts_after: int = 0
    failed: int = 0


def reparse(warehouse: Path, force: bool = False) -> ReparseReport:
    report = ReparseReport()
    con = staging.connect(warehouse)
    try:
        rows = staging.run(
            con,
            f"SELECT article_id, event, parser_version FROM {staging.SCHEMA}.raw_articles ORDER BY article_id",
        )
        for article_id, event, version in rows:
            report.articles_seen += 1
            if version == PARSER_VERSION and not force:
                continue
            try:
                observations = parse_article(json.loads(event))
            except Exception:  # keep the old facts of an article the new reader cannot read
                report.failed += 1
                continue
            before = staging.run(
                con, f"SELECT count(*) FROM {staging.SCHEMA}.observations WHERE article_id = ?", [article_id]
            )[0][0]
            after = staging.replace_facts(con, article_id, observation_rows(observations), PARSER_VERSION)
            report.articles_reparsed += 1
            report.facts_before += before
            report.facts_after += after
    finally:
        con.close()
    return report
