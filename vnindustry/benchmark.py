"""Reader throughput on a corpus built by repeating development articles (not a timed test)."""
from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from vnindustry.events import build_event, split_title
from vnindustry.reader import parse_article
from vnindustry.reader.numbers import NUMBER


@dataclass
class BenchResult:
    articles: int
    megabytes: float
    facts: int
    seconds: float
    peak_rss_mb: float

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds


def corpus(folders: Iterable[Path], target_mb: float) -> list[dict]:
    """Events from every .txt under `folders`, repeated (with distinct ids) to `target_mb`."""
    texts = [p.read_text(encoding="utf-8") for folder in folders for p in sorted(Path(folder).rglob("*.txt"))]
    if not texts:
        raise ValueError("no .txt articles in the corpus folders")
    events, size, copy = [], 0, 0
    while size < target_mb * 1_000_000:
        for text in texts:
            event = build_event(*split_title(text))
            event["article_id"] = f"{copy:06d}{event['article_id'][6:]}"
            events.append(event)
            size += len(event["body"].encode("utf-8"))
        copy += 1
    return events


def run_benchmark(events: list[dict]) -> BenchResult:
    megabytes = sum(len(e["body"].encode("utf-8")) for e in events) / 1_000_000
    parse_article(events[0])  # load vocabularies and gazetteers outside the timing
    started = time.process_time()  # CPU time: other work on the machine does not count against the reader
    facts = sum(len(parse_article(event)) for event in events)
    seconds = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return BenchResult(len(events), megabytes, facts, seconds, peak)


def number_scan_mb_per_s(events: list[dict]) -> float:
    """The floor any reader pays: one regular-expression pass for numbers over the same text."""
    bodies = [e["body"] for e in events]
    megabytes = sum(len(b.encode("utf-8")) for b in bodies) / 1_000_000
    started = time.process_time()
    for body in bodies:
        for _ in NUMBER.finditer(body):
            pass
    return megabytes / max(time.process_time() - started, 1e-9)


RUN_ON_UNIT = "chỉ số sản xuất công nghiệp tỉnh Hà Nam năm 2023 tăng 5,1%, ngành chế biến tăng 6%, sản lượng xi măng đạt 2 triệu tấn, "


def run_on_seconds(sizes: tuple[int, ...] = (26_000, 53_000, 106_000, 424_000)) -> list[tuple[int, float]]:
    """CPU seconds to read one article that is a single run-on sentence of each size: linear, not quadratic."""
    timings = []
    for size in sizes:
        body = (RUN_ON_UNIT * (size // len(RUN_ON_UNIT) + 1))[:size]
        started = time.process_time()
        parse_article({"article_id": "run-on", "body": body})
        timings.append((size, time.process_time() - started))
    return timings
