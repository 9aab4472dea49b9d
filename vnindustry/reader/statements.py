"""Group the figures of each unit into statements, each with the region of words that names it.

A statement is one subject with its figures: a value, one change per base, a plan share (a
contribution is a statement of its own). A region that names something starts a new statement;
a figure whose slot is taken starts one with the same subject. Brackets and asides hold their
own statements, named by their own words or by the words just before them (`Bắc Giang (tăng
21%)`); a bare change in brackets after a figure (`2,1 triệu tấn (tăng 5,3%)`) is that figure's.
Units without figures give a *frame*: what a lead-in or a sentence says without a number.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from typing import Optional, Sequence

from vnindustry.reader.clauses import Unit, minus
from vnindustry.reader.figures import Figure
from vnindustry.reader.lexicon import Token, fold
from vnindustry.reader.names import NAME_TOKEN_KINDS, Subject, has_name_words, product_chunk, read_subject
from vnindustry.reader.periods import Period
from vnindustry.reader.text import Forms


@dataclass(eq=False)
class Statement:
    unit: Unit
    spans: list[tuple[int, int]]  # the words that name it (own text of its unit, and its host's)
    tokens: list[Token]
    periods: list[Period]
    subject: Subject
    figures: list[Figure] = field(default_factory=list)
    host: Optional["Statement"] = None  # for a bracket or aside: the statement it hangs on
    after: tuple[int, int] = (0, 0)  # own text after its last figure, before the next statement
    order: int = 0

    @property
    def frame(self) -> bool:
        return not self.figures

    @property
    def start(self) -> int:
        return self.figures[0].start if self.figures else self.unit.start

    def value(self) -> Optional[Figure]:
        return next((f for f in self.figures if f.role == "value"), None)

    def changes(self) -> list[Figure]:
        return [f for f in self.figures if f.role == "change"]

    def accepts(self, figure: Figure) -> bool:
        """Whether a figure fills a free slot of this statement."""
        if figure.role in ("contribution", "other") or any(f.role in ("contribution", "other") for f in self.figures):
            return False
        if figure.role == "delta" and self.value() is None:
            return False
        for f in self.figures:
            if f.role == figure.role and (f.role != "change" or f.base == figure.base or figure.base is None):
                return False
        return True


@dataclass
class SentenceParts:
    """What the grouping needs to see of a sentence."""

    forms: Forms
    tokens: Sequence[Token]
    periods: Sequence[Period]
    units: Sequence[Unit]
    figures: Sequence[Figure]
    claimed: list[tuple[int, int]] = field(default_factory=list)  # words a statement took after its quantity
    starts: list[int] = field(default_factory=list)  # token starts, for bisection

    def __post_init__(self) -> None:
        self.starts = [t.start for t in self.tokens]

    @property
    def plain(self) -> str:
        return self.forms.plain


def group(parts: SentenceParts) -> list[Statement]:
    """Statements and frames of one sentence, in reading order."""
    statements: list[Statement] = []
    by_unit: dict[int, list[Statement]] = {}
    for unit in sorted(parts.units, key=lambda u: (u.start, -(u.end - u.start))):
        figures = [f for f in parts.figures if f.unit is unit]
        if unit.kind == "respectively":
            made = _respectively(unit, figures, parts)
        else:
            made = _unit_statements(unit, figures, parts, by_unit)
        if not made and unit.main:
            frame = _frame(unit, parts)
            made = [frame] if frame is not None else []
        by_unit[id(unit)] = made
        statements.extend(made)
    statements.sort(key=lambda s: (s.start, 0 if s.frame else 1))
    for order, statement in enumerate(statements):
        statement.order = order
    return statements


def _name_before_branch(spans, tokens: list[Token], parts: SentenceParts) -> bool:
    """A region with no branch, or with words before its branch (`phụ tùng xe có động cơ`), may name a product."""
    branch = next((t for t in tokens if t.has("sector", "division")), None)
    if branch is None:
        return True
    start = next((s for s, e in spans if s <= branch.start < e), branch.start)
    return has_name_words(parts.forms.search[start : branch.start])


def _spans_tokens(spans, parts: SentenceParts) -> list[Token]:
    found = []
    for s, e in spans:
        for token in parts.tokens[bisect_left(parts.starts, s) : bisect_left(parts.starts, e)]:
            if token.end <= e:
                found.append(token)
    return found


def _spans_periods(spans, parts: SentenceParts) -> list[Period]:
    return [p for p in parts.periods if any(s <= p.start < e for s, e in spans)]


def _figureless_children(unit: Unit, parts: SentenceParts) -> list[Unit]:
    return [
        u for u in parts.units
        if u.parent is unit and u.kind in ("bracket", "aside") and not any(unit_contains(u, f.start) for f in parts.figures)
    ]


def unit_contains(unit: Unit, position: int) -> bool:
    return unit.start <= position < unit.end


def _unit_statements(unit: Unit, figures: list[Figure], parts: SentenceParts, by_unit) -> list[Statement]:
    made: list[Statement] = []
    shares = [(f.hole_start, f.end) for f in figures if f.role == "share"]
    figures = [f for f in figures if f.role != "share"]
    quiet = _figureless_children(unit, parts)
    current: Optional[Statement] = None
    region_start = unit.start
    for figure in figures:
        spans = minus(unit.own_spans(region_start, figure.start), shares)
        extra = [c for c in quiet if region_start <= c.start < figure.start and c.kind == "bracket"]
        host_spans = _host_spans(unit, parts) if unit.kind in ("bracket", "aside") and current is None else []
        tokens = sorted(_spans_tokens(spans + host_spans, parts) + _bracket_words(extra, parts), key=lambda t: t.start)
        periods = _spans_periods(spans + host_spans, parts)
        wants_product = figure.quantity.unit is not None or _name_before_branch(spans, tokens, parts)
        subject = read_subject(spans + host_spans, tokens, parts.forms, [(p.start, p.end) for p in periods], chunk=wants_product)
        reframed = bool(periods) or any(t.has("opener") for t in tokens)  # `…, tính chung 9 tháng tăng 6,2%`
        if current is None or subject.named or reframed or not current.accepts(figure):
            inherited = current is not None and not subject.named
            current = Statement(unit, spans + host_spans, tokens, periods, subject)
            if inherited:
                current.host = made[-1]
            made.append(current)
        current.figures.append(figure)
        region_start = max(region_start, figure.end)
        trailing = next((c for c in quiet if figure.end <= c.start <= figure.end + 2), None)
        if trailing is not None:  # `đạt 21.874,6 tỷ đồng (giá so sánh 2010)`: the bracket speaks for this figure
            current.tokens.extend(_bracket_words([trailing], parts))
            region_start = max(region_start, trailing.end)
        if figure.role == "value" and figure.quantity.unit is not None and current.subject.product is None:
            region_start = max(region_start, _name_after(current, figure, unit, parts))
    for index, statement in enumerate(made):
        next_start = made[index + 1].spans[0][0] if index + 1 < len(made) and made[index + 1].spans else unit.end
        statement.after = (statement.figures[-1].end, max(statement.figures[-1].end, next_start))
    if unit.kind in ("bracket", "aside"):
        _hang_on_host(unit, made, parts, by_unit)
    return made


BRACKET_WORDS = ("metric", "price", "place", "national")


def _bracket_words(brackets: list[Unit], parts: SentenceParts) -> list[Token]:
    """What a bracket without figures adds to the words before it: a metric's short name
    (`(IIP)`, `(GRDP)`), a price basis, a place; not the asides of a narrative."""
    return [t for b in brackets if b.kind == "bracket" for t in _spans_tokens([(b.start, b.end)], parts) if t.has(*BRACKET_WORDS)]


_NAME_AFTER_STOP = re.compile(r"[;:()]|\.(?!\d)")


def _name_after(statement: Statement, figure: Figure, unit: Unit, parts: SentenceParts) -> int:
    """Quantity before the name: `sản xuất được 1,2 triệu tấn thép`, `6,2 triệu đôi giầy, dép, tăng
    5,5%`. The name runs to the next cue word or figure; a comma cuts it when a figure follows
    what comes after the comma (`… tấn thép, xi măng 2 triệu tấn`). Returns where the name ends."""
    stop = _NAME_AFTER_STOP.search(parts.plain, figure.end, unit.end)
    end = stop.start() if stop else unit.end
    later = [f.start for f in parts.figures if figure.end < f.start < end]
    cue = next((t.start for t in parts.tokens if figure.end < t.start < end and t.has(*_NAME_AFTER_CUES)), None)
    if later and (cue is None or later[0] < cue):
        comma = parts.plain.find(",", figure.end, later[0])
        end = comma if comma >= 0 else later[0]
    end = min([end] + ([cue] if cue is not None else []))
    spans = unit.own_spans(figure.end, end)
    if not spans:
        return figure.end
    tokens = _spans_tokens(spans, parts)
    chunk = product_chunk(spans, tokens, parts.forms)
    if chunk is None or chunk.kind != "product":
        return figure.end
    subject = statement.subject
    subject.named_after = not subject.names
    subject.product, subject.product_section, subject.product_known = chunk.name, chunk.section, chunk.known
    statement.spans.extend(spans)
    parts.claimed.extend(spans)
    return end


_NAME_AFTER_CUES = ("verb", "status", "base", "plan", "cause", "comparison", "contrast", "opener", "respectively")


def _host_spans(unit: Unit, parts: SentenceParts) -> list[tuple[int, int]]:
    """The words just before a bracket in its parent: `sản xuất kim loại (tăng 11,2%)`, `của cả nước (…)`."""
    parent = unit.parent
    if parent is None:
        return []
    before = [f.end for f in parts.figures if f.unit is parent and f.end <= unit.start]
    before += [u.end for u in parts.units if u.parent is parent and u.kind in ("bracket", "aside") and u.end <= unit.start]
    start = max(before + [parent.start])
    return minus(parent.own_spans(start, unit.start), parts.claimed)


def _hang_on_host(unit: Unit, made: list[Statement], parts: SentenceParts, by_unit) -> None:
    """A bracket's statement hangs on the statement before it in its parent; a bare change right
    after a figure (`2,1 triệu tấn (tăng 5,3%)`) joins that statement."""
    parent_statements = by_unit.get(id(unit.parent), []) if unit.parent is not None else []
    host = None
    for statement in parent_statements:
        if statement.figures and statement.figures[0].start < unit.start:
            host = statement
    for statement in list(made):
        statement.host = statement.host or host
        covered = host.spans if host is not None else []
        own_names = [t for t in statement.tokens if t.has(*NAME_TOKEN_KINDS) and not any(s <= t.start < e for s, e in covered)]
        gap = minus([(host.figures[-1].end, unit.start)], covered) if host is not None else []
        directly_after = host is not None and not "".join(parts.plain[s:e] for s, e in gap).strip(" ,")
        if (host is not None and directly_after and not own_names and not statement.periods
                and statement.subject.product is None and all(host.accepts(f) for f in statement.figures)):
            host.figures.extend(_with_base_after(f, unit, parts) for f in statement.figures)
            made.remove(statement)


def _with_base_after(figure: Figure, unit: Unit, parts: SentenceParts) -> Figure:
    """`tăng 8.480 tỷ đồng (tăng 31%) so với cùng kỳ`: a bracketed change takes the base right after its bracket."""
    if figure.role != "change" or figure.base is not None:
        return figure
    after = next((t for t in parts.tokens if t.start >= unit.end), None)
    if after is None or not after.get("base") or parts.plain[unit.end : after.start].strip():
        return figure
    return replace(figure, base=after.get("base").value)


def _frame(unit: Unit, parts: SentenceParts) -> Optional[Statement]:
    spans = unit.own_spans(unit.start, unit.end)
    quiet = _figureless_children(unit, parts)
    tokens = _spans_tokens(spans, parts) + _bracket_words(quiet, parts)
    periods = _spans_periods(spans, parts)
    if not tokens and not periods:
        return None
    subject = read_subject(spans, tokens, parts.forms, chunk=False)  # a frame names a topic, not a product
    return Statement(unit, spans, tokens, periods, subject)


def _respectively(unit: Unit, figures: list[Figure], parts: SentenceParts) -> list[Statement]:
    """`A, B và C … lần lượt tăng x%, y% và z%`: the n-th name takes the n-th figure of each kind."""
    marker = unit.marker
    figures = [f for f in figures if f.role in ("value", "change", "contribution", "plan")]
    names_end = marker.start
    name_tokens = [t for t in parts.tokens if unit.start <= t.start and t.end <= names_end and unit.owns(t.start)
                   and t.has("sector", "division", "product", "place", "national")]
    if not name_tokens:  # `Tương ứng, A và B tăng 3% và 5%`
        first = figures[0].start if figures else unit.end
        names_end = first
        name_tokens = [t for t in parts.tokens if marker.end <= t.start and t.end <= first and t.has("sector", "division", "product", "place", "national")]
    by_role: dict[str, list[Figure]] = {}
    for figure in figures:
        by_role.setdefault(figure.role, []).append(figure)
    counts = {len(group) for group in by_role.values()}
    if len(counts) != 1:
        return []
    count = counts.pop()
    name_tokens = _one_kind_of_name(name_tokens, count)
    names: list[tuple[list[tuple[int, int]], list[Token]]] = [([(t.start, t.end)], [t]) for t in name_tokens]
    if count < 2 or len(names) != count:
        names = _chunk_names(unit.start, names_end, parts, count)
        if len(names) != count:
            return []
    shared_spans = unit.own_spans(unit.start, marker.end)
    shared_tokens = [t for t in _spans_tokens(shared_spans, parts) if t not in name_tokens]
    frame_periods = _spans_periods(shared_spans, parts)
    frame_subject = read_subject([], shared_tokens, parts.forms)
    frame = Statement(unit, shared_spans, shared_tokens, frame_periods, frame_subject)
    made = []
    for index, (spans, tokens) in enumerate(names):
        periods = [(p.start, p.end) for p in _spans_periods(spans, parts)]
        subject = read_subject(spans, tokens, parts.forms, periods)
        statement = Statement(unit, spans, tokens, [], subject, host=frame)
        statement.figures = sorted((g[index] for role, g in by_role.items() if role != "contribution"), key=lambda f: f.start)
        if statement.figures:
            made.append(statement)
        if "contribution" in by_role:  # a contribution is a statement of its own, about the same name
            made.append(Statement(unit, spans, tokens, [], subject, [by_role["contribution"][index]],
                                  host=statement if statement.figures else frame))
    frame.after = (unit.start, unit.start)
    return [frame] + made


_NAME_CATEGORIES = (("sector", "division"), ("product",), ("place", "national"))


def _one_kind_of_name(tokens: list[Token], count: int) -> list[Token]:
    """The names a list pairs are of one kind: branches, products or places (`ngành A, ngành B
    và ngành C của tỉnh Hà Tĩnh … lần lượt`: the province is not a fourth item)."""
    if len(tokens) == count:
        return tokens
    for kinds in _NAME_CATEGORIES:
        same = [t for t in tokens if t.has(*kinds)]
        if len(same) == count:
            return same
    return tokens


_NAME_SEPARATORS = tuple(fold(p) for p in (r";|\svà\s", r",|\svà\s", r"\svà\s", r","))


def _chunk_names(start: int, end: int, parts: SentenceParts, count: int) -> list[tuple[list[tuple[int, int]], list[Token]]]:
    """Names of a `lần lượt` list when the lexicon does not know them all: cut at `;` when the
    list uses it (its items may hold commas: `bia, nước giải khát`), else at `,` and `và`, else at
    `và` alone (`tôm đông lạnh và cá, mực đông lạnh`), else at `,`: the first cut that gives as
    many names as there are figures."""
    text = parts.plain[start:end]
    schemes = _NAME_SEPARATORS if ";" in text else _NAME_SEPARATORS[1:]
    for separator in schemes:
        found, cursor = [], start
        for piece in re.split(separator, text):
            at = parts.plain.find(piece, cursor, end)
            cursor = at + len(piece)
            spans = [(at, at + len(piece))]
            tokens = _spans_tokens(spans, parts)
            periods = [(p.start, p.end) for p in _spans_periods(spans, parts)]
            chunk = product_chunk(spans, tokens, parts.forms, periods) if piece.strip() else None
            if chunk is not None and chunk.kind == "product":
                found.append((spans, tokens))
        if len(found) == count:
            return found
    return []
