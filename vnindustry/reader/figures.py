"""What each figure says: a value, a change (with its base), a plan share, a contribution, a share
of a total (out of contract), or something else; read from the words of its own unit only."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from vnindustry.reader.clauses import Unit
from vnindustry.reader.lexicon import Token, fold
from vnindustry.reader.numbers import Quantity

SHARE_CUES = frozenset(fold(w) for w in ("chiếm", "tỷ trọng", "tỉ trọng", "tỷ lệ", "tỉ lệ"))
# words that may stand between a verb and its figure: `tăng nhẹ 2%`, `đạt khoảng 5 triệu tấn`
_FILLER = re.compile(
    fold(r"(?:\s|,|nhẹ|mạnh|mạnh mẽ|khá|cao|rất|nhiều|đáng kể|tích cực|ấn tượng|thêm|lên|xuống|chậm|tới|đến|ở mức|"
         r"mức|được|khoảng|hơn|trên|gần|xấp xỉ|dưới|là|với|ước|tính|đạt|chỉ|có|vẫn|tiếp tục|lần lượt|tương ứng|"
         r"trở lại|từ|của|trung bình)*")
)
_COMPARED = re.compile(fold(r"(?:cao hơn|thấp hơn|vượt)\s*$"))
_JOIN = re.compile(fold(r"[\s,;]*(?:và|còn)?[\s,;]*"))


@dataclass
class Figure:
    quantity: Quantity
    role: str  # value | change | plan | contribution | share | delta (an absolute change) | other
    unit: Unit
    change_pct: Optional[float] = None
    base: Optional[str] = None
    amount: Optional[float] = None  # signed contribution in percentage points
    direction: Optional[str] = None
    end: int = 0  # end of the figure with its base / plan / price phrase
    trailing: Optional[Token] = None  # that phrase
    hole_start: Optional[int] = None  # a share hides its cue word too (`chiếm 74%`)

    @property
    def start(self) -> int:
        return self.quantity.start


def _signed(direction: str, number: float) -> float:
    """The change in percent a verb gives a number: tăng 5% -> 5, giảm 5% -> -5, bằng 95% -> -5."""
    return round({"up": number, "down": -number, "index": number - 100}[direction], 6)


def read_figures(quantities: Sequence[Quantity], units: Sequence[Unit], tokens: Sequence[Token], plain: str) -> list[Figure]:
    figures: list[Figure] = []
    previous: dict[int, Figure] = {}
    listed: Optional[Figure] = None  # the last change of the main line: `giảm như: A giảm 3%; B 2%`
    for q in quantities:
        unit = _owner(units, q.start)
        if unit is None:
            continue
        last = previous.get(id(unit))
        since = last.end if last is not None else unit.start
        before = [t for t in tokens if since <= t.start and t.end <= q.start and unit.owns(t.start)]
        if q.kind == "bare":
            if _changed_by(before, q, plain):  # `tinh bột mì tăng 39, dăm gỗ tăng 46%`: a change without its unit
                figures.append(Figure(q, "other", unit, end=q.end))
                previous[id(unit)] = figures[-1]
            continue
        trailing = _trailing(tokens, q, plain)
        end = trailing.end if trailing is not None else q.end
        figure = _role(q, unit, before, trailing, end, last, plain, since)
        if figure is not None and figure.role == "change" and _AGAINST_A_RATE.match(plain, q.end):
            figure = Figure(q, "other", unit, end=end)  # `giảm 0,4% so với mức giảm của 7 tháng`: a change of a rate
        if figure is None and q.kind == "percent" and last is None and not any(t.has("verb") for t in before):
            figure = _unverbed(q, unit, before, trailing, end, listed) or _bracketed_item(q, unit, tokens, figures, plain)
        if figure is not None:
            figures.append(figure)
            previous[id(unit)] = figure
            if unit.main and figure.role == "change":
                listed = figure
    return figures


def _changed_by(before: Sequence[Token], q: Quantity, plain: str) -> bool:
    verb = _governing(before, q, plain)
    reading = verb.get("verb") if verb is not None else None
    return reading is not None and reading.value in ("up", "down")


def _owner(units: Sequence[Unit], position: int) -> Optional[Unit]:
    holders = [u for u in units if u.owns(position)]
    return min(holders, key=lambda u: u.end - u.start) if holders else None


_AGAINST_A_RATE = re.compile(fold(r"\s*(?:so với|so)\s+(?:mức|tốc độ)\s+(?:tăng|giảm)"))
_BEFORE_PLAN = re.compile(fold(r"\s*(?:so với|so)?\s*"))


def _trailing(tokens: Sequence[Token], q: Quantity, plain: str) -> Optional[Token]:
    """The base, plan or price phrase right after a figure (`tăng 5% so với cùng kỳ`,
    `đạt 79,1% so với kịch bản`)."""
    for token in tokens:
        if token.start < q.end:
            continue
        if token.start > q.end + 12:
            return None
        gap = plain[q.end : token.start]
        if token.has("base", "price") and not gap.strip(" "):
            return token
        if token.has("plan") and _BEFORE_PLAN.fullmatch(gap):
            return token
        if _BEFORE_PLAN.fullmatch(plain, q.end, token.end):
            continue  # the `với` of `so với kịch bản`
        return None
    return None


def _governing(before: Sequence[Token], q: Quantity, plain: str) -> Optional[Token]:
    """The last verb or share word before the figure with only filler words between."""
    for token in reversed(before):
        if token.has("bound", "status") and not token.has("verb"):
            continue
        if token.has("verb") or (token.has("nonfact") and plain[token.start : token.end] in SHARE_CUES):
            return token if _FILLER.fullmatch(plain, token.end, q.start) else None
        return None
    return None


def _role(q, unit, before, trailing, end, last, plain, since) -> Optional[Figure]:
    verb = _governing(before, q, plain)
    reading = verb.get("verb") if verb is not None else None
    direction = reading.value if reading is not None else None
    base = trailing.get("base").value if trailing is not None and trailing.get("base") else None
    if trailing is not None and trailing.get("base") and trailing.get("base").weight and q.kind not in ("times", "percent"):
        base = None
    plan = trailing is not None and trailing.has("plan")
    if verb is not None and verb.has("nonfact") and q.kind == "percent":
        return Figure(q, "share", unit, end=q.end, hole_start=verb.start)
    if q.kind == "other":
        return Figure(q, "other", unit, end=end)
    if q.kind == "points":
        contributes = [t.get("verb").value for t in before if t.get("verb") and t.get("verb").value.startswith("contribution")]
        if not contributes and last is not None and last.role == "contribution" and _JOIN.fullmatch(plain, last.end, q.start):
            return Figure(q, "contribution", unit, amount=q.number if last.amount >= 0 else -q.number, end=q.end)
        if not contributes:
            return None
        sign = -1 if contributes[-1] == "contribution_down" else 1
        return Figure(q, "contribution", unit, amount=sign * q.number, end=q.end)
    if q.kind == "times":
        if direction in ("times", "up"):  # `gấp 2,5 lần`, `tăng 3,2 lần`
            if base is None:
                base, end = _implied_base(plain, q.end, end)
            return Figure(q, "change", unit, round((q.number - 1) * 100, 6), base, end=end, trailing=trailing, direction="up")
        return None
    if q.kind == "percent":
        if plan and direction != "exceed" and not _COMPARED.search(plain, max(0, q.start - 12), q.start):
            return Figure(q, "plan", unit, end=end, trailing=trailing)
        if plan:  # `vượt 6% kế hoạch`, `cao hơn 2,98% kịch bản`: by how much a plan was beaten, not a share
            return None
        if q.sign:
            return Figure(q, "change", unit, q.sign * q.number, base, end=end, trailing=trailing, direction="up" if q.sign > 0 else "down")
        if direction == "index" and base is None:
            base, end = _implied_base(plain, q.end, end)
        if direction in ("up", "down", "index"):
            return Figure(q, "change", unit, _signed(direction, q.number), base, end=end, trailing=trailing, direction=direction)
        if direction == "level":
            if _growth_subject(before, plain):
                return Figure(q, "change", unit, q.number, base, end=end, trailing=trailing, direction="up")
            if base is not None:
                return Figure(q, "change", unit, _signed("index", q.number), base, end=end, trailing=trailing, direction="index")
            return None
        if verb is None and last is not None and last.role == "change" and last.direction in ("up", "down"):
            if _JOIN.fullmatch(plain, last.end, q.start):
                return Figure(q, "change", unit, _signed(last.direction, q.number), base, end=end, trailing=trailing,
                              direction=last.direction)
        return None
    if q.kind == "amount":
        if direction in ("up", "down", "index", "times"):
            # an absolute change (`tăng 500 tỷ đồng`) is not in the contract; after the value it changes it is
            # that value's (`đạt 35.870 tỷ đồng, tăng 8.480 tỷ đồng (tăng 31%)`)
            return Figure(q, "delta" if last is not None and last.role == "value" else "other", unit, end=end)
        return Figure(q, "value", unit, end=q.end if not (trailing and trailing.has("price")) else q.end)
    return None


_IMPLIED = re.compile(fold(r"\s*(?:của\s+|so\s+)?(?:(năm\s+\d{4}|năm trước|năm ngoái)|(cùng kỳ(?:\s+năm\s+(?:trước|ngoái|\d{4}))?))(?!\w)"))


def _implied_base(plain: str, start: int, end: int) -> tuple[Optional[str], int]:
    """`bằng 99,5% năm 2014`, `gấp 1,5 lần cùng kỳ`: an index names its base without `so với`."""
    match = _IMPLIED.match(plain, start)
    if match is None:
        return None, end
    return ("previous_year" if match.group(1) else "same_period_last_year"), max(end, match.end())


def _unverbed(q, unit, before, trailing, end, listed: Optional[Figure]) -> Optional[Figure]:
    """A percent with no verb of its own: an item of a list whose earlier item had one (`giảm như: cá
    hộp giảm 3%; nước mắm 2%`), or a prior figure (`(cùng kỳ 5,5%)`)."""
    base = trailing.get("base").value if trailing is not None and trailing.get("base") else None
    if unit.kind == "bracket" and any(t.get("base") and t.get("base").weight for t in before):
        return Figure(q, "change", unit, q.number, base, end=end, trailing=trailing, direction="up")
    if listed is not None and unit.main and unit.index > listed.unit.index and unit.kind == listed.unit.kind:
        direction = listed.direction if listed.direction in ("up", "down") else "up"
        return Figure(q, "change", unit, _signed(direction, q.number), base, end=end, trailing=trailing, direction=direction)
    return None


def _bracketed_item(q, unit, tokens: Sequence[Token], figures: Sequence[Figure], plain: str) -> Optional[Figure]:
    """`nhiều địa phương có chỉ số tăng cao như Trà Vinh (40,5%), Bắc Kạn (28,1%)`: a bare percent in
    brackets after each item takes the direction of the verb that opened the list, when no figure of
    the main line stands between."""
    if unit.kind != "bracket" or plain[unit.start + 1 : q.start].strip() or plain[q.end : unit.end].strip(" )"):
        return None
    verb = next((t for t in reversed(tokens) if t.end <= unit.start and t.get("verb")), None)
    if verb is None or verb.get("verb").value not in ("up", "down"):
        return None
    if any(verb.end <= f.start < unit.start and f.unit.kind != "bracket" for f in figures):
        return None
    direction = verb.get("verb").value
    return Figure(q, "change", unit, _signed(direction, q.number), end=q.end, direction=direction)


def _growth_subject(before: Sequence[Token], plain: str) -> bool:
    """`tốc độ tăng trưởng … đạt 8%`, `tốc độ tăng giá trị tăng thêm … đạt 7,2%`, `đạt mức tăng
    trưởng 8%`: a level that is a growth rate."""
    for token in reversed(before):
        metric = token.get("metric")
        if metric is not None and metric.value == "value_added" and metric.weight == 1:
            return True
        verb = token.get("verb")
        if verb is not None and verb.value == "up":
            return True
    return False
