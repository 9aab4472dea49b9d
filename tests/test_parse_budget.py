"""The per-article parse budget bounds time even when the reader is stuck inside one C-level
regex call: the article is rejected (phase `parse`, with the reason), the batch goes on."""
import json
import os
import threading
import time
from types import SimpleNamespace

import pytest

from conftest import SEEDS
from flows import parse_budget
from flows.batch import process_records
from flows.parse_budget import BudgetedReader, ReaderFailed
from vnindustry.events import build_event, split_title
from vnindustry.reader import parse_article

STUCK_READER = "stuck_reader:parse_article"


@pytest.fixture
def stuck_reader(monkeypatch):
    """A budgeted reader whose worker runs tests/stuck_reader.py (1 s budget)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [os.path.dirname(__file__), os.environ.get("PYTHONPATH")])))
    reader = BudgetedReader(1.0, reader=STUCK_READER)
    yield reader
    reader.close()


def record(offset: int, event: dict) -> SimpleNamespace:
    return SimpleNamespace(topic="articles", partition=0, offset=offset, key=event["article_id"].encode(),
                           value=json.dumps(event, ensure_ascii=False).encode(), headers=[])


def seed_events() -> list[dict]:
    return [build_event(*split_title(p.read_text(encoding="utf-8"))) for p in sorted(SEEDS.glob("*.txt"))]


def test_a_stuck_article_is_rejected_in_phase_parse_and_the_rest_of_the_batch_loads(stuck_reader):
    good = seed_events()
    stuck = build_event("Bài treo", "Năm 2023 STUCK giá trị sản xuất công nghiệp tăng 5%.")
    events = good[:2] + [stuck] + good[2:]
    batch = process_records([record(i, e) for i, e in enumerate(events)], parse=stuck_reader.parse)

    assert [a["article_id"] for a in batch.articles] == [e["article_id"] for e in good]
    [reject] = batch.rejected
    assert (reject["phase"], reject["offset"]) == ("parse", 2)
    assert "over the 1 s parse budget" in reject["reason"]
    expected = sum(len(parse_article(e)) for e in good)
    assert len(batch.observations) == expected  # the worker started after the kill read the rest in full
    assert batch.next_offsets == {("articles", 0): len(events)}


def test_a_reader_error_and_a_dying_worker_are_rejects_with_their_reason(stuck_reader):
    with pytest.raises(ReaderFailed, match="KeyError"):
        stuck_reader.parse({"article_id": "no-body"})
    with pytest.raises(ReaderFailed, match="reader process died"):
        stuck_reader.parse(build_event("Bài", "Năm 2023 EXIT tăng 5%."))
    event = seed_events()[0]
    assert stuck_reader.parse(event) == parse_article(event)  # a new worker took over


def test_the_budget_comes_from_the_environment_and_zero_parses_in_process(monkeypatch):
    monkeypatch.setenv("VNINDUSTRY_PARSE_BUDGET_S", "0")
    assert parse_budget.reader() is parse_article
    monkeypatch.setenv("VNINDUSTRY_PARSE_BUDGET_S", "7.5")
    assert parse_budget.reader().__self__.budget_s == 7.5


def test_the_worker_is_started_from_a_thread_that_outlives_the_calling_thread(stuck_reader):
    """PR_SET_PDEATHSIG fires when the forking *thread* ends: a worker started while parsing in a
    short-lived thread (as a flow task may) must survive that thread."""
    event = seed_events()[0]
    worker = threading.Thread(target=stuck_reader.parse, args=(event,))
    worker.start()
    worker.join()
    pid = stuck_reader.process.pid
    time.sleep(0.2)
    assert stuck_reader.process.poll() is None, "the worker died with the thread that asked for it"
    assert stuck_reader.parse(event) == parse_article(event) and stuck_reader.process.pid == pid
