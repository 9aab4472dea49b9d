"""Normalise, fold for matching, find boilerplate and segment sentences with offsets.

Matching runs on a *search form* of the text that has exactly the same length as the
original, so every offset found in it is an offset into the body.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass

# Old- and new-style tone placement ("hoà" / "hòa", "thuỷ" / "thủy") fold to one form.
_TONED_A = "àáảãạ"
_TONED_E = "èéẻẽẹ"
_TONED_Y = "ỳýỷỹỵ"
_TONED_O = "òóỏõọ"
_TONED_U = "ùúủũụ"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_SWAPS = {
    **{"o" + a: o + "a" for a, o in zip(_TONED_A, _TONED_O)},
    **{"o" + e: o + "e" for e, o in zip(_TONED_E, _TONED_O)},
    **{"u" + y: u + "y" for y, u in zip(_TONED_Y, _TONED_U)},
}
_TONE_PAIR = re.compile(f"o[{_TONED_A}{_TONED_E}]|(?<!q)u[{_TONED_Y}]")
_SEARCH_CHARS = {ord(c): " " for c in "\t\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"}
_SEARCH_CHARS[ord("ð")] = "đ"  # `Ðây` typed with the Icelandic eth (U+00D0), lower case ð: read as đ


def lower_same_length(text: str) -> str:
    """Lower case, keeping the few characters that would lower-case to two (İ) as they are."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng


@lru_cache(maxsize=4096)
def _toneless_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", base) if base else ch


@lru_cache(maxsize=1)
def _toneless_table() -> dict[int, str]:
    """Every precomposed Latin letter with a Vietnamese tone -> the same letter without it."""
    table = {}
    for code in range(0x00C0, 0x1EFA):
        ch = chr(code)
        plain = _toneless_char(ch)
        if plain != ch and len(plain) == 1:
            table[code] = plain
    return table


def toneless(text: str) -> str:
    """Tone marks dropped, vowel marks kept (`trưởng`, `trương` -> `trương`); same length, so a
    typo in tones (common in news) still matches a phrase."""
    return text.translate(_toneless_table())


_WRAPPED = re.compile(r"(?<=[\w,%])[ \t]*\n(?=[ \t]*[a-zà-ỹđ])")


def unwrap(text: str) -> str:
    """Newlines inside a sentence (a line ending without punctuation, the next starting in lower
    case) become spaces; same length."""
    return _WRAPPED.sub(lambda m: " " * len(m.group(0)), text)


def search_form(text: str) -> str:
    """Lower-case, one tone placement, plain spaces; same length as `text` (offsets carry over)."""
    return _TONE_PAIR.sub(lambda m: _SWAPS[m.group(0)], lower_same_length(text).translate(_SEARCH_CHARS))


_BOILERPLATE = re.compile(
    r"^\s*(view counter|views? (today|this|yesterday)|total views?|lượt xem|chia sẻ|share|tweet|"
    r"bài viết (cùng|mới|liên quan)|tin (liên quan|cùng chuyên mục|khác|mới)|xem thêm|language|"
    r"skip to content|in bài|gửi email|bình luận|từ khóa|tags?:|đọc tiếp|theo dõi|ảnh:|nguồn:)",
    re.IGNORECASE,
)
_PHONE_OR_MAIL = re.compile(r"(điện thoại|đt|tel|hotline|fax|email)\s*[:.]|@\w+\.\w+", re.IGNORECASE)
_CAPTION = re.compile(r"(\(ảnh:[^)]*\)|ảnh:\s*[\w .]+\|?\s*$|\|\s*$)", re.IGNORECASE)
_COUNTER = re.compile(r"^[\d\s.:,/|-]*$")


def is_boilerplate(line: str) -> bool:
    """Lines a reader of the page would skip: counters, share bars, link lists, captions, contacts."""
    stripped = line.strip()
    if not stripped:
        return True
    return bool(
        _BOILERPLATE.search(stripped)
        or _PHONE_OR_MAIL.search(stripped)
        or _CAPTION.search(stripped)
        or _COUNTER.match(stripped)
    )


@dataclass(frozen=True)
class Forms:
    """One text in its three same-length forms: as published, the search form (lower case, one
    tone placement) and the folded form (no tones) the lexicon matches in."""

    body: str
    search: str
    plain: str

    @classmethod
    def of(cls, body: str) -> "Forms":
        """Hard-wrapped lines (`tăng 5,1%` / `so với tháng 2/2023`) read as one line in the
        matching forms; the body keeps its newlines, so offsets and evidence stay as published."""
        search = search_form(unwrap(body))
        return cls(body, search, toneless(search))


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    text: str


_ABBREVIATIONS = ("tp", "tt", "ths", "ts", "pgs", "gs", "q", "p", "tx", "nxb", "ông", "bà", "st")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)]?(?=\s+[\"“(\[]?[A-ZÀ-ỸĐ0-9])|(?<=[a-zà-ỹđ%)])[.!?]+(?=[A-ZÀ-ỸĐ][a-zà-ỹđ])")


_RELATED_HEADER = re.compile(
    r"^\s*(tin (liên quan|cùng chuyên mục|khác|mới|đọc nhiều)|bài viết (cùng|mới|liên quan)|bài (liên quan|cùng chuyên mục)|"
    r"xem thêm|đọc thêm|có thể bạn quan tâm|các tin khác)\b",
    re.IGNORECASE,
)
_LINKED_HEADLINE = re.compile(
    r"^\s*[-–•*+]\s*.*\(\s*\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}\s*\)\s*$"  # - Headline (05/12/2022)
    r"|^(?![^\n]*[.!?]\s)[^\n]{8,200}\s[-–—]\s*$"  # a headline of another story, printed with a trailing dash
)
RELATED_LINE_MAX = 200


def skipped_lines(lines: list[str]) -> list[bool]:
    """Which lines a reader skips: boilerplate, and the headlines of other stories printed under a
    `Tin liên quan` heading (short lines until a real paragraph), even when they hold figures."""
    skipped, related = [], False
    for line in lines:
        if _RELATED_HEADER.match(line):
            related = True
        elif related and len(line.strip()) > RELATED_LINE_MAX:
            related = False
        skipped.append(related or is_boilerplate(line) or bool(_LINKED_HEADLINE.match(line)))
    return skipped


def segment(body: str) -> list[Sentence]:
    """Sentences of the body's non-boilerplate lines, with offsets into `body`."""
    sentences: list[Sentence] = []
    offset = 0
    lines = unwrap(body).split("\n")
    for paragraph, (line, skipped) in enumerate(zip(lines, skipped_lines(lines))):
        if not skipped:
            start = 0
            for match in _SENTENCE_END.finditer(line):
                word = _LAST_WORD.search(line, max(0, match.start() - 12), match.start())
                if word and match.group(0) == "." and word.group(1).lower() in _ABBREVIATIONS:
                    continue
                sentences.extend(_piece(line, start, match.end(), offset, paragraph))
                start = match.end()
            sentences.extend(_piece(line, start, len(line), offset, paragraph))
        offset += len(line) + 1
    return with_body_text(sentences, body)


_LAST_WORD = re.compile(r"(\w+)$")
MAX_SENTENCE = 1500  # characters; real sentences are far shorter, run-ons are cut so work stays linear
_RUN_ON_CUT = re.compile(r"[;,]\s|\s")


def _piece(line: str, start: int, end: int, offset: int, paragraph: int) -> list[Sentence]:
    """One sentence of a line, or, for a run-on longer than MAX_SENTENCE, pieces of it cut at
    the last `;` or `,` (else space) before the limit."""
    pieces = []
    while end - start > MAX_SENTENCE:
        window = line[start + MAX_SENTENCE // 2 : start + MAX_SENTENCE]
        cuts = list(_RUN_ON_CUT.finditer(window))
        punctuated = [c for c in cuts if c.group(0)[0] in ";,"]
        chosen = (punctuated or cuts)
        cut = start + MAX_SENTENCE // 2 + (chosen[-1].end() if chosen else len(window))
        pieces.extend(_piece(line, start, cut, offset, paragraph))
        start = cut
    chunk = line[start:end]
    left = len(chunk) - len(chunk.lstrip())
    right = len(chunk.rstrip())
    if right <= left:
        return pieces
    return pieces + [Sentence(offset + start + left, offset + start + right, paragraph, chunk[left:right])]


def with_body_text(sentences: list[Sentence], body: str) -> list[Sentence]:
    """Sentences whose text is the body as published (a hard wrap keeps its newline)."""
    return [s if body[s.start : s.end] == s.text else Sentence(s.start, s.end, s.paragraph, body[s.start : s.end]) for s in sentences]
