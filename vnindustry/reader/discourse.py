"""Discourse state: the topic a report is on, carried from sentence to sentence with explicit reach.

- A sentence that names no metric continues the topic (metric, sector, period, place, status,
  base, price basis); one that names its own replaces what it names.
- `Trong đó`, `Cụ thể` … break the topic down: they do not replace its subject.
- `Riêng …` speaks for its own sentence only; brackets, causes and comparisons never speak for
  the topic.
- A new paragraph returns to the article's own place; one that opens on a new period starts a
  new topic.
- `ngành này`, `lĩnh vực này` point at the section or branch last named; `chỉ số này` at the
  topic's metric and subject; `của tỉnh`, `toàn tỉnh` at the article's province.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional

from vnindustry.reader.lexicon import fold
from vnindustry.reader.periods import Period

SUBJECT_FIELDS = ("metric", "sector", "division")
CARRIED_FIELDS = ("period", "place", "status", "base", "price")
CONTINUING_OPENERS = ("breakdown", "continue", "cumulative", "scope")


@dataclass
class Topic:
    home: Optional[str] = None  # the article's own province (or VN for a national bulletin)
    metric: Optional[str] = None  # `nonfact` after a sentence about exports, retail …: nothing to continue
    sector: Optional[str] = None
    division: Optional[str] = None
    period: Optional[Period] = None  # with its year
    place: Optional[str] = None
    status: Optional[str] = None
    base: Optional[str] = None
    price: Optional[str] = None
    paragraph: int = -1
    last_named: Optional[tuple[str, str]] = None  # ("sector" | "division", code), for `ngành này`
    threads: dict = field(default_factory=dict)  # metric -> the state it was last reported in
    month: Optional[Period] = None  # the last single month or quarter named, even in a `Riêng …` sentence
    section: Optional[str] = None  # a place a paragraph opened with (`Trên phạm vi cả nước, …`): its section's place
    first_sentence: dict = field(default_factory=dict)  # paragraph -> start of its first sentence read

    def thread(self, metric: Optional[str]) -> Optional["Topic"]:
        """Where a metric named again (`chỉ số sản xuất ngành X` two sentences after the IIP)
        picks up: its status, base and price basis when it was last reported."""
        return self.threads.get(metric) if metric else None

    def enter_paragraph(self, paragraph: int, opens_new_period: bool) -> None:
        """A new paragraph speaks of the article's own place again; a new period, a new topic."""
        if paragraph == self.paragraph:
            return
        self.paragraph = paragraph
        self.place = self.section
        if opens_new_period:
            for name in SUBJECT_FIELDS + ("status", "base", "price"):
                setattr(self, name, None)
            self.threads = {}

    def update(self, heads: list, opener: Optional[str]) -> None:
        """Take what the sentence's main line says (first statement that says it wins)."""
        if opener == "scope":
            return
        if opener != "breakdown":
            named = next((h for h in heads if h.measured is not None), None)
            if named is not None:
                self.metric = named.measured
                self.sector, self.division = named.sector, named.division
        for name in CARRIED_FIELDS:
            # the umbrella (first) statement names the topic; a period is the latest one stated
            # (`tháng 9 tăng 8%, tính chung 9 tháng tăng 6%. Trong đó …` breaks down the nine months)
            said = [getattr(h, name) for h in heads if getattr(h, name) is not None
                    and (name != "period" or h.statement.unit.opener != "scope")]
            if said:
                setattr(self, name, said[-1] if name == "period" else said[0])
        seen = set()
        for head in heads:
            if head.measured and head.measured != "nonfact" and head.measured not in seen:
                seen.add(head.measured)
                thread = Topic(metric=head.measured, sector=head.sector, division=head.division)
                for name in CARRIED_FIELDS:
                    setattr(thread, name, getattr(head, name))
                self.threads[head.measured] = thread

    def remember_named(self, kind: str, code: str) -> None:
        self.last_named = (kind, code)


_FRONT = re.compile(fold(r"(?:.*[,:])?[\s,\-–+•*]*(?:(?:trong đó|riêng|theo đó|tính chung|lũy kế|luỹ kế|cụ thể|trong|"
                          r"tính đến|tính từ|đến hết|đến cuối|cả|ngoài ra|bên cạnh đó|như vậy|sang|bước sang|"
                          r"kết thúc)[\s,]*)*"), re.DOTALL)


def frame_view(resolved, plain: str):
    """What a sentence without figures may tell the topic: the metric it names, a period it opens
    a clause with (`Năm 2019, …`, `…, năm 2024 ngành …`), and, when it names a metric or leads a
    list, its status, base, price basis and place. Narrative words (`hơn hẳn năm 2018`, `dự kiến
    đi vào hoạt động`, `công suất`) tell it nothing."""
    statement = resolved.statement
    names_metric = (resolved.own_metric and not statement.subject.not_fact and statement.subject.metric_weight >= 2) or (
        resolved.metric == "output" and statement.subject.metric is None)  # `Một số sản phẩm chủ lực tăng cao.`
    lead = statement.unit.kind == "lead"
    speaks = names_metric or lead
    fronted = resolved.sources.get("period") == "own" and any(
        _FRONT.fullmatch(plain, statement.unit.start, p.start) for p in statement.periods
    )
    return replace(
        resolved,
        metric=resolved.metric if names_metric else None,
        measured=resolved.measured if names_metric else None,
        sector=None,
        division=None,
        period=resolved.period if fronted or (lead and resolved.sources.get("period") == "own") else None,
        place=resolved.place if speaks and resolved.sources.get("place") == "own" else None,
        status=resolved.status if speaks and resolved.sources.get("status") == "own" else None,
        base=resolved.base if speaks and resolved.sources.get("base") == "own" else None,
        price=resolved.price if speaks and resolved.sources.get("price_basis") == "own" else None,
    )
