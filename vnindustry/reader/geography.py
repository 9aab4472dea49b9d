"""Where a figure is: province codes in the list in force for its period, and the article's own province."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable, Optional

from vnindustry.reference import load_table
from vnindustry.reader.lexicon import NATIONAL_RANK, Token

NATIONAL = ("VN", "Việt Nam")
MERGER_END = "2025-06"


@lru_cache(maxsize=None)
def _provinces() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in load_table("provinces")}


@lru_cache(maxsize=None)
def _kept_in_2025() -> frozenset[str]:
    """Pre-2025 codes of provinces that live on in the 34-province list under their own name or
    unmerged (`Thừa Thiên Huế` -> `Huế`)."""
    merged = {r["code"]: r["merged_codes"].split(";") for r in load_table("provinces_2025")}
    return frozenset(
        code for code, row in _provinces().items()
        if row["successor_2025_name"] == row["name"] or merged.get(row["successor_2025_code"]) == [code]
    )


def geo_for(code: Optional[str], period_end: str) -> tuple[Optional[str], Optional[str]]:
    """(geo_code, geo_name) in the list in force at the end of the period. After June 2025 a
    province that lives on takes its 34-list code; a former one (`Yên Bái (cũ)`) keeps its own."""
    if code is None:
        return None, None
    if code == "VN":
        return NATIONAL
    row = _provinces()[code]
    if period_end > MERGER_END and code in _kept_in_2025():
        return row["successor_2025_code"], row["successor_2025_name"]
    return code, row["name"]


def _code(token: Token) -> Optional[str]:
    reading = token.get("place") or token.get("national")
    return reading.value if reading else None


NATIONAL_SOURCE = 2  # weight of `Tổng cục Thống kê`, `Cục Thống kê (Bộ Tài chính)` in the lexicon


SOURCE_TAG = re.compile(
    r"(?im)^[ \t]*(?:nguồn|theo)[ \t]*:[^\n]*$|\((?:báo|theo|nguồn)[^)\n]*\)|"
    r"(?:cổng thông tin điện tử|báo điện tử)[^\n,.;:)]*"
)


def source_spans(body: str) -> list[tuple[int, int]]:
    """Source tags: `Nguồn: Báo Sóc Trăng`, `(Báo Quảng Ninh)`, `Cổng thông tin điện tử tỉnh Bắc Kạn`."""
    return [m.span() for m in SOURCE_TAG.finditer(body)]


def home_place(title_tokens: Iterable[Token], body_tokens: Iterable[Token], source_tokens: Iterable[Token] = (),
               stating_tokens: Iterable[Token] = ()) -> Optional[str]:
    """The article's own place: the one its title names, else the one its source tag names, else,
    for a bulletin of the national statistics office whose first place is that office, the
    country (the first place of the sentences that state figures); else the province its body
    names most (districts count for their province)."""
    title_tokens = list(title_tokens)
    in_title = {c for c in (_code(t) for t in title_tokens) if c}
    provinces = in_title - {"VN"}
    if len(provinces) == 1:
        return provinces.pop()
    if in_title == {"VN"} and not _ranking_only(title_tokens):
        return "VN"
    body_tokens = list(body_tokens)
    stating = next((t for t in stating_tokens if _code(t)), None)
    if not provinces and stating is not None and stating.get("national") and stating.get("national").weight != NATIONAL_RANK:
        return "VN"  # the first figure is the country's: a national bulletin, whichever paper printed it
    in_source = {c for c in (_code(t) for t in source_tokens) if c and c != "VN"}
    if not provinces and len(in_source) == 1:
        return in_source.pop()
    first = stating or next((t for t in body_tokens if _code(t)), None)
    if not provinces and first is not None and first.get("national") and first.get("national").weight == NATIONAL_SOURCE:
        return "VN"
    counts: Counter[str] = Counter()
    for code in provinces:
        counts[code] += 2
    counts.update(c for c in (_code(t) for t in body_tokens) if c and c != "VN")
    ranked = counts.most_common(2)
    if in_title == {"VN"}:  # `tỉnh này tăng trưởng cao nhất cả nước`: the province the body keeps naming
        return ranked[0][0] if ranked and ranked[0][1] >= 2 and ranked[0][1] >= 3 * (sum(counts.values()) - ranked[0][1]) else "VN"
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _ranking_only(title_tokens: Iterable[Token]) -> bool:
    national = [t.get("national") for t in title_tokens if t.get("national")]
    return bool(national) and all(reading.weight == NATIONAL_RANK for reading in national)
