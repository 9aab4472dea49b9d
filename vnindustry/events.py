"""Article events: build them from text, give them a stable id, validate them on both sides.

Pure: no Kafka here. The producer serialises what `build_event` returns; the consumer runs
`decode_event` on the bytes it receives, and a `EventError` names the phase that failed.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from jsonschema import Draft202012Validator

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schemas" / f"article-event.v{SCHEMA_VERSION}.json"
EVENT_TYPE = "vn.industry.article.v1"
CONTENT_TYPE = "application/json"
MAX_BODY_CHARS = 2_000_000  # the schema's body maxLength
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # below space, other than tab, newline, carriage return

_DATELINE = re.compile(r"(?:cập nhật|ngày đăng|đăng ngày|ngày)\s*:?\s*(\d{1,2})[/-](\d{1,2})[/-](\d{4})", re.IGNORECASE)


class EventError(ValueError):
    """An event that cannot be loaded; `phase` is decode or validate."""

    def __init__(self, phase: str, reason: str):
        super().__init__(f"{phase}: {reason}")
        self.phase = phase
        self.reason = reason


@lru_cache(maxsize=None)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def article_id(title: str, body: str, url: Optional[str] = None) -> str:
    """Stable id: the URL when known, else the normalised text; the same article gets the same id."""
    basis = url.strip() if url else f"{_squash(title)}\n{_squash(body)}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def split_title(text: str) -> tuple[str, str]:
    """A plain-text article: its first non-empty line is the title; the body is the whole text
    (so a figure in the title is read once, and spans point into the text as published)."""
    text = unicodedata.normalize("NFC", text)
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return title, text


def published_date(value: str) -> str:
    """A publication date as YYYY-MM-DD: a real calendar date; an ISO date-time gives its date."""
    text = value
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?", text):
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise EventError("validate", f"published_at: {value[:40]!r} is not a real date (YYYY-MM-DD)") from None
    raise EventError("validate", f"published_at: {value[:40]!r} is not a date (YYYY-MM-DD)")


def dateline(text: str) -> Optional[str]:
    match = _DATELINE.search(text)
    if not match:
        return None
    try:
        return date(int(match[3]), int(match[2]), int(match[1])).isoformat()
    except ValueError:
        return None


def build_event(
    title: str,
    body: str,
    *,
    source: Optional[str] = None,
    url: Optional[str] = None,
    published_at: Optional[str] = None,
    ingested_at: Optional[datetime] = None,
) -> dict[str, Any]:
    title = unicodedata.normalize("NFC", title).strip()
    body = unicodedata.normalize("NFC", body)
    event = {
        "schema_version": SCHEMA_VERSION,
        "article_id": article_id(title, body, url),
        "title": title,
        "body": body,
        "source": source,
        "url": url,
        "published_at": published_date(published_at) if published_at else dateline(body),
        "ingested_at": (ingested_at or datetime.now(timezone.utc)).isoformat(),
    }
    validate_event(event)
    return event


def validate_event(event: Any) -> dict[str, Any]:
    errors = sorted(_validator().iter_errors(event), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "event"
        raise EventError("validate", f"{where}: {first.message[:300]}")
    if event.get("published_at"):
        published_date(event["published_at"])  # the schema checks the shape; this, the calendar
    return event


def encode_event(event: dict[str, Any]) -> bytes:
    return json.dumps(event, ensure_ascii=False).encode("utf-8")


def decode_event(raw: Optional[bytes]) -> dict[str, Any]:
    """Bytes from the topic -> a valid event, or EventError(phase, reason)."""
    if raw is None:
        raise EventError("decode", "empty message (tombstone)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EventError("decode", f"not UTF-8: {exc}") from None
    try:
        event = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventError("decode", f"not JSON: {exc}") from None
    if isinstance(event, dict) and event.get("schema_version") not in (None, SCHEMA_VERSION):
        raise EventError("validate", f"unsupported schema_version {event.get('schema_version')!r}")
    validate_event(event)
    if CONTROL_CHARACTERS.search(event["body"]):
        raise EventError("validate", "body holds control characters")
    return event


def cloudevent_headers(event: dict[str, Any]) -> list[tuple[str, bytes]]:
    """CloudEvents Kafka binding (binary mode) headers for an article event."""
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", event["article_id"].encode()),
        ("ce_type", EVENT_TYPE.encode()),
        ("ce_source", (event.get("source") or "vnindustry").encode("utf-8")),
        ("ce_time", event["ingested_at"].encode()),
        ("content-type", CONTENT_TYPE.encode()),
        ("schema_version", str(SCHEMA_VERSION).encode()),
    ]
