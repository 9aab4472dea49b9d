"""Periods: `năm 2023`, `10 tháng đầu năm 2021`, `quý II/2022`, `tháng 5/2023`, `nửa đầu năm`,
`giai đoạn 2021-2025`, `năm nay` ... -> (first month, last month, year or None)."""
from __future__ import annotations

import csv
import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Optional

from vnindustry.reader.text import search_form

YEAR = r"(?:19[9]\d|20[0-4]\d)"


@lru_cache(maxsize=None)
def number_words() -> dict[str, int]:
    path = Path(__file__).parents[1] / "vocabulary" / "numbers.csv"
    with path.open(encoding="utf-8") as handle:
        return {search_form(r["word"]): int(r["value"]) for r in csv.DictReader(handle)}


def _count(token: str) -> Optional[int]:
    token = token.strip()
    if token.isdigit():
        return int(token)
    return number_words().get(token)


_WORDS = "|".join(sorted((w for w in number_words() if set(w) - set("iv")), key=len, reverse=True))
_N = rf"(\d{{1,2}}|{_WORDS})"
_YEAR_TAIL = rf"(?:\s*(?:/|-|năm)?\s*({YEAR}))?"
_QUARTER = r"(iv|iii|ii|i|[1-4])"
_MONTHS = {"giêng": 1, "ba": 3, "tư": 4, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
           "mười một": 11, "mười hai": 12, "chạp": 12}
_MONTH_WORDS = "|".join(sorted(_MONTHS, key=len, reverse=True))


def _month(word: str) -> int:
    return _MONTHS[word]


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    first_month: int
    last_month: int
    year: Optional[int]
    last_year: Optional[int] = None  # for multi-year spans
    relation: Optional[str] = None  # "this" / "last": relative to the publication date
    to_date: bool = False  # `lũy kế`, `từ đầu năm đến nay`: January to the month the text is on

    def months(self) -> tuple[str, str]:
        assert self.year is not None
        return f"{self.year:04d}-{self.first_month:02d}", f"{self.last_year or self.year:04d}-{self.last_month:02d}"


def _compile(pattern: str) -> re.Pattern:
    return re.compile(search_form(pattern))


def _y(text: Optional[str]) -> Optional[int]:
    return int(text) if text else None


_RULES: list[tuple[re.Pattern, object]] = [
    (_compile(rf"giai đoạn\s*({YEAR})\s*(?:-|–|đến)\s*({YEAR})"), lambda m: (1, 12, int(m[1]), int(m[2]))),
    (_compile(rf"(?:từ đầu năm|lũy kế|luỹ kế|tính đến hết|tính đến cuối|tính đến)(?:\s+{YEAR})?\s*(?:đến|tới)?\s*(?:hết|cuối)?\s*"
              rf"tháng\s*(\d{{1,2}})(?:\s*(?:/|năm)\s*({YEAR}))?"),
     lambda m: (1, int(m[1]), _y(m[2]))),
    (_compile(rf"(?:từ đầu năm|lũy kế|luỹ kế)(?:\s+(?:năm\s+)?({YEAR}))?(?:\s*(?:đến|tới) (?:nay|thời điểm (?:này|hiện nay)))?"),
     lambda m: (1, 12, _y(m[1]), None, "to_date")),
    (_compile(rf"{_N} tháng(?: đầu năm| năm| đầu| của năm)? nay"), lambda m: (1, _count(m[1]), "this")),
    (_compile(rf"qu[ýí]\s+{_QUARTER}(?: của)? năm nay"), lambda m: (3 * _count(m[1]) - 2, 3 * _count(m[1]), "this")),
    (_compile(rf"nửa đầu năm{_YEAR_TAIL}"), lambda m: (1, 6, _y(m[1]))),
    (_compile(rf"nửa cuối năm{_YEAR_TAIL}"), lambda m: (7, 12, _y(m[1]))),
    (_compile(rf"(?:6|sáu) tháng cuối năm{_YEAR_TAIL}"), lambda m: (7, 12, _y(m[1]))),
    (_compile(rf"{_N} qu[ýí](?: đầu năm| năm| đầu| của năm)?{_YEAR_TAIL}"), lambda m: (1, 3 * _count(m[1]), _y(m[2]))),
    (_compile(rf"qu[ýí]\s+{_QUARTER}{_YEAR_TAIL}(?!\w)"), lambda m: (3 * _count(m[1]) - 2, 3 * _count(m[1]), _y(m[2]))),
    (_compile(rf"{_N} tháng(?: đầu năm| năm| đầu| qua| của năm)?{_YEAR_TAIL}"), lambda m: (1, _count(m[1]), _y(m[2]))),
    (_compile(rf"tháng\s+(\d{{1,2}})(?:\s*(?:/|-)\s*({YEAR})|\s+năm\s+({YEAR}))?(?![\d/])"),
     lambda m: (int(m[1]), int(m[1]), _y(m[2] or m[3]))),
    (_compile(rf"tháng\s+({_MONTH_WORDS})(?:\s*(?:/|-)\s*({YEAR})|\s+năm\s+({YEAR}))?(?!\w)"),
     lambda m: (_month(m[1]), _month(m[1]), _y(m[2] or m[3]))),
    (_compile(rf"(?:cả |trong |của )?năm\s+({YEAR})(?!\d)"), lambda m: (1, 12, int(m[1]))),
    (_compile(r"(?:cả |trong )?năm nay"), lambda m: (1, 12, "this")),
    (_compile(r"(?:cả |trong )?năm (?:trước|ngoái|vừa qua|qua)"), lambda m: (1, 12, "last")),
    (_compile(r"cả năm"), lambda m: (1, 12, None)),
]


_KEYS = [tuple(search_form(k) for k in keys) for keys in (
    ("giai đoạn",), ("từ đầu năm", "lũy kế", "luỹ kế", "tính đến"), ("từ đầu năm", "lũy kế", "luỹ kế"), ("năm nay",), ("năm nay",), ("nửa đầu năm",), ("nửa cuối năm",), ("tháng cuối năm",),
    ("quý", "quí"), ("quý", "quí"), ("tháng",), ("tháng",), ("tháng",), ("năm",), ("năm nay",), ("năm",), ("cả năm",),
)]


def find_periods(search: str) -> list[Period]:
    """Period mentions in a sentence (search form); an earlier rule claims its text first."""
    found: list[Period] = []
    starts: list[int] = []  # spans already claimed, sorted and disjoint: overlap is a bisection away
    ends: list[int] = []
    for (pattern, build), keys in zip(_RULES, _KEYS):
        if not any(key in search for key in keys):
            continue  # a rule whose words the text does not hold cannot match: skip its pass
        for match in pattern.finditer(search):
            if match.start() > 0 and search[match.start() - 1].isalnum():
                continue
            at = bisect_left(starts, match.end())
            if at and ends[at - 1] > match.start():
                continue
            parts = build(match)
            if parts is None or parts[0] is None or parts[1] is None:
                continue
            first, last, year = parts[0], parts[1], parts[2]
            if not (1 <= first <= last <= 12):
                continue
            last_year = parts[3] if len(parts) > 3 else None
            if last_year is not None and last_year < year:
                continue
            relative = year if isinstance(year, str) else None
            to_date = len(parts) > 4 and parts[4] == "to_date"
            found.append(Period(match.start(), match.end(), first, last, None if relative else year, last_year, relative, to_date))
            starts.insert(at, match.start())
            ends.insert(at, match.end())
    return sorted(found, key=lambda p: p.start)


def resolve_year(period: Period, position: int, stated_years: list[tuple[int, int]], published: Optional[date]) -> Optional[Period]:
    """Give a yearless period the nearest stated year, else the publication year; else None."""
    if period.year is not None:
        return period
    relation = period.relation
    if relation and published:
        year = published.year - (1 if relation == "last" else 0)
        return replace(period, year=year, relation=None)
    if relation == "last":
        return None
    if stated_years:
        year = min(stated_years, key=lambda item: abs(item[0] - position))[1]
        return replace(period, year=year)
    if published:
        return replace(period, year=published.year)
    return None


_DATELINE = re.compile(r"(?<!\d)(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(" + YEAR + r")(?!\d)")


def find_dateline(search: str) -> Optional[date]:
    """A date written in the text (`Cập nhật 05/8/2017`), used when the event has no date."""
    for match in _DATELINE.finditer(search):
        try:
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            continue
    return None

