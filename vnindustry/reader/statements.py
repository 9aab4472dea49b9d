"""Group the figures of a sentence into statements and give each its subject.

A statement is one subject (metric + sector/division/product) with its figures: a value, one
change per base, a plan share. A new subject named between two figures starts a new statement;
a second figure for a slot already filled starts one with the same subject.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from vnindustry.reader.roles import Reading
from vnindustry.reader.subjects import PHYSICAL_UNITS, Cue, ProductInfo, product_info

STRONG_METRIC = 2


@dataclass
class Subject:
    metric: Optional[str] = None
    metric_weight: int = 0
    sector: Optional[str] = None
    division: Optional[str] = None
    product: Optional[ProductInfo] = None
    not_fact: bool = False
    anaphora: bool = False
    named: bool = False  # the region named a subject of its own
    has_output_word: bool = False  # `sản lượng`


@dataclass
class Statement:
    region_start: int
    region_end: int
    clause_start: int
    readings: list[Reading] = field(default_factory=list)
    subject: Subject = field(default_factory=Subject)
    header: Optional[Subject] = None  # what a list's lead-in (`… tăng cao:`) says its items are

    @property
    def start(self) -> int:
        return self.readings[0].quantity.start

    @property
    def end(self) -> int:
        return max(r.end for r in self.readings)

    def value(self) -> Optional[Reading]:
        return next((r for r in self.readings if r.role in ("value", "contribution")), None)

    def accepts(self, reading: Reading) -> bool:
        """Whether a figure fills a free slot of this statement."""
        if reading.role == "contribution" or any(r.role == "contribution" for r in self.readings):
            return False
        for r in self.readings:
            if r.role == reading.role and (r.role != "change" or r.base == reading.base):
                return False
        return True


def clauses(search: str) -> list[tuple[int, int]]:
    """Clause bounds: `;` and `:` separate the items of a list."""
    bounds, start = [], 0
    for match in re.finditer(r"[;:]", search):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(search)))
    return bounds


RESPECTIVELY = re.compile(r"(?<!\w)lần lượt(?!\w)")
WHAT_KINDS = ("sector", "division", "product", "anaphora")


def group_statements(search: str, readings: list[Reading], cues: list[Cue]) -> list[Statement]:
    statements: list[Statement] = []
    header: Optional[Subject] = None
    for clause_start, clause_end in clauses(search):
        paired = _respectively(search, clause_start, clause_end, readings, cues)
        if paired:
            statements.extend(paired)
            continue
        if clause_end < len(search) and search[clause_end] == ":" and not any(
            clause_start <= r.quantity.start < clause_end for r in readings
        ):
            lead = [c for c in cues if clause_start <= c.start and c.end <= clause_end]
            header = read_subject(search[clause_start:clause_end], lead, clause_start) if lead else header
        current: Optional[Statement] = None
        region_start = clause_start
        for reading in (r for r in readings if clause_start <= r.quantity.start < clause_end):
            region = [c for c in cues if region_start <= c.start and c.end <= reading.quantity.start]
            if current is None or region or not current.accepts(reading):
                inherited = current.subject if current is not None and not region else None
                current = Statement(region_start, reading.quantity.start, clause_start, header=header)
                current.subject = inherited or read_subject(search[region_start : reading.quantity.start], region, region_start)
                statements.append(current)
            current.readings.append(reading)
            region_start = reading.end
    return statements


def _respectively(search, clause_start, clause_end, readings, cues) -> list[Statement]:
    """`A, B và C ... lần lượt tăng x%, y% và z%`: the n-th name takes the n-th figure."""
    marker = RESPECTIVELY.search(search, clause_start, clause_end)
    if not marker:
        return []
    names = [c for c in cues if clause_start <= c.start and c.end <= marker.start() and c.kind in WHAT_KINDS]
    figures = [r for r in readings if marker.end() <= r.quantity.start < clause_end]
    if len(names) < 2 or len(names) != len(figures):
        return []
    shared = [c for c in cues if clause_start <= c.start and c.end <= marker.start() and c.kind not in WHAT_KINDS]
    statements = []
    for name, figure in zip(names, figures):
        statement = Statement(clause_start, figure.quantity.start, clause_start, [figure])
        statement.subject = read_subject(search[name.start : name.end], shared + [name], clause_start)
        statements.append(statement)
    return statements


def read_subject(region_text: str, region: list[Cue], offset: int) -> Subject:
    subject = Subject(named=bool(region))
    metrics = [c for c in region if c.kind == "metric"]
    strong = [c for c in metrics if c.weight >= STRONG_METRIC]
    if metrics:
        best = max(metrics, key=lambda c: (c.weight, c.start))
        subject.metric, subject.metric_weight = best.value, best.weight
    subject.has_output_word = any(c.value == "output" for c in metrics)
    last_strong = max((c.start for c in strong + [c for c in metrics if c.value == "output"]), default=-1)
    subject.not_fact = any(c.kind == "not_fact" and c.start > last_strong for c in region)
    whats = [c for c in region if c.kind in ("sector", "division", "product")]
    anaphora = [c for c in region if c.kind == "anaphora"]
    last_what = whats[-1] if whats else None
    if anaphora and (last_what is None or anaphora[-1].start > last_what.start):
        subject.anaphora = True
    elif last_what is not None:
        if last_what.kind == "sector":
            subject.sector = last_what.value
        elif last_what.kind == "division":
            subject.division = last_what.value
    if last_what is not None and last_what.kind == "product" or subject.has_output_word or subject.metric == "inventory":
        subject.product = product_info(region_text)
    return subject


def is_product_statement(statement: Statement) -> bool:
    value = statement.value()
    if value is not None and value.quantity.unit in PHYSICAL_UNITS:
        return True
    return statement.subject.product is not None and statement.subject.sector is None and statement.subject.division is None
