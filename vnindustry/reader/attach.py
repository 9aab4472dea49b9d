"""Attachment: each statement takes its subject, period, place, status, base and price basis from
its own words first, then from the statement it hangs on (the one before it in its unit, its
list's lead-in, the figure its bracket follows, the clause before it in the sentence), then from
the discourse topic, then from the article (its province, its dateline). Never from a bracket,
cause or comparison it is not in. Where nothing grounds a period or a place, no row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Optional

from vnindustry.contract import PARSER_VERSION, Observation
from vnindustry.reader.clauses import Unit
from vnindustry.reader.discourse import CONTINUING_OPENERS, Topic
from vnindustry.reader.figures import Figure
from vnindustry.reader.geography import geo_for
from vnindustry.reader.lexicon import OFFICIAL_NAME, fold
from vnindustry.reader.names import PHYSICAL_UNITS, division_section, is_branch_worded, made_product
from vnindustry.reader.periods import Period
from vnindustry.reader.statements import Statement
from vnindustry.reader.text import Sentence

AGGREGATES = ("production_value", "iip", "value_added")
METRIC_UNITS = {
    "production_value": {"bn_vnd"},
    "value_added": {"bn_vnd"},
    "iip": set(),
    "growth_contribution": {"pp"},
    "output": PHYSICAL_UNITS,
    "inventory": PHYSICAL_UNITS,
}
_HORIZON_WORDS = tuple(fold(w) for w in ("đến", "tới", "từ", "tầm nhìn", "định hướng", "trước", "sau", "khởi công", "vào"))


@dataclass
class ArticleFacts:
    article_id: str
    published: Optional[date]
    published_source: str  # published | dateline
    stated_years: list[tuple[int, int, int]] = field(default_factory=list)  # (position, year, paragraph)


@dataclass
class Resolved:
    """A statement with everything it took, and where each came from."""

    statement: Statement
    metric: Optional[str] = None
    sector: Optional[str] = None
    division: Optional[str] = None
    product: Optional[str] = None
    period: Optional[Period] = None
    place: Optional[str] = None
    status: Optional[str] = None
    base: Optional[str] = None
    price: Optional[str] = None
    own_metric: bool = False
    not_fact: bool = False
    measured: Optional[str] = None  # what a contribution contributes to; else the metric
    sources: dict[str, str] = field(default_factory=dict)


@dataclass
class SentenceContext:
    sentence: Sentence
    search: str
    plain: str
    opener: Optional[str]
    topic: Topic
    article: ArticleFacts
    resolved: list[Resolved] = field(default_factory=list)
    sentence_periods: list[Period] = field(default_factory=list)
    tokens: list = field(default_factory=list)

    def anchor(self, statement: Statement) -> tuple[Optional[Resolved], str]:
        """The resolved statement this one hangs on, and how (unit, host, list, lead, sentence)."""
        by_statement = {id(r.statement): r for r in self.resolved}
        if statement.host is not None and id(statement.host) in by_statement:
            kind = "host" if statement.unit.kind in ("bracket", "aside") else "unit"
            return by_statement[id(statement.host)], kind
        unit = statement.unit
        same = [r for r in self.resolved if r.statement.unit is unit]
        if same:
            return same[-1], "unit"
        return self._before_unit(unit)

    def _before_unit(self, unit: Unit) -> tuple[Optional[Resolved], str]:
        if unit.kind in ("bracket", "aside", "cause", "comparison") and unit.parent is not None:
            inside = [r for r in self.resolved if r.statement.unit is unit.parent and r.statement.start < unit.start]
            if inside:
                return inside[-1], "host"
            return self._before_unit(unit.parent)
        earlier = [r for r in self.resolved if r.statement.unit.main and r.statement.unit.index < unit.index
                   and r.sources.get("subject") != "unknown"]  # an item the reader could not name hands nothing on
        if earlier:
            how = "list" if unit.kind == "item" else "sentence"
            return earlier[-1], how
        return None, "topic"


def resolve(statement: Statement, context: SentenceContext) -> Resolved:
    anchor, how = context.anchor(statement)
    topic = context.topic
    subject = statement.subject
    result = Resolved(statement, not_fact=subject.not_fact or any(f.role == "other" for f in statement.figures))
    continues = context.opener in CONTINUING_OPENERS

    _subject(result, statement, anchor, how, context)
    if anchor is not None and how in ("unit", "host") and anchor.not_fact and (
            not subject.named or (subject.named_after and anchor.statement.subject.entity)):
        # `xuất khẩu đạt 5 tỷ USD, tăng 18%`: the change is the exports'; `một nhà máy … ép 1,45 triệu tấn
        # mía, cho ra 162 nghìn tấn đường`: so is the plant's second figure
        result.not_fact = True
    if result.not_fact and statement.figures:
        result.measured = "nonfact"
    result.own_metric = subject.metric is not None and subject.metric_weight >= 1 and subject.anaphora is None
    thread = topic.thread(result.measured) if result.own_metric and result.measured != topic.metric else None
    continues = continues or not result.own_metric or result.metric == topic.metric or thread is not None
    carried = thread or topic

    _period(result, statement, anchor, how, context)
    _place(result, statement, anchor, how, context)
    _status(result, statement, anchor, how, carried, continues)
    _base(result, statement, anchor, how, carried, continues or result.product is not None, context)
    _price(result, statement, anchor, how, topic.thread(result.measured) if result.measured != topic.metric else topic)
    context.resolved.append(result)
    return result


def _inherit(result: Resolved, name: str, anchor: Optional[Resolved], how: str, topic: Topic, use_topic: bool = True):
    if anchor is not None and getattr(anchor, name) is not None:
        result.sources[name] = how
        return getattr(anchor, name)
    if use_topic and getattr(topic, name) is not None:
        result.sources[name] = "topic"
        return getattr(topic, name)
    return None


def _subject(result: Resolved, statement: Statement, anchor, how, context: SentenceContext) -> None:
    subject = statement.subject
    topic = context.topic
    value = statement.value()
    contribution = any(f.role == "contribution" for f in statement.figures)
    unit = value.quantity.unit if value is not None else None
    inherited_metric = anchor.measured if anchor is not None and anchor.measured else topic.metric
    source = "own"
    if not statement.figures and subject.metric is None and subject.product is None and _speaks_of_products(statement, context):
        result.metric = result.measured = "output"  # `một số sản phẩm chủ lực tăng cao.`: the products follow
        result.sources["subject"] = source
        return
    if subject.anaphora == "metric":
        donor = anchor if anchor is not None and anchor.metric else None
        result.metric = donor.metric if donor else topic.metric
        result.sector = donor.sector if donor else topic.sector
        result.division = donor.division if donor else topic.division
        source = "anaphora"
    product_words = subject.product is not None and not subject.branch
    goods = (subject.product is None and value is None and not contribution and subject.anaphora is None
             and _product_worded_in_products(subject, statement, anchor, context))
    is_product = False
    if unit in PHYSICAL_UNITS or goods:
        is_product = True
    elif value is None and not contribution and product_words and subject.anaphora is None and subject.metric not in AGGREGATES:
        named_branch = subject.sector is not None or (subject.division is not None and not _division_is_product(subject))
        if subject.metric in ("output", "inventory"):
            is_product = True
        elif not named_branch and (inherited_metric in ("output", "inventory") or subject.product_known
                                   or _among_products(statement, anchor, context)):
            is_product = True
        elif not named_branch:
            result.sources["subject"] = "unknown"  # a name the reader cannot place: no row rather than a wrong one
            return
    elif (subject.branch and subject.sector is None and subject.division is None and subject.anaphora is None
          and subject.metric not in AGGREGATES and value is None and not contribution):
        result.sources["subject"] = "unknown"  # `sản xuất dụng cụ câu cá tăng 12%`: a branch not in VSIC's names
        return
    if is_product:
        name, section = subject.product, subject.product_section
        if name is None and subject.branch_name and unit in PHYSICAL_UNITS:
            name, section = made_product(subject.branch_name) or (None, None)
        if name is None and goods:
            name, section = _as_written(subject.division_token, context), division_section(subject.division)
        if name is None and anchor is not None and anchor.product and anchor.statement.unit is statement.unit:
            name, source = anchor.product, how
        result.product = name
        result.sector = section if subject.product or section else anchor.sector if anchor else None
        result.metric = "inventory" if subject.metric == "inventory" or (
            subject.metric is None and inherited_metric == "inventory" and subject.product is None) else "output"
        result.measured = result.metric
        result.sources["subject"] = source
        return
    if contribution:
        result.metric = "growth_contribution"
        result.measured = inherited_metric if inherited_metric in AGGREGATES else None
    elif result.metric is None:
        own = subject.metric if subject.metric in AGGREGATES else None
        if own is None and subject.metric is None:
            own = inherited_metric if inherited_metric in AGGREGATES or inherited_metric == "nonfact" else None
            source = how if anchor is not None and anchor.metric else "topic"
        if unit == "bn_vnd" and own not in ("production_value", "value_added"):
            own = "production_value"
        result.metric = own
    if subject.not_fact and result.metric is not None:
        result.not_fact = True
    if subject.sector is not None or subject.division is not None:
        if subject.division is not None and subject.sector is None:
            result.division, result.sector = subject.division, division_section(subject.division)
        else:
            result.sector = subject.sector
        source = "own"
    elif subject.anaphora == "sector":
        named = _last_named(statement, context)
        if named is not None:
            kind, code = named
            result.sector = division_section(code) if kind == "division" else code
            result.division = code if kind == "division" else None
        source = "anaphora"
    elif subject.anaphora == "metric":
        pass
    elif subject.metric is not None and subject.metric in AGGREGATES and not contribution:
        result.sector = "industry" if subject.metric in ("production_value", "iip") else None
    else:
        donor = anchor if anchor is not None else None
        if donor is not None and (donor.sector is not None or donor.metric is not None):
            result.sector, result.division = donor.sector, donor.division
            source = how
        elif topic.metric is not None:
            result.sector, result.division = topic.sector, topic.division
            source = "topic"
        if result.sector is None and result.metric in ("production_value", "iip"):
            result.sector = "industry"
    if result.metric is None and source == "own" and result.sector is not None and statement.changes():
        # `ngành sản xuất kim loại tăng 15%`: a branch's growth is its index; industry and
        # construction together have no index, their growth is that of their value added
        result.metric, source = ("value_added" if result.sector == "industry_construction" else "iip"), "default"
    if result.metric == "nonfact":
        result.not_fact = True
    if result.measured is None:
        result.measured = result.metric
    if result.not_fact and statement.figures:
        result.measured = "nonfact"  # what continues it is out of the contract too
    result.sources["subject"] = source


_PRODUCT_WORDS = re.compile(fold(r"(?<!\w)(?:sản phẩm|mặt hàng|sản lượng)(?!\w)"))


def _among_products(statement: Statement, anchor: Optional[Resolved], context: SentenceContext) -> bool:
    """Whether a name with a bare change sits among products: its own words or its list's lead-in
    speak of products (`Một số sản phẩm tăng như: …`), or the item before it was one."""
    if anchor is not None and anchor.product is not None and anchor.statement.unit.main == statement.unit.main:
        return True
    previous = next((r for r in reversed(context.resolved) if r.statement.figures), None)
    if previous is not None and previous.product is not None and previous.statement.unit.kind == statement.unit.kind:
        return True  # `mạch in (+132,9%), túi xách (+46,2%)`: bracketed figures of a list of products
    lead = _lead(context)
    return _speaks_of_products(statement, context) or (
        lead is not None and _in_list(statement.unit) and _speaks_of_products(lead.statement, context))


def _speaks_of_products(statement: Statement, context: SentenceContext) -> bool:
    return any(_PRODUCT_WORDS.search(context.plain, s, e) for s, e in statement.spans)


def _in_list(unit) -> bool:
    while unit is not None and not unit.main:
        unit = unit.parent
    return unit is not None and unit.kind == "item"


def _as_written(token, context: SentenceContext) -> str:
    start = token.start - context.sentence.start
    return context.sentence.text[start : start + token.end - token.start].lower()


def _product_worded_in_products(subject, statement: Statement, anchor, context: SentenceContext) -> bool:
    """`giường, tủ, bàn, ghế (+84,7%)` in a list of products: a branch's name without a branch's
    word (`ngành`, `sản xuất` …) names the goods."""
    token = subject.division_token
    if token is None or token.get("division").weight == OFFICIAL_NAME:
        return False
    first = next(t for t in statement.tokens if t.get("division"))  # `chế biến gỗ và sản phẩm từ gỗ`: the whole name
    lead = _lead(context)
    words = [context.plain[s:e] for s, e in statement.spans + (lead.statement.spans if lead is not None else [])]
    return (not is_branch_worded(context.search[first.start : first.end]) and not any(_BRANCH_WORDS.search(w) for w in words)
            and _among_products(statement, anchor, context))


_BRANCH_WORDS = re.compile(fold(r"(?<!\w)(?:ngành|lĩnh vực)(?!\w)"))


def _lead(context: SentenceContext) -> Optional[Resolved]:
    return next((r for r in reversed(context.resolved) if r.statement.unit.kind == "lead"), None)


def _division_is_product(subject) -> bool:
    """`linh kiện điện tử`: one phrase, a product and a branch; the product reading needs its catalogue entry."""
    token = subject.division_token
    return token is not None and (token.has("product") or subject.division_in_name)


def _last_named(statement: Statement, context: SentenceContext) -> Optional[tuple[str, str]]:
    """The section or branch named last before this statement in the sentence's main line, else before."""
    found = None
    for resolved in context.resolved:
        if resolved.statement.unit.main and resolved.statement.start < statement.start:
            for token in resolved.statement.tokens:
                if token.get("sector"):
                    found = ("sector", token.get("sector").value)
                elif token.get("division"):
                    found = ("division", token.get("division").value)
    return found or context.topic.last_named


def _dating(statement: Statement, context: SentenceContext) -> list[Period]:
    """Periods of the statement's own words that date a figure: not the year of a base
    (`so với cùng kỳ năm 2022`), a plan, a price basis, or a horizon (`đến năm 2030`)."""
    covered = [(t.start, t.end) for t in statement.tokens if t.has("base", "plan", "price")]
    periods = []
    for period in statement.periods:
        if not any(s <= period.start < e for s, e in covered) and not _compared_to(period, context):
            periods.append(period)
    return periods


_COMPARED_TO = re.compile(fold(r"(?<!\w)(?:so(?: với)?|hơn)\s+$"))


def _compared_to(period: Period, context: SentenceContext) -> bool:
    """`so với 9 tháng đầu năm 2015`, `tích cực hơn quý III/2023`: a period right after `so (với)` or
    `hơn` is a base, whatever its words."""
    return _COMPARED_TO.search(context.plain, max(0, period.start - 10), period.start) is not None


def is_horizon(period: Period, plain: str) -> bool:
    """`đến năm 2030`, `từ năm 2024`, `tầm nhìn 2050`: a year that dates no figure."""
    before = plain[max(0, period.start - 14) : period.start].rstrip()
    return before.endswith(_HORIZON_WORDS)


def _horizon(period: Period, context: SentenceContext) -> bool:
    return is_horizon(period, context.plain)


def _period(result: Resolved, statement: Statement, anchor, how, context: SentenceContext) -> None:
    first_figure = statement.figures[0].start if statement.figures else statement.unit.end
    own = [p for p in _dating(statement, context) if p.start < first_figure]
    horizon = [p for p in own if _horizon(p, context)]
    own = [p for p in own if p not in horizon]
    if not own and statement.figures:
        s, e = statement.after
        covered = [(t.start, t.end) for t in context.tokens if s <= t.start < e and t.has("base", "plan", "price")]
        own = [p for p in context_periods(context, s, e, statement)
               if not _horizon(p, context) and not _compared_to(p, context) and not any(a <= p.start < b for a, b in covered)][:1]
    period: Optional[Period] = own[-1] if own else None
    if period is None and horizon and _says_target(statement):
        period = horizon[-1]
    prior = _prior_period(statement, anchor, context) if period is None else None  # `mức tăng 5,8% của 6 tháng đầu năm nay`
    if prior is not None:
        result.period, result.sources["period"] = prior, "prior"
        return
    if period is None:
        result.period = _inherit(result, "period", anchor, how, context.topic)
        month = context.topic.month
        if result.period is not None and month is not None and _month_on_month(statement, result.period):
            result.period, result.sources["period"] = month, "topic_month"  # `tăng 3% so với tháng trước`
        return
    result.sources["period"] = "own"
    if period.to_date:
        period = _to_date(period, anchor, context)
        if period is None:
            result.sources["period"] = "unknown"  # `lũy kế` with no month to run to: no row rather than a guess
            return
    result.period = _with_year(period, result, anchor, context)


def _to_date(period: Period, anchor: Optional[Resolved], context: SentenceContext) -> Optional[Period]:
    """`lũy kế năm 2024`, `Lũy kế đến nay` after `tháng 8/2024`: January to the last month named."""
    for donor in (context.topic.month, anchor.period if anchor is not None else None, context.topic.period):
        if donor is None or donor.last_year or (period.year is not None and donor.year not in (None, period.year)):
            continue
        if donor.first_month == 1 and donor.last_month == 12:
            continue
        return replace(period, last_month=donor.last_month, year=period.year or donor.year, to_date=False)
    return None


def _month_on_month(statement: Statement, period: Period) -> bool:
    """A change against the month (or quarter) before, read under a topic spanning many months,
    speaks of the last month named."""
    spans = (period.last_year or period.year or 0) * 12 + period.last_month - (period.year or 0) * 12 - period.first_month
    return spans > 2 and bool(statement.changes()) and all(f.base == "previous_period" for f in statement.changes())


def context_periods(context: SentenceContext, start: int, end: int, statement: Statement) -> list[Period]:
    return [p for p in context.sentence_periods if start <= p.start < end and statement.unit.owns(p.start)]


def _says_target(statement: Statement) -> bool:
    return any(t.get("status") and t.get("status").value == "target" for t in statement.tokens)


_PRIOR_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


def _prior_period(statement: Statement, anchor: Optional[Resolved], context: SentenceContext) -> Optional[Period]:
    """A figure of the same period a year before: `(cùng kỳ năm trước tăng 4,1%)`, `trong khi cùng kỳ
    giảm 2%`, `thấp hơn so với cùng kỳ năm 2022 tăng 8,1%`, `mức tăng 7,9% của cùng kỳ năm 2022`:
    the months of the figure it is set against, in the year before (or the year it names)."""
    host = anchor.period if anchor is not None and anchor.period is not None else context.topic.period
    if host is None or host.year is None:
        return None
    first = statement.figures[0].start if statement.figures else statement.unit.end
    compared = statement.unit.kind in ("comparison", "bracket")
    for token in _unit_tokens(statement, context):
        base = token.get("base")
        if base is None or base.value != "same_period_last_year":
            continue
        before = token.start < first
        if (base.weight and before) or (compared and (before or token.start >= statement.figures[-1].end)):
            named = _PRIOR_YEAR.search(context.plain, token.start, token.end)
            year = int(named.group(1)) if named else host.year - 1
            shift = host.year - year
            return replace(host, year=year, last_year=(host.last_year - shift) if host.last_year else None)
    return None


def _unit_tokens(statement: Statement, context: SentenceContext) -> list:
    """Tokens of a statement's own words, and, for a comparison, of its whole clause."""
    if statement.unit.kind == "comparison":
        return [t for t in context.tokens if statement.unit.owns(t.start)]
    if statement.unit.kind == "bracket":  # not the words before the bracket (`… so với cùng kỳ … (A giảm 2%)`) …
        own = [t for t in statement.tokens if statement.unit.start <= t.start < statement.unit.end]
        before = next((t for t in reversed(context.tokens) if t.end <= statement.unit.start), None)
        trailing = {id(f.trailing) for r in context.resolved for f in r.statement.figures if f.trailing is not None}
        if (before is not None and not context.plain[before.end : statement.unit.start].strip()
                and id(before) not in trailing):  # … unless they name the bracket's period: `thấp hơn cùng kỳ năm 2018 (tăng 10,8%)`
            own.insert(0, before)
        return own
    return statement.tokens


def _with_year(period: Period, result: Resolved, anchor, context: SentenceContext) -> Optional[Period]:
    if period.year is not None:
        return period
    published = context.article.published
    if period.relation is not None:
        if published is not None:
            result.sources["year"] = context.article.published_source
            return replace(period, year=published.year - (1 if period.relation == "last" else 0), relation=None)
        if period.relation == "last":
            return None
        period = replace(period, relation=None)  # `năm nay` with no date to go by: the year the article is on
    for donor, how in ((anchor, "unit"), (context.topic, "topic")):
        carried = getattr(donor, "period", None) if donor is not None else None
        if carried is not None and carried.year is not None and not carried.last_year:
            result.sources["year"] = how
            return replace(period, year=carried.year)
    stated = _nearest_stated_year(period, context, same_paragraph=True)
    if stated is not None:
        result.sources["year"] = "stated"
        return replace(period, year=stated)
    if published is not None:
        result.sources["year"] = context.article.published_source
        year = published.year
        if period.last_month > published.month and year > 1:
            year -= 1  # a January report on `tháng 12` speaks of the year before
        return replace(period, year=year)
    stated = _nearest_stated_year(period, context, same_paragraph=False)
    if stated is not None:
        result.sources["year"] = "stated"
        return replace(period, year=stated)
    return None


def _nearest_stated_year(period: Period, context: SentenceContext, same_paragraph: bool) -> Optional[int]:
    """The year stated nearest to a yearless period (not a base's or horizon's year): in its own
    paragraph, or, with no publication date to go by, anywhere in the article."""
    paragraph = context.sentence.paragraph
    candidates = [(abs(position - period.start), year) for position, year, where in context.article.stated_years
                  if where == paragraph or not same_paragraph]
    return min(candidates)[1] if candidates else None


def _place(result: Resolved, statement: Statement, anchor, how, context: SentenceContext) -> None:
    subject = statement.subject
    if subject.place is not None:
        result.place, result.sources["place"] = subject.place, "own"
        return
    if subject.home:
        result.place, result.sources["place"] = context.topic.home, "home"
        return
    if statement.unit.kind in ("comparison", "cause"):  # `cao hơn mức tăng 9,1% của cả nước`
        named = [t for t in context.tokens if statement.unit.owns(t.start) and t.has("place", "national")]
        if named:
            reading = named[-1].get("place") or named[-1].get("national")
            result.place, result.sources["place"] = reading.value, "own"
            return
    place = _inherit(result, "place", anchor, how, context.topic)
    if place is None and context.topic.home is not None:
        place, result.sources["place"] = context.topic.home, "home"
    result.place = place


def _status(result: Resolved, statement: Statement, anchor, how, carried, continues: bool) -> None:
    first = statement.figures[0].start if statement.figures else statement.unit.end
    words = [t for t in statement.tokens if t.get("status") and t.start < first]
    if words:
        result.status, result.sources["status"] = words[-1].get("status").value, "own"
        return
    if statement.unit.kind in ("bracket", "aside", "comparison") and result.sources.get("period") in ("own", "prior"):
        result.status, result.sources["status"] = "actual", "prior"
        return
    status = _inherit(result, "status", anchor, how, carried, use_topic=continues)
    if status is None:
        status, result.sources["status"] = "actual", "default"
    result.status = status


def _base(result: Resolved, statement: Statement, anchor, how, carried, continues: bool, context: SentenceContext) -> None:
    """The base context of a statement: its own base phrase before the figures (`So với năm
    2018, …`), else what it hangs on, else the topic's when it continues or breaks the topic
    down (never for a target)."""
    first = statement.figures[0].start if statement.figures else statement.unit.end
    free = [t for t in statement.tokens if t.get("base") and not t.get("base").weight and t.start < first]
    if free:
        result.base, result.sources["base"] = free[-1].get("base").value, "own"
    elif not statement.figures:
        result.base = None
    own = [_dated_base(f, result, context) or f.base for f in statement.changes() if f.base]
    if own:
        result.base = own[-1]
        result.sources["base"] = "own"
        return
    if result.base is None:
        result.base = _inherit(result, "base", anchor, how, carried, use_topic=continues and result.status != "target")


_NO_TOPIC = Topic()


def _price(result: Resolved, statement: Statement, anchor, how, carried) -> None:
    words = [t for t in statement.tokens if t.get("price")]
    if words:
        result.price, result.sources["price_basis"] = words[-1].get("price").value, "own"
        return
    if result.own_metric and statement.figures:
        return
    for donor, donor_how in ((anchor, how), (carried or _NO_TOPIC, "topic")):
        if donor is not None and donor.price is not None and donor.metric == result.metric:
            result.price, result.sources["price_basis"] = donor.price, donor_how
            return


@dataclass
class Measure:
    """What a statement states, as the contract counts it: an amount with its unit and bound (a
    contribution's is its signed points), a plan share, and one change per base."""

    amount: Optional[float] = None
    unit: Optional[str] = None
    bound: Optional[str] = None
    plan: Optional[float] = None
    changes: list[Figure] = field(default_factory=list)

    @classmethod
    def of(cls, statement: Statement) -> "Measure":
        contribution = next((f for f in statement.figures if f.role == "contribution"), None)
        if contribution is not None:
            return cls(contribution.amount, "pp", contribution.quantity.bound)
        value = statement.value()
        plan = next((f.quantity.number for f in statement.figures if f.role == "plan"), None)
        if value is None:
            return cls(plan=plan, changes=statement.changes())
        return cls(value.quantity.value, value.quantity.unit, value.quantity.bound, plan, statement.changes())


def observations(result: Resolved, context: SentenceContext, coordination_base: dict[int, str]) -> list[Observation]:
    """The rows a resolved statement gives: one per change base (or one for a value or plan share),
    for each place it names (`các tỉnh A, B và C cùng tăng 6%`)."""
    statement = result.statement
    if result.not_fact or not statement.figures or result.metric is None or result.place is None or result.period is None:
        return []
    if result.period.year is None:
        return []
    if result.product is None and (result.metric in ("output", "inventory") or result.sector is None):
        return []
    if result.metric == "iip" and not statement.changes():
        return []  # an index is reported as a change; `sản xuất công nghiệp đạt 24,6% kế hoạch` names no index
    measure = Measure.of(statement)
    if measure.unit is not None and measure.unit not in METRIC_UNITS[result.metric]:
        return []
    places = statement.subject.places if result.sources.get("place") == "own" and statement.subject.places else [result.place]
    products = statement.subject.products if result.product == statement.subject.product else ()
    results = [replace(result, product=name, sector=section or result.sector) for name, section in products] or [result]
    return [row for one in results for place in places for row in _rows(one, measure, place, context, coordination_base)]


def _rows(result: Resolved, measure: Measure, place: str, context: SentenceContext,
          coordination_base: dict[int, str]) -> list[Observation]:
    period_start, period_end = result.period.months()
    geo_code, geo_name = geo_for(place, period_end)
    sentence = context.sentence
    price = result.price if result.metric in ("production_value", "value_added") else None
    rows = []
    for change in measure.changes or [None]:
        if measure.amount is None and change is None and measure.plan is None:
            continue
        sources = dict(result.sources)
        base = None
        if change is not None and change.base is not None:
            base, sources["base"] = _dated_base(change, result, context) or change.base, "own"
        elif change is not None and id(change) in coordination_base:
            base, sources["base"] = coordination_base[id(change)], "coordination"
        elif change is not None:
            base = result.base
        rows.append(Observation(
            article_id=context.article.article_id,
            geo_code=geo_code,
            geo_name=geo_name,
            period_start=period_start,
            period_end=period_end,
            sector=result.sector,
            division=result.division,
            product=result.product,
            metric=result.metric,
            value=_tidy(measure.amount) if measure.amount is not None else None,
            unit=measure.unit if measure.amount is not None else None,
            bound=measure.bound if measure.amount is not None else (change.quantity.bound if change else None),
            change_pct=change.change_pct if change is not None else None,
            change_base=base,
            plan_pct=measure.plan,
            status=result.status or "actual",
            price_basis=price,
            evidence=sentence.text,
            span=(sentence.start, sentence.end),
            parser_version=PARSER_VERSION,
            attachment={k: v for k, v in sources.items() if k != "price_basis" or price is not None},
        ))
    return rows


def _dated_base(change, result: Resolved, context: SentenceContext) -> Optional[str]:
    """`so với tháng 6/2022` for June 2023, `so với quý II/2022` for Q2 2023: a base that names the
    same month or quarter of an earlier year is the same period last year, whatever its words."""
    if change.base != "previous_period" or change.trailing is None or result.period is None:
        return None
    text = context.plain[change.trailing.start : change.trailing.end]
    named = _PRIOR_YEAR.search(text)
    if not named or int(named.group(1)) >= result.period.year:
        return None
    month = _BASE_MONTH.search(text)
    quarter = _BASE_QUARTER.search(text)
    period = result.period
    if month and int(month.group(1)) == period.last_month == period.first_month:
        return "same_period_last_year"
    if quarter and _QUARTERS.get(quarter.group(1)) == period.last_month // 3 and period.last_month - period.first_month == 2:
        return "same_period_last_year"
    return None


_BASE_MONTH = re.compile(r"thang\s*(\d{1,2})\b")
_BASE_QUARTER = re.compile(r"qu[yi]\s*(iv|iii|ii|i|[1-4])\b")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _tidy(value: float) -> float:
    return float(f"{value:.12g}")
