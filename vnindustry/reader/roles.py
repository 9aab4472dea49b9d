"""What a number says: a value, a change (with its base), a plan share, a contribution, or nothing."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from vnindustry.reader.numbers import Quantity
from vnindustry.reader.text import search_form
from vnindustry.vocabulary import cues


@dataclass(frozen=True)
class Phrase:
    """A base (`so với cùng kỳ năm 2018`), plan (`kế hoạch năm`) or price-basis phrase."""

    start: int
    end: int
    kind: str
    value: str


@dataclass(frozen=True)
class Reading:
    quantity: Quantity
    role: str  # value | change | plan | contribution
    change_pct: Optional[float] = None
    base: Optional[str] = None
    end: int = 0  # end of the figure with its base / plan phrase
    amount: Optional[float] = None  # signed contribution in percentage points


_ADVERBS = search_form(
    r"(?:\s+(?:nhẹ|mạnh|khá|cao|thêm|lên|xuống|chậm|tới|đến|ở mức|mức|được|khoảng|hơn|trên|gần|xấp xỉ|dưới|là|với|ước|tính|đạt))*"
)
_TAIL = search_form(r"(?:\s*(?:năm|kỳ|quý|tháng|cả năm)?\s*(?:\d{4}|\d{1,2}(?:/\d{4})?|iv|iii|ii|i|trước|ngoái))?")


@lru_cache(maxsize=None)
def _phrase_pattern(kind: str) -> re.Pattern:
    alternatives = "|".join(re.escape(p) for p, _, _ in cues(kind))
    tail = _TAIL if kind != "price_basis" else ""
    return re.compile(rf"(?<!\w)({alternatives})(?!\w){tail}")


def find_phrases(search: str) -> list[Phrase]:
    """Base, plan and price-basis phrases; their years belong to them, not to the period."""
    found: list[Phrase] = []
    for kind in ("change_base", "price_basis"):
        values = {p: v for p, v, _ in cues(kind)}
        for match in _phrase_pattern(kind).finditer(search):
            found.append(Phrase(match.start(), match.end(), kind, values[match.group(1)]))
    for match in _plan_pattern().finditer(search):
        if _after_percent(search, match.start()):
            found.append(Phrase(match.start(), match.end(), "plan", "plan"))
    return sorted(found, key=lambda p: p.start)


@lru_cache(maxsize=None)
def _plan_pattern() -> re.Pattern:
    plans = "|".join(re.escape(p) for p, _, _ in cues("plan"))
    return re.compile(search_form(r"(?:so với\s+|so\s+)?") + rf"(?:{plans})(?!\w){_TAIL}")


def _after_percent(search: str, start: int) -> bool:
    return bool(re.search(r"(%|phần trăm)\s*$", search[max(0, start - 12) : start]))


@lru_cache(maxsize=None)
def _verb_before() -> re.Pattern:
    verbs = "|".join(re.escape(p) for p, _, _ in cues("change_verb"))
    return re.compile(rf"(?<!\w)({verbs}){_ADVERBS}\s*$")


@lru_cache(maxsize=None)
def _level_before() -> re.Pattern:
    verbs = "|".join(re.escape(p) for p, _, _ in cues("level_verb"))
    return re.compile(rf"(?<!\w)({verbs}){_ADVERBS}\s*$")


_LIST_JOIN = re.compile(search_form(r"\s*(?:,|;|và|,\s*và)\s*"))


def _signed(direction: str, number: float) -> float:
    """The change in percent a verb gives a number: tăng 5% -> 5, giảm 5% -> -5, bằng 95% -> -5."""
    return round({"up": number, "down": -number, "index": number - 100}[direction], 6)


def read_roles(search: str, quantities: list[Quantity], phrases: list[Phrase], growth_subject) -> list[Reading]:
    """The role of each figure, from the words just before and after it.

    `growth_subject(position)` tells whether the subject before a figure is a growth rate
    (`tốc độ tăng trưởng ... đạt 8%` is a change of 8%, `IIP đạt 105%` an index of 105).
    """
    verbs = {p: v for p, v, _ in cues("change_verb")}
    contributions = {p: v for p, v, _ in cues("contribution")}
    contribution = "|".join(re.escape(p) for p in contributions)
    readings: list[Reading] = []
    previous_end = 0
    last_direction: Optional[str] = None
    for q in quantities:
        before = search[max(0, q.start - 60) : q.start]
        since_previous = search[previous_end : q.start]
        previous_end = q.end
        after_phrase = next((p for p in phrases if q.end <= p.start <= q.end + 3 and p.kind != "price_basis"), None)
        base = after_phrase.value if after_phrase and after_phrase.kind == "change_base" else None
        end = after_phrase.end if after_phrase else q.end
        verb = _verb_before().search(before)
        if q.kind == "percent" and not verb and last_direction and _LIST_JOIN.fullmatch(since_previous):
            # `lần lượt tăng 5,1%, 12,3% và 8,8%`: later items share the first one's verb
            readings.append(Reading(q, "change", _signed(last_direction, q.number), base, end))
            continue
        last_direction = verbs[verb.group(1)] if verb and q.kind == "percent" and verbs[verb.group(1)] != "times" else None
        contributes = re.findall(rf"(?<!\w)({contribution})(?!\w)", since_previous)
        if q.kind == "points" and contributes:
            sign = -1 if contributions[contributes[-1]] == "down" else 1
            readings.append(Reading(q, "contribution", end=q.end, amount=sign * q.number))
        elif q.kind == "percent" and after_phrase is not None and after_phrase.kind == "plan":
            readings.append(Reading(q, "plan", end=end))
        elif q.kind == "percent" and verb:
            direction = verbs[verb.group(1)]
            if direction == "times":
                continue
            readings.append(Reading(q, "change", _signed(direction, q.number), base, end))
        elif q.kind == "times" and verb and verbs[verb.group(1)] == "times":
            readings.append(Reading(q, "change", round((q.number - 1) * 100, 6), base, end))
        elif q.kind == "percent" and _level_before().search(before):
            if growth_subject(q.start):
                readings.append(Reading(q, "change", q.number, base, end))
            elif base is not None:
                readings.append(Reading(q, "change", _signed("index", q.number), base, end))
        elif q.kind == "amount" and not verb:
            readings.append(Reading(q, "value", end=q.end))
    return readings
