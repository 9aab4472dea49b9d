"""What the report shows, read from the lake in one read-only transaction (one snapshot)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class NoMarts(RuntimeError):
    """The lake has no marts yet."""


@dataclass
class ReportData:
    freshness: dict[str, Any]
    headline: list[dict] = field(default_factory=list)  # industry totals, headline rows, by province
    products: list[dict] = field(default_factory=list)  # product output, headline rows
    review: list[dict] = field(default_factory=list)  # fct_review_queue


FRESHNESS = """
select
    (select id from lake.current_snapshot()) as snapshot,
    (select max(snapshot_time) from lake.snapshots()) as snapshot_time,
    (select max(built_at) from lake.transform.builds) as marts_built_at,
    (select count(*) from lake.ingest.raw_articles) as articles,
    (select max(loaded_at) from lake.ingest.raw_articles) as last_loaded_at,
    (select max(article_published_on) from lake.marts.fct_observations) as latest_article_published_on,
    (select max(period_end_date) from lake.marts.fct_province_year_sector) as latest_period_end,
    (select count(*) from lake.marts.fct_observations) as facts,
    (select count(*) from lake.ingest.rejected) as rejected,
    (select count(*) from lake.marts.fct_review_queue) as review_items
"""

HEADLINE = """
select province_name, region, year, metric, value, unit, change_pct, status
from lake.marts.fct_province_year_sector
where is_headline and sector = 'industry' and province_list in ('63', '34')
order by province_name, year, metric
"""

PRODUCTS = """
select province_name, year, product, value, unit
from lake.marts.fct_province_year_product
where is_headline and metric = 'output' and value is not null
order by year, province_name, product
"""

REVIEW = """
select check_name, province_name, year, sector, product, metric, status, value, unit, change_pct, detail,
       evidence, article_title, article_url
from lake.marts.fct_review_queue
order by check_name, province_name, year, metric, observation_id, compared_observation_id
"""


def records(con, sql: str) -> list[dict]:
    result = con.execute(sql)
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row)) for row in result.fetchall()]


def load(lake) -> ReportData:
    con = lake.connect(read_only=True)
    try:
        marts = {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'lake' and table_schema = 'marts'").fetchall()}
        if not {"fct_province_year_sector", "fct_review_queue"} <= marts:
            raise NoMarts("the lake has no marts yet: run `vnindustry transform` (or `vnindustry run`) first")
        con.execute("begin transaction")  # every query on the same snapshot
        return ReportData(records(con, FRESHNESS)[0], records(con, HEADLINE), records(con, PRODUCTS), records(con, REVIEW))
    finally:
        con.close()
