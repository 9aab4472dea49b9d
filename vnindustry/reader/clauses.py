"""Clause structure: a shallow parse of one sentence into nested units.

Every later stage reads figures through these units, not through raw character distance:

- `bracket` (…) and `aside` – … – are children of the unit they interrupt; their words do not
  speak for the text around them;
- `cause` (do, nhờ, vì …) and `comparison` (cao hơn mức … của cả nước, vào mức tăng chung …)
  run from their marker to the next clause boundary; what they name stays inside them;
- the main line is cut into `segment`s at `;` (and at a contrast: trong khi, nhưng …); a colon
  makes what precedes it a `lead` whose `item`s follow;
- `respectively` holds a `lần lượt` list: names before the marker, figures after it, paired
  in order even across `;`.

A unit's own text is its span minus its children (`holes`).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Optional, Sequence

from vnindustry.reader.lexicon import Token, fold

SUBORDINATE = ("bracket", "aside", "cause", "comparison")
MAIN_LINE = ("lead", "segment", "item", "respectively")
NAME_KINDS = ("sector", "division", "product", "place", "national")
_DASH = re.compile(r"\s[–—-]\s")
_BRACKETS = {"(": ")", "[": "]"}


@dataclass(eq=False)
class Unit:
    kind: str  # lead | segment | item | respectively | bracket | aside | cause | comparison
    start: int
    end: int
    parent: Optional["Unit"] = None
    index: int = 0  # position among the main-line units of the sentence
    opener: Optional[str] = None  # breakdown | scope | continue | cumulative, when the unit starts with one
    holes: list[tuple[int, int]] = field(default_factory=list)
    marker: Optional[Token] = None  # the `lần lượt` of a respectively unit

    @property
    def main(self) -> bool:
        return self.kind in MAIN_LINE

    def owns(self, position: int) -> bool:
        """Whether a position is in this unit's own text (not in a child)."""
        return self.start <= position < self.end and not any(s <= position < e for s, e in self.holes)

    def own_spans(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of [start, end) that are this unit's own text."""
        return minus([(max(start, self.start), min(end, self.end))], self.holes)


def minus(spans: Sequence[tuple[int, int]], holes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans with the holes cut out of them."""
    result = []
    for s, e in spans:
        cursor = s
        for hs, he in sorted(holes):
            if he <= cursor or hs >= e:
                continue
            if hs > cursor:
                result.append((cursor, hs))
            cursor = max(cursor, he)
        if cursor < e:
            result.append((cursor, e))
    return result


def parse(start: int, end: int, search: str, tokens: Sequence[Token], figures: Sequence[tuple[int, int]]) -> list[Unit]:
    """The units of the sentence search[start:end]; `tokens` and `figures` (spans) are those inside it."""
    brackets = [b for b in _brackets(start, end, search) if not _inside_token(b[0], tokens)]  # `… đúc sẵn (trừ máy móc, thiết bị)`
    asides = _asides(start, end, search, tokens, brackets)
    top_holes = sorted(_outermost(brackets + asides))
    units: list[Unit] = []
    boundaries = _boundaries(start, end, search, top_holes, tokens)
    if not any(kind == ":" for _, kind in boundaries):
        introducer = _list_introducer(start, end, search, tokens, figures, top_holes)
        if introducer is not None:
            boundaries = sorted(boundaries + [(introducer, ":")])
    respectively = _respectively(start, end, search, tokens, figures, top_holes, boundaries)
    main = _main_line(start, end, search, boundaries, respectively, tokens)
    units.extend(main)
    for unit in list(main):
        units.extend(_subordinates(unit, search, tokens, top_holes))
    for s, e in sorted(brackets + asides, key=lambda span: (span[0], -span[1])):
        kind = "bracket" if (s, e) in brackets else "aside"
        parent = _innermost(units, s, e)
        child = Unit(kind, s, e, parent)
        if parent is not None:
            parent.holes.append((s, e))
        units.append(child)
    for unit in units:
        if unit.kind in ("bracket", "aside"):
            unit.holes = [(s, e) for s, e in brackets + asides if unit.start < s and e <= unit.end and (s, e) != (unit.start, unit.end)]
    for unit in units:
        if unit.main:
            unit.opener = _opener(unit, search, tokens)
    return units


_BRACKET_CHARS = re.compile(r"[()\[\]]")


def _brackets(start: int, end: int, search: str) -> list[tuple[int, int]]:
    found, stack = [], []
    for match in _BRACKET_CHARS.finditer(search, start, end):
        position = match.start()
        if search[position] in _BRACKETS:
            stack.append(position)
        elif stack:
            found.append((stack.pop(), position + 1))
    found.extend((open_at, end) for open_at in stack)
    return found


def _inside_token(position: int, tokens: Sequence[Token]) -> bool:
    """Whether a position falls inside a name (`công nghiệp chế biến, chế tạo`, `Bà Rịa – Vũng Tàu`)."""
    for token in tokens:
        if token.start > position:
            return False
        if position < token.end:
            return True
    return False


def _asides(start, end, search, tokens, brackets) -> list[tuple[int, int]]:
    """Paired spaced dashes whose content starts in lower case: `– chiếm 72% toàn ngành –`."""
    dashes = [
        m.start() + 1
        for m in _DASH.finditer(search, start, end)
        if not _inside_token(m.start() + 1, tokens) and not any(s <= m.start() < e for s, e in brackets)
    ]
    found = []
    while len(dashes) >= 2:
        first, second = dashes[0], dashes[1]
        between = search[first + 1 : second]
        if len(between) < 120 and not re.search(r"[;:]", between):
            found.append((first, second + 1))
            dashes = dashes[2:]
        else:
            dashes = dashes[1:]
    return found


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]


def _in_holes(position: int, holes: Sequence[tuple[int, int]]) -> bool:
    return any(s <= position < e for s, e in holes)


_MAIN_MARKS = re.compile(r"[;:]")


def _boundaries(start, end, search, holes, tokens) -> list[tuple[int, str]]:
    """`;`, `:` and contrast markers of the main line (not inside a bracket, an aside or a name)."""
    found = []
    for match in _MAIN_MARKS.finditer(search, start, end):
        position = match.start()
        ch = search[position]
        if _in_holes(position, holes) or _inside_token(position, tokens):
            continue
        if ch == ":" and position > start and search[position - 1].isdigit() and search[position + 1 : position + 2].isdigit():
            continue  # a time of day, 08:30
        found.append((position, ch))
    for token in tokens:
        if token.has("contrast") and not _in_holes(token.start, holes) and token.start > start:
            before = search[start : token.start].rstrip()
            if before.endswith(","):
                found.append((token.start, "contrast"))
    return sorted(found)


_SUCH_AS = re.compile(r"(?<!\w)(?<!cũng )như(?= )(?! (?:sau|vậy|thế|trên|cùng kỳ|năm|tháng|quý|kế hoạch|dự kiến)(?!\w))")


def _list_introducer(start, end, search, tokens, figures, holes) -> Optional[int]:
    """`Một số sản phẩm tăng cao so với cùng kỳ như tivi tăng 36,6%; thép cán tăng 25,2%`: a `như`
    after a verb and before the first figure opens a list, as a colon would."""
    first_figure = next((s for s, _ in figures if not _in_holes(s, holes)), None)
    if first_figure is None:
        return None
    for match in _SUCH_AS.finditer(search, start, first_figure):
        if _in_holes(match.start(), holes) or _inside_token(match.start(), tokens):
            continue
        if any(t.has("verb") and t.end <= match.start() for t in tokens if t.start >= start):
            return match.end()
    return None


def _respectively(start, end, search, tokens, figures, holes, boundaries) -> Optional[Unit]:
    marker = next((t for t in tokens if t.has("respectively") and not _in_holes(t.start, holes)), None)
    if marker is None:
        return None
    after = [f for f in figures if f[0] > marker.start and not _in_holes(f[0], holes)]
    if not after:
        return None
    before_marker = [f for f in figures if f[0] < marker.start and not _in_holes(f[0], holes)]
    colon = max((p for p, kind in boundaries if kind == ":" and p < marker.start), default=None)
    names_start = start
    if before_marker:
        names_start = _after_figure_clause(search, before_marker[-1][1], marker.start)
    if colon is not None and colon + 1 > names_start:
        names_start = colon + 1
    return Unit("respectively", names_start, _end_of_figure_run(search, after, end), marker=marker)


def _after_figure_clause(search: str, figure_end: int, limit: int) -> int:
    """Where the clause holding a figure ends (`,` or `;` after it), before `limit`."""
    match = re.compile(r";|,(?!\d)").search(search, figure_end, limit)
    return match.end() if match else limit


_RUN_GLUE = re.compile(fold(
    r"(?:[\s,;]|và|tăng|giảm|đạt|là|bằng|gấp|khoảng|gần|hơn|trên|dưới|xấp xỉ|ở mức|mức|nhẹ|mạnh|với|so với|so|"
    r"cùng kỳ|năm trước|tháng trước|quý trước|năm \d{4}|tương ứng|đóng góp|làm giảm|kéo giảm)*"
))


def _end_of_figure_run(search: str, figures: Sequence[tuple[int, int]], end: int) -> int:
    """Figures after `lần lượt` form a run while only separators, verbs and bases sit between them."""
    run_end = figures[0][1]
    for (_, previous_end), (start, figure_end) in zip(figures, figures[1:]):
        if not _RUN_GLUE.fullmatch(fold(search[previous_end:start])):
            break
        run_end = figure_end
    tail = re.compile(fold(r"\s*(?:so với[^,;.]*|so cùng kỳ[^,;.]*)?")).match(fold(search[run_end:end]))
    return min(end, run_end + (tail.end() if tail else 0))


def _main_line(start, end, search, boundaries, respectively, tokens) -> list[Unit]:
    """Lead, segments and items of the main line, with the respectively unit in its place."""
    cuts = [(p, kind) for p, kind in boundaries if not (respectively and respectively.start <= p < respectively.end)]
    colon = next((p for p, kind in cuts if kind == ":"), None)
    pieces: list[tuple[int, int, str]] = []
    cursor = start
    for position, kind in cuts + [(end, "end")]:
        piece_end = position
        if kind == "contrast":
            piece_end = position
        if piece_end > cursor:
            piece_kind = "segment" if colon is None else ("lead" if piece_end <= colon else "item")
            pieces.append((cursor, piece_end, piece_kind))
        cursor = position + (1 if kind in ";:" else 0)
    units: list[Unit] = []
    for index, (s, e, kind) in enumerate(pieces):
        if respectively and s <= respectively.start < e:
            if respectively.start > s and search[s : respectively.start].strip(" ,"):
                units.append(Unit(kind, s, respectively.start))
            respectively.kind = "respectively"
            units.append(respectively)
            if respectively.end < e and search[respectively.end : e].strip(" ,.;"):
                units.append(Unit(kind, respectively.end, e))
        elif respectively and s >= respectively.start and e <= respectively.end:
            continue
        else:
            units.append(Unit(kind, s, e))
    if respectively and respectively not in units:
        units.append(respectively)
        units.sort(key=lambda u: u.start)
    for index, unit in enumerate(units):
        unit.index = index
    return units


_CLAUSE_MARK = re.compile(r"[;:]|,(?!\d)|(?<!\d),")


def _boundary_after(search: str, position: int, end: int, tokens: Sequence[Token], holes) -> int:
    """The clause boundary after `position`: a comma outside names and brackets, `;`, `:` or the end."""
    for match in _CLAUSE_MARK.finditer(search, position, end):
        at = match.start()
        if not _inside_token(at, tokens) and not _in_holes(at, holes):
            return at
    return end


def _subordinates(unit: Unit, search: str, tokens: Sequence[Token], holes) -> list[Unit]:
    """Cause and comparison clauses inside a main-line unit."""
    found = []
    inner = [t for t in tokens if unit.start <= t.start < unit.end and not _in_holes(t.start, holes)]
    cursor = unit.start
    for token in inner:
        if token.start < cursor:
            continue
        kind = "cause" if token.has("cause") else "comparison" if token.has("comparison") else None
        if kind is None:
            continue
        stop = _concession_end(token, inner) if kind == "cause" else None
        if stop is None and kind == "cause" and _starts_unit(search, unit, token):
            continue  # `Do …, IIP tăng 5%`: a fronted cause is rare; keep the sentence readable
        if stop is None:
            stop = _boundary_after(search, token.end, unit.end, tokens, holes)
        clause = Unit(kind, token.start, stop, unit)
        unit.holes.append((token.start, stop))
        found.append(clause)
        cursor = stop
    return found


def _concession_end(token: Token, inner: Sequence[Token]) -> Optional[int]:
    """`Dù nông nghiệp chịu ảnh hưởng của bão nhưng công nghiệp tăng 8,3%`: a concession runs to its `nhưng`."""
    if token.get("cause").value != "concession":
        return None
    return next((t.start for t in inner if t.start > token.start and t.has("contrast")), None)


def _starts_unit(search: str, unit: Unit, token: Token) -> bool:
    return not search[unit.start : token.start].strip(" ,-–")


def _opener(unit: Unit, search: str, tokens: Sequence[Token]) -> Optional[str]:
    for token in tokens:
        if token.start < unit.start:
            continue
        if token.start >= unit.end:
            break
        if search[unit.start : token.start].strip(" ,-–+•*"):
            return None
        reading = token.get("opener")
        return reading.value if reading else None
    return None


def _innermost(units: list[Unit], start: int, end: int) -> Optional[Unit]:
    holders = [u for u in units if u.start <= start and end <= u.end]
    return min(holders, key=lambda u: u.end - u.start) if holders else None


def tokens_between(tokens: Sequence[Token], starts: Sequence[int], start: int, end: int) -> Sequence[Token]:
    """Tokens starting in [start, end), from tokens sorted by start (`starts` = their starts)."""
    return tokens[bisect_left(starts, start) : bisect_left(starts, end)]
