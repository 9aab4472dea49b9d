from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import SEEDS
from flows import staging
from flows.lake import Lake
from flows.batch import process_records
from vnindustry.events import build_event, cloudevent_headers, encode_event, split_title


def records(paths, start=0, partition=0):
    out = []
    for i, path in enumerate(paths, start=start):
        event = build_event(*split_title(path.read_text(encoding="utf-8")))
        out.append(SimpleNamespace(topic="articles", partition=partition, offset=i, key=event["article_id"].encode(),
                                   value=encode_event(event), headers=cloudevent_headers(event)))
    return out


def test_batch_and_offsets_in_one_transaction_and_replays_add_nothing(lake_dir):
    con = staging.connect(Lake.of(lake_dir))
    seeds = sorted(SEEDS.glob("*.txt"))
    batch = process_records(records(seeds) + [SimpleNamespace(topic="articles", partition=0, offset=9, key=b"k", value=b"{", headers=[])])
    batch.cluster_id = "c1"
    first = staging.store_batch(con, batch, "g")
    assert (first.articles, first.rejected) == (5, 1) and first.observations > 0
    again = staging.store_batch(con, process_records(records(seeds, start=20)), "g")  # same articles, new offsets
    assert (again.articles, again.observations, again.rejected) == (0, 0, 0)
    assert staging.stored_offsets(con, "c1", "g", "articles") == {0: 10}
    assert staging.stored_offsets(con, "other-cluster", "g", "articles") == {}


def test_a_failed_transaction_leaves_nothing(lake_dir, monkeypatch):
    con = staging.connect(Lake.of(lake_dir))
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
    assert staging.counts(con) == {"raw_articles": 0, "observations": 0, "rejected": 0, "kafka_offsets": 0, "topic_resets": 0}


def test_two_writers_at_once_each_store_their_batch_exactly_once(lake_dir):
    """The lake has many writers: two processes' transactions on the same tables both land,
    the loser of a write conflict retries on the winner's result, and no article is doubled."""
    seeds = sorted(SEEDS.glob("*.txt"))
    script = (
        "import sys, pickle; from pathlib import Path; from flows import staging; from flows.lake import Lake\n"
        "batch = pickle.loads(sys.stdin.buffer.read()); con = staging.connect(Lake.of(Path(sys.argv[1])))\n"
        "result = staging.store_batch(con, batch, sys.argv[2]); print(result.articles, result.retries)\n"
    )
    import pickle, subprocess, sys
    staging.connect(Lake.of(lake_dir)).close()
    batches = []
    for group, part in (("g1", seeds[:3]), ("g2", seeds[1:])):  # seeds 1 and 2 go to both writers
        batch = process_records(records(part))
        batch.cluster_id = "c1"
        batches.append((group, pickle.dumps(batch)))
    procs = [subprocess.Popen([sys.executable, "-c", script, str(lake_dir), group], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).parents[1])
             for group, _ in batches]
    outputs = [p.communicate(data, timeout=120) for p, (_, data) in zip(procs, batches)]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outputs]
    con = staging.connect(Lake.of(lake_dir))
    ids = [r[0] for r in staging.run(con, "select article_id from ingest.raw_articles")]
    assert sorted(ids) == sorted({a["article_id"] for _, data in batches for a in pickle.loads(data).articles})
    assert sum(int(o[0].split()[0]) for o in outputs) == len(seeds)
    assert staging.stored_offsets(con, "c1", "g1", "articles") == {0: 3}
    assert staging.stored_offsets(con, "c1", "g2", "articles") == {0: 4}


def test_reparse_replaces_facts_of_articles_read_by_another_parser_version(lake_dir):
    from flows.reparse import reparse
    from vnindustry.contract import PARSER_VERSION

    path = Lake.of(lake_dir)
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


def test_processes_starting_together_on_a_new_lake_all_open_it(lake_dir):
    """Workers started at once race to create the catalog and the tables: every one gets the lake."""
    import subprocess, sys
    code = ("import sys; from pathlib import Path; from flows import staging; from flows.lake import Lake\n"
            "staging.connect(Lake.of(Path(sys.argv[1]))).close(); print('open')\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(lake_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=Path(__file__).parents[1]) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [r[1][-1500:] for r in results]
    con = staging.connect(Lake.of(lake_dir))
    assert staging.counts(con) == {"raw_articles": 0, "observations": 0, "rejected": 0, "kafka_offsets": 0, "topic_resets": 0}
    assert staging.run(con, "select count(*) from ingest.commit_fence")[0][0] >= 1
