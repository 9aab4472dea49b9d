"""The marts as a BI user meets them: names beside codes, dates, the 2025 merger, the chosen
figure's agreement with other articles, the review queue, contracts and comments in the warehouse."""
import datetime
import json

import pytest

from flows.lake import Lake
from flows.transform import build
from tests_support import store

pytestmark = pytest.mark.e2e


def rows(lake: Lake, sql: str, params=None) -> list:
    con = lake.connect(read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def observation(lake: Lake, article_id: str, metric: str, year: int) -> str:
    [(observation_id,)] = rows(lake, "select observation_id from marts.fct_observations where article_id = ? and metric = ? "
                                     "and period_year = ? and sector = 'industry'", [article_id, metric, year])
    return observation_id


def test_a_row_reads_without_docs_and_says_which_articles_agree(bi_lake):
    lake, _, events = bi_lake
    [row] = rows(lake, """
        select province_name, region, province_2025_key, province_2025_name, sector_name_en, period_start_date,
               period_end_date, value, article_id, agreeing_article_count, disagreeing_article_count, has_disagreement,
               is_headline, candidate_count
        from marts.fct_province_year_sector
        where geo_code = '04' and year = 2023 and sector = 'industry' and metric = 'production_value'
            and status = 'estimate'""")
    assert row == ("Cao Bằng", "Trung du và miền núi phía Bắc", "34-04", "Cao Bằng", "Industry (sections B–E)",
                   datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), 7900.0, events["latest_2023"]["article_id"],
                   2, 1, True, True, 3)


def test_a_product_stated_by_two_articles_is_one_headline_row(bi_lake):
    lake, _, events = bi_lake
    assert rows(lake, """
        select province_name, year, product, value, unit, change_pct, article_id, candidate_count, agreeing_article_count,
               has_disagreement, is_headline
        from marts.fct_province_year_product""") == [
        ("Cao Bằng", 2023, "xi măng", 1.2e6, "tonne", 3.0, events["latest_2023"]["article_id"], 2, 2, False, True)]


def test_province_2025_key_reads_a_series_across_the_merger(bi_lake):
    lake, _, _ = bi_lake
    series = rows(lake, """
        select f.year, f.province_list, f.province_name, p.province_name, f.change_pct
        from marts.fct_province_year_sector f
        join marts.dim_province p on p.province_key = f.province_2025_key
        where f.metric = 'iip' and f.province_2025_key = '34-24'
        order by f.year""")
    assert series == [(2024, "63", "Bắc Giang", "Bắc Ninh", 22.6), (2025, "34", "Bắc Ninh", "Bắc Ninh", 12.1)]


def test_the_review_queue_lists_each_implausible_figure_once_with_its_reason(bi_lake):
    lake, _, events = bi_lake
    ids = {name: event["article_id"] for name, event in events.items()}
    queue = rows(lake, "select check_name, observation_id, compared_observation_id, detail from marts.fct_review_queue")
    assert sorted(q[:3] for q in queue) == sorted([
        ("contradicted_by_another_article", observation(lake, ids["latest_2023"], "production_value", 2023),
         observation(lake, ids["first_2023"], "production_value", 2023)),
        ("far_from_province_series", observation(lake, ids["series"], "production_value", 2021), None),
        ("iip_change_out_of_band", observation(lake, ids["first_2023"], "iip", 2023), None),
    ])
    details = {q[0]: q[3] for q in queue}
    assert "7000 bn_vnd" in details["contradicted_by_another_article"]
    assert "8.2x the median" in details["far_from_province_series"]
    assert "+85.3%" in details["iip_change_out_of_band"]


def test_plausibility_checks_warn_without_failing_the_build(bi_lake):
    _, work, _ = bi_lake
    results = json.loads((work / "dbt-target" / "run_results.json").read_text())["results"]
    checks = {r["unique_id"].split(".")[2]: (r["status"], r["failures"]) for r in results if "has_no_review_items" in r["unique_id"]}
    assert sorted(checks.values()) == [("warn", 1)] * 3
    assert {r["status"] for r in results} <= {"success", "pass", "warn", "no-op"}


def test_every_mart_has_its_contract_and_its_descriptions_in_the_warehouse(bi_lake):
    lake, work, _ = bi_lake
    manifest = json.loads((work / "dbt-target" / "manifest.json").read_text())
    marts = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"}
    assert {name for name, node in marts.items() if not node["contract"]["enforced"]} == set()
    for name, node in marts.items():
        warehouse = rows(lake, "select column_name, data_type, comment from duckdb_columns() where database_name = 'lake' "
                               "and schema_name = 'marts' and table_name = ? order by column_index", [name])
        declared = [(c["name"], c["data_type"].upper()) for c in node["columns"].values()]
        assert [(column, data_type) for column, data_type, _ in warehouse] == declared, name
        assert [column for column, _, comment in warehouse if not comment] == [], name
        [(table_comment,)] = rows(lake, "select comment from duckdb_tables() where database_name = 'lake' "
                                        "and schema_name = 'marts' and table_name = ?", [name])
        assert table_comment == node["description"]
    [(status_comment,)] = rows(lake, "select comment from duckdb_columns() where database_name = 'lake' and "
                                     "table_name = 'fct_province_year_sector' and column_name = 'status'")
    assert status_comment.startswith("How final the figure is (`status`)")  # the glossary block, rendered


def test_the_choice_and_the_review_queue_do_not_depend_on_load_order(bi_lake, tmp_path):
    lake, _, events = bi_lake
    reversed_lake = Lake.at(tmp_path / "lake")
    for offset, event in enumerate(reversed(list(events.values()))):  # one batch each, in reverse
        store(reversed_lake, [event], offset)
    assert build(reversed_lake, tmp_path).mode == "full"
    for table in ("fct_province_year_sector", "fct_review_queue"):
        sql = f"select * from marts.{table} order by all"
        assert rows(reversed_lake, sql) == rows(lake, sql), table
