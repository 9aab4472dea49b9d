"""Read articles from files, folders or JSON lines on stdin into events (or refusals, with why).

Input rules (README, "Input rules"): sizes are checked before anything is read, so memory
stays bounded whatever the input; each bad file or line is refused with its reason and the
rest go on. In a folder: `.txt` and `.md` in any letter case; names starting with a dot are
skipped; a symlink is followed only to a regular file inside the folder; non-regular files
(FIFOs, sockets, devices) are refused without being opened for a blocking read.
"""
from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Union

from pydantic import BaseModel, ConfigDict, ValidationError

from vnindustry.events import MAX_BODY_CHARS, EventError, build_event, split_title

ARTICLE_SUFFIXES = (".txt", ".md")
MAX_FILE_BYTES = 4 * MAX_BODY_CHARS  # a body of MAX_BODY_CHARS characters is at most 4 bytes each in UTF-8
MAX_LINE_BYTES = 16 * 1024 * 1024  # a JSON line: the body escaped (\uXXXX), title and URL; the producer's request limit
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Refusal:
    source: str
    reason: str


class ArticleLine(BaseModel):
    """One JSON line on stdin. Strict: a number, list or object where text belongs is refused."""

    model_config = ConfigDict(extra="ignore", strict=True)

    title: Optional[str] = None
    body: Optional[str] = None
    text: Optional[str] = None
    url: Optional[str] = None
    source: Optional[str] = None
    published_at: Optional[str] = None


def read_articles(
    paths: Iterable[str], published_at: Optional[str] = None, stdin: Optional[IO] = None
) -> Iterator[Union[dict, Refusal]]:
    for path in paths:
        if path == "-":
            yield from read_json_lines(stdin or sys.stdin, published_at)
            continue
        target = Path(path)
        try:
            info = target.stat()
        except OSError as exc:
            yield Refusal(path, _os_reason(exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            found = False
            for item in walk_folder(target):
                found = True
                yield item if isinstance(item, Refusal) else _read_file(item, published_at)
            if not found:
                yield Refusal(path, f"no article files ({' or '.join(ARTICLE_SUFFIXES)}) in this folder")
        else:
            yield _read_file(target, published_at)


def walk_folder(root: Path) -> Iterator[Union[Path, Refusal]]:
    """Article files under `root` in a stable order, and refusals for the entries that are not
    followed: links out of the folder, broken links and loops, non-regular files."""
    top = root.resolve()
    unreadable: list[OSError] = []
    for folder, dirs, files in os.walk(root, followlinks=False, onerror=unreadable.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(dirs):
            if os.path.islink(os.path.join(folder, name)):
                yield Refusal(os.path.join(folder, name), "symlink to a folder: not followed")
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            if path.suffix.lower() not in ARTICLE_SUFFIXES:
                yield Refusal(str(path), f"not an article file ({' or '.join(ARTICLE_SUFFIXES)})")
                continue
            if path.is_symlink():
                try:
                    resolved = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    yield Refusal(str(path), "broken symlink or symlink loop")
                    continue
                if not resolved.is_relative_to(top):
                    yield Refusal(str(path), f"symlink leads outside {root} (to {resolved}): not followed")
                    continue
            yield path
    for exc in unreadable:
        yield Refusal(str(exc.filename), f"folder not readable: {_os_reason(exc)}")


def read_text_file(path: Path) -> str:
    """The text of one article file, UTF-8 (a BOM is dropped). Raises ValueError with the reason:
    not a regular file, too large (checked before reading), not UTF-8. Never blocks on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ValueError(_os_reason(exc)) from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > MAX_FILE_BYTES:
            raise ValueError(f"file of {info.st_size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit (body at most {MAX_BODY_CHARS:,} characters)")
        raw = file.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"file grew over the {MAX_FILE_BYTES:,}-byte limit while being read")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from None


def _read_file(path: Path, published_at: Optional[str]) -> Union[dict, Refusal]:
    try:
        text = read_text_file(path)
    except ValueError as exc:
        return Refusal(str(path), str(exc))
    if not text.strip():
        return Refusal(str(path), "empty")
    title, body = split_title(text)
    try:
        return build_event(title, body, source=str(path), published_at=published_at)
    except EventError as exc:
        return Refusal(str(path), exc.reason)


def read_json_lines(stream: IO, published_at: Optional[str]) -> Iterator[Union[dict, Refusal]]:
    """One event per JSON line; each bad line is refused with its number, the rest go on."""
    raw = getattr(stream, "buffer", stream)
    for number, line in enumerate(_bounded_lines(raw), start=1):
        where = f"stdin:{number}"
        if line is None:
            yield Refusal(where, f"line over the {MAX_LINE_BYTES:,}-byte limit")
            continue
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip():
            continue
        try:
            yield _event_from_line(line, published_at)
        except ValueError as exc:
            yield Refusal(where, str(exc))


def _event_from_line(line: bytes, published_at: Optional[str]) -> dict:
    try:
        data = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise ValueError("not a JSON article: nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"not a JSON article: a JSON {type(data).__name__}, not an object")
    try:
        item = ArticleLine.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        raise ValueError(f"{field}: {error['msg']} (got {type(data.get(field)).__name__})") from None
    body = item.body if item.body is not None else item.text
    if not body or not body.strip():
        raise ValueError("empty: no body")
    try:
        return build_event(
            item.title or split_title(body)[0], body, source=item.source, url=item.url,
            published_at=item.published_at or published_at,
        )
    except EventError as exc:
        raise ValueError(exc.reason) from None


def _bounded_lines(stream: IO) -> Iterator[Optional[bytes]]:
    """Lines of at most MAX_LINE_BYTES; a longer line yields None and is skipped without
    being held in memory."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if isinstance(line, str):  # a text stream without a buffer (tests, StringIO)
            line = line.encode("utf-8")
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(_CHUNK)
                if not rest or (rest.endswith(b"\n") if isinstance(rest, bytes) else rest.endswith("\n")):
                    break
            yield None
            continue
        yield line


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "folder")):
        if test(mode):
            return name
    return "special file"


def _os_reason(exc: OSError) -> str:
    return {2: "no such file or folder", 13: "permission denied", 40: "symlink loop"}.get(exc.errno, exc.strerror or str(exc))
