"""Incremental marts in the lake: a routine build processes only the articles added or re-read
since the last build, and ends with the same marts a full rebuild gives."""
import pytest

from flows import staging
from flows.lake import Lake
from flows.query import query as time_travel
from flows.transform import build
from tests_support import store
from vnindustry.events import build_event

pytestmark = pytest.mark.e2e

NINE_MONTHS = build_event("Tin A", "Chín tháng đầu năm 2023, giá trị sản xuất công nghiệp tỉnh Cao Bằng ước đạt "
                                   "5.000 tỷ đồng, tăng 4,1% so với cùng kỳ.", published_at="2023-10-02")
FULL_YEAR = build_event("Tin B", "Năm 2023, giá trị sản xuất công nghiệp tỉnh Cao Bằng ước đạt 7.000 tỷ đồng, "
                                 "tăng 5,2% so với năm trước.", published_at="2023-12-28")
ROW = ("select value, months_covered, is_full_year, candidate_count, article_id from marts.fct_province_year_sector "
       "where geo_code = '04' and year = 2023 and sector = 'industry' and metric = 'production_value'")
MARTS = ("fct_observations", "fct_province_year_sector", "fct_product_output", "fct_province_year_product", "dim_period",
         "fct_review_queue")


def query(lake: Lake, sql: str) -> list:
    con = lake.connect(read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def marts(lake: Lake) -> dict:
    return {t: sorted(query(lake, f"select * exclude (loaded_at) from marts.{t}" if t == "fct_observations"
                            else f"select * from marts.{t}"), key=repr) for t in MARTS}


def test_a_new_article_changes_a_row_chosen_earlier_and_incremental_equals_full(lake_dir, tmp_path):
    lake = Lake.of(lake_dir)
    store(lake, [NINE_MONTHS], 0)
    assert build(lake, tmp_path).mode == "full"
    assert query(lake, ROW) == [(5000.0, 9, False, 1, NINE_MONTHS["article_id"])]
    first = query(lake, "select id from lake.current_snapshot()")[0][0]
    assert build(lake, tmp_path).mode == "skipped"  # nothing new: nothing runs

    store(lake, [FULL_YEAR], 1)  # the full-year figure arrives: the chosen row must change
    report = build(lake, tmp_path)
    assert (report.mode, report.articles_changed) == ("incremental", 1)
    assert query(lake, ROW) == [(7000.0, 12, True, 2, FULL_YEAR["article_id"])]
    incremental = marts(lake)
    # time travel: the marts as they were after the first build (`vnindustry query --at`)
    assert time_travel(lake, ROW, str(first))[1] == [(5000.0, 9, False, 1, NINE_MONTHS["article_id"])]

    con = staging.connect(lake)  # a re-read that finds no fact in the full-year article any more
    staging.replace_facts(con, {FULL_YEAR["article_id"]: []}, "reader-test")
    con.close()
    assert build(lake, tmp_path).mode == "incremental"
    assert query(lake, ROW) == [(5000.0, 9, False, 1, NINE_MONTHS["article_id"])]
    after_reread = marts(lake)

    assert build(lake, tmp_path, full_refresh=True).mode == "full"
    assert marts(lake) == after_reread  # a full rebuild of the same lake agrees with the increments

    clean = Lake.at(tmp_path / "clean")  # both articles loaded at once and built in full
    store(clean, [NINE_MONTHS, FULL_YEAR], 0)
    assert build(clean, tmp_path / "clean-work").mode == "full"
    assert marts(clean) == incremental


def test_maintenance_compacts_and_expires_yet_the_next_build_stays_incremental(tmp_path):
    from flows.maintenance import maintain

    lake = Lake.at(tmp_path / "lake")
    for offset, event in enumerate([NINE_MONTHS, FULL_YEAR]):  # two batches: two sets of small files
        store(lake, [event], offset)
    assert build(lake, tmp_path).mode == "full"
    before = marts(lake)
    snapshots = len(query(lake, "select * from lake.snapshots()"))
    report = maintain(lake, retention="0 seconds")
    assert report.snapshots_expired > 0 and len(query(lake, "select * from lake.snapshots()")) < snapshots
    assert marts(lake) == before  # the data is all there
    staging_con = staging.connect(lake)
    staging.replace_facts(staging_con, {FULL_YEAR["article_id"]: []}, "reader-test")
    staging_con.close()
    assert build(lake, tmp_path).mode == "incremental"  # the last build's snapshot was kept
    assert query(lake, ROW) == [(5000.0, 9, False, 1, NINE_MONTHS["article_id"])]
