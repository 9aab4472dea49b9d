"""What a figure is about: metric, sector, VSIC division, product, or something out of contract."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from vnindustry.reference import load_table, split_list
from vnindustry.reader.text import search_form, toneless
from vnindustry.vocabulary import cues

PHYSICAL_UNITS = {"tonne", "m3", "kwh", "litre", "m2", "piece", "pair"}
GENERIC_WORDS = tuple(search_form(w) for w in ("các loại", "sản phẩm", "mặt hàng", "chủ yếu", "chủ lực"))


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    kind: str  # metric | sector | division | product | anaphora | not_fact
    value: str
    weight: int = 0


@dataclass(frozen=True)
class ProductInfo:
    name: str
    section: Optional[str]


@lru_cache(maxsize=None)
def _what_vocabulary() -> tuple[tuple[str, str, str], ...]:
    """(phrase, kind, value) for sectors, divisions, catalogue products and out-of-contract words."""
    entries: dict[str, tuple[str, str]] = {}
    for row in load_table("products"):
        for phrase in [row["name_vi"], *split_list(row["aliases"])]:
            entries[search_form(phrase)] = ("product", row["name_vi"])
    for row in load_table("vsic_divisions"):
        for phrase in split_list(row["aliases_vi"]):
            entries[search_form(phrase)] = ("division", row["code"])
    for row in load_table("sectors"):
        for phrase in [row["name_vi"], *split_list(row["aliases_vi"])]:
            entries[search_form(phrase)] = ("sector", row["code"])
    for phrase, _, _ in cues("not_fact"):
        entries.setdefault(phrase, ("not_fact", ""))
    return tuple((p, k, v) for p, (k, v) in sorted(entries.items(), key=lambda e: -len(e[0])))


@lru_cache(maxsize=None)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)")


@lru_cache(maxsize=None)
def _matcher(kind: str) -> tuple[re.Pattern, dict[str, tuple[str, str, int]]]:
    """One compiled alternation per vocabulary group, longest phrase first."""
    if kind == "what":
        entries = {p: (k, v, 0) for p, k, v in _what_vocabulary()}
    elif kind == "metric":  # metric phrases are matched without tones (see find_subjects)
        entries = {toneless(p): ("not_fact" if v == "nonfact" else "metric", v, w) for p, v, w in cues("metric")}
    else:
        entries = {p: ("anaphora", v, 0) for p, v, _ in cues("anaphora")}
    return _pattern(tuple(sorted(entries, key=len, reverse=True))), entries


def find_subjects(search: str) -> list[Cue]:
    """Subject cues of a sentence in order: metrics may overlap what they measure."""
    found: list[Cue] = []
    for group in ("what", "metric", "anaphora"):
        pattern, entries = _matcher(group)
        for match in pattern.finditer(toneless(search) if group == "metric" else search):
            kind, value, weight = entries[match.group(1)]
            found.append(Cue(match.start(), match.end(), kind, value, weight))
    return sorted(found, key=lambda c: (c.start, -c.end))


@lru_cache(maxsize=None)
def division_section(code: str) -> str:
    """The VSIC section (B-E) of a level-2 division."""
    return {r["code"]: r["section"] for r in load_table("vsic_divisions")}[code]


@lru_cache(maxsize=None)
def _catalogue() -> dict[str, str]:
    """Every catalogue name and alias (search form) -> section."""
    table: dict[str, str] = {}
    for row in load_table("products"):
        for phrase in [row["name_vi"], *split_list(row["aliases"])]:
            table[search_form(phrase)] = row["section"]
    return table


@lru_cache(maxsize=None)
def _catalogue_pattern() -> re.Pattern:
    return _pattern(tuple(sorted(_catalogue(), key=len, reverse=True)))


def product_section(phrase: str) -> Optional[str]:
    """Section of a product as named: exact alias, else longest alias it starts with, else its
    head word when every catalogue product with that head shares one section."""
    catalogue = _catalogue()
    if phrase in catalogue:
        return catalogue[phrase]
    prefixes = [p for p in catalogue if phrase.startswith(p + " ")]
    if prefixes:
        return catalogue[max(prefixes, key=len)]
    head = phrase.split()[0]
    sections = {s for p, s in catalogue.items() if p.split()[0] == head}
    return sections.pop() if len(sections) == 1 else None


_LEADING = re.compile(search_form(r"^(?:(?:các|những|một số|nhiều|sản phẩm|mặt hàng|chủ yếu|như|gồm|là|và|trong đó|riêng|ngành|"
                                  r"sản lượng|khai thác|sản xuất|tiêu thụ|chế biến)\s+)+"))
_TRAILING = re.compile(search_form(r"(?:\s+(?:các loại|sản xuất|khai thác|tiêu thụ|thực hiện|trong|toàn tỉnh|của tỉnh))+$"))
_STOP = re.compile(
    search_form(
        r"\s(?:\d|(?:ước|đạt|dự kiến|dự báo|phấn đấu|còn|là|tăng|giảm|gấp|bằng|của|trên địa bàn|toàn tỉnh|toàn ngành|"
        r"tồn kho|cả nước|trong|năm|quý|tháng|hơn|trên|khoảng|gần|xấp xỉ|dưới)(?!\w))"
    )
)


_LIST_MARKER = re.compile(search_form(r"(?:[,;:(]|(?<!\w)(?:như|gồm|là|bao gồm|sau)(?!\w))"))


def product_phrase(search: str) -> Optional[str]:
    """The product as the text names it, from the words before its figure (search form).

    It starts at the last catalogue name in the words, else after `sản lượng`, else after the
    last list marker; it ends before the verb, period, place or bound that follows it.
    """
    starts = [m.start() for m in _catalogue_pattern().finditer(search)]
    if starts:
        start = starts[-1]
    elif "sản lượng" in search:
        start = search.rindex("sản lượng") + len("sản lượng")
    else:
        markers = list(_LIST_MARKER.finditer(search))
        start = markers[-1].end() if markers else 0
    text = " " + re.sub(r"\s+", " ", search[start:]).strip()
    stop = _STOP.search(text, 1)
    if stop:
        text = text[: stop.start()]
    text = _LEADING.sub("", text.strip())
    whole = text
    for generic in GENERIC_WORDS:
        text = re.sub(rf"(?<!\w){generic}(?!\w)", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if whole not in _catalogue():
        text = _TRAILING.sub("", text).strip()
    words = text.split()
    if not words or len(words) > 5 or not text[0].isalpha() or re.search(r"[\d,;:()]", text):
        return None
    return text


def product_info(search_region: str) -> Optional[ProductInfo]:
    phrase = product_phrase(search_region)
    if phrase is None:
        return None
    full = re.sub(r"\s+", " ", search_region).strip()
    section = _catalogue().get(_tail_alias(full)) or product_section(phrase)
    return ProductInfo(phrase, section)


def _tail_alias(region: str) -> str:
    """The longest catalogue alias the region ends with, e.g. `đá các loại`."""
    best = ""
    for alias in _catalogue():
        if (region == alias or region.endswith(" " + alias)) and len(alias) > len(best):
            best = alias
    return best
