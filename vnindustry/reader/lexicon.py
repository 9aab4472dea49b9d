"""One compiled matcher for every phrase the reader knows, run once per article.

Metrics, sectors, VSIC divisions, catalogue products, provinces and districts, status, base,
plan and price-basis phrases, verbs and connectives all live in one trie-shaped regular
expression over the article's toneless search form (tone typos still match). The longest
phrase at a position wins, which is the contract's rule (`sản xuất và phân phối điện` is a
section, not `điện`). A phrase may have several readings (`kế hoạch` is a status or a plan;
`linh kiện điện tử` a product or a branch): the later stages choose by context.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple, Optional

from vnindustry.reference import load_table, split_list
from vnindustry.reader.text import search_form, toneless

VOCABULARY = Path(__file__).parents[1] / "vocabulary" / "lexicon.csv"
ADMIN_PREFIX = re.compile(r"^(?:tỉnh|thành phố)\s+")
DISTRICT_PREFIXES = ("huyện", "thị xã", "thành phố", "tp", "tp.", "quận")


@dataclass(frozen=True, slots=True)
class Reading:
    kind: str
    value: str
    weight: int = 0
    aux: str = ""  # section of a product; offset of the capitalised name in a district phrase
    toned: str = ""  # the phrase with its tones: only metric phrases may differ from it in tones


TONE_TOLERANT = frozenset({"metric"})
OFFICIAL_NAME = 1  # weight of a section's or division's name as the classification writes it (not an alias)
NATIONAL_RANK = 3  # weight of `cao nhất cả nước`: a ranking among provinces, the country only as its field


class Token(NamedTuple):
    """A phrase found in the text, with its readings (a tuple: cheap to make, one per phrase)."""

    start: int
    end: int
    readings: tuple[Reading, ...]
    kinds: frozenset = frozenset()

    @classmethod
    def of(cls, start: int, end: int, readings: tuple[Reading, ...]) -> "Token":
        return cls(start, end, readings, frozenset(r.kind for r in readings))

    def get(self, kind: str) -> Optional[Reading]:
        if kind in self.kinds:
            for reading in self.readings:
                if reading.kind == kind:
                    return reading
        return None

    def has(self, *kinds: str) -> bool:
        return not self.kinds.isdisjoint(kinds)


def fold(text: str) -> str:
    """The form phrases and text are matched in: lower case, one tone placement, no tones;
    same length as `text`."""
    return toneless(search_form(text))


def _add(entries: dict[str, list[Reading]], phrase: str, reading: Reading) -> None:
    toned = search_form(phrase.strip())
    key = toneless(toned)
    reading = replace(reading, toned="" if reading.kind in TONE_TOLERANT else toned)
    known = entries.setdefault(key, []) if key else []
    if key and not any((r.kind, r.value, r.aux, r.toned) == (reading.kind, reading.value, reading.aux, reading.toned) for r in known):
        known.append(reading)  # the first reading of a name wins (an official name before its alias)


@lru_cache(maxsize=None)
def entries() -> dict[str, tuple[Reading, ...]]:
    """Every phrase (folded) -> its readings, from the vocabulary and the reference tables."""
    found: dict[str, list[Reading]] = {}
    with VOCABULARY.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            reading = Reading(row["kind"], row["value"], int(row["weight"] or 0))
            for variant in _branch_variants(row["phrase"]) if row["kind"] in ("sector", "division") else [row["phrase"]]:
                _add(found, variant, reading)
    for table, kind in (("sectors", "sector"), ("vsic_divisions", "division")):
        for row in load_table(table):
            for phrase, weight in [(row["name_vi"], OFFICIAL_NAME), *((a, 0) for a in split_list(row["aliases_vi"]))]:
                for variant in _branch_variants(phrase):
                    _add(found, variant, Reading(kind, row["code"], weight))
    for row in load_table("products"):
        for phrase in [row["name_vi"], *split_list(row["aliases"])]:
            _add(found, phrase, Reading("product", row["name_vi"], aux=row["section"]))
    for row in load_table("province_aliases"):
        _add(found, ADMIN_PREFIX.sub("", search_form(row["alias"])), Reading("place", row["code"], aux="0"))
    for row in load_table("provinces"):
        for name in (row["name"], row["name_ascii"]):
            _add(found, name, Reading("place", row["code"], aux="0"))
    provinces = {key for key, readings in found.items() if any(r.kind == "place" for r in readings)}
    for row in load_table("districts"):
        if row["ambiguous"].lower() != "true":
            for prefix in DISTRICT_PREFIXES:
                _add(found, f"{prefix} {row['name']}", Reading("place", row["province_code"], aux=str(len(prefix) + 1)))
            if fold(row["name"]) not in provinces:  # `Tiền Hải tăng 16,1%`: a district's own figure
                _add(found, row["name"], Reading("locality", row["province_code"], aux="0"))
    return {key: tuple(readings) for key, readings in found.items()}


def _branch_variants(phrase: str) -> list[str]:
    """A section or branch is also written with `ngành` before it (`ngành chế biến, bảo quản thủy
    sản`), so that the longest phrase at a position is the whole name."""
    folded = fold(phrase.strip())
    if folded.startswith(("nganh ", "công nghiêp", "khu vưc", "toan nganh")):
        return [phrase]
    return [phrase, f"ngành {phrase}"]


def _trie_pattern(words: list[str]) -> str:
    """A regular expression whose alternatives share prefixes, so `re` tests few branches per position."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        terminal = "" in node
        branches = [(" +" if ch == " " else re.escape(ch)) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if terminal else body

    return build(trie)


@lru_cache(maxsize=None)
def matcher() -> re.Pattern:
    """Every phrase of the lexicon as a whole word; and a change verb glued to the word before it by a
    page that lost its spaces (`chế biến sữatăng 4,4%`)."""
    glued = "|".join(fold(verb) for verb in ("tăng", "giảm"))
    return re.compile(r"(?<!\w)(?:" + _trie_pattern(sorted(entries())) + r")(?!\w)|(?<=[^\W\d_])(?:" + glued + r")(?= ?\d)")


_TAIL = re.compile(fold(r"\s*(?:(?:năm|kỳ|quý|tháng|cả năm)\s*)?(?:\d{4}|\d{1,2}(?:\s*/\s*\d{4})?|iv|iii|ii|i|trước|ngoái)(?![\w%]|[.,]\d)"))  # not a figure: `(cùng kỳ 5,5%)`
_AFTER_PERCENT = re.compile(fold(r"(?:%|phần trăm)\s*(?:so với\s+|so\s+)?$"))


CHECKED = frozenset({"place", "locality", "national", "product", "division", "sector"})
_AS_WRITTEN: dict[tuple[str, str], tuple[Optional[Token], bool]] = {}


def _as_written(key: str, toned: str) -> tuple[Optional[Token], bool]:
    """A matched phrase as written (tones checked): a token template with its readings, and
    whether any reading needs the capitalisation check of `_fits`. Cached: a phrase recurs."""
    found = _AS_WRITTEN.get((key, toned))
    if found is None:
        readings = tuple(r for r in entries()[key] if not r.toned or r.toned == toned)
        template = Token.of(0, 0, readings) if readings else None
        found = _AS_WRITTEN[(key, toned)] = (template, any(r.kind in CHECKED for r in readings))
    return found


def scan(original: str, search: str, plain: str) -> Iterator[Token]:
    """Tokens of one text in order; `search` is its `search_form` and `plain` its `fold` (same length)."""
    search_at = matcher().search
    position = 0
    while True:
        match = search_at(plain, position)
        if match is None:
            return
        start, end = match.span()
        key, toned = match.group(), search[start:end]
        if "  " in key:  # `chỉ  số` as printed
            key, toned = " ".join(key.split()), " ".join(toned.split())
        template, checked = _as_written(key, toned)
        if template is not None and checked:
            readings = tuple(r for r in template.readings if _fits(r, original, start))
            template = Token.of(0, 0, readings) if readings else None
        if template is None:
            position = start + 1
            continue
        kinds = template.kinds
        readings = template.readings
        if "plan" in kinds:
            as_plan = bool(_AFTER_PERCENT.search(plain, max(0, start - 16), start))
            readings = tuple(r for r in readings if (r.kind == "plan") == as_plan) or readings
            kinds = frozenset(r.kind for r in readings)
        if "base" in kinds or "plan" in kinds:
            tail = _TAIL.match(plain, end)
            end = tail.end() if tail else end
        yield Token(start, end, readings, kinds)
        position = end


def _fits(reading: Reading, original: str, start: int) -> bool:
    """Names must be written as names: capitalised (`Hòa Bình`, not `hòa bình`), and `Việt Nam`
    not inside an organisation's name (`Tập đoàn Điện lực Việt Nam`); a product or branch word
    capitalised after a capitalised word is part of a name (`Nghi Sơn` holds no paint)."""
    if reading.kind in ("product", "division", "sector"):
        return not original[start].isupper() or not _after_capitalised_word(original, start)
    if reading.kind in ("place", "locality"):
        at = start + int(reading.aux or 0)
        return at < len(original) and original[at].isupper() and not _LANDMARK.search(original, max(0, start - 14), start)
    if reading.kind == "national" and reading.weight == 1:
        return original[start].isupper() and not _after_capitalised_word(original, start)
    return True


_PREVIOUS_WORD = re.compile(r"(\w+)\s+$")
# `cách Hà Nội 80 km`, `hồ Hòa Bình`, `cầu Thăng Long`: a name used for a distance or a landmark, not a province
_LANDMARK = re.compile(r"(?<!\w)(?:cách|hồ|sông|núi|đèo|cầu|quảng trường|bến|chợ|ga|sân bay|cảng|vịnh|đầm|"
                       r"biển|bãi|thủy điện|nhà máy|công ty|tập đoàn|khách sạn|trường|bệnh viện)\s+$", re.IGNORECASE)


def _after_capitalised_word(original: str, start: int) -> bool:
    previous = _PREVIOUS_WORD.search(original, max(0, start - 20), start)
    return previous is not None and previous.group(1)[0].isupper()
