"""Vietnamese numbers, scale words, units and bounds: `102.893,2 tỷ đồng` -> 102893.2 bn_vnd."""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Optional

from vnindustry.reference import load_table
from vnindustry.reader.text import search_form

SCALE_WORDS = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}

_NUMBER_TEXT = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3}){2,}|\d+(?:[,.]\d+)?"
NUMBER = re.compile(rf"(?<![\w.,/])(?<!\w[-–])(?:{_NUMBER_TEXT})(?![\d]|[.,]\d)")
_SIGNED = re.compile(rf"(?:^|(?<=[\s(]))([+\-−–])\s?(?:{_NUMBER_TEXT})(?![\d]|[.,]\d)")
_RANGE_TAIL = re.compile(rf"\s*(?:-|–|đến|tới)\s*(?:{_NUMBER_TEXT})")


def parse_vietnamese_number(text: str) -> float:
    """`.` groups thousands and `,` marks decimals; `3.6` (no group of three) is read as a decimal."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        return float(text.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}", text):
        return float(text.replace(",", ""))
    if re.fullmatch(r"\d+(?:[,.]\d+)?", text):
        return float(text.replace(",", "."))
    raise ValueError(f"not a Vietnamese number: {text!r}")


@lru_cache(maxsize=None)
def _units() -> tuple[tuple[str, str, float], ...]:
    rows = [(search_form(r["phrase_vi"]), r["unit"], float(r["factor"])) for r in load_table("units")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


class Quantity(NamedTuple):
    """A number as written, with what follows it: a unit, `%`, `lần` or percentage points."""

    start: int
    end: int
    number: float
    kind: str  # amount | percent | times | points | bare | other (a rate, a foreign currency)
    value: Optional[float] = None  # amount in `unit`
    unit: Optional[str] = None
    bound: Optional[str] = None
    scaled: bool = False
    sign: int = 0  # +1 / -1 when written with a sign (`+12,4%`), a change with no verb


def find_quantities(search: str) -> list[Quantity]:
    """Every number in a text (search form), read with its scale, unit and bound."""
    found: list[Quantity] = []
    skip_until = -1
    signs = {m.end(1) + (1 if search[m.end(1) : m.end(1) + 1] == " " else 0): m for m in _SIGNED.finditer(search)}
    for match in NUMBER.finditer(search):
        if match.start() < skip_until:
            continue
        tail = _RANGE_TAIL.match(search, match.end())
        if tail:  # a range ("70 - 100%", "3-4 cụm") states no single figure
            skip_until = tail.end()
            continue
        quantity = _read_quantity(search, match)
        signed = signs.get(match.start())
        if signed is not None and quantity.kind == "percent":
            sign = 1 if signed.group(1) == "+" else -1
            quantity = Quantity(signed.start(1), quantity.end, quantity.number, "percent", bound=quantity.bound, sign=sign)
        found.append(quantity)
    return _share_list_units(search, found)


_LIST_GLUE = re.compile(r"\s*[,;]\s*|\s+và\s+")
_COUNTED = re.compile(r"(?:tháng|năm|quý|ngày|số|lần|thứ)\s*$")


def _share_list_units(search: str, found: list[Quantity]) -> list[Quantity]:
    """`đóng góp 1,8; 7,2; 0,7 và 0,1 điểm phần trăm`, `đạt 2,1 và 3,4 triệu tấn`: numbers listed
    before the one that carries the unit share it (and its scale)."""
    for index in range(len(found) - 1, 0, -1):
        carrier = found[index]
        if carrier.kind == "bare":
            continue
        for back in range(index - 1, -1, -1):
            bare = found[back]
            following = found[back + 1]
            if bare.kind != "bare" or not _LIST_GLUE.fullmatch(search, bare.end, following.start):
                break
            if _COUNTED.search(search, max(0, bare.start - 8), bare.start):
                break
            value = bare.number * (carrier.value / carrier.number) if carrier.value is not None and carrier.number else None
            found[back] = Quantity(bare.start, bare.end, bare.number, carrier.kind, value, carrier.unit, bare.bound,
                                   carrier.scaled, carrier.sign)
    return found


_SCALE = re.compile(r"\s*(nghìn|ngàn|triệu|tỷ|tỉ)(?!\w)")
_RATE = re.compile(r"\s*/\s*(?:năm|ngày|ngày đêm|tháng|giờ|người|ha|ca|tuần)(?!\w)")


@lru_cache(maxsize=None)
def _tail() -> tuple[re.Pattern, dict[str, tuple[str, float]]]:
    """What may follow a number (after its scale words), as one alternation: `%`, percentage
    points, `lần`, a foreign currency, or a unit of units.csv (longest first)."""
    units = {phrase: (unit, factor) for phrase, unit, factor in _units() if unit != "pp"}
    alternatives = "|".join(re.escape(p) for p in sorted(units, key=len, reverse=True))
    pattern = re.compile(
        r"\s*(?:(?P<percent>%|phần trăm)|(?P<points>điểm\s*(?:%|phần trăm))|(?P<times>lần)(?!\w)|"
        r"(?P<money>usd|đô la|đôla|euro|eur|yên|nhân dân tệ|ha|hécta|héc-ta|km|mw|kv|mva)(?!\w)|"
        rf"(?P<unit>{alternatives})(?![\w]))"
    )
    return pattern, units


def _read_quantity(search: str, match: re.Match) -> Quantity:
    number = parse_vietnamese_number(match.group(0))
    start, pos, scale = match.start(), match.end(), 1.0
    scaled = False
    while True:
        words = _SCALE.match(search, pos)
        if not words:
            break
        scale *= SCALE_WORDS[words.group(1)]
        scaled = True
        pos = words.end()
    pattern, units = _tail()
    tail = pattern.match(search, pos)
    if tail is None:
        return Quantity(start, pos if scaled else match.end(), number * scale if scaled else number, "bare", scaled=scaled)
    bound = _bound_before(search, start)
    end = tail.end()
    rate = _RATE.match(search, end)
    if tail.group("percent"):
        if rate:  # `9%/năm`: an average rate, not a change
            return Quantity(start, rate.end(), number, "other")
        return Quantity(start, end, number, "percent", bound=bound)
    if tail.group("points"):
        return Quantity(start, end, number, "points", number, "pp", bound)
    if tail.group("times"):
        return Quantity(start, end, number, "times", bound=bound)
    if tail.group("money"):
        return Quantity(start, end, number * scale, "other", bound=bound)
    phrase = tail.group("unit")
    if phrase == "con" and search.startswith(" số", end):  # `tăng trưởng 2 con số`: digits, not animals
        return Quantity(start, match.end(), number, "bare")
    unit, factor = units[phrase]
    if rate or phrase.endswith("/năm"):  # `6.000 m3/ngày đêm`, `tấn/năm`: a capacity
        return Quantity(start, rate.end() if rate else end, number, "other")
    return Quantity(start, end, number, "amount", number * scale * factor, unit, bound, scaled)


@lru_cache(maxsize=None)
def _bounds() -> tuple[tuple[str, str], ...]:
    """Bound words (lexicon.csv, kind `bound`), longest first."""
    path = Path(__file__).parents[1] / "vocabulary" / "lexicon.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(search_form(r["phrase"]), r["value"]) for r in csv.DictReader(handle) if r["kind"] == "bound"]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


@lru_cache(maxsize=None)
def _bound_pattern() -> tuple[re.Pattern, dict[str, str]]:
    values = dict(_bounds())
    alternatives = "|".join(re.escape(p) for p in values)
    return re.compile(rf"(?<!\w)({alternatives})\s*$"), values


def _bound_before(search: str, start: int) -> Optional[str]:
    pattern, values = _bound_pattern()
    found = pattern.search(search, max(0, start - 20), start)
    return values[found.group(1)] if found else None
