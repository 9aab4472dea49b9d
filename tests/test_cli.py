import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, REPO, SEEDS
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


CLI = str(Path(sys.executable).parent / "vnindustry")
SEED = str(SEEDS / "002_b3ecef565e3a4467.txt")


def cli(tmp_path, *args, stdin: bytes = b"", timeout: float = 120, **env) -> subprocess.CompletedProcess:
    """The installed command, as a user runs it: its own process, no cluster configured."""
    environ = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
    environ.update({"VNINDUSTRY_DATA_DIR": str(tmp_path / "data"), **env})
    result = subprocess.run([CLI, *args], input=stdin, capture_output=True, timeout=timeout, env=environ, cwd=REPO)
    result.stdout, result.stderr = result.stdout.decode(), result.stderr.decode()
    return result


def binary_folder(tmp_path) -> Path:
    folder = tmp_path / "binary"
    folder.mkdir()
    (folder / "scan.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(500))
    return folder


ROUGH_EDGES = {  # issue 11: each mistake -> one line on stderr and an honest exit code, before anything starts
    "extract --published-at yesterday": (["extract", SEED, "--published-at", "yesterday"], 2, "'yesterday' is not a date"),
    "extract --published-at 2023-13-45": (["extract", SEED, "--published-at", "2023-13-45"], 2, "not a real date"),
    "publish with no cluster configured": (["publish", SEED], 2, "no Kafka cluster configured"),
    "publish a path that does not exist": (["publish", "--embedded-broker", "/nonexistent"], 3, "nothing to publish"),
    "publish an empty folder": (["publish", "--embedded-broker", "{empty}"], 3, "nothing to publish"),
    "run on a folder of binary files": (["run", "{binary}"], 3, "nothing to publish: 2 input(s) refused"),
    "transform before any ingest": (["transform"], 5, "no warehouse at"),
    "reparse before any ingest": (["reparse"], 5, "no warehouse at"),
    "report before any ingest": (["report"], 5, "no warehouse at"),
    "ingest with no cluster configured": (["ingest"], 2, "set KAFKA_BOOTSTRAP_SERVERS"),
    "a batch size of 0": (["run", "--batch-size", "0"], 2, "Invalid value for '--batch-size'"),
    "an unknown command": (["bogus"], 2, "No such command 'bogus'"),
    "extract a missing file": (["extract", "/nonexistent"], 3, "1 of 1 files refused"),
}


@pytest.mark.parametrize("edge", ROUGH_EDGES)
def test_each_rough_edge_is_one_line_with_an_honest_exit_code(tmp_path, edge):
    args, code, message = ROUGH_EDGES[edge]
    (tmp_path / "empty").mkdir()
    args = [a.format(empty=tmp_path / "empty", binary=tmp_path / "binary") for a in args]
    if "{binary}" in ROUGH_EDGES[edge][0]:
        binary_folder(tmp_path)
    result = cli(tmp_path, *args)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, result.stderr
    assert message in lines[-1] and lines[-1].startswith("vnindustry: error: ")
    assert sum(line.startswith("vnindustry: error") for line in lines) == 1 and "Traceback" not in result.stderr
    assert "ingest flow" not in result.stderr and "embedded Kafka" not in result.stderr  # refused before starting


def test_refused_files_are_listed_and_recorded_with_their_reasons(tmp_path):
    folder = binary_folder(tmp_path)
    result = cli(tmp_path, "run", str(folder))
    assert f"refused {folder / 'scan.txt'}: not UTF-8 text" in result.stderr
    recorded = [json.loads(line) for line in (tmp_path / "data" / "refused.jsonl").read_text().splitlines()]
    assert {(r["source"], r["reason"].split(" (")[0]) for r in recorded} == {
        (str(folder / "scan.txt"), "not UTF-8 text"), (str(folder / "photo.jpg"), "not an article file")}


def test_a_lake_inside_the_publish_folder_is_refused(tmp_path):
    data = tmp_path / "data"
    result = cli(tmp_path, "transform", VNINDUSTRY_PUBLISH_DIR=str(data))
    assert result.returncode == 2
    assert "VNINDUSTRY_DATA_DIR" in result.stderr and "is inside VNINDUSTRY_PUBLISH_DIR" in result.stderr
    result = cli(tmp_path, "transform", VNINDUSTRY_PUBLISH_DIR=str(tmp_path / "bi"),
                 VNINDUSTRY_DATA_PATH=str(tmp_path / "bi" / "files"))
    assert result.returncode == 2 and "VNINDUSTRY_DATA_PATH" in result.stderr and "is inside VNINDUSTRY_PUBLISH_DIR" in result.stderr
    assert not (tmp_path / "bi").exists()  # refused before anything was written


def test_verbose_shows_the_traceback_and_an_unexpected_error_says_how_to_see_it(tmp_path):
    result = cli(tmp_path, "--verbose", "transform")
    assert result.returncode == 5 and "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("vnindustry: error: no warehouse at")
    result = cli(tmp_path, "publish", "--embedded-broker", SEED, VNINDUSTRY_PARTITIONS="three")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("vnindustry: error: unexpected ValueError")
    assert "rerun with --verbose" in result.stderr


def test_version(tmp_path):
    from vnindustry import __version__

    result = cli(tmp_path, "--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"vnindustry {__version__}")


@pytest.mark.e2e
def test_stdin_lines_and_files_refused_in_part_publish_the_rest_and_exit_3(tmp_path):
    lines = [json.dumps({"title": "Một", "body": "Năm 2023, chỉ số IIP tỉnh Hà Nam tăng 5%."}),
             json.dumps({"title": ["list"], "body": "x"}), "{not json",
             json.dumps({"title": "Bốn", "url": "https://x/4", "body": "Năm 2022, IIP tăng 3%."})]
    result = cli(tmp_path, "publish", "--embedded-broker", "-", stdin=("\n".join(lines) + "\n").encode())
    assert result.returncode == 3, result.stderr
    assert "published 2 article events, refused 2" in result.stderr
    assert "refused stdin:2: title: Input should be a valid string" in result.stderr
    assert "refused stdin:3: not JSON" in result.stderr
    assert "the 2 valid articles were published" in result.stderr.strip().splitlines()[-1]

    fifo = tmp_path / "named.txt"
    os.mkfifo(fifo)
    result = cli(tmp_path, "publish", "--embedded-broker", str(fifo), SEED, timeout=60)
    assert result.returncode == 3 and f"refused {fifo}: not a regular file (FIFO)" in result.stderr


@pytest.mark.e2e
def test_broker_publish_ingest_transform_by_hand_print_progress_and_summaries(tmp_path):
    from producers.broker import free_port

    port = free_port()
    environ = {**os.environ, "VNINDUSTRY_DATA_DIR": str(tmp_path / "data")}
    broker = subprocess.Popen([CLI, "broker", "--port", str(port)], env=environ, cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert "broker listening on" in broker.stderr.readline()
        env = {"KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}"}
        published = cli(tmp_path, "publish", str(SEEDS), **env)
        assert published.returncode == 0, published.stderr
        assert "publish: 5 articles sent, 0 refused" in published.stderr  # progress, line by line off a terminal
        ingested = cli(tmp_path, "ingest", "--json", **env)
        assert ingested.returncode == 0, ingested.stderr
        counts = json.loads(ingested.stdout)
        assert (counts["records"], counts["articles"], counts["rejected"]) == (5, 5, 0)
        assert "ingest: 1 batches, 5 records → 5 new articles" in ingested.stderr
        transformed = cli(tmp_path, "transform", **env)
        assert transformed.returncode == 0, transformed.stderr
        assert transformed.stdout.startswith("transform: full build on snapshot ") and "fct_observations" in transformed.stdout
        assert len(transformed.stdout.splitlines()) == 1  # one summary line, whatever its length
        assert re.search(r"dbt: \d+ nodes done, last \w+ \w+", transformed.stderr)
    finally:
        broker.send_signal(signal.SIGINT)
        assert broker.wait(timeout=60) == 0
