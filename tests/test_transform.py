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


def test_marts_are_the_same_values_whatever_the_batch_size_and_the_build_steps(tmp_path):
    """Issue 10, item 10: 26-27 of 100 grains differed between two clean runs. Eight articles
    compete for each province-year row (same period, two publication dates), so every choice is a
    tie-break: it must depend on the facts (publication date, then article id), not on loading."""
    from producers.broker import embedded_broker
    from producers.kafka_settings import settings_from_env
    from producers.publish import publish
    from producers.topics import ensure_topics
    from flows.consumer import run_consumer
    from tests_support import synthetic_articles

    events = [e for i in range(40) for e in synthetic_articles(i, 1, "t", "2021-01-05" if i % 3 else "2021-02-01")]
    one_by_one, all_at_once, in_steps = (Lake.at(tmp_path / name) for name in ("one", "all", "steps"))
    with embedded_broker() as bootstrap:
        settings = settings_from_env(bootstrap, {})
        ensure_topics(settings)
        assert publish(events, settings).sent == 40
        assert run_consumer(settings_from_env(bootstrap, {"VNINDUSTRY_GROUP": "one"}), one_by_one, batch_size=1).batches == 40
        assert run_consumer(settings_from_env(bootstrap, {"VNINDUSTRY_GROUP": "all"}), all_at_once, batch_size=40).articles == 40
    build(one_by_one, tmp_path / "w1")
    build(all_at_once, tmp_path / "w2")
    store(in_steps, list(reversed(events[20:])), 0)  # the other half first, incremental builds in between
    build(in_steps, tmp_path / "w3")
    for step in range(4):
        store(in_steps, events[step * 5:(step + 1) * 5], 100 + step * 5)
        assert build(in_steps, tmp_path / "w3").mode == "incremental"
    rows = {name: marts(lake) for name, lake in (("one", one_by_one), ("all", all_at_once), ("steps", in_steps))}
    chosen = rows["one"]["fct_province_year_sector"]
    candidates = query(one_by_one, "select candidate_count from marts.fct_province_year_sector")
    assert len(chosen) == 10 and {count for (count,) in candidates} == {8}  # 5 provinces x 2 metrics, 8 candidates each
    assert rows["all"] == rows["one"] and rows["steps"] == rows["one"]  # every value, every id, every mart
