"""Gazetteer: province names, aliases and unambiguous districts -> GSO province code.

Names are matched on the search form (case and tone placement folded) but must start with a
capital letter in the original text, so that `hòa bình` (peace) is not `Hòa Bình` (province).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from vnindustry.reference import load_table
from vnindustry.reader.text import search_form
from vnindustry.vocabulary import cues

NATIONAL = ("VN", "Việt Nam")
_ADMIN_PREFIX = re.compile(r"^(?:tỉnh|thành phố)\s+")
DISTRICT_KINDS = r"(?:huyện|thị xã|thành phố|tp\.?|quận)\s+"


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    code: str  # pre-2025 GSO code, or VN


@lru_cache(maxsize=None)
def province_names() -> dict[str, str]:
    return {r["code"]: r["name"] for r in load_table("provinces")}


@lru_cache(maxsize=None)
def _province_pattern() -> tuple[re.Pattern, dict[str, str]]:
    names: dict[str, str] = {}
    for row in load_table("province_aliases"):
        # `tỉnh Hà Nam` is matched as `Hà Nam`: the name itself must be capitalised
        names[_ADMIN_PREFIX.sub("", search_form(row["alias"]))] = row["code"]
    for row in load_table("provinces"):
        names.setdefault(search_form(row["name"]), row["code"])
        names.setdefault(search_form(row["name_ascii"]), row["code"])
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), names


@lru_cache(maxsize=None)
def _district_pattern() -> tuple[re.Pattern, dict[str, str]]:
    names = {
        search_form(r["name"]): r["province_code"]
        for r in load_table("districts")
        if r["ambiguous"].lower() != "true"
    }
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w){DISTRICT_KINDS}({alternatives})(?!\w)"), names


def find_places(original: str, search: str) -> list[Place]:
    """Province, district and national mentions in one text, in order."""
    places: list[Place] = []
    pattern, names = _province_pattern()
    for match in pattern.finditer(search):
        if original[match.start()].isupper():
            places.append(Place(match.start(), match.end(), names[match.group(0)]))
    pattern, districts = _district_pattern()
    for match in pattern.finditer(search):
        start = match.start(1)
        if original[start].isupper() and not any(p.start <= start < p.end for p in places):
            places.append(Place(start, match.end(1), districts[match.group(1)]))
    for phrase, _, _ in cues("national"):
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", search):
            places.append(Place(match.start(), match.end(), "VN"))
    return sorted(places, key=lambda p: p.start)


@lru_cache(maxsize=None)
def _provinces_by_code() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in load_table("provinces")}


def geo_for(code: Optional[str], period_end: str) -> tuple[Optional[str], Optional[str]]:
    """(geo_code, geo_name) in the province list in force at the end of the period."""
    if code is None:
        return None, None
    if code == "VN":
        return NATIONAL
    row = _provinces_by_code()[code]
    if period_end > "2025-06":
        return row["successor_2025_code"], row["successor_2025_name"]
    return code, row["name"]

