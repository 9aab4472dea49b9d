"""Read articles from files, folders or JSON lines on stdin into events (or refusals, with why)."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Union

from vnindustry.events import EventError, build_event, split_title


@dataclass(frozen=True)
class Refusal:
    source: str
    reason: str


def read_articles(
    paths: Iterable[str], published_at: Optional[str] = None, stdin: Optional[IO[str]] = None
) -> Iterator[Union[dict, Refusal]]:
    for path in paths:
        if path == "-":
            yield from _read_json_lines(stdin or sys.stdin, published_at)
            continue
        target = Path(path)
        if target.is_dir():
            for file in sorted(p for p in target.rglob("*") if p.is_file() and p.suffix in (".txt", ".md")):
                yield _read_file(file, published_at)
        else:
            yield _read_file(target, published_at)


def _read_file(path: Path, published_at: Optional[str]) -> Union[dict, Refusal]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Refusal(str(path), f"unreadable: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Refusal(str(path), "not UTF-8")
    if not text.strip():
        return Refusal(str(path), "empty")
    title, body = split_title(text)
    try:
        return build_event(title, body, source=str(path), published_at=published_at)
    except EventError as exc:
        return Refusal(str(path), exc.reason)


def _read_json_lines(stream: IO[str], published_at: Optional[str]) -> Iterator[Union[dict, Refusal]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        where = f"stdin:{number}"
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not an object")
            body = item.get("body") or item.get("text")
            if not isinstance(body, str) or not body.strip():
                yield Refusal(where, "empty")
                continue
            title = item.get("title") or split_title(body)[0]
            yield build_event(
                title,
                body,
                source=item.get("source"),
                url=item.get("url"),
                published_at=item.get("published_at") or published_at,
            )
        except (ValueError, EventError) as exc:
            yield Refusal(where, getattr(exc, "reason", None) or f"not a JSON article: {exc}")
