"""The semantic layer: `dbt parse` lists the metrics MetricFlow reads, and `mf query` (MetricFlow
run locally, no server) answers them from the lake by province, region, year and across the
2025 merger."""
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent
METRICS = {"production_value", "iip_change", "value_added", "value_added_growth", "product_output",
           "production_value_by_section", "value_added_by_section"}


def dbt_env(lake) -> dict:
    return {**os.environ, **lake.dbt_env(), "DBT_PROFILES_DIR": str(REPO / "dbt")}


def test_dbt_parse_lists_the_metrics_their_measures_and_the_time_spine(bi_lake, tmp_path):
    lake, _, _ = bi_lake
    result = subprocess.run([str(BIN / "dbt"), "parse", "--project-dir", str(REPO / "dbt"), "--target-path", str(tmp_path),
                             "--log-path", str(tmp_path)], env=dbt_env(lake), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    manifest = json.loads((tmp_path / "semantic_manifest.json").read_text())
    metrics = {m["name"]: m for m in manifest["metrics"]}
    assert set(metrics) == METRICS
    assert metrics["production_value"]["type_params"]["measure"]["name"] == "production_value_bn_vnd"
    for metric in metrics.values():  # totals count headline rows only: statuses never double count
        assert "__is_headline" in metric["filter"]["where_filters"][0]["where_sql_template"]
    models = {m["name"]: m for m in manifest["semantic_models"]}
    assert {e["name"] for e in models["province_year_sector"]["entities"]} == {"province", "province_2025", "sector"}
    assert models["provinces_2025"]["node_relation"]["alias"] == "dim_province"
    [spine] = manifest["project_configuration"]["time_spines"]
    assert (spine["node_relation"]["alias"], spine["primary_column"]["name"]) == ("time_spine_daily", "date_day")


def mf_query(lake, work: Path, tmp_path: Path, metrics: str, group_by: str) -> list[dict]:
    """`mf query` as an analyst runs it in dbt/ after `dbt parse`: on a copy of the project whose
    target/ holds the build's semantic manifest (mf reads it from there)."""
    project = tmp_path / "dbt"
    shutil.copytree(REPO / "dbt", project, ignore=shutil.ignore_patterns("target", "logs"), dirs_exist_ok=True)
    (project / "target").mkdir(exist_ok=True)
    shutil.copy(work / "dbt-target" / "semantic_manifest.json", project / "target")
    out = tmp_path / f"{metrics}-{group_by}.csv".replace(",", "+")
    result = subprocess.run([str(BIN / "mf"), "query", "--metrics", metrics, "--group-by", group_by, "--csv", str(out)],
                            cwd=project, env=dbt_env(lake), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with out.open(encoding="utf-8") as handle:  # groups where the metric has no figure are left out
        return [row for row in csv.DictReader(handle) if all(row[m] for m in metrics.split(","))]


def test_metrics_by_province_and_year_count_each_figure_once(bi_lake, tmp_path):
    lake, work, _ = bi_lake
    rows = mf_query(lake, work, tmp_path, "production_value", "metric_time__year,province__name")
    by_year = {(r["province__name"], r["metric_time__year"][:4]): float(r["production_value"]) for r in rows}
    # 2023: three articles state it, the chosen 7900 counts once, and its manufacturing section not at all
    assert by_year == {("Cao Bằng", "2021"): 65000.0, ("Cao Bằng", "2022"): 6500.0, ("Cao Bằng", "2023"): 7900.0}
    rows = mf_query(lake, work, tmp_path, "production_value_by_section", "metric_time__year,sector__name_en")
    assert [(r["sector__name_en"], r["metric_time__year"][:4], float(r["production_value_by_section"])) for r in rows] == [
        ("Manufacturing", "2023", 6100.0)]
    rows = mf_query(lake, work, tmp_path, "product_output", "metric_time__year,province_year_product__product")
    assert [(r["province_year_product__product"], float(r["product_output"])) for r in rows] == [("xi măng", 1.2e6)]


def test_iip_change_reads_across_the_2025_merger_and_by_region(bi_lake, tmp_path):
    lake, work, _ = bi_lake
    rows = mf_query(lake, work, tmp_path, "iip_change", "metric_time__year,province_2025__name")
    assert sorted((r["province_2025__name"], r["metric_time__year"][:4], float(r["iip_change"])) for r in rows) == [
        ("Bắc Ninh", "2024", 22.6), ("Bắc Ninh", "2025", 12.1), ("Cao Bằng", "2023", 85.3)]
    rows = mf_query(lake, work, tmp_path, "iip_change", "metric_time__year,province__region")
    assert ("Trung du và miền núi phía Bắc", "2024", 22.6) in {
        (r["province__region"], r["metric_time__year"][:4], float(r["iip_change"])) for r in rows}
