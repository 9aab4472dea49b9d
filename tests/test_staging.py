from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import SEEDS
from flows import staging
from flows.batch import process_records
from vnindustry.events import build_event, cloudevent_headers, encode_event, split_title


def records(paths, start=0, partition=0):
    out = []
    for i, path in enumerate(paths, start=start):
        event = build_event(*split_title(path.read_text(encoding="utf-8")))
        out.append(SimpleNamespace(topic="articles", partition=partition, offset=i, key=event["article_id"].encode(),
                                   value=encode_event(event), headers=cloudevent_headers(event)))
    return out


def test_batch_and_offsets_in_one_transaction_and_replays_add_nothing(tmp_path):
    con = staging.connect(tmp_path / "w.duckdb")
    seeds = sorted(SEEDS.glob("*.txt"))
    batch = process_records(records(seeds) + [SimpleNamespace(topic="articles", partition=0, offset=9, key=b"k", value=b"{", headers=[])])
    batch.cluster_id = "c1"
    first = staging.store_batch(con, batch, "g")
    assert (first.articles, first.rejected) == (5, 1) and first.observations > 0
    again = staging.store_batch(con, process_records(records(seeds, start=20)), "g")  # same articles, new offsets
    assert (again.articles, again.observations, again.rejected) == (0, 0, 0)
    assert staging.stored_offsets(con, "c1", "g", "articles") == {0: 10}
    assert staging.stored_offsets(con, "other-cluster", "g", "articles") == {}


def test_a_failed_transaction_leaves_nothing(tmp_path, monkeypatch):
    con = staging.connect(tmp_path / "w.duckdb")
    batch = process_records(records(sorted(SEEDS.glob("*.txt"))))
    batch.cluster_id = "c1"
    original = staging._insert

    def fail_on_rejected(con, table, rows, columns):
        if table == "observations":
            raise RuntimeError("disk full")
        return original(con, table, rows, columns)

    monkeypatch.setattr(staging, "_insert", fail_on_rejected)
    with pytest.raises(RuntimeError):
        staging.store_batch(con, batch, "g")
    assert staging.counts(con) == {"raw_articles": 0, "observations": 0, "rejected": 0, "kafka_offsets": 0}


def test_a_second_writer_gets_a_clear_error(tmp_path):
    path = tmp_path / "w.duckdb"
    script = (
        "import sys; from pathlib import Path; from flows import staging\n"
        "try:\n    staging.connect(Path(sys.argv[1]))\nexcept staging.WarehouseBusy as e:\n    print('busy'); sys.exit(3)\n"
    )
    con = staging.connect(path)
    import subprocess, sys
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=Path(__file__).parents[1])
    con.close()
    assert result.returncode == 3 and "busy" in result.stdout


def test_reparse_replaces_facts_of_articles_read_by_another_parser_version(tmp_path):
    from flows.reparse import reparse
    from vnindustry.contract import PARSER_VERSION

    path = tmp_path / "w.duckdb"
    con = staging.connect(path)
    batch = process_records(records(sorted(SEEDS.glob("*.txt"))))
    staging.store_batch(con, batch, "g")
    facts = staging.run(con, "select observation_id from ingest.observations order by 1")
    seed = batch.articles[2]["article_id"]
    staging.run(con, "update ingest.raw_articles set parser_version = 'reader-0.9' where article_id = ?", [seed])
    staging.run(con, "delete from ingest.observations where article_id = ?", [seed])
    staging.run(con, "insert into ingest.observations select * replace ('stale' as observation_id, 'x' as article_id) "
                     "from ingest.observations limit 1")
    staging.run(con, "update ingest.observations set article_id = ? where observation_id = 'stale'", [seed])
    con.close()

    report = reparse(path)
    assert (report.articles_seen, report.articles_reparsed, report.failed) == (5, 1, 0)
    con = staging.connect(path)
    assert staging.run(con, "select observation_id from ingest.observations order by 1") == facts
    assert staging.run(con, "select distinct parser_version from ingest.raw_articles") == [(PARSER_VERSION,)]
    assert reparse(path).articles_reparsed == 0
