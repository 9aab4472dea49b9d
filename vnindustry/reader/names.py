"""Names: what a figure is about, read from the words of its own region.

Metrics, sections and branches come from the lexicon; products are an open class, so a
noun-phrase chunker takes the product as the article names it (commas, `và`, brackets and
spelling variants kept, generic words dropped) and the catalogue only gives its section.
A province is never a product: place names end a chunk.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

from vnindustry.reference import load_table, split_list
from vnindustry.reader.lexicon import NATIONAL_RANK, Token, fold
from vnindustry.reader.text import Forms, lower_same_length, search_form

PHYSICAL_UNITS = frozenset({"tonne", "m3", "kwh", "litre", "m2", "piece", "pair"})
NAME_TOKEN_KINDS = ("sector", "division", "product", "place", "national", "anaphora", "metric", "home")
STOP_KINDS = ("verb", "status", "base", "plan", "price", "opener", "cause", "comparison", "contrast", "respectively",
              "bound", "place", "locality", "national", "home", "anaphora", "metric", "nonfact", "rank")
_LEADING = re.compile(search_form(r"^(?:(?:các|những|một số|nhiều|số|sản phẩm|mặt hàng|hàng|như|gồm|bao gồm|là|và|còn|"
                           r"tổng sản lượng|sản lượng|lượng|tổng|toàn bộ|chủ yếu|chủ lực|một|đối với|với)\s+)+"))
_TRAILING = re.compile(search_form(r"(?:\s+(?:các loại|sản xuất|khai thác|tiêu thụ|thực hiện|chủ yếu|chủ lực|"
                            r"thành phẩm các loại|cả năm|cả giai đoạn|trong giai đoạn|trong|đạt|của|toàn tỉnh|ước|chỉ|vẫn|cũng|đã|đều|cùng))+$"))
_TOGETHER = re.compile(search_form(r"\s(?:cùng|đều)$"))
_AND = re.compile(search_form(r"\s*(?:,|\svà\s)\s*"))
_GENERIC = re.compile(search_form(r"(?<!\w)(?:các loại|sản phẩm|mặt hàng|chủ yếu|chủ lực)(?!\w)"))
_FRAME = re.compile(search_form(r"^(?:theo|về|đối với|tại|trong|tính chung|lũy kế|luỹ kế|so với|ngoài ra|bên cạnh|hiện|"
                         r"năm|tháng|quý|riêng|cụ thể|trong đó|đáng chú ý|nhìn chung|nhờ|do|đến|tính đến|tính từ|từ|đầu năm|cuối năm)(?!\w)"))
_BRANCH = re.compile(search_form(r"^(?:ngành|nhóm ngành|lĩnh vực|khu vực|công nghiệp|nhóm|sản xuất|chế biến|khai thác|sửa chữa|"
                                  r"lắp ráp|thu gom|xử lý|dệt|may)(?!\w)"))
_LIST_INTRODUCER = re.compile(search_form(r".*\s(?:như|gồm|bao gồm|là)\s+") + r"(?=\S)")
_AGENT = re.compile(search_form(r"^(?:(các\s+|những\s+|nhiều\s+|toàn bộ\s+|hầu hết\s+|một số\s+)|một\s+|mỗi\s+)?"
                         r"(?:nhà máy|công ty|tập đoàn|xí nghiệp|cơ sở|doanh nghiệp|hợp tác xã|đơn vị|làng nghề|tổng công ty)(?!\w)"))
_ENDERS = re.compile(search_form(r"\s(?:của|tại|ở|trong|trên|thuộc|từ đầu năm|đến)(?!\w)"))
_WORD = re.compile(r"\w+", re.UNICODE)
# words that alone never name a product: verbs, adverbs, generic nouns of these reports
NON_NAME = frozenset(search_form(
    "tiếp tục vẫn cũng đã đều chỉ nhẹ mạnh khá cao thấp hơn so cùng kỳ giữ mức ổn định duy trì tốt có được là với và "
    "các những này đó nay hiện sản xuất khai thác chế biến tiêu thụ công nghiệp doanh nghiệp nhà máy tỉnh thành phố "
    "toàn ngành trong đạt ước lên xuống thêm tăng giảm chậm nhanh đáng kể trở lại đà phục hồi liên năm tháng quý "
    "trước sau đầu cuối chung số lượng riêng nhìn nhiều ít một hai ba tổng cộng khoảng bình quân "
    "của tại ở cho từ đến tới về theo do bởi vì nhờ như thì mà nên rất ra vào lại đây đó kia này ấy chiều "
    "ngược mức tiếp thời gian qua vừa hết trong ngoài trên dưới giữa cả toàn các những khu vực địa bàn ngành lĩnh điểm nhóm "
    "hoạt động"
).split())


def is_branch_worded(text: str) -> bool:
    """`ngành dệt`, `sản xuất giường, tủ`: words that make a name a branch, not goods."""
    return _BRANCH.match(text.lstrip(" ,")) is not None


def has_name_words(text: str) -> bool:
    """Whether a stretch of text holds a word that could name something (`phụ tùng` before `xe có động cơ`)."""
    return any(_plain_word(w) not in NON_NAME for w in _WORD.findall(text))


@dataclass(frozen=True)
class Chunk:
    """The first noun phrase of a region: a product, a branch (`ngành X`), the firms that made
    the figure (`các doanh nghiệp dệt may`: the product follows the quantity) or one entity
    (`Nhà máy Đạm Cà Mau`, `một nhà máy`: a single plant's output is not a statistic)."""

    name: str
    kind: str  # product | branch | agent | entity
    section: Optional[str] = None
    known: bool = False
    together: tuple[tuple[str, Optional[str]], ...] = ()  # `thép thanh và phân urê cùng tăng 8,8%`: (name, section) each


@dataclass
class Subject:
    metric: Optional[str] = None
    metric_weight: int = 0
    sector: Optional[str] = None
    division: Optional[str] = None
    product: Optional[str] = None  # as written, lower case, generic words dropped
    product_section: Optional[str] = None
    product_known: bool = False  # named in the catalogue
    products: tuple[tuple[str, Optional[str]], ...] = ()  # several products sharing one figure, with their sections
    branch: bool = False  # `ngành X`: a branch, never a product
    branch_name: Optional[str] = None
    agent: bool = False  # `các doanh nghiệp …`: who made it; the product is named after the quantity
    entity: bool = False  # `Nhà máy Đạm Cà Mau`, `một nhà máy`: one plant's figure, not a statistic
    named_after: bool = False  # the name comes only after the quantity (`cho ra 162 nghìn tấn đường`)
    place: Optional[str] = None
    places: list[str] = field(default_factory=list)  # `các tỉnh A, B và C cùng tăng 6%`: one figure, several places
    home: bool = False
    anaphora: Optional[str] = None  # metric (`chỉ số này`) | sector (`ngành này`)
    not_fact: bool = False
    division_token: Optional[Token] = None
    division_in_name: bool = False
    names: list[Token] = field(default_factory=list)

    @property
    def named(self) -> bool:
        """Whether the region names something of its own (a new statement starts)."""
        return bool(self.names) or self.product is not None or self.branch


def read_subject(spans: Sequence[tuple[int, int]], tokens: Sequence[Token], forms: Forms,
                 periods: Sequence[tuple[int, int]] = (), chunk: bool = True) -> Subject:
    """The subject named in the text spans of a region (tokens = those inside the spans)."""
    subject = Subject()
    metrics = [t for t in tokens if t.get("metric")]
    if metrics:
        best = max(metrics, key=lambda t: (t.get("metric").weight, t.start))
        subject.metric, subject.metric_weight = best.get("metric").value, best.get("metric").weight
    strong = max((t.start for t in metrics if t.get("metric").weight >= 2 or t.get("metric").value == "output"), default=-1)
    # out-of-contract words after the metric make the figure theirs (`giá trị sản xuất … của các doanh
    # nghiệp FDI`); a scope (an industrial park, an ownership sector) does wherever it is named
    subject.not_fact = any(t.has("nonfact") and (t.start > strong or t.get("nonfact").weight == 2) for t in tokens)
    # a district named alone (`Tiền Hải tăng 16,1%`) is the figure's place: below a province, not a row
    subject.not_fact = subject.not_fact or any(t.has("locality") and not t.has("place", "national") for t in tokens)
    ranked = False
    for token in tokens:
        if token.has("sector", "division", "product", "place", "national", "anaphora", "metric", "home"):
            subject.names.append(token)
        if token.get("anaphora"):
            subject.anaphora = token.get("anaphora").value
        if token.get("rank"):
            ranked = True
        if token.get("place") or (token.get("national") and not ranked and token.get("national").weight != NATIONAL_RANK):
            subject.place = (token.get("place") or token.get("national")).value  # not `xếp thứ 6 cả nước`
        if token.get("home") and not subject.place:
            subject.home = True
    subject.places = _coordinated_places(tokens, forms.plain)
    whats = [t for t in tokens if t.has("sector", "division")]
    if whats and (subject.anaphora is None or whats[-1].start > _last(tokens, "anaphora")):
        last = whats[-1]
        if last.get("sector"):
            subject.sector = last.get("sector").value
        else:
            subject.division = last.get("division").value
            subject.division_token = last
    chunk = product_chunk(spans, tokens, forms, periods) if chunk else None
    if chunk is not None:
        subject.branch = chunk.kind == "branch"
        subject.branch_name = chunk.name if subject.branch else None
        subject.agent = chunk.kind == "agent"
        if chunk.kind == "entity":
            subject.not_fact = subject.entity = True
        if chunk.kind == "product":
            subject.product, subject.product_section, subject.product_known = chunk.name, chunk.section, chunk.known
            subject.products = chunk.together
            # `phụ tùng xe có động cơ`, `máy khâu công nghiệp`: a branch's words inside a product's name, not the branch
            inside = whats and not whats[-1].has("metric") and _inside_name(chunk, whats[-1], forms)
            subject.division_in_name = bool(inside and subject.division_token is not None)
            if inside and subject.sector is not None:
                subject.sector = None
    return subject


def _inside_name(chunk: Chunk, token: Token, forms: Forms) -> bool:
    """Whether the branch token sits inside the product name after words that name something."""
    written = forms.search[token.start : token.end]
    name = search_form(chunk.name)
    at = name.find(written)
    return at > 0 and has_name_words(name[:at])


_PLACE_GLUE = re.compile(r"\s*(?:,|;|và|va)\s*")


def _coordinated_places(tokens: Sequence[Token], plain: str) -> list[str]:
    """The last run of places joined only by `,` / `và` in a region (`Bắc Ninh, Hà Nam và Ninh Bình`)."""
    run: list[Token] = []
    for token in tokens:
        if not token.has("place", "national"):
            continue
        if run and not _PLACE_GLUE.fullmatch(plain, run[-1].end, token.start):
            run = []
        run.append(token)
    codes = [(t.get("place") or t.get("national")).value for t in run]
    return codes if len(codes) > 1 else []


def _last(tokens: Sequence[Token], kind: str) -> int:
    return max((t.start for t in tokens if t.has(kind)), default=-1)


def product_chunk(spans, tokens, forms: Forms, periods=()) -> Optional[Chunk]:
    """The first noun phrase of a region (see Chunk).

    The region is cut at verbs, status, periods, places and other cue words; candidates that
    open with a frame (`Theo …`, `Về …`, `Trong …`) are skipped; the first one left is the name.
    """
    stops = sorted([(t.start, t.end) for t in tokens if _stops(t, forms.plain, _span_end(spans, t.start))] + list(periods))
    for start, end in spans:
        cursor = start
        for stop_start, stop_end in stops + [(end, end)]:
            if stop_end <= cursor or stop_start < start:
                continue
            stop_start = min(max(stop_start, cursor), end)
            found = _candidate(cursor, stop_start, forms)
            if found is not None:
                return found
            cursor = max(cursor, stop_end)
            if cursor >= end:
                break
    return None


_ACTIVITY = re.compile(search_form(r"^(?:sản xuất|khai thác|chế biến)\s+"))


def made_product(branch_name: str) -> Optional[tuple[str, Optional[str]]]:
    """`khai thác đá xây dựng 2,2 triệu m3`: an activity measured in a physical unit is its product."""
    activity = _ACTIVITY.match(branch_name)
    if activity is None:
        return None
    name = branch_name[activity.end():].strip()
    return (name, product_section(fold(name))[0]) if name and _plain_word(name.split()[0]) not in NON_NAME else None


def _span_end(spans, position: int) -> int:
    return next((e for s, e in spans if s <= position < e), position)


_NAME_VERBS = frozenset(("index", "times", "level"))
_FILLER_TO_END = re.compile(fold(r"[\s,]*(?:(?:khoảng|hơn|trên|gần|dưới|xấp xỉ|mức|ước|chỉ|đạt)\s*)*$"))


def _stops(token: Token, plain: str, region_end: int) -> bool:
    """Cue words end a name, except product and branch names, and except `bằng`, `có`, `là` …
    inside a name (`ghế có khung bằng gỗ`) when they do not govern the figure."""
    if token.has("product", "division", "sector") or not token.has(*STOP_KINDS):
        return False
    verb = token.get("verb")
    if verb is not None and verb.value in _NAME_VERBS and len(token.readings) == 1:
        return bool(_FILLER_TO_END.match(plain, token.end, region_end))
    return True


def _candidate(start: int, end: int, forms: Forms):
    """Word rules run on the toned lower case (`đá` is a stone, `đã` a tense word); catalogue
    look-ups on the folded form."""
    body, plain = forms.body, forms.plain
    toned = forms.search[start:end]
    for piece in re.finditer(r"[^;:()]+", toned):
        s, e = start + piece.start(), start + piece.end()
        raw = toned[s - start : e - start]
        s += len(raw) - len(raw.lstrip(" ,.-–+•*\n"))
        raw = toned[s - start : e - start].rstrip(" ,.-–")
        e = s + len(raw)
        if not raw or not _WORD.search(raw):
            continue
        if _FRAME.match(raw):
            return None if "," not in raw else _candidate(s + raw.index(",") + 1, e, forms)
        introduced = _LIST_INTRODUCER.match(raw)  # `tăng mạnh như tôm đông lạnh` -> `tôm đông lạnh`
        if introduced:
            s += introduced.end()
            raw = raw[introduced.end():]
        if all(w.strip(",") in NON_NAME for w in raw.split()):
            return None
        if _BRANCH.match(raw) and fold(raw) not in _catalogue():
            return Chunk(raw, "branch")
        agent = _AGENT.match(raw)
        if agent:
            return Chunk(raw, "agent" if agent.group(1) else "entity")
        ender = _ENDERS.search(raw)
        if ender:
            raw = raw[: ender.start()]
        leading = _LEADING.match(raw)
        if leading:
            s += leading.end()
            raw = raw[leading.end():]
        trailing = _TRAILING.search(raw)
        together = bool(trailing and _TOGETHER.search(raw))
        if trailing and fold(raw) not in _catalogue():
            raw = raw[: trailing.start()]
        e = s + len(raw)
        written = list(lower_same_length(body[s:e]))
        for generic in _GENERIC.finditer(toned, s - start, e - start):  # `xi măng các loại` -> `xi măng`
            written[generic.start() + start - s : generic.end() + start - s] = " " * (generic.end() - generic.start())
        name = " ".join("".join(written).split()).strip(" ,")
        words = name.split()
        if not words or max(len(part.split()) for part in _AND.split(name)) > 7 or not name[0].isalpha() or all(_plain_word(w) in NON_NAME for w in words):
            return None
        section, known = product_section(" ".join(plain[s:e].split()))  # `đá các loại`: B, though `đá` alone is not
        if section is None:
            section, known = product_section(fold(name))
        parts = [p for p in _AND.split(name) if p] if together and fold(name) not in _catalogue() else []
        shared = tuple((p, product_section(fold(p))[0]) for p in parts) if len(parts) > 1 else ()
        return Chunk(name, "product", section, known, shared)
    return None


@lru_cache(maxsize=8192)
def _plain_word(word: str) -> str:
    return search_form(word.strip(","))


@lru_cache(maxsize=None)
def _catalogue() -> dict[str, str]:
    """Every catalogue name and alias (folded) -> section."""
    table: dict[str, str] = {}
    for row in load_table("products"):
        for phrase in [row["name_vi"], *split_list(row["aliases"])]:
            table[fold(phrase)] = row["section"]
    return table


@lru_cache(maxsize=None)
def _heads() -> dict[str, Optional[str]]:
    """First word of every catalogue name -> its section when all names with that head agree."""
    heads: dict[str, set[str]] = {}
    for phrase, section in _catalogue().items():
        heads.setdefault(phrase.split()[0], set()).add(section)
    return {head: sections.pop() if len(sections) == 1 else None for head, sections in heads.items()}


@lru_cache(maxsize=4096)
def product_section(name: str) -> tuple[Optional[str], bool]:
    """Section of a product as named (folded): exact alias, else the longest alias it starts
    with, else the section of its head word when the catalogue agrees on one."""
    catalogue = _catalogue()
    flat = name.replace(",", " ")
    flat = " ".join(flat.split())
    for candidate in (name, flat):
        if candidate in catalogue:
            return catalogue[candidate], True
    prefixes = [p for p in catalogue if flat.startswith(p + " ")]
    if prefixes:
        return catalogue[max(prefixes, key=len)], True
    heads = [h for h in _product_heads() if flat == h or flat.startswith(h + " ")]
    if heads:
        return _product_heads()[max(heads, key=len)], False
    return _heads().get(flat.split()[0]), False


@lru_cache(maxsize=None)
def _product_heads() -> dict[str, str]:
    """Head words of products outside the catalogue -> section (vocabulary/product_heads.csv)."""
    path = Path(__file__).parents[1] / "vocabulary" / "product_heads.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {fold(row["head"]): row["section"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=None)
def division_section(code: str) -> str:
    """The VSIC section (B-E) of a level-2 division."""
    return {r["code"]: r["section"] for r in load_table("vsic_divisions")}[code]
