"""Never publish marts that lose facts against the last published set.

The reference is the Parquet export in VNINDUSTRY_PUBLISH_DIR (`current/`), which outlives a
lost or emptied lake. A fact of that set is lost when the lake no longer holds its article: a
new, empty or partly replayed warehouse. (A re-read that changes an article's facts is not a
loss: the article is still there, and `reparse` is asked for.) Checked before the marts are
rebuilt, so a refused build changes nothing; `--force` publishes anyway.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows.lake import Lake, sql_string
from flows.publish_marts import CURRENT
from flows.staging import run


class WouldLoseFacts(RuntimeError):
    """The lake lacks articles whose facts were published; the message says how many."""


@dataclass(frozen=True)
class Loss:
    facts: int
    articles: int
    published_facts: int


def loss_against_published(lake: Lake, target: Path) -> Loss:
    published = target / CURRENT / "fct_observations.parquet"
    if not published.exists():
        return Loss(0, 0, 0)
    con = lake.connect(read_only=True)
    try:
        facts, articles, total = run(con, f"""
            select count(*) filter (where a.article_id is null), count(distinct p.article_id) filter (where a.article_id is null),
                   count(*)
            from read_parquet({sql_string(str(published.resolve()))}) as p
            left join (select distinct article_id from ingest.raw_articles) as a on a.article_id = p.article_id""")[0]
    finally:
        con.close()
    return Loss(facts, articles, total)


def check_no_loss(lake: Lake, target: Path) -> None:
    loss = loss_against_published(lake, target)
    if loss.facts:
        raise WouldLoseFacts(
            f"refusing to publish: {loss.facts} of the {loss.published_facts} published facts ({loss.articles} articles) are "
            f"not in the warehouse ({lake.describe()}); a lost or new warehouse is replaying from the earliest retained "
            f"offsets: let ingest catch up (`vnindustry status` shows the lag), or pass --force to publish the smaller set")
