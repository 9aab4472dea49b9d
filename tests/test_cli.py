import json

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, SEEDS
from vnindustry.cli import CONTRACT_FIELDS, app

runner = CliRunner()


@pytest.mark.parametrize("command", [[], ["extract"], ["publish"], ["broker"], ["ingest"], ["transform"], ["run"],
                                     ["worker"], ["query"], ["reparse"], ["bench"], ["maintain"]])
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_extract_prints_one_json_object_per_fact_with_every_field():
    seed = SEEDS / "002_b3ecef565e3a4467.txt"
    result = runner.invoke(app, ["extract", str(seed), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    gold = next(json.loads(l) for l in (FIXTURES / "gold_seeds.jsonl").read_text().splitlines() if seed.name in l)
    assert len(rows) == len(gold["observations"])
    for row in rows:
        assert row["file"] == str(seed)
        assert set(CONTRACT_FIELDS) | {"evidence", "span", "parser_version", "article_id"} <= set(row)


def test_extract_published_at_dates_yearless_periods(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Tin ngắn\nSáu tháng đầu năm, giá trị sản xuất công nghiệp tỉnh Sơn La tăng 7%.", encoding="utf-8")
    assert runner.invoke(app, ["extract", str(article)]).stdout.strip() == ""
    row = json.loads(runner.invoke(app, ["extract", str(article), "--published-at", "2018-07-02"]).stdout)
    assert (row["period_start"], row["period_end"], row["geo_code"]) == ("2018-01", "2018-06", "14")
