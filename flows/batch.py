"""Turn the records of one poll into a `Batch`: decode + validate -> parse -> rows, or rejects.

No I/O here: a record is anything with topic, partition, offset, key, value and headers
(kafka-python's ConsumerRecord), so this runs the same in tests, the flow and `reparse`.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Iterable, Optional, Protocol

from flows import parse_budget
from flows.staging import Batch, headers_json, now
from vnindustry.contract import PARSER_VERSION, Observation
from vnindustry.events import EventError, decode_event


class Record(Protocol):
    topic: str
    partition: int
    offset: int
    key: Any
    value: Any
    headers: Any


def observation_id(obs: Observation) -> str:
    data = obs.record()
    data.pop("evidence")
    data.pop("attachment")
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def observation_rows(observations: list[Observation], loaded_at=None) -> list[dict[str, Any]]:
    loaded_at = loaded_at or now()
    rows = []
    for obs in observations:
        row = obs.model_dump(exclude={"span", "attachment"})
        row.update(
            observation_id=observation_id(obs),
            span_start=obs.span[0],
            span_end=obs.span[1],
            attachment=json.dumps(obs.attachment, sort_keys=True),
            loaded_at=loaded_at,
        )
        rows.append(row)
    return rows


def process_records(records: Iterable[Record], parse: Optional[Callable[[dict], list[Observation]]] = None) -> Batch:
    """`parse` defaults to the reader under the per-article time budget (flows/parse_budget.py)."""
    parse = parse or parse_budget.reader()
    batch = Batch()
    loaded_at = now()
    for record in records:
        position = (record.topic, record.partition)
        batch.next_offsets[position] = max(batch.next_offsets.get(position, 0), record.offset + 1)
        key = record.key.decode("utf-8", "replace") if isinstance(record.key, bytes) else record.key
        try:
            event = decode_event(record.value)
        except EventError as exc:
            batch.rejected.append(_reject(record, key, exc.phase, exc.reason, loaded_at))
            continue
        try:
            observations = parse(event)
        except (parse_budget.OverBudget, parse_budget.ReaderFailed) as exc:
            batch.rejected.append(_reject(record, key, "parse", str(exc), loaded_at))
            continue
        except Exception as exc:  # the in-process reader failed on this article: reject it, keep the batch going
            batch.rejected.append(_reject(record, key, "parse", f"{type(exc).__name__}: {exc}", loaded_at))
            continue
        batch.articles.append(
            {
                **{k: event.get(k) for k in ("article_id", "title", "body", "source", "url", "published_at", "ingested_at")},
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "message_key": key,
                "headers": headers_json(record.headers),
                "loaded_at": loaded_at,
                "parser_version": PARSER_VERSION,
            }
        )
        batch.observations.extend(observation_rows(observations, loaded_at))
    return batch


def _reject(record: Record, key, phase: str, reason: str, at) -> dict[str, Any]:
    return {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "message_key": key,
        "phase": phase,
        "reason": reason[:2000],
        "payload": record.value if isinstance(record.value, bytes) else None,
        "headers": headers_json(record.headers),
        "rejected_at": at,
    }
